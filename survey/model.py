"""The questionnaire model: frozen, typed, shared by every part (contract).

A questionnaire is read from an XLSForm-style workbook (see
``survey.questionnaire``) into these objects. Nothing else in the project
defines its own copy of a question or a choice.

Languages: every text a respondent sees is a :class:`Text` holding one string
per language code (``nl`` and ``en``); ``Text.get`` falls back to the default
language so a missing English label never prints an empty line.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from survey.routing import Expr

DEFAULT_LANGUAGE = "nl"
LANGUAGES = ("nl", "en")
OTHER = "other"
"""The choice name of the "Anders, namelijk" option ``or_other`` adds to a select question."""
OTHER_SUFFIX = "_other"
"""``or_other``'s open answer is the text question ``<name>_other``."""


@dataclass(frozen=True)
class Text:
    """A text in one or more languages.

    Attributes:
        values: ``(language, text)`` pairs, in a fixed order.
        default: the language to fall back on.
    """

    values: tuple[tuple[str, str], ...] = ()
    default: str = DEFAULT_LANGUAGE

    @classmethod
    def of(cls, default: str = DEFAULT_LANGUAGE, **by_language: str) -> Text:
        return cls(tuple(sorted((k, v) for k, v in by_language.items() if v)), default)

    def get(self, language: str | None = None) -> str:
        """The text in ``language``, else the default language, else any."""
        d = dict(self.values)
        return d.get(language or self.default) or d.get(self.default) or next(iter(d.values()), "")

    def __bool__(self) -> bool:
        return any(v for _, v in self.values)

    def __str__(self) -> str:
        return self.get()


class QuestionType(StrEnum):
    SELECT_ONE = "select_one"
    SELECT_MULTIPLE = "select_multiple"
    TEXT = "text"
    INTEGER = "integer"
    NOTE = "note"


@dataclass(frozen=True)
class Choice:
    """One answer option. ``name`` is the code stored in the data (LimeSurvey code, SPSS value)."""

    name: str
    label: Text


@dataclass(frozen=True)
class ChoiceList:
    name: str
    choices: tuple[Choice, ...]

    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.choices)

    def choice(self, name: str) -> Choice:
        for c in self.choices:
            if c.name == name:
                return c
        raise KeyError(name)


@dataclass(frozen=True)
class PaperHints:
    """Paper-only layout hints from the ``paper::*`` columns.

    Attributes:
        page_break: start this item on a new page.
        layout: free-form layout hint: ``""`` (automatic), ``horizontal``
            (options in one row, the default for scales of up to 11 options),
            ``vertical`` or ``columns``.
        lines: number of writing lines for an open text question.
    """

    page_break: bool = False
    layout: str = ""
    lines: int = 0


@dataclass(frozen=True)
class Question:
    """One question (or note) of the questionnaire.

    Attributes:
        name: unique code, used as the column name in every dataset.
        type: the question type.
        label: the question text.
        hint: an extra instruction printed under the question.
        choices: the answer options for select questions, else ``None``.
        relevant: the routing condition; ``None`` means always asked.
        relevant_source: the condition as written in the workbook.
        required: whether the online version requires an answer.
        appearance: the XLSForm appearance column.
        group: the name of the enclosing group, or ``""``.
        paper: paper layout hints.
        row: the workbook row it came from (for messages).
        or_other: a select question with XLSForm's ``or_other``: its
            ``choices`` end with the :data:`OTHER` choice, and the text
            question ``<name>_other`` follows it in the items.
        other_of: for that text question, the name of its select question
            (it is printed and put online as part of that question, not on
            its own); else ``""``.
        constraint: the ``constraint`` column: a condition the answer must
            meet (``.`` is the answer itself), checked online; ``None``: none.
        constraint_source: the constraint as written in the workbook.
        constraint_message: the ``constraint_message`` shown when it fails.
        report_label: a short name for the report's tables, charts and
            sentences (``report_label`` column); empty means the question
            text is used (see :meth:`short_label`).
        negative: the statement is negatively worded (``polarity`` column
            ``negative``): agreeing with it is a bad sign, so the report
            shows it apart and does not count its "% agree" as a good score.

    Neither ``report_label`` nor ``negative`` changes what a respondent sees,
    so they are not part of the version hash: a report label may be
    improved after the forms are printed without orphaning the scans.
    """

    name: str
    type: QuestionType
    label: Text
    hint: Text = field(default_factory=Text)
    choices: ChoiceList | None = None
    relevant: Expr | None = None
    relevant_source: str = ""
    required: bool = False
    appearance: str = ""
    group: str = ""
    paper: PaperHints = field(default_factory=PaperHints)
    row: int = 0
    or_other: bool = False
    other_of: str = ""
    constraint: Expr | None = None
    constraint_source: str = ""
    constraint_message: Text = field(default_factory=Text)
    report_label: Text = field(default_factory=Text)
    negative: bool = False

    @property
    def other_name(self) -> str:
        """The name of the open answer of ``or_other`` (``<name>_other``)."""
        return self.name + OTHER_SUFFIX

    def own_choices(self) -> tuple[Choice, ...]:
        """The choices of the list itself: without the ``or_other`` option."""
        if self.choices is None:
            return ()
        if not self.or_other:
            return self.choices.choices
        return tuple(c for c in self.choices.choices if c.name != OTHER)

    def short_label(self, language: str | None = None) -> str:
        """The report label in ``language``, else the question text.

        A report label in the default language only is used for another
        language when the question text has no text of that language either,
        so an English report never mixes a Dutch short name with English text.
        """
        own = dict(self.report_label.values)
        if language and language in own:
            return own[language]
        if own and (not language or language not in dict(self.label.values)):
            return self.report_label.get(language)
        return self.label.get(language)

    @property
    def is_select(self) -> bool:
        return self.type in (QuestionType.SELECT_ONE, QuestionType.SELECT_MULTIPLE)

    @property
    def is_answerable(self) -> bool:
        return self.type is not QuestionType.NOTE


