"""Flags for personal data in open answers: Dutch phone numbers and e-mail addresses.

Respondents sometimes write their name, phone number or e-mail address in an
open answer ("bel me even: 06-12345678"). Transcribers are asked to write
``[naam]``, ``[telefoonnummer]`` or ``[e-mail]`` instead (``docs/review.md``).
This module only *flags* text that looks like a phone number or an e-mail
address, so a user can be warned; it never changes the text, because only a
person can tell a phone number from, say, a case number.

It lives in ``survey/`` because two parts use it: the review UI warns
transcribers, and the analysis flags
open answers in ``open_answers.csv`` and refuses flagged quotes in the report.

Names are not flagged: no pattern tells a name from an ordinary word.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Flag(StrEnum):
    """What a text seems to contain."""

    PHONE = "phone"
    EMAIL = "email"


_EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# A run of digits with the separators people write in phone numbers, possibly
# with a country prefix (+31, 0031) and a "(0)"; checked digit by digit below.
_PHONE_RUN = re.compile(r"(?<![\w+])(?:\+|00)?\d[\d \t\-.()/]{6,}\d(?!\w)")
_SERVICE_PREFIXES = ("0800", "0900", "0906", "0909")


def _dutch_number(digits: str, international: bool) -> bool:
    """Whether a string of digits is a Dutch phone number (national form after prefixes)."""
    if international:
        if digits.startswith("0031"):
            digits = digits[4:]
        elif digits.startswith("31"):
            digits = digits[2:]
        else:
            return False
        if digits.startswith("0"):  # +31 (0)6 ...
            digits = digits[1:]
        digits = "0" + digits
    if digits.startswith(_SERVICE_PREFIXES):
        return 8 <= len(digits) <= 11
    return len(digits) == 10 and digits[0] == "0" and digits[1] != "0"


def looks_like_phone(text: str) -> bool:
    """Whether ``text`` holds something written like a Dutch phone number.

    Accepts the usual ways of writing one: ``0612345678``, ``06-12345678``,
    ``06 1234 5678``, ``070-123 45 67``, ``(070) 1234567``, ``+31 6 12345678``,
    ``+31 (0)70 1234567``, ``0031 6 1234 5678``, ``0800-1234``. Dates
    (``01-03-2027``), amounts, postcodes and nine-digit numbers are not phone
    numbers.
    """
    for m in _PHONE_RUN.finditer(text):
        # a run may hold two numbers ("06 1234 5678 of 070 123 4567"): try every
        # stretch of consecutive groups
        groups = [g for g in re.split(r"[ \t/]+", m.group(0)) if g]
        for i in range(len(groups)):
            for j in range(i + 1, len(groups) + 1):
                run = "".join(groups[i:j])
                digits = re.sub(r"\D", "", run)
                if _dutch_number(digits, run.startswith(("+", "00"))):
                    return True
    return False


def looks_like_email(text: str) -> bool:
    """Whether ``text`` holds something written like an e-mail address."""
    return _EMAIL.search(text) is not None


def flags(text: str | None) -> tuple[Flag, ...]:
    """What ``text`` seems to contain that should not be copied: ``()`` when nothing."""
    if not text:
        return ()
    found = []
    if looks_like_phone(text):
        found.append(Flag.PHONE)
    if looks_like_email(text):
        found.append(Flag.EMAIL)
    return tuple(found)
