"""The LimeSurvey structure (.lss): checked field by field against a golden file and LimeSurvey's rules."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from layout.limesurvey_lss import lss_document, write_lss
from papersurvey.cli import main
from survey.limesurvey import ANSWER_CODE, QUESTION_CODE, SUBQUESTION_CODE, derive_codes
from survey.limesurvey_structure import structure
from survey.questionnaire import default_questionnaire

GOLDEN = Path(__file__).parent / "golden" / "kbo_werk_inkomen.lss"


def _write(path: Path) -> Path:
    q = default_questionnaire()
    root = lss_document(q, structure(q, derive_codes(q)), sid=123456, languages=("nl", "en"))
    return write_lss(path, root)


def _tables(path: Path) -> dict[str, list[dict[str, str]]]:
    root = ET.parse(path).getroot()
    out = {}
    for table in root:
        rows = table.find("rows")
        if rows is not None:
            fields = [f.text for f in table.find("fields")]  # type: ignore[union-attr]
            out[table.tag] = [{f: (row.findtext(f) or "") for f in fields} for row in rows]
    return out


def test_the_structure_matches_the_golden_file_field_by_field(tmp_path: Path) -> None:
    got, want = _tables(_write(tmp_path / "s.lss")), _tables(GOLDEN)
    assert list(got) == list(want)
    for table in want:
        assert len(got[table]) == len(want[table]), table
        for i, (g, w) in enumerate(zip(got[table], want[table], strict=True)):
            assert g == w, f"{table} row {i + 1}"
    root = ET.parse(GOLDEN).getroot()
    assert root.findtext("LimeSurveyDocType") == "Survey"
    assert [x.text for x in root.find("languages")] == ["nl", "en"]  # type: ignore[union-attr]


def test_the_structure_keeps_limesurveys_rules() -> None:
    t = _tables(GOLDEN)
    questions, subs = t["questions"], t["subquestions"]
    titles = [q["title"] for q in questions]
    assert all(QUESTION_CODE.match(x) for x in titles) and len(set(map(str.lower, titles))) == len(
        titles
    )
    qids = {q["qid"]: q for q in questions}
    for s in subs:
        assert SUBQUESTION_CODE.match(s["title"]) and s["parent_qid"] in qids
    for parent in qids:
        codes = [s["title"].lower() for s in subs if s["parent_qid"] == parent]
        assert len(codes) == len(set(codes))
        answers = [a["code"] for a in t["answers"] if a["qid"] == parent]
        assert all(ANSWER_CODE.match(a) for a in answers) and len(answers) == len(set(answers))
    by_title = {q["title"]: q for q in questions}
    assert by_title["gridcounter"]["type"] == "F"
    assert by_title["gridcounter"]["relevance"] == 'q03countervisit.NAOK == "1"'
    assert by_title["q01gradeoverall"]["type"] == "L"
    assert by_title["q56goodpointexplain"]["type"] == "T"
    assert by_title["q03countervisit"]["mandatory"] == "Y"
    l10n = t["question_l10ns"]
    assert len(l10n) == 2 * (len(questions) + len(subs))  # every text in nl and en
    (survey,) = t["surveys"]
    assert (survey["anonymized"], survey["language"], survey["additional_languages"]) == (
        "N",
        "nl",
        "en",
    )


def test_cli_limesurvey_writes_structure_and_codes(
    project_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["limesurvey", str(project_dir)]) == 0
    out = capsys.readouterr().out
    assert "groups" in out and "is a proposal" in out
    assert (project_dir / "questionnaire" / "limesurvey_codes.csv").is_file()
    assert list((project_dir / "out" / "limesurvey").glob("limesurvey_survey_*.lss"))
    assert main(["limesurvey", str(project_dir)]) == 0
    assert "(updated)" not in capsys.readouterr().out  # stable: the same codes again
