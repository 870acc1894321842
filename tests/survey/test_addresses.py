"""Reading the address file: encodings, delimiters, headings, and every problem exactly."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from papersurvey.demo.addresses import HEADER, FakePerson
from survey.addresses import (
    AddressRecord,
    check_table,
    match_columns,
    normalise_heading,
    normalise_postcode,
    read_table,
)
from survey.errors import AddressFileError
from tests.conftest import WriteCsv

GOOD = [
    "C1",
    "Jan",
    "van",
    "Dijk",
    "Kerkstraat",
    "12",
    "",
    "2261 AB",
    "Leidschendam",
    "jan@example.nl",
    "LV",
    "",  # no subgroup: the municipality
]


def read_address_file(path: Path, **options: Any) -> list[AddressRecord]:
    """The checked records of the address file at ``path`` (as the intake reads it)."""
    return check_table(read_table(path), **options)


def problems(exc: pytest.ExceptionInfo[AddressFileError]) -> list[str]:
    return [str(p) for p in exc.value.problems]


def test_reads_the_demo_file(address_csv: Path, people: list[FakePerson]) -> None:
    records = read_address_file(address_csv)
    assert [r.client_number for r in records] == [p.client_number for p in people]
    first, p = records[0], people[0]
    assert (first.first_name, first.infix, first.last_name) == (p.first_name, p.infix, p.last_name)
    assert (first.postcode, first.town, first.email) == (p.postcode, p.town, p.email)
    assert first.house_number == str(p.house_number)
    assert first.language == "nl"
    assert (first.subgroup, first.municipality) == (p.subgroup, p.municipality)
    assert {r.subgroup for r in records} == {"Leidschendam", "Voorburg"}


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [(";", "utf-8-sig"), (",", "utf-8"), (";", "cp1252"), (",", "cp1252"), ("\t", "utf-16")],
)
def test_encodings_and_delimiters(write_csv: WriteCsv, delimiter: str, encoding: str) -> None:
    row = [
        "C1",
        "Anaïs",
        "",
        "Brontë",
        "Burgemeester de Bruïnelaan",
        "3",
        "",
        "2271 XZ",
        "Voorburg",
        "",
        "",
    ]
    path = write_csv("a.csv", [HEADER, row], delimiter=delimiter, encoding=encoding)
    if delimiter == "\t":  # Excel's "Unicode text" export: UTF-16, but tab-separated
        with pytest.raises(AddressFileError) as info:
            read_address_file(path)
        assert "separated by tabs" in problems(info)[0]
        return
    (record,) = read_address_file(path)
    assert (record.first_name, record.last_name) == ("Anaïs", "Brontë")
    assert record.street == "Burgemeester de Bruïnelaan"


def test_xlsx(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append([*HEADER, None])
    ws.append(
        [123456, "Jan", None, "Dijk", "Kerkstraat", 12, None, "2261ab", "Leidschendam", None, None]
    )
    ws.append([None] * 11)  # blank rows are skipped
    ws.append(
        [123457, "Piet", None, "Bos", "Molenweg", 7.0, "a", "2261 AC", "Leidschendam", None, None]
    )
    path = tmp_path / "adressen.xlsx"
    wb.save(path)
    a, b = read_address_file(path)
    assert (a.client_number, a.house_number, a.postcode) == ("123456", "12", "2261 AB")
    assert (b.client_number, b.house_number, b.addition) == ("123457", "7", "a")


def test_english_headings_in_any_case(write_csv: WriteCsv) -> None:
    header = ["Client Number", "FIRST_NAME", "Infix", "Last name", "Street", "House number",
              "Addition", "ZIP", "City", "E-mail", "Language", "Gender", "Subgroup"]  # fmt: skip
    row = [
        "C9",
        "Ann",
        "",
        "Smith",
        "Main",
        "1",
        "",
        "1011AB",
        "Amsterdam",
        "ann@example.com",
        "EN",
        "V",
        "north",
    ]
    (r,) = read_address_file(write_csv("en.csv", [header, row], delimiter=","))
    assert r == AddressRecord(
        "C9", "Ann", "", "Smith", "Main", "1", "", "1011 AB", "Amsterdam", "ann@example.com",
        "", "en", "f", "north",
    )  # fmt: skip


def test_mapping_for_unknown_headings(write_csv: WriteCsv) -> None:
    header = ["Klant-ID", "Voorletters", "Naam", "Adres", "Nr", "Postcode", "Plaats"]
    path = write_csv(
        "m.csv", [header, ["K1", "J.", "Dijk", "Kerkstraat", "4", "2261AB", "Leidschendam"]]
    )
    with pytest.raises(AddressFileError) as info:
        read_address_file(path)
    assert problems(info) == [
        "m.csv, row 1: required columns missing: clientnummer (client_number), straat (street), "
        "huisnummer (house_number); found headings: Klant-ID, Voorletters, Naam, Adres, Nr, "
        "Postcode, Plaats. Fix: Rename the headings, or map them with --mapping 'Heading=field'."
    ]
    mapping = {"klant-id": "client_number", "Adres": "street", "Nr": "house_number"}
    (r,) = read_address_file(path, mapping=mapping)
    assert (r.client_number, r.first_name, r.street, r.house_number) == (
        "K1",
        "J.",
        "Kerkstraat",
        "4",
    )


def test_wrong_mappings(write_csv: WriteCsv) -> None:
    path = write_csv("m.csv", [HEADER, GOOD])
    with pytest.raises(AddressFileError) as info:
        read_address_file(path, mapping={"Klant": "client_number", "straat": "road"})
    assert (
        str(info.value).splitlines()[0]
        == "m.csv has problems with its columns; nothing was imported."
    )
    assert problems(info) == [
        f"m.csv, row 1, column 'Klant': --mapping names column 'Klant', which is not in the file. "
        f"Fix: The headings are: {', '.join(HEADER)}.",
        "m.csv, column 'straat': --mapping names unknown field 'road'. Fix: Use one of: "
        "client_number, first_name, infix, last_name, street, house_number, addition, postcode, "
        "town, email, municipality, language, gender, subgroup.",
    ]


def test_duplicate_headings(write_csv: WriteCsv) -> None:
    path = write_csv("d.csv", [[*HEADER, "Postcode"], [*GOOD, "2261 AB"]])
    with pytest.raises(AddressFileError) as info:
        read_address_file(path)
    assert problems(info) == [
        "d.csv, row 1, column 'Postcode': two columns are headed 'Postcode'. "
        "Fix: Remove or rename one of them."
    ]


def test_voornaam_wins_over_voorletters(write_csv: WriteCsv) -> None:
    header = ["voorletters", *HEADER]
    (r,) = read_address_file(write_csv("v.csv", [header, ["J.", *GOOD]]))
    assert r.first_name == "Jan"


def test_every_row_problem_is_reported_with_its_row(write_csv: WriteCsv) -> None:
    def row(**changes: str) -> list[str]:
        r = dict(zip(HEADER, GOOD, strict=True)) | changes
        return list(r.values())

    rows = [
        HEADER,
        row(clientnummer="C1"),
        row(clientnummer="C2", postcode="0123 AB"),
        row(clientnummer="C3", postcode="1234 SA"),
        row(clientnummer="C4", postcode="1234sd"),
        row(clientnummer="C5", postcode="1234 SS"),
        row(clientnummer="C6", postcode="12345"),
        row(clientnummer="C1"),
        row(clientnummer="C8", achternaam="", woonplaats=""),
        row(clientnummer="C9", huisnummer="twaalf"),
        row(clientnummer="C10", huisnummer="0"),
        row(clientnummer="C11", **{"e-mail": "jan@"}),
        row(clientnummer="C12", **{"e-mail": "jan.example.nl"}),
        ["", "", "", "", "", "", "", "", "", "", ""],  # blank: skipped, still counted
        [*row(clientnummer="C14"), "extra"],
        row(clientnummer="", huisnummer="12b", toevoeging="3"),
    ]
    with pytest.raises(AddressFileError) as info:
        read_address_file(write_csv("adressen.csv", rows))
    assert (
        str(info.value).splitlines()[0] == "adressen.csv: 15 problems found; nothing was imported."
    )
    assert problems(info) == [
        "adressen.csv, row 3, column 'postcode': '0123 AB' is not a Dutch postcode: it cannot start with 0",
        "adressen.csv, row 4, column 'postcode': '1234 SA' is not a Dutch postcode: the letters SA, SD and SS are not used",
        "adressen.csv, row 5, column 'postcode': '1234sd' is not a Dutch postcode: the letters SA, SD and SS are not used",
        "adressen.csv, row 6, column 'postcode': '1234 SS' is not a Dutch postcode: the letters SA, SD and SS are not used",
        "adressen.csv, row 7, column 'postcode': '12345' is not a Dutch postcode (4 digits and 2 letters, like 1234 AB)",
        "adressen.csv, row 8, column 'clientnummer': client number 'C1' also appears on row 2",
        "adressen.csv, row 9, column 'achternaam': this field is required but empty",
        "adressen.csv, row 9, column 'woonplaats': this field is required but empty",
        "adressen.csv, row 10, column 'huisnummer': 'twaalf' is not a house number (a whole number from 1 to 99999; letters go in the addition column)",
        "adressen.csv, row 11, column 'huisnummer': '0' is not a house number (a whole number from 1 to 99999; letters go in the addition column)",
        "adressen.csv, row 12, column 'e-mail': 'jan@' is not a valid e-mail address",
        "adressen.csv, row 13, column 'e-mail': 'jan.example.nl' is not a valid e-mail address",
        "adressen.csv, row 15: the row has 13 values but there are 12 headings. Fix: A value probably contains the separator; put such values in quotes.",
        "adressen.csv, row 16, column 'clientnummer': this field is required but empty",
        "adressen.csv, row 16, column 'huisnummer': '12b' is not a house number (a whole number from 1 to 99999; letters go in the addition column)",
    ]


def test_language_must_be_offered(write_csv: WriteCsv) -> None:
    path = write_csv(
        "l.csv", [[*HEADER, "taal"], [*GOOD, "Engels"], [*GOOD[:0], "C2", *GOOD[1:], "fr"]]
    )
    with pytest.raises(AddressFileError) as info:
        read_address_file(path)
    assert problems(info) == [
        "l.csv, row 3, column 'taal': 'fr' is not a language of this survey (nl, en)"
    ]
    only_dutch = write_csv("l2.csv", [[*HEADER, "taal"], [*GOOD, "Engels"]])
    with pytest.raises(AddressFileError) as info:
        read_address_file(only_dutch, languages=("nl",))
    assert problems(info) == [
        "l2.csv, row 2, column 'taal': 'Engels' is not a language of this survey (nl)"
    ]
    (r,) = read_address_file(only_dutch)
    assert r.language == "en"


def test_house_number_with_letter_is_split(write_csv: WriteCsv) -> None:
    row = dict(zip(HEADER, GOOD, strict=True)) | {"huisnummer": "12 a"}
    (r,) = read_address_file(write_csv("h.csv", [HEADER, list(row.values())]))
    assert (r.house_number, r.addition) == ("12", "a")


NOT_CSV = "Fix: Save the address list as CSV (comma or semicolon separated) or as .xlsx."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty.csv: the file is empty. Fix: Export the address list again."),
        ("blank.csv", b" \r\n\r\n", "blank.csv: the file is empty. Fix: Export the address list again."),
        ("semis.csv", b";;;\r\n;;;\r\n", "semis.csv: the file is empty. Fix: Export the address list again."),
        (
            "header.csv",
            ";".join(HEADER).encode() + b"\r\n",
            "header.csv: the file has a heading row but no people. "
            "Fix: Export the address list again, with one row per person.",
        ),
        ("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), f"photo.csv: this is not a CSV or Excel file. {NOT_CSV}"),
        ("noise.csv", bytes(range(1, 32)) * 20, f"noise.csv: this is not a CSV or Excel file. {NOT_CSV}"),
        (
            "old.xls",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
            "old.xls: this is an old Excel file (.xls) or an Excel file with a password. "
            "Fix: Open it in Excel, remove any password, and save it as .xlsx or as CSV.",
        ),
        (
            "tabs.csv",
            "\t".join(HEADER).encode() + b"\r\n" + "\t".join(GOOD).encode() + b"\r\n",
            "tabs.csv: the columns are separated by tabs; expected semicolons (;) or commas (,). "
            "Fix: In Excel choose Save As 'CSV (gescheiden door lijstscheidingsteken)', or use .xlsx.",
        ),
        (
            "pipes.csv",
            "|".join(HEADER).encode() + b"\r\n" + "|".join(GOOD).encode() + b"\r\n",
            "pipes.csv: the columns are separated by vertical bars (|); expected semicolons (;) or commas (,). "
            "Fix: In Excel choose Save As 'CSV (gescheiden door lijstscheidingsteken)', or use .xlsx.",
        ),
    ],
)  # fmt: skip
def test_unreadable_files(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(AddressFileError) as info:
        read_address_file(path)
    assert problems(info) == [message]
    assert str(info.value).splitlines()[0] == f"{name} cannot be read; nothing was imported."


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "adressen.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(AddressFileError) as info:
        read_table(path)
    assert problems(info) == [f"adressen.xlsx: this is not a CSV or Excel file. {NOT_CSV}"]


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(AddressFileError) as info:
        read_table(tmp_path / "nope.csv")
    assert problems(info) == [
        f"nope.csv: the file {tmp_path / 'nope.csv'} does not exist. Fix: Check the file name and folder."
    ]


def test_a_single_column_says_which_headings_were_found(write_csv: WriteCsv) -> None:
    path = write_csv("one.csv", [["clientnummer:naam:straat"], ["C1:Dijk:Kerkstraat"]])
    with pytest.raises(AddressFileError) as info:
        match_columns(read_table(path))
    assert problems(info) == [
        "one.csv, row 1: required columns missing: clientnummer (client_number), "
        "achternaam (last_name), straat (street), huisnummer (house_number), postcode (postcode), "
        "woonplaats (town); found headings: clientnummer:naam:straat. "
        "Fix: Rename the headings, or map them with --mapping 'Heading=field'."
    ]


def test_normalise_heading() -> None:
    assert normalise_heading(" E-mail adres ") == "emailadres"
    assert normalise_heading("Cliëntnummer") == "clientnummer"
    assert normalise_heading("HUISNUMMER_TOEVOEGING") == "huisnummertoevoeging"


@given(st.integers(1000, 9999), st.sampled_from("ABCDEFGHJKLMNPRTVWXZ"), st.sampled_from("ABCEGHJKLMNPRTVWXZ"), st.sampled_from(["", " ", "  "]), st.booleans())  # fmt: skip
def test_postcode_normalisation(digits: int, a: str, b: str, space: str, lower: bool) -> None:
    raw = f"{digits}{space}{a}{b}"
    assert normalise_postcode(raw.lower() if lower else raw) == (f"{digits} {a}{b}", "")
