"""survey.formmap: how two form maps differ, in words for the operator."""

from __future__ import annotations

import dataclasses

from survey.formmap import (
    Box,
    FormMap,
    Mark,
    PageMap,
    QrArea,
    QuestionSpec,
    Rect,
    describe_difference,
)


def _map(*, boxes: tuple[Box, ...], pages: int = 1, version: str = "0123456789ab") -> FormMap:
    marks = (Mark("tl", 0, Rect(10, 800, 30, 820)),)
    qr = (QrArea("tr", Rect(500, 780, 560, 840), Rect(500, 770, 560, 778)),)
    page_maps = tuple(PageMap(n, marks, qr, boxes if n == 1 else ()) for n in range(1, pages + 1))
    return FormMap(
        form_id="t",
        version_hash=version,
        page_width=595.0,
        page_height=842.0,
        pages=page_maps,
        questions=(QuestionSpec("q1", "select_one", 1, ("1", "2")),),
    )


BOXES = (Box("q1", "1", Rect(100, 500, 110, 510)), Box("q1", "2", Rect(120, 500, 130, 510)))


def test_describe_difference() -> None:
    base = _map(boxes=BOXES, pages=2)
    text_only = dataclasses.replace(base, version_hash="ba9876543210")
    assert describe_difference(base, text_only) == (
        "questionnaire version 0123456789ab became ba9876543210; "
        "the boxes are where they were; only the questionnaire's content changed"
    )
    moved = _map(boxes=(BOXES[0], Box("q1", "2", Rect(120, 480, 130, 490))), pages=2)
    assert describe_difference(base, moved) == "1 of 2 checkboxes moved on page 1"
    shorter = _map(boxes=BOXES[:1], pages=1)
    assert describe_difference(base, shorter) == "2 pages became 1; 1 checkboxes removed"
