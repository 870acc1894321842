"""``papersurvey purge DIR``: remove the round's personal data and free text after the retention period."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path
from typing import Any

from papersurvey.commands.parsers import project_command


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "purge",
        run,
        help="remove personal data (pii/, print/, online/, scans/, clips/) and free text after retention",
        description=(
            "Remove the round's personal data once dates.close + privacy.retention_days has "
            "passed: pii/ (addresses, pseudonym key), print/ (letters with addresses), online/ "
            "(online response exports as downloaded), scans/ "
            "and clips/, and every open answer and transcription in the store and the exports "
            "(out/export/ is made again). The pseudonymous closed answers, aggregates and "
            "reports stay."
        ),
    )
    p.add_argument("--dry-run", action="store_true", help="only list what would be removed")
    p.add_argument("--force", action="store_true", help="purge before the retention period ends")
    p.add_argument("--keep-scans", action="store_true", help="keep scans/ and clips/")
    p.add_argument(
        "--keep-quotes",
        metavar="FILE",
        type=Path,
        help=(
            "keep the analyst's approved, anonymised quotes (the report's --quotes file) in "
            "place of the open answers they came from; default: remove every open answer"
        ),
    )


def run(args: argparse.Namespace) -> int:
    from papersurvey.purging import purge_round
    from survey.project import Project
    from survey.purge import PurgeOptions, imported_online_files

    options = PurgeOptions(
        today=dt.date.today(),
        force=args.force,
        dry_run=args.dry_run,
        keep_scans=args.keep_scans,
    )
    with Project.open(args.directory) as project:
        plan, exported = purge_round(project, options, args.keep_quotes)
        imported = imported_online_files(project)
    verb = "would remove" if args.dry_run else "removed"
    folders = ", ".join(f"{f.name}/" for f in plan.folders)
    print(f"{verb} {len(plan.files)} files ({plan.bytes / 1e6:.1f} MB) from {folders}")
    t = plan.free_text
    print(
        f"{verb} free text: {t.answers} paper answers, {t.online_answers} online answers, "
        f"{t.transcriptions} transcriptions, {t.journal_entries} page-decision snapshots"
        + (f"; {t.kept_quotes} approved quotes kept" if t.kept_quotes else "")
    )
    if exported:
        print(f"made {len(exported)} export files again without free text in {exported[0].parent}")
    if imported:
        print(
            f"the round imported online exports named {', '.join(imported)}: copies kept "
            "outside online/ hold free text too and are not removed by purge; "
            "delete them where you keep them"
        )
    if args.dry_run:
        for f in plan.files:
            print(f"  {f}")
    return 0
