"""The words of every problem a questionnaire workbook can have: message and fix.

Each entry is a ``(message, fix)`` pair with ``str.format`` fields; the checks
fill them in with :func:`msg` and add sheet, row and column. Every message is
listed, with its fix, in ``docs/questionnaire.md`` (a test keeps the two in step).
"""

from __future__ import annotations

from collections.abc import Mapping

__all__ = ["MESSAGES", "TYPES", "Message", "msg"]

Message = tuple[str, str]
"""A problem's ``(message, fix)``; the caller adds sheet, row and column."""

_FIX_PATH = (
    "Give an .xlsx workbook, or the folder holding survey.csv, choices.csv and settings.csv."
)
_FIX_ORDER = "A condition can only use questions asked before it."
TYPES = "select_one LIST, select_multiple LIST, text, integer, note, begin group, end group"

MESSAGES: Mapping[str, Message] = {
    # files and sheets
    "no_path": ("There is no file or folder '{path}'.", _FIX_PATH),
    "single_csv": ("A single CSV file is not a questionnaire.", _FIX_PATH),
    "not_xlsx": ("'{file}' is not an .xlsx workbook.", _FIX_PATH),
    "no_sheet": (
        "The workbook has no sheet named '{sheet}'.",
        "Add a sheet named {sheet} with the columns {columns}.",
    ),
    "no_file": (
        "The folder has no file '{sheet}.csv'.",
        "Add {sheet}.csv with the columns {columns}.",
    ),
    "not_utf8": (
        "The file '{file}' is not UTF-8 text.",
        "Save it as 'CSV UTF-8 (comma delimited)'.",
    ),
    # columns
    "duplicate_column": (
        "The column '{column}' appears twice.",
        "Delete or rename one of the two columns.",
    ),
    "unknown_paper_column": (
        "Unknown paper column '{column}'.",
        "Use paper::page_break, paper::layout or paper::lines, or remove the column.",
    ),
    "no_column": ("The sheet has no column '{column}'.", "Add a column headed {column}."),
    "no_label_column": (
        "The sheet has no column 'label'.",
        "Add a column label (or label::nl and label::en).",
    ),
    "no_default_label_column": (
        "The sheet has no label column for the default language '{language}'.",
        "Add a column label::{language}, or set default_language in the settings sheet "
        "to {languages}.",
    ),
    # settings
    "no_form_id": (
        "The questionnaire has no form_id.",
        "Fill in a short code for this questionnaire, for example kbo_werk_inkomen.",
    ),
    "bad_form_id": (
        "The form_id '{form_id}' is not valid.",
        "Use only letters, digits, underscores, hyphens and dots, at most 64 characters.",
    ),
    # names
    "no_name": (
        "This row has no name.",
        "Fill in a short unique code, for example q1; it becomes the column name in every dataset.",
    ),
    "bad_name": (
        "The {noun} '{name}' is not valid.",
        "Use only letters, digits and underscores, starting with a letter, "
        "for example '{suggestion}'.",
    ),
    "long_name": (
        "The {noun} '{name}' is {length} characters long; the maximum is 32.",
        "Shorten it, for example to '{suggestion}'.",
    ),
    "reserved_name": (
        "The {noun} '{name}' is a reserved word in SPSS.",
        "Choose another name, for example '{name}_1'.",
    ),
    "duplicate_name": (
        "The name '{name}' is already used in row {row}.",
        "Give every question and group its own name.",
    ),
    "duplicate_name_case": (
        "The name '{name}' is already used in row {row} (as '{other}').",
        "Give every question and group its own name; names that differ only in capitals "
        "count as the same.",
    ),
    # choices
    "choice_no_list": (
        "This choice has no list_name.",
        "Fill in the name of the list it belongs to.",
    ),
    "choice_no_name": (
        "This choice has no name.",
        "Fill in the code stored for this answer, for example 1 or ja.",
    ),
    "bad_choice_name": (
        "The choice name '{name}' is not valid.",
        "Use only letters, digits, underscores and hyphens, at most 32 characters, "
        "for example 1, 2, 3 or ja, nee.",
    ),
    "duplicate_choice": (
        "The choice name '{name}' is already used in the list '{list}' (row {row}).",
        "Give every choice in a list its own name.",
    ),
    "choice_no_label": (
        "The choice '{name}' has no label in the default language ({language}).",
        "Fill in {column}.",
    ),
    "empty_list": ("The choice list '{list}' has no choices.", "Add choices to it, or delete it."),
    "unused_list": (
        "The choice list '{list}' is not used by any question.",
        "Delete the list or use it.",
    ),
    # survey rows
    "no_questions": (
        "The sheet has no questions.",
        "Add a row for every question, note and group.",
    ),
    "no_type": ("This row has no type.", f"Fill in one of: {TYPES}."),
    "unknown_type": ("Unknown type '{type}'.", f"Use one of: {TYPES}."),
    "select_no_list": (
        "The type {type} needs the name of a choice list.",
        "Write it as '{type} LIST', for example '{type} ja_nee'.",
    ),
    "unknown_list": (
        "The choice list '{list}' does not exist in the choices sheet.",
        "Add the list to the choices sheet, or correct the name.{suggestion}",
    ),
    "no_label": (
        "The {noun} '{name}' has no label in the default language ({language}).",
        "Fill in {column}.",
    ),
    "bad_flag": (
        "The value '{value}' in {column} is not understood.",
        "Use yes or no, or leave the cell empty for no.",
    ),
    "bad_lines": (
        "paper::lines must be a whole number, not '{value}'.",
        "Fill in the number of writing lines, for example 3, or leave the cell empty.",
    ),
    # or_other, constraint, choice_filter
    "or_other_grid": (
        "or_other cannot be used in the table-list group '{group}': a grid has no room for "
        "a written answer.",
        "Move '{name}' out of the group, or remove or_other.",
    ),
    "or_other_clash": (
        "The list '{list}' already has a choice named 'other', which or_other adds itself.",
        "Rename that choice, or remove or_other and put a text question after this one.",
    ),
    "or_other_taken": (
        "or_other adds the open answer '{other}', but that name is already used in row {row}.",
        "Rename the question in row {row}.",
    ),
    "or_other_long": (
        "or_other adds the open answer '{other}', which is longer than 32 characters.",
        "Shorten the name '{name}' to at most 26 characters.",
    ),
    "bad_constraint": (
        "The constraint cannot be read: {reason} at character {position}.",
        "Write constraints like . >= 18, . <= ${{q1}} or not(selected(., 'x')), joined with "
        "and, or, not(...) and parentheses; '.' is the answer itself.",
    ),
    "constraint_not_here": (
        "A constraint on {what} cannot be checked.",
        "Remove the constraint, or put it on a question outside a table-list group.",
    ),
    "choice_filter": (
        "choice_filter cannot be printed on paper: a paper questionnaire shows every option "
        "of the list to every respondent.",
        "Split the question into one question per case, each with its own list and a "
        "relevant condition, or remove choice_filter.",
    ),
    "bad_polarity": (
        "The value '{value}' in polarity is not understood.",
        "Use negative for a negatively worded statement, or leave the cell empty.",
    ),
    # groups
    "unclosed_group": (
        "The group '{name}' is never closed.",
        "Add an end group row after its last question.",
    ),
    "unmatched_end": (
        "This end group has no matching begin group.",
        "Delete the row, or add a begin group above it.",
    ),
    "empty_group": (
        "The group '{name}' is empty.",
        "Add questions between begin group and end group, or delete both rows.",
    ),
    "grid_not_select_one": (
        "A table-list group holds only select_one questions, but '{name}' is {kind}.",
        "Move it out of the group, or remove table-list from the group's appearance.",
    ),
    "grid_mixed_lists": (
        "All questions in the table-list group '{group}' must use the same choice list; "
        "'{name}' uses '{list}', the first uses '{first}'.",
        "Use select_one {first}, or split the group.",
    ),
    # conditions
    "bad_condition": (
        "The condition cannot be read: {reason} at character {position}.",
        "Write conditions like ${{q1}} = 'ja' or selected(${{q2}}, 'b'), joined with and, or, "
        "not(...) and parentheses.",
    ),
    "condition_self": ("The condition refers to itself ('{ref}').", _FIX_ORDER),
    "condition_later": (
        "The condition refers to '{ref}', which comes later (row {row}).",
        _FIX_ORDER + " Move the question up or change the condition.",
    ),
    "condition_note": (
        "The condition refers to '{ref}', which is a note and has no answer.",
        "Refer to a question instead.",
    ),
    "condition_group": (
        "The condition refers to '{ref}', which is a group, not a question.",
        "Refer to a question inside the group instead.",
    ),
    "condition_unknown": (
        "The condition refers to '{ref}', but there is no question with that name.",
        "Correct the name or add the question.{suggestion}",
    ),
    "selected_not_select": (
        "selected() needs a select question, but '{ref}' is {type}.",
        "Compare it instead, as in ${{{ref}}} = 'value'.",
    ),
    "not_a_choice": (
        "The condition compares '{ref}' with '{value}', which is not a choice in the list "
        "'{list}'.",
        "Use one of: {choices}.",
    ),
    "compare_multiple": (
        "The question '{ref}' is select_multiple; compare it with selected() instead of {op}.",
        "Write selected(${{{ref}}}, {quoted}).",
    ),
    "not_numeric_question": (
        "The condition uses {op} on '{ref}', which does not hold numbers.",
        "Use <, <=, > and >= only with integer questions or with lists whose choice names "
        "are numbers.",
    ),
    "not_a_number": (
        "The condition compares '{ref}' with '{value}', which is not a number.",
        "Write a number without quotes, for example ${{{ref}}} {op} 18.",
    ),
}


def msg(code: str, **values: object) -> Message:
    """The message and fix of ``code`` in :data:`MESSAGES`, filled in with ``values``."""
    message, fix = MESSAGES[code]
    return message.format(**values), fix.format(**values)
