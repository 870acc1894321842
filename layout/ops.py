"""A display list: what a laid-out block draws, as plain data.

Widgets do not draw directly. They return a list of these small frozen
operations in a local frame (origin at the block's top-left corner, PDF
points, y up, so everything below the origin has a negative y). Pagination
moves them to their place on the page, the form map reads the checkboxes and
writing areas out of the same list, and :func:`draw` sends them to a reportlab
canvas. One list feeds both the PDF and the form map, so the two cannot
disagree about where a box is.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from layout.styles import BLACK, WHITE, Color, Style
from survey.formmap import Rect


def moved_rect(r: Rect, dx: float, dy: float) -> Rect:
    return Rect(r.x0 + dx, r.y0 + dy, r.x1 + dx, r.y1 + dy)


@dataclass(frozen=True)
class TextOp:
    """One line of text. ``anchor`` is ``start``, ``middle`` or ``end``; ``angle`` in degrees."""

    x: float
    y: float
    text: str
    font: str
    size: float
    color: Color = BLACK
    anchor: str = "start"
    angle: float = 0.0

    def moved(self, dx: float, dy: float) -> TextOp:
        return TextOp(
            self.x + dx,
            self.y + dy,
            self.text,
            self.font,
            self.size,
            self.color,
            self.anchor,
            self.angle,
        )


@dataclass(frozen=True)
class RectOp:
    """A filled and/or stroked rectangle (panels, zebra stripes, example boxes)."""

    rect: Rect
    fill: Color | None = None
    stroke: Color | None = None
    line_width: float = 0.5

    def moved(self, dx: float, dy: float) -> RectOp:
        return RectOp(moved_rect(self.rect, dx, dy), self.fill, self.stroke, self.line_width)


@dataclass(frozen=True)
class LineOp:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float = 0.5
    color: Color = BLACK

    def moved(self, dx: float, dy: float) -> LineOp:
        return LineOp(
            self.x0 + dx, self.y0 + dy, self.x1 + dx, self.y1 + dy, self.width, self.color
        )


@dataclass(frozen=True)
class BoxOp:
    """A checkbox of the form map. ``rect`` is the outer edge of the printed outline."""

    rect: Rect
    question: str
    choice: str

    def moved(self, dx: float, dy: float) -> BoxOp:
        return BoxOp(moved_rect(self.rect, dx, dy), self.question, self.choice)


@dataclass(frozen=True)
class WritingAreaOp:
    """The writing area of an open question (form map ``TextArea``).

    ``kind`` is ``lines`` (ruled lines every ``pitch`` points, the first one
    ``pitch`` below the top) or ``comb`` (a framed box split into ``cells``
    digit cells, for numbers).
    """

    rect: Rect
    question: str
    kind: str = "lines"
    pitch: float = 0.0
    cells: int = 0

    def moved(self, dx: float, dy: float) -> WritingAreaOp:
        return WritingAreaOp(
            moved_rect(self.rect, dx, dy), self.question, self.kind, self.pitch, self.cells
        )


@dataclass(frozen=True)
class ImageOp:
    """A raster or vector image file (the municipality's logo) fitted into ``rect``."""

    path: str
    rect: Rect

    def moved(self, dx: float, dy: float) -> ImageOp:
        return ImageOp(self.path, moved_rect(self.rect, dx, dy))


Op = TextOp | RectOp | LineOp | BoxOp | WritingAreaOp | ImageOp


def move(ops: Iterable[Op], dx: float, dy: float) -> list[Op]:
    """The same operations, shifted by ``(dx, dy)`` points."""
    return [op.moved(dx, dy) for op in ops]


def boxes(ops: Iterable[Op]) -> list[BoxOp]:
    return [op for op in ops if isinstance(op, BoxOp)]


def writing_areas(ops: Iterable[Op]) -> list[WritingAreaOp]:
    return [op for op in ops if isinstance(op, WritingAreaOp)]


def draw(canvas: Any, ops: Iterable[Op], style: Style) -> None:
    """Draw ``ops`` on a reportlab canvas, in order."""
    for op in ops:
        if isinstance(op, TextOp):
            _draw_text(canvas, op)
        elif isinstance(op, BoxOp):
            _draw_box(canvas, op.rect, style)
        elif isinstance(op, RectOp):
            _draw_rect(canvas, op)
        elif isinstance(op, LineOp):
            canvas.setStrokeColorRGB(*op.color)
            canvas.setLineWidth(op.width)
            canvas.line(op.x0, op.y0, op.x1, op.y1)
        elif isinstance(op, WritingAreaOp):
            _draw_writing_area(canvas, op, style)
        elif isinstance(op, ImageOp):
            r = op.rect
            canvas.drawImage(
                op.path, r.x0, r.y0, r.width, r.height, preserveAspectRatio=True, mask="auto"
            )


def _draw_text(canvas: Any, op: TextOp) -> None:
    canvas.setFillColorRGB(*op.color)
    canvas.setFont(op.font, op.size)
    if op.angle:
        canvas.saveState()
        canvas.translate(op.x, op.y)
        canvas.rotate(op.angle)
        _string(canvas, 0.0, 0.0, op)
        canvas.restoreState()
    else:
        _string(canvas, op.x, op.y, op)


def _string(canvas: Any, x: float, y: float, op: TextOp) -> None:
    if op.anchor == "middle":
        canvas.drawCentredString(x, y, op.text)
    elif op.anchor == "end":
        canvas.drawRightString(x, y, op.text)
    else:
        canvas.drawString(x, y, op.text)


def _draw_box(canvas: Any, r: Rect, style: Style) -> None:
    half = style.box_line / 2
    canvas.setLineWidth(style.box_line)
    canvas.setStrokeColorRGB(*style.box_color)
    canvas.setFillColorRGB(*WHITE)
    canvas.rect(r.x0 + half, r.y0 + half, r.width - 2 * half, r.height - 2 * half, stroke=1, fill=1)


def _draw_rect(canvas: Any, op: RectOp) -> None:
    r = op.rect
    if op.fill is not None:
        canvas.setFillColorRGB(*op.fill)
    if op.stroke is not None:
        canvas.setStrokeColorRGB(*op.stroke)
        canvas.setLineWidth(op.line_width)
    canvas.rect(
        r.x0,
        r.y0,
        r.width,
        r.height,
        stroke=int(op.stroke is not None),
        fill=int(op.fill is not None),
    )


def _draw_writing_area(canvas: Any, op: WritingAreaOp, style: Style) -> None:
    r = op.rect
    if op.kind == "comb":
        canvas.setLineWidth(0.6)
        canvas.setStrokeColorRGB(*style.writing_line)
        canvas.setFillColorRGB(*WHITE)
        canvas.rect(r.x0, r.y0, r.width, r.height, stroke=1, fill=1)
        step = r.width / max(op.cells, 1)
        for i in range(1, op.cells):
            x = r.x0 + i * step
            canvas.line(x, r.y0, x, r.y0 + r.height * 0.35)
        return
    canvas.setLineWidth(0.5)
    canvas.setStrokeColorRGB(*style.writing_line)
    y = r.y1 - op.pitch
    while y >= r.y0 - 0.01:
        canvas.line(r.x0, y, r.x1, y)
        y -= op.pitch


@dataclass(frozen=True)
class Block:
    """A laid-out piece of the questionnaire that pagination never splits.

    Attributes:
        ops: what it draws, in its local frame (origin top-left, y up).
        height: how far it reaches down from its origin, in points.
        space_after: white below it before the next block.
        keep_with_next: start a new page rather than end a page with this block
            (section headings; a select question followed by its open follow-up).
        page_break_before: always start a new page (``paper::page_break``).
        name: the question or group it shows, for messages and tests.
        min_height: the smallest first piece when the block can be split (a grid
            cut between rows); equal to ``height`` when it cannot.
        split: for a splittable block, ``split(room)`` returns the piece that fits
            in ``room`` points and the rest, or ``None`` if no piece fits.
    """

    ops: tuple[Op, ...]
    height: float
    space_after: float = 0.0
    keep_with_next: bool = False
    page_break_before: bool = False
    name: str = ""
    min_height: float = -1.0
    split: Callable[[float], tuple[Block, Block] | None] | None = field(default=None, compare=False)

    @property
    def first_piece_height(self) -> float:
        return self.height if self.min_height < 0 else self.min_height

    def with_page_break(self) -> Block:
        """The same block, forced onto a new page."""
        return Block(
            self.ops,
            self.height,
            self.space_after,
            self.keep_with_next,
            True,
            self.name,
            self.min_height,
            self.split,
        )
