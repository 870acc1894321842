"""open_answers.csv: every counting open answer, no pseudonym, phone/e-mail flagged."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.dataset import Dataset, build_dataset
from analysis.exports import export_all
from analysis.open_answers import (
    COLUMNS,
    flag_text,
    open_answers,
    open_questions,
    question_numbers,
)
from analysis.results import compute_results
from layout.skips import number_questions
from papersurvey.cli import main
from survey.project import Project
from tests.analysis.conftest import (
    BOTH_TEXT,
    EMAIL_TEXT,
    ONLINE_TWICE,
    PAPER_TWICE,
    PHONE_TEXT,
    OpenRound,
)

OPEN = ("q56_good_point_explain", "q58_improve_point_explain")


@pytest.fixture(scope="module")
def dataset(open_round: OpenRound) -> Dataset:
    with Project.open(open_round.root) as project:
        return build_dataset(project.store, project.load_questionnaire())


def _subgroups(root: Path) -> dict[str, str]:
    with Project.open(root) as project:
        rows = project.store.query("SELECT pseudonym, subgroup FROM respondents")
        return {r["pseudonym"]: r["subgroup"] for r in rows}


def expected_rows(open_round: OpenRound) -> list[tuple[str, str, str, str]]:
    """(question, mode, subgroup, answer) of every open answer that should count."""
    subgroup = _subgroups(open_round.root)
    rows = []
    given_answers = [
        *[(p, "paper", a) for p, a in open_round.round.paper.items()],
        *[(p, "online", a) for p, a in open_round.round.online.items()],
        *[(p, "paper", a) for p, a in open_round.extra.items()],
        (open_round.twice, "online", {"q56_good_point_explain": ONLINE_TWICE}),
    ]
    for p, mode, answers in given_answers:
        for q in OPEN:
            text = answers.get(q)
            if text:
                rows.append((q, mode, subgroup[p], text))
    return sorted(rows)


def test_open_answers_are_the_counting_ones_without_pseudonym(
    open_round: OpenRound, dataset: Dataset
) -> None:
    frame = open_answers(dataset)
    assert tuple(frame.columns) == COLUMNS
    got = sorted(
        zip(frame["question"], frame["mode"], frame["subgroup"], frame["answer"], strict=True)
    )
    assert got == expected_rows(open_round)
    assert len(got) > 20  # the simulated round wrote open answers
    # the paper text of the respondent whose online response counts is not there
    assert PAPER_TWICE not in set(frame["answer"])
    assert open_round.twice in set(dataset.duplicates["pseudonym"])
    # nothing in the file names a respondent's pseudonym
    cells = {str(c) for c in frame.to_numpy().ravel()}
    assert not cells & set(dataset.data["pseudonym"])
    assert "pseudonym" not in frame.columns


def test_rows_are_sorted_by_question_then_text(dataset: Dataset) -> None:
    frame = open_answers(dataset)
    keys = [(n, a.casefold()) for n, a in zip(frame["number"], frame["answer"], strict=True)]
    assert keys == sorted(keys)
    numbers = question_numbers(dataset.questionnaire)
    assert set(frame["number"]) == {numbers[q] for q in OPEN}
    assert (frame["number"] == frame["question"].map(numbers)).all()


def test_flags_name_phone_and_email(dataset: Dataset) -> None:
    frame = open_answers(dataset).set_index("answer")
    assert frame.loc[PHONE_TEXT, "flags"] == "phone"
    assert frame.loc[EMAIL_TEXT, "flags"] == "email"
    assert frame.loc[BOTH_TEXT, "flags"] == "phone email"
    others = frame.drop(index=[PHONE_TEXT, EMAIL_TEXT, BOTH_TEXT])
    assert (others["flags"] == "").all()


def test_question_text_in_the_language_asked(dataset: Dataset) -> None:
    nl = open_answers(dataset, "nl")
    en = open_answers(dataset, "en")
    assert nl["question_text"].str.startswith("Wilt u uitleggen waarom?").all()
    assert en["question_text"].str.startswith("Could you explain why?").all()


def test_numbers_are_the_printed_ones(dataset: Dataset) -> None:
    q = dataset.questionnaire
    assert question_numbers(q) == number_questions(q)
    assert tuple(x.name for x in open_questions(q)) == OPEN


@given(st.text(alphabet="abc xyz06-123.,", max_size=30))
def test_flag_text_agrees_with_the_shared_detection(text: str) -> None:
    from survey.privacy_flags import flags

    assert flag_text(text).split() == [f.value for f in flags(text)]


def test_export_writes_open_answers_csv(
    open_round: OpenRound, dataset: Dataset, tmp_path: Path
) -> None:
    files = export_all(compute_results(dataset, 10), tmp_path, ("csv",))
    path = tmp_path / "open_answers.csv"
    assert path in files
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfnumber;question;question_text;mode;subgroup;answer;flags")
    back = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back.to_dict("records") == open_answers(dataset).astype(str).to_dict("records")


def test_cli_export_writes_open_answers_in_the_rounds_language(
    open_round: OpenRound, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "export"
    assert main(["export", str(open_round.root), "--format", "spss", "--out", str(out)]) == 0
    assert "for the analysts only" in capsys.readouterr().out
    back = pd.read_csv(out / "open_answers.csv", sep=";", encoding="utf-8-sig", dtype=str)
    assert back["question_text"].str.startswith("Wilt u").all()
    assert PHONE_TEXT in set(back["answer"])
