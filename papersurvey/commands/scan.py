"""``papersurvey scan DIR PATH...``: read returned questionnaires from scanner output."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from print_batches.scanmaps import ReadingMaps
    from survey.formmap import FormMap
    from survey.project import Project


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of 1 or more, not {text!r}")
    return value


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "scan",
        help="read scanned questionnaires (PDF, TIFF, PNG/JPEG, folders)",
        description=(
            "Read scanner output into the round: every page is registered, identified by its "
            "page code and its boxes read. Running the same command again resumes an "
            "interrupted batch; pages already read are never counted twice."
        ),
    )
    p.add_argument("directory", metavar="DIR", type=Path, help="the project folder")
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
        type=_positive,
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
    p.add_argument("--json", action="store_true", help="print the batch report as JSON")
    p.set_defaults(func=run)


def form_maps(project: Project) -> dict[str, FormMap]:
    """The round's form maps by map id, default language first, as printed.

    The maps saved by ``print`` and ``reminders`` (``formmaps/``): per
    language the latest (id: the language), then earlier printed versions
    that lay out differently (id ``<language>@<sha12>``); built from the
    questionnaire as it is now only for a round printed before papersurvey
    kept them (with a warning) or not printed yet. Where the questionnaire
    now lays out differently from what was printed, one warning line says so
    and the printed map is used (:func:`print_batches.scanmaps.reading_maps`).
    Who was sent an earlier version is :func:`reading_maps`'s
    ``respondent_maps``.
    """
    return reading_maps(project).maps


def reading_maps(project: Project) -> ReadingMaps:
    """The maps to read with and who was sent which (:func:`print_batches.scanmaps.reading_maps`)."""
    from print_batches.scanmaps import reading_maps as printed_maps

    return printed_maps(project)


def run(args: argparse.Namespace) -> int:
    from ingest.pipeline import ScanOptions, scan
    from ingest.report import format_report
    from survey.project import Project

    with Project.open(args.directory) as project:
        maps = reading_maps(project)
    options = ScanOptions(
        project=args.directory,
        paths=tuple(args.paths),
        form_maps=maps.maps,
        respondent_maps=maps.respondent_maps,
        workers=args.workers,
        dask=args.dask,
        batch=args.batch,
    )
    report = scan(options, progress=args.progress)
    if args.json:
        print(json.dumps(report.to_dict(), indent=1, ensure_ascii=False))
    else:
        print(format_report(report))
    return 0
