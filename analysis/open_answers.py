"""The open (text) answers that count, as a table for analysts: ``open_answers.csv``.

The report prints no open answer unless an analyst chose and anonymised it
(:mod:`analysis.quotes`). To choose, the analyst reads every open answer in
``out/export/open_answers.csv``: one row per answer, with the question's
printed number, name and text, the respondent's mode and subgroup, the answer
as written, and ``flags`` naming what looks like a phone number or an e-mail
address (:mod:`survey.privacy_flags`, the same detection as the review UI).

Only answers of the merged dataset count (:mod:`analysis.dataset`: the
winning response of each respondent, after validation and routing). The file
has no pseudonym column, and its rows are sorted by question and text rather
than by respondent, so it cannot be linked to ``data.csv`` by accident. It
still holds free text that may name people: it is for the analysts of the
round only, never for publication.
"""

from __future__ import annotations

import pandas as pd

from analysis.dataset import Dataset
from survey.model import Question, Questionnaire, QuestionType
from survey.privacy_flags import flags

COLUMNS = ("number", "question", "question_text", "mode", "subgroup", "answer", "flags")
"""The columns of :func:`open_answers` and ``open_answers.csv``."""

FILE_NAME = "open_answers.csv"


def question_numbers(questionnaire: Questionnaire) -> dict[str, int]:
    """The printed question numbers: every answerable question from 1, grid statements included.

    The same numbering as the paper questionnaire (``layout.skips.number_questions``;
    a test checks that they agree), so an analyst finds "vraag 56" on the form.
    """
    return questionnaire.printed_numbers()


def open_questions(questionnaire: Questionnaire) -> tuple[Question, ...]:
    """The answerable ``text`` questions, in questionnaire order."""
    return tuple(q for q in questionnaire.answerable() if q.type is QuestionType.TEXT)


def flag_text(text: str) -> str:
    """What ``text`` seems to hold that names a person: ``"phone"``, ``"email"``, both or ``""``."""
    return " ".join(f.value for f in flags(text))


def counting_answers(dataset: Dataset, question: str) -> list[str]:
    """The non-empty answers to ``question`` that count, as written (stripped)."""
    if question not in dataset.data:
        return []
    values = dataset.data[question].dropna().astype(str).str.strip()
    return [v for v in values.to_list() if v]


def open_answers(dataset: Dataset, language: str = "nl") -> pd.DataFrame:
    """Every counting open answer, one row each (columns :data:`COLUMNS`).

    Args:
        dataset: the merged dataset of the round.
        language: the language of the question texts (``nl`` or ``en``).

    Returns:
        Rows sorted by question number, then answer text (case-insensitive),
        then mode and subgroup; no pseudonym.
    """
    numbers = question_numbers(dataset.questionnaire)
    data = dataset.data
    rows: list[tuple[int, str, str, str, str, str, str]] = []
    for q in open_questions(dataset.questionnaire):
        if q.name not in data:
            continue
        label = q.label.get(language)
        for value, mode, subgroup in zip(data[q.name], data["mode"], data["subgroup"], strict=True):
            if not isinstance(value, str) or not value.strip():
                continue
            text = value.strip()
            rows.append(
                (
                    numbers[q.name],
                    q.name,
                    label,
                    str(mode),
                    str(subgroup or ""),
                    text,
                    flag_text(text),
                )
            )
    rows.sort(key=lambda r: (r[0], r[5].casefold(), r[5], r[3], r[4]))
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    frame["number"] = frame["number"].astype("int64")
    return frame
