"""What goes into one envelope, and how many sheets that takes.

A *set* is everything one respondent receives: a letter, and for the paper
variants the personalised questionnaire behind it. Each part starts on a new
sheet, so the letter can be separated from the questionnaire (which is
returned and scanned) and no questionnaire page is ever printed on the back of
a letter. In duplex, a part with an odd number of pages gets a blank back that
says it is intentionally blank.
"""

from __future__ import annotations

from enum import StrEnum

from survey.mailings import Variant


class PrintChannel(StrEnum):
    """How a respondent is invited (the ``--channel`` option of ``papersurvey print``)."""

    PAPER = "paper"  # letter + paper questionnaire (and the online link)
    LETTER = "letter"  # letter with the online link only
    AUTO = "auto"  # per respondent, from survey.toml and the address file


def invitation_variant(channel: PrintChannel) -> Variant:
    """The invitation envelope for a resolved (non-auto) channel."""
    if channel is PrintChannel.AUTO:
        raise ValueError("resolve the auto channel per respondent first")
    return Variant.INVITATION_PAPER if channel is PrintChannel.PAPER else Variant.INVITATION_ONLINE


def blanks_after(pages: int, duplex: bool) -> int:
    """Blank backs needed after a part of ``pages`` pages so the next part starts on a new sheet."""
    return pages % 2 if duplex else 0


def sheets(pages: int, duplex: bool) -> int:
    """Sheets of paper for ``pages`` pages (blank backs included)."""
    return (pages + 1) // 2 if duplex else pages
