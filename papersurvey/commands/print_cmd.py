"""``papersurvey print DIR``: the invitation batches for the print shop.

(The module is not called ``print.py`` so it does not shadow the builtin.)
"""

from __future__ import annotations

import argparse
from typing import Any

from papersurvey.commands.parsers import project_command
from papersurvey.commands.print_runs import add_run_options, format_report, run_options
from print_batches.variants import PrintChannel


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "print",
        run,
        help="make the print batches (letters and questionnaires) for the print shop",
        description=(
            "Render the invitation letters, with the personalised paper questionnaire where the "
            "channel asks for it, in postal order, as batch PDFs with a manifest per batch and a "
            "job ticket, into DIR/print/invitation/. Every set is recorded in the store."
        ),
    )
    p.add_argument(
        "--channel",
        choices=[c.value for c in PrintChannel],
        default=PrintChannel.AUTO.value,
        help=(
            "auto: per respondent as imported (paper gets the questionnaire, e-mail is invited "
            "by e-mail and not printed); paper: everyone gets letter + questionnaire; "
            "letter: everyone gets the letter with the online link only (default: auto)"
        ),
    )
    add_run_options(p)
    p.add_argument(
        "--force",
        action="store_true",
        help=(
            "replace an earlier invitation run (only if it was never sent; pseudonyms stay), "
            "also when the questionnaire now lays out differently from the one printed before"
        ),
    )


def run(args: argparse.Namespace) -> int:
    from print_batches.invitations import PrintOptions, print_invitations
    from survey.project import Project

    options = PrintOptions(channel=PrintChannel(args.channel), **run_options(args))
    with Project.open(args.directory) as project:
        report = print_invitations(project, options, progress=args.progress)
    print(format_report(report))
    return 0
