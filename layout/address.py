"""The addressee of a letter: PostNL-style address lines, salutation and envelope window.

PostNL asks for (and sorting machines read best):

* at most six lines, left aligned, no empty lines in between;
* street and house number (with addition) on one line;
* postcode and town on one line: four digits, a space, two capitals, two
  spaces, the town in capitals (``2262 AB  LEIDSCHENDAM``);
* optionally the KIX code as the last line, after an empty line.

The address is printed inside the window of a window envelope. The window is
configurable; the default fits the common Dutch window envelopes for an A4
letter folded to A5 (EA5/6, C5/6): a window of 100 x 40 mm whose left edge is
20 mm from the left edge of the sheet and whose top is 45 mm from the top.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from survey.units import mm


@dataclass(frozen=True)
class Window:
    """The envelope window, measured on the unfolded A4 sheet from its top-left corner (points).

    Attributes:
        left: from the left edge of the sheet to the window.
        top: from the top edge of the sheet to the window.
        width: window width.
        height: window height.
        padding: white kept inside the window edge (the letter moves in the envelope).
    """

    left: float = mm(20)
    top: float = mm(45)
    width: float = mm(100)
    height: float = mm(40)
    padding: float = mm(4)


DEFAULT_WINDOW = Window()


def format_postcode(postcode: str) -> str:
    """A Dutch postcode as printed: ``2262ab`` -> ``2262 AB``; other postcodes unchanged."""
    compact = re.sub(r"\s+", "", postcode).upper()
    if re.fullmatch(r"\d{4}[A-Z]{2}", compact):
        return f"{compact[:4]} {compact[4:]}"
    return postcode.strip()


@dataclass(frozen=True)
class Addressee:
    """Who a letter goes to (personal data: build it from ``pii/`` just before printing).

    Attributes:
        name: the name line, e.g. ``J. van den Berg``.
        street: the street name.
        house_number: the number.
        addition: house number addition (``A``, ``bis``, ``2 hoog``), or ``""``.
        postcode: the postcode, in any spacing.
        town: the town.
        salutation: the salutation line with comma, e.g. ``Beste heer Van den Berg,``.
        pseudonym: the login code (the LimeSurvey token).
        language: ``nl`` or ``en``.
        country: for an address abroad (printed in capitals as the last line); ``""`` in NL.
    """

    name: str
    street: str
    house_number: str
    postcode: str
    town: str
    pseudonym: str
    addition: str = ""
    salutation: str = ""
    language: str = "nl"
    country: str = ""

    @property
    def is_dutch(self) -> bool:
        return not self.country

    def lines(self) -> tuple[str, ...]:
        """The address lines as PostNL wants them."""
        number = (
            f"{self.house_number} {self.addition}".strip() if self.addition else self.house_number
        )
        street = f"{self.street} {number}".strip()
        place = f"{format_postcode(self.postcode)}  {self.town.strip().upper()}".strip()
        lines = [self.name.strip(), street, place]
        if self.country:
            lines.append(self.country.strip().upper())
        return tuple(line for line in lines if line)

    @classmethod
    def from_record(cls, record: Any, pseudonym: str, language: str | None = None) -> Addressee:
        """From a :class:`survey.addresses.AddressRecord` (first name or initials, infix, gender)."""
        infix = record.infix.strip()
        last = record.last_name.strip()
        name = " ".join(x for x in (record.first_name.strip(), infix, last) if x)
        lang = language or record.language or "nl"
        return cls(
            name=name,
            street=record.street,
            house_number=record.house_number,
            addition=record.addition,
            postcode=record.postcode,
            town=record.town,
            salutation=salutation(record.gender, infix, last, lang, first_name=record.first_name),
            pseudonym=pseudonym,
            language=lang,
        )


def salutation(
    gender: str, infix: str, last_name: str, language: str = "nl", first_name: str = ""
) -> str:
    """A B1 salutation line with comma.

    Dutch: ``Beste heer Van den Berg,`` / ``Beste mevrouw De Vries,`` (an
    infix after a title starts with a capital); without a known gender the
    full name: ``Beste Sam de Vries,``; with no name at all ``Beste heer of mevrouw,``.
    """
    g = gender.strip().lower()[:1]
    surname = " ".join(x for x in (infix, last_name) if x)
    capitalised = surname[:1].upper() + surname[1:] if surname else ""
    if language == "en":
        title = {"m": "Mr", "v": "Ms", "f": "Ms", "w": "Ms"}.get(g)
        if title and last_name:
            return f"Dear {title} {capitalised},"
        full = " ".join(x for x in (first_name.strip(), surname) if x)
        return f"Dear {full}," if full else "Dear Sir or Madam,"
    title = {"m": "heer", "v": "mevrouw", "f": "mevrouw", "w": "mevrouw"}.get(g)
    if title and last_name:
        return f"Beste {title} {capitalised},"
    full = " ".join(x for x in (first_name.strip(), surname) if x)
    return f"Beste {full}," if full else "Beste heer of mevrouw,"
