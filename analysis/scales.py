"""What kind of figure each question gets, read from the questionnaire itself.

A report must work for any questionnaire, not only the shipped KBO one, so the
kind of each question is inferred from its choice list:

* **grade**: a ``select_one`` whose codes are the whole numbers 1 to 10
  (the Dutch *rapportcijfer*): reported as a mean with its margin of error;
* **agree**: a ``select_one`` whose labels form an agree scale ("(helemaal)
  mee eens ... oneens", "(strongly) agree ... disagree"): reported as the
  share who (strongly) agree, and as a stacked distribution;
* **single** / **multiple**: other ``select_one`` / ``select_multiple``
  questions: reported as a distribution (shares per choice);
* **integer** and **text**: counted; open answers are never printed (they
  may hold personal data), except the quotes an analyst chose and
  anonymised (:mod:`analysis.quotes`).

Codes labelled "weet niet", "n.v.t.", "don't know" or "not applicable" are
*don't know* codes. They are kept in the data and the exports, but left out of
every mean and share, as the KBO reports do ("% (helemaal) mee eens excl.
weet niet").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from survey.model import ChoiceList, Question, Questionnaire, QuestionType

_DONT_KNOW = re.compile(
    r"weet (ik )?niet|n\.?v\.?t\.?|niet van toepassing|geen mening|don'?t know|"
    r"not applicable|\bn/?a\b|no opinion",
    re.IGNORECASE,
)
_AGREE_NL = re.compile(r"\beens\b", re.IGNORECASE)
_DISAGREE_NL = re.compile(r"oneens", re.IGNORECASE)
_AGREE_EN = re.compile(r"\bagree\b", re.IGNORECASE)
_DISAGREE_EN = re.compile(r"disagree|neither|neutral", re.IGNORECASE)


class Kind(StrEnum):
    """How a question is summarised."""

    GRADE = "grade"
    AGREE = "agree"
    SINGLE = "single"
    MULTIPLE = "multiple"
    INTEGER = "integer"
    TEXT = "text"


@dataclass(frozen=True)
class Scale:
    """The summary rules of one question.

    Attributes:
        kind: how the question is summarised.
        valid: codes that count in means and shares, in questionnaire order.
        dont_know: codes left out of means and shares.
        positive: for ``agree``, the codes that count as (strongly) agree.
        negative: for ``agree``, the codes that count as (strongly) disagree.
        fail_below: for ``grade``, grades below this are a fail (*onvoldoende*).
    """

    kind: Kind
    valid: tuple[str, ...] = ()
    dont_know: tuple[str, ...] = ()
    positive: tuple[str, ...] = ()
    negative: tuple[str, ...] = ()
    fail_below: int = 6

    @property
    def is_numeric(self) -> bool:
        return self.kind in (Kind.GRADE, Kind.INTEGER)


def _labels(choice_list: ChoiceList, code: str) -> list[str]:
    return [text for _, text in choice_list.choice(code).label.values]


def dont_know_codes(choice_list: ChoiceList) -> tuple[str, ...]:
    """The codes of ``choice_list`` whose label says *don't know* or *not applicable*."""
    return tuple(
        c.name
        for c in choice_list.choices
        if any(_DONT_KNOW.search(t) for t in _labels(choice_list, c.name))
    )


def _is_agree_label(text: str) -> bool:
    if _AGREE_NL.search(text) and not _DISAGREE_NL.search(text):
        return True
    return bool(_AGREE_EN.search(text) and not _DISAGREE_EN.search(text))


def _is_disagree_label(text: str) -> bool:
    nl = bool(_DISAGREE_NL.search(text)) and not _AGREE_NL.search(text.replace("oneens", ""))
    en = "disagree" in text.lower() and "neither" not in text.lower()
    return nl or en


@lru_cache(maxsize=4096)
def scale_of(question: Question) -> Scale:
    """The summary rules of ``question``, inferred from its type and choice list."""
    if question.type is QuestionType.TEXT:
        return Scale(Kind.TEXT)
    if question.type is QuestionType.INTEGER:
        return Scale(Kind.INTEGER)
    cl = question.choices
    if cl is None or question.type is QuestionType.NOTE:
        return Scale(Kind.TEXT)
    dk = dont_know_codes(cl)
    valid = tuple(n for n in cl.names() if n not in dk)
    if question.type is QuestionType.SELECT_MULTIPLE:
        return Scale(Kind.MULTIPLE, valid=valid, dont_know=dk)
    if set(valid) == {str(i) for i in range(1, 11)} and len(valid) == 10:
        return Scale(Kind.GRADE, valid=tuple(str(i) for i in range(1, 11)), dont_know=dk)
    positive = tuple(n for n in valid if any(_is_agree_label(t) for t in _labels(cl, n)))
    negative = tuple(n for n in valid if any(_is_disagree_label(t) for t in _labels(cl, n)))
    if positive and negative and len(valid) >= 3:
        return Scale(Kind.AGREE, valid=valid, dont_know=dk, positive=positive, negative=negative)
    return Scale(Kind.SINGLE, valid=valid, dont_know=dk)


def scales(questionnaire: Questionnaire) -> dict[str, Scale]:
    """The scale of every answerable question, by name, in questionnaire order."""
    return {q.name: scale_of(q) for q in questionnaire.answerable()}
