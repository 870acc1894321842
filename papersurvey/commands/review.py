"""``papersurvey review DIR``: the operators' web UI for review items and unidentified pages.

``--add-operator NAME`` creates an operator account instead of starting the
server (the password is asked twice, or read from stdin with
``--password-stdin``). See ``docs/review.md``.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any, TextIO

from papersurvey.commands.parsers import project_command
from review.texts import LANGUAGES
from survey.errors import ReviewError

# review.server's and review.leases' defaults, copied so that building the parser does not
# import Flask and waitress; tests/papersurvey/test_cli_startup.py checks that they agree.
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_LEASE_MINUTES = 10


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "review",
        run,
        help="start the review web UI (or add an operator account)",
        description=(
            "Serve the review UI for this round: operators log in, confirm or correct the "
            "marks the machine was unsure of, question by question, and assign pages that "
            "could not be identified. Every decision is stored with the operator's name and "
            "written to the audit log. Stop the server with Ctrl-C."
        ),
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help=f"address to listen on (default {DEFAULT_HOST}: this computer only)",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT})")
    p.add_argument(
        "--language",
        choices=LANGUAGES,
        help="default UI language (default: the round's first language)",
    )
    p.add_argument(
        "--lease-minutes",
        type=int,
        default=DEFAULT_LEASE_MINUTES,
        help=(
            "an item an operator opened comes back to the others after this many minutes "
            f"without being opened or decided again (default {DEFAULT_LEASE_MINUTES})"
        ),
    )
    p.add_argument(
        "--add-operator",
        metavar="NAME",
        help="create an operator account and exit (asks for the password)",
    )
    p.add_argument(
        "--password-stdin",
        action="store_true",
        help="with --add-operator: read the password from the first line of stdin",
    )


def read_password(stdin: TextIO, *, from_stdin: bool) -> str:
    """The new operator's password: one line of ``stdin``, or typed twice at a prompt."""
    from review.auth import check_password

    if from_stdin:
        return stdin.readline().rstrip("\r\n")
    if not stdin.isatty():
        raise ReviewError("no terminal to type a password in; pipe it in with --password-stdin.")
    first = getpass.getpass("Password for the new operator: ")
    check_password(first)
    if getpass.getpass("Type it again: ") != first:
        raise ReviewError("the two passwords differ; nothing was changed. Try again.")
    return first


def run(args: argparse.Namespace) -> int:
    from review.roundconfig import create_operator, review_config
    from review.server import serve

    if args.add_operator:
        name = create_operator(
            args.directory,
            args.add_operator,
            lambda: read_password(sys.stdin, from_stdin=args.password_stdin),
        )
        print(f"operator {name!r} created; start the UI with: papersurvey review {args.directory}")
        return 0
    if args.password_stdin:
        raise ReviewError("--password-stdin goes with --add-operator NAME.")
    if args.lease_minutes < 1:
        raise ReviewError("--lease-minutes must be at least 1.")
    serve(
        review_config(args.directory, args.language, lease_seconds=args.lease_minutes * 60),
        args.host,
        args.port,
        ready=lambda url: print(f"review UI on {url} (Ctrl-C stops it)", flush=True),
    )
    print("\nreview UI stopped", file=sys.stderr)
    return 0
