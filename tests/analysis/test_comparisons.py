"""Comparison files: a table of reference figures, or a previous round's export."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.comparisons import load_source
from survey.errors import CorruptInputError, ValidationError
from survey.questionnaire import default_questionnaire


def test_reference_table_with_dutch_numbers(tmp_path: Path) -> None:
    path = tmp_path / "ref.csv"
    path.write_text(
        "question;statistic;value;n;sd\n"
        "q01_grade_overall;mean;7,3;6316;1,6\n"
        "q19_intake_rights;agree;81%;2450;\n"
        "q37_trajectory;share:1;0,15;;\n"
        "q99_other_round;mean;6,0;100;\n",
        encoding="utf-8-sig",
    )
    ref = load_source(path, default_questionnaire(), "Referentiegroep")
    assert ref.figures[("q01_grade_overall", "mean")].value == pytest.approx(7.3)
    assert ref.figures[("q01_grade_overall", "mean")].sd == pytest.approx(1.6)
    assert ref.figures[("q19_intake_rights", "agree")].value == pytest.approx(0.81)
    assert ref.figures[("q37_trajectory", "share:1")].n is None
    assert ("q99_other_round", "mean") not in ref.figures


def test_bad_reference_rows_are_all_listed(tmp_path: Path) -> None:
    path = tmp_path / "ref.csv"
    path.write_text(
        "question,statistic,value\nq01_grade_overall,mean,zeven\nq01_grade_overall,median,7\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationError) as info:
        load_source(path, default_questionnaire(), "x")
    assert [(p.row, p.column) for p in info.value.problems] == [(2, "value"), (3, "statistic")]


def test_unusable_files(tmp_path: Path) -> None:
    with pytest.raises(CorruptInputError, match="not found"):
        load_source(tmp_path / "nope.csv", default_questionnaire(), "x")
    other = tmp_path / "other.csv"
    other.write_text("a;b\n1;2\n", encoding="utf-8")
    with pytest.raises(CorruptInputError, match="neither a papersurvey export"):
        load_source(other, default_questionnaire(), "x")
