"""omr.anchors and omr.placement: pages placed by their QR codes when marks are lost."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pytest

from layout.marks import QR_QUIET_MODULES
from omr.anchors import _QUIET_MODULES, QrAnchor, find_qr_anchors, symbol_corners
from omr.classify import DOUBT_BITS, classify
from omr.form import prepare_form
from omr.marks import MarkDetections
from omr.page import position_doubt
from omr.params import DEFAULT_PARAMS
from omr.placement import _similarity, register_with_qr
from omr.registration import Registration, mark_points
from survey.formmap import FormMap
from survey.pageresult import ReviewReason
from survey.units import POINTS_PER_INCH, page_to_image
from tests.omr.measures import measures

DPI = 300.0
PAGE = 2


def test_the_quiet_zone_is_the_layouts() -> None:
    assert _QUIET_MODULES == QR_QUIET_MODULES


def test_the_qr_corners_are_found_where_the_form_map_puts_them(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    anchors = find_qr_anchors(page_image(PAGE), dpi=DPI)
    assert len(anchors) == 2
    scale = DPI / POINTS_PER_INCH
    expected = [
        symbol_corners(a, anchors[0].version, form_map.page_height) * scale
        for a in form_map.page(PAGE).qr_areas
    ]
    for anchor in anchors:
        # Each found symbol sits on one of the two areas, corners in printed order, within 2 px.
        error = min(np.abs(anchor.corners - e).max() for e in expected)
        assert error < 2.5


def test_similarity_recovers_scale_rotation_and_shift() -> None:
    rng = np.random.default_rng(3)
    src = rng.uniform(0, 600, (8, 2))
    angle, scale = np.radians(2.5), 4.1
    rot = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    dst = src @ rot.T + [30.0, -12.0]
    h = _similarity(src, dst)
    assert np.allclose(page_to_image(src, h), dst, atol=1e-6)


def _detections(form_map: FormMap, keep: tuple[int, ...], h: np.ndarray) -> MarkDetections:
    model = mark_points(form_map.page(PAGE).marks, form_map.page_height)
    ids = np.array(sorted(keep), dtype=np.int64)
    corners = (
        np.stack([page_to_image(model[int(i)], h) for i in ids]) if keep else np.zeros((0, 4, 2))
    )
    return MarkDetections(ids, corners)


@pytest.mark.parametrize("keep", [(0,), (2, 3), (), (1,)])
def test_marks_and_qr_codes_place_a_rotated_page(
    page_image: Callable[..., np.ndarray], form_map: FormMap, keep: tuple[int, ...]
) -> None:
    """The QR corners (in either order of the two areas) and whatever marks are left."""
    scale = DPI / POINTS_PER_INCH
    angle = np.radians(181.0)  # upside down and a degree off
    c, s = np.cos(angle) * scale, np.sin(angle) * scale
    h = np.array([[c, -s, 2600.0], [s, c, 3500.0], [0.0, 0.0, 1.0]])
    areas = prepare_form(form_map).qr_areas
    version = find_qr_anchors(page_image(PAGE), dpi=DPI)[0].version
    anchors = tuple(
        QrAnchor(
            "code", page_to_image(symbol_corners(a, version, form_map.page_height), h), version
        )
        for a in reversed(areas)
    )
    reg = register_with_qr(
        _detections(form_map, keep, h),
        form_map.page(PAGE).marks,
        anchors,
        areas,
        page_width=form_map.page_width,
        page_height=form_map.page_height,
    )
    assert reg.ok, reg.reason
    assert reg.method == ("marks+qr" if keep else "qr")
    assert reg.orientation == 180
    probe = np.array([[100.0, 100.0], [500.0, 800.0]])
    assert np.allclose(page_to_image(probe, reg.homography), page_to_image(probe, h), atol=0.5)


def test_one_mark_and_no_qr_code_is_not_enough(form_map: FormMap) -> None:
    h = np.diag([4.0, 4.0, 1.0])
    reg = register_with_qr(
        _detections(form_map, (0,), h),
        form_map.page(PAGE).marks,
        (),
        prepare_form(form_map).qr_areas,
        page_width=form_map.page_width,
        page_height=form_map.page_height,
    )
    assert not reg.ok and "QR" in reg.reason


def test_a_fallback_page_doubts_only_the_boxes_it_cannot_place() -> None:
    """Outline found at the search limit: that box; a coarse fit without outlines: every box."""

    limit = DEFAULT_PARAMS.search_pt
    boxes = measures(3, shift=np.array([[0.0, 0.0], [0.6, -0.6], [0.0, -limit]]))
    refined = Registration(ok=True, method="qr+outlines", reprojection_pt=2.5)
    doubt = position_doubt(boxes, refined, DEFAULT_PARAMS)
    assert doubt[0] == 0 and doubt[1] == 0 and doubt[2] > DEFAULT_PARAMS.max_position_doubt_pt
    coarse = Registration(ok=True, method="marks+qr", reprojection_pt=1.4)
    assert np.all(position_doubt(boxes, coarse, DEFAULT_PARAMS) >= 1.4)
    doubted = classify(dataclasses.replace(boxes, position_doubt=doubt), None, DEFAULT_PARAMS)
    bit = DOUBT_BITS[ReviewReason.UNREADABLE]
    assert [bool(d & bit) for d in doubted.doubts] == [False, False, True]
