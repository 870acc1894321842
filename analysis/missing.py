"""Why an answer is missing: skipped by routing, not answered, or *weet niet / n.v.t.*.

The merged dataset holds a question's code or nothing. For an analyst the
three kinds of "nothing" differ: a question the routing skipped was never
asked, an unanswered one was, and a *don't know* code is an answer that does
not count in means and shares. The exports keep them apart:

* SPSS: the user-missing codes :data:`ROUTING` (-1) and :data:`NO_ANSWER`
  (-2) with value labels, beside the questionnaire's own *don't know* codes,
  all declared missing, so SPSS leaves them out of every statistic;
* Parquet and Excel: a missing value (null), and the *don't know* codes
  never as numbers a mean would pick up.
"""

from __future__ import annotations

from enum import StrEnum

import pandas as pd

from analysis.dataset import Dataset
from analysis.scales import scales
from survey.skips import asked

ROUTING = -1
"""SPSS code of a question the routing skipped for the respondent."""
NO_ANSWER = -2
"""SPSS code of a question that was asked but not answered."""


class Reason(StrEnum):
    """Why a cell of the dataset holds no countable answer."""

    ROUTING = "routing"
    NO_ANSWER = "no_answer"
    DONT_KNOW = "dont_know"


LABELS = {
    "nl": {ROUTING: "niet gevraagd (routing)", NO_ANSWER: "geen antwoord"},
    "en": {ROUTING: "not asked (routing)", NO_ANSWER: "no answer"},
}


def reasons(dataset: Dataset) -> pd.DataFrame:
    """Per respondent and question: a :class:`Reason`, or ``None`` for a counting answer.

    The frame has the index of :attr:`Dataset.data` and one column per
    question of the questionnaire present in the data.
    """
    data = dataset.data
    q = dataset.questionnaire
    all_scales = scales(q)
    names = [n for n in all_scales if n in data.columns]
    rows = []
    for _, row in data.iterrows():
        answers = {n: str(row[n]) for n in names if isinstance(row[n], str) and row[n] != ""}
        was_asked = asked(q, answers)
        out: dict[str, Reason | None] = {}
        for n in names:
            value = answers.get(n)
            if value is None:
                out[n] = Reason.NO_ANSWER if n in was_asked else Reason.ROUTING
            elif value in all_scales[n].dont_know:
                out[n] = Reason.DONT_KNOW
            else:
                out[n] = None
        rows.append(out)
    return pd.DataFrame(rows, index=data.index, columns=names, dtype=object)
