"""The report as plain data: chapters of paragraphs, figures and tables.

:mod:`analysis.chapters` builds a :class:`Document` from the results; the
renderers (:mod:`analysis.render_pdf`, :mod:`analysis.render_html`) turn the
same document into PDF and HTML, so both always hold the same content.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Heading:
    """A section heading inside a chapter."""

    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class FigureBlock:
    """A chart.

    Attributes:
        number: the figure number, from 1, through the whole report.
        caption: the title after "Figuur N".
        image: the PNG file.
        notes: footnotes under the chart.
        width_fraction: the share of the text width the image takes.
    """

    number: int
    caption: str
    image: Path
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableBlock:
    """A table. The first column holds labels; the others are right-aligned figures.

    Attributes:
        number: the table number, from 1, through the whole report.
        caption: the title after "Tabel N".
        header: the column headings.
        rows: the cells, as text.
        notes: footnotes under the table (suppression, significance, margins).
        bold_rows: indexes of rows to set in bold (totals).
    """

    number: int
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()
    bold_rows: tuple[int, ...] = ()


@dataclass(frozen=True)
class QuoteBlock:
    """Quotes from open answers, set off from the text (an indented quotation each).

    Attributes:
        items: the quotes, with their quotation marks, as the analyst chose
            and anonymised them (:mod:`analysis.quotes`).
    """

    items: tuple[str, ...]


Block = Paragraph | Heading | Bullets | FigureBlock | TableBlock | QuoteBlock


@dataclass(frozen=True)
class Chapter:
    """A chapter; ``number`` is ``"1"``, ``"2"``... or ``"A"``, ``"B"``... for appendices, ``""`` for none."""

    title: str
    blocks: tuple[Block, ...]
    number: str = ""
    appendix: bool = False

    @property
    def heading(self) -> str:
        return f"{self.number}. {self.title}" if self.number else self.title


@dataclass(frozen=True)
class Document:
    """The whole report.

    Attributes:
        title: the survey's title.
        subtitle: municipality and round.
        date: the fieldwork period (or the day of making) printed on the cover.
        language: ``nl`` or ``en``.
        chapters: in order; appendices last.
        labels: fixed words the renderers need (``contents``, ``page``, ``of``...).
        notice: a warning for the cover ("Voorlopig: ... twijfelgevallen open"), or ``""``.
    """

    title: str
    subtitle: str
    date: str
    language: str
    chapters: tuple[Chapter, ...]
    labels: dict[str, str] = field(default_factory=dict)
    notice: str = ""

    def figures(self) -> list[FigureBlock]:
        return [b for c in self.chapters for b in c.blocks if isinstance(b, FigureBlock)]

    def tables(self) -> list[TableBlock]:
        return [b for c in self.chapters for b in c.blocks if isinstance(b, TableBlock)]

    def quotes(self) -> list[QuoteBlock]:
        return [b for c in self.chapters for b in c.blocks if isinstance(b, QuoteBlock)]

    def cells(self) -> list[str]:
        """Every table cell and figure-free text, for checks (suppression tests)."""
        out: list[str] = []
        for t in self.tables():
            out += [c for row in t.rows for c in row]
        return out
