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

from omr.sampling import grid_offsets, sample_patches
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


def connected_run_out(
    gray: np.ndarray,
    homography: np.ndarray,
    boxes: np.ndarray,
    *,
    paper: np.ndarray,
    span: np.ndarray,
    far_pt: float = 16.0,
    step_pt: float = 0.6,
    inset_pt: float = 2.0,
) -> np.ndarray:
    """How far the ink that touches each box's inner area runs on beyond its outline.

    :func:`line_reach` follows a straight stroke's direction; a stroke that
    bends as it passes through a box (a doodle, a slip of the pen, a line
    crossed out elsewhere) escapes it. This measure has no direction: the ink
    around the box is traced as connected strokes, and the strokes that reach
    into the box's inner area say how far they extend beyond the outline, in
    any direction. The printed outline itself is part of a stroke that touches
    it but never extends beyond it, and printed text beside the box starts
    after a white gap.

    All patches are traced at once: they are stacked into one image with a
    white row between them, so one connected-components pass covers them all.

    Args:
        gray: the page image, 2-D ``uint8``.
        homography: 3x3 page-to-image matrix.
        boxes: ``(k, 4)`` as ``(left, top, right, bottom)``, page points (the
            refined outer edge of the outline).
        paper: the paper level around each box ``(k,)``.
        span: paper-to-black of each box ``(k,)``.
        far_pt: how far beyond the box to trace.
        step_pt: sample step.
        inset_pt: the inner area starts this far inside the outer edge.

    Returns:
        ``float32`` ``(k,)``: points the furthest connected ink lies beyond the
        outer edge (0 when none leaves the box; at most ``far_pt``).
    """
    k = boxes.shape[0]
    if k == 0:
        return np.zeros(0, dtype=np.float32)
    centre = np.stack([(boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2], axis=1)
    half = np.stack([(boxes[:, 2] - boxes[:, 0]) / 2, (boxes[:, 3] - boxes[:, 1]) / 2], axis=1)
    offsets = grid_offsets(float(half.max()) + far_pt, step_pt)
    p = offsets.shape[0]
    patches = sample_patches(gray, homography, centre, offsets)
    threshold = (paper - _INKED * span).astype(np.float32)[:, None, None]
    ink = np.zeros((k, p + 1, p), dtype=np.uint8)  # a white row under each patch
    ink[:, :p] = patches < threshold
    _, labels, stats, _ = cv2.connectedComponentsWithStats(
        ink.reshape(k * (p + 1), p), connectivity=8
    )
    labels = labels.reshape(k, p + 1, p)[:, :p]
    # Each box's inner area, in samples of its patch: the strokes that reach into it count.
    lo = np.searchsorted(offsets, -half + inset_pt)  # (k, 2): x, y
    hi = np.searchsorted(offsets, half - inset_pt)
    index = np.arange(p)[None, :]
    in_x = (index >= lo[:, :1]) & (index < hi[:, :1])  # (k, p)
    in_y = (index >= lo[:, 1:]) & (index < hi[:, 1:])
    seeds = in_y[:, :, None] & in_x[:, None, :] & (labels > 0)
    box_of, row_of, col_of = np.nonzero(seeds)
    out = np.zeros(k, dtype=np.float32)
    if box_of.size == 0:
        return out
    pairs = np.unique(box_of.astype(np.int64) * (stats.shape[0]) + labels[box_of, row_of, col_of])
    which, label = pairs // stats.shape[0], pairs % stats.shape[0]
    x0, y0 = stats[label, cv2.CC_STAT_LEFT], stats[label, cv2.CC_STAT_TOP] - which * (p + 1)
    x1 = x0 + stats[label, cv2.CC_STAT_WIDTH] - 1
    y1 = y0 + stats[label, cv2.CC_STAT_HEIGHT] - 1
    # Sample positions in points from the box centre, then beyond the outer edge.
    beyond = np.max(
        np.stack(
            [
                -offsets[x0] - half[which, 0],
                offsets[x1] - half[which, 0],
                -offsets[y0] - half[which, 1],
                offsets[y1] - half[which, 1],
            ]
        ),
        axis=0,
    )
    np.maximum.at(out, which, np.clip(beyond, 0.0, far_pt).astype(np.float32))
    return out
