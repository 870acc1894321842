"""``papersurvey demo [DIR]``: run the whole chain on the built-in example."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

# papersurvey.demo.run's defaults, copied so that building the parser stays light;
# tests/papersurvey/test_demo.py checks that they agree.
DEFAULT_DIR = "demo-project"
DEFAULT_RESPONDENTS = 80
DEFAULT_SEED = 2027


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "demo",
        help="run the whole chain on invented respondents",
        description=(
            "Create a project folder of invented respondents and run every step of the chain on "
            "it: addresses, proof, print batches, simulated filled-in scans, OMR, simulated "
            "online answers, merge, exports and the report. DIR is replaced when it holds an "
            "earlier demo, and refused otherwise. Two runs with the same seed give the same "
            "answers, review items, exports and report."
        ),
    )
    p.add_argument(
        "directory",
        metavar="DIR",
        nargs="?",
        type=Path,
        default=Path(DEFAULT_DIR),
        help=f"the demo's project folder (default {DEFAULT_DIR})",
    )
    p.add_argument(
        "--respondents",
        type=int,
        default=DEFAULT_RESPONDENTS,
        help=f"invented people (default {DEFAULT_RESPONDENTS})",
    )
    p.add_argument(
        "--seed",
        type=int,
        default=DEFAULT_SEED,
        help=f"seed for everything simulated, and for the demo's codes (default {DEFAULT_SEED})",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from papersurvey import cli
    from papersurvey.demo.run import DemoOptions, next_steps, run_demo

    options = DemoOptions(directory=args.directory, respondents=args.respondents, seed=args.seed)
    report = run_demo(options, cli.main, set(cli.COMMANDS))
    print("\n== demo finished: what each step produced")
    width = max(len(step) for step, _, _ in report.steps)
    for step, outcome, seconds in report.steps:
        print(f"  {step:<{width}}  {seconds:6.1f} s  {outcome}")
    for line in next_steps(args.directory):
        print(line)
    return 0
