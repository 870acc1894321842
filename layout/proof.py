"""Proofs for sign-off by the municipality: a blank questionnaire and an example letter.

``papersurvey proof DIR`` writes to ``DIR/out/proof/``:

* ``questionnaire.pdf``: the blank reference print (page codes say ``TEMPLATE00``);
* ``questionnaire-1.png`` ...: one preview per page;
* ``formmap.json``: the form map of this questionnaire version;
* ``letter-<variant>.pdf`` and ``letter-<variant>-1.png``: the letter for an
  invented addressee.

Nothing personal is used: the addressee is made up and the login code is a
fixed example.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layout.address import Addressee, salutation
from layout.letter import LetterLayout, LetterOptions
from layout.preview import write_pngs
from layout.questionnaire import QuestionnaireLayout
from layout.roundoptions import letter_gaps, letter_options, questionnaire_options
from layout.templates import VARIANTS, template_path
from survey import pseudonym as pseudonyms

log = logging.getLogger("papersurvey.layout.proof")

EXAMPLE_BODY = "PR00F123"


def example_addressee(language: str = "nl") -> Addressee:
    """An invented addressee with a fixed, valid example login code."""
    return Addressee(
        name="J. van der Voorbeeld",
        street="Proefstraat",
        house_number="12",
        addition="A",
        postcode="1234AB",
        town="Voorbeeldstad",
        salutation=salutation("v", "van der", "Voorbeeld", language),
        pseudonym=EXAMPLE_BODY + pseudonyms.check_character(EXAMPLE_BODY),
        language=language,
    )


def _missing_settings(project: Any) -> list[str]:
    """Warnings for settings that leave a gap in the letter."""
    out = []
    for gap in letter_gaps(project):
        refused = " ('papersurvey print' refuses such letters)" if gap.blocking else ""
        out.append(f"warning: {gap}{refused}")
    return out


@dataclass(frozen=True)
class ProofResult:
    """What a proof run wrote."""

    folder: Path
    pdfs: tuple[Path, ...]
    pngs: tuple[Path, ...]
    form_map: Path
    pages: int
    notes: tuple[str, ...] = field(default=())


def make_proof(
    project: Any,
    *,
    letters: tuple[str, ...] = ("invitation_paper",),
    language: str = "",
    dpi: float = 100.0,
    out: Path | None = None,
) -> ProofResult:
    """Render the proof of ``project`` (a :class:`survey.project.Project`).

    Args:
        project: the open project.
        letters: the letter variants to render.
        language: ``nl`` or ``en``; default the round's default language.
        dpi: resolution of the PNG previews.
        out: the output folder; default ``DIR/out/proof``.
    """
    for variant in letters:
        if variant not in VARIANTS:
            raise ValueError(f"unknown letter variant {variant!r}; one of {', '.join(VARIANTS)}")
    lang = language or project.settings.default_language
    folder = Path(out) if out is not None else Path(project.paths.out) / "proof"
    folder.mkdir(parents=True, exist_ok=True)
    questionnaire = project.load_questionnaire()
    layout = QuestionnaireLayout(questionnaire, questionnaire_options(project, lang))
    pdf = layout.render(None, project.key)
    q_pdf = folder / "questionnaire.pdf"
    q_pdf.write_bytes(pdf)
    pngs = write_pngs(pdf, folder, "questionnaire", dpi=dpi)
    form_map = layout.write_form_map(folder / "formmap.json")
    pdfs = [q_pdf]
    notes = [f"questionnaire: {layout.page_count} pages, version {questionnaire.version_hash}"]
    options = letter_options(project, lang)
    for variant in letters:
        template = template_path(project.paths.letters, variant, lang)
        letter = LetterLayout(template, options).render(example_addressee(lang))
        path = folder / f"letter-{variant}.pdf"
        path.write_bytes(letter)
        pdfs.append(path)
        pngs += write_pngs(letter, folder, f"letter-{variant}", dpi=dpi)
        notes.append(f"letter {variant}: {template.name}")
    notes += _missing_settings(project)
    for note in notes:
        log.info(note)
    return ProofResult(folder, tuple(pdfs), tuple(pngs), form_map, layout.page_count, tuple(notes))


def example_letter_options() -> LetterOptions:
    """Letter options of the invented municipality used for documentation previews and benchmarks."""
    return LetterOptions(
        municipality="Voorbeeld",
        department="Werk en Inkomen",
        sender_address=("Postbus 100", "1234 AA  Voorbeeldstad"),
        return_address="Retouradres: Postbus 100, 1234 AA  VOORBEELDSTAD",
        website="www.voorbeeld.nl",
        phone="14 012",
        online_url="https://enquete.voorbeeld.nl/index.php/123456",
        limesurvey_base="https://enquete.voorbeeld.nl",
        limesurvey_sid="123456",
        closing_date=dt.date(2027, 10, 15),
        letter_date=dt.date(2027, 10, 1),
        reference="KBO-2027-VB",
        bureau="Meerwaarde",
        sender_name="J. de Vries",
        sender_role="Manager Werk en Inkomen",
    )


def doc_previews(folder: Path, dpi: float = 80.0) -> list[Path]:
    """The README previews: the shipped questionnaire (blank) and a paper invitation.

    Uses an invented municipality and round; run ``python -m layout.proof docs/img``
    after a layout change and commit the PNGs.
    """
    from layout.options import LayoutOptions
    from layout.templates import default_letters_folder
    from survey.questionnaire import default_questionnaire

    layout = QuestionnaireLayout(
        default_questionnaire(),
        LayoutOptions(
            survey_code="KBO-2027-VB", municipality="Gemeente Voorbeeld", subtitle="Najaar 2027"
        ),
    )
    paths = write_pngs(layout.render(None, bytes(32)), folder, "questionnaire", dpi=dpi, colors=64)
    options = example_letter_options()
    template = template_path(default_letters_folder(), "invitation_paper", "nl")
    letter = LetterLayout(template, options).render(example_addressee())
    paths += write_pngs(letter, folder, "letter-invitation_paper", dpi=dpi, colors=64)
    return paths


if __name__ == "__main__":
    import sys

    for written in doc_previews(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/img")):
        print(written)
