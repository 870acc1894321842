"""Does a straight stroke through a box go on outside it? (A stray line, not a mark.)

A single straight stroke inside a box is a slash: a mark. The same stroke
continuing far beyond the box on both sides, or very far on one, is a line
drawn across the page that happens to pass through the box: not a mark a
reader can trust. The box measures give the stroke's direction and centroid
(second moments of its ink); this module follows that direction outward from
the box on both sides, on a fan of lanes that widens with the distance (a
hand-drawn line curves and wobbles), and reports how far the ink continues
*without a gap* beyond the printed outline: printed text next to a box starts
only after a white gap, so it does not count.

Only the few boxes holding a line-like mark with ink just outside them are
probed, so the cost is negligible.
"""

from __future__ import annotations

import cv2
import numpy as np

from survey.units import page_to_image

_LANES = (-1.0, -0.5, 0.0, 0.5, 1.0)  # probe lines fanning out from the stroke's axis
_FAN_PT = 1.2  # half-width of the fan where it leaves the box ...
_FAN_SLOPE = (
    0.4  # ... widening by this much per point along (a curving, wobbling line stays inside)
)
_OUTLINE_PT = 1.2  # the printed outline is crossed, not followed
_INKED = 0.3  # share of paper-to-black that counts as ink on a probe


def line_reach(
    gray: np.ndarray,
    homography: np.ndarray,
    origins: np.ndarray,
    angles: np.ndarray,
    boxes: np.ndarray,
    *,
    black: float,
    max_pt: float = 14.0,
    step_pt: float = 0.6,
) -> np.ndarray:
    """How far straight strokes continue beyond their boxes, both ways.

    Args:
        gray: the page image, 2-D ``uint8``.
        homography: 3x3 page-to-image matrix.
        origins: the strokes' ink centroids ``(k, 2)``, page coordinates.
        angles: the strokes' directions ``(k,)``, radians (page x right, y down).
        boxes: the boxes ``(k, 4)`` as ``(left, top, right, bottom)``, page coordinates.
        black: gray value of solid print.
        max_pt: how far beyond the box to look.
        step_pt: probe step.

    Returns:
        ``float32`` ``(k, 2)``: ink run beyond the outline, points, along
        ``+direction`` and ``-direction``.
    """
    k = origins.shape[0]
    if k == 0:
        return np.zeros((0, 2), dtype=np.float32)
    u = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype(np.float64)  # (k, 2)
    normal = np.stack([-u[:, 1], u[:, 0]], axis=1)
    half = np.stack([(boxes[:, 2] - boxes[:, 0]) / 2, (boxes[:, 3] - boxes[:, 1]) / 2], axis=1)
    centre = np.stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2], axis=1)
    rel = origins - centre
    t = np.arange(0.0, max_pt, step_pt)  # beyond the outline
    lanes = np.array(_LANES)[:, None] * (_FAN_PT + _FAN_SLOPE * t)[None, :]  # (lanes, T)
    sides = np.array([1.0, -1.0])
    d = sides[None, :, None] * u[:, None, :]  # (k, 2, 2): direction per side
    nrm = sides[None, :, None] * normal[:, None, :]
    # Distance along d from the origin to the box outline (the ray leaving the box).
    with np.errstate(divide="ignore", invalid="ignore"):
        t_axis = np.where(
            np.abs(d) > 1e-9, (np.sign(d) * half[:, None, :] - rel[:, None, :]) / d, np.inf
        )
    exit_t = np.clip(np.min(t_axis, axis=2), 0.0, None)  # (k, 2)
    along = exit_t[:, :, None] + _OUTLINE_PT + t[None, None, :]  # (k, 2, T)
    pts = (
        origins[:, None, None, None, :]
        + along[:, :, None, :, None] * d[:, :, None, None, :]
        + lanes[None, None, :, :, None] * nrm[:, :, None, None, :]
    )  # (k, 2, lanes, T, 2)
    img = page_to_image(pts, homography).astype(np.float32).reshape(-1, t.size, 2)
    values = cv2.remap(
        gray,
        img[..., 0],
        img[..., 1],
        cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=255,
    ).reshape(k, 2, len(_LANES), t.size)
    flat = values.reshape(k, -1)
    kth = int(0.9 * (flat.shape[1] - 1))
    paper = np.partition(flat, kth, axis=1)[:, kth].astype(np.float64)
    span = np.maximum(paper - black, 60.0)
    darker = (paper[:, None, None, None] - values) / span[:, None, None, None] >= _INKED
    inked: np.ndarray = np.any(darker, axis=2)  # (k, 2, T)
    # Length of the ink run that starts at the outline (one missing sample bridged).
    bridged = inked | (np.roll(inked, 1, axis=2) & np.roll(inked, -1, axis=2))
    bridged[:, :, 0] = inked[:, :, 0] | inked[:, :, 1]
    reach = (np.cumprod(bridged, axis=2).sum(axis=2) * step_pt).astype(np.float32)
    return reach
