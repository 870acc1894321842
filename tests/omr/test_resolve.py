"""omr.resolve: question values and review reasons from box states."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from omr.classify import DOUBT_BITS, BoxClasses
from omr.noise import InkLoss
from omr.params import DEFAULT_PARAMS, OmrParams
from omr.resolve import PageQuestions, resolve_questions
from survey.pageresult import ReviewReason

E, M, F = 0, 1, 2
QUESTIONS = PageQuestions(
    names=("q1", "q2"),
    multiple=np.array([False, True]),
    index=np.array([0, 0, 0, 1, 1, 1]),
    choices=("1", "2", "3", "a", "b", "c"),
)


def _resolve(
    states: list[int],
    doubts: dict[int, ReviewReason] | None = None,
    params: OmrParams = DEFAULT_PARAMS,
    ink_loss: InkLoss = InkLoss.NONE,
    pen_at_limit: bool = False,
):
    bits = np.zeros(6, np.uint8)
    for i, reason in (doubts or {}).items():
        bits[i] = DOUBT_BITS[reason]
    conf = np.where(bits > 0, 0.3, 0.9).astype(np.float32)
    clips = np.array([[10 * i, 5, 10 * i + 8, 13] for i in range(6)])
    classes = BoxClasses(np.array(states, np.int8), conf, bits, pen_at_limit)
    return resolve_questions(QUESTIONS, classes, clips=clips, params=params, ink_loss=ink_loss)


def test_single_and_multiple_choice_values() -> None:
    q1, q2 = _resolve([E, M, E, M, E, M])
    assert (q1.value, q1.review) == ("2", ())
    assert (q2.value, q2.review) == (("a", "c"), ())
    assert q1.clip_image == (0, 5, 28, 13)
    assert q1.confidence == pytest.approx(0.9)


def test_no_answer_is_none_and_an_empty_tuple() -> None:
    q1, q2 = _resolve([E] * 6)
    assert q1.value is None and q2.value == ()
    assert not q1.review and not q2.review


def test_no_answer_where_ink_may_be_lost_is_never_confident() -> None:
    """A light pen under a 1-bit scanner's threshold leaves clean boxes: the paper must tell."""
    q1, q2 = _resolve([E] * 6, ink_loss=InkLoss.BLANKS)
    assert q1.review == q2.review == (ReviewReason.INK_MAY_BE_LOST,)
    assert q1.confidence < DEFAULT_PARAMS.review_below
    answered, ticked = _resolve([E, M, E, E, E, M], ink_loss=InkLoss.BLANKS)
    assert answered.review == () and ticked.review == ()
    # a question already doubted keeps its own reason only
    faint, _ = _resolve([E] * 6, doubts={1: ReviewReason.FAINT_MARK}, ink_loss=InkLoss.BLANKS)
    assert faint.review == (ReviewReason.FAINT_MARK,)


def test_where_marks_are_gone_an_answer_is_not_sure_either() -> None:
    """The cross beside a cancelled box, or a double's second mark, may be what was lost."""
    answered, ticked = _resolve([E, M, E, E, E, M], ink_loss=InkLoss.ANY)
    assert answered.value == "2" and answered.review == (ReviewReason.INK_MAY_BE_LOST,)
    assert ticked.review == (ReviewReason.INK_MAY_BE_LOST,)
    assert answered.confidence < DEFAULT_PARAMS.review_below


def test_no_answer_on_a_page_whose_pen_barely_shows_goes_to_review() -> None:
    blank, ticked = _resolve([E, E, E, E, E, M], pen_at_limit=True)
    assert blank.value is None and blank.review == (ReviewReason.FAINT_PEN,)
    assert ticked.value == ("c",) and ticked.review == ()  # a mark that shows is read


def test_two_marks_on_single_choice_go_to_review() -> None:
    q1, _ = _resolve([M, E, M, E, E, E])
    assert q1.value is None
    assert q1.review[0] is ReviewReason.MULTIPLE_MARKS


def test_a_filled_box_is_a_cancelled_choice() -> None:
    q1, q2 = _resolve([F, M, E, F, E, E])
    assert (q1.value, q1.review) == ("2", ())
    assert q2.value == () and q2.review == (ReviewReason.FILLED_WITHOUT_CROSS,)
    lenient = replace(OmrParams(), review_filled_only=False)
    assert _resolve([E, E, F, E, E, E], params=lenient)[0].review == ()
    as_marks = replace(OmrParams(), filled_means_cancelled=False)
    assert _resolve([F, M, E, E, E, E], params=as_marks)[0].review == (ReviewReason.MULTIPLE_MARKS,)


def test_box_doubts_reach_their_question() -> None:
    q1, q2 = _resolve(
        [E, M, E, E, E, E], {0: ReviewReason.UNCERTAIN_MARK, 4: ReviewReason.UNREADABLE}
    )
    assert q1.value == "2" and q1.review == (ReviewReason.UNCERTAIN_MARK,)
    assert q2.review == (ReviewReason.UNREADABLE,)
    assert q1.confidence < 0.5
