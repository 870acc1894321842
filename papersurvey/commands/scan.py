"""``papersurvey scan DIR PATH...``: read returned questionnaires from scanner output."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from papersurvey.commands.parsers import positive_int, project_command


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "scan",
        run,
        help="read scanned questionnaires (PDF, TIFF, PNG/JPEG, folders)",
        description=(
            "Read scanner output into the round: every page is registered, identified by its "
            "page code and its boxes read. Running the same command again resumes an "
            "interrupted batch; pages already read are never counted twice."
        ),
    )
    p.add_argument(
        "paths",
        metavar="PATH",
        type=Path,
        nargs="+",
        help="scanner PDFs, multi-page TIFFs, PNG/JPEG files, or folders of them",
    )
    p.add_argument(
        "--workers",
        metavar="N",
        type=positive_int,
        help="worker processes (default: one per core; 1 reads in this process)",
    )
    p.add_argument(
        "--dask",
        metavar="ADDRESS",
        help="run on a Dask cluster, e.g. tcp://host:8786 (workers must see the same files)",
    )
    p.add_argument(
        "--batch",
        metavar="NAME",
        help="name of the scan batch (default: the first PATH's name and the time)",
    )
    p.add_argument(
        "--wait",
        action="store_true",
        help="when another scan is reading into this round, wait for it to finish "
        "(default: refuse)",
    )
    p.add_argument("--json", action="store_true", help="print the batch report as JSON")


def run(args: argparse.Namespace) -> int:
    from ingest.pipeline import ScanOptions, scan
    from ingest.report import format_report

    options = ScanOptions(
        project=args.directory,
        paths=tuple(args.paths),
        workers=args.workers,
        dask=args.dask,
        batch=args.batch,
        wait=args.wait,
    )
    report = scan(options, progress=args.progress)
    if args.json:
        print(json.dumps(report.to_dict(), indent=1, ensure_ascii=False))
    else:
        print(format_report(report))
    return 0
