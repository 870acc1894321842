"""Synthetic Dutch address files for the demo, tests and benchmarks.

Every person is invented: names are drawn from short lists of common Dutch
names. Where they live is not: the places (*kernen*) and streets are real ones
of the demo's municipality, Leidschendam-Voorburg, with the postcode area of
each place (house numbers and postcode letters are invented, so an address may
not exist). Stompwijk has no postal town of its own; its post goes to
Leidschendam, as in the real postcode book. The ``subgroep`` column holds the
place, so the report has areas with enough respondents to show figures.
Generation is deterministic for a seed.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path

MUNICIPALITY = "Leidschendam-Voorburg"

FIRST_NAMES = (
    "Anna",
    "Bram",
    "Daan",
    "Emma",
    "Fatima",
    "Gerrit",
    "Hanna",
    "Ibrahim",
    "Jan",
    "Julia",
    "Kees",
    "Lotte",
    "Mohamed",
    "Noor",
    "Olga",
    "Pieter",
    "Priya",
    "Rik",
    "Saskia",
    "Sem",
    "Tessa",
    "Thijs",
    "Wendy",
    "Yusuf",
    "Zeynep",
    "Marieke",
    "Henk",
    "Ayşe",
    "Jeroen",
    "Ingrid",
)
INFIXES = ("", "", "", "", "van", "de", "van der", "van den", "ter", "van 't")
LAST_NAMES = (
    "Jansen",
    "Bakker",
    "Visser",
    "Smit",
    "Meijer",
    "Mulder",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "Dekker",
    "Brouwer",
    "Dijk",
    "Berg",
    "Vermeulen",
    "Yılmaz",
    "El Amrani",
    "Kaya",
    "Wit",
    "Jong",
    "Boer",
    "Graaf",
    "Koster",
    "Prins",
    "Huisman",
    "Kuipers",
    "Postma",
    "Schouten",
)


@dataclass(frozen=True)
class Place:
    """A place of the municipality: its postal town, postcode numbers and some streets."""

    name: str
    postal_town: str
    postcodes: tuple[int, int]  # first and last four-digit postcode number
    streets: tuple[str, ...]
    share: float  # of the municipality's clients


PLACES = (
    Place(
        "Voorburg",
        "Voorburg",
        (2271, 2275),
        (
            "Herenstraat",
            "Kerkstraat",
            "Vlietstraat",
            "Van Schagenstraat",
            "Parkweg",
            "Oosteinde",
            "Westeinde",
            "Koningin Julianalaan",
            "Laan van Nieuw Oosteinde",
            "Prinses Mariannelaan",
        ),
        0.5,
    ),
    Place(
        "Leidschendam",
        "Leidschendam",
        (2261, 2265),
        (
            "Damplein",
            "Damlaan",
            "Venestraat",
            "Leidsekade",
            "Sluisplein",
            "Damstraat",
            "Sluiskant",
            "Damhouderstraat",
        ),
        0.44,
    ),
    Place(
        "Stompwijk",
        "Leidschendam",
        (2266, 2266),
        ("Dr. van Noortstraat", "Jan Koenenweg", "Meerlaan", "Stompwijkseweg"),
        0.06,
    ),
)
"""The places of Leidschendam-Voorburg, with roughly their share of the population."""

LETTERS = "ABCEGHJKLMNPRTVWXZ"  # avoids SA, SD, SS and look-alikes
ADDITIONS = ("", "", "", "", "", "A", "B", "bis", "1", "2-hoog")
HEADER = (
    "clientnummer",
    "voornaam",
    "tussenvoegsel",
    "achternaam",
    "straat",
    "huisnummer",
    "toevoeging",
    "postcode",
    "woonplaats",
    "e-mail",
    "gemeente",
    "subgroep",
)


@dataclass(frozen=True)
class FakePerson:
    client_number: str
    first_name: str
    infix: str
    last_name: str
    street: str
    house_number: int
    addition: str
    postcode: str
    town: str
    email: str
    municipality: str
    subgroup: str = ""

    def row(self) -> tuple[str, ...]:
        return (
            self.client_number,
            self.first_name,
            self.infix,
            self.last_name,
            self.street,
            str(self.house_number),
            self.addition,
            self.postcode,
            self.town,
            self.email,
            self.municipality,
            self.subgroup,
        )


def fake_people(count: int, *, seed: int = 2027, email_share: float = 0.6) -> list[FakePerson]:
    """``count`` invented people of Leidschendam-Voorburg with distinct client numbers.

    The subgroup is the postal town (Stompwijk's few clients count with
    Leidschendam), so every area has enough respondents for the report.
    """
    rng = random.Random(seed)
    numbers = rng.sample(range(100_000, 999_999), count)
    weights = [p.share for p in PLACES]
    people = []
    for number in numbers:
        place = rng.choices(PLACES, weights=weights)[0]
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        digits = rng.randint(*place.postcodes)
        postcode = f"{digits:04d} {rng.choice(LETTERS)}{rng.choice(LETTERS)}"
        email = ""
        if rng.random() < email_share:
            email = f"{first.lower()}.{last.lower().replace(' ', '')}{number % 97}@example.nl"
            email = email.encode("ascii", "ignore").decode()
        people.append(
            FakePerson(
                client_number=f"C{number}",
                first_name=first,
                infix=rng.choice(INFIXES),
                last_name=last,
                street=rng.choice(place.streets),
                house_number=rng.randrange(1, 250),
                addition=rng.choice(ADDITIONS),
                postcode=postcode,
                town=place.postal_town,
                email=email,
                municipality=MUNICIPALITY,
                subgroup=place.postal_town,
            )
        )
    return people


def address_csv_bytes(people: list[FakePerson], *, delimiter: str = ";") -> bytes:
    """People as a municipality would deliver them (Dutch Excel: semicolons, UTF-8 BOM)."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=delimiter)
    w.writerow(HEADER)
    w.writerows(p.row() for p in people)
    return buf.getvalue().encode("utf-8-sig")


def write_address_csv(path: Path, people: list[FakePerson], *, delimiter: str = ";") -> Path:
    """Write :func:`address_csv_bytes` to ``path``."""
    path.write_bytes(address_csv_bytes(people, delimiter=delimiter))
    return path
