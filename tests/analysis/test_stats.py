"""The distribution functions behind the confidence intervals and tests."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.stats import (
    betainc,
    normal_quantile,
    t_cdf,
    t_quantile,
    two_sided_p_t,
    two_sided_p_z,
)


@pytest.mark.parametrize(
    ("p", "df", "expected"),
    [
        (0.975, 1, 12.706204736),
        (0.975, 2, 4.302652730),
        (0.975, 10, 2.228138852),
        (0.975, 30, 2.042272456),
        (0.995, 4, 4.604094871),
        (0.975, 1000, 1.962339081),
    ],
)
def test_t_quantile_matches_tables(p: float, df: int, expected: float) -> None:
    assert t_quantile(p, df) == pytest.approx(expected, abs=1e-8)


def test_normal_and_p_values() -> None:
    assert normal_quantile(0.975) == pytest.approx(1.959963985, abs=1e-8)
    assert two_sided_p_z(1.959963985) == pytest.approx(0.05, abs=1e-8)
    assert two_sided_p_t(2.228138852, 10) == pytest.approx(0.05, abs=1e-8)
    assert betainc(2, 3, 0.4) == pytest.approx(0.5248, abs=1e-10)  # 1 - (1-x)^3 (1+3x)


@given(p=st.floats(0.001, 0.999), df=st.integers(1, 500))
def test_t_quantile_inverts_the_cdf(p: float, df: int) -> None:
    t = t_quantile(p, df)
    assert t_cdf(t, df) == pytest.approx(p, abs=1e-9)
    assert t_quantile(1 - p, df) == pytest.approx(-t, abs=1e-7 * max(1.0, abs(t)))


@given(df=st.integers(1, 200))
def test_t_quantile_falls_towards_the_normal(df: int) -> None:
    assert t_quantile(0.975, df) > t_quantile(0.975, df + 1) > normal_quantile(0.975)
    assert not math.isnan(t_quantile(0.975, df))
