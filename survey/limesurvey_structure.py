"""The questionnaire as LimeSurvey sees it: groups, questions, and the response columns.

One definition for both directions: :mod:`layout.limesurvey_lss` writes this
structure as a ``.lss`` file, and :mod:`ingest.online_headings` maps the
columns of a response export back through it. The shapes:

* a top-level group is a LimeSurvey question group (its ``relevant`` is the
  group's relevance); top-level questions outside any group share a group
  titled with the questionnaire's title; a group nested deeper passes its
  condition on to the questions inside;
* ``select_one`` is a list (radio, ``L``), ``select_multiple`` a multiple
  choice (``M``) with one subquestion per choice, ``integer`` a numerical
  input (``N``, whole numbers only), ``text`` a long free text (``T``), a note
  a text display (``X``), and a grid (``table-list`` group) an array (``F``)
  with one subquestion per row and the shared list as answers;
* routing becomes an Expression Manager equation on the LimeSurvey codes;
  so does a ``constraint`` (the question's validation equation);
* ``or_other`` is LimeSurvey's own "other" of a list or multiple choice
  (``other = Y``): the ``<name>_other`` text is its ``CODE[other]`` column,
  and a list answered with it holds ``-oth-``.

LimeSurvey exports the response columns in this order (its *field map*):
``CODE`` for a list, numerical, text or display question, ``CODE[SUB]`` for
each subquestion of an array or multiple choice, then ``CODE[other]`` for a
question with "other".
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from decimal import Decimal

from survey.limesurvey import CodeMap, grid_of
from survey.model import OTHER, Group, Question, Questionnaire, QuestionType, Text
from survey.routing import And, Compare, Expr, Not, Or, Selected

TYPE_CODES = {
    QuestionType.SELECT_ONE: "L",
    QuestionType.SELECT_MULTIPLE: "M",
    QuestionType.INTEGER: "N",
    QuestionType.TEXT: "T",
    QuestionType.NOTE: "X",
}
OTHER_VALUE = "-oth-"
"""What LimeSurvey stores for a list (radio) question answered with its "other"."""
OTHER_HEADINGS = ("Other", "Anders")
"""LimeSurvey's ``[Other]`` of a full heading, in English and Dutch."""
THEMES = {
    "L": "listradio",
    "M": "multiplechoice",
    "N": "numerical",
    "T": "longfreetext",
    "X": "boilerplate",
    "F": "arrays/array",
}


@dataclass(frozen=True)
class Sub:
    """A subquestion (array row, multiple-choice option) or an answer option.

    Attributes:
        code: its LimeSurvey code.
        name: the questionnaire name it stands for (row question or choice name).
        label: its text.
    """

    code: str
    name: str
    label: Text


@dataclass(frozen=True)
class LsQuestion:
    """One LimeSurvey question.

    Attributes:
        code: the question code.
        type: LimeSurvey's one-letter type (``L``, ``M``, ``N``, ``T``, ``X``, ``F``).
        name: the questionnaire question (or grid group) it stands for.
        label: question text; ``hint``: help text.
        relevance: the Expression Manager equation (``1``: always).
        mandatory: whether an answer is required online.
        subquestions: array rows or multiple-choice options.
        answers: the answer options of a list or array.
        other: LimeSurvey's "other" option (``or_other``), its text as ``other_label``.
        validation: the validation equation (``constraint``), ``""`` for none;
            ``validation_tip``: the message shown when it fails.
    """

    code: str
    type: str
    name: str
    label: Text
    hint: Text
    relevance: str
    mandatory: bool
    subquestions: tuple[Sub, ...] = ()
    answers: tuple[Sub, ...] = ()
    other: bool = False
    other_label: Text = field(default_factory=Text)
    validation: str = ""
    validation_tip: Text = field(default_factory=Text)


@dataclass(frozen=True)
class LsGroup:
    name: str
    title: Text
    relevance: str
    questions: tuple[LsQuestion, ...]


