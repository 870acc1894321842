"""Read a questionnaire definition into the model (and write one back).

The authoring format is an XLSForm-style workbook (see ``docs/questionnaire.md``):
an ``.xlsx`` file with the sheets ``survey``, ``choices`` and ``settings``, or a
folder holding ``survey.csv``, ``choices.csv`` and ``settings.csv``. Either
way the result is the same :class:`~survey.model.Questionnaire`, with the same
version hash.

Reading never stops at the first problem: every problem in the workbook is
collected and raised together in one :class:`~survey.errors.QuestionnaireError`,
so an author can fix them all in one go.

This module is the entry point; the work is done in :mod:`survey.xlsform`:
``files`` finds the sheets, ``build`` and ``survey_sheet`` turn them into the
model, ``writer`` writes a workbook back. The rules are in
:mod:`survey.xlsform.checks`, the wording of the messages in
:mod:`survey.xlsform.messages`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from survey.errors import QuestionnaireError
from survey.model import Questionnaire
from survey.xlsform.build import build_questionnaire
from survey.xlsform.checks import sort_problems
from survey.xlsform.files import read_sheets
from survey.xlsform.writer import questionnaire_to_workbook

DEFAULT_QUESTIONNAIRE = Path(__file__).parent / "data" / "kbo_werk_inkomen"

__all__ = [
    "DEFAULT_QUESTIONNAIRE",
    "build_questionnaire",
    "default_questionnaire",
    "load_questionnaire",
    "questionnaire_to_workbook",
    "read_sheets",
]


def load_questionnaire(path: Path) -> Questionnaire:
    """Read and check a questionnaire definition.

    Args:
        path: an ``.xlsx`` workbook, or a folder with ``survey.csv``,
            ``choices.csv`` and ``settings.csv`` (UTF-8, comma separated).

    Returns:
        The questionnaire.

    Raises:
        QuestionnaireError: the definition has problems; ``problems`` lists
            every one of them with sheet, row, column and a fix.
        CorruptInputError: the ``.xlsx`` file cannot be opened at all.
    """
    path = Path(path)
    sheets, problems = read_sheets(path)
    questionnaire, more = build_questionnaire(sheets)
    problems = sort_problems(problems + more)
    if problems or questionnaire is None:
        n = len(problems)
        raise QuestionnaireError(
            f"The questionnaire {path} has {n} problem{'s' if n != 1 else ''}; "
            "fix them and load it again.",
            problems,
        )
    return questionnaire


@lru_cache(maxsize=1)
def default_questionnaire() -> Questionnaire:
    """The shipped KBO Werk & Inkomen questionnaire (``survey/data/kbo_werk_inkomen``)."""
    return load_questionnaire(DEFAULT_QUESTIONNAIRE)
