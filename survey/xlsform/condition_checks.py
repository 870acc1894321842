"""Checks on routing conditions: does a ``relevant`` fit the questionnaire it is in?

The parser (:mod:`survey.routing`) decides whether a condition can be read at
all; these checks decide whether it makes sense here: it names a question
that exists and comes earlier, and compares it with a value that question can
have (a choice of its list, or a number).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

from survey.model import Question, QuestionType
from survey.routing import ORDERING, Compare, Expr, Selected, conditions, quote
from survey.xlsform.checks import did_you_mean
from survey.xlsform.messages import Message, msg

__all__ = ["condition_problems"]

_NUMBER_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def _is_number(value: str | Decimal) -> bool:
    return isinstance(value, Decimal) or bool(_NUMBER_RE.fullmatch(value))


def _value_problems(test: Compare | Selected, q: Question) -> list[Message]:
    """What is wrong with the value a condition compares question ``q`` with."""
    ref = test.ref
    names = q.choices.names() if q.choices else ()
    value = format(test.value, "f") if isinstance(test.value, Decimal) else test.value
    not_a_choice = msg(
        "not_a_choice",
        ref=ref,
        value=value,
        list=q.choices.name if q.choices else "",
        choices=", ".join(names),
    )
    if isinstance(test, Selected):
        if not q.is_select:
            return [msg("selected_not_select", ref=ref, type=q.type.value)]
        return [] if value in names else [not_a_choice]
    if q.type is QuestionType.SELECT_MULTIPLE:
        return [msg("compare_multiple", ref=ref, op=test.op, quoted=quote(value))]
    not_a_number = msg("not_a_number", ref=ref, value=value, op=test.op)
    if test.op in ORDERING:
        numeric = q.type is QuestionType.INTEGER or (
            q.type is QuestionType.SELECT_ONE and bool(names) and all(map(_is_number, names))
        )
        if not numeric:
            return [msg("not_numeric_question", ref=ref, op=test.op)]
        return [] if _is_number(test.value) else [not_a_number]
    if value == "":
        return []
    if q.type is QuestionType.SELECT_ONE and value not in names:
        return [not_a_choice]
    if q.type is QuestionType.INTEGER and not _is_number(test.value):
        return [not_a_number]
    return []


def condition_problems(
    expr: Expr,
    row: int,
    own_name: str,
    questions: Mapping[str, Question],
    groups: Mapping[str, int],
    broken: set[str],
) -> list[Message]:
    """What is wrong with a parsed condition in its questionnaire.

    Args:
        expr: the parsed ``relevant`` of the item on ``row``.
        row: the item's spreadsheet row.
        own_name: the item's own name.
        questions: every question and note by name (first occurrence).
        groups: every group name with its ``begin group`` row.
        broken: names of rows that were already reported as unusable; conditions
            naming them are not reported again.

    Returns:
        Every problem, each once, in the order of the condition's text.
    """
    problems: list[Message] = []
    usable: dict[str, Question] = {}
    for ref in dict.fromkeys(c.ref for c in conditions(expr)):
        q = questions.get(ref)
        if ref == own_name:
            problems.append(msg("condition_self", ref=ref))
        elif q is not None and q.row > row:
            problems.append(msg("condition_later", ref=ref, row=q.row))
        elif q is not None and q.type is QuestionType.NOTE:
            problems.append(msg("condition_note", ref=ref))
        elif q is not None:
            usable[ref] = q
        elif ref in groups:
            problems.append(msg("condition_group", ref=ref))
        elif ref not in broken:
            suggestion = did_you_mean(ref, questions)
            problems.append(msg("condition_unknown", ref=ref, suggestion=suggestion))
    for test in conditions(expr):
        if test.ref in usable:
            problems += [p for p in _value_problems(test, usable[test.ref]) if p not in problems]
    return problems
