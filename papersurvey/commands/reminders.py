"""``papersurvey reminders DIR``: reminder letters for those who have not responded."""

from __future__ import annotations

import argparse
from typing import Any

from papersurvey.commands.parsers import positive_int, project_command
from papersurvey.commands.print_runs import add_run_options, format_report, run_options


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "reminders",
        run,
        help="make reminder batches for everyone who has not responded yet",
        description=(
            "Render reminder letters for every respondent who was sent a printed invitation and "
            "has not responded on paper or online, as batches in DIR/print/reminder-N/, and "
            "record them in the store."
        ),
    )
    p.add_argument(
        "--with-questionnaire",
        action="store_true",
        help="enclose a fresh copy of the personalised paper questionnaire",
    )
    p.add_argument(
        "--round",
        type=positive_int,
        default=1,
        metavar="N",
        help="which reminder this is: 1 for the first (default), 2 for a second reminder",
    )
    add_run_options(p)
    p.add_argument(
        "--force",
        action="store_true",
        help=(
            "replace an earlier run of the same reminder round (only if it was never sent), or "
            "enclose a questionnaire that lays out differently from the one printed before"
        ),
    )


def run(args: argparse.Namespace) -> int:
    from print_batches.reminders import ReminderOptions, print_reminders
    from survey.project import Project

    options = ReminderOptions(
        with_questionnaire=args.with_questionnaire, round=args.round, **run_options(args)
    )
    with Project.open(args.directory) as project:
        report = print_reminders(project, options, progress=args.progress)
    print(format_report(report))
    return 0
