"""The rows of a LimeSurvey response export file, whole or not at all.

LimeSurvey writes its CSV export (``CsvWriter``) as: a UTF-8 byte order mark,
the headings, then one record per response, every field in double quotes
(``"`` doubled inside), NULL as an empty unquoted field, line breaks inside a
field as ``\\n``, each record ended by ``\\r\\n``, and one blank line at the
very end. The separator is the one chosen on the export page (``,`` or ``;``).
The JSON export (``JsonWriter``, also what RemoteControl's ``export_responses``
returns, base64-decoded) is ``{"responses": [{heading: value, ...}, ...]}``;
older versions wrap each record as ``{"<id>": {...}}``.

A file cut short (a download broken off, a copy interrupted) is refused here,
with the row where it breaks, before anything is mapped or stored: an
unterminated quoted field, a record with fewer (or more) fields than the
headings, or a last record without its line end. A re-saved file that lost
LimeSurvey's final blank line still passes as long as its last record ends.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass

from survey.csvtext import sniff_delimiter
from survey.errors import CorruptInputError

_FIX = "Export the responses again from LimeSurvey and import the new file; nothing was imported."


@dataclass(frozen=True)
class ExportRows:
    """A response export as rows of text.

    Attributes:
        format: ``csv`` or ``json``.
        delimiter: the CSV separator (``""`` for JSON).
        headings: the headings, as written.
        rows: ``(row number, cells)`` per response; the row number is the
            record's number as a spreadsheet shows it (headings = 1) for CSV,
            and the record's position + 1 for JSON. ``None`` is JSON's null.
    """

    format: str
    delimiter: str
    headings: tuple[str, ...]
    rows: tuple[tuple[int, tuple[str | None, ...]], ...]


def decode(name: str, data: bytes) -> str:
    """The file's text: UTF-8 (with or without BOM), else Windows-1252 (a re-saved Excel file)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _csv_rows(name: str, text: str) -> ExportRows:
    delimiter = sniff_delimiter(text, (";", ",", "\t"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    try:
        for cells in reader:
            records.append(cells)
    except csv.Error as exc:
        raise CorruptInputError(
            f"{name} is cut off in row {len(records) + 1}: a quoted text there never ends "
            f"({exc}). The file is incomplete. {_FIX}"
        ) from exc
    while records and not any(c.strip() for c in records[-1]):
        records.pop()  # LimeSurvey's closing blank line
    if not records:
        raise CorruptInputError(f"{name} is empty. {_FIX}")
    headings = tuple(h.strip() for h in records[0])
    rows = []
    for number, cells in enumerate(records[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(headings):
            few = "fewer" if len(cells) < len(headings) else "more"
            raise CorruptInputError(
                f"{name}, row {number}: {len(cells)} fields, {few} than the {len(headings)} "
                f"headings. The file is damaged or incomplete. {_FIX}"
            )
        rows.append((number, tuple(cells)))
    if rows and not text.rstrip(" ").endswith(("\n", "\r")):
        raise CorruptInputError(
            f"{name}, row {rows[-1][0]}: the last row has no line end, so it may be cut off. "
            f"The file is incomplete. {_FIX}"
        )
    return ExportRows("csv", delimiter, headings, tuple(rows))


def _record(item: object) -> dict[str, object] | None:
    if not isinstance(item, dict):
        return None
    if len(item) == 1:
        (inner,) = item.values()
        if isinstance(inner, dict):  # {"<response id>": {...}}
            return inner
    return item


def _json_rows(name: str, text: str) -> ExportRows:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CorruptInputError(
            f"{name} is not complete JSON (it breaks at line {exc.lineno}, column {exc.colno}): "
            f"the file is cut off or damaged. {_FIX}"
        ) from exc
    items = document.get("responses") if isinstance(document, dict) else None
    if isinstance(document, dict) and "status" in document and items is None:
        raise CorruptInputError(
            f"{name} holds no responses: LimeSurvey said {document['status']!r}."
        )
    if not isinstance(items, list):
        raise CorruptInputError(
            f'{name} is JSON but not a LimeSurvey response export ({{"responses": [...]}}). {_FIX}'
        )
    headings: list[str] = []
    records: list[dict[str, object]] = []
    for i, item in enumerate(items, start=2):
        record = _record(item)
        if record is None:
            raise CorruptInputError(f"{name}, response {i - 1} is not a record of fields. {_FIX}")
        records.append(record)
        headings.extend(h for h in record if h not in headings)
    rows = tuple(
        (i, tuple(_cell(r.get(h)) for h in headings)) for i, r in enumerate(records, start=2)
    )
    return ExportRows("json", "", tuple(h.strip() for h in headings), rows)


def _cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "Y" if value else ""
    return str(value)


def read_rows(name: str, data: bytes) -> ExportRows:
    """The headings and rows of a CSV or JSON response export.

    Raises:
        CorruptInputError: not a CSV or JSON text file, empty, or cut off (naming the row).
    """
    if data[:4] == b"PK\x03\x04" or b"\x00" in data[:4096]:
        raise CorruptInputError(
            f"{name} is not a CSV or JSON file. In LimeSurvey choose Responses > Export > "
            "CSV (or JSON), with 'Question code' headings and 'Answer codes'."
        )
    text = decode(name, data)
    if text.lstrip()[:1] in ("{", "["):
        return _json_rows(name, text)
    return _csv_rows(name, text)


def headings_of(rows: ExportRows) -> Sequence[str]:
    return rows.headings
