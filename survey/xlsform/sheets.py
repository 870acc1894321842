"""A sheet of the questionnaire workbook as a table: headings parsed, rows numbered.

The three sheets (``survey``, ``choices``, ``settings``) come from an ``.xlsx``
workbook or from CSV files (:mod:`survey.xlsform.files`); either way they
become a :class:`Sheet`. Headings are parsed once: ``label::Dutch (nl)``,
``Label::nl`` and ``label`` in a Dutch questionnaire all name the Dutch label.
Rows keep their spreadsheet row numbers, so every message can point at the
row the author sees.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from survey.model import Text
from survey.xlsform.cells import language_code

__all__ = ["ALIASES", "SHEET_ORDER", "TEXT_BASES", "Column", "Row", "Sheet"]

SHEET_ORDER = ("survey", "choices", "settings")
TEXT_BASES = frozenset({"label", "hint", "title", "constraint_message", "report_label"})
ALIASES = {"form_title": "title", "list name": "list_name"}


@dataclass(frozen=True)
class Column:
    """One column heading.

    Attributes:
        heading: the heading as written, used in messages.
        base: the normalised name: ``label``, ``type``, ``paper::lines``.
        language: the language of a text column (``label::en``), else ``""``.
    """

    heading: str
    base: str
    language: str = ""

    @classmethod
    def parse(cls, heading: str) -> Column:
        first, sep, rest = heading.strip().partition("::")
        first = first.strip().lower()
        first = ALIASES.get(first, first)
        if not sep:
            return cls(heading.strip(), first)
        if first in TEXT_BASES:
            return cls(heading.strip(), first, language_code(rest))
        return cls(heading.strip(), f"{first}::{rest.strip().lower()}")


@dataclass(frozen=True)
class Row:
    """One non-empty row below the heading.

    Attributes:
        number: the spreadsheet row number (the heading is row 1).
        cells: stripped cell texts by ``(base, language)``.
    """

    number: int
    cells: Mapping[tuple[str, str], str]

    def get(self, base: str) -> str:
        return self.cells.get((base, ""), "")

    def text(self, base: str, default_language: str) -> Text:
        """The text columns ``base`` and ``base::LANG``; a plain column is the default language."""
        values = {default_language: self.cells.get((base, ""), "")}
        for (b, language), value in self.cells.items():
            if b == base and language and value:
                values[language] = value
        return Text(tuple(sorted((k, v) for k, v in values.items() if v)), default_language)


@dataclass(frozen=True)
class Sheet:
    """A sheet (or CSV file) of the workbook, headings parsed.

    Attributes:
        name: ``survey``, ``choices`` or ``settings``.
        columns: the columns with a heading, first occurrence of each.
        duplicates: later columns whose heading repeats an earlier one.
        rows: the non-empty rows, in order.
    """

    name: str
    columns: tuple[Column, ...]
    duplicates: tuple[Column, ...]
    rows: tuple[Row, ...]

    @classmethod
    def from_cells(cls, name: str, header: Sequence[str], body: Iterable[Sequence[str]]) -> Sheet:
        """Build a sheet from cell texts; ``body`` starts at spreadsheet row 2."""
        columns: list[Column] = []
        duplicates: list[Column] = []
        index: list[tuple[int, tuple[str, str]]] = []
        seen: set[tuple[str, str]] = set()
        for i, heading in enumerate(header):
            if not heading.strip():
                continue
            column = Column.parse(heading)
            key = (column.base, column.language)
            if key in seen:
                duplicates.append(column)
                continue
            seen.add(key)
            columns.append(column)
            index.append((i, key))
        rows = []
        for number, cells in enumerate(body, start=2):
            values = {key: cells[i].strip() for i, key in index if i < len(cells)}
            if any(values.values()):
                rows.append(Row(number, values))
        return cls(name, tuple(columns), tuple(duplicates), tuple(rows))

    def has(self, base: str) -> bool:
        return any(c.base == base for c in self.columns)

    def heading(self, base: str, language: str = "") -> str:
        """The heading as written, falling back to ``base`` when the column is absent."""
        for c in self.columns:
            if c.base == base and c.language == language:
                return c.heading
        return f"{base}::{language}" if language else base

    def text_heading(self, base: str, language: str) -> str:
        """The heading of the column holding ``base`` texts in ``language``."""
        if any(c.base == base and c.language == language for c in self.columns):
            return self.heading(base, language)
        return self.heading(base) if self.has_plain(base) else f"{base}::{language}"

    def has_plain(self, base: str) -> bool:
        return any(c.base == base and not c.language for c in self.columns)

    def languages(self, base: str, default_language: str) -> set[str]:
        return {c.language or default_language for c in self.columns if c.base == base}
