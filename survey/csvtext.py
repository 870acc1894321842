"""The one CSV delimiter sniffer, for every CSV file papersurvey reads.

People hand papersurvey CSV files from Excel (``;`` in Dutch settings, ``,``
elsewhere), from LimeSurvey (either) and from text editors (tabs). Python's
``csv.Sniffer`` guesses from character frequencies over several lines and is
easily fooled by free text; a heading row is a better witness: the delimiter
is the one that splits the first non-blank line into the most fields, read
with the ``csv`` module so that quoted headings holding a delimiter count once.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence

DELIMITERS = (";", ",", "\t", "|")
"""The delimiters considered by default, in the order that breaks ties."""


def sniff_delimiter(
    text: str, candidates: Sequence[str] = DELIMITERS, *, default: str | None = None
) -> str:
    """The delimiter that splits the first non-blank line of ``text`` into the most fields.

    Args:
        text: the decoded file.
        candidates: the delimiters to consider; on a tie the earlier one wins.
        default: returned when no candidate splits the line (a one-column
            file); ``None`` for the first candidate.

    Returns:
        One of ``candidates``, or ``default``.
    """
    first = next((line for line in text.splitlines() if line.strip()), "")
    counts = {d: len(next(csv.reader([first], delimiter=d), [])) for d in candidates}
    best = max(candidates, key=lambda d: counts[d])  # max keeps the first of equals
    if counts[best] > 1:
        return best
    return candidates[0] if default is None else default
