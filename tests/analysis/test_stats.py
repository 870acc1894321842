"""The intervals and tests behind the figures, against published and hand-computed values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.stats import (
    fpc,
    holm,
    mean_interval,
    one_proportion,
    one_sample_t,
    two_proportions,
    welch,
    wilson_interval,
    z_value,
)


@pytest.mark.parametrize(
    ("n", "t975"),
    [(2, 12.706204736), (3, 4.302652730), (11, 2.228138852), (31, 2.042272456)],
)
def test_t_interval_uses_the_table_value(n: int, t975: float) -> None:
    # Student's t table, 0.975 quantile with n - 1 degrees of freedom
    low, high = mean_interval(7.0, 2.0, n, 0.95)
    assert (high - low) / 2 == pytest.approx(t975 * 2.0 / math.sqrt(n), abs=1e-8)
    assert z_value(0.95) == pytest.approx(1.959963985, abs=1e-8)


def test_finite_population_correction() -> None:
    # 26 answers out of 40: sqrt(14 / 39) = 0.5991; the uncorrected margin is 1.67x wider
    assert fpc(26, 40) == pytest.approx(math.sqrt(14 / 39))
    assert 1 / fpc(26, 40) == pytest.approx(1.669, abs=1e-3)
    assert fpc(40, 40) == 0.0 and fpc(10, None) == 1.0 and fpc(10, 0) == 1.0
    low, high = mean_interval(7.0, 2.0, 26, 0.95, population=40)
    plain = mean_interval(7.0, 2.0, 26, 0.95)
    assert (high - low) == pytest.approx((plain[1] - plain[0]) * math.sqrt(14 / 39))


def test_wilson_by_hand() -> None:
    # Newcombe (1998), table I: 3 of 10 gives 0.1078 to 0.6032
    assert wilson_interval(3, 10, 0.95) == (
        pytest.approx(0.10779127, abs=1e-7),
        pytest.approx(0.60322185, abs=1e-7),
    )
    # with the finite population correction the critical value is z * f (20 of 26, N = 40)
    z = 1.959963985 * math.sqrt(14 / 39)
    n, p = 26, 20 / 26
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    assert wilson_interval(20, 26, 0.95, population=40) == (
        pytest.approx(centre - half, abs=1e-9),
        pytest.approx(centre + half, abs=1e-9),
    )
    assert wilson_interval(5, 40, 0.95, population=40) == (0.125, 0.125)  # a census


def test_tests_against_hand_computed_p_values() -> None:
    # one-sample t: mean 7.5, sd 1.0801 (n = 10) against 6.5: t = 2.928 on 9 df, p = 0.01682
    # (R: 2 * pt(-2.9277, 9))
    assert one_sample_t(7.5, 1.0801234497, 10, 6.5).p_value == pytest.approx(0.01682, abs=1e-5)
    # Welch: the same against 7.0 with the same sd and n: t = 1.035, df = 18, p = 0.3144
    r = welch(7.5, 1.0801234497, 10, 7.0, 1.0801234497, 10)
    assert (r.method, r.p_value) == ("welch", pytest.approx(0.3144, abs=1e-3))
    # two proportions 30/50 against 40/100: pooled z = 2.3146, p = 0.0206 (chi-squared, no Yates)
    r = two_proportions(30, 50, 40, 100)
    assert (r.method, r.p_value) == ("chi2", pytest.approx(0.020638, abs=1e-5))
    # Fisher's tea-tasting lady (Fisher 1935): 3 of 4 right, two-sided p = 0.4857
    r = two_proportions(3, 4, 1, 4)
    assert (r.method, r.p_value) == ("fisher", pytest.approx(0.485714, abs=1e-5))
    # exact binomial: 7 of 10 against 0.5, 2 * (120 + 45 + 10 + 1) / 1024 = 0.34375
    r = one_proportion(7, 10, 0.5)
    assert (r.method, r.p_value) == ("binomial", pytest.approx(0.34375, abs=1e-12))
    assert math.isnan(one_sample_t(7.0, 0.0, 10, 6.0).p_value)


def test_holm_by_hand() -> None:
    # sorted 0.005, 0.01, 0.03, 0.04 times 4, 3, 2, 1: 0.02, 0.03, 0.06, max(0.06, 0.04)
    adjusted = holm([0.01, 0.04, 0.03, 0.005])
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])
    with_unknown = holm([0.5, math.nan, 0.02])
    assert with_unknown[0] == pytest.approx(0.5) and math.isnan(with_unknown[1])
    assert with_unknown[2] == pytest.approx(0.04)


@given(count=st.integers(0, 300), extra=st.integers(1, 300), more=st.integers(0, 3000))
def test_corrected_wilson_holds_p_and_is_never_wider(count: int, extra: int, more: int) -> None:
    n = count + extra
    low, high = wilson_interval(count, n, 0.95, population=n + more)
    plain = wilson_interval(count, n, 0.95)
    assert 0.0 <= low <= count / n <= high <= 1.0
    assert high - low <= plain[1] - plain[0] + 1e-12
