"""What the command parsers share: the project folder argument, counts, comparisons.

Most commands work on one survey round, so they take its folder as their
first argument, under one name (``directory``) and one help text;
:func:`project_command` adds it. Options that mean the same in several
commands (a count of 1 or more, the earlier rounds and reference group a
report or an export compares with) are defined here once, so that they are
spelt, checked and explained alike everywhere.

Light on purpose: building the parser imports this module for every command.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

Run = Callable[[argparse.Namespace], int]
"""A command's function: the parsed arguments in, the exit code out."""


def project_command(
    subparsers: Any, name: str, run: Run, *, help: str, description: str
) -> argparse.ArgumentParser:
    """The parser of command ``name``, which works on a project folder and runs ``run``.

    Returns:
        The parser, with ``DIR`` as its first argument (``args.directory``), for
        the command to add its own options to.
    """
    p: argparse.ArgumentParser = subparsers.add_parser(name, help=help, description=description)
    p.add_argument("directory", metavar="DIR", type=Path, help="the project folder")
    p.set_defaults(func=run)
    return p


def positive_int(text: str) -> int:
    """An ``argparse`` type: a whole number of 1 or more (a count of workers, a batch size)."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {text!r}")
    return value


def add_comparison_options(p: argparse.ArgumentParser) -> None:
    """``--previous``, ``--reference`` and their labels: what ``report`` and ``export`` compare with.

    Read them back with :func:`comparison_options`.
    """
    p.add_argument(
        "--reference",
        metavar="FILE",
        type=Path,
        help="reference group: a papersurvey export, or a table question;statistic;value;n",
    )
    p.add_argument(
        "--previous",
        metavar="FILE",
        type=Path,
        action="append",
        help=(
            "an earlier round: its data.csv/data.parquet export, a table of figures, or a "
            "folder of earlier exports; repeatable, oldest first: the last is compared with "
            "significance tests, all make the trend"
        ),
    )
    p.add_argument(
        "--previous-label",
        metavar="TEXT",
        action="append",
        help="the name of an earlier round, e.g. 'Meting 2025' (repeatable, as --previous)",
    )
    p.add_argument(
        "--reference-label",
        metavar="TEXT",
        default="",
        help="the name of the reference group, e.g. 'Landelijk'",
    )


def comparison_options(args: argparse.Namespace) -> dict[str, Any]:
    """The options of :func:`add_comparison_options` as the fields of
    ``ReportOptions`` and ``ExportOptions`` (which name them alike)."""
    return {
        "reference": args.reference,
        "previous": tuple(args.previous or ()),
        "previous_label": tuple(args.previous_label or ()),
        "reference_label": args.reference_label,
    }
