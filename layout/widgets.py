"""Answer widgets: lists of checkboxes in four arrangements, and writing areas.

Every function lays out in a local frame (origin top-left, y up, see
:mod:`layout.ops`) and returns ``(ops, height)``. The arrangements:

* ``vertical``: one answer per row, the label right of its box; long labels wrap.
* ``columns``: the vertical list in two or three columns (read top to bottom).
* ``inline``: all answers on one line (``[ ] Ja   [ ] Nee``).
* ``scale``: equal cells with the label above each box (grades 1-10, scales).

Routing instructions ("Ga door naar vraag 23") are printed right after the
answer that triggers them. The ``or_other`` option ("Anders, namelijk:") is a
row of its own under the others (:func:`other_row`): its box and label, then a
writing line to the right edge, which the form map records as the writing
area of the ``<name>_other`` text. Spacing keeps the agreed minimums: 3 mm of white
between boxes, 1.5 mm between a box and text.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from layout import fonts
from layout.ops import BoxOp, Op, TextOp, WritingAreaOp, move
from layout.styles import Color, Style
from survey.formmap import Rect
from survey.units import mm

ASCENT = 0.78  # first baseline below the top of a text block, in em
DESCENT = 0.24  # below the last baseline, in em
BOX_TEXT_CENTER = 0.36  # a box is centred on the middle of capitals, in em above the baseline
INLINE_SPACING = mm(7)
COLUMN_GAP = mm(6)
SCALE_MAX_CELL = mm(30)
SCALE_NUMERIC_CELL = mm(12)


@dataclass(frozen=True)
class Answer:
    """One answer option as the widgets see it: its code, label and routing instruction."""

    choice: str
    label: str
    skip: str = ""


def text_height(lines: int, size: float, style: Style) -> float:
    """Height of a block of ``lines`` lines of text of ``size`` points."""
    return (ASCENT + DESCENT) * size + max(lines - 1, 0) * style.line_height(size)


def paragraph(
    text: str,
    font: str,
    size: float,
    width: float,
    style: Style,
    *,
    x: float = 0.0,
    top: float = 0.0,
    color: Color | None = None,
) -> tuple[list[Op], float]:
    """Wrapped text with its top at ``top``; returns the ops and the height used."""
    lines = fonts.wrap(text, font, size, width)
    ink = color if color is not None else style.ink
    lead = style.line_height(size)
    base = top - ASCENT * size
    ops: list[Op] = [
        TextOp(x, base - i * lead, line, font, size, ink) for i, line in enumerate(lines)
    ]
    return ops, text_height(len(lines), size, style)


def paragraph_below(
    ops: Sequence[Op],
    height: float,
    gap: float,
    text: str,
    font: str,
    size: float,
    width: float,
    style: Style,
    *,
    x: float = 0.0,
    color: Color | None = None,
) -> tuple[list[Op], float]:
    """``ops`` of ``height`` with a paragraph ``gap`` under them: the ops and the new height.

    Hints, routing instructions and subtitles hang under what they belong to
    this way, so the height always grows by the gap and the paragraph.
    """
    more, h = paragraph(text, font, size, width, style, x=x, top=-(height + gap), color=color)
    return [*ops, *more], height + (gap + h)


def _labelled_box(
    answer: Answer, question: str, width: float, style: Style
) -> tuple[list[Op], float]:
    """A box with its label (and routing instruction) right of it, in ``width`` points."""
    size = style.label_size
    box = style.box_size
    label_x = box + style.box_text_gap
    label_w = max(width - label_x, box)
    lines = list(fonts.wrap(answer.label, fonts.REGULAR, size, label_w))
    first_base = -box / 2 - BOX_TEXT_CENTER * size
    lead = style.line_height(size)
    ops: list[Op] = [BoxOp(Rect(0.0, -box, box, 0.0), question, answer.choice)]
    ops += [
        TextOp(label_x, first_base - i * lead, t, fonts.REGULAR, size, style.ink)
        for i, t in enumerate(lines)
    ]
    n_lines = len(lines)
    if answer.skip:
        last_w = fonts.string_width(lines[-1], fonts.REGULAR, size)
        skip_w = fonts.string_width(answer.skip, fonts.BOLD, size)
        gap = mm(2.5)
        if label_x + last_w + gap + skip_w <= width:
            ops.append(
                TextOp(
                    label_x + last_w + gap,
                    first_base - (n_lines - 1) * lead,
                    answer.skip,
                    fonts.BOLD,
                    size,
                    style.accent,
                )
            )
        else:
            skip_lines = fonts.wrap(answer.skip, fonts.BOLD, size, label_w)
            for t in skip_lines:
                ops.append(
                    TextOp(label_x, first_base - n_lines * lead, t, fonts.BOLD, size, style.accent)
                )
                n_lines += 1
    text_bottom = first_base - (n_lines - 1) * lead - DESCENT * size
    return ops, max(box, -text_bottom)


def vertical(
    answers: Sequence[Answer], question: str, width: float, style: Style
) -> tuple[list[Op], float]:
    """One answer per row."""
    return columns(answers, question, width, style, 1)


def columns(
    answers: Sequence[Answer], question: str, width: float, style: Style, count: int
) -> tuple[list[Op], float]:
    """The answers in ``count`` columns, filled top to bottom; rows line up across columns."""
    rows = math.ceil(len(answers) / count)
    col_w = (width - (count - 1) * COLUMN_GAP) / count
    cells = [_labelled_box(a, question, col_w, style) for a in answers]
    row_heights = [
        max(cells[c * rows + r][1] for c in range(count) if c * rows + r < len(cells))
        for r in range(rows)
    ]
    row_tops = [0.0]
    for h in row_heights:
        row_tops.append(row_tops[-1] - h - style.row_gap)
    ops: list[Op] = []
    for i, (cell_ops, _) in enumerate(cells):  # in answer order: down each column
        c, r = divmod(i, rows)
        ops += move(cell_ops, c * (col_w + COLUMN_GAP), row_tops[r])
    top = row_tops[-1]
    return ops, -top - style.row_gap if rows else 0.0


def inline_width(answers: Sequence[Answer], style: Style) -> float:
    """Width of all answers on one line (see :func:`inline`)."""
    size = style.label_size
    total = 0.0
    for a in answers:
        total += (
            style.box_size + style.box_text_gap + fonts.string_width(a.label, fonts.REGULAR, size)
        )
        if a.skip:
            total += mm(2.5) + fonts.string_width(a.skip, fonts.BOLD, size)
    return total + INLINE_SPACING * (len(answers) - 1)


def inline(answers: Sequence[Answer], question: str, style: Style) -> tuple[list[Op], float]:
    """All answers on one line; the caller checks :func:`inline_width` first."""
    ops: list[Op] = []
    x = 0.0
    height = 0.0
    for a in answers:
        w = (
            style.box_size
            + style.box_text_gap
            + fonts.string_width(a.label, fonts.REGULAR, style.label_size)
            + (
                mm(2.5) + fonts.string_width(a.skip, fonts.BOLD, style.label_size)
                if a.skip
                else 0.0
            )
        )
        cell, h = _labelled_box(a, question, w + 1.0, style)
        ops += move(cell, x, 0.0)
        height = max(height, h)
        x += w + INLINE_SPACING
    return ops, height


def scale_cell_width(answers: Sequence[Answer], width: float) -> float:
    """Cell width for :func:`scale`: compact for numbers, else an equal share of ``width``."""
    if all(a.label.strip().isdigit() for a in answers):
        return min(SCALE_NUMERIC_CELL, width / len(answers))
    return min(SCALE_MAX_CELL, width / len(answers))


def scale(
    answers: Sequence[Answer], question: str, width: float, style: Style
) -> tuple[list[Op], float]:
    """Equal cells, each with its label centred above its box; routing listed below."""
    cell = scale_cell_width(answers, width)
    numeric = all(a.label.strip().isdigit() for a in answers)
    size = style.label_size if numeric else style.small_size
    lead = style.line_height(size)
    wrapped = [fonts.wrap(a.label, fonts.REGULAR, size, cell - mm(1.5)) for a in answers]
    n_lines = max(len(w) for w in wrapped)
    label_h = text_height(n_lines, size, style)
    box_top = -(label_h + mm(1.8))
    ops: list[Op] = []
    for i, (a, lines) in enumerate(zip(answers, wrapped, strict=True)):
        cx = i * cell + cell / 2
        # Bottom-align the labels so every label ends just above its box.
        last_base = box_top + mm(1.8) + DESCENT * size
        for j, t in enumerate(lines):
            y = last_base + (len(lines) - 1 - j) * lead
            ops.append(TextOp(cx, y, t, fonts.REGULAR, size, style.ink, anchor="middle"))
        b = style.box_size
        ops.append(BoxOp(Rect(cx - b / 2, box_top - b, cx + b / 2, box_top), question, a.choice))
    height = -box_top + style.box_size
    for a in answers:
        if a.skip:
            ops, height = paragraph_below(
                ops,
                height,
                mm(2),
                a.skip,
                fonts.BOLD,
                style.label_size,
                width,
                style,
                color=style.accent,
            )
    return ops, height


OTHER_MIN_LINE = mm(40)
"""The shortest writing line right of "Anders, namelijk:"; shorter, and it goes below."""


def other_row(
    answer: Answer, question: str, other_question: str, width: float, style: Style
) -> tuple[list[Op], float]:
    """The "Anders, namelijk:" option: box, label and a one-line writing area after it.

    The area holds nothing printed but its line (the label is left of it), so
    writing in it is told from print as in any open question. When the label
    leaves less than :data:`OTHER_MIN_LINE`, the line goes under the label.
    """
    size = style.label_size
    box = style.box_size
    pitch = style.writing_line_pitch
    area_h = pitch + mm(1.5)
    label_x = box + style.box_text_gap
    label_w = fonts.string_width(answer.label, fonts.REGULAR, size)
    line_x = label_x + label_w + mm(3)
    below = width - line_x < OTHER_MIN_LINE
    base = -pitch  # the label stands on the writing line
    if below:
        base = -box / 2 - BOX_TEXT_CENTER * size
    box_top = base + BOX_TEXT_CENTER * size + box / 2
    ops: list[Op] = [
        BoxOp(Rect(0.0, box_top - box, box, box_top), question, answer.choice),
        TextOp(label_x, base, answer.label, fonts.REGULAR, size, style.ink),
    ]
    if below:
        top = base - DESCENT * size - mm(1)
        ops.append(
            WritingAreaOp(Rect(label_x, top - area_h, width, top), other_question, "lines", pitch)
        )
        height = -(top - area_h)
    else:
        ops.append(WritingAreaOp(Rect(line_x, -area_h, width, 0.0), other_question, "lines", pitch))
        height = area_h
    if answer.skip:
        ops, height = paragraph_below(
            ops,
            height,
            mm(1),
            answer.skip,
            fonts.BOLD,
            size,
            width - label_x,
            style,
            x=label_x,
            color=style.accent,
        )
    return ops, height


def writing_lines(question: str, lines: int, width: float, style: Style) -> tuple[list[Op], float]:
    """A ruled writing area of ``lines`` lines; the form-map rectangle covers all of it."""
    pitch = style.writing_line_pitch
    height = lines * pitch + mm(1.5)
    return [WritingAreaOp(Rect(0.0, -height, width, 0.0), question, "lines", pitch)], height


def number_comb(question: str, digits: int, style: Style) -> tuple[list[Op], float]:
    """A framed box with ``digits`` cells for writing a number."""
    cell = mm(7)
    height = mm(9)
    return [
        WritingAreaOp(Rect(0.0, -height, digits * cell, 0.0), question, "comb", cells=digits)
    ], height