@dataclass(frozen=True)
class Group:
    """A section, or (``appearance == "table-list"``) a grid of statements sharing one scale.

    Attributes:
        name: unique code (shares the name space of questions).
        label: the section heading, or the grid's question text.
        items: the questions and groups inside, in order.
        appearance: the XLSForm appearance column (``table-list`` makes a grid).
        relevant: the routing condition for everything inside; ``None``: always asked.
        relevant_source: the condition as written in the workbook.
        paper: paper layout hints.
        row: the workbook row of ``begin group`` (for messages).
        hint: an instruction printed under the label (for a grid: under its
            question text, instead of the generic "one cross on each line").
    """

    name: str
    label: Text
    items: tuple[Item, ...]
    appearance: str = ""
    relevant: Expr | None = None
    relevant_source: str = ""
    paper: PaperHints = field(default_factory=PaperHints)
    row: int = 0
    hint: Text = field(default_factory=Text)

    @property
    def is_grid(self) -> bool:
        return "table-list" in self.appearance.split()

    def questions(self) -> Iterator[Question]:
        """Every question inside (notes included), depth first, in order."""
        return _questions_in(self.items)


Item = Question | Group


def _questions_in(items: tuple[Item, ...]) -> Iterator[Question]:
    """The questions in ``items`` and in the groups among them, depth first, in order.

    Groups and the whole questionnaire hold the same kind of item tree, so one
    walk serves both and they cannot come to disagree about the order.
    """
    for item in items:
        if isinstance(item, Group):
            yield from _questions_in(item.items)
        else:
            yield item


def _generated(item: Item) -> bool:
    return isinstance(item, Question) and bool(item.other_of)


def other_label(default: str = DEFAULT_LANGUAGE) -> Text:
    """The label of the ``or_other`` option, on paper and online."""
    return Text.of(default, nl="Anders, namelijk:", en="Other, namely:")


@dataclass(frozen=True)
class Questionnaire:
    """A whole questionnaire.

    Attributes:
        form_id: the ``settings.form_id``; stable across versions.
        version: the ``settings.version`` string the author chose.
        title: the title printed on the questionnaire.
        default_language: the language used when none is asked for.
        items: top-level questions and groups, in order.
        choice_lists: every choice list, in workbook order.
    """

    form_id: str
    version: str
    title: Text
    default_language: str
    items: tuple[Item, ...]
    choice_lists: tuple[ChoiceList, ...]

    def questions(self) -> Iterator[Question]:
        """Every question (notes included), depth first, in order."""
        return _questions_in(self.items)

    def answerable(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions() if q.is_answerable)

    def printed_numbers(self) -> dict[str, int]:
        """The question numbers printed on paper: every answerable question from 1.

        Grid statements count; the ``<name>_other`` answer of ``or_other`` is
        part of its question and has its number.
        """
        out: dict[str, int] = {}
        n = 0
        for q in self.answerable():
            if q.other_of and q.other_of in out:
                out[q.name] = out[q.other_of]
                continue
            n += 1
            out[q.name] = n
        return out

    def question(self, name: str) -> Question:
        for q in self.questions():
            if q.name == name:
                return q
        raise KeyError(name)

    def groups(self) -> Iterator[Group]:
        def walk(items: tuple[Item, ...]) -> Iterator[Group]:
            for item in items:
                if isinstance(item, Group):
                    yield item
                    yield from walk(item.items)

        return walk(self.items)

    def to_dict(self) -> dict[str, object]:
        """A canonical, JSON-ready form of the model (used for the version hash)."""

        def text(t: Text) -> dict[str, str]:
            return dict(t.values)

        def item(i: Item) -> dict[str, object]:
            if isinstance(i, Group):
                group: dict[str, object] = {
                    "group": i.name,
                    "label": text(i.label),
                    "appearance": i.appearance,
                    "relevant": i.relevant_source,
                    "page_break": i.paper.page_break,
                    "items": [item(x) for x in i.items if not _generated(x)],
                }
                if i.hint:  # only when set: questionnaires without one keep their hash
                    group["hint"] = text(i.hint)
                return group
            question: dict[str, object] = {
                "name": i.name,
                "type": i.type.value,
                "label": text(i.label),
                "hint": text(i.hint),
                "choices": i.choices.name if i.choices else None,
                "relevant": i.relevant_source,
                "required": i.required,
                "appearance": i.appearance,
                "paper": [i.paper.page_break, i.paper.layout, i.paper.lines],
            }
            # Only when set: questionnaires without them keep their hash.
            if i.or_other:
                question["or_other"] = True
            if i.constraint_source:
                question["constraint"] = i.constraint_source
            if i.constraint_message:
                question["constraint_message"] = text(i.constraint_message)
            return question

        return {
            "form_id": self.form_id,
            "version": self.version,
            "title": text(self.title),
            "default_language": self.default_language,
            # the <name>_other item of or_other follows from its question's "or_other"
            "items": [item(i) for i in self.items if not _generated(i)],
            "choice_lists": [
                {"name": cl.name, "choices": [[c.name, text(c.label)] for c in cl.choices]}
                for cl in self.choice_lists
            ],
        }

    @property
    def version_hash(self) -> str:
        """12 hex characters of SHA-256 over the canonical model.

        Computed from the model, not from any rendered bytes: the same
        questionnaire read from .xlsx or from CSV has the same hash.
        """
        blob = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()[:12]
