"""Build the questionnaire model from its three sheets, collecting every problem.

The ``settings`` sheet gives the form id and the default language, the
``choices`` sheet the answer lists, and :mod:`survey.xlsform.survey_sheet`
reads the questions with those. Nothing stops at the first problem: the
result is either a questionnaire and no problems, or ``None`` and all of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from survey.errors import Problem
from survey.model import DEFAULT_LANGUAGE, Choice, ChoiceList, Item, Questionnaire, Text
from survey.xlsform.cells import language_code
from survey.xlsform.checks import (
    check_label_column,
    choice_name_problem,
    column_problems,
    form_id_problem,
    has_text,
    missing_columns,
    name_problem,
)
from survey.xlsform.messages import Message, msg
from survey.xlsform.sheets import SHEET_ORDER, Row, Sheet
from survey.xlsform.survey_sheet import SurveyReader

__all__ = ["build_questionnaire"]


@dataclass(frozen=True)
class _Settings:
    form_id: str
    version: str
    title: Text
    language: str


def _read_settings(sheet: Sheet | None, problems: list[Problem]) -> _Settings:
    if sheet is None:
        return _Settings("", "", Text(), DEFAULT_LANGUAGE)
    row = sheet.rows[0] if sheet.rows else Row(2, {})
    language = language_code(row.get("default_language")) or DEFAULT_LANGUAGE
    form_id = row.get("form_id")
    bad = form_id_problem(form_id)
    if bad:
        problems.append(Problem(sheet.name, row.number, sheet.heading("form_id"), *bad))
    return _Settings(form_id, row.get("version"), row.text("title", language), language)


def _read_choices(
    sheet: Sheet | None, language: str, problems: list[Problem]
) -> dict[str, tuple[int, list[Choice]]] | None:
    """Choice lists by name, in workbook order, each with its first row.

    ``None`` when the sheet is missing or lacks a needed column: its lists are
    then unknown, and questions naming them are not reported again.
    """
    lists: dict[str, tuple[int, list[Choice]]] = {}
    if sheet is None:
        return None
    if not sheet.rows:
        return lists
    if missing_columns(sheet, ("list_name", "name"), problems):
        return None
    check_labels = check_label_column(sheet, language, problems)
    name_col, list_col = sheet.heading("name"), sheet.heading("list_name")
    label_col = sheet.text_heading("label", language)
    rows: dict[tuple[str, str], int] = {}  # (list, lower-case name) -> row

    def report(row: Row, column: str, message: Message) -> None:
        problems.append(Problem(sheet.name, row.number, column, *message))

    for row in sheet.rows:
        list_name, name, label = row.get("list_name"), row.get("name"), row.text("label", language)
        if not list_name:
            report(row, list_col, msg("choice_no_list"))
            continue
        if list_name not in lists:
            lists[list_name] = (row.number, [])
            bad = name_problem(list_name, "list name", spss=False)
            if bad:
                report(row, list_col, bad)
        if not name:
            if label:
                report(row, name_col, msg("choice_no_name"))
            continue
        bad = choice_name_problem(name)
        if bad:
            report(row, name_col, bad)
        earlier = rows.setdefault((list_name, name.lower()), row.number)
        if earlier != row.number:
            report(row, name_col, msg("duplicate_choice", name=name, list=list_name, row=earlier))
        if check_labels and not has_text(label, language):
            message = msg("choice_no_label", name=name, language=language, column=label_col)
            report(row, label_col, message)
        lists[list_name][1].append(Choice(name, label))
    for list_name, (first_row, choices) in lists.items():
        if not choices:
            problems.append(
                Problem(sheet.name, first_row, list_col, *msg("empty_list", list=list_name))
            )
    return lists


def build_questionnaire(sheets: Mapping[str, Sheet]) -> tuple[Questionnaire | None, list[Problem]]:
    """Build the model from the sheets, or return every problem found.

    Args:
        sheets: the sheets read, by name; the reader reported missing ones.

    Returns:
        The questionnaire and no problems, or ``None`` and the problems.
    """
    problems = [p for sheet in sheets.values() for p in column_problems(sheet)]
    settings = _read_settings(sheets.get("settings"), problems)
    choices = sheets.get("choices")
    drafts = _read_choices(choices, settings.language, problems)
    lists = None
    if drafts is not None:
        lists = {name: ChoiceList(name, tuple(cs)) for name, (_, cs) in drafts.items()}
    survey = sheets.get("survey")
    items: tuple[Item, ...] = ()
    if survey is not None:
        reader = SurveyReader(survey, lists, settings.language, problems)
        items = reader.run()
        if reader.complete and choices is not None and drafts is not None:
            column = choices.heading("list_name")
            problems += [
                Problem(choices.name, first_row, column, *msg("unused_list", list=name))
                for name, (first_row, _) in drafts.items()
                if name not in reader.used_lists
            ]
    if problems or any(name not in sheets for name in SHEET_ORDER):
        return None, problems
    questionnaire = Questionnaire(
        form_id=settings.form_id,
        version=settings.version,
        title=settings.title,
        default_language=settings.language,
        items=items,
        choice_lists=tuple((lists or {}).values()),
    )
    return questionnaire, []
