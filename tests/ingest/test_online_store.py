"""Integrity of the online import: nothing cut off, nothing counted twice, nothing overwritten."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ingest.online_store import OnlineImportOptions, import_online
from papersurvey.cli import main
from papersurvey.simulate.online import SimulatedResponse
from survey.errors import CorruptInputError, ExitCode, OnlineExportError
from survey.model import Questionnaire
from survey.project import Project
from survey.store import Store
from tests.ingest.conftest import new_respondents
from tests.ingest.lsexport import ls_export

pytestmark = pytest.mark.parametrize(  # the online import on both stores
    "project_dir", ["sqlite", "postgresql"], indirect=True
)


@pytest.fixture
def tokens(project: Project) -> list[str]:
    return new_respondents(project, 4)


def _snapshot(store: Store) -> tuple[list[tuple[object, ...]], int]:
    rows = [tuple(r) for r in store.query("SELECT * FROM online_responses ORDER BY pseudonym")]
    return rows, store.scalar("SELECT count(*) FROM audit_log")


def _answers(text: str = "Prima") -> dict[str, str]:
    return {"q01_grade_overall": "8", "q56_good_point_explain": text}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_a_file_cut_inside_a_quoted_text_is_refused_with_its_row(
    tmp_path: Path, project: Project, questionnaire: Questionnaire, tokens: list[str]
) -> None:
    rs = [
        SimulatedResponse(
            t, _answers(f"Tekst van {t}\nmet een tweede regel"), "2027-03-01 10:00:00", 10
        )
        for t in tokens
    ]
    data = ls_export(questionnaire, rs)
    cut = data[: data.index(f"Tekst van {tokens[2]}".encode()) + 12]
    before = _snapshot(project.store)
    with pytest.raises(CorruptInputError, match=r"cut off in row 4.*quoted text there never ends"):
        import_online(
            project.store, questionnaire, OnlineImportOptions(_write(tmp_path / "cut.csv", cut))
        )
    assert _snapshot(project.store) == before


def test_a_row_with_too_few_fields_or_no_line_end_is_refused(
    tmp_path: Path, project: Project, questionnaire: Questionnaire, tokens: list[str]
) -> None:
    rs = [SimulatedResponse(t, _answers(), "2027-03-01 10:00:00", 10) for t in tokens]
    lines = ls_export(questionnaire, rs).split(b"\r\n")
    short = b"\r\n".join([*lines[:3], lines[3].rsplit(b",", 5)[0], *lines[4:]])
    before = _snapshot(project.store)
    with pytest.raises(CorruptInputError, match=r"row 4: \d+ fields, fewer than the \d+ headings"):
        import_online(
            project.store, questionnaire, OnlineImportOptions(_write(tmp_path / "s.csv", short))
        )
    no_end = b"\r\n".join(lines[:5])  # the last record lost its CRLF (and the closing blank line)
    with pytest.raises(CorruptInputError, match=r"row 5: the last row has no line end"):
        import_online(
            project.store, questionnaire, OnlineImportOptions(_write(tmp_path / "e.csv", no_end))
        )
    with pytest.raises(CorruptInputError, match="not complete JSON"):
        json_data = ls_export(questionnaire, rs, fmt="json")
        import_online(
            project.store,
            questionnaire,
            OnlineImportOptions(_write(tmp_path / "j.json", json_data[:-40])),
        )
    assert _snapshot(project.store) == before


def test_a_repeated_row_counts_once_in_report_store_and_audit(
    tmp_path: Path,
    project_dir: Path,
    questionnaire: Questionnaire,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Project.open(project_dir) as project:
        t1, t2 = new_respondents(project, 2)
    r1 = SimulatedResponse(t1, _answers(), "2027-03-01 10:00:00", 10)
    r2 = SimulatedResponse(t2, _answers(), "2027-03-02 10:00:00", 10)
    path = _write(tmp_path / "rep.csv", ls_export(questionnaire, [r1, r2, r2], ids=[1, 2, 2]))
    assert main(["import-online", str(project_dir), str(path)]) == 0
    out = capsys.readouterr().out
    assert "3 responses" in out and "2 new" in out and "1 rows repeat an earlier row exactly" in out
    with Project.open(project_dir) as project:
        assert project.store.scalar("SELECT count(*) FROM online_responses") == 2
        (detail,) = [
            json.loads(r[0])
            for r in project.store.query(
                "SELECT detail FROM audit_log WHERE action = 'import-online'"
            )
        ]
    assert (detail["rows"], detail["added"], detail["repeated"], detail["set_aside"]) == (
        3,
        2,
        1,
        [],
    )


def test_two_rows_of_one_token_keep_one_by_the_rule_and_say_why(
    tmp_path: Path, project: Project, questionnaire: Questionnaire, tokens: list[str]
) -> None:
    t = tokens[0]
    partial = SimulatedResponse(t, {"q01_grade_overall": "3"}, "", 2)
    early = SimulatedResponse(t, {"q01_grade_overall": "5"}, "2027-03-01 10:00:00", 10)
    late = SimulatedResponse(t, {"q01_grade_overall": "9"}, "2027-03-05 10:00:00", 10)
    path = _write(tmp_path / "t.csv", ls_export(questionnaire, [partial, late, early]))
    report = import_online(project.store, questionnaire, OnlineImportOptions(path))
    assert report.added == 1 and [a.row for a in report.set_aside] == [2, 4]
    assert "a complete response of the same token" in report.set_aside[0].reason
    assert "a later complete response" in report.set_aside[1].reason
    (raw,) = [json.loads(r[0]) for r in project.store.query("SELECT raw FROM online_responses")]
    assert raw["answers"] == {"q01_grade_overall": "9"}


def test_the_same_token_with_a_new_response_id_does_not_overwrite(
    tmp_path: Path, project: Project, questionnaire: Questionnaire, tokens: list[str]
) -> None:
    t = tokens[0]
    first = SimulatedResponse(t, {"q01_grade_overall": "6"}, "2027-03-01 10:00:00", 10)
    other = SimulatedResponse(t, {"q01_grade_overall": "2"}, "2027-03-01 10:00:00", 10)
    import_online(
        project.store,
        questionnaire,
        OnlineImportOptions(_write(tmp_path / "a.csv", ls_export(questionnaire, [first], ids=[4]))),
    )
    rows_before = _snapshot(project.store)[0]
    report = import_online(
        project.store,
        questionnaire,
        OnlineImportOptions(_write(tmp_path / "b.csv", ls_export(questionnaire, [other], ids=[9]))),
    )
    assert (report.added, report.updated) == (0, 0)
    (aside,) = report.set_aside
    assert (
        "another response (id 9)" in aside.reason and "response id 4, which is kept" in aside.reason
    )
    assert _snapshot(project.store)[0] == rows_before


def test_an_export_of_another_survey_is_refused(
    tmp_path: Path, project: Project, questionnaire: Questionnaire, tokens: list[str]
) -> None:
    data = ls_export(
        questionnaire, [SimulatedResponse(tokens[0], _answers(), "2027-03-01 10:00:00", 10)]
    )
    path = _write(tmp_path / "results-survey654321.csv", data)
    before = _snapshot(project.store)
    with pytest.raises(OnlineExportError) as info:
        import_online(project.store, questionnaire, OnlineImportOptions(path, survey_id="123456"))
    assert re.search(
        r"export of LimeSurvey survey 654321, not of this round's survey 123456", str(info.value)
    )
    assert _snapshot(project.store) == before
    ok = _write(tmp_path / "results-survey123456.csv", data)
    assert (
        import_online(
            project.store, questionnaire, OnlineImportOptions(ok, survey_id="123456")
        ).added
        == 1
    )


def test_cli_refuses_a_truncated_file(
    tmp_path: Path,
    project_dir: Path,
    questionnaire: Questionnaire,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = _write(tmp_path / "x.csv", b'\xef\xbb\xbf"id","token"\r\n"1","ABC')
    assert main(["import-online", str(project_dir), str(path)]) == ExitCode.CORRUPT_INPUT
    assert "cut off in row 2" in capsys.readouterr().err
