"""Confidence intervals and significance tests, computed with scipy.stats.

The metrics (:mod:`analysis.metrics`) state their definitions; this module
holds the calls to the well-kept library behind them, so that no
distribution function is written by hand:

* the **finite population correction** ``sqrt((N - n) / (N - 1))``: a round
  asks a known, small population (a municipality's benefit recipients), so the
  uncertainty of a figure shrinks as the responses approach the whole
  population (:func:`fpc`);
* the **t interval** of a mean (``scipy.stats.t``), with that correction;
* the **Wilson score interval** of a share (``scipy.stats.binomtest``), with
  the correction applied to its critical value (the interval solves
  ``|p̂ - p| <= z · f · sqrt(p (1 - p) / n)``, which is Wilson's interval
  with ``z · f`` for ``z``);
* **tests**: Welch's t-test from summary statistics
  (``scipy.stats.ttest_ind_from_stats``), the one-sample t-test, the
  chi-squared test of a 2x2 table without continuity correction (the same p
  as the pooled two-proportion z-test) or **Fisher's exact test** when an
  expected count is below :data:`MIN_EXPECTED`, and the **exact binomial
  test** against a fixed share;
* **Holm's step-down adjustment** of several p-values (:func:`holm`), the
  report's policy for the many comparisons of one chapter.

Tests do not use the finite population correction: the previous round and a
reference group are other populations (or the same one at another time), and
leaving it out keeps the tests conservative.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from scipy import stats as st

MIN_EXPECTED = 5.0
"""Below this expected count in a 2x2 table, Fisher's exact test replaces the chi-squared test."""


@dataclass(frozen=True)
class TestResult:
    """A two-sided p-value and the name of the test that gave it.

    Attributes:
        p_value: two-sided, ``nan`` when no test was possible.
        method: ``welch``, ``t``, ``chi2``, ``fisher``, ``binomial`` or ``z``; ``""`` for none.
    """

    p_value: float
    method: str


NO_TEST = TestResult(math.nan, "")


def fpc(n: int, population: int | None) -> float:
    """The finite population correction factor for ``n`` responses out of ``population``.

    1 when the population is unknown (``None`` or 0); 0 when every member
    answered (a census has no sampling error).
    """
    if not population:
        return 1.0
    if n >= population:
        return 0.0
    return math.sqrt((population - n) / (population - 1))


def z_value(confidence: float) -> float:
    """The two-sided critical value of the standard normal distribution (1.96 for 95%)."""
    return float(st.norm.ppf(0.5 + confidence / 2.0))


def mean_interval(
    mean: float, sd: float, n: int, confidence: float, population: int | None = None
) -> tuple[float, float]:
    """The t interval ``mean ± t(1 - α/2, n - 1) · f · sd / sqrt(n)``; ``nan`` for ``n < 2``."""
    if n < 2 or math.isnan(sd):
        return math.nan, math.nan
    half = float(st.t.ppf(0.5 + confidence / 2.0, n - 1)) * fpc(n, population) * sd / math.sqrt(n)
    return mean - half, mean + half


@lru_cache(maxsize=65536)
def wilson_interval(
    count: int, n: int, confidence: float, population: int | None = None
) -> tuple[float, float]:
    """The Wilson score interval of ``count / n``, finite population corrected."""
    if n <= 0:
        return math.nan, math.nan
    p = count / n
    f = fpc(n, population)
    if f == 0.0:
        return p, p
    level = 2.0 * float(st.norm.cdf(z_value(confidence) * f)) - 1.0
    ci = st.binomtest(count, n).proportion_ci(confidence_level=level, method="wilson")
    # the interval always holds p itself (rounding can push an end past it otherwise)
    return min(p, float(ci.low)), max(p, float(ci.high))


def welch(m1: float, s1: float, n1: int, m2: float, s2: float, n2: int) -> TestResult:
    """Welch's t-test of two means from their standard deviations and sizes."""
    if n1 < 2 or n2 < 2 or (s1 <= 0 and s2 <= 0):
        return NO_TEST
    r = st.ttest_ind_from_stats(m1, s1, n1, m2, s2, n2, equal_var=False)
    return TestResult(float(r.pvalue), "welch")


def one_sample_t(mean: float, sd: float, n: int, mu: float) -> TestResult:
    """The one-sample t-test of a mean against a fixed value."""
    if n < 2 or not sd > 0:
        return NO_TEST
    t = (mean - mu) / (sd / math.sqrt(n))
    return TestResult(float(2.0 * st.t.sf(abs(t), n - 1)), "t")


def two_proportions(c1: int, n1: int, c2: int, n2: int) -> TestResult:
    """Two independent shares: chi-squared on the 2x2 table, or Fisher when counts are small."""
    if n1 <= 0 or n2 <= 0:
        return NO_TEST
    table = [[c1, n1 - c1], [c2, n2 - c2]]
    if (c1 + c2) == 0 or (c1 + c2) == n1 + n2:
        return TestResult(1.0, "fisher")
    expected = st.contingency.expected_freq(table)
    if float(expected.min()) < MIN_EXPECTED:
        return TestResult(float(st.fisher_exact(table).pvalue), "fisher")
    chi2 = st.chi2_contingency(table, correction=False)
    return TestResult(float(chi2.pvalue), "chi2")


def one_proportion(count: int, n: int, p0: float) -> TestResult:
    """The exact binomial test of ``count / n`` against a fixed share ``p0``."""
    if n <= 0 or not 0.0 <= p0 <= 1.0:
        return NO_TEST
    return TestResult(float(st.binomtest(count, n, p0).pvalue), "binomial")


def normal_test(difference: float, se: float) -> TestResult:
    """A z-test of a difference with a known standard error (the net score)."""
    if not se > 0:
        return NO_TEST
    return TestResult(float(2.0 * st.norm.sf(abs(difference) / se)), "z")


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (``nan`` stays ``nan``).

    The smallest of ``m`` p-values is multiplied by ``m``, the next by
    ``m - 1``, and so on, each kept at least as large as the one before and
    at most 1 (Holm 1979). It controls the chance of any false "significant"
    among the family without assuming the tests are independent.
    """
    known = sorted((p, i) for i, p in enumerate(p_values) if not math.isnan(p))
    out = [math.nan] * len(p_values)
    m = len(known)
    running = 0.0
    for rank, (p, i) in enumerate(known):
        running = max(running, min(1.0, (m - rank) * p))
        out[i] = running
    return out
