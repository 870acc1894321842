"""Place a page that lost registration marks: marks and page QR codes together.

Three marks register a page (:mod:`omr.registration`). A page shifted or
rotated on the scanner, or cropped by it, can lose two marks over the image
edge and still show its page QR codes. Every mark found (four corners each)
and every QR code found (four corners each, see :mod:`omr.anchors`) is then a
cluster of point pairs; two clusters fix a similarity transform (scale,
rotation, shift: what a flatbed or an ADF does), three or more an affine one.
Which QR area a QR code sits in (top right or bottom left) is not known from
its text (both carry the same code), so every assignment is fitted and the
one whose points agree best wins; a wrong assignment misses by centimetres.

The transform found here is a seed: :func:`omr.refine.refine_with_boxes`
then fits a homography to the printed box outlines of the identified page,
and the usual plausibility checks apply to both.
"""

from __future__ import annotations

import itertools

import numpy as np

from omr.anchors import QrAnchor, symbol_corners
from omr.marks import MarkDetections
from omr.params import DEFAULT_PARAMS, OmrParams
from omr.registration import Registration, check_transform, fitted_registration, mark_points
from survey.formmap import Mark, QrArea

_MIN_CLUSTERS = 2  # two separate groups of points: a mark and a QR code, two QR codes, ...


def _similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares scale, rotation and shift (no mirror) from page to image, as 3x3."""
    ms, md = src.mean(axis=0), dst.mean(axis=0)
    a = (src[:, 0] - ms[0]) + 1j * (src[:, 1] - ms[1])
    b = (dst[:, 0] - md[0]) + 1j * (dst[:, 1] - md[1])
    z = complex(np.vdot(a, b) / max(float(np.vdot(a, a).real), 1e-12))
    t = md - np.array([z.real * ms[0] - z.imag * ms[1], z.imag * ms[0] + z.real * ms[1]])
    return np.array([[z.real, -z.imag, t[0]], [z.imag, z.real, t[1]], [0.0, 0.0, 1.0]])


def _affine(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    a = np.hstack([src, np.ones((src.shape[0], 1))])
    sol, *_ = np.linalg.lstsq(a, dst, rcond=None)
    return np.vstack([sol.T, [0.0, 0.0, 1.0]])


def _assignments(anchors: int, areas: int) -> list[tuple[int | None, ...]]:
    """Every way of putting anchors into distinct areas (``None``: not used), most anchors first."""
    options: list[tuple[int | None, ...]] = []
    for combo in itertools.product([None, *range(areas)], repeat=anchors):
        used = [a for a in combo if a is not None]
        if len(used) == len(set(used)):
            options.append(combo)
    options.sort(key=lambda c: -sum(a is not None for a in c))
    return options


def register_with_qr(
    detections: MarkDetections,
    marks: tuple[Mark, ...],
    anchors: tuple[QrAnchor, ...],
    areas: tuple[QrArea, ...],
    *,
    page_width: float,
    page_height: float,
    params: OmrParams = DEFAULT_PARAMS,
) -> Registration:
    """Place a page from the marks found (fewer than three) and its QR codes.

    Args:
        detections: the registration marks found in the image.
        marks: the form map's marks.
        anchors: the QR codes found in the image.
        areas: the form map's QR areas.
        page_width: page width in points.
        page_height: page height in points.
        params: OMR settings (the plausibility limits).

    Returns:
        A registration with ``method`` ``marks+qr`` or ``qr``, or ``ok=False``
        with a reason when the page cannot be placed this way.
    """
    model = mark_points(marks, page_height)
    found = [(int(i), c) for i, c in zip(detections.ids.tolist(), detections.corners, strict=True)]
    mark_src = [model[i] for i, _ in found if i in model]
    mark_dst = [c for i, c in found if i in model]
    if not anchors:
        return Registration(ok=False, reason="no page QR code found to place the page by")
    best: tuple[float, Registration] | None = None
    problem = ""
    most = -1
    for combo in _assignments(len(anchors), len(areas)):
        qr_src = [
            symbol_corners(areas[a], anchors[k].version, page_height)
            for k, a in enumerate(combo)
            if a is not None
        ]
        qr_dst = [anchors[k].corners for k, a in enumerate(combo) if a is not None]
        clusters = len(mark_src) + len(qr_src)
        if clusters < _MIN_CLUSTERS or not qr_src:
            continue
        used = len(qr_src)
        if best is not None and used < most:
            break  # a fit with more QR codes already agrees: fewer would only say less
        src = np.concatenate(mark_src + qr_src)
        dst = np.concatenate(mark_dst + qr_dst)
        h = _affine(src, dst) if clusters >= 3 else _similarity(src, dst)
        fig, found_problem = check_transform(h, src, dst, page_width, page_height, params)
        if found_problem:
            problem = problem or found_problem
            continue
        reg = fitted_registration(
            h,
            fig,
            tuple(i for i, _ in found if i in model),
            src,
            dst,
            method="marks+qr" if mark_src else "qr",
        )
        if best is None or fig["reprojection_pt"] < best[0]:
            best, most = (fig["reprojection_pt"], reg), used
    if best is None:
        return Registration(
            ok=False,
            reason=problem or "the marks and QR codes found are too few to place the page",
        )
    return best[1]
