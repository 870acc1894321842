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

import numpy as np

from omr.checkboxes import BoxMeasures
from omr.params import DEFAULT_PARAMS, OmrParams

_MAD_TO_SIGMA = 1.4826
_MIN_PAGE_BOXES = 8  # fewer reference boxes on a page: the batch's spread is a floor too


@dataclass(frozen=True)
class NoiseModel:
    """Centre and spread of the stroke measures of a page's empty boxes.

    Attributes:
        line_level: median ``line`` of the reference boxes.
        line_spread: robust spread of ``line`` (at least the floor).
        speck_level: median ``speck`` of the reference boxes.
        speck_spread: robust spread of ``speck`` (at least the floor).
        boxes: how many reference boxes the model saw.
    """

    line_level: float
    line_spread: float
    speck_level: float
    speck_spread: float
    boxes: int


def _robust(values: np.ndarray) -> tuple[float, float]:
    if values.size == 0:
        return 0.0, 0.0
    level = float(np.median(values))
    return level, float(_MAD_TO_SIGMA * np.median(np.abs(values - level)))


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
    if measures.line.size != len(measures):
        # Measures written by an older version carry no stroke measures.
        return NoiseModel(0.0, np.inf, 0.0, np.inf, 0)
    line_level, line_spread = _robust(measures.line[reference].astype(np.float64))
    speck_level, speck_spread = _robust(measures.speck[reference].astype(np.float64))
    count = int(np.count_nonzero(reference))
    line_floor, speck_floor = params.noise_min_spread
    if prior is not None and count < _MIN_PAGE_BOXES:
        if count < 3:
            line_level, speck_level = prior.line_level, prior.speck_level
        line_floor = max(line_floor, prior.line_spread)
        speck_floor = max(speck_floor, prior.speck_spread)
    return NoiseModel(
        line_level=line_level,
        line_spread=max(line_spread, line_floor),
        speck_level=speck_level,
        speck_spread=max(speck_spread, speck_floor),
        boxes=count,
    )


def evidence(measures: BoxMeasures, model: NoiseModel) -> np.ndarray:
    """Ink evidence of each box in spreads above the empty boxes' centre (``float64`` ``(n,)``).

    The larger of the two stroke measures' standardised excess; a box with
    evidence of at least ``noise_sigmas`` is not clean.
    """
    n = len(measures)
    if measures.line.size != n or not np.isfinite(model.line_spread):
        return np.zeros(n)
    line = (measures.line.astype(np.float64) - model.line_level) / model.line_spread
    speck = (measures.speck.astype(np.float64) - model.speck_level) / model.speck_spread
    return np.maximum(line, speck)
