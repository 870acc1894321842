"""Reading and checking the municipality's address file.

The file is a CSV (UTF-8, UTF-8 with BOM or Windows-1252; comma or semicolon)
or an Excel workbook (.xlsx, first sheet). Headings are recognised in Dutch
and English, case-insensitively; anything else is mapped with
``COLUMN=field``. Every row is checked before anything is written, and every
problem is reported with its row number in one
:class:`~survey.errors.AddressFileError`.

This module only reads; :mod:`survey.intake` puts the people into a project.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from survey.csvtext import sniff_delimiter
from survey.errors import AddressFileError, Problem
from survey.progress import NullProgressBar, ProgressFactory

FIELDS = (
    "client_number",
    "first_name",
    "infix",
    "last_name",
    "street",
    "house_number",
    "addition",
    "postcode",
    "town",
    "email",
    "municipality",
    "language",
    "gender",
    "subgroup",
)
REQUIRED = ("client_number", "last_name", "street", "house_number", "postcode", "town")
# Recognised headings per field, after normalise_heading(); earlier ones win
# when a file has several (voornaam beats voorletters).
ALIASES: dict[str, tuple[str, ...]] = {
    "client_number": ("clientnummer", "klantnummer", "clientid", "clientnumber", "clientnr"),
    "first_name": ("voornaam", "voornamen", "firstname", "voorletters", "initials"),
    "infix": ("tussenvoegsel", "tussenvoegsels", "infix"),
    "last_name": ("achternaam", "lastname", "surname", "geslachtsnaam", "naam"),
    "street": ("straat", "straatnaam", "street"),
    "house_number": ("huisnummer", "housenumber", "huisnr"),
    "addition": ("toevoeging", "huisnummertoevoeging", "addition"),
    "postcode": ("postcode", "zip", "zipcode", "postalcode"),
    "town": ("woonplaats", "plaats", "town", "city"),
    "email": ("email", "emailadres", "emailaddress"),
    "municipality": ("gemeente", "municipality"),
    "language": ("taal", "language"),
    "gender": ("geslacht", "gender"),
    "subgroup": ("subgroep", "subgroup"),
}
DUTCH_HEADING = {f: a[0] for f, a in ALIASES.items()}
EXPECTED_DELIMITERS = (";", ",")
DELIMITER_NAMES = {";": "semicolons (;)", ",": "commas (,)", "\t": "tabs", "|": "vertical bars (|)"}
_LANGUAGE_WORDS = {"nl": "nl", "nederlands": "nl", "dutch": "nl", "en": "en", "engels": "en"}
_LANGUAGE_WORDS["english"] = "en"
_GENDER_WORDS = {"m": "m", "man": "m", "male": "m", "v": "f", "vrouw": "f", "f": "f"}
_GENDER_WORDS.update({"female": "f", "x": "x", "o": "x", "onbekend": "x", "anders": "x"})
_POSTCODE_RE = re.compile(r"^(\d{4})([A-Z]{2})$")
_HOUSE_RE = re.compile(r"^(\d{1,5})$")
_HOUSE_WITH_ADDITION_RE = re.compile(r"^(\d{1,5})\s*[-/ ]?\s*([A-Za-z0-9]{1,4})$")
_EMAIL_RE = re.compile(r"^[^\s@\"(),:;<>\[\]\\]+@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,}$")

NOT_CSV_OR_EXCEL = "this is not a CSV or Excel file"
NOT_CSV_FIX = "Save the address list as CSV (comma or semicolon separated) or as .xlsx."


@dataclass(frozen=True)
class AddressRecord:
    """One person from the address file, checked and normalised. Personal data: pii/ only."""

    client_number: str
    first_name: str
    infix: str
    last_name: str
    street: str
    house_number: str
    addition: str
    postcode: str
    town: str
    email: str = ""
    municipality: str = ""
    language: str = "nl"
    gender: str = ""
    subgroup: str = ""

    @property
    def full_last_name(self) -> str:
        """Last name with its infix: ``van den Berg``."""
        return f"{self.infix} {self.last_name}".strip()


@dataclass(frozen=True)
class AddressTable:
    """The raw cells of an address file: headings and text rows as the user sees them.

    Attributes:
        name: the file name, for messages.
        headings: the heading row.
        rows: ``(spreadsheet row number, cells)`` for every non-empty data row.
    """

    name: str
    headings: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str, ...]], ...]


def normalise_heading(heading: str) -> str:
    """Lower case, no accents, letters and digits only: ``E-mail adres`` -> ``emailadres``."""
    decomposed = unicodedata.normalize("NFKD", heading)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", plain.lower())


def _fail(name: str, message: str, fix: str) -> AddressFileError:
    return AddressFileError(
        f"{name} cannot be read; nothing was imported.", [Problem(name, 0, "", message, fix)]
    )


# ---------------------------------------------------------------- reading cells


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value).strip()


def _read_xlsx(name: str, data: bytes) -> list[list[str]]:
    import openpyxl  # only needed for workbooks
    from openpyxl.utils.exceptions import InvalidFileException

    try:  # from memory: a decrypted workbook never touches the disk
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError) as exc:
        raise _fail(name, NOT_CSV_OR_EXCEL, NOT_CSV_FIX) from exc
    try:
        ws = wb.worksheets[0]
        return [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
    finally:
        wb.close()


def _decode(name: str, data: bytes) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _fail(name, NOT_CSV_OR_EXCEL, NOT_CSV_FIX) from exc
    if b"\x00" in data[:65536]:
        raise _fail(name, NOT_CSV_OR_EXCEL, NOT_CSV_FIX)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as exc:
            raise _fail(name, NOT_CSV_OR_EXCEL, NOT_CSV_FIX) from exc
    controls = sum(1 for c in text[:65536] if ord(c) < 32 and c not in "\t\r\n\f\v")
    if controls > max(2, len(text[:65536]) // 200):
        raise _fail(name, NOT_CSV_OR_EXCEL, NOT_CSV_FIX)
    return text


def _sniff_delimiter(name: str, text: str) -> str:
    best = sniff_delimiter(text, tuple(DELIMITER_NAMES), default=";")  # ties: ; before ,
    if best not in EXPECTED_DELIMITERS:
        raise _fail(
            name,
            f"the columns are separated by {DELIMITER_NAMES[best]}; "
            "expected semicolons (;) or commas (,)",
            "In Excel choose Save As 'CSV (gescheiden door lijstscheidingsteken)', or use .xlsx.",
        )
    return best


def _read_csv(name: str, data: bytes) -> list[list[str]]:
    text = _decode(name, data)
    delimiter = _sniff_delimiter(name, text)
    try:
        return [
            [c.strip() for c in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        ]
    except csv.Error as exc:
        raise _fail(name, NOT_CSV_OR_EXCEL, NOT_CSV_FIX) from exc


def read_bytes(path: Path) -> bytes:
    """The bytes of an address file.

    Raises:
        AddressFileError: the file is missing or is a folder.
    """
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise _fail(
            path.name, f"the file {path} does not exist", "Check the file name and folder."
        ) from exc
    except IsADirectoryError as exc:
        raise _fail(path.name, f"{path} is a folder", "Give the address file itself.") from exc


def read_table(path: Path) -> AddressTable:
    """Read the cells of an address file (CSV or .xlsx), without checking them.

    Raises:
        AddressFileError: the file is missing, empty, binary, an old .xls, or
            separated by something other than commas or semicolons.
    """
    return table_from_bytes(Path(path).name, read_bytes(path))


def table_from_bytes(name: str, data: bytes) -> AddressTable:
    """The cells of an address file already in memory (for example just decrypted).

    Raises:
        AddressFileError: as :func:`read_table`.
    """
    if not data.strip():
        raise _fail(name, "the file is empty", "Export the address list again.")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise _fail(
            name,
            "this is an old Excel file (.xls) or an Excel file with a password",
            "Open it in Excel, remove any password, and save it as .xlsx or as CSV.",
        )
    rows = _read_xlsx(name, data) if data.startswith(b"PK\x03\x04") else _read_csv(name, data)
    numbered = [(i, row) for i, row in enumerate(rows, start=1) if any(c for c in row)]
    if not numbered:
        raise _fail(name, "the file is empty", "Export the address list again.")
    (_, header), *body = numbered
    while header and not header[-1]:
        header = header[:-1]
    if not body:
        raise _fail(
            name,
            "the file has a heading row but no people",
            "Export the address list again, with one row per person.",
        )
    return AddressTable(name, tuple(header), tuple((n, tuple(r)) for n, r in body))


# ---------------------------------------------------------------- columns


def match_columns(table: AddressTable, mapping: Mapping[str, str] | None = None) -> dict[str, int]:
    """Which column holds which field: ``{field: column index}``.

    Args:
        table: the file's cells.
        mapping: heading -> field for headings papersurvey does not know.

    Raises:
        AddressFileError: a required column is missing, a mapping is wrong,
            or two columns have the same heading.
    """
    name = table.name
    normal = [normalise_heading(h) for h in table.headings]
    problems: list[Problem] = []
    found: dict[str, int] = {}
    for heading, fld in (mapping or {}).items():
        if fld not in FIELDS:
            problems.append(
                Problem(
                    name,
                    0,
                    heading,
                    f"--mapping names unknown field '{fld}'",
                    f"Use one of: {', '.join(FIELDS)}.",
                )
            )
        elif normalise_heading(heading) not in normal:
            problems.append(
                Problem(
                    name,
                    1,
                    heading,
                    f"--mapping names column '{heading}', which is not in the file",
                    f"The headings are: {', '.join(table.headings)}.",
                )
            )
        else:
            found[fld] = normal.index(normalise_heading(heading))
    for fld, aliases in ALIASES.items():
        if fld in found:
            continue
        for alias in aliases:
            hits = [i for i, h in enumerate(normal) if h == alias and i not in found.values()]
            if len(hits) > 1:
                problems.append(
                    Problem(
                        name,
                        1,
                        table.headings[hits[1]],
                        f"two columns are headed '{table.headings[hits[1]]}'",
                        "Remove or rename one of them.",
                    )
                )
            if hits:
                found[fld] = hits[0]
                break
    missing = [f for f in REQUIRED if f not in found]
    if missing and not problems:
        wanted = ", ".join(f"{DUTCH_HEADING[f]} ({f})" for f in missing)
        problems.append(
            Problem(
                name,
                1,
                "",
                f"required columns missing: {wanted}; "
                f"found headings: {', '.join(table.headings) or '(none)'}",
                "Rename the headings, or map them with --mapping 'Heading=field'.",
            )
        )
    if problems:
        raise AddressFileError(
            f"{name} has problems with its columns; nothing was imported.", problems
        )
    return found


# ---------------------------------------------------------------- rows


def normalise_postcode(value: str) -> tuple[str, str]:
    """``(postcode as 1234 AB, "")`` or ``("", what is wrong)``."""
    compact = "".join(value.split()).upper()
    m = _POSTCODE_RE.match(compact)
    if not m:
        return "", f"'{value}' is not a Dutch postcode (4 digits and 2 letters, like 1234 AB)"
    digits, letters = m.groups()
    if digits.startswith("0"):
        return "", f"'{value}' is not a Dutch postcode: it cannot start with 0"
    if letters in ("SA", "SD", "SS"):
        return "", f"'{value}' is not a Dutch postcode: the letters SA, SD and SS are not used"
    return f"{digits} {letters}", ""


def _house_number(value: str, addition: str) -> tuple[str, str, str]:
    """``(number, addition, problem)``; ``12a`` splits when the addition column is empty."""
    m = _HOUSE_RE.match(value)
    if m and int(m[1]) > 0:
        return str(int(m[1])), addition, ""
    m = _HOUSE_WITH_ADDITION_RE.match(value)
    if m and not addition and int(m[1]) > 0:
        return str(int(m[1])), m[2], ""
    return (
        "",
        addition,
        (
            f"'{value}' is not a house number (a whole number from 1 to 99999; "
            "letters go in the addition column)"
        ),
    )


def _check_row(
    name: str,
    rownum: int,
    cells: Sequence[str],
    table: AddressTable,
    columns: Mapping[str, int],
    languages: Sequence[str],
) -> tuple[AddressRecord | None, list[Problem]]:
    problems: list[Problem] = []
    width = len(table.headings)
    if len(cells) > width and any(cells[width:]):
        problems.append(
            Problem(
                name,
                rownum,
                "",
                f"the row has {len(cells)} values but there are {width} headings",
                "A value probably contains the separator; put such values in quotes.",
            )
        )
    raw = {f: (cells[i] if i < len(cells) else "") for f, i in columns.items()}
    heading = {f: table.headings[i] for f, i in columns.items()}

    def bad(fld: str, message: str) -> None:
        problems.append(Problem(name, rownum, heading[fld], message))

    for fld in REQUIRED:
        if not raw[fld]:
            bad(fld, "this field is required but empty")
    values = {f: raw.get(f, "") for f in FIELDS}
    if raw["postcode"]:
        values["postcode"], why = normalise_postcode(raw["postcode"])
        if why:
            bad("postcode", why)
    if raw["house_number"]:
        values["house_number"], values["addition"], why = _house_number(
            raw["house_number"], values["addition"]
        )
        if why:
            bad("house_number", why)
    if values["email"] and not _EMAIL_RE.match(values["email"]):
        bad("email", f"'{values['email']}' is not a valid e-mail address")
    lang = values["language"]
    values["language"] = _LANGUAGE_WORDS.get(lang.lower(), lang.lower()) if lang else languages[0]
    if values["language"] not in languages:
        bad("language", f"'{lang}' is not a language of this survey ({', '.join(languages)})")
    values["gender"] = _GENDER_WORDS.get(values["gender"].lower(), "")
    if not values["subgroup"]:
        values["subgroup"] = values["municipality"]
    if problems:
        return None, problems
    return AddressRecord(**values), problems


def check_rows(
    table: AddressTable,
    columns: Mapping[str, int],
    *,
    languages: Sequence[str] = ("nl", "en"),
    progress: ProgressFactory = NullProgressBar,
) -> list[AddressRecord]:
    """Check every row and return the people, in file order.

    Raises:
        AddressFileError: listing every problem of every row.
    """
    records: list[AddressRecord] = []
    problems: list[Problem] = []
    first_row: dict[str, int] = {}
    cn = columns["client_number"]
    with progress(total=len(table.rows), desc="checking addresses", unit="row") as bar:
        for rownum, cells in table.rows:
            record, row_problems = _check_row(table.name, rownum, cells, table, columns, languages)
            client = cells[cn] if cn < len(cells) else ""
            if client and client in first_row:
                row_problems.append(
                    Problem(
                        table.name,
                        rownum,
                        table.headings[cn],
                        f"client number '{client}' also appears on row {first_row[client]}",
                    )
                )
            elif client:
                first_row[client] = rownum
            problems += row_problems
            if record is not None and not row_problems:
                records.append(record)
            bar.update()
    if problems:
        n = len(problems)
        raise AddressFileError(
            f"{table.name}: {n} problem{'s' if n != 1 else ''} found; nothing was imported.",
            problems,
        )
    return records


def check_table(
    table: AddressTable,
    *,
    mapping: Mapping[str, str] | None = None,
    languages: Sequence[str] = ("nl", "en"),
    progress: ProgressFactory = NullProgressBar,
) -> list[AddressRecord]:
    """Check and normalise the cells of an address file: every person, in file order.

    The cells come from :func:`read_table` (a file on disk) or
    :func:`table_from_bytes` (a file decrypted in memory), so one check serves both.

    Raises:
        AddressFileError: listing every problem found; nothing was written.
    """
    columns = match_columns(table, mapping)
    return check_rows(table, columns, languages=languages, progress=progress)
