"""Open follow-ups: an open question that explains the answer just given stays with it on paper.

A select question followed by "Wilt u uitleggen waarom?" reads as one
question; printed on two pages, the respondent has to turn back to see what
they are explaining. The rule is derived from the questionnaire, so authors
need no extra column and a form made for ODK gets it too:

A ``text`` question is the **follow-up** of the item directly before it when

* that item is a select question (``select_one`` or ``select_multiple``) in
  the same group (the same list of items: a group boundary ends the pair);
* the text question's own ``relevant`` condition is empty, or refers to no
  question but that select question (``${q55} = '9'``: "Anders, namelijk").

Pagination keeps a pair on one page (the select question's block is
``keep_with_next``). ``paper::page_break`` on the follow-up still wins.
"""

from __future__ import annotations

from collections.abc import Iterator

from survey.model import Group, Item, Question, Questionnaire, QuestionType
from survey.routing import references

__all__ = ["follow_ups", "is_follow_up"]


def is_follow_up(previous: Item | None, item: Item) -> bool:
    """Whether ``item`` is the open follow-up of ``previous``, the item directly before it.

    Args:
        previous: the item before ``item`` in the same list of items, or
            ``None`` when ``item`` comes first.
        item: the candidate follow-up.
    """
    if not isinstance(previous, Question) or not isinstance(item, Question):
        return False
    if item.type is not QuestionType.TEXT or not previous.is_select:
        return False
    return item.relevant is None or references(item.relevant) <= {previous.name}


def follow_ups(questionnaire: Questionnaire) -> dict[str, str]:
    """Every follow-up in ``questionnaire``: its name -> the name of the question it follows up."""
    return dict(_pairs(questionnaire.items))


def _pairs(items: tuple[Item, ...]) -> Iterator[tuple[str, str]]:
    previous: Item | None = None
    for item in items:
        if isinstance(item, Group):
            yield from _pairs(item.items)
        elif previous is not None and is_follow_up(previous, item):
            yield item.name, previous.name
        previous = item
