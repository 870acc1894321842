"""Resolve classified boxes into question values, or reasons for review.

Counts per question come from ``np.bincount`` over the boxes' question index
and doubts from a bitwise OR per question, so the work is array arithmetic;
only the small result objects are built per question.

Rules (documented defaults in :class:`omr.params.OmrParams`):

* a marked box is chosen; a filled box is a cancelled choice
  (``filled_means_cancelled``), else it is chosen too;
* ``select_one``: one chosen box is the value; none is no answer; more than
  one is sent to review (``multiple_marks``) with no value;
* ``select_multiple``: the chosen boxes are the value;
* filled boxes and no chosen box: review (``filled_without_cross``) when
  ``review_filled_only``, since the respondent may have filled the box as the answer;
* any doubtful box sends its question to review with the box's reason.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from omr.classify import DOUBT_BITS, BoxClasses
from omr.noise import InkLoss
from omr.params import DEFAULT_PARAMS, OmrParams
from survey.pageresult import BoxState, PixelRect, QuestionResult, ReviewReason


@dataclass(frozen=True)
class PageQuestions:
    """The select questions of one page and how its boxes belong to them.

    Attributes:
        names: question names, in page order.
        multiple: per question, whether it is ``select_multiple``.
        index: per box, the position of its question in ``names`` (``int64`` ``(n,)``).
        choices: per box, its choice name.
    """

    names: tuple[str, ...]
    multiple: np.ndarray
    index: np.ndarray
    choices: tuple[str, ...]


def resolve_questions(
    questions: PageQuestions,
    classes: BoxClasses,
    *,
    clips: np.ndarray | None = None,
    params: OmrParams = DEFAULT_PARAMS,
    ink_loss: InkLoss = InkLoss.NONE,
) -> tuple[QuestionResult, ...]:
    """Question values and review reasons from the classified boxes of a page.

    Args:
        questions: the page's select questions and the box-to-question index.
        classes: the boxes' classification, in the same order as ``questions.index``.
        clips: optional pixel bounds per box ``(n, 4)`` as ``(x0, y0, x1, y1)``;
            each question's clip is their union.
        params: the resolution rules.
        ink_loss: what a 1-bit scan's threshold may have dropped
            (:func:`omr.noise.ink_may_be_lost`): with ``BLANKS`` every
            unanswered question not already in doubt goes to review
            (``ink_may_be_lost``), with ``ANY`` every question does. A box
            whose mark was dropped is as clean as an empty one, in an
            unanswered question or beside an answer, and no measure of the
            image can tell.

    A question without any mark on a page whose pen writes at the limit of
    what the scan shows (``classes.pen_at_limit``) goes to review as
    ``faint_pen``.

    Returns:
        One :class:`QuestionResult` per question, in page order.
    """
    q = len(questions.names)
    idx = questions.index
    states = classes.states
    chosen = states == BoxState.MARKED
    if not params.filled_means_cancelled:
        chosen |= states == BoxState.FILLED
    filled = (states == BoxState.FILLED) & params.filled_means_cancelled
    n_chosen = np.bincount(idx, weights=chosen, minlength=q).astype(np.int64)
    n_filled = np.bincount(idx, weights=filled, minlength=q).astype(np.int64)
    doubts = np.zeros(q, dtype=np.uint8)
    np.bitwise_or.at(doubts, idx, classes.doubts)
    confidence = np.ones(q, dtype=np.float64)
    np.minimum.at(confidence, idx, classes.confidence.astype(np.float64))
    bounds = np.zeros((q, 4), dtype=np.int64)
    if clips is not None and len(idx):
        bounds[:, :2] = np.iinfo(np.int64).max
        np.minimum.at(bounds[:, 0], idx, clips[:, 0])
        np.minimum.at(bounds[:, 1], idx, clips[:, 1])
        np.maximum.at(bounds[:, 2], idx, clips[:, 2])
        np.maximum.at(bounds[:, 3], idx, clips[:, 3])

    multiple_marks = (~questions.multiple) & (n_chosen > 1)
    filled_only = (n_chosen == 0) & (n_filled > 0) & params.review_filled_only
    picked: dict[int, list[str]] = {}
    for i in np.flatnonzero(chosen).tolist():  # the few chosen boxes, not all boxes
        picked.setdefault(int(idx[i]), []).append(questions.choices[i])
    results = []
    for k, name in enumerate(questions.names):
        reasons = [reason for reason, bit in DOUBT_BITS.items() if doubts[k] & bit]
        if multiple_marks[k]:
            reasons.insert(0, ReviewReason.MULTIPLE_MARKS)
        if filled_only[k]:
            reasons.append(ReviewReason.FILLED_WITHOUT_CROSS)
        mine = tuple(picked.get(k, ()))
        if not reasons and (ink_loss is InkLoss.ANY or (ink_loss and not mine)):
            reasons.append(ReviewReason.INK_MAY_BE_LOST)
        elif classes.pen_at_limit and not mine and not reasons:
            reasons.append(ReviewReason.FAINT_PEN)
        value: str | tuple[str, ...] | None
        value = mine if questions.multiple[k] else mine[0] if len(mine) == 1 else None
        clip: PixelRect = tuple(int(v) for v in bounds[k])  # type: ignore[assignment]
        results.append(
            QuestionResult(
                name=name,
                value=value,
                review=tuple(reasons),
                confidence=float(confidence[k]) if not reasons else min(float(confidence[k]), 0.49),
                clip_image=clip,
            )
        )
    return tuple(results)
