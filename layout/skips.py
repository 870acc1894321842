"""Question numbers and the routing instructions printed on paper.

Online, LimeSurvey hides a question whose ``relevant`` condition is false. On
paper the respondent must be told: "Ga door naar vraag 23" next to the answer
that makes the following questions irrelevant. This module derives those
instructions from the ``relevant`` expressions, so they can never disagree
with the online routing.

Rule: for a single-choice question Q and each of its answers A, walk the
questions after Q in order. As long as a question is certainly irrelevant
when Q = A (whatever the other questions it depends on are answered), it is
skipped. If at least one question is skipped, answer A gets the instruction
to go to the first question that is not, or to the end of the questionnaire.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from survey.model import Group, Item, Question, Questionnaire, QuestionType

MAX_COMBINATIONS = 4096  # enumerate other questions' answers up to this many combinations


class Routing(Protocol):
    """The two functions of :mod:`survey.routing` this module needs."""

    def references(self, expr: Any) -> Iterable[str]: ...

    def evaluate(self, expr: Any, answers: Mapping[str, Any]) -> Any: ...


@dataclass(frozen=True)
class Skip:
    """A routing instruction: answering ``choice`` to ``question`` skips to ``target``.

    ``target`` is the name of the next question still asked, or ``""`` for the
    end of the questionnaire; ``number`` is its printed number (0 for the end).
    """

    question: str
    choice: str
    target: str
    number: int


def number_questions(questionnaire: Questionnaire) -> dict[str, int]:
    """Printed question numbers: every answerable question, grid statements included, from 1.

    The ``<name>_other`` text of ``or_other`` has the number of its question.
    """
    return questionnaire.printed_numbers()


def conditions(questionnaire: Questionnaire) -> dict[str, tuple[Any, ...]]:
    """Question name -> its own ``relevant`` plus those of every enclosing group."""
    out: dict[str, tuple[Any, ...]] = {}

    def walk(items: tuple[Item, ...], inherited: tuple[Any, ...]) -> None:
        for item in items:
            own = (item.relevant,) if item.relevant is not None else ()
            if isinstance(item, Group):
                walk(item.items, inherited + own)
            else:
                out[item.name] = inherited + own

    walk(questionnaire.items, ())
    return out


def derive_skips(
    questionnaire: Questionnaire, routing: Routing | None = None
) -> dict[tuple[str, str], Skip]:
    """Every routing instruction, keyed by ``(question, choice)``."""
    engine: Routing = routing if routing is not None else _default_routing()
    numbers = number_questions(questionnaire)
    conds = conditions(questionnaire)
    # or_other's text is part of its question: never skipped to, never a reason to skip
    asked = tuple(q for q in questionnaire.answerable() if not q.other_of)
    by_name = {q.name: q for q in asked}
    skips: dict[tuple[str, str], Skip] = {}
    for i, q in enumerate(asked):
        if q.type is not QuestionType.SELECT_ONE or q.choices is None:
            continue
        for choice in q.choices.choices:
            # Questions skipped so far stay unanswered; later conditions may depend on them.
            fixed: dict[str, str | None] = {q.name: choice.name}
            j = i + 1
            while j < len(asked) and _certainly_irrelevant(
                conds[asked[j].name], fixed, by_name, engine
            ):
                fixed[asked[j].name] = None
                j += 1
            if j == i + 1:
                continue
            target = asked[j].name if j < len(asked) else ""
            skips[(q.name, choice.name)] = Skip(q.name, choice.name, target, numbers.get(target, 0))
    return skips


def _certainly_irrelevant(
    conds: tuple[Any, ...],
    fixed: Mapping[str, str | None],
    questions: Mapping[str, Question],
    engine: Routing,
) -> bool:
    """Whether one of ``conds`` that depends on the ``fixed`` answers (``None`` = skipped,
    so unanswered) is false whatever the other questions it depends on are answered."""
    for cond in conds:
        refs = set(engine.references(cond))
        if not refs & set(fixed):
            continue
        others = sorted(refs - set(fixed))
        options = _answer_options(others, questions)
        if options is None:
            continue
        if all(
            not _safe_eval(
                engine.evaluate, cond, {**fixed, **dict(zip(others, combo, strict=True))}
            )
            for combo in itertools.product(*options)
        ):
            return True
    return False


def _answer_options(
    names: list[str], questions: Mapping[str, Question]
) -> list[list[str | None]] | None:
    """Every possible answer (``None`` = unanswered) of each question, or ``None`` if too many."""
    options: list[list[str | None]] = []
    total = 1
    for n in names:
        q = questions.get(n)
        if q is None or q.type is not QuestionType.SELECT_ONE or q.choices is None:
            return None
        options.append([None, *q.choices.names()])
        total *= len(options[-1])
        if total > MAX_COMBINATIONS:
            return None
    return options


def _safe_eval(evaluate: Callable[..., Any], cond: Any, answers: dict[str, str | None]) -> bool:
    """Evaluate a condition; an evaluation error counts as 'may be relevant'."""
    given = {k: v for k, v in answers.items() if v is not None}
    try:
        return bool(evaluate(cond, given))
    except Exception:  # a condition we cannot decide must never produce a skip
        return True


def _default_routing() -> Routing:
    from survey import routing

    return routing
