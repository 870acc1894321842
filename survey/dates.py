"""Dates written out for respondents and municipal readers: ``3 maart 2027`` / ``3 March 2027``.

Letters and reports both print dates; they format them here, so the month
names exist once and do not depend on the machine's locale.
"""

from __future__ import annotations

import datetime as dt

MONTHS: dict[str, tuple[str, ...]] = {
    "nl": (
        "januari", "februari", "maart", "april", "mei", "juni",
        "juli", "augustus", "september", "oktober", "november", "december",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def format_date(day: dt.date, language: str = "nl") -> str:
    """``3 maart 2027`` (nl, the default for unknown languages) or ``3 March 2027`` (en)."""
    months = MONTHS.get(language, MONTHS["nl"])
    return f"{day.day} {months[day.month - 1]} {day.year}"
