"""papersurvey.simulate.scanner: the scan transform, and what of the page stays on the image."""

from __future__ import annotations

import numpy as np
import pytest

from papersurvey.simulate.damage import Damage
from papersurvey.simulate.scanner import (
    ink_in_rects,
    rects_on_image,
    scan,
    scan_geometry,
    visible_features,
)


@pytest.mark.parametrize("quarter", [0, 1, 2, 3])
def test_the_transform_says_where_page_pixels_end_up(quarter: int) -> None:
    page = np.full((700, 500), 255, np.uint8)
    page[100:110, 300:310] = 0
    d = Damage(
        kinds=("rotation",),
        dpi=60,
        rotation_deg=3.0,
        quarter=quarter,
        shift_mm=(4.0, -2.0),
        scale=0.98,
    )
    out, m = scan(page, d, np.random.default_rng(0))
    assert out.dtype == np.uint8
    x, y, w = m @ np.array([304.5, 104.5, 1.0])
    assert out[round(y / w), round(x / w)] < 100
    margin = round(12 * 60 / 25.4)
    assert sorted(out.shape) == sorted((700 + 2 * margin, 500 + 2 * margin))
    geometry, shape = scan_geometry(page.shape, d)
    assert np.array_equal(geometry, m) and shape == out.shape


def test_a_negative_overscan_crops_into_the_page_and_binary_scans_are_bool() -> None:
    page = np.full((400, 300), 250, np.uint8)
    d = Damage(kinds=("binary",), dpi=50, overscan_mm=-2.0, binary_threshold=170, noise=3)
    out, _ = scan(page, d, np.random.default_rng(2))
    assert out.dtype == np.bool_
    assert out.shape == (400 - 2 * 4, 300 - 2 * 4) == scan_geometry(page.shape, d)[1]


def test_rects_on_image_for_a_constructed_transform() -> None:
    rects = np.array([[10, 10, 30, 30], [90, 40, 110, 60], [-5, 0, 5, 10], [50, 50, 60, 60]])
    shift = np.array([[1.0, 0, 0], [0, 1, 0], [0, 0, 1]])
    assert rects_on_image(rects, shift, (100, 100)).tolist() == [True, False, False, True]
    # Moved 15 px left: the first rectangle hangs over the left edge, the second comes in.
    left = np.array([[1.0, 0, -15], [0, 1, 0], [0, 0, 1]])
    assert rects_on_image(rects, left, (100, 100)).tolist() == [False, True, False, True]
    # Upside down in a 100 x 100 image: (x, y) -> (99 - x, 99 - y); nothing leaves it.
    turned = np.array([[-1.0, 0, 99], [0, -1, 99], [0, 0, 1]])
    assert rects_on_image(rects[[0, 3]], turned, (100, 100)).tolist() == [True, True]


def test_visible_features_counts_marks_and_readable_qr_codes() -> None:
    marks = {
        "tl": (2.0, 2.0, 10.0, 10.0),
        "tr": (190.0, 2.0, 198.0, 10.0),
        "br": (190.0, 290.0, 198.0, 298.0),
        "bl": (2.0, 290.0, 10.0, 298.0),
    }
    qrs = [(150.0, 2.0, 170.0, 22.0), (30.0, 278.0, 50.0, 298.0)]
    identity = np.eye(3)
    assert visible_features(marks, qrs, Damage(), identity, (300, 200)) == (4, True)
    # 6 px to the right and 5 px up: the right-hand marks and the top QR go off the image.
    moved = np.array([[1.0, 0, 6], [0, 1, -5], [0, 0, 1]])
    assert visible_features(marks, qrs, Damage(), moved, (300, 200)) == (1, True)
    # A label over the first QR code, and the other QR code is off the image.
    lost = np.array([[1.0, 0, 0], [0, 1, 5], [0, 0, 1]])
    assert visible_features(marks, qrs, Damage(qr_covered=1), lost, (300, 200)) == (2, False)
    # A torn-off corner takes its mark with it.
    assert visible_features(marks, qrs, Damage(torn_corner="tl"), identity, (300, 200)) == (
        3,
        True,
    )


def test_ink_in_rects_compares_with_the_scan_without_the_pen() -> None:
    unmarked = np.full((100, 100), 240, np.uint8)
    marked = unmarked.copy()
    marked[12:20, 12:20] = 90  # a mark in the first box
    marked[60, 60] = 0  # a speck in the second: 1 pixel is below 0.1 mm2 at 300 dpi
    unmarked[10:25, 86:88] = 20  # a printed line in the third box ...
    marked[10:25, 85:89] = 20  # ... that a faint stroke along it only thickens
    rects = np.array([[10.0, 10.0, 25.0, 25.0], [55.0, 55.0, 70.0, 70.0], [80, 10, 95, 25]])
    shifted = np.array([[1.0, 0, 2], [0, 1, 0], [0, 0, 1]])  # the scan moved the page 2 px right
    seen = ink_in_rects(marked, unmarked, rects - [2, 0, 2, 0], shifted, dpi=300)
    assert seen.tolist() == [True, False, False]
    # 1-bit: only pixels the pen turned black count.
    assert ink_in_rects(marked > 128, unmarked > 128, rects, np.eye(3), dpi=300).tolist() == [
        True,
        False,
        False,
    ]
