"""``papersurvey demo [DIR]``: run the whole chain on the built-in example."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "demo",
        help="run the whole chain on invented respondents",
        description=(
            "Create a project folder of invented respondents and run every step of the chain on "
            "it: addresses, proof, print batches, simulated filled-in scans, OMR, simulated "
            "online answers, merge, exports and the report. DIR is replaced when it holds an "
            "earlier demo, and refused otherwise."
        ),
    )
    p.add_argument("directory", metavar="DIR", nargs="?", type=Path, default=Path("demo-project"))
    p.add_argument("--respondents", type=int, default=40, help="invented people (default 40)")
    p.add_argument("--seed", type=int, default=2027, help="seed for everything simulated")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from papersurvey import cli
    from papersurvey.demo.run import DemoOptions, run_demo

    options = DemoOptions(directory=args.directory, respondents=args.respondents, seed=args.seed)
    report = run_demo(options, cli.main, set(cli.COMMANDS))
    print("\n== demo finished: what each step produced")
    width = max(len(step) for step, _, _ in report.steps)
    for step, outcome, seconds in report.steps:
        print(f"  {step:<{width}}  {seconds:6.1f} s  {outcome}")
    return 0
