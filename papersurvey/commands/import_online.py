"""``papersurvey import-online DIR FILE``: import a LimeSurvey response export."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "import-online",
        help="import the online answers (LimeSurvey response export)",
        description=(
            "Read a LimeSurvey response export (Responses > Export > CSV, with 'Question code' "
            "headings and 'Answer codes'; comma or semicolon) and store its responses. Every "
            "problem is listed before anything is written. Importing the same file again "
            "changes nothing; a later export adds what is new."
        ),
    )
    p.add_argument("directory", metavar="DIR", type=Path, help="the project folder")
    p.add_argument("file", metavar="FILE", type=Path, help="the LimeSurvey export (.csv)")
    p.add_argument(
        "--ignore-column",
        metavar="HEADING",
        action="append",
        default=[],
        help="read past a column that matches no question (repeat for more)",
    )
    p.add_argument(
        "--skip-unknown",
        action="store_true",
        help="skip responses whose token is no respondent of this round (test responses)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ingest.online_import import OnlineImportOptions, import_online
    from survey.project import Project

    options = OnlineImportOptions(
        file=args.file,
        ignore_columns=tuple(args.ignore_column),
        skip_unknown=args.skip_unknown,
    )
    with Project.open(args.directory) as project:
        report = import_online(project.store, project.load_questionnaire(), options)
    if report.nothing_changed:
        print(
            f"Nothing changed: the {report.rows} responses in {report.file} were imported before."
        )
    else:
        print(
            f"Imported {report.file}: {report.rows} responses ({report.complete} complete, "
            f"{report.partial} partial); {report.added} new, {report.updated} updated, "
            f"{report.unchanged} unchanged."
        )
    if report.superseded:
        print(
            f"  {report.superseded} partial responses replaced by one of the same token that got further."
        )
    if report.skipped_unknown:
        print(
            f"  {len(report.skipped_unknown)} responses skipped: token not a respondent of this round."
        )
    if report.duplicate_tokens:
        print(
            f"  {len(report.duplicate_tokens)} respondents have more than one online response; "
            "the analysis counts one (see docs/analysis.md)."
        )
    if report.ignored_columns:
        print(f"  columns read past: {', '.join(report.ignored_columns)}")
    if report.missing_questions:
        print(f"  questions without a column in the export: {', '.join(report.missing_questions)}")
    return 0