@dataclass(frozen=True)
class Field:
    """One response column as LimeSurvey exports it.

    Attributes:
        code: the heading with question codes (``CODE`` or ``CODE[SUB]``).
        question: the questionnaire question it feeds (``""`` for a note).
        choice: for a multiple-choice option, the choice name; else ``""``.
        type: the LimeSurvey type of its question.
        texts: the full heading per language (question text, then ``[subquestion]``).
        parts: the same as ``(question text, subquestion text)`` per language.
    """

    code: str
    question: str
    choice: str
    type: str
    texts: tuple[tuple[str, str], ...] = field(default=())
    parts: tuple[tuple[str, str, str], ...] = field(default=())

    @property
    def em_code(self) -> str:
        """The heading with *Expression Manager codes* (``CODE_SUB``)."""
        return self.code.replace("[", "_").replace("]", "")


def _answers(q: Question, codes: CodeMap) -> tuple[Sub, ...]:
    if not q.choices:
        return ()
    return tuple(
        Sub(codes.answer(q.choices.name, c.name), c.name, c.label) for c in q.own_choices()
    )


def _literal(value: str) -> str:
    return f'"{value}"' if '"' not in value else f"'{value}'"


class _Equations:
    """Routing conditions as Expression Manager equations over LimeSurvey codes."""

    def __init__(self, questionnaire: Questionnaire, codes: CodeMap) -> None:
        self.q = questionnaire
        self.codes = codes
        self.grids = grid_of(questionnaire)

    def var(self, name: str) -> str:
        q = self.q.question(name)
        if q.other_of:
            return f"{self.var(q.other_of)}_other"
        grid = self.grids.get(name)
        if grid is not None:
            return f"{self.codes.get('array', grid.name)}_{self.codes.get('row', name)}"
        return self.codes.get("question", name)

    def value(self, ref: str, value: str) -> str:
        q = self.q.question(ref)
        if q.choices and value in q.choices.names():
            return self.codes.answer(q.choices.name, value)
        return value

    def eq(self, expr: Expr) -> str:
        if isinstance(expr, Compare):
            q = self.q.question(expr.ref)
            var = f"{self.var(expr.ref)}.NAOK"
            op = "==" if expr.op == "=" else expr.op
            if isinstance(expr.value, Decimal):
                text = format(expr.value, "f")
                if op in ("==", "!="):
                    return f"{var} {op} {text}"
                return f"(!is_empty({var}) and {var} {op} {text})"
            if q.type is QuestionType.SELECT_MULTIPLE and q.choices:
                chosen = self.chosen(q, expr.value)
                return chosen if op == "==" else f"!({chosen})"
            if q.or_other and expr.value == OTHER:
                return f'{var} {op} "{OTHER_VALUE}"'
            return f"{var} {op} {_literal(self.value(expr.ref, expr.value))}"
        if isinstance(expr, Selected):
            q = self.q.question(expr.ref)
            if q.type is QuestionType.SELECT_MULTIPLE:
                return self.chosen(q, expr.value)
            if q.or_other and expr.value == OTHER:
                return f'{self.var(expr.ref)}.NAOK == "{OTHER_VALUE}"'
            return f"{self.var(expr.ref)}.NAOK == {_literal(self.value(expr.ref, expr.value))}"
        if isinstance(expr, Not):
            return f"!({self.eq(expr.term)})"
        joiner = " and " if isinstance(expr, And) else " or "
        return joiner.join(
            f"({self.eq(t)})" if isinstance(t, And | Or) else self.eq(t) for t in expr.terms
        )

    def chosen(self, q: Question, choice: str) -> str:
        """A multiple-choice option is ticked; "other" is ticked when its text is filled in."""
        if q.or_other and choice == OTHER:
            return f"!is_empty({self.var(q.name)}_other.NAOK)"
        return f'{self.var(q.name)}_{self.codes.option(q.name, choice)}.NAOK == "Y"'

    def validation(self, q: Question) -> str:
        """The validation equation of a constraint: it holds, or the question is unanswered."""
        if q.constraint is None:
            return ""
        if q.type is QuestionType.SELECT_MULTIPLE:
            return self.eq(q.constraint)
        return f"is_empty({self.var(q.name)}.NAOK) or ({self.eq(q.constraint)})"

    def of(self, *conditions: Expr | None) -> str:
        parts = [c for c in conditions if c is not None]
        if not parts:
            return "1"
        if len(parts) == 1:
            return self.eq(parts[0])
        return " and ".join(f"({self.eq(c)})" for c in parts)


