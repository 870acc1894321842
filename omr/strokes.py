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
_FAN_SLOPE = 0.4  # ... widening by this much per point along (a curving, wobbling line stays inside)
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
    reach = np.zeros((k, 2), dtype=np.float32)
    for side_index, side in enumerate((1.0, -1.0)):
        d = side * u
        # Distance along d from the origin to the box outline (ray leaving the box).
        with np.errstate(divide="ignore", invalid="ignore"):
            t_axis = np.where(np.abs(d) > 1e-9, (np.sign(d) * half - rel) / d, np.inf)
        exit_t = np.clip(np.min(t_axis, axis=1), 0.0, None)  # (k,)
        t = np.arange(0.0, max_pt, step_pt)  # beyond the exit
        along = exit_t[:, None] + _OUTLINE_PT + t[None, :]  # (k, T)
        lanes = np.array(_LANES)[:, None] * (_FAN_PT + _FAN_SLOPE * t)[None, :]  # (lanes, T)
        pts = (
            origins[:, None, None, :]
            + along[:, None, :, None] * d[:, None, None, :]
            + lanes[None, :, :, None] * normal[:, None, None, :]
        )  # (k, lanes, T, 2)
        img = page_to_image(pts, homography).astype(np.float32)
        flat = img.reshape(-1, t.size, 2)
        values = cv2.remap(
            gray,
            flat[..., 0],
            flat[..., 1],
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=255,
        ).reshape(k, len(_LANES), t.size)
        paper = np.percentile(values.reshape(k, -1), 90, axis=1)
        span = np.maximum(paper - black, 60.0)
        inked = ((paper[:, None, None] - values) / span[:, None, None] >= _INKED).any(
            axis=1
        )  # (k, T)
        # Length of the ink run that starts at the outline (one missing sample bridged).
        bridged = inked | (np.roll(inked, 1, axis=1) & np.roll(inked, -1, axis=1))
        bridged[:, 0] = inked[:, 0] | inked[:, 1]
        run = np.cumprod(bridged, axis=1).sum(axis=1)
        reach[:, side_index] = run * step_pt
    return reach
