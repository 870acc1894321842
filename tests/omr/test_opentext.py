"""omr.opentext: writing in open-text areas, printed lines excluded."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from omr.opentext import read_text_areas
from papersurvey.simulate.pens import Canvas, Pen, draw_writing
from survey.formmap import FormMap
from survey.units import rects_to_page

PAGE = 7


def _areas(form_map: FormMap) -> list[tuple[str, tuple[float, float, float, float]]]:
    page = form_map.page(PAGE)
    rects = rects_to_page(
        np.array([t.rect.as_tuple() for t in page.text_areas]), form_map.page_height
    )
    return [
        (t.question, tuple(float(v) for v in r))
        for t, r in zip(page.text_areas, rects, strict=True)
    ]  # type: ignore[misc]


def test_written_and_empty_areas(page_image: Callable[..., np.ndarray], form_map: FormMap) -> None:
    image = page_image(PAGE)
    areas = _areas(form_map)
    empty = read_text_areas(image, np.diag([300 / 72, 300 / 72, 1.0]), areas, black=0.0)
    assert [t.has_writing for t in empty] == [False, False]
    assert max(t.ink for t in empty) < 0.001
    left, top, right, bottom = (np.array(areas[1][1]) * 300 / 72).tolist()
    draw_writing(
        Canvas(image, 300),
        (left, top, right, bottom),
        Pen("ballpoint", 70, 0.35),
        np.random.default_rng(4),
        lines=2,
    )
    written = read_text_areas(image, np.diag([300 / 72, 300 / 72, 1.0]), areas, black=0.0)
    assert [t.has_writing for t in written] == [False, True]
    assert written[1].question == "q58_improve_point_explain"
    x0, _y0, _x1, y1 = written[1].rect_image
    assert abs(x0 - left) <= 2 and abs(y1 - bottom) <= 2


def test_an_injected_ocr_engine_gives_a_draft(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    image = page_image(PAGE)
    areas = _areas(form_map)[:1]
    left, top, right, bottom = (np.array(areas[0][1]) * 300 / 72).tolist()
    draw_writing(
        Canvas(image, 300),
        (left, top, right, bottom),
        Pen("gel", 40, 0.5),
        np.random.default_rng(5),
        lines=1,
    )
    seen: list[tuple[int, ...]] = []

    def ocr(crop: np.ndarray) -> str:
        seen.append(crop.shape)
        return "Ik word goed geholpen."

    result = read_text_areas(image, np.diag([300 / 72, 300 / 72, 1.0]), areas, black=0.0, ocr=ocr)
    assert result[0].draft == "Ik word goed geholpen."
    assert len(seen) == 1
