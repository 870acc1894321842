"""The analyst's quotes file: every problem at once, warnings for quotes not in the answers."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.dataset import Dataset, build_dataset
from analysis.quotes import load_quotes, normalise, occurs, unquote
from survey.errors import CorruptInputError, ExitCode, ValidationError
from survey.project import Project
from tests.analysis.conftest import PAPER_TWICE, PHONE_TEXT, OpenRound, simulated_texts
from tests.conftest import WriteCsv

Q56, Q58 = "q56_good_point_explain", "q58_improve_point_explain"


@pytest.fixture(scope="module")
def dataset(open_round: OpenRound) -> Dataset:
    with Project.open(open_round.root) as project:
        return build_dataset(project.store, project.load_questionnaire())


@pytest.fixture(scope="module")
def answer(open_round: OpenRound) -> dict[str, str]:
    """One counting, unflagged answer per open question (the same whatever pseudonyms were drawn)."""
    return {q: simulated_texts(open_round.round, q)[0] for q in (Q56, Q58)}


def test_quotes_by_name_or_number_in_file_order(
    dataset: Dataset, answer: dict[str, str], write_csv: WriteCsv
) -> None:
    a56, a58 = answer[Q56], answer[Q58]
    path = write_csv(
        "citaten.csv",
        [["question", "quote"], [Q58, a58], ["56", f"‘{a56}’"], [], [Q58, f"  {a58.upper()}  "]],
    )
    quotes = load_quotes(path, dataset)
    assert quotes.by_question == {Q58: (a58,), Q56: (a56,)}
    assert len(quotes) == 2
    assert quotes.warnings == (
        f"citaten.csv, row 5: the same quote for {Q58} twice; printed once.",
    )


def test_comma_file_with_unquoted_commas_and_dutch_header(dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    quote = "Bel me terug op [telefoonnummer], dat is sneller."
    path.write_text(f"Vraag,Citaat\n{Q58},{quote}\n", encoding="utf-8")
    quotes = load_quotes(path, dataset)
    assert quotes.by_question == {Q58: (quote,)}
    assert quotes.warnings == ()  # the pieces around the placeholder occur in the phone answer


def test_every_problem_at_once_with_its_row(
    dataset: Dataset, answer: dict[str, str], write_csv: WriteCsv
) -> None:
    path = write_csv(
        "quotes.csv",
        [
            ["question", "quote"],
            ["q99_nothing", "Goed geholpen."],
            ["q01_grade_overall", "Goed geholpen."],
            [Q56, "   "],
            [Q58, PHONE_TEXT],
            [Q56, "Schrijf naar piet@example.nl"],
            [Q56, answer[Q56]],
        ],
    )
    with pytest.raises(ValidationError) as info:
        load_quotes(path, dataset)
    err = info.value
    assert err.exit_code == ExitCode.INPUT_INVALID
    got = [(p.row, p.column) for p in err.problems]
    assert got == [(2, "question"), (3, "question"), (4, "quote"), (5, "quote"), (6, "quote")]
    text = str(err)
    assert "quotes.csv, row 2, column 'question': no question 'q99_nothing'" in text
    assert "q01_grade_overall is a choice question, not an open (text) question" in text
    assert f"{Q56} (56), {Q58} (58)" in text
    assert "row 4, column 'quote': the quote is empty" in text
    assert "row 5, column 'quote': the quote looks like it holds a phone number" in text
    assert "row 6, column 'quote': the quote looks like it holds an e-mail address" in text
    assert "--allow-flagged-quotes" in text


def test_flagged_quotes_pass_when_allowed(dataset: Dataset, write_csv: WriteCsv) -> None:
    path = write_csv("quotes.csv", [["question", "quote"], [Q58, PHONE_TEXT]])
    assert load_quotes(path, dataset, allow_flagged=True).by_question == {Q58: (PHONE_TEXT,)}


def test_a_quote_not_in_the_answers_is_a_warning(dataset: Dataset, write_csv: WriteCsv) -> None:
    path = write_csv(
        "quotes.csv",
        [["question", "quote"], [Q56, "Dit schreef niemand."], [Q56, PAPER_TWICE]],
    )
    quotes = load_quotes(path, dataset)
    assert quotes.by_question == {Q56: ("Dit schreef niemand.", PAPER_TWICE)}
    assert [w.split(":")[0] for w in quotes.warnings] == ["quotes.csv, row 2", "quotes.csv, row 3"]
    assert "does not occur in any open answer" in quotes.warnings[0]


def test_too_few_answers_leave_the_quotes_out(
    dataset: Dataset, answer: dict[str, str], write_csv: WriteCsv
) -> None:
    path = write_csv("quotes.csv", [["question", "quote"], [Q56, answer[Q56]]])
    quotes = load_quotes(path, dataset, min_cell_size=10_000)
    assert quotes.by_question == {}
    assert "fewer than privacy.min_cell_size (10000)" in quotes.warnings[0]


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([["vraag", "tekst"], [Q56, "x"]], "the header is 'vraag;tekst'"),
        ([], "header is 'missing'"),
    ],
)
def test_a_file_without_the_header_is_refused(
    dataset: Dataset, write_csv: WriteCsv, rows: list[list[str]], message: str
) -> None:
    with pytest.raises(ValidationError, match="not a quotes file") as info:
        load_quotes(write_csv("x.csv", rows), dataset)
    assert message in str(info.value)


def test_a_missing_file(dataset: Dataset, tmp_path: Path) -> None:
    with pytest.raises(CorruptInputError, match="not found"):
        load_quotes(tmp_path / "nope.csv", dataset)


def test_windows_1252_is_read(dataset: Dataset, tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_bytes(f"question;quote\r\n{Q56};‘Café’ was dicht\r\n".encode("cp1252"))
    assert load_quotes(path, dataset).by_question == {Q56: ("‘Café’ was dicht",)}


# ---------------------------------------------------------------- matching

text_st = st.text(alphabet="abcdefghij KLMNO,!?é\n\t", min_size=1, max_size=60)


@given(text=text_st, data=st.data())
def test_any_piece_of_an_answer_occurs_whatever_its_case_and_spacing(
    text: str, data: st.DataObject
) -> None:
    i = data.draw(st.integers(0, len(text) - 1))
    j = data.draw(st.integers(i + 1, len(text)))
    piece = text[i:j]
    if not piece.strip():
        return
    spaced = " ".join(piece.split()).swapcase().replace(" ", "  \n ")
    assert occurs(spaced, ["andere tekst", text])


@given(text=text_st)
def test_shortened_pieces_occur_in_order(text: str) -> None:
    words = text.split()
    if len(words) < 2:
        return
    assert occurs(f"{words[0]} ... {words[-1]}", [text])
    assert occurs(f"{words[0]} [naam] {words[-1]}", [text])


def test_occurs_cases() -> None:
    assert normalise("  Een\n\tGOED  antwoord ") == "een goed antwoord"
    answer = "Mevrouw De Vries   was heel\nbehulpzaam, echt waar."
    assert occurs("mevrouw [naam] was heel behulpzaam", [answer])
    assert occurs("…was heel behulpzaam...", [answer])
    assert not occurs("behulpzaam ... Mevrouw", [answer])
    assert not occurs("[naam]", [answer])
    assert not occurs("onbehulpzaam", [answer])


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("‘Goed’", "Goed"),
        (' "Goed" ', "Goed"),
        ("„Goed”", "Goed"),
        ("'Goed", "'Goed"),
        ("Go'ed", "Go'ed"),
    ],
)
def test_unquote(raw: str, clean: str) -> None:
    assert unquote(raw) == clean
