"""``papersurvey proof DIR``: a blank questionnaire and an example letter for sign-off."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from layout.templates import VARIANTS
from papersurvey.commands.parsers import project_command

if TYPE_CHECKING:
    from print_batches.formmaps import MapChange
    from survey.project import Project


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "proof",
        run,
        help="render a blank questionnaire and an example letter for sign-off",
        description=(
            "Render the blank questionnaire (PDF, PNG previews, form map) and an example "
            "letter for an invented addressee to DIR/out/proof/, for the municipality to sign off."
        ),
    )
    p.add_argument(
        "--letter",
        action="append",
        choices=VARIANTS,
        help="letter variant to render (repeatable; default invitation_paper)",
    )
    p.add_argument("--all-letters", action="store_true", help="render every letter variant")
    p.add_argument("--language", choices=("nl", "en"), default="", help="default: the round's")
    p.add_argument("--dpi", type=float, default=100.0, help="resolution of the PNG previews")


def changed_since_printing(project: Project) -> list[MapChange]:
    """How the questionnaire now lays out differently from what was printed (nothing printed: [])."""
    from layout.roundoptions import questionnaire_form_maps
    from print_batches.formmaps import compare_with_printed

    return compare_with_printed(project, questionnaire_form_maps(project))


def run(args: argparse.Namespace) -> int:
    from layout.proof import make_proof
    from survey.project import Project

    letters = VARIANTS if args.all_letters else tuple(args.letter or ("invitation_paper",))
    from analysis.sample_size import SampleSizeOptions, invited, sample_size

    with Project.open(args.directory) as project:
        result = make_proof(project, letters=letters, language=args.language, dpi=args.dpi)
        changes = changed_since_printing(project)
        advice = sample_size(SampleSizeOptions(), project.store) if invited(project.store) else None
    for change in changes:
        print(
            f"warning: {change.sentence()} 'print' and 'reminders --with-questionnaire' refuse "
            "it unless --force (docs/printing.md).",
            file=sys.stderr,
        )
    for note in result.notes:
        print(note)
    for path in (*result.pdfs, result.form_map):
        print(f"wrote {path}")
    print(f"wrote {len(result.pngs)} PNG previews to {result.folder}")
    if advice is not None:  # the same figures as 'papersurvey sample-size DIR'
        print("Steekproefomvang (papersurvey sample-size):")
        for line in advice.lines(args.language or "nl"):
            print(f"  {line}")
    return 0
