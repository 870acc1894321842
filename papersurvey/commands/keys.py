"""``papersurvey keys DIR``: the round's age key pair; prints the public key for the municipality."""

from __future__ import annotations

import argparse
from typing import Any

from papersurvey.commands.parsers import project_command


def register(subparsers: Any) -> None:
    project_command(
        subparsers,
        "keys",
        run,
        help="show the round's public key (make the key pair if there is none)",
        description=(
            "Print the round's age public key, to send to the municipality: they encrypt the "
            "address file with it, and pii/ is encrypted to it. A folder without a key pair "
            "gets one (the private key at privacy.private_key), and plaintext files in pii/ "
            "are encrypted."
        ),
    )


def run(args: argparse.Namespace) -> int:
    from survey.keysetup import setup_keys
    from survey.project import Project

    with Project.open(args.directory) as project:
        report = setup_keys(project)
    if report.created:
        print(f"Made the round's key pair; the private key is in {report.private_key}.")
        print("Back it up apart from the project folder: without it pii/ cannot be read.")
    for name in report.encrypted:
        print(f"Encrypted pii/{name}.")
    print("Public key (send it to the municipality; it is not secret):")
    print(f"  {report.public_key}")
    print("The municipality encrypts the address file with age (https://age-encryption.org):")
    print(f"  age -r {report.public_key} -o adressen.csv.age adressen.csv")
    if report.private_key_problem:
        print(f"warning: {report.private_key_problem}")
    return 0
