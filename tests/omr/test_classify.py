"""omr.classify: box states, confidences and doubts from measures."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from omr.classify import DOUBT_BITS, classify
from omr.params import OmrParams
from survey.pageresult import BoxState, ReviewReason
from tests.omr.measures import measures

P = OmrParams()


def _line(elongation: float, *reach: float) -> dict[str, object]:
    """The measures of a pen line through a box: how long it is and how far it reaches out."""
    return {
        "ink": 0.1,
        "core": 0.1,
        "coverage": 0.2,
        "elongation": elongation,
        "reach": list(reach),
    }


@pytest.mark.parametrize(
    ("values", "state", "doubt"),
    [
        ({}, BoxState.EMPTY, None),
        ({"ink": 0.2, "core": 0.3, "coverage": 0.35}, BoxState.MARKED, None),
        ({"ink": 0.03, "core": 0.2, "coverage": 0.1}, BoxState.MARKED, None),  # a small dot
        ({"ink": 0.02, "coverage": 1.0}, BoxState.FILLED, None),
        ({"ink": 0.1, "core": 0.1, "coverage": 0.8}, None, ReviewReason.PARTLY_FILLED),
        ({"ink": 0.022, "core": 0.03}, None, ReviewReason.UNCERTAIN_MARK),  # faint pencil
        ({"outline": 0.0}, BoxState.EMPTY, ReviewReason.UNREADABLE),
        ({"spill": 0.08}, BoxState.EMPTY, ReviewReason.MARK_OUTSIDE_BOX),
        (_line(20.0, 5.0, 0.0), BoxState.MARKED, ReviewReason.STRAY_LINE),
        (_line(8.0, 7.0, 0.0), BoxState.MARKED, ReviewReason.STRAY_LINE),
        (_line(4.0, 13.0, 0.0), BoxState.MARKED, ReviewReason.STRAY_LINE),
        (_line(4.0, 9.0, 5.0), BoxState.MARKED, None),  # an overshooting cross
        (_line(8.0, 4.0, 4.0), BoxState.MARKED, ReviewReason.STRAY_LINE),
        (_line(8.0, 3.0, 1.0), BoxState.MARKED, None),  # a tick's overshoot
    ],
)
def test_rules(
    values: dict[str, object], state: BoxState | None, doubt: ReviewReason | None
) -> None:
    c = classify(measures(1, **values))
    if state is not None:
        assert c.states[0] == state
    if doubt is None:
        assert c.doubts[0] == 0
        assert c.confidence[0] >= P.review_below
    else:
        assert c.doubts[0] & DOUBT_BITS[doubt]
        assert c.confidence[0] < P.review_below


def test_on_a_1bit_page_a_mark_whose_strokes_broke_up_is_in_doubt() -> None:
    """Solid black runs are a pen's; a mark of mostly gaps may be the threshold's speckle
    of a fold's shadow or of noise, as likely as a light stroke broken up."""
    mark = {"ink": 0.04, "core": 0.08, "coverage": 0.09}
    speckle = measures(2, **mark, line=np.array([0.5, 1.0]))
    c = classify(speckle, bilevel=True)
    assert list(c.states) == [BoxState.MARKED, BoxState.MARKED]
    assert c.doubts[0] & DOUBT_BITS[ReviewReason.UNCERTAIN_MARK]
    assert c.confidence[0] < P.review_below
    assert c.doubts[1] == 0  # a solid stroke
    gray = classify(speckle)  # on a gray page the line response means something else
    assert not gray.doubts[0] & DOUBT_BITS[ReviewReason.UNCERTAIN_MARK]


def test_confidence_grows_away_from_the_thresholds() -> None:
    ink = np.array([0.0, 0.005, 0.012, 0.035, 0.06, 0.2])
    c = classify(measures(6, ink=ink))
    assert list(c.states) == [0, 0, 0, 1, 1, 1]
    assert c.confidence[0] > c.confidence[2] and c.confidence[5] > c.confidence[3]


@settings(max_examples=200, deadline=None)
@given(
    ink=st.floats(0, 1),
    core=st.floats(0, 1),
    coverage=st.floats(0, 1),
    spill=st.floats(0, 0.5),
    outline=st.floats(0, 1),
)
def test_any_measures_give_a_valid_state_and_doubtful_means_unsure(
    ink: float, core: float, coverage: float, spill: float, outline: float
) -> None:
    c = classify(measures(1, ink=ink, core=core, coverage=coverage, spill=spill, outline=outline))
    assert int(c.states[0]) in (0, 1, 2)
    assert 0.0 <= c.confidence[0] <= 1.0
    assert (c.doubts[0] != 0) == (c.confidence[0] < P.review_below)
