"""Layout speed: questionnaire pages (and letters) rendered per second, one process.

The default questionnaire is laid out once; then N respondents are rendered
into one PDF in three ways:

* ``forms``: the batch path: static page content defined once as form
  XObjects, per page only the two QR codes and the printed code;
* ``naive``: every page drawn in full for every respondent (the baseline);
* ``letters``: the invitation letter with the paper questionnaire, per
  respondent (letterhead as a form XObject, address, QR and body per letter).

Layout time (pagination, form map) is reported separately; it is paid once
per questionnaire version. The print-batch issue sets the target for the
``forms`` path (>= 800 pages/s on the print machine, before parallelism).

Usage::

    python benchmarks/bench_layout.py [--respondents 300] [--repeat 3]

Prints the figures and writes ``benchmarks/results/bench_layout.json``.
"""

from __future__ import annotations

import argparse
import io
import json
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from layout.address import Addressee, salutation  # noqa: E402
from layout.letter import LetterLayout  # noqa: E402
from layout.proof import example_letter_options  # noqa: E402
from layout.questionnaire import LayoutOptions, QuestionnaireLayout  # noqa: E402
from layout.templates import default_letters_folder, template_path  # noqa: E402
from survey import pseudonym as pseudonyms  # noqa: E402
from survey.questionnaire import default_questionnaire  # noqa: E402

KEY = bytes(range(32))
SURVEY = "KBO-2027-LV"


def _questionnaires(layout: QuestionnaireLayout, people: list[str], naive: bool) -> int:
    buffer = io.BytesIO()
    canvas = layout.new_canvas(buffer)
    if not naive:
        layout.define_static_forms(canvas)
    pages = 0
    for who in people:
        for n in range(1, layout.page_count + 1):
            if naive:
                layout.draw_static(canvas, n)
                layout.qr.draw(canvas, layout.page_code(n, who, KEY))
            else:
                layout.draw_page(canvas, n, who, KEY)
            canvas.showPage()
            pages += 1
    canvas.save()
    return pages


def _letters(letter: LetterLayout, people: list[str]) -> int:
    from reportlab.pdfgen.canvas import Canvas

    from layout import fonts

    buffer = io.BytesIO()
    canvas = Canvas(buffer, initialFontName=fonts.REGULAR)
    letter.define_static_forms(canvas)
    pages = 0
    for i, who in enumerate(people):
        a = Addressee(
            name=f"J. Voorbeeld {i}",
            street="Proefstraat",
            house_number=str(i + 1),
            postcode="1234AB",
            town="Voorbeeldstad",
            salutation=salutation("v", "", f"Voorbeeld {i}"),
            pseudonym=who,
        )
        pages += letter.draw(canvas, a)
        canvas.showPage()
    canvas.save()
    return pages


def _best(fn: Any, repeat: int) -> tuple[float, int]:
    best, count = float("inf"), 0
    for _ in range(repeat):
        t0 = time.perf_counter()
        count = fn()
        best = min(best, time.perf_counter() - t0)
    return best, count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--respondents", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "bench_layout.json"
    )
    args = parser.parse_args(argv)

    questionnaire = default_questionnaire()
    t0 = time.perf_counter()
    layout = QuestionnaireLayout(
        questionnaire, LayoutOptions(survey_code=SURVEY, municipality="Gemeente Voorbeeld")
    )
    layout_seconds = time.perf_counter() - t0
    people = pseudonyms.new_pseudonyms(args.respondents)
    letter = LetterLayout(
        template_path(default_letters_folder(), "invitation_paper", "nl"),
        example_letter_options(),
    )
    results: dict[str, Any] = {
        "respondents": args.respondents,
        "questionnaire_pages": layout.page_count,
        "layout_seconds": round(layout_seconds, 4),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    cases = {
        "forms": lambda: _questionnaires(layout, people, naive=False),
        "naive": lambda: _questionnaires(layout, people, naive=True),
        "letters": lambda: _letters(letter, people),
    }
    for name, fn in cases.items():
        seconds, pages = _best(fn, args.repeat)
        results[name] = {
            "pages": pages,
            "seconds": round(seconds, 3),
            "pages_per_second": round(pages / seconds, 1),
        }
        print(f"{name:8s} {pages:6d} pages in {seconds:6.2f} s: {pages / seconds:8.1f} pages/s")
    print(
        f"layout (once per version): {layout_seconds * 1000:.0f} ms for {layout.page_count} pages"
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
