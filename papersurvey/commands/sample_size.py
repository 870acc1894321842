"""``papersurvey sample-size [DIR]``: how many responses a round needs, and how to invite."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

OPTIONS = ("email", "letter", "paper")
"""The invitation options of :mod:`analysis.sample_size` (a copy: the parser stays light)."""


def _rate(text: str) -> tuple[str, float]:
    option, sep, value = text.partition("=")
    if not sep or option not in OPTIONS:
        raise argparse.ArgumentTypeError(
            f"{text!r}: write OPTION=RATE with OPTION one of {', '.join(OPTIONS)}, e.g. paper=0.22"
        )
    try:
        rate = float(value.strip().rstrip("%").replace(",", "."))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"{value!r} is not a number (0.22 or 22%)") from exc
    return option, rate / 100.0 if value.strip().endswith("%") or rate > 1 else rate


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "sample-size",
        help="the responses a round needs and which way of inviting is likely to reach it",
        description=(
            "Compute the responses needed for 95% reliability and a 5% margin of error "
            "(Cochran's formula with the finite population correction) for a population given "
            "with --population or counted from the round's imported address file, and advise, "
            "from the expected response rate of each way of inviting, how many to invite and "
            "which way is likely to reach it."
        ),
    )
    p.add_argument("directory", metavar="DIR", type=Path, nargs="?", help="the project folder")
    p.add_argument("--population", type=int, help="the population size (default: from DIR)")
    p.add_argument(
        "--rate",
        type=_rate,
        action="append",
        metavar="OPTION=RATE",
        help=(
            "expected response rate of an option: email, letter (letter with login code) or "
            "paper (letter with paper questionnaire), e.g. --rate paper=0.22 (repeatable; "
            "defaults email=0.10 letter=0.15 paper=0.22)"
        ),
    )
    p.add_argument("--margin", type=float, default=0.05, help="margin of error (default 0.05)")
    p.add_argument("--confidence", type=float, default=0.95, help="confidence level (default 0.95)")
    p.add_argument(
        "--language",
        choices=["nl", "en"],
        default="nl",
        help="language of the advice (default: nl)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from analysis.sample_size import DEFAULT_RATES, SampleSizeOptions, sample_size
    from survey.errors import ValidationError
    from survey.project import Project

    if args.directory is None and args.population is None:
        raise ValidationError("Give the project folder DIR or --population N.")
    rates = {**DEFAULT_RATES, **dict(args.rate)} if args.rate else None
    options = SampleSizeOptions(args.population, rates, args.margin, args.confidence)
    if args.population is not None or args.directory is None:
        advice = sample_size(options)
    else:
        with Project.open(args.directory) as project:
            advice = sample_size(options, project.store)
    for line in advice.lines(args.language):
        print(line)
    return 0
