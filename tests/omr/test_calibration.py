"""omr.calibration: per-batch thresholds, safe defaults for small batches."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from omr.calibration import Calibration, fit_calibration
from omr.checkboxes import BoxMeasures
from omr.params import OmrParams
from tests.omr.measures import measures

P = OmrParams()


def _batch(
    rng: np.random.Generator, empty_noise: float, cross_ink: float, n: int = 3000
) -> BoxMeasures:
    marked = rng.random(n) < 0.12
    ink = np.where(
        marked, rng.normal(cross_ink, cross_ink / 4, n), np.abs(rng.normal(0, empty_noise, n))
    )
    coverage = np.where(marked, 0.35, 0.0)
    return measures(n, ink=np.clip(ink, 0, 1), core=np.clip(ink * 1.3, 0, 1), coverage=coverage)


def test_a_small_batch_keeps_the_defaults() -> None:
    cal = fit_calibration(_batch(np.random.default_rng(0), 0.001, 0.2, n=100))
    assert cal.source == "default"
    assert (cal.empty_max_ink, cal.mark_min_ink) == (P.empty_max_ink, P.mark_min_ink)
    assert Calibration.default(P).mark_min_core == P.mark_min_core


def test_a_pencil_batch_gets_a_lower_mark_threshold() -> None:
    pen = fit_calibration(_batch(np.random.default_rng(1), 0.001, 0.2))
    pencil = fit_calibration(_batch(np.random.default_rng(1), 0.001, 0.07))
    assert pen.source == pencil.source == "batch"
    assert pencil.mark_min_ink < pen.mark_min_ink <= P.mark_min_ink
    assert pencil.mark_min_core < pen.mark_min_core


def test_a_noisy_scanner_batch_raises_the_empty_threshold() -> None:
    clean = fit_calibration(_batch(np.random.default_rng(2), 0.0005, 0.2))
    noisy = fit_calibration(_batch(np.random.default_rng(2), 0.003, 0.2))
    assert noisy.empty_max_ink > clean.empty_max_ink
    assert noisy.mark_min_ink >= 2 * noisy.empty_max_ink


@settings(max_examples=30, deadline=None)
@given(noise=st.floats(0, 0.05), cross=st.floats(0.01, 0.6), seed=st.integers(0, 1000))
def test_fitted_thresholds_stay_in_their_safe_ranges(noise: float, cross: float, seed: int) -> None:
    cal = fit_calibration(_batch(np.random.default_rng(seed), noise, cross))
    assert 0.7 * P.empty_max_ink - 1e-9 <= cal.empty_max_ink <= 2.0 * P.empty_max_ink + 1e-9
    assert cal.mark_min_ink >= 2 * cal.empty_max_ink - 1e-9
    assert cal.mark_min_ink >= 0.6 * P.mark_min_ink - 1e-9
    assert cal.mark_min_core >= 2 * cal.empty_max_core - 1e-9
