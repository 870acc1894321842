"""The noise model of empty boxes: when is a box as clean as an empty box of its page?

"No answer" is a reading too, and the costliest one to get wrong silently: a
thin tick at 200 dpi, a light pen line that a 1-bit scanner broke into
dashes, the remnant of a second mark. The ink measure (``BoxMeasures.ink``)
subtracts a noise floor, so such marks can read as exactly zero. The stroke
measures do not: ``line`` (the darkest short straight run in the inner area)
and ``speck`` (its darkest spot) are measured without the floor, so they
carry every trace of ink, and scanner noise too.

What noise looks like differs per page (a 1-bit scan has none, a noisy
JPEG a lot, a 150-dpi scan sees more of the outline's blur), but it is the
same for every box of a page. So the reference is the page itself: the
boxes of the page that hold no mark by the ink thresholds are nearly all
empty, and their stroke measures give a robust centre (median) and spread
(scaled median absolute deviation). A box is *clean* when each stroke
measure is within ``noise_sigmas`` spreads of the centre; the spread is at
least ``noise_min_spread`` (a 1-bit page has none at all) and, on a page
with few boxes to learn from, at least the batch's. A box that is not
clean but has too little ink to be marked is a ``faint_mark`` for review:
never a confident blank.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from omr.checkboxes import BoxMeasures
from omr.params import DEFAULT_PARAMS, OmrParams

_MAD_TO_SIGMA = 1.4826
_MIN_PAGE_BOXES = 8  # fewer reference boxes on a page: the batch's spread is a floor too


FEATURES = ("line", "speck", "line_out")
"""The stroke measures the model covers (fields of :class:`BoxMeasures`)."""


@dataclass(frozen=True)
class NoiseModel:
    """Centre and spread of the stroke measures of a page's empty boxes.

    Attributes:
        levels: the median of each of :data:`FEATURES` over the reference boxes.
        spreads: their robust spreads (at least the floors; ``inf``: unknown).
        boxes: how many reference boxes the model saw.
    """

    levels: tuple[float, ...]
    spreads: tuple[float, ...]
    boxes: int


def _robust(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Median and MAD-based sigma of each row of ``values`` ``(k, n)``: one numpy call each."""
    if values.shape[1] == 0:
        return np.zeros(len(values)), np.zeros(len(values))
    level = np.median(values, axis=1)
    return level, _MAD_TO_SIGMA * np.median(np.abs(values - level[:, None]), axis=1)


def _floors(params: OmrParams) -> tuple[float, float, float]:
    line, speck = params.noise_min_spread
    return line, speck, line


def fit_noise(
    measures: BoxMeasures,
    reference: np.ndarray,
    *,
    prior: NoiseModel | None = None,
    params: OmrParams = DEFAULT_PARAMS,
) -> NoiseModel:
    """The noise model of one page (or, for the batch prior, of many pages).

    Args:
        measures: the boxes' measures.
        reference: which boxes may serve as empty references (readable and
            without a mark by the ink thresholds), boolean ``(n,)``.
        prior: the batch's model, used where the page has few reference boxes.
        params: ``noise_min_spread``.
    """
    unknown = NoiseModel((0.0,) * len(FEATURES), (np.inf,) * len(FEATURES), 0)
    if any(getattr(measures, f).size != len(measures) for f in FEATURES):
        return unknown  # measures written by an older version carry no stroke measures
    count = int(np.count_nonzero(reference))
    stack = np.stack([getattr(measures, name)[reference] for name in FEATURES]).astype(np.float64)
    page_levels, page_spreads = _robust(stack)
    levels, spreads = [], []
    for k, floor in enumerate(_floors(params)):
        level, spread = float(page_levels[k]), float(page_spreads[k])
        if prior is not None and len(prior.levels) == len(FEATURES) and count < _MIN_PAGE_BOXES:
            if count < 3:
                level = prior.levels[k]
            floor = max(floor, prior.spreads[k])
        levels.append(level)
        spreads.append(max(spread, floor))
    return NoiseModel(tuple(levels), tuple(spreads), count)


