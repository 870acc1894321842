"""Postal sorting: the order in which sets leave the printer.

PostNL gives a discount for mail delivered pre-sorted, and a print shop that
inserts in postcode order can hand the trays over as they are. Dutch postcodes
(``1234 AB``) sort lexicographically in delivery order: the four digits name
the area, the two letters a street or part of one. Within a postcode the
house number is compared as a number (``9`` before ``10``), then the
addition (``A`` before ``B``, none first).

Ties (the same address twice, for example two clients in one household) are
broken by pseudonym, so the order never depends on the input order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")

_POSTCODE_RE = re.compile(r"^\s*(\d{4})\s*([A-Za-z]{2})\s*$")
_NUMBER_RE = re.compile(r"^\s*(\d+)\s*[-/ ]?\s*(.*?)\s*$")

# A postcode that does not parse sorts after every valid one, so a bad record
# ends up at the end of the last batch rather than scattered through a tray.
_UNPARSED = "~"

SortKey = tuple[str, int, str, str]


def normalize_postcode(postcode: str) -> str:
    """A Dutch postcode in the form ``1234 AB``, or the stripped input if it is not one.

    Args:
        postcode: as written in the address file (``1234ab``, ``1234 AB`` ...).
    """
    m = _POSTCODE_RE.match(postcode or "")
    if not m:
        return (postcode or "").strip()
    return f"{m[1]} {m[2].upper()}"


def split_house_number(number: str | int, addition: str = "") -> tuple[int, str]:
    """House number as ``(number, addition)``: ``"12-B"`` -> ``(12, "B")``.

    Args:
        number: the house number, possibly with an addition written into it.
        addition: a separate addition column, if the address file had one.

    Returns:
        The numeric part (0 when there is none) and the upper-cased addition.
    """
    text = str(number).strip()
    m = _NUMBER_RE.match(text)
    if not m:
        return 0, " ".join(x for x in (text, str(addition).strip()) if x).upper()
    extra = " ".join(x for x in (m[2], str(addition).strip()) if x)
    return int(m[1]), extra.upper()


def postal_key(
    postcode: str, house_number: str | int, addition: str = "", tiebreak: str = ""
) -> SortKey:
    """The sort key of one address, in delivery order.

    Args:
        postcode: the postcode as written.
        house_number: the house number (may carry its addition).
        addition: a separate house number addition.
        tiebreak: a stable last resort (the pseudonym).
    """
    m = _POSTCODE_RE.match(postcode or "")
    pc = f"{m[1]}{m[2].upper()}" if m else _UNPARSED + (postcode or "").strip().upper()
    number, extra = split_house_number(house_number, addition)
    return (pc, number, extra, tiebreak)


def postal_sort(items: Iterable[T], key: Callable[[T], SortKey]) -> list[T]:
    """``items`` in postal delivery order.

    Args:
        items: anything with an address.
        key: returns the :func:`postal_key` of an item.
    """
    return sorted(items, key=key)
