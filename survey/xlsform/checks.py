"""Checks on a questionnaire workbook's columns and names.

Each check returns what is wrong (a :class:`~survey.errors.Problem`, or the
``(message, fix)`` of one for the caller to place), never raises: the reader
collects every problem of a workbook and reports them together. Conditions
are checked in :mod:`survey.xlsform.condition_checks`.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

from survey.errors import Problem
from survey.model import Text
from survey.xlsform.messages import Message, msg
from survey.xlsform.sheets import SHEET_ORDER, Sheet

__all__ = [
    "KNOWN_COLUMNS",
    "MAX_NAME",
    "PAPER_COLUMNS",
    "SPSS_RESERVED",
    "check_label_column",
    "choice_name_problem",
    "column_problems",
    "did_you_mean",
    "form_id_problem",
    "has_text",
    "label_column_problem",
    "missing_columns",
    "name_problem",
    "required_column_problems",
    "sort_problems",
    "suggest_name",
]

PAPER_COLUMNS = ("paper::page_break", "paper::layout", "paper::lines")
KNOWN_COLUMNS: Mapping[str, frozenset[str]] = {
    "survey": frozenset(
        {
            "type",
            "name",
            "label",
            "hint",
            "relevant",
            "required",
            "appearance",
            "constraint",
            "constraint_message",
            "choice_filter",
            *PAPER_COLUMNS,
        }
    ),
    "choices": frozenset({"list_name", "name", "label"}),
    "settings": frozenset({"form_id", "version", "title", "default_language"}),
}
MAX_NAME = 32
SPSS_RESERVED = frozenset(
    {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
)
_IDENTIFIER_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_CHOICE_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")
_FORM_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


# ---------------------------------------------------------------- columns


def column_problems(sheet: Sheet) -> list[Problem]:
    """Repeated known columns and ``paper::`` columns that mean nothing."""
    known = KNOWN_COLUMNS.get(sheet.name, frozenset())
    problems = [
        Problem(sheet.name, 1, c.heading, *msg("duplicate_column", column=c.heading))
        for c in sheet.duplicates
        if c.base in known
    ]
    problems += [
        Problem(sheet.name, 1, c.heading, *msg("unknown_paper_column", column=c.heading))
        for c in sheet.columns
        if c.base.startswith("paper::") and c.base not in known
    ]
    return problems


def required_column_problems(sheet: Sheet, required: Sequence[str]) -> list[Problem]:
    return [
        Problem(sheet.name, 1, base, *msg("no_column", column=base))
        for base in required
        if not sheet.has(base)
    ]


def label_column_problem(sheet: Sheet, default_language: str) -> Problem | None:
    """The sheet lacks a label column in the default language, or any label column."""
    languages = sheet.languages("label", default_language)
    if not languages:
        return Problem(sheet.name, 1, "label", *msg("no_label_column"))
    if default_language not in languages:
        message = msg(
            "no_default_label_column",
            language=default_language,
            languages=" or ".join(sorted(languages)),
        )
        return Problem(sheet.name, 1, "label", *message)
    return None


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """File order: sheets in workbook order, then rows; other places first."""

    def key(p: Problem) -> tuple[int, int]:
        sheet = SHEET_ORDER.index(p.where) + 1 if p.where in SHEET_ORDER else 0
        return sheet, p.row

    return sorted(problems, key=key)


def missing_columns(sheet: Sheet, required: Sequence[str], problems: list[Problem]) -> bool:
    """Report the ``required`` columns ``sheet`` lacks; True when any is missing."""
    missing = required_column_problems(sheet, required)
    problems += missing
    return bool(missing)


def check_label_column(sheet: Sheet, language: str, problems: list[Problem]) -> bool:
    """Report a missing label column; True when rows should be checked for labels."""
    problem = label_column_problem(sheet, language)
    if problem:
        problems.append(problem)
    return problem is None


def has_text(text: Text, language: str) -> bool:
    """Whether ``text`` is filled in for ``language`` itself (no fallback)."""
    return bool(dict(text.values).get(language))


# ---------------------------------------------------------------- names


def suggest_name(name: str) -> str:
    """A valid question name that resembles ``name``."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    s = re.sub(r"[^A-Za-z0-9_]+", "_", ascii_name).strip("_")
    if not s[:1].isalpha():
        s = f"q_{s}".rstrip("_")
    s = s[:MAX_NAME].rstrip("_")
    return f"{s}_1" if s.upper() in SPSS_RESERVED else s


def name_problem(name: str, noun: str = "name", spss: bool = True) -> Message | None:
    """Why ``name`` cannot be a question, group or list name, or ``None``.

    Names become LimeSurvey codes and SPSS variable names: a letter first, then
    letters, digits and underscores, at most 32 characters, no SPSS keyword.
    """
    if not _IDENTIFIER_RE.fullmatch(name):
        return msg("bad_name", noun=noun, name=name, suggestion=suggest_name(name))
    if len(name) > MAX_NAME:
        return msg(
            "long_name", noun=noun, name=name, length=len(name), suggestion=suggest_name(name)
        )
    if spss and name.upper() in SPSS_RESERVED:
        return msg("reserved_name", noun=noun, name=name)
    return None


def choice_name_problem(name: str) -> Message | None:
    """Why ``name`` cannot be a choice code (the stored value), or ``None``."""
    if _CHOICE_NAME_RE.fullmatch(name) and len(name) <= MAX_NAME:
        return None
    return msg("bad_choice_name", name=name)


def form_id_problem(form_id: str) -> Message | None:
    if not form_id:
        return msg("no_form_id")
    if not _FORM_ID_RE.fullmatch(form_id) or len(form_id) > 64:
        return msg("bad_form_id", form_id=form_id)
    return None


def did_you_mean(name: str, candidates: Iterable[str]) -> str:
    """`` Did you mean 'x'?`` for the closest candidate, or ``""``."""
    match = difflib.get_close_matches(name, list(candidates), n=1)
    return f" Did you mean '{match[0]}'?" if match else ""
