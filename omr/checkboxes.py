"""Measure every checkbox of a page at once.

All boxes are sampled into one stack of upright patches (see
:mod:`omr.sampling`); everything after that is array arithmetic over the
whole stack: one integral image per measure, fancy indexing with per-box
rectangles, no Python loop over boxes.

Per box:

1. **Refine** the position: the printed outline is a square of known size,
   so the row and column ink profiles of the patch peak at its two edges. The
   offset with the strongest pair of edges, near the page-wide median offset,
   is where the box really is (print shift, paper stretch, registration error).
2. **Measure** in the refined frame: mean ink of the inner area (inside the
   outline, so the outline itself is never ink), ink of the core, the share of
   the inner area covered by strokes (a cross covers a third, a filled box
   nearly all), ink in a ring just outside (crosses that overshoot, ticks that
   start outside, marks beside the box) and the strength of the outline
   (a box outside the image or under a label has none).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields

import cv2
import numpy as np

from omr.params import DEFAULT_PARAMS, OmrParams
from omr.sampling import grid_offsets, paper_levels, paper_plane, sample_patches, stroke_darkness
from omr.strokes import connected_run_out, line_reach
from omr.traces import neighbour_ink, stroke_response

_EDGE = 2  # samples per outline band (0.75 pt outline at 0.5 pt steps, plus blur)


@dataclass(frozen=True)
class BoxMeasures:
    """Measures of ``n`` boxes; every field is an array of length ``n`` (float32 unless noted).

    Attributes:
        ink: mean ink of the inner area, 0-1.
        core: mean ink of the central half of the inner area, 0-1.
        coverage: share of the inner area covered by strokes, 0-1.
        spill: mean ink of the ring just outside the box, 0-1.
        outline: mean ink of the printed outline band, 0-1 (about 0.5-1 when printed and visible).
        shift: refinement offset ``(n, 2)`` in points, page ``(dx, dy)``.
        elongation: how line-like the ink inside is (1 = round or crossed, large = one straight stroke).
        axis: principal direction of the ink inside, radians (page x right, y down).
        centroid: ink centroid ``(n, 2)``, page points relative to the nominal box centre.
        reach: for a line-like mark with ink outside the box, how far the line
            continues beyond the outline ``(n, 2)`` (both ways, points); 0 otherwise.
        run_out: for ink in the box with ink just outside it, how far the
            strokes that reach into the box run on beyond the outline, in any
            direction (points, :func:`omr.strokes.connected_run_out`); 0 otherwise.
        crossings: how many separate strokes a straight line across the inner
            area meets: the median over its rows or over its columns, whichever
            is larger. A cross, tick, slash or dot meets one or two; the hatch
            of a fill or a scribble meets many, its strokes lying over one
            another (see :func:`omr.noise.ink_may_be_lost`).
        line: the strongest stroke response in the inner area: the darkest
            short straight run (``line_filter_pt`` long, four directions) of
            the darkness against the surroundings, *without* the noise floor,
            0-1. A thin or light pen line that the floor removes from ``ink``
            still stands out here; noise averages out along the run.
        speck: the darkest single spot of the inner area (2x2 samples) on the
            same scale: a dot or the remnant of a stroke on a 1-bit scan.
        line_out: the strongest stroke response in the ring just outside the
            outline (``spill_pt`` wide): a light tick beside or overlapping the box.
        neighbour_ink: the largest ``ink`` of the boxes next to this one (a
            marked neighbour explains a trace just outside this box).
        trace_at: where the strongest short run inside the box lies ``(n, 2)``,
            page coordinates (points).
        trace_direction: its direction (``int8``, see :data:`omr.traces.DIRECTIONS`).
        fine_out: the second look's evidence of ink on one side of the ring
            just outside the outline, in spreads above the page's reference
            boxes; 0 when the box was not looked at again
            (:func:`omr.finelook.fine_evidence`, set by :func:`omr.page.measure_page`).
        position_doubt: how far off the box may be from where it was measured
            (points); 0 here, set by :func:`omr.page.measure_page` for a page
            placed by a fallback (:func:`omr.page.position_doubt`).
    """

    ink: np.ndarray
    core: np.ndarray
    coverage: np.ndarray
    spill: np.ndarray
    outline: np.ndarray
    shift: np.ndarray
    elongation: np.ndarray
    axis: np.ndarray
    centroid: np.ndarray
    reach: np.ndarray
    line: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    speck: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    line_out: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    neighbour_ink: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    trace_at: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.float32))
    trace_direction: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    position_doubt: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    run_out: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    crossings: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    fine_out: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))

    def __len__(self) -> int:
        return int(self.ink.shape[0])

    @classmethod
    def empty(cls) -> BoxMeasures:
        z = np.zeros(0, dtype=np.float32)
        z2 = np.zeros((0, 2), dtype=np.float32)
        return cls(z, z, z, z, z, z2, z, z, z2, z2, z, z, z, z, z2, z.astype(np.int8), z, z, z, z)

    @classmethod
    def concat(cls, parts: list[BoxMeasures]) -> BoxMeasures:
        """The measures of several pages as one (for calibration)."""
        if not parts:
            return cls.empty()
        return cls(
            **{f.name: np.concatenate([getattr(p, f.name) for p in parts]) for f in fields(cls)}
        )


class _Stack:
    """Rectangle sums over a stack of ``n`` patches of ``p x p`` samples, via one integral image."""

    def __init__(self, values: np.ndarray) -> None:
        n, p, _ = values.shape
        self.n, self.p = n, p
        self.base = (np.arange(n) * p)[:, None]
        self.integral = cv2.integral(values.reshape(n * p, p))

    def sums(self, r0: np.ndarray, c0: np.ndarray, r1: np.ndarray, c1: np.ndarray) -> np.ndarray:
        """Sums over ``[r0, r1) x [c0, c1)`` of each patch; index arrays broadcast against ``(n, 1)``."""
        s, b = self.integral, self.base
        if np.ndim(r0) == 1:
            b = b[:, 0]
        return s[b + r1, c1] - s[b + r0, c1] - s[b + r1, c0] + s[b + r0, c0]


def _edge_offsets(
    profile: np.ndarray, lo: np.ndarray, hi: np.ndarray, search: int, width: np.ndarray
) -> np.ndarray:
    """Per-box offset in ``[-search, search]`` where the two outline edges are strongest.

    ``profile`` is ``(n, p)`` ink summed across the box; ``lo``/``hi`` are the
    nominal first and one-past-last samples of the box. Offsets far from the
    page-wide median pay a small penalty, so a heavy stroke inside a box does
    not pull it away when its outline is clear.
    """
    n, p = profile.shape
    band = np.zeros((n, p + 1))
    band[:, : p - _EDGE + 1] = sum(profile[:, k : p - _EDGE + 1 + k] for k in range(_EDGE))
    d = np.arange(-search, search + 1)
    top = np.clip(lo[:, None] + d[None, :], 0, p - _EDGE)
    bottom = np.clip(hi[:, None] - _EDGE + d[None, :], 0, p - _EDGE)
    rows = np.arange(n)[:, None]
    score = band[rows, top] + band[rows, bottom]
    penalty = 0.03 * width[:, None].astype(np.float64)
    first = d[np.argmax(score - penalty * np.abs(d)[None, :], axis=1)]
    median = int(np.round(np.median(first))) if n else 0
    return d[np.argmax(score - penalty * np.abs(d - median)[None, :], axis=1)]


def measure_boxes(
    gray: np.ndarray,
    homography: np.ndarray,
    rects: np.ndarray,
    *,
    black: float,
    params: OmrParams = DEFAULT_PARAMS,
) -> BoxMeasures:
    """Measure all boxes of a page.

    Args:
        gray: the page image, 2-D ``uint8``, 255 = white.
        homography: 3x3 page-to-image matrix.
        rects: box rectangles ``(n, 4)`` in page coordinates
            ``(left, top, right, bottom)``, points (outer edge of the outline).
        black: gray value of solid print on this page (see :mod:`omr.image`).
        params: OMR settings (sampling step, search radius, inset, spill width).

    Returns:
        The measures of every box, in the order of ``rects``.
    """
    r = np.asarray(rects, dtype=np.float64).reshape(-1, 4)
    n = r.shape[0]
    if n == 0:
        return BoxMeasures.empty()
    step = params.sample_step_pt
    size = np.stack([r[:, 2] - r[:, 0], r[:, 3] - r[:, 1]], axis=1)
    centre = np.stack([(r[:, 0] + r[:, 2]) / 2, (r[:, 1] + r[:, 3]) / 2], axis=1)
    half = float(size.max()) / 2 + params.search_pt + params.spill_pt + step
    offsets = grid_offsets(half, step)
    p = offsets.shape[0]
    mid = (p - 1) / 2
    box_half = float(size.max()) / 2 / step
    ring = (int(np.ceil(box_half + 1.2 / step)), int(np.floor(box_half + params.spill_pt / step)))
    patches = sample_patches(gray, homography, centre, offsets)
    levels = paper_levels(patches, ring)
    span = np.maximum(levels.mean(axis=1) - black, 60.0)
    floor = round(params.ink_floor * float(np.median(span)))
    raw = stroke_darkness(patches, max(3, round(params.stroke_max_pt / step)))
    strokes = cv2.subtract(raw, np.full_like(raw, min(floor, 255))) if floor > 0 else raw
    s = _Stack(strokes)

    # Nominal outer rectangle in samples, half-open.
    c0 = np.round((r[:, 0] - centre[:, 0]) / step + mid).astype(np.int64)
    c1 = np.round((r[:, 2] - centre[:, 0]) / step + mid).astype(np.int64) + 1
    r0 = np.round((r[:, 1] - centre[:, 1]) / step + mid).astype(np.int64)
    r1 = np.round((r[:, 3] - centre[:, 1]) / step + mid).astype(np.int64) + 1

    # Refinement from the outline's edge profiles (ink summed across the box).
    search = max(1, round(params.search_pt / step))
    k = np.arange(p)[None, :]
    across_rows = s.sums(k, c0[:, None], k + 1, c1[:, None])
    across_cols = s.sums(r0[:, None], k, r1[:, None], k + 1)
    dy = _edge_offsets(across_rows, r0, r1, search, c1 - c0)
    dx = _edge_offsets(across_cols, c0, c1, search, r1 - r0)
    r0, r1, c0, c1 = r0 + dy, r1 + dy, c0 + dx, c1 + dx

    def total(stack: _Stack, grow: np.ndarray | int) -> tuple[np.ndarray, np.ndarray]:
        y0, x0 = np.maximum(r0 - grow, 0), np.maximum(c0 - grow, 0)
        y1 = np.maximum(np.minimum(r1 + grow, p), y0 + 1)
        x1 = np.maximum(np.minimum(c1 + grow, p), x0 + 1)
        return stack.sums(y0, x0, y1, x1), ((y1 - y0) * (x1 - x0)).astype(np.float64)

    inset = max(_EDGE + 1, round(params.inset_pt / step))
    inner_sum, inner_area = total(s, -inset)
    inner_size = np.minimum(r1 - r0, c1 - c0) - 2 * inset
    core_sum, core_area = total(s, -(inset + inner_size // 4))
    outer_sum, outer_area = total(s, 0)
    band_sum, band_area = total(s, -_EDGE)
    spill_out = max(2, round(params.spill_pt / step))
    far_sum, far_area = total(s, spill_out)
    near_sum, near_area = total(s, 1)
    unit = 1.0 / span.astype(np.float64)
    ink_mean = inner_sum / inner_area * unit
    spill = (far_sum - near_sum) / np.maximum(far_area - near_area, 1) * unit
    # Coverage and shape look at a square window of the inner area.
    k_win = max(2, int(inner_size.min()))
    wr = (r0 + inset)[:, None] + np.arange(k_win)
    wc = (c0 + inset)[:, None] + np.arange(k_win)
    # Covered: darker than the paper (the ring level, not the surroundings: a fill is broad).
    window = patches[np.arange(n)[:, None, None], wr[:, :, None], wc[:, None, :]]
    paper = paper_plane(levels, wr, wc, p, ring)
    covered = window < paper - (params.stroke_ink * span).astype(np.float32)[:, None, None]
    coverage = covered.mean(axis=(1, 2))
    crossings = _crossings(covered)
    # Shape only where there is ink to have one.
    elongation = np.ones(n, dtype=np.float32)
    angle = np.zeros(n, dtype=np.float32)
    centroid = np.zeros((n, 2), dtype=np.float32)
    inked = np.flatnonzero(ink_mean >= 0.003)
    if inked.size:
        elongation[inked], angle[inked], centroid[inked] = _moments(
            strokes[inked], wr[inked, 0], wc[inked, 0], k_win
        )
    # The ink centroid in page coordinates, relative to the nominal box centre.
    centroid_pt = (np.stack([wc[:, 0], wr[:, 0]], axis=1) + (k_win - 1) / 2 + centroid - mid) * step
    line_len = max(3, round(params.line_filter_pt / step))
    edge = (r0 - 2, r1 + 2, c0 - 2, c1 + 2)  # the outline's outer edge plus its blur
    ring_out = (r0 - spill_out, r1 + spill_out, c0 - spill_out, c1 + spill_out)
    traces = stroke_response(raw, wr, wc, line_len, edge, ring_out)
    response = traces.line
    reach = np.zeros((n, 2), dtype=np.float32)
    line = (
        (elongation >= params.line_elongation) & (spill >= params.line_spill) & (ink_mean >= 0.005)
    )
    if line.any():
        moved = np.stack([dx, dy], axis=1)[line] * step
        shifted = r[line] + np.concatenate([moved, moved], axis=1)
        reach[line] = line_reach(
            gray,
            homography,
            centre[line] + centroid_pt[line],
            angle[line].astype(np.float64),
            shifted,
            black=black,
        )
    run_out = np.zeros(n, dtype=np.float32)
    leaving = np.flatnonzero((ink_mean >= 0.005) & (spill >= params.line_spill))
    if leaving.size:
        moved = np.stack([dx, dy], axis=1)[leaving] * step
        run_out[leaving] = connected_run_out(
            gray,
            homography,
            r[leaving] + np.concatenate([moved, moved], axis=1),
            paper=levels.mean(axis=1)[leaving],
            span=span[leaving],
            far_pt=params.run_out_far_pt,
            step_pt=step,
            inset_pt=params.inset_pt,
        )
    return BoxMeasures(
        ink=ink_mean.astype(np.float32),
        core=(core_sum / core_area * unit).astype(np.float32),
        coverage=coverage.astype(np.float32),
        spill=spill.astype(np.float32),
        outline=((outer_sum - band_sum) / np.maximum(outer_area - band_area, 1) * unit).astype(
            np.float32
        ),
        shift=(np.stack([dx, dy], axis=1) * step).astype(np.float32),
        elongation=elongation,
        axis=angle,
        centroid=centroid_pt.astype(np.float32),
        reach=reach,
        line=(response * unit).astype(np.float32),
        speck=(traces.speck * unit).astype(np.float32),
        line_out=(traces.outside * unit).astype(np.float32),
        neighbour_ink=neighbour_ink(centre, size, ink_mean),
        trace_at=(centre + (np.stack([traces.col, traces.row], axis=1) - mid) * step).astype(
            np.float32
        ),
        trace_direction=traces.direction.astype(np.int8),
        position_doubt=np.zeros(n, dtype=np.float32),
        run_out=run_out,
        crossings=crossings,
        fine_out=np.zeros(n, dtype=np.float32),
    )


def _crossings(covered: np.ndarray) -> np.ndarray:
    """How many strokes a row or a column of each window meets (:attr:`BoxMeasures.crossings`).

    Args:
        covered: which samples of each box's inner window hold ink, ``(n, k, k)`` bool.

    Returns:
        ``float32 (n,)``: the larger of the median number of ink runs along a
        row and along a column.
    """
    in_rows = covered[:, :, 0] + (covered[:, :, 1:] & ~covered[:, :, :-1]).sum(axis=2)
    in_cols = covered[:, 0, :] + (covered[:, 1:, :] & ~covered[:, :-1, :]).sum(axis=1)
    return np.maximum(np.median(in_rows, axis=1), np.median(in_cols, axis=1)).astype(np.float32)


def _moments(
    strokes: np.ndarray, top: np.ndarray, left: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shape of the ink in each box's inner area from its second moments.

    Returns:
        ``(elongation, angle, centroid)``: the ratio of the principal moments
        (large for one straight stroke: a slash, or a stray line passing
        through; small for a cross, a tick's angle, a dot or a fill), the
        principal direction in radians (page x right, y down) and the ink
        centroid ``(n, 2)`` as ``(x, y)`` samples from the window centre.
    """
    n = strokes.shape[0]
    rows = np.arange(n)[:, None, None]
    ys = (top[:, None] + np.arange(k))[:, :, None]
    xs = (left[:, None] + np.arange(k))[:, None, :]
    win = strokes[rows, ys, xs].astype(np.float32)
    g = np.arange(k, dtype=np.float32) - (k - 1) / 2
    total = win.sum(axis=(1, 2)) + np.float32(1e-3)
    across = win.sum(axis=1)  # (n, k) per column
    down = win.sum(axis=2)  # (n, k) per row
    mx, my = (across @ g) / total, (down @ g) / total
    sxx = (across @ (g * g)) / total - mx * mx
    syy = (down @ (g * g)) / total - my * my
    sxy = np.einsum("nij,i,j->n", win, g, g) / total - mx * my
    half_trace = (sxx + syy) / 2
    root = np.sqrt(np.maximum(half_trace**2 - (sxx * syy - sxy * sxy), 0))
    ratio = (half_trace + root) / np.maximum(half_trace - root, 0.05)
    elongation = np.where(total > 5.0, np.minimum(ratio, 100.0), 1.0).astype(np.float32)
    angle = (0.5 * np.arctan2(2 * sxy, sxx - syy)).astype(np.float32)
    return elongation, angle, np.stack([mx, my], axis=1)
