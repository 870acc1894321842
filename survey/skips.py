"""Which questions a respondent's routing asks, and which it certainly skips.

The questionnaire's ``relevant`` conditions (on questions and groups) decide,
from the answers given so far, which questions a respondent is asked. The
dataset uses :func:`asked` to tell "skipped by routing" from "no answer";
the scan uses :func:`routed_out` to leave an unanswered question alone when
the routing says it was never meant to be answered (a page whose ink may be
lost or whose pen barely shows, see :func:`omr.noise.ink_may_be_lost` and
:func:`omr.noise.pen_at_limit`, holds whole routed sections left blank on
purpose).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from survey.model import Group, Item, Questionnaire
from survey.pageresult import PageResult, ReviewReason
from survey.routing import Answer, Expr, evaluate, references


def asked(questionnaire: Questionnaire, answers: Mapping[str, Answer]) -> set[str]:
    """The questions the routing asks, given the answers (evaluated in questionnaire order)."""
    seen: dict[str, Answer] = {}
    out: set[str] = set()

    def walk(items: tuple[Item, ...]) -> None:
        for item in items:
            if item.relevant is not None and not evaluate(item.relevant, seen):
                continue
            if isinstance(item, Group):
                walk(item.items)
            elif item.is_answerable:
                out.add(item.name)
                if item.name in answers:
                    seen[item.name] = answers[item.name]

    walk(questionnaire.items)
    return out


def _conditions(questionnaire: Questionnaire) -> dict[str, tuple[Expr, ...]]:
    """Question name -> every condition on the way to it (its groups' and its own)."""
    out: dict[str, tuple[Expr, ...]] = {}

    def walk(items: tuple[Item, ...], above: tuple[Expr, ...]) -> None:
        for item in items:
            here = above if item.relevant is None else (*above, item.relevant)
            if isinstance(item, Group):
                walk(item.items, here)
            elif item.is_answerable:
                out[item.name] = here

    walk(questionnaire.items, ())
    return out


def routed_out(
    questionnaire: Questionnaire, answers: Mapping[str, Answer], doubtful: set[str]
) -> set[str]:
    """The questions the routing certainly does not ask this respondent.

    A question is routed out when the routing does not ask it given
    ``answers`` and none of the conditions on its way depends on a
    ``doubtful`` question (one under review: its true answer may open the
    route). Questions the questionnaire does not have are never routed out.

    Args:
        questionnaire: the round's questionnaire.
        answers: the answers read with confidence, by question name.
        doubtful: questions whose answer is not known yet.
    """
    conditions = _conditions(questionnaire)
    on_route = asked(questionnaire, answers)
    out = set()
    for name, exprs in conditions.items():
        if name in on_route or not exprs:
            continue
        depends = set().union(*(references(e) for e in exprs))
        if not depends & doubtful:
            out.add(name)
    return out


def settle_routed_blanks(
    questionnaire: Questionnaire | None, results: Sequence[PageResult]
) -> list[PageResult]:
    """One respondent's page results, without the lost-ink doubt where the routing skips anyway.

    An unanswered question on a 1-bit page whose ink may be lost goes to
    review as ``ink_may_be_lost`` (:func:`omr.noise.ink_may_be_lost`), and
    one on a page whose pen barely shows as ``faint_pen``
    (:func:`omr.noise.pen_at_limit`): no mark is seen, but one might not
    show. When
    the respondent's confident answers on all their pages route it out
    (:func:`routed_out`), it was never meant to be answered: the doubt is
    dropped. Other reasons are never touched; without a questionnaire
    nothing is.
    """
    questions = [q for r in results for q in r.questions]
    only_lost = ((ReviewReason.INK_MAY_BE_LOST,), (ReviewReason.FAINT_PEN,))
    lost = {q.name for q in questions if q.review in only_lost and q.value in (None, ())}
    if questionnaire is None or not lost:
        return list(results)
    answers: dict[str, Answer] = {
        q.name: frozenset(q.value) if isinstance(q.value, tuple) else q.value
        for q in questions
        if q.value and not q.review
    }
    doubtful = {q.name for q in questions if q.review}
    skipped = lost & routed_out(questionnaire, answers, doubtful)
    if not skipped:
        return list(results)
    return [
        dataclasses.replace(
            r,
            questions=tuple(
                dataclasses.replace(q, review=()) if q.name in skipped else q for q in r.questions
            ),
        )
        for r in results
    ]
