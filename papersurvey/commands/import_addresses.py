"""``papersurvey import-addresses DIR FILE``: read the municipality's address file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from papersurvey.commands.parsers import project_command
from survey.addresses import FIELDS


def _mapping(text: str) -> tuple[str, str]:
    heading, sep, field = text.rpartition("=")
    if not sep or not heading.strip() or field.strip() not in FIELDS:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not COLUMN=field; fields are: {', '.join(FIELDS)}"
        )
    return heading.strip(), field.strip()


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "import-addresses",
        run,
        help="read the address file and assign pseudonyms",
        description=(
            "Read the municipality's address file (CSV or .xlsx, or either age-encrypted to the "
            "round's public key: papersurvey keys), check every row, give each person a random "
            "pseudonym and write names and addresses to pii/ only, encrypted. Importing "
            "the same file again changes nothing; a changed file is refused unless --force."
        ),
    )
    p.add_argument(
        "file", metavar="FILE", type=Path, help="the address file (.csv, .xlsx, or .age)"
    )
    p.add_argument(
        "--mapping",
        metavar="COL=field",
        type=_mapping,
        action="append",
        default=[],
        help="use column COL for a field papersurvey does not recognise; one COL=field per "
        f"--mapping, repeat it for more ({', '.join(FIELDS)})",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="apply a changed file: add new people, mark removed people withdrawn",
    )


def run(args: argparse.Namespace) -> int:
    from survey.intake import ImportOptions, import_addresses
    from survey.project import Project

    options = ImportOptions(file=args.file, mapping=tuple(args.mapping), force=args.force)
    with Project.open(args.directory) as project:
        report = import_addresses(project, options, progress=args.progress)
        pii = project.paths.pii
        public_key = project.public_key
    if report.nothing_changed:
        print(f"Nothing changed: {report.file} holds the same {report.people} people as before.")
        return 0
    channels = ", ".join(f"{n} {c}" for c, n in report.by_channel.items())
    print(f"Imported {report.people} people from {report.file} ({channels}).")
    for line in report.diff.describe() if report.diff.removed or report.diff.changed else []:
        print(f"  {line}")
    if not report.diff and report.store_changes:
        print(f"  {report.store_changes} respondents updated in the store.")
    print(f"Names and addresses are in {pii} only, encrypted; the store holds pseudonyms.")
    print(
        f"For LimeSurvey: papersurvey participants {args.directory} --out FILE "
        "writes the participant list."
    )
    if not report.encrypted:
        print(
            f"Note: {report.file} was not encrypted. Ask the municipality to encrypt the next "
            f"one with age to the round's public key: age -r {public_key} -o "
            f"{report.file}.age {report.file}"
        )
    return 0
