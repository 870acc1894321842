"""omr.checkboxes and omr.sampling: measuring every box of a real page at once."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from omr.checkboxes import BoxMeasures, measure_boxes
from omr.classify import DOUBT_BITS, classify
from omr.params import DEFAULT_PARAMS
from omr.sampling import grid_offsets, paper_levels, paper_plane, sample_patches, stroke_darkness
from papersurvey.simulate.pens import Pen
from survey.formmap import FormMap
from survey.pageresult import ReviewReason
from survey.units import rects_to_page

PAGE = 2  # the grid page: 7 + 5 rows of ten boxes on shaded rows


def _measure(
    image: np.ndarray, form_map: FormMap, h: np.ndarray | None = None, dpi: float = 300
) -> BoxMeasures:
    rects = rects_to_page(form_map.page(PAGE).box_rects(), form_map.page_height)
    return measure_boxes(
        image, np.diag([dpi / 72, dpi / 72, 1.0]) if h is None else h, rects, black=0.0
    )


def test_empty_boxes_have_no_ink_and_a_visible_outline(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    m = _measure(page_image(PAGE), form_map)
    assert len(m) == len(form_map.page(PAGE).boxes)
    assert m.ink.max() < 0.01 and m.coverage.max() < 0.02
    assert m.outline.min() > 0.2
    assert np.abs(m.shift).max() <= 0.6


@pytest.mark.parametrize(
    ("style", "low", "high"),
    [("cross", 0.05, 0.6), ("tick", 0.04, 0.5), ("dot", 0.015, 0.2), ("fill", 0.0, 0.3)],
)
def test_marks_show_ink_and_fills_show_coverage(
    page_image: Callable[..., np.ndarray],
    form_map: FormMap,
    mark: Callable[..., None],
    style: str,
    low: float,
    high: float,
) -> None:
    image = page_image(PAGE)
    mark(image, PAGE, 13, style)
    m = _measure(image, form_map)
    if style == "fill":
        assert m.coverage[13] > 0.9
    else:
        assert low < m.ink[13] < high
        assert m.coverage[13] < 0.75
        assert max(m.ink[13], m.core[13]) > 0.05
    others = np.delete(np.arange(len(m)), 13)
    assert m.ink[others].max() < 0.01


def test_refinement_finds_boxes_printed_off_position(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    # The registration is 1.8 pt off to the right and 1.2 pt down: the outlines say where the boxes are.
    k = 300 / 72
    h = np.array([[k, 0, -1.8 * k], [0, k, -1.2 * k], [0, 0, 1]])
    m = _measure(page_image(PAGE), form_map, h)
    assert np.median(m.shift[:, 0]) == pytest.approx(1.8, abs=0.61)
    assert np.median(m.shift[:, 1]) == pytest.approx(1.2, abs=0.61)
    assert m.ink.max() < 0.02


def test_boxes_outside_the_image_are_unreadable(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    image = page_image(PAGE)[:1500]  # the lower half of the page is missing
    m = _measure(image, form_map)
    rects = rects_to_page(form_map.page(PAGE).box_rects(), form_map.page_height) * 300 / 72
    outside = rects[:, 1] > 1500
    assert outside.any() and (m.outline[outside] < 0.05).all()
    assert (m.outline[~outside & (rects[:, 3] < 1450)] > 0.2).all()


def test_a_stray_line_through_a_box_is_followed_outside(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    from papersurvey.simulate.pens import Canvas

    image = page_image(PAGE)
    rects = rects_to_page(form_map.page(PAGE).box_rects(), form_map.page_height) * 300 / 72
    left, top, right, bottom = rects[25]
    start = np.array([left - 120.0, bottom + 60.0])
    end = np.array([right + 150.0, top - 75.0])
    Canvas(image, 300).strokes(
        [np.stack([start, end])], Pen("ballpoint", 50, 0.4), np.random.default_rng(0)
    )
    m = _measure(image, form_map)
    assert m.elongation[25] > 6
    assert m.reach[25].min() > 5


def test_a_bent_stroke_through_a_box_is_traced_beyond_it_and_a_cross_is_not(
    page_image: Callable[..., np.ndarray], form_map: FormMap, mark: Callable[..., None]
) -> None:
    from papersurvey.simulate.pens import Canvas

    image = page_image(PAGE)
    rects = rects_to_page(form_map.page(PAGE).box_rects(), form_map.page_height) * 300 / 72
    left, top, right, bottom = rects[25]
    x, y = (left + right) / 2, (top + bottom) / 2
    # Down from the row above, a kink inside the box, off to the lower left: no straight line.
    bent = np.array([[x + 20, top - 90], [x + 5, y - 5], [x - 8, y + 10], [x - 70, bottom + 80]])
    Canvas(image, 300).strokes([bent], Pen("gel", 60, 0.5), np.random.default_rng(1))
    mark(image, PAGE, 13, "overshoot")
    m = _measure(image, form_map)
    assert m.run_out[25] == DEFAULT_PARAMS.run_out_far_pt  # 19 pt out: traced to the limit
    assert m.run_out[13] < DEFAULT_PARAMS.run_out_pt  # a cross's arms end near the box
    untouched = np.setdiff1d(np.arange(len(m)), [13, 25, 15, 35, 24, 26])
    assert m.run_out[untouched].max() == 0.0
    classes = classify(m)
    assert classes.doubts[25] & DOUBT_BITS[ReviewReason.STRAY_LINE]
    assert not classes.doubts[13] & DOUBT_BITS[ReviewReason.STRAY_LINE]


def test_shading_and_stains_are_paper_not_ink() -> None:
    rng = np.random.default_rng(0)
    patches = np.full((3, 40, 40), 240, np.uint8)
    patches[0] = np.interp(np.arange(40), [0, 18, 22, 39], [240, 240, 200, 200])[
        None, :
    ]  # a shadow edge
    patches[1] = (240 - 40 * np.exp(-((np.arange(40) - 20) ** 2) / 60.0))[None, :].astype(
        np.uint8
    )  # a fold
    patches[2, 10:30, 19:22] = 40  # a real pen stroke
    patches = np.clip(patches + rng.normal(0, 2, patches.shape), 0, 255).astype(np.uint8)
    strokes = stroke_darkness(patches, 12, floor=20)
    # A broad shadow leaves at most a trace at its very edge, never stroke-like ink.
    assert strokes[0].mean() < 0.5 and strokes[0].max() < 15
    assert strokes[1].mean() < 0.5 and strokes[1].max() < 15
    assert strokes[2, 15, 20] > 150
    levels = paper_levels(patches, ring=(14, 18))
    assert levels.shape == (3, 4)
    assert (
        abs(levels[0, 2] - 240) < 6 and abs(levels[0, 3] - 200) < 6
    )  # left bright, right in shadow
    rows = np.tile(np.arange(40), (3, 1))
    plane = paper_plane(levels, rows, rows, 40, (14, 18))
    assert plane[0, 20, 2] > plane[0, 20, 37] + 15  # the paper level follows the shadow


def test_patches_follow_the_homography() -> None:
    image = np.full((400, 400), 255, np.uint8)
    image[190:210, 100:300] = 0  # a horizontal bar
    offsets = grid_offsets(10, 1.0)
    # Page rotated a quarter turn in the image: the bar must appear vertical in the patch.
    h = np.array([[0.0, 2.0, 0.0], [-2.0, 0.0, 400.0], [0.0, 0.0, 1.0]])
    patch = sample_patches(image, h, np.array([[100.0, 100.0]]), offsets)[0]
    assert patch[:, 10].mean() < 50 and patch[:, 0].mean() > 200


def test_a_light_fill_that_survives_a_1bit_threshold_shows_its_layered_strokes(
    page_image: Callable[..., np.ndarray], form_map: FormMap, mark: Callable[..., None]
) -> None:
    """A light pen's crosses vanish under a 1-bit threshold; where a fill's hatch lies over
    itself the ink is darker and survives, and meets many strokes across the box."""
    from omr.noise import InkLoss, ink_may_be_lost

    light = Pen("ballpoint", 179, 0.17)
    image = page_image(PAGE)
    for box, seed in ((13, 3), (24, 4), (45, 5)):
        mark(image, PAGE, box, "fill", pen=light, seed=seed)
    for box, seed in ((5, 6), (37, 7)):
        mark(image, PAGE, box, "cross", pen=light, seed=seed)
    mark(image, PAGE, 52, "cross", seed=8)  # the office pen: well under the threshold
    one_bit = np.where(image < 159, 0, 255).astype(np.uint8)
    m = _measure(one_bit, form_map)
    assert m.ink[[5, 37]].max() < 0.01  # the light crosses are gone
    assert m.crossings[[13, 24, 45]].min() >= DEFAULT_PARAMS.bilevel_layered_crossings
    assert m.crossings[52] < DEFAULT_PARAMS.bilevel_layered_crossings
    survivors = np.zeros(len(m), dtype=bool)
    survivors[[13, 24, 45]] = True  # as marks they might read: the strokes of a hatch
    assert ink_may_be_lost(m, survivors, 300.0) is InkLoss.ANY
    survivors[52] = True  # one single stroke proves no margin either
    assert ink_may_be_lost(m, survivors, 300.0) is InkLoss.ANY
