"""Reading questionnaire definitions: the model, both file formats, every problem message.

The broken workbooks are made from ``fixtures/mini`` by changing single cells,
so each test shows exactly what is wrong and which problem that gives.
"""

from __future__ import annotations

import csv
import pickle
import re
import string
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from survey.errors import CorruptInputError, Problem, QuestionnaireError
from survey.model import Group, QuestionType, Text
from survey.questionnaire import (
    default_questionnaire,
    load_questionnaire,
    questionnaire_to_workbook,
)
from survey.routing import parse
from survey.xlsform.messages import MESSAGES, msg

FIXTURE = Path(__file__).parent / "fixtures" / "mini"
DOCS = Path(__file__).parents[2] / "docs" / "questionnaire.md"
SHEETS = ("survey", "choices", "settings")

Book = dict[str, list[list[str]]]


# ---------------------------------------------------------------- helpers


def mini() -> Book:
    """The fixture as rows of cells per sheet (the heading is row 1)."""
    book = {}
    for name in SHEETS:
        with (FIXTURE / f"{name}.csv").open(encoding="utf-8", newline="") as f:
            book[name] = [list(r) for r in csv.reader(f)]
    return book


def set_cell(book: Book, sheet: str, row: int, column: str, value: str) -> None:
    """Set one cell by spreadsheet row number and column heading."""
    rows = book[sheet]
    index = rows[0].index(column)
    while len(rows) < row:
        rows.append([""] * len(rows[0]))
    rows[row - 1] += [""] * (len(rows[0]) - len(rows[row - 1]))
    rows[row - 1][index] = value


def add_row(book: Book, sheet: str, **cells: str) -> int:
    """Append a row; returns its spreadsheet row number."""
    rows = book[sheet]
    rows.append([cells.get(h, "") for h in rows[0]])
    return len(rows)


def add_column(book: Book, sheet: str, heading: str) -> None:
    for i, row in enumerate(book[sheet]):
        row.append(heading if i == 0 else "")


def drop_column(book: Book, sheet: str, heading: str) -> None:
    index = book[sheet][0].index(heading)
    for row in book[sheet]:
        del row[index]


def write_csv(book: Book, folder: Path, *, bom: bool = False, delimiter: str = ",") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in book.items():
        encoding = "utf-8-sig" if bom else "utf-8"
        with (folder / f"{name}.csv").open("w", encoding=encoding, newline="") as f:
            csv.writer(f, delimiter=delimiter).writerows(rows)
    return folder


def _typed(value: str) -> object:
    """Digits as numbers, as a spreadsheet program stores them."""
    return int(value) if value.isdigit() else (value or None)


def write_xlsx(book: Book, path: Path) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in book.items():
        ws = workbook.create_sheet(name)
        for row in rows:
            ws.append([_typed(v) for v in row])
    workbook.save(path)
    return path


def problems_of(path: Path) -> list[Problem]:
    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(path)
    return list(info.value.problems)


def P(where: str, row: int, column: str, code: str, /, **values: object) -> Problem:
    """The expected problem, its words taken from the catalogue."""
    return Problem(where, row, column, *msg(code, **values))


# ---------------------------------------------------------------- the model


