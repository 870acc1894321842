"""``papersurvey new DIR``: create the project folder of a survey round."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "new",
        help="create the project folder of a survey round",
        description=(
            "Create the folder of one survey round: survey.toml, the questionnaire, letter "
            "templates, pii/, the store and a fresh secret key. DIR must not exist or be empty."
        ),
    )
    p.add_argument("directory", metavar="DIR", type=Path, help="the folder to create")
    p.add_argument(
        "--questionnaire",
        metavar="PATH",
        type=Path,
        help="an .xlsx workbook or a folder with survey.csv, choices.csv, settings.csv "
        "(default: the shipped KBO Werk & Inkomen questionnaire)",
    )
    p.add_argument("--municipality", metavar="NAME", help="the municipality, as in letters")
    p.add_argument("--survey-id", metavar="ID", help="the round's id (default: DIR's name)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from survey.project import NewProjectOptions, create_project
    from survey.status import questionnaire_info

    options = NewProjectOptions(
        directory=args.directory,
        questionnaire=args.questionnaire,
        municipality=args.municipality,
        survey_id=args.survey_id,
    )
    with create_project(options) as project:
        s = project.settings.survey
        q = questionnaire_info(project)
        print(f"Created survey round {s.id} (code {s.code}) in {project.paths.root}")
        if q.error:
            print(f"  questionnaire: {q.path} (not checked: {q.error})")
        else:
            print(
                f"  questionnaire: {q.path}, form {q.form_id} version {q.version} ({q.version_hash})"
            )
        print("Next: fill in survey.toml (municipality, dates, online, helpdesk, sender), then run")
        print(f"  papersurvey import-addresses {args.directory} ADDRESS_FILE")
    return 0
