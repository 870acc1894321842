"""The questionnaire workbook as tables, and the checks that find its problems.

:mod:`survey.questionnaire` reads the three sheets into :class:`Sheet` objects
and builds the model; the rules that decide what is a problem, and the words
that explain it to the author, live here. Nothing in this module does I/O.

Every message is listed, with its fix, in ``docs/questionnaire.md``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from survey.errors import Problem
from survey.model import Question, QuestionType, Text
from survey.routing import ORDERING, Compare, Expr, Selected, conditions, quote

SHEET_ORDER = ("survey", "choices", "settings")
TEXT_BASES = frozenset({"label", "hint", "title"})
ALIASES = {"form_title": "title", "list name": "list_name"}
PAPER_COLUMNS = ("paper::page_break", "paper::layout", "paper::lines")
KNOWN_COLUMNS: Mapping[str, frozenset[str]] = {
    "survey": frozenset(
        {"type", "name", "label", "hint", "relevant", "required", "appearance", *PAPER_COLUMNS}
    ),
    "choices": frozenset({"list_name", "name", "label"}),
    "settings": frozenset({"form_id", "version", "title", "default_language"}),
}
LANGUAGE_NAMES = {"dutch": "nl", "nederlands": "nl", "english": "en", "engels": "en"}
TRUE_WORDS = frozenset({"yes", "true", "1", "ja", "true()"})
FALSE_WORDS = frozenset({"", "no", "false", "0", "nee", "false()"})
MAX_NAME = 32
SPSS_RESERVED = frozenset(
    {"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"}
)
_IDENTIFIER_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_CHOICE_NAME_RE = re.compile(r"[A-Za-z0-9_-]+")
_FORM_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")
_NUMBER_RE = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")

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


# ---------------------------------------------------------------- tables


def language_code(text: str) -> str:
    """``nl`` from ``nl``, ``Dutch (nl)``, ``Nederlands`` or ``NL``."""
    text = text.strip()
    m = re.search(r"\(\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]+)?)\s*\)\s*$", text)
    if m:
        return m.group(1).lower()
    return LANGUAGE_NAMES.get(text.lower(), text.lower())


@dataclass(frozen=True)
class Column:
    """One column heading.

    Attributes:
        heading: the heading as written, used in messages.
        base: the normalised name: ``label``, ``type``, ``paper::lines``.
        language: the language of a text column (``label::en``), else ``""``.
    """

    heading: str
    base: str
    language: str = ""

    @classmethod
    def parse(cls, heading: str) -> Column:
        first, sep, rest = heading.strip().partition("::")
        first = first.strip().lower()
        first = ALIASES.get(first, first)
        if not sep:
            return cls(heading.strip(), first)
        if first in TEXT_BASES:
            return cls(heading.strip(), first, language_code(rest))
        return cls(heading.strip(), f"{first}::{rest.strip().lower()}")


@dataclass(frozen=True)
class Row:
    """One non-empty row below the heading.

    Attributes:
        number: the spreadsheet row number (the heading is row 1).
        cells: stripped cell texts by ``(base, language)``.
    """

    number: int
    cells: Mapping[tuple[str, str], str]

    def get(self, base: str) -> str:
        return self.cells.get((base, ""), "")

    def text(self, base: str, default_language: str) -> Text:
        """The text columns ``base`` and ``base::LANG``; a plain column is the default language."""
        values = {default_language: self.cells.get((base, ""), "")}
        for (b, language), value in self.cells.items():
            if b == base and language and value:
                values[language] = value
        return Text(tuple(sorted((k, v) for k, v in values.items() if v)), default_language)


@dataclass(frozen=True)
class Sheet:
    """A sheet (or CSV file) of the workbook, headings parsed.

    Attributes:
        name: ``survey``, ``choices`` or ``settings``.
        columns: the columns with a heading, first occurrence of each.
        duplicates: later columns whose heading repeats an earlier one.
        rows: the non-empty rows, in order.
    """

    name: str
    columns: tuple[Column, ...]
    duplicates: tuple[Column, ...]
    rows: tuple[Row, ...]

    @classmethod
    def from_cells(cls, name: str, header: Sequence[str], body: Iterable[Sequence[str]]) -> Sheet:
        """Build a sheet from cell texts; ``body`` starts at spreadsheet row 2."""
        columns: list[Column] = []
        duplicates: list[Column] = []
        index: list[tuple[int, tuple[str, str]]] = []
        seen: set[tuple[str, str]] = set()
        for i, heading in enumerate(header):
            if not heading.strip():
                continue
            column = Column.parse(heading)
            key = (column.base, column.language)
            if key in seen:
                duplicates.append(column)
                continue
            seen.add(key)
            columns.append(column)
            index.append((i, key))
        rows = []
        for number, cells in enumerate(body, start=2):
            values = {key: cells[i].strip() for i, key in index if i < len(cells)}
            if any(values.values()):
                rows.append(Row(number, values))
        return cls(name, tuple(columns), tuple(duplicates), tuple(rows))

    def has(self, base: str) -> bool:
        return any(c.base == base for c in self.columns)

    def heading(self, base: str, language: str = "") -> str:
        """The heading as written, falling back to ``base`` when the column is absent."""
        for c in self.columns:
            if c.base == base and c.language == language:
                return c.heading
        return f"{base}::{language}" if language else base

    def text_heading(self, base: str, language: str) -> str:
        """The heading of the column holding ``base`` texts in ``language``."""
        if any(c.base == base and c.language == language for c in self.columns):
            return self.heading(base, language)
        return self.heading(base) if self.has_plain(base) else f"{base}::{language}"

    def has_plain(self, base: str) -> bool:
        return any(c.base == base and not c.language for c in self.columns)

    def languages(self, base: str, default_language: str) -> set[str]:
        return {c.language or default_language for c in self.columns if c.base == base}


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


# ---------------------------------------------------------------- values


def parse_flag(value: str) -> bool | None:
    """``yes``/``no``-style cell to bool; ``None`` when not understood."""
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_lines(value: str) -> int | None:
    """A whole number of 0 or more; empty is 0; ``None`` when not one."""
    value = value.strip()
    if not value:
        return 0
    if re.fullmatch(r"[0-9]+(\.0+)?", value):
        return int(value.split(".")[0])
    return None


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


# ---------------------------------------------------------------- conditions


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
