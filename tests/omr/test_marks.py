"""omr.marks: finding the ArUco registration marks of real questionnaire pages."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from omr.marks import find_marks
from survey.formmap import FormMap
from survey.units import POINTS_PER_INCH, rects_to_page


def _mark_px(form_map: FormMap, dpi: float) -> dict[int, np.ndarray]:
    marks = form_map.pages[0].marks
    rects = rects_to_page(np.array([m.rect.as_tuple() for m in marks]), form_map.page_height)
    return {m.aruco_id: rects[i] * dpi / POINTS_PER_INCH for i, m in enumerate(marks)}


@pytest.mark.parametrize("dpi", [150, 300])
def test_all_four_marks_found_at_their_corners(
    page_image: Callable[..., np.ndarray], form_map: FormMap, dpi: float
) -> None:
    found = find_marks(page_image(2, dpi), dpi=dpi)
    assert found.ids.tolist() == [0, 1, 2, 3]
    assert not found.full_search
    expected = _mark_px(form_map, dpi)
    for i, corners in zip(found.ids, found.corners, strict=True):
        left, top, right, bottom = expected[int(i)]
        # Marker order: top-left, top-right, bottom-right, bottom-left as printed.
        want = np.array([[left, top], [right, top], [right, bottom], [left, bottom]])
        assert np.abs(corners - want).max() < 1.5 * dpi / 150


def test_rotated_page_gives_the_same_ids_elsewhere(page_image: Callable[..., np.ndarray]) -> None:
    image = np.ascontiguousarray(np.rot90(page_image(1)))
    found = find_marks(image, dpi=300)
    assert found.ids.tolist() == [0, 1, 2, 3]
    # Turned a quarter counter-clockwise: the top-left mark (id 0) is now bottom-left.
    tl = found.corners[0].mean(axis=0)
    assert tl[0] < image.shape[1] / 2 < tl[1]


def test_a_covered_mark_is_missing_and_others_are_still_found(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    image = page_image(3)
    left, top, right, bottom = _mark_px(form_map, 300)[2].astype(int)
    image[top - 5 : bottom + 5, left - 5 : right + 5] = 255
    found = find_marks(image, dpi=300)
    assert found.ids.tolist() == [0, 1, 3]


def test_a_page_without_marks_finds_none() -> None:
    rng = np.random.default_rng(3)
    page = np.clip(rng.normal(240, 5, (1754, 1240)), 0, 255).astype(np.uint8)
    page[200:1500:50, 100:1100] = 30  # ruled lines, no markers
    found = find_marks(page, dpi=150)
    assert len(found) == 0
    assert found.full_search
