"""The questionnaire workbook as tables, and the checks that find its problems.

Kept as one import path for what :mod:`survey.xlsform` splits into modules of
one job each:

* :mod:`survey.xlsform.sheets`: :class:`Sheet`, :class:`Column`, :class:`Row`;
* :mod:`survey.xlsform.cells`: cell values to flags, line counts, languages;
* :mod:`survey.xlsform.messages`: every message and its fix (:data:`MESSAGES`);
* :mod:`survey.xlsform.checks`: columns and names;
* :mod:`survey.xlsform.condition_checks`: routing conditions.

Nothing here does I/O. Every message is listed, with its fix, in
``docs/questionnaire.md``.
"""

from __future__ import annotations

from survey.xlsform.cells import (
    FALSE_WORDS,
    LANGUAGE_NAMES,
    TRUE_WORDS,
    language_code,
    parse_flag,
    parse_lines,
)
from survey.xlsform.checks import (
    KNOWN_COLUMNS,
    MAX_NAME,
    PAPER_COLUMNS,
    SPSS_RESERVED,
    choice_name_problem,
    column_problems,
    did_you_mean,
    form_id_problem,
    label_column_problem,
    name_problem,
    required_column_problems,
    sort_problems,
    suggest_name,
)
from survey.xlsform.condition_checks import condition_problems
from survey.xlsform.messages import MESSAGES, TYPES, Message, msg
from survey.xlsform.sheets import ALIASES, SHEET_ORDER, TEXT_BASES, Column, Row, Sheet

__all__ = [
    "ALIASES",
    "FALSE_WORDS",
    "KNOWN_COLUMNS",
    "LANGUAGE_NAMES",
    "MAX_NAME",
    "MESSAGES",
    "PAPER_COLUMNS",
    "SHEET_ORDER",
    "SPSS_RESERVED",
    "TEXT_BASES",
    "TRUE_WORDS",
    "TYPES",
    "Column",
    "Message",
    "Row",
    "Sheet",
    "choice_name_problem",
    "column_problems",
    "condition_problems",
    "did_you_mean",
    "form_id_problem",
    "label_column_problem",
    "language_code",
    "msg",
    "name_problem",
    "parse_flag",
    "parse_lines",
    "required_column_problems",
    "sort_problems",
    "suggest_name",
]
