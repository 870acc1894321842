"""omr.registration: transforms from marks, orientation, and refusing implausible fits."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omr.marks import MarkDetections
from omr.registration import mark_points, register
from survey.formmap import FormMap
from survey.units import page_to_image


def _detections(
    form_map: FormMap, h: np.ndarray, ids: tuple[int, ...] = (0, 1, 2, 3)
) -> MarkDetections:
    model = mark_points(form_map.pages[0].marks, form_map.page_height)
    corners = np.array([page_to_image(model[i], h) for i in ids])
    return MarkDetections(np.array(ids, dtype=np.int64), corners)


def _similarity(
    dpi: float, angle_deg: float, shift: tuple[float, float], quarter: int = 0
) -> np.ndarray:
    k = dpi / 72
    a = np.radians(angle_deg + 90 * quarter)
    # Image y is down: a counter-clockwise turn on screen is a negative angle here.
    r = np.array([[np.cos(-a), -np.sin(-a)], [np.sin(-a), np.cos(-a)]]) * k
    return np.array([[r[0, 0], r[0, 1], shift[0]], [r[1, 0], r[1, 1], shift[1]], [0, 0, 1]])


def _register(form_map: FormMap, det: MarkDetections):
    return register(
        det,
        form_map.pages[0].marks,
        page_width=form_map.page_width,
        page_height=form_map.page_height,
    )


@pytest.mark.parametrize("quarter", [0, 1, 2, 3])
def test_orientation_and_skew_are_recovered(form_map: FormMap, quarter: int) -> None:
    h = _similarity(300, 2.5, (1200.0, 1500.0), quarter)
    reg = _register(form_map, _detections(form_map, h))
    assert reg.ok, reg.reason
    assert reg.orientation == 90 * quarter
    assert reg.rotation_deg == pytest.approx(2.5, abs=0.01)
    assert reg.dpi == pytest.approx(300, rel=1e-3)
    assert np.allclose(reg.homography, h, atol=1e-6 * 300)


def test_three_marks_register_affine_and_two_do_not(form_map: FormMap) -> None:
    h = _similarity(200, -3, (50.0, 40.0))
    three = _register(form_map, _detections(form_map, h, (0, 1, 3)))
    assert three.ok and three.marks_used == (0, 1, 3)
    assert np.allclose(three.homography, h, atol=1e-6 * 200)
    two = _register(form_map, _detections(form_map, h, (0, 2)))
    assert not two.ok
    assert "2 of 4" in two.reason


def test_perspective_is_fitted_with_four_marks(form_map: FormMap) -> None:
    h = _similarity(300, 1, (30.0, 30.0)) @ np.array([[1, 0, 0], [0, 1, 0], [4e-5, 2e-5, 1]])
    reg = _register(form_map, _detections(form_map, h))
    assert reg.ok
    pts = np.array([[100.0, 100.0], [500.0, 800.0]])
    assert np.allclose(page_to_image(pts, reg.homography), page_to_image(pts, h), atol=0.05)


@pytest.mark.parametrize(
    ("h", "reason"),
    [
        (np.diag([20 / 72, 20 / 72, 1.0]), "resolution"),
        (_similarity(300, 20, (900.0, 0.0)), "skewed"),
        (
            np.diag([-300 / 72, 300 / 72, 1.0]) + np.array([[0, 0, 3000], [0, 0, 0], [0, 0, 0]]),
            "mirrored",
        ),
        (np.array([[300 / 72, 0.4, 0], [0, 300 / 72, 0], [0, 0, 1]]), "sheared"),
    ],
)
def test_implausible_fits_are_refused(form_map: FormMap, h: np.ndarray, reason: str) -> None:
    reg = _register(form_map, _detections(form_map, h))
    assert not reg.ok
    assert reason in reg.reason


def test_a_misplaced_mark_is_dropped_when_three_others_agree(form_map: FormMap) -> None:
    h = _similarity(300, 0.5, (20.0, 20.0))
    det = _detections(form_map, h)
    corners = det.corners.copy()
    corners[2] += 400  # a look-alike far from where mark 2 belongs
    reg = _register(form_map, MarkDetections(det.ids, corners))
    assert reg.ok
    assert reg.marks_used == (0, 1, 3)


@settings(max_examples=40, deadline=None)
@given(
    dpi=st.floats(150, 600),
    angle=st.floats(-5, 5),
    dx=st.floats(-120, 120),
    dy=st.floats(-120, 120),
    quarter=st.integers(0, 3),
    noise=st.floats(0, 0.8),
)
def test_registration_maps_page_points_within_half_a_point(
    form_map: FormMap, dpi: float, angle: float, dx: float, dy: float, quarter: int, noise: float
) -> None:
    h = _similarity(dpi, angle, (dx + 3000, dy + 3000), quarter)
    det = _detections(form_map, h)
    jitter = np.random.default_rng(int(dpi * 10)).normal(0, noise, det.corners.shape)
    reg = _register(form_map, MarkDetections(det.ids, det.corners + jitter))
    assert reg.ok, reg.reason
    assert reg.orientation == 90 * quarter
    probe = np.array([[100.0, 150.0], [300.0, 420.0], [500.0, 700.0]])
    err_px = np.abs(page_to_image(probe, reg.homography) - page_to_image(probe, h)).max()
    assert err_px / (dpi / 72) < 0.5
