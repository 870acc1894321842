"""Every figure checked against hand-computed values, and the properties of intervals and suppression."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.metrics import (
    OtherFigure,
    agree_share,
    compare,
    distribution,
    fail_share,
    grade_mean,
    hidden_stat,
    mean_of,
    proportion,
    response_rates,
    suppress_partition,
    suppress_shares,
)
from analysis.scales import Kind, Scale, scales
from survey.questionnaire import default_questionnaire

SCALES = scales(default_questionnaire())
GRADE = SCALES["q01_grade_overall"]
AGREE = SCALES["q19_intake_rights"]


def test_scales_of_the_default_questionnaire() -> None:
    assert GRADE.kind is Kind.GRADE
    assert Scale(Kind.AGREE, ("1", "2", "3", "4", "5"), ("9",), ("4", "5"), ("1", "2")) == AGREE
    assert SCALES["q18_intake_when"].dont_know == ("9",)
    assert SCALES["q56_good_point_explain"].kind is Kind.TEXT
    assert SCALES["q55_good_point"].kind is Kind.SINGLE


def test_grade_mean_by_hand() -> None:
    # 5, 6, 7, 8, 9: mean 7, sd sqrt(2.5), t(0.975, 4) = 2.776445105
    m = grade_mean(pd.Series(["5", "6", None, "7", "8", "9", "x"]), GRADE)
    assert (m.n, m.mean) == (5, 7.0)
    assert m.sd == pytest.approx(math.sqrt(2.5))
    half = 2.776445105 * math.sqrt(2.5) / math.sqrt(5)
    assert (m.low, m.high) == (pytest.approx(7 - half), pytest.approx(7 + half))
    assert m.margin == pytest.approx(half)
    assert math.isnan(grade_mean(pd.Series([], dtype=object), GRADE).mean)


def test_agree_excludes_dont_know() -> None:
    # codes 4, 5, 9, 1, 3, 4 and one empty: 9 is 'weet niet' -> 3 of 5 agree
    s = agree_share(pd.Series(["4", "5", "9", "1", "3", "4", None]), AGREE)
    assert (s.count, s.n, s.p) == (3, 5, 0.6)
    d = distribution(pd.Series(["4", "5", "9", "1", "3", "4"]), AGREE)
    assert d.n == 5 and d.counts == {"1": 1, "2": 0, "3": 1, "4": 2, "5": 1}
    assert fail_share(pd.Series(["3", "5", "6", "10"]), GRADE).p == 0.5


def test_wilson_interval_by_hand() -> None:
    s = proportion(3, 10)
    assert (s.low, s.high) == (
        pytest.approx(0.10779127, abs=1e-7),
        pytest.approx(0.60322185, abs=1e-7),
    )
    edge = proportion(0, 12)
    assert edge.low == 0.0 and 0 < edge.high < 0.3


def test_comparisons_by_hand() -> None:
    m = mean_of([6, 7, 8, 9, 7, 8, 7, 8, 9, 6])  # mean 7.5, sd 1.0801
    one_sample = compare(m, OtherFigure(6.5))
    t = 1.0 / (m.sd / math.sqrt(10))  # 2.928 on 9 df: p = 0.0168
    assert one_sample.difference == pytest.approx(1.0)
    assert one_sample.p_value == pytest.approx(0.016797, abs=1e-4)
    assert one_sample.significant and one_sample.direction == 1 and t > 2.26
    welch = compare(m, OtherFigure(7.0, n=10, sd=1.0801234497346435))
    assert welch.p_value == pytest.approx(0.3152, abs=1e-3)  # t = 1.035, df = 18
    assert not welch.significant and welch.direction == 0
    # two proportions 30/50 against 40/100: pooled 70/150, z = 2.3146, p = 0.0206
    z = compare(proportion(30, 50), OtherFigure(0.4, n=100))
    assert z.p_value == pytest.approx(0.0206, abs=1e-3) and z.direction == 1
    assert math.isnan(compare(mean_of([7.0]), OtherFigure(6.0)).p_value)


@given(st.lists(st.integers(1, 10), min_size=2, max_size=300))
def test_mean_interval_contains_mean_and_shrinks_with_more_data(grades: list[int]) -> None:
    m = mean_of(grades)
    assert m.low <= m.mean <= m.high
    doubled = mean_of(grades * 2)
    assert doubled.mean == pytest.approx(m.mean)
    if m.sd > 0:
        assert doubled.margin < m.margin


@given(count=st.integers(0, 500), extra=st.integers(0, 500))
def test_share_interval_is_within_zero_and_one(count: int, extra: int) -> None:
    n = count + extra
    s = proportion(count, n)
    if n == 0:
        assert math.isnan(s.p)
    else:
        assert 0.0 <= s.low <= s.p <= s.high <= 1.0


@given(st.lists(st.integers(0, 60), min_size=1, max_size=8), st.integers(1, 30))
def test_suppression_hides_every_small_cell_and_never_a_lone_one(counts: list[int], k: int) -> None:
    hide = suppress_partition(counts, k)
    assert all(h for c, h in zip(counts, hide, strict=True) if c < k)
    if len(counts) > 1:
        assert sum(hide) != 1  # one hidden cell could be worked out from the total


def test_response_rates() -> None:
    pop = pd.DataFrame(
        {
            "pseudonym": list("abcdef"),
            "channel": ["email", "email", "paper", "paper", "paper", "paper"],
            "responded": [True, False, True, True, False, False],
            "mode": ["online", None, "paper", "online", None, None],
        }
    )
    (total,) = response_rates(pop)
    assert (total.invited, total.responded, total.paper, total.online) == (6, 3, 1, 2)
    assert total.rate == 0.5
    by = {r.group: r for r in response_rates(pop, "channel")}
    assert by["paper"].rate == 0.5 and by["email"].responded == 1


def test_small_expected_counts_take_fishers_test() -> None:
    # 1 of 12 against 30 of 100: an expected count below 5, so Fisher's exact test
    small = compare(proportion(1, 12), OtherFigure(0.3, n=100))
    assert small.method == "fisher"
    # by hand: the hypergeometric probabilities of 0..12 of the 31 'yes' among the 12,
    # summed over the tables no more likely than the one observed (1 yes)
    prob = [math.comb(31, x) * math.comb(81, 12 - x) / math.comb(112, 12) for x in range(13)]
    assert small.p_value == pytest.approx(sum(q for q in prob if q <= prob[1] * (1 + 1e-7)))
    assert compare(proportion(40, 100), OtherFigure(0.3, n=100)).method == "chi2"
    assert compare(proportion(7, 10), OtherFigure(0.5)).method == "binomial"


def test_a_share_of_few_people_is_hidden() -> None:
    assert hidden_stat(proportion(3, 40), 10)  # 8%, but of 3 people
    assert not hidden_stat(proportion(0, 40), 10)  # nobody: tells nothing about a person
    assert not hidden_stat(proportion(12, 40), 10)
    assert hidden_stat(mean_of([7.0] * 9), 10)
    assert suppress_shares([0, 3, 12, 25], 10) == [False, True, True, False]
    assert suppress_shares([0, 12, 25], 10) == [False, False, False]
