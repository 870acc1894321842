"""The simulated parts of the demo: what respondents and the scanner do.

Returned questionnaires are the real personalised PDFs of the print run,
marked by simulated pens and passed through a simulated scanner
(:mod:`papersurvey.simulate`), and then written as one scanner-style PDF with
a JPEG image per page, as office scanners deliver them. Online answers are a
simulated LimeSurvey response export (:mod:`papersurvey.simulate.online`).
The truth of every simulated sheet is written next to the scans so the demo
can say how well the OMR did.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from survey.project import Project

if TYPE_CHECKING:
    from papersurvey.demo.run import DemoOptions

PAPER_VARIANTS = ("invitation_paper", "reminder_paper")


def _scanner_pdf(images: list[np.ndarray], path: Path, dpi: float) -> None:
    """Write page images as a scanner does: one JPEG image per PDF page."""
    from PIL import Image

    pages = [
        Image.fromarray(img.astype(np.uint8) * 255 if img.dtype == np.bool_ else img)
        for img in images
    ]
    # A fixed date, so that one seed gives one file (the demo's scanner ran on 23 March).
    when = dt.datetime(2027, 3, 23, 9, 0, tzinfo=dt.UTC).timetuple()  # what Pillow takes
    pages[0].save(
        path,
        save_all=True,
        append_images=pages[1:],
        resolution=dpi,
        quality=90,
        creationDate=when,
        modDate=when,
    )


def simulate_returned_scans(directory: Path, options: DemoOptions) -> str:
    """Fill in, return and scan the paper questionnaires of a share of paper respondents."""
    from layout.questionnaire import QuestionnaireLayout
    from papersurvey.simulate.damage import draw_damage
    from papersurvey.simulate.draws import Purpose, numpy_rng, positions
    from papersurvey.simulate.sheets import simulate_respondent
    from print_batches.painters import layout_options

    with Project.open(directory) as project:
        questionnaire = project.load_questionnaire()
        rows = project.store.query(
            "SELECT DISTINCT m.pseudonym, r.language FROM mailings m "
            "JOIN respondents r USING (pseudonym) WHERE m.variant IN (?, ?)",
            PAPER_VARIANTS,
        )
        if not rows:
            return "skipped: nobody received a paper questionnaire"
        # Each respondent's draws follow from the seed and their place in the address
        # file, never from the (random) pseudonym, so one seed gives one outcome.
        position = positions(project)
        rows = sorted(rows, key=lambda r: position[r["pseudonym"]])
        rngs = {
            r["pseudonym"]: numpy_rng(options.seed, Purpose.PAPER_RETURN, position[r["pseudonym"]])
            for r in rows
        }
        returned = [r for r in rows if rngs[r["pseudonym"]].random() < options.paper_return_rate]
        layouts: dict[str, QuestionnaireLayout] = {}
        images: list[np.ndarray] = []
        truth = []
        for row in returned:
            rng = rngs[row["pseudonym"]]
            language = row["language"] or project.settings.default_language
            if language not in layouts:
                layouts[language] = QuestionnaireLayout(
                    questionnaire, layout_options(project, language)
                )
            # An ordinary office scanner (300 dpi gray, a little skew and noise); now and
            # then a questionnaire goes through the feeder upside down.
            damage = draw_damage(rng, extra_kinds=(0, 0))
            if rng.random() < 0.1:
                damage = replace(damage, quarter=2, kinds=("upside_down",))
            for sheet in simulate_respondent(
                layouts[language], questionnaire, project.key, row["pseudonym"], rng, damage=damage
            ):
                image = sheet.image
                if image.ndim == 3:
                    image = image[..., 0]
                images.append(image)
                truth.append(sheet.truth.to_dict())
        scans = project.paths.scans
        scans.mkdir(exist_ok=True)
        pdf = scans / "retour-batch-001.pdf"
        _scanner_pdf(images, pdf, 300)
        (project.paths.out / "demo-truth.json").write_text(
            json.dumps(truth, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return f"{len(returned)} of {len(rows)} paper questionnaires returned: {len(images)} pages in {pdf}"


def simulate_online_export(directory: Path, options: DemoOptions) -> str | None:
    """A LimeSurvey response export for those who answer online; the file's path."""
    from papersurvey.simulate.online import simulate_online_export as simulate

    path = simulate(directory, email_rate=options.online_response_rate, seed=options.seed)
    return str(path)


def simulate_comparisons(directory: Path, options: DemoOptions) -> tuple[Path, Path, Path]:
    """Two earlier rounds' exports (oldest first) and a reference group's figures."""
    from papersurvey.simulate.online import simulate_previous_round, simulate_reference

    with Project.open(directory) as project:
        questionnaire = project.load_questionnaire()
    folder = directory / "comparison"
    earlier = simulate_previous_round(
        questionnaire, folder / "earlier-round-data.csv", seed=options.seed - 4
    )
    previous = simulate_previous_round(
        questionnaire, folder / "previous-round-data.csv", seed=options.seed - 2
    )
    reference = simulate_reference(
        questionnaire, folder / "reference-group.csv", seed=options.seed - 3
    )
    return earlier, previous, reference


def score_paper_answers(directory: Path) -> str:
    """Compare what the scan run stored with what the simulated respondents meant.

    A question counts as *to review* when it has an open review item, as
    *correct* when the stored paper value equals the truth, and as a *silent
    error* otherwise: wrong and not flagged. The demo says so if there is one.
    """
    truth_file = directory / "out" / "demo-truth.json"
    if not truth_file.exists():
        return "skipped: no simulated scans"
    sheets = json.loads(truth_file.read_text(encoding="utf-8"))
    with Project.open(directory) as project:
        stored = {
            (r["pseudonym"], r["question"]): r["value"]
            for r in project.store.query(
                "SELECT pseudonym, question, value FROM answers WHERE source = 'paper'"
            )
        }
        flagged = {
            (r["pseudonym"], r["question"])
            for r in project.store.query(
                "SELECT pseudonym, question FROM review_items WHERE state = 'open'"
            )
        }
    correct = review = silent = 0
    for sheet in sheets:
        for q in sheet["questions"]:
            key = (sheet["pseudonym"], q["name"])
            meant = q["value"]
            if isinstance(meant, list):
                meant = " ".join(sorted(meant)) or None
            if key in flagged:
                review += 1
            elif not q["double"] and stored.get(key) == meant:
                correct += 1
            else:
                silent += 1
    total = correct + review + silent
    return (
        f"{total} paper questions: {correct} read correctly, {review} sent to review, "
        f"{silent} silent errors"
    )
