"""Fixtures for the layout tests: questionnaire builders and one shared rendering.

* ``build``: small helpers to make questions, choice lists, groups and
  questionnaires directly from the model (no workbook needed).
* ``default_layout``: the shipped questionnaire laid out once per session.
* ``default_pdf`` / ``default_pages``: it rendered for one respondent, and
  those pages at 300 dpi (gray), shared by the measurement tests.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from layout.options import LayoutOptions
from layout.preview import render_pages
from layout.questionnaire import QuestionnaireLayout
from survey import routing
from survey.model import (
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
from survey.questionnaire import default_questionnaire

KEY = bytes(range(32))
PSEUDONYM = "7KQ3M9XTB"  # check character computed below in the fixture
SURVEY = "KBO-2027-LV"
DPI = 300.0


@dataclass(frozen=True)
class Build:
    """Helpers that make model objects with little typing."""

    @staticmethod
    def choices(name: str, labels: list[str]) -> ChoiceList:
        return ChoiceList(
            name, tuple(Choice(str(i), Text.of(nl=lab)) for i, lab in enumerate(labels, 1))
        )

    @staticmethod
    def select(
        name: str,
        label: str,
        choices: ChoiceList,
        *,
        multiple: bool = False,
        relevant: str = "",
        layout: str = "",
        hint: str = "",
        page_break: bool = False,
    ) -> Question:
        return Question(
            name=name,
            type=QuestionType.SELECT_MULTIPLE if multiple else QuestionType.SELECT_ONE,
            label=Text.of(nl=label, en=f"EN {label}"),
            hint=Text.of(nl=hint),
            choices=choices,
            relevant=routing.parse(relevant) if relevant else None,
            relevant_source=relevant,
            paper=PaperHints(page_break=page_break, layout=layout),
        )

    @staticmethod
    def text(
        name: str, label: str, *, lines: int = 0, relevant: str = "", integer: bool = False
    ) -> Question:
        return Question(
            name=name,
            type=QuestionType.INTEGER if integer else QuestionType.TEXT,
            label=Text.of(nl=label),
            relevant=routing.parse(relevant) if relevant else None,
            relevant_source=relevant,
            paper=PaperHints(lines=lines),
        )

    @staticmethod
    def note(name: str, label: str) -> Question:
        return Question(name=name, type=QuestionType.NOTE, label=Text.of(nl=label))

    @staticmethod
    def group(
        name: str,
        label: str,
        items: list[Item],
        *,
        grid: bool = False,
        relevant: str = "",
        hint: str = "",
        hint_en: str = "",
    ) -> Group:
        return Group(
            name=name,
            label=Text.of(nl=label),
            items=tuple(items),
            appearance="table-list" if grid else "",
            relevant=routing.parse(relevant) if relevant else None,
            relevant_source=relevant,
            hint=Text.of(nl=hint, en=hint_en),
        )

    @staticmethod
    def questionnaire(items: list[Item], *, form_id: str = "test_form") -> Questionnaire:
        lists: dict[str, ChoiceList] = {}

        def collect(xs: tuple[Item, ...] | list[Item]) -> None:
            for x in xs:
                if isinstance(x, Group):
                    collect(x.items)
                elif x.choices is not None:
                    lists.setdefault(x.choices.name, x.choices)

        collect(items)
        return Questionnaire(
            form_id=form_id,
            version="1",
            title=Text.of(nl="Testvragenlijst", en="Test questionnaire"),
            default_language="nl",
            items=tuple(items),
            choice_lists=tuple(lists.values()),
        )


@pytest.fixture(scope="session")
def build() -> Build:
    return Build()


@pytest.fixture(scope="session")
def pseudonym() -> str:
    from survey.pseudonym import check_character

    body = PSEUDONYM[:8]
    return body + check_character(body)


@pytest.fixture(scope="session")
def default_layout() -> QuestionnaireLayout:
    return QuestionnaireLayout(
        default_questionnaire(),
        LayoutOptions(survey_code=SURVEY, municipality="Gemeente Leidschendam-Voorburg"),
    )


@pytest.fixture(scope="session")
def default_pdf(default_layout: QuestionnaireLayout, pseudonym: str) -> bytes:
    return default_layout.render(pseudonym, KEY)


@pytest.fixture(scope="session")
def default_pages(default_pdf: bytes) -> list[np.ndarray]:
    return render_pages(default_pdf, dpi=DPI)
