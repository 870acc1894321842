"""Per-batch calibration of the box thresholds.

Pens and scanners differ per batch: a batch filled in with soft pencil and
scanned light has fainter marks than one in black ballpoint. Since most boxes
of any batch are empty and most of the rest are crosses, the batch's own box
measures show both populations; the thresholds are placed from them:

* the empty population (median and spread of the ink of boxes well below the
  default mark threshold) sets how much ink an empty box may show;
* the cross population (median ink of clearly marked, not filled boxes) sets
  how little ink a mark may have: a fixed share of the typical mark, so a
  batch filled in with pencil gets a lower mark threshold; it is never
  raised above the default, and always stays well above the empty threshold.

Both are clamped to a safe range around the documented defaults, so a
strange batch can move a threshold but never turn it into nonsense. The core
thresholds (for small dots) move by the same factors. A batch with fewer than
``calibration_min_boxes`` boxes keeps the defaults.

Two passes make this work in ingest: measure every page of the batch
(:func:`omr.page.measure_page`), fit here, then classify every page
(:func:`omr.page.finish_page`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from omr.checkboxes import BoxMeasures
from omr.noise import NoiseModel, fit_noise
from omr.params import DEFAULT_PARAMS, OmrParams

# How far a fitted threshold may move from its default (factor down, factor up).
_EMPTY_RANGE = (0.7, 2.0)
_MARK_RANGE = (0.6, 1.0)
_MARK_SHARE = 0.3  # the mark threshold as a share of the batch's typical cross
_EMPTY_SIGMAS = 8.0  # the empty threshold this many robust deviations above the empty median
_GAP = 2.0  # the mark threshold is at least this multiple of the empty threshold
_MIN_MARKED = 40  # crosses needed before the mark threshold follows the batch


@dataclass(frozen=True)
class Calibration:
    """Box thresholds for one batch.

    Attributes:
        empty_max_ink: a box with less mean inner ink is empty.
        mark_min_ink: a box with more mean inner ink (and a cross-like
            coverage) is marked. In between, the box is uncertain.
        empty_max_core: like ``empty_max_ink``, for the ink of the core.
        mark_min_core: like ``mark_min_ink``, for the ink of the core.
        empty_level: typical ink of an empty box in the batch.
        mark_level: typical ink of a cross in the batch (0 when unknown).
        boxes: how many box measures the fit saw (0 for the defaults).
        source: ``default`` or ``batch``.
        noise_levels: the batch's empty boxes: median of each stroke measure
            of :data:`omr.noise.FEATURES` (empty: unknown).
        noise_spreads: their robust spreads.
    """

    empty_max_ink: float
    mark_min_ink: float
    empty_max_core: float
    mark_min_core: float
    empty_level: float = 0.0
    mark_level: float = 0.0
    boxes: int = 0
    source: str = "default"
    noise_levels: tuple[float, ...] = ()
    noise_spreads: tuple[float, ...] = ()

    def noise_prior(self) -> NoiseModel | None:
        """The batch's empty-box noise, the floor for pages with few boxes (``None``: unknown)."""
        if self.source != "batch" or not self.noise_levels:
            return None
        return NoiseModel(tuple(self.noise_levels), tuple(self.noise_spreads), self.boxes)

    @classmethod
    def default(cls, params: OmrParams = DEFAULT_PARAMS) -> Calibration:
        """The documented default thresholds of ``params``."""
        return cls(
            empty_max_ink=params.empty_max_ink,
            mark_min_ink=params.mark_min_ink,
            empty_max_core=params.empty_max_core,
            mark_min_core=params.mark_min_core,
        )


def fit_calibration(measures: BoxMeasures, params: OmrParams = DEFAULT_PARAMS) -> Calibration:
    """Fit the thresholds to the box measures of a batch.

    Args:
        measures: the measures of every box of the batch's readable pages
            (see :meth:`BoxMeasures.concat`).
        params: the defaults and limits.

    Returns:
        The batch's calibration, or the defaults for a small batch.
    """
    default = Calibration.default(params)
    readable = measures.outline >= params.min_outline
    ink = measures.ink[readable].astype(np.float64)
    coverage = measures.coverage[readable]
    if ink.size < params.calibration_min_boxes:
        return Calibration(
            default.empty_max_ink,
            default.mark_min_ink,
            default.empty_max_core,
            default.mark_min_core,
            boxes=int(ink.size),
            source="default",
        )
    empty = ink[ink < params.mark_min_ink]
    empty_level = float(np.median(empty)) if empty.size else 0.0
    spread = float(1.4826 * np.median(np.abs(empty - empty_level))) if empty.size else 0.0
    empty_max = empty_level + _EMPTY_SIGMAS * spread + 0.005
    empty_max = float(
        np.clip(
            empty_max,
            _EMPTY_RANGE[0] * params.empty_max_ink,
            _EMPTY_RANGE[1] * params.empty_max_ink,
        )
    )
    crosses = ink[(ink >= 2 * params.mark_min_ink) & (coverage < params.cross_max_coverage)]
    mark_level = float(np.median(crosses)) if crosses.size else 0.0
    mark_min = params.mark_min_ink
    if crosses.size >= _MIN_MARKED:
        mark_min = float(
            np.clip(
                _MARK_SHARE * mark_level,
                _MARK_RANGE[0] * params.mark_min_ink,
                _MARK_RANGE[1] * params.mark_min_ink,
            )
        )
    # Keep a gap between the two thresholds: the uncertain band is where review happens.
    mark_min = max(mark_min, empty_max * _GAP)
    empty_factor = empty_max / params.empty_max_ink
    quiet = fit_noise(
        measures,
        readable
        & (measures.ink < params.mark_min_ink)
        & (measures.coverage < params.cross_max_coverage),
        params=params,
    )
    mark_factor = mark_min / params.mark_min_ink
    return Calibration(
        empty_max_ink=empty_max,
        mark_min_ink=mark_min,
        empty_max_core=params.empty_max_core * empty_factor,
        mark_min_core=max(
            params.mark_min_core * mark_factor, params.empty_max_core * empty_factor * _GAP
        ),
        empty_level=empty_level,
        mark_level=mark_level,
        boxes=int(ink.size),
        source="batch",
        noise_levels=quiet.levels if all(np.isfinite(quiet.spreads)) else (),
        noise_spreads=quiet.spreads if all(np.isfinite(quiet.spreads)) else (),
    )
