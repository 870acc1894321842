"""Classify measured boxes: empty, marked or filled, with a confidence and a doubt.

The rules, applied to all boxes at once (``np.select``), in order:

1. **Unreadable**: the printed outline is not where it should be (outside
   the image, covered, torn off). Confidence 0.
2. **Filled**: the inner area is covered almost completely.
3. **Partly filled**: more covered than any cross, less than a fill: the
   reader cannot tell a cancelled box from a heavy mark. Doubtful.
4. **Marked**: enough ink in the inner area, or in its core (a small dot).
5. **Empty**: little ink in the inner area and its core.
6. **Uncertain**: in between (faint pencil, a tiny dot, an erased mark). Doubtful.

Three more doubts: a stroke that continues far outside the box (straight
along its direction, or bent, traced as connected ink) is a stray line
(doubtful whatever its ink); an empty box with ink just outside it
may have been meant (a cross beside the box); and an empty box whose stroke
measures are not as clean as the page's empty boxes (:mod:`omr.noise`) holds
a trace of ink too faint or thin for the ink thresholds (``faint_mark``).

The confidence is 0.5 at a threshold and rises to 1 as the measure moves a
threshold's width away from it; doubtful boxes stay below ``review_below``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from omr.calibration import Calibration
from omr.checkboxes import BoxMeasures
from omr.noise import creases, evidence, fit_noise, pen_at_limit
from omr.params import DEFAULT_PARAMS, OmrParams
from survey.pageresult import BoxState, ReviewReason

# Box-level doubts as bits, so a question can OR the doubts of its boxes.
DOUBT_BITS: dict[ReviewReason, int] = {
    ReviewReason.UNCERTAIN_MARK: 1,
    ReviewReason.PARTLY_FILLED: 2,
    ReviewReason.MARK_OUTSIDE_BOX: 4,
    ReviewReason.UNREADABLE: 8,
    ReviewReason.STRAY_LINE: 16,
    ReviewReason.FAINT_MARK: 32,
}


@dataclass(frozen=True)
class BoxClasses:
    """Classification of ``n`` boxes.

    Attributes:
        states: ``int8`` :class:`BoxState` values (the best guess, also when doubtful).
        confidence: ``float32`` 0-1.
        doubts: ``uint8`` bit set of :data:`DOUBT_BITS` (0 = no doubt).
        pen_at_limit: the page's faintest ink stands close to its noise
            (:func:`omr.noise.pen_at_limit`): a mark of that pen may not show.
    """

    states: np.ndarray
    confidence: np.ndarray
    doubts: np.ndarray
    pen_at_limit: bool = False


def _ramp(x: np.ndarray, width: float) -> np.ndarray:
    """0.5 at ``x = 0``, rising linearly to 1.0 at ``x = width``."""
    return np.clip(0.5 + 0.5 * x / max(width, 1e-6), 0.5, 1.0)


def _fine_out(measures: BoxMeasures, counts: np.ndarray, params: OmrParams) -> np.ndarray:
    """The second look's evidence outside the box (``fine_out``) on the first look's scale:
    ``fine_sigmas`` becomes ``outside_sigmas``; 0 where ``counts`` is false."""
    n = len(measures)
    if measures.fine_out.shape != (n,):  # measures stored before the field
        return np.zeros(n)
    scale = params.outside_sigmas / params.fine_sigmas
    return np.where(counts, measures.fine_out.astype(np.float64) * scale, 0.0)


def classify(
    measures: BoxMeasures,
    calibration: Calibration | None = None,
    params: OmrParams = DEFAULT_PARAMS,
    *,
    bilevel: bool = False,
) -> BoxClasses:
    """Classify boxes from their measures.

    Args:
        measures: the boxes' measures (see :func:`omr.checkboxes.measure_boxes`).
        calibration: the batch thresholds; ``None`` for the defaults of ``params``.
        params: the coverage, spill, line and outline rules.
        bilevel: the page is a 1-bit scan: a mark whose strokes broke up
            (``line`` below ``bilevel_broken_line``) is in doubt.

    Returns:
        State, confidence and doubts per box.
    """
    cal = calibration or Calibration.default(params)
    ink = measures.ink.astype(np.float64)
    core = measures.core.astype(np.float64)
    cov = measures.coverage.astype(np.float64)
    lo, hi = cal.empty_max_ink, cal.mark_min_ink
    core_lo, core_hi = cal.empty_max_core, cal.mark_min_core
    fill_at, cross_at = params.fill_min_coverage, params.cross_max_coverage

    doubt = measures.position_doubt
    unreadable = measures.outline < params.min_outline
    if doubt.shape == unreadable.shape:  # measures stored before the field: no doubt recorded
        unreadable |= doubt > params.max_position_doubt_pt
    filled = cov >= fill_at
    partly = cov >= cross_at
    marked = (ink >= hi) | (core >= core_hi)
    empty = (ink <= lo) & (core <= core_lo)
    # A stroke continuing far outside the box: how far is too far depends on
    # how line-like the ink inside is (a slash or a tick's arm overshoots a little,
    # a cross is not line-like at all).
    reach, shape = measures.reach, measures.elongation
    longest, shortest = reach.max(axis=1), reach.min(axis=1)
    line = np.where(
        shape >= params.line_straight_elongation,
        (longest >= params.line_straight_pt) | (shortest >= params.line_both_pt),
        np.where(
            shape >= params.line_shape_elongation,
            (longest >= params.line_long_pt) | (shortest >= params.line_both_pt),
            longest >= params.line_curved_pt,
        ),
    )
    # Measures pickled before the field have no run_out (or an empty one): not traced.
    run_out = getattr(measures, "run_out", None)
    if run_out is not None and run_out.shape == line.shape:
        line |= run_out >= params.run_out_pt
    # Empty by the ink thresholds, but not as clean as the page's empty boxes:
    # a trace of ink in the box (faint) or just outside it (beside).
    reference = ~unreadable & ~marked & ~partly
    noise = fit_noise(measures, reference, prior=cal.noise_prior(), params=params)
    excess, excess_out = evidence(measures, noise)
    quiet = empty & ~partly & ~unreadable
    # A fold's crease is one faint straight line through a row or column of boxes.
    crease = creases(measures, quiet & (excess >= params.noise_sigmas / 2))
    excess = np.where(crease, 0.0, excess)
    # The second look just outside the box, at the pixel pitch (omr.finelook).
    fine_out = _fine_out(measures, ~crease, params)
    excess_out = np.maximum(excess_out, fine_out)
    faint = quiet & (excess >= params.noise_sigmas)
    explained = (
        measures.neighbour_ink >= lo
        if measures.neighbour_ink.size == measures.ink.size
        else np.zeros(ink.shape, dtype=bool)
    )
    # A trace outside counts when the box holds a trace too (a light tick that starts
    # in the box and runs out of it); a stroke or crease that only passes by does not.
    traced = (excess_out >= params.outside_sigmas) & (
        (excess >= params.noise_sigmas / 2)
        | (measures.line_out >= params.outside_min_line)
        | (fine_out >= params.outside_sigmas)
    )
    # A light tick on the box's edge leaves part of its trace inside, part in the ring
    # around it, neither enough alone. The two measures are independent, so their sum
    # has sqrt(2) times their spread: edge_sigmas of 10 is 7 of its spreads.
    straddling = (
        (excess < params.noise_sigmas)
        & (excess_out >= params.noise_sigmas / 2)
        & (np.maximum(excess, 0.0) + excess_out >= params.edge_sigmas)
    )
    beside = quiet & (
        (measures.spill >= params.outside_min_spill) | ((traced | straddling) & ~explained)
    )

    # How far into the mark / empty zone a box is (0 at the threshold, 1 a width beyond).
    mark_depth = np.maximum((ink - hi) / hi, (core - core_hi) / core_hi)
    empty_depth = np.minimum((lo - ink) / lo, (core_lo - core) / core_lo)
    middle = np.maximum((ink - lo) / (hi - lo), (core - core_lo) / (core_hi - core_lo))

    conditions = [unreadable, filled, partly, marked, empty]
    states = np.select(
        conditions,
        [
            np.where(marked, BoxState.MARKED, BoxState.EMPTY),
            BoxState.FILLED,
            np.where(cov >= (fill_at + cross_at) / 2, BoxState.FILLED, BoxState.MARKED),
            BoxState.MARKED,
            BoxState.EMPTY,
        ],
        default=np.where(middle >= 0.5, BoxState.MARKED, BoxState.EMPTY),
    ).astype(np.int8)

    doubtful = min(0.45, params.review_below - 0.05)
    confidence = np.select(
        conditions,
        [
            0.0,
            _ramp(cov - fill_at, 1.0 - fill_at),
            doubtful * np.abs(cov - (fill_at + cross_at) / 2) / ((fill_at - cross_at) / 2),
            np.minimum(_ramp(mark_depth, 1.0), _ramp(cross_at - cov, cross_at)),
            np.minimum(
                _ramp(empty_depth, 1.0),
                _ramp(
                    1.0
                    - np.maximum(excess, np.where(explained, 0.0, excess_out))
                    / params.noise_sigmas,
                    1.0,
                ),
            ),
        ],
        default=doubtful * np.abs(middle - 0.5) * 2,
    )
    doubt_line = line & ~unreadable & ~filled
    # On a 1-bit scan a pen stroke comes out solid black. A mark whose darkest straight
    # run is mostly gaps is a light stroke the threshold broke up, or the threshold's
    # speckle where noise, a fold's shadow or a stain darkened the paper: alike.
    broken = (
        bilevel
        & marked
        & ~partly
        & ~unreadable
        & (measures.line.astype(np.float64) < params.bilevel_broken_line)
    )
    confidence = np.where(
        doubt_line | beside | faint | broken, np.minimum(confidence, doubtful), confidence
    )

    readable = ~unreadable

    def bit(mask: np.ndarray, reason: ReviewReason) -> np.ndarray:
        return np.where(mask, DOUBT_BITS[reason], 0).astype(np.uint8)

    doubts = bit(unreadable, ReviewReason.UNREADABLE)
    doubts |= bit(readable & partly & ~filled, ReviewReason.PARTLY_FILLED)
    doubts |= bit((readable & ~partly & ~marked & ~empty) | broken, ReviewReason.UNCERTAIN_MARK)
    doubts |= bit(doubt_line, ReviewReason.STRAY_LINE)
    doubts |= bit(beside, ReviewReason.MARK_OUTSIDE_BOX)
    doubts |= bit(faint & ~beside, ReviewReason.FAINT_MARK)
    with_ink = readable & ~filled & (excess >= params.noise_sigmas)
    return BoxClasses(
        states=states,
        confidence=confidence.astype(np.float32),
        doubts=doubts,
        pen_at_limit=pen_at_limit(excess, with_ink, params),
    )
