"""Checking laid-out pages for overlaps and overflow, from their display lists."""

from __future__ import annotations

from collections.abc import Sequence

from layout import fonts
from layout.ops import BoxOp, Op, TextOp, WritingAreaOp
from layout.styles import Style
from survey.formmap import Rect
from survey.units import mm


def text_rect(op: TextOp) -> Rect:
    """The ink box of a line of text (ascent to descent, advance width)."""
    w = fonts.string_width(op.text, op.font, op.size)
    up, down = fonts.ascent(op.font, op.size) * 0.95, fonts.descent(op.font, op.size) * 0.8
    x0 = op.x - (w if op.anchor == "end" else w / 2 if op.anchor == "middle" else 0.0)
    if op.angle == 90.0:
        return Rect(op.x - up, op.y, op.x + down, op.y + w)
    return Rect(x0, op.y - down, x0 + w, op.y + up)


def grow(r: Rect, d: float) -> Rect:
    return Rect(r.x0 - d, r.y0 - d, r.x1 + d, r.y1 + d)


def inside(r: Rect, outer: Rect, slack: float = 0.5) -> bool:
    return (
        r.x0 >= outer.x0 - slack
        and r.x1 <= outer.x1 + slack
        and r.y0 >= outer.y0 - slack
        and r.y1 <= outer.y1 + slack
    )


def problems(ops: Sequence[Op], style: Style, frame: Rect | None = None) -> list[str]:
    """Text overlapping text, text closer than 1.5 mm to a box, anything outside ``frame``."""
    texts = [(op, text_rect(op)) for op in ops if isinstance(op, TextOp) and op.text.strip()]
    boxes = [op.rect for op in ops if isinstance(op, BoxOp)]
    areas = [op.rect for op in ops if isinstance(op, WritingAreaOp)]
    out: list[str] = []
    for i, (a, ra) in enumerate(texts):
        for b, rb in texts[i + 1 :]:
            if ra.overlaps(rb):
                out.append(f"text {a.text!r} overlaps {b.text!r}")
        for box in boxes:
            if ra.overlaps(grow(box, mm(1.5) - 0.3)):
                out.append(f"text {a.text!r} is within 1.5 mm of a box at {box}")
        for area in areas:
            if ra.overlaps(area):
                out.append(f"text {a.text!r} runs into a writing area")
        if frame is not None and not inside(ra, frame):
            out.append(f"text {a.text!r} leaves the frame: {ra}")
    for r in boxes + areas:
        if frame is not None and not inside(r, frame):
            out.append(f"box or area {r} leaves the frame")
    return out
