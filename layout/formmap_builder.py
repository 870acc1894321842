"""Build the form map from the laid-out pages, and check its geometry.

The boxes and writing areas come out of the same display lists that are
drawn (see :mod:`layout.ops`), so the map and the print agree by
construction. :func:`geometry_problems` re-checks what omr/ relies on: boxes
of the agreed size, at least 3 mm apart, inside the page, out of the mark
windows; QR codes out of the mark windows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from layout import marks as page_marks
from layout.ops import Op, boxes, writing_areas
from layout.styles import Style
from survey.formmap import Box, FormMap, Mark, PageMap, QrArea, QuestionSpec, Rect, TextArea
from survey.model import Questionnaire
from survey.units import mm

DECIMALS = 3


def _rounded(r: Rect) -> Rect:
    return Rect(*(round(v, DECIMALS) for v in r.as_tuple()))


def build_form_map(
    questionnaire: Questionnaire,
    pages: Sequence[Sequence[Op]],
    numbers: Mapping[str, int],
    qr: page_marks.PageQr,
    style: Style,
    meta: dict[str, Any] | None = None,
) -> FormMap:
    """The form map of a questionnaire laid out as ``pages`` (one op list per page)."""
    page_maps: list[PageMap] = []
    where: dict[str, int] = {}
    for number, ops in enumerate(pages, start=1):
        page_boxes = tuple(Box(b.question, b.choice, _rounded(b.rect)) for b in boxes(ops))
        areas = tuple(TextArea(w.question, _rounded(w.rect)) for w in writing_areas(ops))
        for name in [b.question for b in page_boxes] + [a.question for a in areas]:
            where.setdefault(name, number)
        page_maps.append(
            PageMap(
                number=number,
                marks=tuple(
                    Mark(m.corner, m.aruco_id, _rounded(m.rect))
                    for m in page_marks.marks(style.page_width, style.page_height)
                ),
                qr_areas=tuple(
                    QrArea(a.corner, _rounded(a.rect), _rounded(a.text_rect)) for a in qr.areas()
                ),
                boxes=page_boxes,
                text_areas=areas,
            )
        )
    specs = tuple(
        QuestionSpec(
            name=q.name,
            type=q.type.value,
            page=where.get(q.name, 0),
            choices=q.choices.names() if q.is_select and q.choices else (),
            number=numbers[q.name],
        )
        for q in questionnaire.answerable()
    )
    return FormMap(
        form_id=questionnaire.form_id,
        version_hash=questionnaire.version_hash,
        page_width=style.page_width,
        page_height=style.page_height,
        pages=tuple(page_maps),
        questions=specs,
        meta=dict(meta or {}),
    )


def geometry_problems(form_map: FormMap, style: Style, tolerance: float = 0.05) -> list[str]:
    """Everything in ``form_map`` that breaks the agreed page geometry (empty = fine)."""
    problems: list[str] = []
    windows = page_marks.mark_windows(form_map.page_width, form_map.page_height)
    page_rect = Rect(0.0, 0.0, form_map.page_width, form_map.page_height)
    for page in form_map.pages:
        for area in page.qr_areas:
            if any(area.rect.overlaps(w) for w in windows):
                problems.append(f"page {page.number}: QR code {area.corner} enters a mark window")
        for b in page.boxes:
            where = f"page {page.number}: box {b.question}={b.choice}"
            if (
                abs(b.rect.width - style.box_size) > tolerance
                or abs(b.rect.height - style.box_size) > tolerance
            ):
                problems.append(f"{where} is not {style.box_size:.2f} pt square")
            if any(b.rect.overlaps(w) for w in windows):
                problems.append(f"{where} enters a mark window")
            if not _inside(b.rect, page_rect):
                problems.append(f"{where} is off the page")
        problems += _too_close(page, style.box_gap - tolerance)
    asked = {q.name for q in form_map.questions}
    for q in form_map.questions:
        if q.page == 0:
            problems.append(f"question {q.name} has no box or writing area on any page")
    for page in form_map.pages:
        for b in page.boxes:
            if b.question not in asked:
                problems.append(f"page {page.number}: box of unknown question {b.question}")
    return problems


def _inside(r: Rect, outer: Rect) -> bool:
    return outer.x0 <= r.x0 and r.x1 <= outer.x1 and outer.y0 <= r.y0 and r.y1 <= outer.y1


def _too_close(page: PageMap, gap: float) -> list[str]:
    """Pairs of boxes with less than ``gap`` points of white between them (or overlapping)."""
    r = page.box_rects()
    if len(r) < 2:
        return []
    # White between two rectangles along x and y (negative when they overlap on that axis).
    dx = np.maximum(r[None, :, 0] - r[:, None, 2], r[:, None, 0] - r[None, :, 2])
    dy = np.maximum(r[None, :, 1] - r[:, None, 3], r[:, None, 1] - r[None, :, 3])
    separation = np.maximum(dx, dy)
    np.fill_diagonal(separation, np.inf)
    out = []
    for i, j in zip(*np.nonzero(separation < gap), strict=True):
        if i < j:
            a, b = page.boxes[i], page.boxes[j]
            out.append(
                f"page {page.number}: boxes {a.question}={a.choice} and {b.question}={b.choice} "
                f"are {separation[i, j] / mm(1):.1f} mm apart (need {gap / mm(1):.1f} mm)"
            )
    return out
