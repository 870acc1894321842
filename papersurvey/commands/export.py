"""``papersurvey export DIR``: the merged dataset as CSV, Parquet and SPSS."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

FORMATS = ("csv", "parquet", "spss")
"""The data file formats of :func:`analysis.exports.export_all` (a copy, so that building
the parser does not import pandas; a test checks that the two agree)."""


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "export",
        help="write the merged dataset (CSV, Parquet, SPSS) and its tables",
        description=(
            "Merge paper and online answers into one row per respondent and write it to "
            "out/export/ as data.csv, data.parquet and/or data.sav, with metrics.csv (every "
            "figure of the report, small cells suppressed), codebook.csv, the data-quality "
            "table problems.csv and the duplicates that did not count. open_answers.csv lists "
            "every open answer that counts (no pseudonym, phone/e-mail flagged) for analysts "
            "choosing quotes for the report: it holds free text that may name people."
        ),
    )
    p.add_argument("directory", metavar="DIR", type=Path, help="the project folder")
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
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.dataset import build_dataset
    from analysis.exports import FORMATS as ALL_FORMATS
    from analysis.exports import export_all
    from analysis.results import compute_results
    from survey.project import Project

    formats = ALL_FORMATS if args.format == "all" else (args.format,)
    with Project.open(args.directory) as project:
        questionnaire = project.load_questionnaire()
        dataset = build_dataset(project.store, questionnaire)
        results = compute_results(dataset, project.settings.privacy.min_cell_size)
        out = args.out or project.paths.out / "export"
        language = args.language or project.settings.default_language
        files = export_all(results, out, formats, language)
    d = dataset
    print(
        f"Exported {len(d.data)} respondents ({int((d.data['mode'] == 'paper').sum())} paper, "
        f"{int((d.data['mode'] == 'online').sum())} online) to {out}:"
    )
    for f in files:
        print(f"  {f.name}")
    if len(d.duplicates):
        print(f"  {len(d.duplicates)} duplicate responses did not count (duplicates.csv).")
    if len(d.problems):
        print(f"  {len(d.problems)} answers left out by the data checks (problems.csv).")
    print(
        "  open_answers.csv holds free text that may name people: for the analysts only, "
        "never publish it."
    )
    return 0
