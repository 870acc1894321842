"""Single cells of a questionnaire workbook: from what the file holds to a value.

Spreadsheet programs store what an author typed as numbers, booleans or dates;
CSV files hold text. :func:`cell_text` brings both to the same text, so an
``.xlsx`` workbook and its CSV export read the same; the parsers here turn
that text into flags, line counts and language codes.
"""

from __future__ import annotations

import datetime as dt
import re

__all__ = [
    "FALSE_WORDS",
    "LANGUAGE_NAMES",
    "TRUE_WORDS",
    "cell_text",
    "language_code",
    "parse_flag",
    "parse_lines",
]

LANGUAGE_NAMES = {"dutch": "nl", "nederlands": "nl", "english": "en", "engels": "en"}
TRUE_WORDS = frozenset({"yes", "true", "1", "ja", "true()"})
FALSE_WORDS = frozenset({"", "no", "false", "0", "nee", "false()"})
_LANGUAGE_IN_PARENTHESES_RE = re.compile(r"\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\s*\)\s*$")


def cell_text(value: object) -> str:
    """An ``openpyxl`` cell value as the text a CSV export would hold.

    ``None`` is empty, ``12.0`` is ``12``, booleans are ``true``/``false`` and
    dates are ISO 8601.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def language_code(text: str) -> str:
    """``nl`` from ``nl``, ``Dutch (nl)``, ``Nederlands`` or ``NL``."""
    text = text.strip()
    m = _LANGUAGE_IN_PARENTHESES_RE.search(text)
    if m:
        return m.group(1).lower()
    return LANGUAGE_NAMES.get(text.lower(), text.lower())


def parse_flag(value: str) -> bool | None:
    """``yes``/``no``-style cell to bool; ``None`` when not understood."""
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_lines(value: str) -> int | None:
    """A whole number of 0 or more; empty is 0; ``None`` when not one."""
    value = value.strip()
    if not value:
        return 0
    if re.fullmatch(r"[0-9]+(\.0+)?", value):
        return int(value.split(".")[0])
    return None
