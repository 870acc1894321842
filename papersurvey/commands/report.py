"""``papersurvey report DIR``: the report as PDF and HTML in out/report/."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from papersurvey.commands.parsers import (
    add_comparison_options,
    comparison_options,
    project_command,
)


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "report",
        run,
        help="write the report (PDF and HTML) with charts",
        description=(
            "Write the round's report to out/report/: summary, introduction with the response, "
            "a chapter per questionnaire section with charts and tables, and appendices. "
            "Figures based on fewer answers than privacy.min_cell_size are never shown. "
            "Open answers are only counted, unless you give --quotes."
        ),
    )
    add_comparison_options(p)
    p.add_argument(
        "--format",
        choices=["pdf", "html", "both"],
        default="both",
        help="write rapport.pdf, rapport.html or both (default both)",
    )
    p.add_argument(
        "--language",
        choices=["nl", "en"],
        default="nl",
        help="language of the report's texts: nl (Dutch, default) or en (English)",
    )
    p.add_argument(
        "--out", metavar="FOLDER", type=Path, help="where to write (default DIR/out/report)"
    )
    p.add_argument(
        "--dpi", type=int, default=200, help="resolution of the charts (default 200, for print)"
    )
    p.add_argument(
        "--quotes",
        metavar="FILE",
        type=Path,
        help=(
            "quotes from open answers to print in their question's chapter: a CSV "
            "question;quote that you chose from out/export/open_answers.csv and anonymised"
        ),
    )
    p.add_argument(
        "--allow-flagged-quotes",
        action="store_true",
        help="print quotes that look like they hold a phone number or e-mail address",
    )
    p.add_argument(
        "--allow-open-review",
        action="store_true",
        help="make a provisional report although review items are still open",
    )


def run(args: argparse.Namespace) -> int:
    from analysis.report import ReportOptions, make_report
    from survey.project import Project

    formats = ("pdf", "html") if args.format == "both" else (args.format,)
    options = ReportOptions(
        formats=formats,
        language=args.language,
        out_dir=args.out,
        dpi=args.dpi,
        quotes=args.quotes,
        allow_flagged_quotes=args.allow_flagged_quotes,
        allow_open_review=args.allow_open_review,
        **comparison_options(args),
    )
    with Project.open(args.directory) as project:
        out = make_report(project, options)
    print(
        f"Report on {out.respondents} respondents: {out.figures} figures, {out.tables} tables, "
        f"{out.suppressed} cells suppressed (fewer answers than privacy.min_cell_size)."
    )
    if args.quotes:
        n, w = out.quotes, len(out.warnings)
        warned = f", {w} warning{'s' if w != 1 else ''} (above)" if w else ""
        print(f"{n} quote{'s' if n != 1 else ''} from open answers printed{warned}.")
    if out.open_items:
        print(f"Provisional: {out.open_items} review items are still open (said on the cover).")
    for f in (*out.files, *([out.metrics] if out.metrics else [])):
        print(f"  {f}")
    return 0
