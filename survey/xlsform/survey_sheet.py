"""Read the ``survey`` sheet row by row into questions and groups.

Rows open and close groups, so the reader keeps a stack of open groups
(frames); every problem it meets is appended to a shared list and reading
goes on, so one pass finds them all. Conditions are checked at the end, when
every question is known (:mod:`survey.xlsform.condition_checks`), and so are
the rules for grids (``table-list`` groups) when their group closes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from survey.errors import Problem
from survey.model import (
    OTHER,
    Choice,
    ChoiceList,
    Group,
    Item,
    PaperHints,
    Question,
    QuestionType,
    Text,
    other_label,
)
from survey.routing import Expr, ExpressionError, Selected, parse
from survey.xlsform.cells import parse_flag, parse_lines
from survey.xlsform.checks import (
    check_label_column,
    did_you_mean,
    has_text,
    missing_columns,
    name_problem,
)
from survey.xlsform.condition_checks import condition_problems
from survey.xlsform.messages import Message, msg
from survey.xlsform.sheets import Row, Sheet

__all__ = ["SurveyReader"]


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


class SurveyReader:
    """Reads the survey sheet row by row into items, collecting problems.

    Args:
        sheet: the ``survey`` sheet.
        lists: the choice lists by name, or ``None`` when the choices sheet
            could not be read (a question naming a list is then not reported).
        language: the default language.
        problems: where every problem found is appended.

    After :meth:`run`, ``used_lists`` names every list a question uses, and
    ``complete`` says whether every row was read (so ``used_lists`` can be
    trusted to find unused lists).
    """

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
        self.conditions: list[tuple[int, str, Expr, str]] = []  # row, own name, expr, column
        self.used_lists: set[str] = set()

    def report(self, row: Row | int, base: str, message: Message) -> None:
        number = row if isinstance(row, int) else row.number
        column = self.sheet.heading(base) if base else ""
        self.problems.append(Problem(self.sheet.name, number, column, *message))

    def run(self) -> tuple[Item, ...]:
        if not self.sheet.rows:
            self.report(0, "", msg("no_questions"))
            return ()
        if missing_columns(self.sheet, ("type", "name"), self.problems):
            return ()
        self.check_labels = check_label_column(self.sheet, self.language, self.problems)
        for row in self.sheet.rows:
            self.read_row(row)
        self.complete = True
        while len(self.stack) > 1:
            frame = self.stack[-1]
            self.report(frame.row, "type", msg("unclosed_group", name=frame.name))
            self.close_group()
        for number, own_name, expr, column in self.conditions:
            for message in condition_problems(
                expr, number, own_name, self.questions, self.groups, self.broken
            ):
                self.report(number, column, message)
        return tuple(self.stack[0].items)

    def kind(self, row: Row) -> tuple[str, str, bool] | None:
        """``(kind, list name, or_other)`` of a row, or ``None`` after reporting why not."""
        text = row.get("type")
        words = text.split()
        lowered = [w.lower() for w in words]
        if not words:
            self.report(row, "type", msg("no_type"))
        elif lowered in (["begin", "group"], ["end", "group"], ["begin_group"], ["end_group"]):
            return lowered[0].removesuffix("_group"), "", False
        elif lowered[0] in ("select_one", "select_multiple") and len(words) == 2:
            return lowered[0], words[1], False
        elif lowered[0] in ("select_one", "select_multiple") and lowered[2:] == ["or_other"]:
            return lowered[0], words[1], True
        elif lowered[0] in ("select_one", "select_multiple") and len(words) == 1:
            self.report(row, "type", msg("select_no_list", type=lowered[0]))
        elif len(words) == 1 and lowered[0] in ("text", "integer", "note"):
            return lowered[0], "", False
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
        what, list_name, or_other = kind
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
        constraint, constraint_source = self.read_constraint(row, name, what, frame)
        if row.get("choice_filter"):
            self.report(row, "choice_filter", msg("choice_filter"))
        if self.check_labels and not has_text(label, self.language):
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
            if or_other:
                choices = self.add_other(row, name, choices, frame)
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
            or_other=or_other,
            constraint=constraint,
            constraint_source=constraint_source,
            constraint_message=row.text("constraint_message", self.language),
            report_label=row.text("report_label", self.language),
            negative=self.read_polarity(row),
        )
        self.questions.setdefault(name, question)
        frame.items.append(question)
        if or_other:
            other = Question(
                name=question.other_name,
                type=QuestionType.TEXT,
                label=other_label(self.language),
                relevant=Selected(name, OTHER),
                relevant_source=f"selected(${{{name}}}, '{OTHER}')",
                group=frame.name,
                row=row.number,
                other_of=name,
            )
            self.questions.setdefault(other.name, other)
            frame.items.append(other)

    def add_other(self, row: Row, name: str, choices: ChoiceList, frame: _Frame) -> ChoiceList:
        """The question's choices with the ``or_other`` option; problems reported."""
        if frame.appearance and "table-list" in frame.appearance.split():
            self.report(row, "type", msg("or_other_grid", group=frame.name, name=name))
        if OTHER in choices.names():
            self.report(row, "type", msg("or_other_clash", list=choices.name))
        other = name + "_other"
        if name and len(other) > 32 and len(name) <= 32:
            self.report(row, "type", msg("or_other_long", other=other, name=name))
        _, earlier = self.names.setdefault(other.lower(), (other, row.number))
        if earlier != row.number:
            self.report(row, "type", msg("or_other_taken", other=other, row=earlier))
        return ChoiceList(
            choices.name, (*choices.choices, Choice(OTHER, other_label(self.language)))
        )

    def read_constraint(
        self, row: Row, name: str, what: str, frame: _Frame
    ) -> tuple[Expr | None, str]:
        source = row.get("constraint")
        if not source:
            return None, ""
        if what == "note":
            self.report(row, "constraint", msg("constraint_not_here", what="a note"))
            return None, source
        if frame.appearance and "table-list" in frame.appearance.split():
            what_text = "a question in a table-list group"
            self.report(row, "constraint", msg("constraint_not_here", what=what_text))
            return None, source
        try:
            expr = parse(source, self_name=name)
        except ExpressionError as exc:
            message = msg("bad_constraint", reason=exc.reason, position=exc.position)
            self.report(row, "constraint", message)
            return None, source
        self.conditions.append((row.number, "", expr, "constraint"))
        return expr, source

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
        self.conditions.append((row.number, name, expr, "relevant"))
        return expr, source

    def read_flag(self, row: Row, base: str) -> bool:
        flag = parse_flag(row.get(base))
        if flag is None:
            column = self.sheet.heading(base)
            self.report(row, base, msg("bad_flag", value=row.get(base), column=column))
        return bool(flag)

    def read_polarity(self, row: Row) -> bool:
        """``polarity``: ``negative`` for a negatively worded statement; empty or ``positive``."""
        value = row.get("polarity").lower()
        if value not in ("", "positive", "negative"):
            self.report(row, "polarity", msg("bad_polarity", value=row.get("polarity")))
        return value == "negative"

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