def test_mini_builds_the_model() -> None:
    q = load_questionnaire(FIXTURE)

    assert (q.form_id, q.version, q.default_language) == ("mini", "2024.1", "nl")
    assert q.title == Text((("en", "Mini questionnaire"), ("nl", "Mini vragenlijst")), "nl")
    assert [i.name for i in q.items] == ["intro", "algemeen", "stellingen", "q4", "q5"]
    assert [x.name for x in q.questions()] == ["intro", "q1", "q2", "q3", "s1", "s2", "q4", "q5"]
    assert [c.name for c in q.choice_lists] == ["cijfer", "ja_nee", "eens5", "kanaal"]

    algemeen, stellingen = q.items[1], q.items[2]
    assert isinstance(algemeen, Group) and isinstance(stellingen, Group)
    assert not algemeen.is_grid and stellingen.is_grid
    assert stellingen.paper.page_break and stellingen.row == 8
    assert stellingen.relevant == parse("${q3} >= 12 or ${q1} < 6")

    q1 = q.question("q1")
    assert q1.type is QuestionType.SELECT_ONE and q1.required and q1.group == "algemeen"
    assert q1.choices is not None and q1.choices.names() == tuple(str(i) for i in range(1, 11))
    assert q1.hint.get("en") == "Choose a grade from 1 to 10."
    assert q1.paper.layout == "horizontal" and q1.row == 4

    q3 = q.question("q3")
    assert q3.type is QuestionType.INTEGER and not q3.required
    assert q3.relevant == parse("${q2} = 'ja'") and q3.relevant_source == "${q2} = 'ja'"

    q5 = q.question("q5")
    assert q5.group == "" and q5.paper.lines == 3 and q5.type is QuestionType.TEXT
    assert q.question("q4").type is QuestionType.SELECT_MULTIPLE
    assert q.question("intro").type is QuestionType.NOTE
    assert q.question("s1").choices is q.question("s2").choices
    assert q.question("intro").label.get("en") == "Welcome to this survey."


def test_xlsx_and_csv_folder_give_the_same_model_and_hash(tmp_path: Path) -> None:
    from_csv = load_questionnaire(FIXTURE)
    from_xlsx = load_questionnaire(write_xlsx(mini(), tmp_path / "mini.xlsx"))

    assert from_xlsx == from_csv
    assert from_xlsx.version_hash == from_csv.version_hash


def test_changing_a_label_changes_the_hash(tmp_path: Path) -> None:
    book = mini()
    set_cell(book, "survey", 5, "label::en", "Do you have paid work?")

    changed = load_questionnaire(write_csv(book, tmp_path / "changed"))

    assert changed.version_hash != load_questionnaire(FIXTURE).version_hash


def test_bom_and_semicolons_are_accepted(tmp_path: Path) -> None:
    expected = load_questionnaire(FIXTURE)

    assert load_questionnaire(write_csv(mini(), tmp_path / "bom", bom=True)) == expected
    assert load_questionnaire(write_csv(mini(), tmp_path / "semi", delimiter=";")) == expected


def test_language_headings_may_name_the_language(tmp_path: Path) -> None:
    book = mini()
    for sheet in SHEETS:
        book[sheet][0] = [
            h.replace("::nl", "::Dutch (nl)").replace("::en", "::English (en)")
            for h in book[sheet][0]
        ]
    set_cell(book, "settings", 2, "default_language", "Dutch (nl)")

    assert load_questionnaire(write_csv(book, tmp_path / "named")) == load_questionnaire(FIXTURE)


def test_plain_label_column_is_the_default_language(tmp_path: Path) -> None:
    book = mini()
    for sheet in ("survey", "choices"):
        drop_column(book, sheet, "label::en")
        book[sheet][0] = ["label" if h == "label::nl" else h for h in book[sheet][0]]

    q = load_questionnaire(write_csv(book, tmp_path / "plain"))

    assert q.question("q2").label == Text((("nl", "Heeft u werk?"),), "nl")
    assert q.question("q2").label.get("en") == "Heeft u werk?"


def test_blank_rows_are_skipped_and_rows_keep_their_numbers(tmp_path: Path) -> None:
    book = mini()
    book["survey"].insert(3, [""] * len(book["survey"][0]))

    q = load_questionnaire(write_xlsx(book, tmp_path / "blank.xlsx"))

    assert q.question("q1").row == 5
    assert q.question("q1") != load_questionnaire(FIXTURE).question("q1")  # the row differs
    assert q.version_hash == load_questionnaire(FIXTURE).version_hash  # the content does not


def test_unknown_columns_are_ignored(tmp_path: Path) -> None:
    book = mini()
    add_column(book, "survey", "media::image")
    add_column(book, "survey", "required_message")
    set_cell(book, "survey", 6, "media::image", "werk.png")

    assert load_questionnaire(write_csv(book, tmp_path / "extra")) == load_questionnaire(FIXTURE)