def evidence(measures: BoxMeasures, model: NoiseModel) -> tuple[np.ndarray, np.ndarray]:
    """Ink evidence of each box in spreads above the empty boxes' centre.

    Returns:
        ``(inside, outside)`` ``float64`` ``(n,)``: the larger standardised
        excess of ``line`` and ``speck`` (ink in the box), and that of
        ``line_out`` (ink just outside it). Evidence of at least
        ``noise_sigmas`` is not clean.
    """
    n = len(measures)
    if not all(np.isfinite(model.spreads)) or any(getattr(measures, f).size != n for f in FEATURES):
        return np.zeros(n), np.zeros(n)
    z = [
        (getattr(measures, name).astype(np.float64) - level) / spread
        for name, level, spread in zip(FEATURES, model.levels, model.spreads, strict=True)
    ]
    return np.maximum(z[0], z[1]), z[2]


_CREASE_TOLERANCE_PT = 1.5  # traces this close to one line across the page belong to it
_CREASE_BOXES = 3  # a crease crosses at least this many boxes ...
_CREASE_SPAN_PT = 40.0  # ... spread over at least this length of the page
_CREASE_SLOPE = 0.07  # and runs within 4 degrees of the page's axis


def creases(measures: BoxMeasures, candidates: np.ndarray) -> np.ndarray:
    """Which candidate traces lie on one straight line across the page: a fold's crease.

    A fold leaves a thin line, as faint as a light pen, straight across the
    page: through every box of a column (a vertical fold) or a row (a
    horizontal one). Its traces run along it, in the same direction, at the
    same page position. A mark has its own place and angle in its own box;
    several faint marks do not line up within a point and a half over a
    stretch of the page.

    Args:
        measures: the boxes' measures (``trace_at``, ``trace_direction``).
        candidates: the boxes whose traces stand out (boolean ``(n,)``).

    Returns:
        Boolean ``(n,)``: the candidates explained by a crease.
    """
    n = len(measures)
    out = np.zeros(n, dtype=bool)
    if measures.trace_at.shape[0] != n:
        return out
    for direction, axis in ((0, 1), (1, 0)):  # horizontal runs share y, vertical runs x
        picked = np.flatnonzero(candidates & (measures.trace_direction == direction))
        if picked.size < _CREASE_BOXES:
            continue
        key = measures.trace_at[picked, axis].astype(np.float64)
        along = measures.trace_at[picked, 1 - axis].astype(np.float64)
        order = np.argsort(key)
        key, along, picked = key[order], along[order], picked[order]
        # Split into runs of traces whose positions follow one another within the tolerance.
        starts = np.flatnonzero(np.diff(key, prepend=-np.inf) > _CREASE_TOLERANCE_PT)
        for a, b in zip(starts, [*starts[1:], key.size], strict=True):
            if b - a < _CREASE_BOXES or np.ptp(along[a:b]) < _CREASE_SPAN_PT:
                continue
            # One straight line, within a few degrees of the page's axis.
            slope, offset = np.polyfit(along[a:b], key[a:b], 1)
            misfit = np.abs(key[a:b] - (slope * along[a:b] + offset)).max()
            if abs(slope) <= _CREASE_SLOPE and misfit <= _CREASE_TOLERANCE_PT:
                out[picked[a:b]] = True
    return out


def pen_at_limit(
    excess: np.ndarray, traced: np.ndarray, params: OmrParams = DEFAULT_PARAMS
) -> bool:
    """Whether the page's pen writes at the edge of what the scan shows.

    A respondent writes a page with one pen and one hand; its marks differ
    in pressure and length, so their ink evidence scatters. When the
    faintest of them (a faint box, or a marked one) stands less than
    ``faint_pen_sigmas`` spreads above the page's empty boxes, the scatter
    reaches down to the noise: another mark of the same pen, a little
    lighter or shorter, may stand below ``noise_sigmas`` and look like an
    empty box (a thin tick at 200 dpi behind blur and noise). Its
    unanswered questions are then not certain.

    Args:
        excess: each box's ink evidence in spreads (:func:`evidence`).
        traced: the boxes that hold ink by it (at least ``noise_sigmas``,
            crease traces excluded), readable and not filled.
        params: ``faint_pen_sigmas``.
    """
    if not traced.any():
        return False
    return float(excess[traced].min()) < params.faint_pen_sigmas


