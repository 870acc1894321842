"""omr.finelook: the second look at the pixel pitch finds the thin strokes the box grid misses."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest

from omr.checkboxes import BoxMeasures, measure_boxes
from omr.classify import DOUBT_BITS, classify
from omr.finelook import look_again
from omr.noise import evidence, fit_noise
from omr.params import DEFAULT_PARAMS
from papersurvey.simulate.pens import Canvas, Pen
from survey.formmap import FormMap
from survey.pageresult import ReviewReason
from survey.units import rects_to_page

from .conftest import box_px

PAGE = 2  # the grid page: rows of ten boxes on shaded rows
DPI = 200.0
BOX = 13


def _scan(image: np.ndarray, seed: int) -> np.ndarray:
    """A 200-dpi office scan: optics blur and sensor noise."""
    rng = np.random.default_rng(seed)
    blurred = cv2.GaussianBlur(image.astype(np.float32), (0, 0), 1.0)
    return np.clip(blurred + rng.normal(0.0, 12.0, image.shape), 0, 255).astype(np.uint8)


def _read(
    image: np.ndarray, form_map: FormMap, angle: float = 0.0
) -> tuple[BoxMeasures, BoxMeasures]:
    """First and second look at ``image`` rotated by ``angle`` degrees (the outlines then
    fall across the pixel grid, as on a real scan)."""
    rects = rects_to_page(form_map.page(PAGE).box_rects(), form_map.page_height)
    h = np.diag([DPI / 72, DPI / 72, 1.0])
    if angle:
        rows, cols = image.shape
        turn = cv2.getRotationMatrix2D((cols / 2, rows / 2), angle, 1.0)
        image = cv2.warpAffine(image, turn, (cols, rows), flags=cv2.INTER_LINEAR, borderValue=255)
        h = np.vstack([turn, [0.0, 0.0, 1.0]]) @ h
    first = measure_boxes(image, h, rects, black=0.0)
    return first, look_again(image, h, rects, first, dpi=DPI)


def _doubts(m: BoxMeasures, reason: ReviewReason) -> np.ndarray:
    return np.flatnonzero(classify(m).doubts & DOUBT_BITS[reason])


def _arm(image: np.ndarray, form_map: FormMap, pen: Pen) -> None:
    """The short arm of a thin tick that lies on the box's outline: 1.6 mm below it."""
    left, _, right, bottom = box_px(form_map, PAGE, BOX, DPI)
    x = left + 0.7 * (right - left)
    arm = np.array([[x, bottom + 1.0], [x - 1.5, bottom + 5.5]])
    Canvas(image, DPI).strokes([arm], pen, np.random.default_rng(1))


def test_a_tick_arm_below_the_outline_is_a_mark_beside_the_box(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    """0.6 mm of a 0.25 mm light ballpoint line at 200 dpi, on a slightly turned scan: too
    weak for the box grid's ring, whose spread the outline's blur widens."""
    image = page_image(PAGE, DPI)
    _arm(image, form_map, Pen("ballpoint", 200, 0.25))
    first, second = _read(_scan(image, seed=7), form_map, angle=0.7)

    _, outside = evidence(first, fit_noise(first, first.ink <= 0.01))
    assert outside[BOX] < DEFAULT_PARAMS.outside_sigmas  # the first look alone: a blank
    assert BOX not in _doubts(first, ReviewReason.MARK_OUTSIDE_BOX)
    assert second.fine_out[BOX] >= DEFAULT_PARAMS.fine_sigmas
    assert list(_doubts(second, ReviewReason.MARK_OUTSIDE_BOX)) == [BOX]


def test_a_line_passing_the_box_is_left_to_the_first_look(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    """A faint straight line through the box (a stain's rim, a crease) crosses its ring twice."""
    image = page_image(PAGE, DPI)
    left, top, right, bottom = box_px(form_map, PAGE, BOX, DPI)
    x = left + 0.6 * (right - left)
    line = np.array([[x - 1.0, top - 12.0], [x + 1.0, bottom + 12.0]])
    Canvas(image, DPI).strokes([line], Pen("ballpoint", 200, 0.25), np.random.default_rng(1))
    _, second = _read(_scan(image, seed=7), form_map, angle=0.7)
    assert second.fine_out[BOX] == 0.0


@pytest.mark.parametrize("angle", [0.0, 0.7, -2.5])
def test_noise_alone_leaves_every_box_a_confident_blank(
    page_image: Callable[..., np.ndarray], form_map: FormMap, angle: float
) -> None:
    """The second look compares each peak with the same peak on the page's other boxes."""
    for seed in (3, 4, 5):
        _, second = _read(_scan(page_image(PAGE, DPI), seed), form_map, angle=angle)
        assert not classify(second).doubts.any(), seed
        assert (second.fine_out < DEFAULT_PARAMS.fine_sigmas).all()


def test_a_clean_page_is_not_looked_at_again(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    rects = rects_to_page(form_map.page(PAGE).box_rects(), form_map.page_height)
    h = np.diag([DPI / 72, DPI / 72, 1.0])
    clean = page_image(PAGE, DPI)
    first = measure_boxes(clean, h, rects, black=0.0)
    assert look_again(clean, h, rects, first, dpi=DPI) is first  # nothing in doubt
