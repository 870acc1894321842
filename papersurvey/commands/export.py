"""``papersurvey export DIR``: the merged dataset as CSV, Parquet and SPSS."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from papersurvey.commands.parsers import (
    add_comparison_options,
    comparison_options,
    project_command,
)

FORMATS = ("csv", "parquet", "spss", "xlsx")
"""The data file formats of :func:`analysis.exports.export_all` (a copy, so that building
the parser does not import pandas; a test checks that the two agree)."""


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "export",
        run,
        help="write the merged dataset (CSV, Parquet, SPSS, Excel) and its tables",
        description=(
            "Merge paper and online answers into one row per respondent and write it to "
            "out/export/ as data.csv, data.parquet, data.sav and/or data.xlsx (with a codebook "
            "and the figures per chapter), with metrics.csv (every figure of the report with "
            "its comparisons, small cells suppressed), codebook.csv, the data-quality "
            "table problems.csv and the duplicates that did not count. open_answers.csv lists "
            "every open answer that counts (no pseudonym, phone/e-mail flagged) for analysts "
            "choosing quotes for the report: it holds free text that may name people."
        ),
    )
    p.add_argument(
        "--format",
        choices=[*FORMATS, "all"],
        default="all",
        help="which data file to write (default: all)",
    )
    p.add_argument(
        "--out", metavar="FOLDER", type=Path, help="where to write (default DIR/out/export)"
    )
    p.add_argument(
        "--language",
        choices=["nl", "en"],
        default=None,
        help="language of labels and question texts (default: the round's first language)",
    )
    add_comparison_options(p)  # as for report: the comparisons go into metrics.csv, data.xlsx


def run(args: argparse.Namespace) -> int:
    from analysis.exports import FORMATS as ALL_FORMATS
    from analysis.exports import ExportOptions, export_round
    from survey.project import Project

    options = ExportOptions(
        formats=ALL_FORMATS if args.format == "all" else (args.format,),
        out_dir=args.out,
        language=args.language,
        **comparison_options(args),
    )
    with Project.open(args.directory) as project:
        out = export_round(project, options)
    print(
        f"Exported {out.respondents} respondents ({out.paper} paper, {out.online} online) to {out.out_dir}:"
    )
    for f in out.files:
        print(f"  {f.name}")
    if out.duplicates:
        print(f"  {out.duplicates} duplicate responses did not count (duplicates.csv).")
    if out.problems:
        print(f"  {out.problems} answers left out by the data checks (problems.csv).")
    print(
        "  open_answers.csv holds free text that may name people: for the analysts only, "
        "never publish it."
    )
    return 0
