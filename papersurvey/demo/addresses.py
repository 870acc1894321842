"""Synthetic Dutch address files for the demo, tests and benchmarks.

Every person is invented: names are drawn from short lists of common Dutch
names, streets and towns; postcodes are valid in form (``1234 AB``) but not
checked against the real register. Generation is deterministic for a seed.
"""

from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass
from pathlib import Path

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
STREETS = (
    "Dorpsstraat",
    "Kerkstraat",
    "Molenweg",
    "Stationsweg",
    "Schoolstraat",
    "Julianalaan",
    "Beatrixstraat",
    "Parallelweg",
    "Wilhelminastraat",
    "Burgemeester de Bruïnelaan",
    "Oranjeplein",
    "Populierenlaan",
    "Zuidsingel",
    "Van Goghstraat",
    "Prinses Margrietlaan",
)
TOWNS = (("Leidschendam", "2261"), ("Voorburg", "2271"), ("Nootdorp", "2631"), ("Rijswijk", "2281"))
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
        )


def fake_people(count: int, *, seed: int = 2027, email_share: float = 0.6) -> list[FakePerson]:
    """``count`` invented people with distinct client numbers."""
    rng = random.Random(seed)
    numbers = rng.sample(range(100_000, 999_999), count)
    people = []
    for number in numbers:
        town, prefix = rng.choice(TOWNS)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        digits = int(prefix) + rng.randrange(0, 9)
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
                street=rng.choice(STREETS),
                house_number=rng.randrange(1, 250),
                addition=rng.choice(ADDITIONS),
                postcode=postcode,
                town=town,
                email=email,
                municipality="Leidschendam-Voorburg" if town != "Rijswijk" else "Rijswijk",
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
