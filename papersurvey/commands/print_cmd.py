"""``papersurvey print DIR``: the invitation batches for the print shop.

(The module is not called ``print.py`` so it does not shadow the builtin.)
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from papersurvey.commands.parsers import positive_int, project_command
from print_batches.variants import PrintChannel

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


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "print",
        run,
        help="make the print batches (letters and questionnaires) for the print shop",
        description=(
            "Render the invitation letters, with the personalised paper questionnaire where the "
            "channel asks for it, in postal order, as batch PDFs with a manifest per batch and a "
            "job ticket, into DIR/print/invitation/. Every set is recorded in the store."
        ),
    )
    p.add_argument(
        "--channel",
        choices=[c.value for c in PrintChannel],
        default=PrintChannel.AUTO.value,
        help=(
            "auto: per respondent as imported (paper gets the questionnaire, e-mail is invited "
            "by e-mail and not printed); paper: everyone gets letter + questionnaire; "
            "letter: everyone gets the letter with the online link only (default: auto)"
        ),
    )
    add_run_options(p)
    p.add_argument(
        "--force",
        action="store_true",
        help=(
            "replace an earlier invitation run (only if it was never sent; pseudonyms stay), "
            "also when the questionnaire now lays out differently from the one printed before"
        ),
    )


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


def run(args: argparse.Namespace) -> int:
    from print_batches.invitations import PrintOptions, print_invitations
    from survey.project import Project

    options = PrintOptions(channel=PrintChannel(args.channel), **run_options(args))
    with Project.open(args.directory) as project:
        report = print_invitations(project, options, progress=args.progress)
    print(format_report(report))
    return 0
