"""What ``print`` and ``reminders`` share: the options of a print run and its report.

Both commands make a print run (:mod:`print_batches.run`); their options are
named alike in ``PrintOptions`` and ``ReminderOptions``, and they report it
the same way.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from papersurvey.commands.parsers import positive_int

if TYPE_CHECKING:
    from print_batches.run import RunReport


def add_run_options(p: argparse.ArgumentParser) -> None:
    """Options shared by ``print`` and ``reminders``."""
    p.add_argument(
        "--batch-size",
        type=positive_int,
        metavar="N",
        help="respondents per batch PDF (default: print.batch_size in survey.toml, 500)",
    )
    p.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        help="rendering processes (default: all cores; 1 renders in this process)",
    )
    p.add_argument(
        "--encrypt-to",
        metavar="AGE_PUBLIC_KEY",
        action="append",
        default=[],
        help=(
            "deliver the run as one age-encrypted archive for the print shop's public key "
            "(age1...; repeat for more readers) instead of plain PDFs"
        ),
    )


def run_options(args: argparse.Namespace) -> dict[str, Any]:
    """The options of :func:`add_run_options`, and ``--force``, as the fields of
    ``PrintOptions`` and ``ReminderOptions`` (which name them alike)."""
    return {
        "batch_size": args.batch_size,
        "force": args.force,
        "workers": args.workers,
        "encrypt_to": tuple(args.encrypt_to),
    }


def format_report(report: RunReport) -> str:
    """The run's report as text for a person."""
    variants = ", ".join(f"{n} {v}" for v, n in report.by_variant.items())
    lines = [
        f"{'Replaced' if report.replaced else 'Made'} {report.run}: {report.sets} sets in "
        f"{report.batches} batch(es) in {report.folder}",
        f"  envelopes: {variants}",
        f"  pages: {report.pages} ({report.blank_pages} blank backs), sheets: {report.sheets}",
        f"  rendered in {report.seconds:.1f} s ({report.pages_per_second:.0f} pages/s)",
    ]
    if report.not_printed:
        left = ", ".join(f"{n} {why}" for why, n in report.not_printed.items())
        lines.append(f"  not printed: {left}")
    if report.form_maps:
        maps = ", ".join(f"{f} ({lang})" for lang, f in report.form_maps.items())
        lines.append(f"  form maps: {maps} (scans are read with these; keep them)")
    if report.archive is not None:
        lines.append(
            f"  encrypted archive: {report.archive} (the print shop opens it with "
            f"age -d -i THEIR_KEY {report.archive.name} | tar x); jobticket.json lists every "
            "file's SHA-256"
        )
    else:
        lines.append(
            "  send the folder to the print shop; jobticket.json lists every file's SHA-256"
        )
    return "\n".join(lines)
