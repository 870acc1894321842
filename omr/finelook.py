"""A second, finer look just outside the boxes whose first look leaves a trace of doubt.

The box measures (:mod:`omr.checkboxes`) sample every box on one grid of
``sample_step_pt`` (0.6 pt, about 120 dpi) whatever the scan's resolution:
fast, and enough for every mark a pen leaves at full pressure. The ring just
outside the outline is where that grid sees worst. The printed outline's
blur reaches into it by a different amount on every box (where the outline
falls between the samples), so its noise spread is about twice that of the
inner area, and a short thin stroke there (the arm of a tick that mostly
lies on the outline, 0.6 mm of a 0.25 mm line at 200 dpi) stands only a few
spreads above it: below ``outside_sigmas``, a confident blank.

Those few boxes (first-look evidence of at least ``fine_from_sigmas``) are
looked at again at the image's own pixel pitch. The darkness against the
surroundings (the same closing as the first look) is smoothed with a small
Gaussian of about a pen's width, a matched filter for a stroke of any
direction or curvature that averages the pixel noise away, and its peak is
taken on each of the ring's four sides, 1.2 pt clear of the outline.

The peak of noise over an area is not noise's spread, so each peak is
compared with the *same* statistic on reference boxes of the page: up to
:data:`REFERENCES` boxes without a mark, spread over the page, whatever their
first look, their four sides pooled. Their median and scaled median absolute
deviation give the evidence in spreads (``BoxMeasures.fine_out``); a few
marked boxes among the references move neither. A line that passes the box
(a stain's rim, a fold's crease, a stroke across the page) crosses the ring
on two sides and is left to the first look's rules; a mark beside the box or
a tick's arm leaves it on one. Inside the box the first look's short
straight runs (:mod:`omr.traces`) are already the more sensitive measure for
thin lines, so the second look adds nothing there. A 1-bit page has no
noise to average and no gray to find: it is not looked at again (see
:func:`omr.noise.ink_may_be_lost`).
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

from omr.calibration import Calibration
from omr.checkboxes import BoxMeasures
from omr.noise import evidence, fit_noise
from omr.params import DEFAULT_PARAMS, OmrParams
from omr.sampling import grid_offsets, sample_patches, stroke_darkness
from survey.units import POINTS_PER_INCH

REFERENCES = 24
"""Reference boxes per page (fewer when the page has fewer boxes without a mark)."""
_MIN_REFERENCES = 8  # fewer: no reliable spread, no second look
_MAX_CANDIDATES = 48  # more doubtful boxes than this: the strongest are looked at
_MAD_TO_SIGMA = 1.4826
_RING_GAP_PT = 1.2  # the outline's outer edge plus its blur: not part of the ring


def _reference_boxes(plain: np.ndarray) -> np.ndarray:
    """Up to :data:`REFERENCES` of the ``plain`` boxes, evenly spread over the page's box order."""
    pool = np.flatnonzero(plain)
    if pool.size <= REFERENCES:
        return pool
    return pool[np.linspace(0, pool.size - 1, REFERENCES).round().astype(np.int64)]