def test_workbook_written_back_loads_to_the_same_questionnaire(tmp_path: Path) -> None:
    q = load_questionnaire(FIXTURE)
    questionnaire_to_workbook(q, tmp_path / "out.xlsx")

    again = load_questionnaire(tmp_path / "out.xlsx")

    assert again == q


def test_default_questionnaire_loads_and_survives_a_round_trip(tmp_path: Path) -> None:
    q = default_questionnaire()
    questionnaire_to_workbook(q, tmp_path / "default.xlsx")

    assert q.form_id and q.answerable()
    assert all(x.choices for x in q.questions() if x.is_select)
    assert load_questionnaire(tmp_path / "default.xlsx").version_hash == q.version_hash


def test_the_public_import_path_is_the_xlsform_package() -> None:
    import survey.questionnaire as entry
    from survey.xlsform import build, files, writer

    assert entry.build_questionnaire is build.build_questionnaire
    assert entry.read_sheets is files.read_sheets
    assert entry.questionnaire_to_workbook is writer.questionnaire_to_workbook
    assert set(entry.__all__) >= {"DEFAULT_QUESTIONNAIRE", "default_questionnaire"}


def test_reading_csv_does_not_import_openpyxl() -> None:
    """openpyxl is heavy and only needed for workbooks (it is imported lazily)."""
    code = (
        "import sys; from survey.questionnaire import default_questionnaire; "
        "default_questionnaire(); print('openpyxl' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    ).stdout
    assert out.strip() == "False"


# ---------------------------------------------------------------- group hints

GRID_ROW = 8  # the begin group row of the grid 'stellingen' in the fixture


def test_a_group_hint_is_read_from_its_begin_group_row(tmp_path: Path) -> None:
    book = mini()
    set_cell(book, "survey", GRID_ROW, "hint::nl", "Zet op elke regel één kruisje.")
    set_cell(book, "survey", GRID_ROW, "hint::en", "One cross per line.")

    from_csv = load_questionnaire(write_csv(book, tmp_path / "hinted"))
    from_xlsx = load_questionnaire(write_xlsx(book, tmp_path / "hinted.xlsx"))

    grid = from_csv.items[2]
    assert isinstance(grid, Group) and grid.name == "stellingen"
    expected = Text((("en", "One cross per line."), ("nl", "Zet op elke regel één kruisje.")), "nl")
    assert grid.hint == expected
    assert from_xlsx == from_csv
    assert from_csv.version_hash != load_questionnaire(FIXTURE).version_hash


def test_a_group_without_a_hint_has_an_empty_one() -> None:
    q = load_questionnaire(FIXTURE)

    assert all(not g.hint and g.hint == Text((), "nl") for g in q.groups())


def test_a_questionnaire_without_hint_columns_still_reads(tmp_path: Path) -> None:
    book = mini()
    drop_column(book, "survey", "hint::nl")
    drop_column(book, "survey", "hint::en")

    q = load_questionnaire(write_csv(book, tmp_path / "no_hints"))

    assert not any(g.hint for g in q.groups()) and not any(x.hint for x in q.questions())
    assert [x.name for x in q.questions()] == [
        x.name for x in load_questionnaire(FIXTURE).questions()
    ]


def test_a_plain_hint_column_is_the_default_language_for_groups(tmp_path: Path) -> None:
    book = mini()
    drop_column(book, "survey", "hint::en")
    book["survey"][0] = ["hint" if h == "hint::nl" else h for h in book["survey"][0]]
    set_cell(book, "survey", GRID_ROW, "hint", "Eén kruisje per regel.")

    grid = load_questionnaire(write_csv(book, tmp_path / "plain")).items[2]

    assert isinstance(grid, Group)
    assert grid.hint.get("nl") == grid.hint.get("en") == "Eén kruisje per regel."


def test_version_hash_of_a_questionnaire_without_group_hints_is_unchanged() -> None:
    """The hash printed rounds carry must not move when the model grows optional fields."""
    q = load_questionnaire(FIXTURE)

    items = q.to_dict()["items"]

    assert q.version_hash == "ac1d0d5c23ba"
    assert isinstance(items, list)
    groups = [i for i in items if "group" in i]
    assert [g["group"] for g in groups] == ["algemeen", "stellingen"]
    assert all("hint" not in g for g in groups)


def test_group_hints_survive_the_workbook_round_trip(tmp_path: Path) -> None:
    book = mini()
    set_cell(book, "survey", 3, "hint::nl", "Over uw werk.")
    set_cell(book, "survey", GRID_ROW, "hint::en", "Only in English.")
    q = load_questionnaire(write_csv(book, tmp_path / "hinted"))

    questionnaire_to_workbook(q, tmp_path / "out.xlsx")
    again = load_questionnaire(tmp_path / "out.xlsx")

    assert again == q
    assert [g.hint for g in again.groups()] == [
        Text((("nl", "Over uw werk."),), "nl"),
        Text((("en", "Only in English."),), "nl"),
    ]


def test_every_grid_of_the_default_questionnaire_has_its_own_hint() -> None:
    grids = [g for g in default_questionnaire().groups() if g.is_grid]

    assert len(grids) == 8
    for g in grids:
        nl, en = g.hint.get("nl"), g.hint.get("en")
        assert nl and en and nl != en, g.name
        scale = next(g.questions()).choices
        assert scale is not None
        if scale.name == "grade10":  # grades: the range, and what to do without experience
            assert "1 tot en met 10" in nl and "ervaring" in nl, g.name
        else:  # agree statements: agree or disagree, one cross per line
            assert "eens of oneens" in nl and "één kruisje" in nl, g.name


# ---------------------------------------------------------------- one problem each

Change = Callable[[Book], None]


def cell(sheet: str, row: int, column: str, value: str) -> Change:
    return lambda book: set_cell(book, sheet, row, column, value)


def rows(sheet: str, *new: dict[str, str]) -> Change:
    def change(book: Book) -> None:
        for cells in new:
            add_row(book, sheet, **cells)

    return change


def both(*changes: Change) -> Change:
    def change(book: Book) -> None:
        for c in changes:
            c(book)

    return change


def no_end_of_algemeen(book: Book) -> None:
    book["survey"][6] = [""] * len(book["survey"][0])


def column_cell(sheet: str, row: int, column: str, value: str) -> Change:
    """Add the column, then set one of its cells."""
    return both(lambda b: add_column(b, sheet, column), cell(sheet, row, column, value))


def _no_label_columns(book: Book) -> None:
    drop_column(book, "survey", "label::nl")
    drop_column(book, "survey", "label::en")


# One case per message: (test id, the change to the fixture, the exact problems).
# fmt: off
CASES: list[tuple[str, Change, list[Problem]]] = [
    # types
    ("unknown_type", cell("survey", 6, "type", "decimal"),
     [P("survey", 6, "type", "unknown_type", type="decimal")]),
    ("no_type", cell("survey", 6, "type", ""), [P("survey", 6, "type", "no_type")]),
    ("select_no_list", cell("survey", 12, "type", "select_multiple"),
     [P("survey", 12, "type", "select_no_list", type="select_multiple"),
      P("choices", 19, "list_name", "unused_list", list="kanaal")]),
    ("unknown_list", cell("survey", 12, "type", "select_multiple kanalen"),
     [P("survey", 12, "type", "unknown_list", list="kanalen",
        suggestion=" Did you mean 'kanaal'?"),
      P("choices", 19, "list_name", "unused_list", list="kanaal")]),
    # names
    ("duplicate_name", cell("survey", 10, "name", "s1"),
     [P("survey", 10, "name", "duplicate_name", name="s1", row=9)]),
    ("duplicate_name_case", cell("survey", 10, "name", "S1"),
     [P("survey", 10, "name", "duplicate_name_case", name="S1", row=9, other="s1")]),
    ("group_and_question_share_names", cell("survey", 13, "name", "algemeen"),
     [P("survey", 13, "name", "duplicate_name", name="algemeen", row=3)]),
    ("bad_name", cell("survey", 13, "name", "5toelichting"),
     [P("survey", 13, "name", "bad_name", noun="name", name="5toelichting",
        suggestion="q_5toelichting")]),
    ("bad_name_spaces", cell("survey", 13, "name", "ander kanaal?"),
     [P("survey", 13, "name", "bad_name", noun="name", name="ander kanaal?",
        suggestion="ander_kanaal")]),
    ("long_name", cell("survey", 13, "name", "a" * 33),
     [P("survey", 13, "name", "long_name", noun="name", name="a" * 33, length=33,
        suggestion="a" * 32)]),
    ("reserved_name", cell("survey", 13, "name", "with"),
     [P("survey", 13, "name", "reserved_name", noun="name", name="with")]),
    ("no_name", cell("survey", 13, "name", ""), [P("survey", 13, "name", "no_name")]),
    # labels
    ("no_label", cell("survey", 13, "label::nl", ""),
     [P("survey", 13, "label::nl", "no_label", noun="question", name="q5", language="nl",
        column="label::nl")]),
    ("no_label_note", cell("survey", 2, "label::nl", ""),
     [P("survey", 2, "label::nl", "no_label", noun="note", name="intro", language="nl",
        column="label::nl")]),
    ("choice_no_label", cell("choices", 13, "label::nl", ""),
     [P("choices", 13, "label::nl", "choice_no_label", name="nee", language="nl",
        column="label::nl")]),
    ("no_label_column", _no_label_columns, [P("survey", 1, "label", "no_label_column")]),
    ("no_default_label_column", cell("settings", 2, "default_language", "fr"),
     [P("survey", 1, "label", "no_default_label_column", language="fr", languages="en or nl"),
      P("choices", 1, "label", "no_default_label_column", language="fr", languages="en or nl")]),
    # conditions
    ("bad_condition", cell("survey", 6, "relevant", "${q2} = ja"),
     [P("survey", 6, "relevant", "bad_condition",
        reason="expected a quoted value or a number after =, found 'ja'", position=9)]),
    ("condition_unknown", cell("survey", 6, "relevant", "${q22} = 'ja'"),
     [P("survey", 6, "relevant", "condition_unknown", ref="q22",
        suggestion=" Did you mean 'q2'?")]),
    ("condition_later", cell("survey", 6, "relevant", "${q4} = 'x'"),
     [P("survey", 6, "relevant", "condition_later", ref="q4", row=12)]),
    ("condition_self", cell("survey", 6, "relevant", "${q3} > 3"),
     [P("survey", 6, "relevant", "condition_self", ref="q3")]),
    ("condition_in_own_group", cell("survey", 8, "relevant", "${s1} = '1'"),
     [P("survey", 8, "relevant", "condition_later", ref="s1", row=9)]),
    ("condition_note", cell("survey", 6, "relevant", "${intro} = 'x'"),
     [P("survey", 6, "relevant", "condition_note", ref="intro")]),
    ("condition_group", cell("survey", 6, "relevant", "${algemeen} = 'x'"),
     [P("survey", 6, "relevant", "condition_group", ref="algemeen")]),
    ("not_a_choice", cell("survey", 6, "relevant", "${q2} = 'misschien'"),
     [P("survey", 6, "relevant", "not_a_choice", ref="q2", value="misschien", list="ja_nee",
        choices="ja, nee")]),
    ("not_a_choice_selected", cell("survey", 13, "relevant", "selected(${q4}, 'post')"),
     [P("survey", 13, "relevant", "not_a_choice", ref="q4", value="post", list="kanaal",
        choices="telefoon, balie, anders")]),
    ("selected_not_select", cell("survey", 13, "relevant", "selected(${q3}, '1')"),
     [P("survey", 13, "relevant", "selected_not_select", ref="q3", type="integer")]),
    ("compare_multiple", cell("survey", 13, "relevant", "${q4} = 'anders'"),
     [P("survey", 13, "relevant", "compare_multiple", ref="q4", op="=", quoted="'anders'")]),
    ("not_numeric_question", cell("survey", 13, "relevant", "${q2} > 3"),
     [P("survey", 13, "relevant", "not_numeric_question", ref="q2", op=">")]),
    ("not_a_number", cell("survey", 8, "relevant", "${q3} >= 'veel'"),
     [P("survey", 8, "relevant", "not_a_number", ref="q3", value="veel", op=">=")]),
    # groups
    ("unclosed_group", no_end_of_algemeen,
     [P("survey", 3, "type", "unclosed_group", name="algemeen")]),
    ("unmatched_end", rows("survey", {"type": "end group"}),
     [P("survey", 14, "type", "unmatched_end")]),
    ("empty_group",
     rows("survey", {"type": "begin_group", "name": "leeg"}, {"type": "end_group"}),
     [P("survey", 14, "type", "empty_group", name="leeg")]),
    ("grid_not_select_one", cell("survey", 10, "type", "text"),
     [P("survey", 10, "type", "grid_not_select_one", name="s2", kind="text")]),
    ("grid_mixed_lists", cell("survey", 10, "type", "select_one ja_nee"),
     [P("survey", 10, "type", "grid_mixed_lists", group="stellingen", name="s2",
        list="ja_nee", first="eens5")]),
    # choices
    ("unused_list", rows("choices", {"list_name": "extra", "name": "1", "label::nl": "Een"}),
     [P("choices", 22, "list_name", "unused_list", list="extra")]),
    ("empty_list", rows("choices", {"list_name": "extra"}),
     [P("choices", 22, "list_name", "empty_list", list="extra"),
      P("choices", 22, "list_name", "unused_list", list="extra")]),
    ("duplicate_choice", cell("choices", 13, "name", "ja"),
     [P("choices", 13, "name", "duplicate_choice", name="ja", list="ja_nee", row=12)]),
    ("bad_choice_name", cell("choices", 20, "name", "bal ie"),
     [P("choices", 20, "name", "bad_choice_name", name="bal ie")]),
    ("choice_no_name", cell("choices", 20, "name", ""),
     [P("choices", 20, "name", "choice_no_name")]),
    ("choice_no_list", cell("choices", 20, "list_name", ""),
     [P("choices", 20, "list_name", "choice_no_list")]),
    ("bad_list_name",
     both(cell("survey", 12, "type", "select_multiple 1kanaal"),
          *(cell("choices", r, "list_name", "1kanaal") for r in (19, 20, 21))),
     [P("choices", 19, "list_name", "bad_name", noun="list name", name="1kanaal",
        suggestion="q_1kanaal")]),
    # settings
    ("no_form_id", cell("settings", 2, "form_id", ""),
     [P("settings", 2, "form_id", "no_form_id")]),
    ("bad_form_id", cell("settings", 2, "form_id", "mini vragenlijst"),
     [P("settings", 2, "form_id", "bad_form_id", form_id="mini vragenlijst")]),
    # columns and cells
    ("unknown_paper_column", lambda b: add_column(b, "survey", "paper::font"),
     [P("survey", 1, "paper::font", "unknown_paper_column", column="paper::font")]),
    ("duplicate_column", lambda b: add_column(b, "survey", "Relevant"),
     [P("survey", 1, "Relevant", "duplicate_column", column="Relevant")]),
    ("no_column", lambda b: drop_column(b, "choices", "name"),
     [P("choices", 1, "name", "no_column", column="name")]),
    ("bad_lines", cell("survey", 13, "paper::lines", "drie"),
     [P("survey", 13, "paper::lines", "bad_lines", value="drie")]),
    ("bad_polarity", lambda b: (add_column(b, "survey", "polarity"),
                                set_cell(b, "survey", 10, "polarity", "omgekeerd")),
     [P("survey", 10, "polarity", "bad_polarity", value="omgekeerd")]),
    ("bad_flag_required", cell("survey", 4, "required", "misschien"),
     [P("survey", 4, "required", "bad_flag", value="misschien", column="required")]),
    # or_other, constraint, choice_filter
    ("or_other_grid", cell("survey", 9, "type", "select_one eens5 or_other"),
     [P("survey", 9, "type", "or_other_grid", group="stellingen", name="s1")]),
    ("or_other_clash", both(cell("survey", 12, "type", "select_multiple kanaal or_other"),
                            cell("choices", 21, "name", "other"), cell("survey", 13, "relevant", "")),
     [P("survey", 12, "type", "or_other_clash", list="kanaal")]),
    ("or_other_taken", both(cell("survey", 12, "type", "select_multiple kanaal or_other"),
                            cell("survey", 2, "name", "q4_other")),
     [P("survey", 12, "type", "or_other_taken", other="q4_other", row=2)]),
    ("or_other_long", both(cell("survey", 12, "type", "select_multiple kanaal or_other"),
                           cell("survey", 12, "name", "k" * 30),
                           cell("survey", 13, "relevant", "")),
     [P("survey", 12, "type", "or_other_long", other="k" * 30 + "_other", name="k" * 30)]),
    ("bad_constraint", column_cell("survey", 6, "constraint", "string-length(.) < 80"),
     [P("survey", 6, "constraint", "bad_constraint",
        reason="expected a question such as ${name}, found 'string-length'",
        position=1)]),
    ("constraint_not_here", column_cell("survey", 9, "constraint", ". != '3'"),
     [P("survey", 9, "constraint", "constraint_not_here",
        what="a question in a table-list group")]),
    ("constraint_value", column_cell("survey", 6, "constraint", ". < 'veel'"),
     [P("survey", 6, "constraint", "not_a_number", ref="q3", value="veel", op="<")]),
    ("choice_filter", column_cell("survey", 13, "choice_filter", "${q2} = 'ja'"),
     [P("survey", 13, "choice_filter", "choice_filter")]),
    ("bad_flag_page_break", cell("survey", 8, "paper::page_break", "graag"),
     [P("survey", 8, "paper::page_break", "bad_flag", value="graag",
        column="paper::page_break")]),
]
# fmt: on


@pytest.mark.parametrize(("change", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_problem_is_reported_exactly(
    tmp_path: Path, change: Change, expected: list[Problem]
) -> None:
    book = mini()
    change(book)

    assert problems_of(write_csv(book, tmp_path / "broken")) == expected


def test_every_message_has_a_case() -> None:
    codes_with_a_case = {
        code
        for _, _, problems in CASES
        for p in problems
        for code, (message, _) in MESSAGES.items()
        if _matches(message, p.message)
    }
    file_level = {"no_path", "single_csv", "not_xlsx", "no_sheet", "no_file", "not_utf8"}

    assert set(MESSAGES) - codes_with_a_case - file_level == {"no_questions"}


def _matches(template: str, text: str) -> bool:
    pattern = "".join(
        re.escape(literal) + (".*" if field is not None else "")
        for literal, field, _, _ in string.Formatter().parse(template)
    )
    return re.fullmatch(pattern, text) is not None


def test_every_problem_is_reported_at_once_in_file_order(tmp_path: Path) -> None:
    book = mini()
    set_cell(book, "settings", 2, "form_id", "")
    add_row(book, "choices", list_name="extra", name="1", **{"label::nl": "Een"})
    set_cell(book, "survey", 10, "type", "select_one ja_nee")
    set_cell(book, "survey", 6, "relevant", "${q2} = ja")
    set_cell(book, "survey", 5, "name", "q1")
    add_column(book, "survey", "paper::font")

    problems = problems_of(write_csv(book, tmp_path / "broken"))

    assert [str(p) for p in problems] == [
        "survey, row 1, column 'paper::font': Unknown paper column 'paper::font'. "
        "Fix: Use paper::page_break, paper::layout or paper::lines, or remove the column.",
        "survey, row 5, column 'name': The name 'q1' is already used in row 4. "
        "Fix: Give every question and group its own name.",
        "survey, row 6, column 'relevant': The condition cannot be read: expected a quoted "
        "value or a number after =, found 'ja' at character 9. Fix: Write conditions like "
        "${q1} = 'ja' or selected(${q2}, 'b'), joined with and, or, not(...) and parentheses.",
        "survey, row 10, column 'type': All questions in the table-list group 'stellingen' "
        "must use the same choice list; 's2' uses 'ja_nee', the first uses 'eens5'. "
        "Fix: Use select_one eens5, or split the group.",
        "choices, row 22, column 'list_name': The choice list 'extra' is not used by any "
        "question. Fix: Delete the list or use it.",
        "settings, row 2, column 'form_id': The questionnaire has no form_id. "
        "Fix: Fill in a short code for this questionnaire, for example kbo_werk_inkomen.",
    ]


def test_the_error_lists_every_problem_and_pickles(tmp_path: Path) -> None:
    book = mini()
    set_cell(book, "settings", 2, "form_id", "")
    set_cell(book, "survey", 13, "name", "with")
    folder = write_csv(book, tmp_path / "broken")

    with pytest.raises(QuestionnaireError) as info:
        load_questionnaire(folder)

    text = str(info.value)
    assert (
        text.splitlines()[0]
        == f"The questionnaire {folder} has 2 problems; fix them and load it again."
    )
    assert "  - survey, row 13, column 'name': The name 'with' is a reserved word in SPSS." in text
    again = pickle.loads(pickle.dumps(info.value))
    assert again.problems == info.value.problems and str(again) == text


def test_no_questions(tmp_path: Path) -> None:
    book = mini()
    book["survey"] = book["survey"][:1]

    assert problems_of(write_csv(book, tmp_path / "empty")) == [P("survey", 0, "", "no_questions")]


# ---------------------------------------------------------------- files


def _folder_without_settings(tmp_path: Path) -> Path:
    folder = write_csv(mini(), tmp_path / "q")
    (folder / "settings.csv").unlink()
    return folder


def _workbook_without_settings(tmp_path: Path) -> Path:
    book = mini()
    del book["settings"]
    return write_xlsx(book, tmp_path / "q.xlsx")


@pytest.mark.parametrize(
    ("source", "code"),
    [(_folder_without_settings, "no_file"), (_workbook_without_settings, "no_sheet")],
)
def test_missing_settings_names_the_columns_it_needs(
    tmp_path: Path, source: Callable[[Path], Path], code: str
) -> None:
    """A folder without settings.csv and a workbook without the sheet say the same."""
    assert problems_of(source(tmp_path)) == [
        P(
            "settings",
            0,
            "",
            code,
            sheet="settings",
            columns="form_id, version, title and default_language",
        )
    ]


def test_missing_choices_file_is_reported_once(tmp_path: Path) -> None:
    folder = write_csv(mini(), tmp_path / "q")
    (folder / "choices.csv").unlink()

    assert problems_of(folder) == [
        P("choices", 0, "", "no_file", sheet="choices", columns="list_name, name and label")
    ]


def test_csv_that_is_not_utf8(tmp_path: Path) -> None:
    folder = write_csv(mini(), tmp_path / "q")
    (folder / "settings.csv").write_bytes("form_id,version\ncafé,1\n".encode("cp1252"))

    assert problems_of(folder) == [P("settings", 0, "", "not_utf8", file="settings.csv")]


@pytest.mark.parametrize(
    ("name", "code", "values"),
    [
        ("nothing-here", "no_path", {}),
        ("survey.csv", "single_csv", {}),
        ("vragenlijst.ods", "not_xlsx", {"file": "vragenlijst.ods"}),
    ],
)
def test_paths_that_are_no_questionnaire(
    tmp_path: Path, name: str, code: str, values: dict[str, str]
) -> None:
    path = tmp_path / name
    if code != "no_path":
        path.write_text("type,name\n")
    else:
        values = {"path": str(path)}

    assert problems_of(path) == [Problem(name, 0, "", *msg(code, **values))]


def test_corrupt_workbook(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")

    with pytest.raises(CorruptInputError, match="Cannot open"):
        load_questionnaire(path)


# ---------------------------------------------------------------- documentation


def _example(template: str) -> str:
    """A catalogue template with each ``{field}`` shown as ``<field>``."""
    fields = [f for _, f, _, _ in string.Formatter().parse(template) if f]
    return template.format(**{f: f"<{f}>" for f in fields})


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_is_documented(code: str) -> None:
    docs = " ".join(DOCS.read_text(encoding="utf-8").split())
    message, fix = MESSAGES[code]

    assert _example(message) in docs
    assert _example(fix) in docs
