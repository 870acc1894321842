"""Grids for ``table-list`` groups: statements as rows, one shared scale as columns.

The header row carries the scale labels. Labels are wrapped to the column
width; when a label still does not fit (a word wider than the column, or
more than :data:`MAX_HEADER_LINES` lines), all labels are rotated 90 degrees
instead, so columns stay narrow enough for long statements. Rows are shaded
alternately to guide the eye; the boxes themselves stay white inside.

A grid taller than a page is cut between rows into several blocks, each
repeating the header (a statement is a question, and no question is split).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from layout import fonts
from layout.ops import Block, BoxOp, Op, RectOp, TextOp
from layout.styles import Style
from layout.widgets import ASCENT, BOX_TEXT_CENTER, DESCENT, text_height
from survey.formmap import Rect
from survey.units import mm

MAX_HEADER_LINES = 4
MIN_STATEMENT_WIDTH = mm(62)
NUMERIC_COLUMN = mm(9.5)
MIN_TEXT_COLUMN = mm(13)
MAX_COLUMN = mm(19)
MIN_ROWS_PER_PIECE = 2
ROW_PAD = mm(1.9)  # above and below the tallest thing in a row (box gap = 2 * pad)
HEADER_GAP = mm(2.0)  # between the header labels and the first row
ROTATED_MAX = mm(32)  # longest rotated label before it wraps


@dataclass(frozen=True)
class Statement:
    """One row: the question name, its printed number and its text."""

    question: str
    number: int
    text: str


@dataclass(frozen=True)
class GridGeometry:
    """Column positions shared by every chunk of one grid."""

    statement_width: float
    column_width: float
    rotated: bool
    header_lines: tuple[tuple[str, ...], ...]
    header_height: float


def geometry(labels: Sequence[str], width: float, style: Style) -> GridGeometry:
    """Column widths and header lines for a scale with ``labels`` in ``width`` points."""
    n = len(labels)
    numeric = all(label.strip().isdigit() for label in labels)
    size = style.grid_header_size
    widest = max((width - MIN_STATEMENT_WIDTH) / n, style.box_size + style.box_gap)
    if numeric:
        column = min(NUMERIC_COLUMN, widest)
        numbers: tuple[tuple[str, ...], ...] = tuple((label.strip(),) for label in labels)
        return GridGeometry(width - n * column, column, False, numbers, text_height(1, size, style))
    # The narrowest column (at least MIN_TEXT_COLUMN) whose labels wrap between words
    # in at most MAX_HEADER_LINES lines; if none, rotate the labels.
    candidates = [
        MIN_TEXT_COLUMN + mm(k) for k in range(int((MAX_COLUMN - MIN_TEXT_COLUMN) / mm(1)) + 1)
    ]
    candidates = [c for c in candidates if c <= widest] or [widest]
    for column in candidates:
        wrapped = tuple(_wrap_words(label, size, column - mm(1.2)) for label in labels)
        if all(0 < len(w) <= MAX_HEADER_LINES for w in wrapped):
            height = text_height(max(len(w) for w in wrapped), size, style)
            return GridGeometry(width - n * column, column, False, wrapped, height)
    column = candidates[0]
    rotated = tuple(fonts.wrap(label, fonts.REGULAR, size, ROTATED_MAX) for label in labels)
    longest = max(fonts.widest(w, fonts.REGULAR, size) for w in rotated)
    return GridGeometry(width - n * column, column, True, rotated, longest)


def _wrap_words(label: str, size: float, width: float) -> tuple[str, ...]:
    """``label`` wrapped between words only; empty if a word is wider than ``width``."""
    if any(fonts.string_width(w, fonts.REGULAR, size) > width for w in label.split()):
        return ()
    return fonts.wrap(label, fonts.REGULAR, size, width)


def header_ops(geo: GridGeometry, style: Style) -> tuple[list[Op], float]:
    """The scale labels above the columns; returns ops and height (header + gap)."""
    size = style.grid_header_size
    lead = style.line_height(size)
    ops: list[Op] = []
    bottom = -geo.header_height
    for i, lines in enumerate(geo.header_lines):
        cx = geo.statement_width + (i + 0.5) * geo.column_width
        if geo.rotated:
            # Read bottom to top; lines side by side, centred on the column.
            first_x = cx + (len(lines) - 1) * lead / 2 + BOX_TEXT_CENTER * size
            for j, t in enumerate(lines):
                ops.append(
                    TextOp(
                        first_x - j * lead, bottom, t, fonts.REGULAR, size, style.ink, angle=90.0
                    )
                )
        else:
            last_base = bottom + DESCENT * size
            for j, t in enumerate(lines):
                y = last_base + (len(lines) - 1 - j) * lead
                ops.append(TextOp(cx, y, t, fonts.REGULAR, size, style.ink, anchor="middle"))
    return ops, geo.header_height + HEADER_GAP


def rows_ops(
    statements: Sequence[Statement],
    choices: Sequence[str],
    geo: GridGeometry,
    width: float,
    style: Style,
    *,
    top: float,
    first_index: int = 0,
) -> tuple[list[Op], float]:
    """The statement rows from ``top`` down; returns ops and the height used."""
    size = style.label_size
    lead = style.line_height(size)
    text_w = geo.statement_width - style.number_indent - mm(2)
    box = style.box_size
    shade: list[Op] = []
    ops: list[Op] = []
    y = top
    for k, st in enumerate(statements):
        lines = fonts.wrap(st.text, fonts.REGULAR, size, text_w)
        text_h = text_height(len(lines), size, style)
        row_h = max(box, text_h) + 2 * ROW_PAD
        if (first_index + k) % 2 == 0:
            shade.append(RectOp(Rect(0.0, y - row_h, width, y), fill=style.zebra))
        mid = y - row_h / 2
        base = mid + text_h / 2 - ASCENT * size
        ops.append(TextOp(0.0, base, f"{st.number}.", fonts.BOLD, size, style.ink))
        ops += [
            TextOp(style.number_indent, base - i * lead, t, fonts.REGULAR, size, style.ink)
            for i, t in enumerate(lines)
        ]
        for i, choice in enumerate(choices):
            cx = geo.statement_width + (i + 0.5) * geo.column_width
            ops.append(
                BoxOp(
                    Rect(cx - box / 2, mid - box / 2, cx + box / 2, mid + box / 2),
                    st.question,
                    choice,
                )
            )
        y -= row_h
    return shade + ops, top - y


def row_heights(statements: Sequence[Statement], geo: GridGeometry, style: Style) -> list[float]:
    """Height of each statement row (to plan where a long grid is cut)."""
    text_w = geo.statement_width - style.number_indent - mm(2)
    return [
        max(
            style.box_size,
            text_height(
                len(fonts.wrap(st.text, fonts.REGULAR, style.label_size, text_w)),
                style.label_size,
                style,
            ),
        )
        + 2 * ROW_PAD
        for st in statements
    ]


class GridLayout:
    """A grid ready for pagination: one block that splits between rows when it must.

    Args:
        name: the group name (for messages).
        statements: the rows.
        choices: the scale's choice names (the columns).
        labels: the scale's labels.
        width: the content width.
        style: the style.
        stem: ops and height of the grid's title and hint.
        continued: ops and height of the title repeated on a continuation page.
        notes: per row index, routing lines (ops and height) printed under the row's piece.
        space_after: white after the grid.
    """

    def __init__(
        self,
        name: str,
        statements: Sequence[Statement],
        choices: Sequence[str],
        labels: Sequence[str],
        width: float,
        style: Style,
        stem: tuple[list[Op], float],
        continued: tuple[list[Op], float],
        notes: dict[int, tuple[list[Op], float]],
        space_after: float,
    ) -> None:
        self.name = name
        self.statements = list(statements)
        self.choices = list(choices)
        self.width = width
        self.style = style
        self.stem = stem
        self.continued = continued
        self.notes = notes
        self.space_after = space_after
        self.geo = geometry(labels, width, style)
        self.header, self.header_h = header_ops(self.geo, style)
        self.heights = row_heights(self.statements, self.geo, style)

    def _piece_height(self, start: int, end: int) -> float:
        lead = self.stem[1] if start == 0 else self.continued[1]
        notes = sum(self.notes[i][1] for i in range(start, end) if i in self.notes)
        return lead + self.header_h + sum(self.heights[start:end]) + notes

    def _piece(self, start: int, end: int) -> tuple[list[Op], float]:
        lead_ops, lead_h = self.stem if start == 0 else self.continued
        rows, rows_h = rows_ops(
            self.statements[start:end],
            self.choices,
            self.geo,
            self.width,
            self.style,
            top=-(lead_h + self.header_h),
            first_index=start,
        )
        ops: list[Op] = [*lead_ops, *(op.moved(0.0, -lead_h) for op in self.header), *rows]
        height = lead_h + self.header_h + rows_h
        for i in range(start, end):
            if i in self.notes:
                note_ops, note_h = self.notes[i]
                ops += [op.moved(0.0, -height) for op in note_ops]
                height += note_h
        return ops, height

    def block(self, start: int = 0) -> Block:
        """The rows from ``start`` to the end as one block that can split further."""
        n = len(self.statements)
        ops, height = self._piece(start, n)
        splittable = n - start >= 2 * MIN_ROWS_PER_PIECE
        min_h = self._piece_height(start, start + MIN_ROWS_PER_PIECE) if splittable else height
        return Block(
            tuple(ops),
            height,
            self.space_after,
            name=self.name,
            min_height=min_h,
            split=(lambda room: self._split(start, room)) if splittable else None,
        )

    def _split(self, start: int, room: float) -> tuple[Block, Block] | None:
        """The longest first piece from ``start`` that fits ``room``, and the rest."""
        n = len(self.statements)
        best = 0
        for end in range(start + MIN_ROWS_PER_PIECE, n - MIN_ROWS_PER_PIECE + 1):
            if self._piece_height(start, end) <= room:
                best = end
        if not best:
            return None
        ops, height = self._piece(start, best)
        return Block(tuple(ops), height, 0.0, name=self.name), self.block(best)
