"""The LimeSurvey response export: reading, mapping, validation and the idempotent import."""

from __future__ import annotations

import csv
import io
import json
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.online_reader import read_export
from ingest.online_store import OnlineImportOptions, import_online
from papersurvey.cli import main
from papersurvey.simulate.online import (
    SimulatedResponse,
    Simulator,
    write_limesurvey_csv,
)
from survey.errors import CorruptInputError, ExitCode, OnlineExportError
from survey.model import Questionnaire
from survey.project import Project
from survey.pseudonym import new_pseudonyms
from tests.ingest.conftest import new_respondents
from tests.survey.questionnaires import questionnaire_from_csv


@pytest.fixture
def tokens(project: Project) -> list[str]:
    """Ten respondents in the project's store."""
    return new_respondents(project, 10, subgroup="")


def _responses(q: Questionnaire, tokens: list[str], seed: int = 1) -> list[SimulatedResponse]:
    rng = random.Random(seed)
    sim = Simulator(q)
    return [
        SimulatedResponse(t, sim.answers(rng), f"2027-03-0{i % 9 + 1} 10:1{i % 10}:00", 10)
        for i, t in enumerate(tokens)
    ]


def _rows(path: Path, delimiter: str) -> list[list[str]]:
    text = path.read_bytes().decode("utf-8-sig")
    return [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r]


def _rewrite(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL).writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_export_maps_limesurvey_codes_to_questions(
    tmp_path: Path, questionnaire: Questionnaire, delimiter: str
) -> None:
    tokens = new_pseudonyms(6)
    responses = _responses(questionnaire, tokens)
    path = write_limesurvey_csv(
        tmp_path / "export.csv", questionnaire, responses, delimiter=delimiter
    )
    headings = _rows(path, delimiter)[0]
    assert "gridcounter[q04countertreatment]" in headings  # LimeSurvey style: no underscores
    export = read_export(path, questionnaire)
    assert export.problems == ()
    assert export.delimiter == delimiter
    assert [r.token for r in export.responses] == tokens
    for got, want in zip(export.responses, responses, strict=True):
        assert dict(got.answers) == dict(want.answers)
        assert got.complete and got.submitted_at.startswith("2027-03-")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(0, 10_000), delimiter=st.sampled_from([",", ";"]))
def test_any_simulated_answers_round_trip(
    tmp_path: Path, questionnaire: Questionnaire, seed: int, delimiter: str
) -> None:
    responses = _responses(questionnaire, new_pseudonyms(3), seed)
    path = write_limesurvey_csv(
        tmp_path / f"e{seed}.csv", questionnaire, responses, delimiter=delimiter
    )
    export = read_export(path, questionnaire)
    assert export.problems == ()
    assert [dict(r.answers) for r in export.responses] == [dict(r.answers) for r in responses]


MULTI_SURVEY = """type,name,label::nl,relevant
select_multiple channels,kanalen,Hoe had u contact?,
integer,aantal,Hoe vaak?,
text,toelichting,Toelichting,
select_one yesno,tevreden,Tevreden?,"selected(${kanalen}, 'tel')"
"""
MULTI_CHOICES = """list_name,name,label::nl
channels,tel,Telefoon
channels,balie,Balie
channels,mail,E-mail
yesno,1,Ja
yesno,2,Nee
"""


@pytest.fixture
def multi_questionnaire(tmp_path: Path) -> Questionnaire:
    return questionnaire_from_csv(tmp_path / "q", MULTI_SURVEY, MULTI_CHOICES, title="Test")


@pytest.mark.parametrize("style", ["brackets", "underscore"])
def test_multiple_choice_columns_and_numbers(
    tmp_path: Path, multi_questionnaire: Questionnaire, style: str
) -> None:
    t1, t2 = new_pseudonyms(2)
    sub = (lambda c: f"kanalen[{c}]") if style == "brackets" else (lambda c: f"kanalen_{c}")
    rows = [
        [
            "id",
            "token",
            "submitdate",
            "lastpage",
            "startlanguage",
            *[sub(c) for c in ("tel", "balie", "mail")],
            "aantal",
            "toelichting",
            "tevreden",
            "kanalen[other]",
        ],
        [
            "1",
            t1,
            "2027-03-01 10:00:00",
            "2",
            "nl",
            "Y",
            "",
            "Y",
            "12.0000000000",
            "Prima;\nhoor",
            "1",
            "fax",
        ],
        ["2", t2, "", "1", "nl", "", "", "", "", "", "", ""],
    ]
    export = read_export(_rewrite(tmp_path / "m.csv", rows), multi_questionnaire)
    assert export.problems == ()
    first, second = export.responses
    assert dict(first.answers) == {
        "kanalen": "tel mail",
        "aantal": "12",
        "toelichting": "Prima;\nhoor",
        "tevreden": "1",
    }
    assert "kanalen[other]" in export.ignored
    assert not second.complete and second.submitted_at == "" and dict(second.answers) == {}


