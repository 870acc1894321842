"""``papersurvey participants DIR --out FILE``: the LimeSurvey participant list, made from pii/."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from papersurvey.commands.parsers import project_command


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "participants",
        run,
        help="write the LimeSurvey participant list (names, e-mail, tokens) outside the project",
        description=(
            "Decrypt pii/ in memory and write the participant list LimeSurvey imports (first "
            "name, last name, e-mail, token = pseudonym, language, subgroup) to FILE, outside "
            "the project folder. It is personal data: delete FILE once LimeSurvey has it."
        ),
    )
    p.add_argument("--out", metavar="FILE", type=Path, required=True, help="the CSV file to write")


def run(args: argparse.Namespace) -> int:
    from survey.participants import write_participants
    from survey.project import Project

    with Project.open(args.directory) as project:
        plist = write_participants(project, args.out)
    print(f"Wrote {plist.rows} participants to {args.out}.")
    print("Upload it to LimeSurvey (Survey participants > Import CSV), then delete it.")
    return 0
