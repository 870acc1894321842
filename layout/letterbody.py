"""Setting the body of a letter: paragraphs and bullet lists into lines, lines onto pages.

The body is set at the largest of :data:`SIZES` at which it fits on the first
page; if it does not fit even at the smallest, it runs on to a second page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from layout import fonts
from layout.templates import Paragraph
from survey.units import mm

SIZES = (10.5, 10.0, 9.5)
LEADING = 1.38
PARAGRAPH_GAP = 0.75  # em of white between paragraphs
BULLET_INDENT = mm(5)
BULLET_GAP = mm(0.8)
BULLET = "\u2022"


@dataclass(frozen=True)
class Line:
    """One line of the body: where it starts, its text and the white above it."""

    x: float
    text: str
    font: str
    size: float
    space_before: float = 0.0
    bullet: bool = False
    image: str = ""  # a signature image path: the "line" is the image
    height: float = 0.0  # for images


def set_lines(
    paragraphs: Sequence[Paragraph],
    width: float,
    size: float,
    *,
    signature: str = "",
    signature_before: int = -1,
    signature_height: float = mm(14),
) -> list[Line]:
    """The body as lines at ``size`` points, ``width`` wide.

    Args:
        paragraphs: the merged paragraphs.
        width: the text width.
        size: the type size.
        signature: a signature image to place before paragraph ``signature_before``.
        signature_before: index of the paragraph with the signatory's name, or -1.
        signature_height: height of the signature image.
    """
    lines: list[Line] = []
    gap = PARAGRAPH_GAP * size
    for i, p in enumerate(paragraphs):
        first_gap = gap if lines else 0.0
        if i == signature_before and signature:
            lines.append(
                Line(
                    0.0,
                    "",
                    fonts.REGULAR,
                    size,
                    first_gap,
                    image=signature,
                    height=signature_height,
                )
            )
            first_gap = 0.0
        if p.kind == "bullets":
            for j, item in enumerate(p.lines):
                wrapped = fonts.wrap(item, fonts.REGULAR, size, width - BULLET_INDENT)
                for k, t in enumerate(wrapped):
                    before = (first_gap if j == 0 else BULLET_GAP) if k == 0 else 0.0
                    lines.append(Line(BULLET_INDENT, t, fonts.REGULAR, size, before, bullet=k == 0))
            continue
        k = 0
        for hard_line in p.lines:
            for t in fonts.wrap(hard_line, fonts.REGULAR, size, width):
                lines.append(Line(0.0, t, fonts.REGULAR, size, first_gap if k == 0 else 0.0))
                k += 1
    return lines


def line_height(line: Line) -> float:
    return line.space_before + (line.height if line.image else line.size * LEADING)


def total_height(lines: Sequence[Line]) -> float:
    return sum(line_height(x) for x in lines)


def fit(paragraphs: Sequence[Paragraph], width: float, room: float, **signature: Any) -> list[Line]:
    """The lines at the largest size that fits in ``room``; else at the middle size."""
    for size in SIZES:
        lines = set_lines(paragraphs, width, size, **signature)
        if total_height(lines) <= room:
            return lines
    return set_lines(paragraphs, width, SIZES[1], **signature)


def draw(canvas: Any, lines: Sequence[Line], x: float, top: float, bottom: float) -> int:
    """Draw lines from ``top`` down to no lower than ``bottom``.

    Returns:
        How many lines were drawn (the rest go on the next page).
    """
    y = top
    for n, line in enumerate(lines):
        h = line_height(line)
        if y - h < bottom and n > 0:
            return n
        y -= line.space_before
        if line.image:
            canvas.drawImage(
                line.image,
                x,
                y - line.height,
                width=mm(50),
                height=line.height,
                preserveAspectRatio=True,
                anchor="sw",
                mask="auto",
            )
            y -= line.height
            continue
        baseline = y - line.size * 1.0
        canvas.setFont(line.font, line.size)
        if line.bullet:
            canvas.drawString(x + line.x - mm(3.8), baseline, BULLET)
        canvas.drawString(x + line.x, baseline, line.text)
        y -= line.size * LEADING
    return len(lines)
