"""``papersurvey purge DIR``: remove the round's personal data after the retention period."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "purge",
        help="remove personal data (pii/, print/, scans/, clips/) after the retention period",
        description=(
            "Remove the round's personal data once dates.close + privacy.retention_days has "
            "passed: pii/ (addresses, pseudonym key), print/ (letters with addresses), scans/ "
            "and clips/. The pseudonymous store, exports and reports stay."
        ),
    )
    p.add_argument("directory", metavar="DIR", type=Path, help="the project folder")
    p.add_argument("--dry-run", action="store_true", help="only list what would be removed")
    p.add_argument("--force", action="store_true", help="purge before the retention period ends")
    p.add_argument("--keep-scans", action="store_true", help="keep scans/ and clips/")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from survey.project import Project
    from survey.purge import PurgeOptions, purge

    options = PurgeOptions(
        today=dt.date.today(),
        force=args.force,
        dry_run=args.dry_run,
        keep_scans=args.keep_scans,
    )
    with Project.open(args.directory) as project:
        plan = purge(project, options)
    verb = "would remove" if args.dry_run else "removed"
    folders = ", ".join(f"{f.name}/" for f in plan.folders)
    print(f"{verb} {len(plan.files)} files ({plan.bytes / 1e6:.1f} MB) from {folders}")
    if args.dry_run:
        for f in plan.files:
            print(f"  {f}")
    return 0
