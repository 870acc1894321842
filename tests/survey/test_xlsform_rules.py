"""The rules behind the questionnaire checks: headings, cell values, names."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.errors import Problem
from survey.model import Text
from survey.xlsform.cells import language_code, parse_flag, parse_lines
from survey.xlsform.checks import choice_name_problem, name_problem, sort_problems, suggest_name
from survey.xlsform.messages import msg
from survey.xlsform.sheets import Column, Sheet


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("type", Column("type", "type")),
        (" Label ", Column("Label", "label")),
        ("label::nl", Column("label::nl", "label", "nl")),
        ("label::Dutch (nl)", Column("label::Dutch (nl)", "label", "nl")),
        ("hint::English (en)", Column("hint::English (en)", "hint", "en")),
        ("label::English", Column("label::English", "label", "en")),
        ("form_title::nl", Column("form_title::nl", "title", "nl")),
        ("list name", Column("list name", "list_name")),
        ("paper::Lines", Column("paper::Lines", "paper::lines")),
        ("media::image::nl", Column("media::image::nl", "media::image::nl")),
    ],
)
def test_column_headings(heading: str, expected: Column) -> None:
    assert Column.parse(heading) == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [("nl", "nl"), ("NL", "nl"), ("Nederlands", "nl"), ("English (en)", "en"), ("de", "de")],
)
def test_language_code(text: str, code: str) -> None:
    assert language_code(text) == code


def test_sheet_rows_keep_spreadsheet_numbers_and_texts_fall_back() -> None:
    sheet = Sheet.from_cells(
        "survey",
        ["type", "label", "label::en", "", "label::en"],
        [["text", "Naam", "Name", "x", "dup"], ["", "", ""], [" note ", "Dag"]],
    )

    assert [r.number for r in sheet.rows] == [2, 4]
    assert [c.heading for c in sheet.duplicates] == ["label::en"]
    assert sheet.rows[0].text("label", "nl") == Text((("en", "Name"), ("nl", "Naam")), "nl")
    assert sheet.rows[1].get("type") == "note"
    assert sheet.rows[1].text("label", "nl").get("en") == "Dag"
    assert sheet.text_heading("label", "nl") == "label"
    assert sheet.text_heading("label", "en") == "label::en"


@pytest.mark.parametrize(
    ("value", "flag"),
    [("", False), ("yes", True), ("Yes", True), ("TRUE", True), ("1", True), ("no", False),
     ("0", False), ("false()", False), ("misschien", None)],
)  # fmt: skip
def test_parse_flag(value: str, flag: bool | None) -> None:
    assert parse_flag(value) is flag


@pytest.mark.parametrize(
    ("value", "lines"), [("", 0), ("3", 3), ("4.0", 4), ("-1", None), ("2.5", None), ("drie", None)]
)
def test_parse_lines(value: str, lines: int | None) -> None:
    assert parse_lines(value) == lines


@pytest.mark.parametrize("name", ["q1", "Q_01_a", "a" * 32, "cijfer_algemeen", "andere"])
def test_good_names(name: str) -> None:
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("1q", "bad_name"),
        ("_q", "bad_name"),
        ("vraag één", "bad_name"),
        ("q-1", "bad_name"),
        ("a" * 33, "long_name"),
        ("AND", "reserved_name"),
        ("to", "reserved_name"),
    ],
)
def test_bad_names(name: str, code: str) -> None:
    problem = name_problem(name)

    assert (
        problem is not None
        and problem[0]
        == msg(code, noun="name", name=name, length=len(name), suggestion=suggest_name(name))[0]
    )


def test_list_names_may_be_spss_words() -> None:
    assert name_problem("to", "list name", spss=False) is None


@given(st.text(max_size=50))
def test_suggested_names_are_valid(name: str) -> None:
    assert name_problem(suggest_name(name)) is None


@pytest.mark.parametrize(
    ("name", "ok"),
    [("1", True), ("-1", True), ("weet_niet", True), ("a b", False), ("x" * 33, False)],
)
def test_choice_names(name: str, ok: bool) -> None:
    assert (choice_name_problem(name) is None) is ok


def test_problems_sort_by_sheet_then_row() -> None:
    problems = [
        Problem("settings", 2, "form_id", "c"),
        Problem("choices", 3, "name", "b"),
        Problem("survey", 9, "name", "a2"),
        Problem("survey", 4, "name", "a1"),
        Problem("q.ods", 0, "", "first"),
    ]

    assert [p.message for p in sort_problems(problems)] == ["first", "a1", "a2", "b", "c"]
