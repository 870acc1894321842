"""omr.noise and the faint-mark rule: no confident blank where a page's empty boxes say ink is."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from omr.classify import DOUBT_BITS, classify
from omr.noise import evidence, fit_noise
from omr.params import OmrParams
from survey.pageresult import BoxState, ReviewReason
from tests.omr.measures import measures

P = OmrParams()
FAINT = DOUBT_BITS[ReviewReason.FAINT_MARK]
BESIDE = DOUBT_BITS[ReviewReason.MARK_OUTSIDE_BOX]


def _page(n: int = 40, seed: int = 0, level: float = 0.02, spread: float = 0.004, **over: object):
    """``n`` empty boxes whose stroke measures scatter like scanner noise around ``level``."""
    rng = np.random.default_rng(seed)
    line = level + spread * rng.standard_normal(n)
    speck = 1.5 * level + spread * rng.standard_normal(n)
    return measures(n, line=line, speck=speck, line_out=line, **over)


def test_a_clean_page_reads_every_box_as_a_confident_blank() -> None:
    c = classify(_page())
    assert np.all(c.states == BoxState.EMPTY)
    assert np.all(c.doubts == 0)
    assert np.all(c.confidence >= P.review_below)


def test_a_thin_line_that_the_ink_floor_removed_is_a_faint_mark() -> None:
    m = _page()
    line = m.line.copy()
    line[7] = 0.12  # a thin tick: zero ink after the floor, but a clear straight run
    c = classify(measures(40, line=line, speck=m.speck, line_out=m.line_out))
    assert c.states[7] == BoxState.EMPTY
    assert c.doubts[7] & FAINT
    assert c.confidence[7] < P.review_below
    assert np.count_nonzero(c.doubts) == 1


def test_the_same_trace_on_a_noisy_page_is_noise() -> None:
    """What counts is the page's own empty boxes: a noisy JPEG has stronger runs everywhere."""
    noisy = _page(level=0.1, spread=0.012)
    line = noisy.line.copy()
    line[7] = 0.12
    c = classify(measures(40, line=line, speck=noisy.speck, line_out=noisy.line_out))
    assert not c.doubts[7] & FAINT


def test_a_speck_on_a_one_bit_page_counts_and_the_floor_keeps_a_silent_page_sane() -> None:
    """A 1-bit page has no noise at all: the spread floor decides, not a zero MAD."""
    speck = np.zeros(30)
    speck[3] = 0.25  # the remnant of a light stroke the threshold broke up
    c = classify(measures(30, line=np.zeros(30), speck=speck, line_out=np.zeros(30)))
    assert c.doubts[3] & FAINT
    assert np.count_nonzero(c.doubts) == 1


def test_a_trace_just_outside_is_a_mark_beside_the_box_unless_a_neighbour_explains_it() -> None:
    m = _page()
    out = m.line_out.copy()
    out[[4, 9]] = 0.3
    near = np.zeros(40)
    near[9] = 0.2  # box 9's neighbour holds a cross whose arm overshoots
    c = classify(measures(40, line=m.line, speck=m.speck, line_out=out, neighbour_ink=near))
    assert c.doubts[4] & BESIDE
    assert not c.doubts[9]


def test_the_second_box_of_a_double_mark_is_never_silently_empty() -> None:
    m = _page(n=10)
    ink, core, cov, line = (np.zeros(10), np.zeros(10), np.zeros(10), m.line.copy())
    ink[2], core[2], cov[2], line[2] = 0.2, 0.3, 0.35, 0.7  # one clear cross
    line[5] = 0.15  # and the remnant of a second
    c = classify(measures(10, ink=ink, core=core, coverage=cov, line=line, speck=m.speck))
    assert c.states[2] == BoxState.MARKED
    assert c.doubts[5] & FAINT


def test_few_boxes_borrow_the_batch_spread() -> None:
    m = _page(n=4, spread=0.0005)
    page_only = fit_noise(m, np.ones(4, dtype=bool))
    prior = fit_noise(_page(n=400, spread=0.03), np.ones(400, dtype=bool))
    with_prior = fit_noise(m, np.ones(4, dtype=bool), prior=prior)
    assert page_only.spreads[0] == P.noise_min_spread[0]
    assert with_prior.spreads[0] >= 0.025


def test_measures_of_an_older_version_give_no_evidence() -> None:
    m = measures(5)
    old = type(m)(**{**vars(m), "line": np.zeros(0, np.float32)})
    model = fit_noise(old, np.ones(5, dtype=bool))
    inside, outside = evidence(old, model)
    assert not inside.any() and not outside.any()


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    st.integers(0, 10_000),
    st.floats(0.0, 0.2),
    st.floats(0.0005, 0.03),
    st.integers(0, 39),
    st.floats(0.0, 1.0),
)
def test_a_box_far_above_its_page_noise_is_never_a_confident_blank(
    seed: int, level: float, spread: float, box: int, extra: float
) -> None:
    m = _page(seed=seed, level=level, spread=spread)
    line = m.line.copy()
    model = fit_noise(m, np.ones(40, dtype=bool))
    line[box] = model.levels[0] + P.noise_sigmas * model.spreads[0] * 1.5 + extra
    c = classify(measures(40, line=line, speck=m.speck, line_out=m.line_out))
    assert c.states[box] != BoxState.EMPTY or c.doubts[box] or c.confidence[box] < P.review_below


def test_a_1bit_page_tells_when_its_threshold_may_have_dropped_marks() -> None:
    """Fewer than two surviving marks or a coarse scan: nothing is sure; a broken-up weakest
    mark: the unanswered questions are not."""
    from omr.noise import InkLoss, ink_may_be_lost
    from tests.omr.measures import measures

    solid = measures(4, line=np.array([1.0, 1.0, 0.99, 0.0]))
    marked = np.array([True, True, True, False])
    assert ink_may_be_lost(solid, marked, 300.0) is InkLoss.NONE
    assert ink_may_be_lost(solid, np.array([True, False, False, False]), 300.0) is InkLoss.ANY
    assert ink_may_be_lost(solid, np.zeros(4, bool), 300.0) is InkLoss.ANY
    assert ink_may_be_lost(solid, marked, 200.0) is InkLoss.ANY
    broken = measures(4, line=np.array([1.0, 0.6, 1.0, 0.0]))
    assert ink_may_be_lost(broken, marked, 300.0) is InkLoss.BLANKS


def test_a_page_whose_faintest_ink_is_near_its_noise_has_its_pen_at_the_limit() -> None:
    from omr.noise import pen_at_limit

    excess = np.array([0.3, 6.0, 40.0, -0.5])
    assert pen_at_limit(excess, excess >= P.noise_sigmas)  # a faint trace at 6 spreads
    strong = np.array([0.3, 25.0, 40.0, -0.5])
    assert not pen_at_limit(strong, strong >= P.noise_sigmas)
    assert not pen_at_limit(excess, np.zeros(4, bool))  # no ink at all: no pen to judge
