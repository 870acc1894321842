"""``papersurvey new DIR``: create the project folder of a survey round."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO


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
    p.add_argument(
        "--online-url",
        metavar="URL",
        help="web address of the LimeSurvey site, e.g. https://enquete.example.nl: every letter "
        "points there (asked for when missing and this is a terminal; 'print' refuses letters "
        "without it)",
    )
    p.set_defaults(func=run)


def _ask_online_url(stdin: TextIO = sys.stdin) -> str | None:
    """Ask for the online address on a terminal; ``None`` when not a terminal or left empty."""
    if not stdin.isatty():
        return None
    answer = input(
        "Web address of the online questionnaire (LimeSurvey), e.g. https://enquete.example.nl\n"
        "(Enter: fill in [online] base_url in survey.toml later): "
    )
    return answer.strip() or None


def run(args: argparse.Namespace) -> int:
    from survey.project import NewProjectOptions, create_project
    from survey.status import questionnaire_info

    options = NewProjectOptions(
        directory=args.directory,
        questionnaire=args.questionnaire,
        municipality=args.municipality,
        survey_id=args.survey_id,
        online_url=args.online_url or _ask_online_url(),
        store_url=getattr(args, "store", None),
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
        if not project.settings.online.base_url:
            print(
                "  online: no web address yet. The letters point to the online questionnaire, so "
                "fill in\n  [online] base_url in survey.toml before printing ('print' refuses "
                "letters without it)."
            )
        print("Next: fill in survey.toml (municipality, dates, online, helpdesk, sender), then run")
        print(f"  papersurvey import-addresses {args.directory} ADDRESS_FILE")
    return 0