def test_every_problem_is_listed_with_row_and_column(
    tmp_path: Path, multi_questionnaire: Questionnaire
) -> None:
    (t1,) = new_pseudonyms(1)
    rows = [
        ["id", "token", "submitdate", "kanalen[tel]", "aantal", "tevreden", "onbekend"],
        ["1", t1, "gisteren", "X", "twaalf", "7", ""],
        ["2", "", "2027-03-01 10:00:00", "", "", "", ""],
        ["3", "HELLO", "2027-03-01 10:00:00", "", "", "", ""],
    ]
    export = read_export(_rewrite(tmp_path / "bad.csv", rows), multi_questionnaire)
    found = {(p.row, p.column) for p in export.problems}
    assert found == {
        (1, "onbekend"),
        (2, "submitdate"),
        (2, "kanalen[tel]"),
        (2, "aantal"),
        (2, "tevreden"),
        (3, "token"),
        (4, "token"),
    }
    assert (
        read_export(
            _rewrite(tmp_path / "ok.csv", [rows[0], rows[0][:1] + [t1] + [""] * 5]),
            multi_questionnaire,
            ignore_columns=("onbekend",),
        ).problems
        == ()
    )


def test_not_csv_and_no_token_column(tmp_path: Path, questionnaire: Questionnaire) -> None:
    zipped = tmp_path / "export.xlsx"
    zipped.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    with pytest.raises(CorruptInputError, match="not a CSV or JSON file"):
        read_export(zipped, questionnaire)
    path = _rewrite(tmp_path / "no-token.csv", [["id", "q01gradeoverall"], ["1", "7"]])
    problems = read_export(path, questionnaire).problems
    assert [p.column for p in problems] == ["token"]


def test_import_is_idempotent_and_keeps_no_participant_data(
    tmp_path: Path, project: Project, questionnaire: Questionnaire, tokens: list[str]
) -> None:
    path = write_limesurvey_csv(
        tmp_path / "export.csv",
        questionnaire,
        _responses(questionnaire, tokens[:5]),
        extra_columns={"email": "jan@example.nl", "firstname": "Jan", "ipaddr": "10.0.0.1"},
    )
    store = project.store
    report = import_online(store, questionnaire, OnlineImportOptions(path))
    assert (report.rows, report.added, report.updated) == (5, 5, 0)
    before = store.query("SELECT * FROM online_responses ORDER BY pseudonym")
    again = import_online(store, questionnaire, OnlineImportOptions(path))
    assert again.nothing_changed and again.unchanged == 5
    assert [tuple(r) for r in store.query("SELECT * FROM online_responses ORDER BY pseudonym")] == [
        tuple(r) for r in before
    ]
    raw = " ".join(r["raw"] for r in before)
    assert "jan@example.nl" not in raw and "Jan" not in raw and "10.0.0.1" not in raw
    assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'import-online'") == 1


def test_unknown_tokens_refuse_the_file_unless_skipped(
    tmp_path: Path, project: Project, questionnaire: Questionnaire, tokens: list[str]
) -> None:
    stranger = new_pseudonyms(1, existing=tokens)[0]
    path = write_limesurvey_csv(
        tmp_path / "export.csv", questionnaire, _responses(questionnaire, [tokens[0], stranger])
    )
    with pytest.raises(OnlineExportError) as info:
        import_online(project.store, questionnaire, OnlineImportOptions(path))
    assert [(p.row, p.column) for p in info.value.problems] == [(3, "token")]
    assert stranger in str(info.value)
    assert project.store.scalar("SELECT count(*) FROM online_responses") == 0
    report = import_online(
        project.store, questionnaire, OnlineImportOptions(path, skip_unknown=True)
    )
    assert report.added == 1 and report.skipped_unknown == (stranger,)


def test_partial_responses_keep_the_furthest(
    tmp_path: Path, project: Project, questionnaire: Questionnaire, tokens: list[str]
) -> None:
    t = tokens[0]
    early = SimulatedResponse(t, {"q01_grade_overall": "7"}, "", 1)
    further = SimulatedResponse(t, {"q01_grade_overall": "7", "q02_grade_first_line": "8"}, "", 2)
    done = SimulatedResponse(t, {"q01_grade_overall": "6"}, "2027-03-02 11:00:00", 10)
    store = project.store

    def run(name: str, *rs: SimulatedResponse) -> None:
        path = write_limesurvey_csv(tmp_path / name, questionnaire, list(rs))
        import_online(store, questionnaire, OnlineImportOptions(path))

    def stored() -> dict[str, dict[str, str]]:
        rows = store.query(
            "SELECT submitted_at, raw FROM online_responses WHERE pseudonym = ?", (t,)
        )
        return {r["submitted_at"]: json.loads(r["raw"])["answers"] for r in rows}

    run("a.csv", early, further)  # two partial responses in one file: the furthest is kept
    assert stored() == {"": further.answers}
    run("b.csv", early)  # an export that got less far changes nothing
    assert stored() == {"": further.answers}
    run("c.csv", done)  # the complete response is kept beside the partial one
    assert stored() == {"": further.answers, "2027-03-02T11:00:00": done.answers}


def test_cli_import_online(
    tmp_path: Path,
    project_dir: Path,
    questionnaire: Questionnaire,
    capsys: pytest.CaptureFixture[str],
) -> None:
    with Project.open(project_dir) as project:
        codes = new_respondents(project, 3, channel="paper")
    path = write_limesurvey_csv(tmp_path / "x.csv", questionnaire, _responses(questionnaire, codes))
    assert main(["import-online", str(project_dir), str(path)]) == 0
    assert "3 new" in capsys.readouterr().out
    assert main(["import-online", str(project_dir), str(path)]) == 0
    assert "Nothing changed" in capsys.readouterr().out
    rows = _rows(path, ",")
    rows[0][rows[0].index("q01gradeoverall")] = "q99"
    bad = _rewrite(tmp_path / "bad.csv", rows)
    assert main(["import-online", str(project_dir), str(bad)]) == ExitCode.INPUT_INVALID
    assert "q99" in capsys.readouterr().err