class InkLoss(IntEnum):
    """How far a 1-bit page's readings can be trusted (:func:`ink_may_be_lost`)."""

    NONE = 0
    """The pen had margin above the threshold: the page reads as a gray one does."""
    BLANKS = 1
    """Marks may be gone: an unanswered question is not sure."""
    ANY = 2
    """Marks are gone or thin ones cannot survive: no question is sure, answered ones neither."""


def ink_may_be_lost(
    measures: BoxMeasures, marked: np.ndarray, dpi: float, params: OmrParams = DEFAULT_PARAMS
) -> InkLoss:
    """Whether a 1-bit page's threshold may have dropped marks, and which readings that touches.

    A scanner's black-and-white threshold keeps a stroke only where the pen,
    blurred by the optics, is darker than the threshold: a light pen, or a
    thin stroke at low resolution, leaves not a pixel, and its box is as
    clean as an empty one. No measure of such a box can tell; the page's
    surviving marks can say whether the pen had margin.

    * It had none at all (:attr:`InkLoss.ANY`) when fewer than
      ``bilevel_min_marks`` single-layer marks survived, or when the scan is
      coarser than ``bilevel_min_dpi`` (a thin stroke blurs away before the
      threshold whatever the pen: the second mark of a double with it). A
      page whose marks fell under the threshold looks unanswered, and what
      survived may be where a light pen's strokes lie over one another: the
      hatch of a fill (a cancelled box, beside the cross that was lost) or a
      scribble, twice as dark where they overlap. Such a mark
      (``crossings`` at least ``bilevel_layered_crossings``) proves nothing
      of a single stroke, and a hatched fill reads as a cross. Then an
      answered question is not sure either, and every question goes to review.
    * It had little (:attr:`InkLoss.BLANKS`) when the weakest surviving
      mark's strokes broke up (its ``line``, the darkest straight run, below
      ``bilevel_solid_line``: a solid 1-bit stroke runs fully dark). Then the
      unanswered questions go to review.

    Measured on the round trip (``docs/omr.md``): on 1-bit pages of the hard
    profile half the questions read as unanswered had been answered, and the
    answered questions read wrong (a surviving fill read as the answer, a
    double's second mark gone) were all on pages of the first kind.

    Args:
        measures: the page's box measures.
        marked: which boxes hold a cross or tick (not a fill: a filled box
            survives a threshold that drops strokes), boolean ``(n,)``.
        dpi: the page's resolution from its registration.
        params: ``bilevel_min_marks``, ``bilevel_layered_crossings``,
            ``bilevel_solid_line``, ``bilevel_min_dpi``.
    """
    surviving = int(np.count_nonzero(marked))
    # Measures pickled before the field have no crossings (or an empty one): all single.
    crossings = getattr(measures, "crossings", None)
    single = surviving
    if crossings is not None and crossings.shape == marked.shape:
        single = int(np.count_nonzero(marked & (crossings < params.bilevel_layered_crossings)))
    if single < params.bilevel_min_marks or (dpi and dpi < params.bilevel_min_dpi):
        return InkLoss.ANY
    if surviving == 0:  # bilevel_min_marks 0: no marks is no evidence either way
        return InkLoss.NONE
    lines = measures.line
    if lines.shape != marked.shape:  # measures of an older version: no stroke measure
        return InkLoss.BLANKS
    return (
        InkLoss.BLANKS if float(lines[marked].min()) < params.bilevel_solid_line else InkLoss.NONE
    )