def fine_evidence(
    gray: np.ndarray,
    homography: np.ndarray,
    rects: np.ndarray,
    *,
    dpi: float,
    candidates: np.ndarray,
    plain: np.ndarray,
    params: OmrParams = DEFAULT_PARAMS,
) -> np.ndarray:
    """The ink evidence just outside the candidate boxes, at the image's pixel pitch.

    Args:
        gray: the page image, 2-D ``uint8``, 255 = white.
        homography: 3x3 page-to-image matrix.
        rects: every box's rectangle ``(n, 4)`` in page points, where it was
            found (the nominal rectangle moved by the refinement shift).
        dpi: the image's resolution (from its registration).
        candidates: the boxes to look at again, boolean ``(n,)``; the first
            :data:`_MAX_CANDIDATES` of them in box order when there are more.
        plain: the boxes without a mark that may serve as references, boolean ``(n,)``.
        params: ``fine_blur_pt``, ``fine_sigmas``, ``fine_min_spread``,
            ``stroke_max_pt``, ``spill_pt``.

    Returns:
        ``float32`` ``(n,)``: each candidate's strongest peak on one side of
        the ring just outside its outline, in spreads above the reference
        boxes' sides; 0 for boxes not looked at and for boxes a line passes
        (two or more sides stand out).
    """
    r = np.asarray(rects, dtype=np.float64).reshape(-1, 4)
    n = r.shape[0]
    outside = np.zeros(n, dtype=np.float32)
    picked = np.flatnonzero(candidates)[:_MAX_CANDIDATES]
    refs = _reference_boxes(plain)
    if picked.size == 0 or refs.size < _MIN_REFERENCES or not dpi > 0:
        return outside
    chosen = np.concatenate([picked, refs])
    box = r[chosen]
    step = float(np.clip(POINTS_PER_INCH / dpi, 0.12, 0.5))  # one sample per pixel
    sigma = params.fine_blur_pt / step
    half_box = np.stack([box[:, 2] - box[:, 0], box[:, 3] - box[:, 1]], axis=1) / 2
    # The blur must not reach from one stacked patch into the next: a margin of 3 sigma.
    half = float(half_box.max()) + params.spill_pt + 3 * params.fine_blur_pt + step
    offsets = grid_offsets(half, step)
    centre = np.stack([(box[:, 0] + box[:, 2]) / 2, (box[:, 1] + box[:, 3]) / 2], axis=1)
    patches = sample_patches(gray, homography, centre, offsets)
    m, p, _ = patches.shape
    dark = stroke_darkness(patches, max(3, round(params.stroke_max_pt / step)))
    smooth = cv2.GaussianBlur(
        dark.reshape(m * p, p).astype(np.float32), (0, 0), sigma, borderType=cv2.BORDER_REPLICATE
    ).reshape(m, p, p)
    # How far each sample lies beyond the outline's outer edge (negative: inside), points.
    across = np.abs(offsets)[None, None, :] - half_box[:, 0, None, None]  # beyond left or right
    along = np.abs(offsets)[None, :, None] - half_box[:, 1, None, None]  # beyond top or bottom
    beyond = np.maximum(across, along)
    ring = (beyond >= _RING_GAP_PT) & (beyond <= params.spill_pt + _RING_GAP_PT)
    above = offsets[None, :, None] < 0
    before = offsets[None, None, :] < 0
    vertical = along >= across
    sides = (
        ring & vertical & above,
        ring & vertical & ~above,
        ring & ~vertical & before,
        ring & ~vertical & ~before,
    )
    none = np.float32(0)
    peak_sides = np.stack(
        [np.where(side, smooth, none).max(axis=(1, 2)) for side in sides], axis=1
    ).astype(np.float64)
    k = picked.size
    floor = params.fine_min_spread

    def standardised(peaks: np.ndarray, references: np.ndarray) -> np.ndarray:
        level = float(np.median(references))
        spread = _MAD_TO_SIGMA * float(np.median(np.abs(references - level)))
        return (peaks - level) / max(spread, floor)

    # The four sides of the ring share one reference: the references' sides, pooled.
    z = standardised(peak_sides[:k], peak_sides[k:].ravel())
    # A line that passes the box (a stain's rim, a fold's crease, a stroke across the page)
    # crosses the ring twice; a mark beside the box, or a tick's arm, leaves it once.
    strong = (z >= params.fine_sigmas / 2).sum(axis=1)
    outside[picked] = np.where(strong <= 1, z.max(axis=1), 0.0)
    return outside


def look_again(
    gray: np.ndarray,
    homography: np.ndarray,
    rects: np.ndarray,
    boxes: BoxMeasures,
    *,
    dpi: float,
    params: OmrParams = DEFAULT_PARAMS,
) -> BoxMeasures:
    """``boxes`` with the second look's evidence (``fine_out``) for its doubtful boxes.

    The doubtful boxes are those without a mark by the default thresholds
    whose first-look evidence against the page's empty boxes
    (:func:`omr.noise.evidence`) is at least ``fine_from_sigmas``, inside the
    box or just outside it, while the inside is below ``noise_sigmas`` (above
    it the box is a ``faint_mark`` already). The strongest are looked at first.

    Args:
        gray: the page image.
        homography: 3x3 page-to-image matrix.
        rects: the boxes' nominal rectangles ``(n, 4)``, page points.
        boxes: their first-look measures (:func:`omr.checkboxes.measure_boxes`).
        dpi: the image's resolution.
        params: the thresholds.
    """
    cal = Calibration.default(params)
    plain = (
        (boxes.outline >= params.min_outline)
        & (boxes.ink <= cal.empty_max_ink)
        & (boxes.core <= cal.empty_max_core)
        & (boxes.coverage < params.cross_max_coverage)
    )
    excess, excess_out = evidence(boxes, fit_noise(boxes, plain, params=params))
    # A box whose inside already stands out is a faint mark (or a crease's trace) as it is.
    doubtful = (
        plain
        & (excess < params.noise_sigmas)
        & (np.maximum(excess, excess_out) >= params.fine_from_sigmas)
    )
    if not doubtful.any():
        return boxes
    order = np.argsort(-np.maximum(excess, excess_out), kind="stable")
    ranked = np.zeros_like(doubtful)
    ranked[order[doubtful[order]][:_MAX_CANDIDATES]] = True
    shift = boxes.shift.astype(np.float64)
    found = np.asarray(rects, dtype=np.float64) + np.concatenate([shift, shift], axis=1)
    fine_out = fine_evidence(
        gray, homography, found, dpi=dpi, candidates=ranked, plain=plain, params=params
    )
    return replace(boxes, fine_out=fine_out)