def structure(questionnaire: Questionnaire, codes: CodeMap) -> tuple[LsGroup, ...]:
    """The LimeSurvey groups and questions of ``questionnaire``, in order."""
    eqs = _Equations(questionnaire, codes)

    def question(q: Question, outer: tuple[Expr, ...]) -> LsQuestion:
        t = TYPE_CODES[q.type]
        subs: tuple[Sub, ...] = ()
        if q.type is QuestionType.SELECT_MULTIPLE and q.choices:
            subs = tuple(
                Sub(codes.option(q.name, c.name), c.name, c.label) for c in q.own_choices()
            )
        answers = _answers(q, codes) if t == "L" else ()
        other = q.choices.choice(OTHER).label if q.or_other and q.choices else Text()
        return LsQuestion(
            codes.get("question", q.name),
            t,
            q.name,
            q.label,
            q.hint,
            eqs.of(*outer, q.relevant),
            q.required,
            subs,
            answers,
            other=q.or_other,
            other_label=other,
            validation=eqs.validation(q),
            validation_tip=q.constraint_message,
        )

    def array(g: Group, outer: tuple[Expr, ...]) -> LsQuestion:
        rows = tuple(g.questions())
        subs = tuple(Sub(codes.get("row", r.name), r.name, r.label) for r in rows)
        return LsQuestion(
            codes.get("array", g.name),
            "F",
            g.name,
            g.label,
            g.hint,
            eqs.of(*outer, g.relevant),
            any(r.required for r in rows),
            subs,
            _answers(rows[0], codes) if rows else (),
        )

    def flatten(items: tuple, outer: tuple[Expr, ...]) -> list[LsQuestion]:
        out: list[LsQuestion] = []
        for item in items:
            if isinstance(item, Group):
                if item.is_grid:
                    out.append(array(item, outer))
                else:
                    inner = outer + ((item.relevant,) if item.relevant is not None else ())
                    out.extend(flatten(item.items, inner))
            elif not item.other_of:  # or_other's text is LimeSurvey's "other" of its question
                out.append(question(item, outer))
        return out

    groups: list[LsGroup] = []
    loose: list = []

    def flush() -> None:
        if loose:
            first = loose[0]
            groups.append(
                LsGroup(f"{first.name}", questionnaire.title, "1", tuple(flatten(tuple(loose), ())))
            )
            loose.clear()

    for item in questionnaire.items:
        if isinstance(item, Group) and not item.is_grid:
            flush()
            groups.append(
                LsGroup(
                    item.name, item.label, eqs.of(item.relevant), tuple(flatten(item.items, ()))
                )
            )
        else:
            loose.append(item)
    flush()
    return tuple(groups)


def flat(text: str) -> str:
    """A text as LimeSurvey flattens it for a heading: HTML decoded, whitespace collapsed."""
    return " ".join(html.unescape(text).split())


def fields(groups: tuple[LsGroup, ...], languages: tuple[str, ...]) -> tuple[Field, ...]:
    """The response columns of the structure, in LimeSurvey's export order."""
    out: list[Field] = []
    for g in groups:
        for q in g.questions:
            if q.type in ("F", "M"):
                for s in q.subquestions:
                    parts = tuple(
                        (lang, flat(q.label.get(lang)), flat(s.label.get(lang)))
                        for lang in languages
                    )
                    out.append(
                        Field(
                            f"{q.code}[{s.code}]",
                            s.name if q.type == "F" else q.name,
                            s.name if q.type == "M" else "",
                            q.type,
                            tuple((lang, f"{a} [{b}]") for lang, a, b in parts),
                            parts,
                        )
                    )
            else:
                parts = tuple((lang, flat(q.label.get(lang)), "") for lang in languages)
                out.append(
                    Field(
                        q.code,
                        q.name if q.type != "X" else "",
                        "",
                        q.type,
                        tuple((lang, a) for lang, a, _ in parts),
                        parts,
                    )
                )
            if q.other:
                parts = tuple(
                    (lang, flat(q.label.get(lang)), word)
                    for lang in languages
                    for word in OTHER_HEADINGS
                )
                out.append(
                    Field(
                        f"{q.code}[other]",
                        f"{q.name}_other",
                        "",
                        "T",
                        tuple((lang, f"{a} [{b}]") for lang, a, b in parts),
                        parts,
                    )
                )
    return tuple(out)
