"""Layout and letter options of a survey round, read from its project folder.

``survey.toml`` holds the round's settings; ``letters/`` its templates, logo
(``letters/logo.png``) and signature. These two functions are the one place
where settings become :class:`~layout.options.LayoutOptions` and
:class:`~layout.letter.LetterOptions`, for ``papersurvey proof`` and for the
print batches alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from layout.letter import LetterOptions
from layout.options import LayoutOptions
from survey import codes
from survey.formmap import FormMap

LOGO = "logo.png"


def municipality_name(municipality: str) -> str:
    """``Leidschendam-Voorburg`` -> ``Gemeente Leidschendam-Voorburg`` (left alone if it says so)."""
    m = municipality.strip()
    return m if not m or m.lower().startswith("gemeente") else f"Gemeente {m}"


def _logo(project: Any) -> Path | None:
    path = Path(project.paths.letters) / LOGO
    return path if path.is_file() else None


def questionnaire_options(project: Any, language: str = "") -> LayoutOptions:
    """The round's questionnaire layout options (``project``: a :class:`survey.project.Project`)."""
    s = project.settings.survey
    return LayoutOptions(
        language=language or project.settings.default_language,
        survey_code=s.code or codes.survey_code(s.id),
        municipality=municipality_name(s.municipality),
        logo=_logo(project),
    )


def questionnaire_form_maps(
    project: Any, languages: Iterable[str] | None = None
) -> dict[str, FormMap]:
    """The form maps the questionnaire gives now, per language (default: the round's, default first).

    ``project``: a :class:`survey.project.Project`. Print saves these maps;
    scan builds them only for a round printed before maps were saved.

    Raises:
        QuestionnaireError: the questionnaire has problems.
        LayoutError: it cannot be laid out.
    """
    from layout.questionnaire import QuestionnaireLayout

    questionnaire = project.load_questionnaire()
    wanted = project.settings.survey.languages if languages is None else tuple(languages)
    return {
        lang: QuestionnaireLayout(questionnaire, questionnaire_options(project, lang)).form_map
        for lang in wanted
    }


def online_url(base_url: str, sid: str) -> str:
    """The URL printed in letters (without token): the LimeSurvey survey's public address."""
    base = base_url.rstrip("/")
    if base and sid:
        return f"{base}/index.php/{sid}"
    return base


def letter_options(
    project: Any, language: str = "", letter_date: dt.date | None = None
) -> LetterOptions:
    """The round's letter options (``project``: a :class:`survey.project.Project`)."""
    st = project.settings
    sender = st.sender
    signature = (project.paths.root / sender.signature) if sender.signature else None
    municipality = st.survey.municipality.strip()
    if municipality.lower().startswith("gemeente "):
        municipality = municipality[len("gemeente ") :]
    return LetterOptions(
        language=language or st.default_language,
        municipality=municipality,
        organisation=sender.organisation or municipality_name(municipality),
        department="",
        sender_address=tuple(sender.reply_address),
        logo=_logo(project),
        signature=signature
        if signature is not None and signature.is_file()
        else None,  # see letter_gaps
        online_url=online_url(st.online.base_url, st.online.limesurvey_sid),
        limesurvey_sid=st.online.limesurvey_sid,
        limesurvey_base=st.online.base_url,
        closing_date=st.dates.close,
        letter_date=letter_date or st.dates.send,
        reference=sender.reference,
        phone=st.helpdesk.phone,
        helpdesk_email=st.helpdesk.email,
        helpdesk_hours=st.helpdesk.hours,
        bureau=st.survey.bureau,
        sender_name=sender.name,
        sender_role=sender.role,
    )


@dataclass(frozen=True)
class LetterGap:
    """A setting that leaves a gap in the round's letters.

    Attributes:
        setting: the ``survey.toml`` key, e.g. ``[online] base_url``.
        effect: what the letter then shows, in plain language.
        blocking: the letter would point nowhere: ``print`` refuses it.
    """

    setting: str
    effect: str
    blocking: bool = False

    def __str__(self) -> str:
        return f"survey.toml {self.setting} {self.effect}"


_EMPTY_SETTINGS = (
    ("online", "base_url", "is empty: the letter says 'Ga naar' with no web address and no QR code", True),
    ("online", "limesurvey_sid", "is empty: the letter QR holds no login token", False),
    ("dates", "close", "is empty: the letter shows no closing date", False),
    ("helpdesk", "phone", "is empty: the letter shows no phone number", False),
    ("helpdesk", "email", "is empty: the letter shows no helpdesk e-mail address", False),
    ("survey", "bureau", "is empty: the letter names no survey bureau", False),
    ("sender", "name", "is empty: the letter is not signed", False),
)  # fmt: skip


def letter_gaps(project: Any) -> list[LetterGap]:
    """The settings that leave a gap in the letters (``project``: a :class:`survey.project.Project`).

    ``proof`` lists them as warnings; ``print`` warns too and refuses the blocking ones.
    """
    st = project.settings
    gaps = [
        LetterGap(f"[{section}] {key}", effect, blocking)
        for section, key, effect, blocking in _EMPTY_SETTINGS
        if not getattr(getattr(st, section), key)
    ]
    if st.sender.signature and not (project.paths.root / st.sender.signature).is_file():
        gaps.append(
            LetterGap(
                "[sender] signature",
                f"names {st.sender.signature}, which does not exist: the letters go out without "
                'a signature. Put the image there, or set signature = "" to sign with the name only',
            )
        )
    return gaps


def refuse_blocking_gaps(project: Any) -> None:
    """Refuse letters that point nowhere (``print``).

    Raises:
        ProjectError: a blocking gap; the message says which setting to fill in.
    """
    blocking = [g for g in letter_gaps(project) if g.blocking]
    if blocking:
        from survey.errors import ProjectError

        lines = "; ".join(str(g) for g in blocking)
        raise ProjectError(
            f"the letters cannot be printed: {lines}. Fill in the web address of the online "
            'questionnaire (for example base_url = "https://enquete.example.nl") in '
            "survey.toml, check it with 'papersurvey proof', then print again."
        )
