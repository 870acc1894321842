"""Read a questionnaire definition into the model (and write one back).

The authoring format is an XLSForm-style workbook (see ``docs/questionnaire.md``):
an ``.xlsx`` file with the sheets ``survey``, ``choices`` and ``settings``, or a
folder holding ``survey.csv``, ``choices.csv`` and ``settings.csv``. Either
way the result is the same :class:`~survey.model.Questionnaire`, with the same
version hash.

Reading never stops at the first problem: every problem in the workbook is
collected and raised together in one :class:`~survey.errors.QuestionnaireError`,
so an author can fix them all in one go. The rules and the wording of the
messages live in :mod:`survey.validation`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from survey.errors import CorruptInputError, Problem, QuestionnaireError
from survey.model import (
    DEFAULT_LANGUAGE,
    Choice,
    ChoiceList,
    Group,
    Item,
    PaperHints,
    Question,
    Questionnaire,
    QuestionType,
    Text,
)
from survey.routing import Expr, ExpressionError, parse
from survey.validation import (
    SHEET_ORDER,
    Message,
    Row,
    Sheet,
    choice_name_problem,
    column_problems,
    condition_problems,
    did_you_mean,
    form_id_problem,
    label_column_problem,
    language_code,
    msg,
    name_problem,
    parse_flag,
    parse_lines,
    required_column_problems,
    sort_problems,
)

DEFAULT_QUESTIONNAIRE = Path(__file__).parent / "data" / "kbo_werk_inkomen"
_COLUMNS = {
    "survey": "type, name and label",
    "choices": "list_name, name and label",
    "settings": "form_id, version, title and default_language",
}

__all__ = [
    "DEFAULT_QUESTIONNAIRE",
    "build_questionnaire",
    "default_questionnaire",
    "load_questionnaire",
    "questionnaire_to_workbook",
    "read_sheets",
]


# ---------------------------------------------------------------- public API


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


# ---------------------------------------------------------------- reading files


def read_sheets(path: Path) -> tuple[dict[str, Sheet], list[Problem]]:
    """The sheets found at ``path``, and the problems met finding them."""
    if path.is_dir():
        return _read_folder(path)
    if path.exists() and path.suffix.lower() in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if not path.exists():
        message = msg("no_path", path=path)
    elif path.suffix.lower() == ".csv":
        message = msg("single_csv")
    else:
        message = msg("not_xlsx", file=path.name)
    return {}, [Problem(path.name, 0, "", *message)]


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path) -> tuple[dict[str, Sheet], list[Problem]]:
    import openpyxl  # heavy; only needed for workbooks
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise CorruptInputError(
            f"Cannot open {path} as an .xlsx workbook ({exc}). "
            "Save it again as .xlsx from Excel or LibreOffice."
        ) from exc
    sheets: dict[str, Sheet] = {}
    problems: list[Problem] = []
    try:
        by_name = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
        for name in SHEET_ORDER:
            ws = by_name.get(name)
            if ws is None:
                message = msg("no_sheet", sheet=name, columns=_COLUMNS[name])
                problems.append(Problem(name, 0, "", *message))
                continue
            rows = [[_cell_text(v) for v in r] for r in ws.iter_rows(min_row=1, values_only=True)]
            sheets[name] = Sheet.from_cells(name, rows[0] if rows else [], rows[1:])
    finally:
        workbook.close()
    return sheets, problems


def _read_folder(folder: Path) -> tuple[dict[str, Sheet], list[Problem]]:
    files = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    sheets: dict[str, Sheet] = {}
    problems: list[Problem] = []
    for name in SHEET_ORDER:
        file = files.get(f"{name}.csv")
        if file is None:
            problems.append(
                Problem(name, 0, "", *msg("no_file", sheet=name, columns=_COLUMNS[name]))
            )
            continue
        try:
            text = file.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append(Problem(name, 0, "", *msg("not_utf8", file=file.name)))
            continue
        first_line = text.split("\n", 1)[0]
        delimiter = ";" if ";" in first_line and "," not in first_line else ","
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
        sheets[name] = Sheet.from_cells(name, rows[0] if rows else [], rows[1:])
    return sheets, problems


# ---------------------------------------------------------------- building


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
    if _missing_columns(sheet, ("list_name", "name"), problems):
        return None
    check_labels = _check_label_column(sheet, language, problems)
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
        if check_labels and not _has_text(label, language):
            message = msg("choice_no_label", name=name, language=language, column=label_col)
            report(row, label_col, message)
        lists[list_name][1].append(Choice(name, label))
    for list_name, (first_row, choices) in lists.items():
        if not choices:
            problems.append(
                Problem(sheet.name, first_row, list_col, *msg("empty_list", list=list_name))
            )
    return lists


def _missing_columns(sheet: Sheet, required: tuple[str, ...], problems: list[Problem]) -> bool:
    missing = required_column_problems(sheet, required)
    problems += missing
    return bool(missing)


def _check_label_column(sheet: Sheet, language: str, problems: list[Problem]) -> bool:
    """Report a missing label column; True when rows should be checked for labels."""
    problem = label_column_problem(sheet, language)
    if problem:
        problems.append(problem)
    return problem is None


def _has_text(text: Text, language: str) -> bool:
    return bool(dict(text.values).get(language))


@dataclass
class _Frame:
    """An open group while reading the survey sheet (the top level is a frame too).

    ``members`` keeps ``(row, kind, list name, name)`` of every row directly
    inside, including rows that could not become a question, for the checks
    that run when the group closes.
    """

    row: int  # the begin group row; 0 for the top level
    name: str = ""
    label: Text = field(default_factory=Text)
    appearance: str = ""
    relevant: Expr | None = None
    relevant_source: str = ""
    paper: PaperHints = field(default_factory=PaperHints)
    hint: Text = field(default_factory=Text)
    items: list[Item] = field(default_factory=list)
    members: list[tuple[int, str, str, str]] = field(default_factory=list)


class _SurveyReader:
    """Reads the survey sheet row by row into items, collecting problems."""

    def __init__(
        self,
        sheet: Sheet,
        lists: Mapping[str, ChoiceList] | None,
        language: str,
        problems: list[Problem],
    ) -> None:
        self.sheet, self.lists, self.language, self.problems = sheet, lists, language, problems
        self.check_labels = True
        self.complete = False  # every row was read, so used_lists is complete
        self.stack = [_Frame(0)]
        self.names: dict[str, tuple[str, int]] = {}  # lower-case name -> (name, row)
        self.questions: dict[str, Question] = {}
        self.groups: dict[str, int] = {}
        self.broken: set[str] = set()
        self.conditions: list[tuple[int, str, Expr]] = []
        self.used_lists: set[str] = set()

    def report(self, row: Row | int, base: str, message: Message) -> None:
        number = row if isinstance(row, int) else row.number
        column = self.sheet.heading(base) if base else ""
        self.problems.append(Problem(self.sheet.name, number, column, *message))

    def run(self) -> tuple[Item, ...]:
        if not self.sheet.rows:
            self.report(0, "", msg("no_questions"))
            return ()
        if _missing_columns(self.sheet, ("type", "name"), self.problems):
            return ()
        self.check_labels = _check_label_column(self.sheet, self.language, self.problems)
        for row in self.sheet.rows:
            self.read_row(row)
        self.complete = True
        while len(self.stack) > 1:
            frame = self.stack[-1]
            self.report(frame.row, "type", msg("unclosed_group", name=frame.name))
            self.close_group()
        for number, own_name, expr in self.conditions:
            for message in condition_problems(
                expr, number, own_name, self.questions, self.groups, self.broken
            ):
                self.report(number, "relevant", message)
        return tuple(self.stack[0].items)

    def kind(self, row: Row) -> tuple[str, str] | None:
        """``(kind, list name)`` of a row, or ``None`` after reporting why not."""
        text = row.get("type")
        words = text.split()
        lowered = [w.lower() for w in words]
        if not words:
            self.report(row, "type", msg("no_type"))
        elif lowered in (["begin", "group"], ["end", "group"], ["begin_group"], ["end_group"]):
            return lowered[0].removesuffix("_group"), ""
        elif lowered[0] in ("select_one", "select_multiple") and len(words) == 2:
            return lowered[0], words[1]
        elif lowered[0] in ("select_one", "select_multiple") and len(words) == 1:
            self.report(row, "type", msg("select_no_list", type=lowered[0]))
        elif len(words) == 1 and lowered[0] in ("text", "integer", "note"):
            return lowered[0], ""
        else:
            self.report(row, "type", msg("unknown_type", type=text))
        return None

    def read_row(self, row: Row) -> None:
        frame = self.stack[-1]
        kind = self.kind(row)
        if kind is None:
            self.broken.add(row.get("name"))
            frame.members.append((row.number, "unknown", "", row.get("name")))
            return
        what, list_name = kind
        if what == "end":
            if len(self.stack) == 1:
                self.report(row, "type", msg("unmatched_end"))
            else:
                self.close_group()
            return
        name = self.check_name(row)
        relevant, source = self.read_relevant(row, name)
        paper = self.read_paper(row)
        appearance = row.get("appearance").lower()
        label = row.text("label", self.language)
        hint = row.text("hint", self.language)
        frame.members.append((row.number, "group" if what == "begin" else what, list_name, name))
        if what == "begin":
            self.groups.setdefault(name, row.number)
            self.stack.append(
                _Frame(row.number, name, label, appearance, relevant, source, paper, hint)
            )
            return
        required = self.read_flag(row, "required")
        if self.check_labels and not _has_text(label, self.language):
            column = self.sheet.text_heading("label", self.language)
            noun = "note" if what == "note" else "question"
            message = msg("no_label", noun=noun, name=name, language=self.language, column=column)
            self.problems.append(Problem(self.sheet.name, row.number, column, *message))
        choices = None
        if list_name:
            self.used_lists.add(list_name)
            choices = self.lists.get(list_name) if self.lists is not None else None
            if choices is None:
                self.broken.add(name)
                if self.lists is None:
                    return
                suggestion = did_you_mean(list_name, self.lists)
                self.report(row, "type", msg("unknown_list", list=list_name, suggestion=suggestion))
                return
        question = Question(
            name=name,
            type=QuestionType(what),
            label=label,
            hint=hint,
            choices=choices,
            relevant=relevant,
            relevant_source=source,
            required=required,
            appearance=appearance,
            group=frame.name,
            paper=paper,
            row=row.number,
        )
        self.questions.setdefault(name, question)
        frame.items.append(question)

    def check_name(self, row: Row) -> str:
        name = row.get("name")
        if not name:
            self.report(row, "name", msg("no_name"))
            return name
        bad = name_problem(name)
        if bad:
            self.report(row, "name", bad)
        other, earlier = self.names.setdefault(name.lower(), (name, row.number))
        if earlier != row.number and other == name:
            self.report(row, "name", msg("duplicate_name", name=name, row=earlier))
        elif earlier != row.number:
            self.report(
                row, "name", msg("duplicate_name_case", name=name, row=earlier, other=other)
            )
        return name

    def read_relevant(self, row: Row, name: str) -> tuple[Expr | None, str]:
        source = row.get("relevant")
        if not source:
            return None, ""
        try:
            expr = parse(source)
        except ExpressionError as exc:
            message = msg("bad_condition", reason=exc.reason, position=exc.position)
            self.report(row, "relevant", message)
            return None, source
        self.conditions.append((row.number, name, expr))
        return expr, source

    def read_flag(self, row: Row, base: str) -> bool:
        flag = parse_flag(row.get(base))
        if flag is None:
            column = self.sheet.heading(base)
            self.report(row, base, msg("bad_flag", value=row.get(base), column=column))
        return bool(flag)

    def read_paper(self, row: Row) -> PaperHints:
        lines = parse_lines(row.get("paper::lines"))
        if lines is None:
            self.report(row, "paper::lines", msg("bad_lines", value=row.get("paper::lines")))
        return PaperHints(
            page_break=self.read_flag(row, "paper::page_break"),
            layout=row.get("paper::layout").lower(),
            lines=lines or 0,
        )

    def close_group(self) -> None:
        frame = self.stack.pop()
        group = Group(
            name=frame.name,
            label=frame.label,
            items=tuple(frame.items),
            appearance=frame.appearance,
            relevant=frame.relevant,
            relevant_source=frame.relevant_source,
            paper=frame.paper,
            row=frame.row,
            hint=frame.hint,
        )
        if not frame.members:
            self.report(frame.row, "type", msg("empty_group", name=frame.name))
        if group.is_grid:
            self.check_grid(frame)
        self.stack[-1].items.append(group)

    def check_grid(self, frame: _Frame) -> None:
        """A table-list group: only select_one questions, all on one list."""
        first = next((lst for _, kind, lst, _ in frame.members if kind == "select_one"), "")
        for number, kind, list_name, name in frame.members:
            if kind not in ("unknown", "select_one"):
                self.report(number, "type", msg("grid_not_select_one", name=name, kind=kind))
            elif kind == "select_one" and list_name != first:
                message = msg(
                    "grid_mixed_lists", group=frame.name, name=name, list=list_name, first=first
                )
                self.report(number, "type", message)


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
        reader = _SurveyReader(survey, lists, settings.language, problems)
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


# ---------------------------------------------------------------- writing


def _languages(q: Questionnaire) -> list[str]:
    texts = [q.title, *(t for g in q.groups() for t in (g.label, g.hint))]
    texts += [t for x in q.questions() for t in (x.label, x.hint)]
    texts += [c.label for cl in q.choice_lists for c in cl.choices]
    found = {language for t in texts for language, _ in t.values}
    return [q.default_language, *sorted(found - {q.default_language})]


def _flag(value: bool) -> str:
    return "yes" if value else ""


def _survey_rows(items: tuple[Item, ...], languages: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    for item in items:
        paper = [_flag(item.paper.page_break), item.paper.layout, str(item.paper.lines or "")]
        labels = [dict(item.label.values).get(lang, "") for lang in languages]
        hints = [dict(item.hint.values).get(lang, "") for lang in languages]
        if isinstance(item, Group):
            rows.append(
                [
                    "begin group",
                    item.name,
                    *labels,
                    *hints,
                    item.relevant_source,
                    "",
                    item.appearance,
                    *paper,
                ]
            )
            rows += _survey_rows(item.items, languages)
            rows.append(["end group", *[""] * (2 * len(languages) + 4), "", "", ""])
            continue
        kind = item.type.value + (f" {item.choices.name}" if item.choices else "")
        rows.append(
            [
                kind,
                item.name,
                *labels,
                *hints,
                item.relevant_source,
                _flag(item.required),
                item.appearance,
                *paper,
            ]
        )
    return rows


def questionnaire_to_workbook(q: Questionnaire, path: Path) -> None:
    """Write ``q`` as an ``.xlsx`` workbook that :func:`load_questionnaire` reads back.

    The workbook has one ``label::LANG`` and ``hint::LANG`` column per
    language in use, so the round trip keeps the version hash.
    """
    import openpyxl

    languages = _languages(q)
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(
        [
            "type",
            "name",
            *[f"label::{x}" for x in languages],
            *[f"hint::{x}" for x in languages],
            "relevant",
            "required",
            "appearance",
            "paper::page_break",
            "paper::layout",
            "paper::lines",
        ]
    )
    for row in _survey_rows(q.items, languages):
        survey.append(row)
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", *[f"label::{x}" for x in languages]])
    for cl in q.choice_lists:
        for c in cl.choices:
            choices.append([cl.name, c.name, *[dict(c.label.values).get(x, "") for x in languages]])
    settings = workbook.create_sheet("settings")
    settings.append(["form_id", "version", *[f"title::{x}" for x in languages], "default_language"])
    settings.append(
        [
            q.form_id,
            q.version,
            *[dict(q.title.values).get(x, "") for x in languages],
            q.default_language,
        ]
    )
    workbook.save(path)
