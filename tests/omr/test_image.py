"""omr.image: one gray layout for every input, levels, blank pages."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from omr.image import dpi_guess, is_blank, page_levels, to_gray
from survey.units import A4_HEIGHT_PT, A4_WIDTH_PT


def test_gray_uint8_is_returned_unchanged() -> None:
    g = np.full((40, 30), 200, np.uint8)
    assert to_gray(g) is g


def test_colour_bool_and_binary_inputs_become_gray() -> None:
    rgb = np.zeros((40, 30, 3), np.uint8)
    rgb[..., 2] = 255  # red in BGR order
    assert to_gray(rgb).shape == (40, 30)
    assert to_gray(rgb)[0, 0] == cv2.cvtColor(rgb, cv2.COLOR_BGR2GRAY)[0, 0]
    bits = np.zeros((40, 30), bool)
    bits[5:10] = True
    out = to_gray(bits)
    assert out.dtype == np.uint8 and set(np.unique(out)) == {0, 255}
    assert np.array_equal(to_gray(bits.astype(np.uint8)), out)
    assert to_gray(np.ones((40, 30), np.float32)).max() == 255


@pytest.mark.parametrize(
    "bad", [np.zeros((4, 4), np.uint8), np.zeros((40, 30, 2), np.uint8), np.zeros(50)]
)
def test_non_images_are_refused(bad: np.ndarray) -> None:
    with pytest.raises(ValueError):
        to_gray(bad)


def test_dpi_guess_from_an_a4_image_either_way_round() -> None:
    assert dpi_guess((3508, 2480), A4_WIDTH_PT, A4_HEIGHT_PT) == pytest.approx(300, rel=0.01)
    assert dpi_guess((1240, 1754), A4_WIDTH_PT, A4_HEIGHT_PT) == pytest.approx(150, rel=0.01)


def test_levels_and_blank_pages() -> None:
    rng = np.random.default_rng(1)
    blank = np.clip(rng.normal(235, 4, (1754, 1240)), 0, 255).astype(np.uint8)
    levels = page_levels(blank, 150)
    assert abs(levels.paper - 240) < 6
    assert is_blank(levels, 0.002)
    printed = blank.copy()
    for y in range(100, 1600, 40):
        cv2.putText(
            printed, "Welk rapportcijfer geeft u", (100, y), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 20, 3
        )
    levels = page_levels(printed, 150)
    assert not is_blank(levels, 0.002)
    assert levels.black < 60
    assert levels.contrast > 150


def test_a_1bit_scan_is_recognised_as_bilevel() -> None:
    rng = np.random.default_rng(5)
    gray = np.where(rng.random((400, 300)) < 0.05, 0, 255).astype(np.uint8)
    assert page_levels(gray, 150).bilevel
    assert page_levels(to_gray(gray > 0), 150).bilevel
    gray[::7, ::5] = 128  # one gray value more: a gray scan
    assert not page_levels(gray, 150).bilevel
