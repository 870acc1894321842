"""The report-only columns of the survey sheet: ``report_label`` and ``polarity``."""

from __future__ import annotations

import csv
from pathlib import Path

from survey.model import Question, QuestionType, Text
from survey.questionnaire import default_questionnaire, load_questionnaire

FIXTURE = Path(__file__).parent / "fixtures" / "mini"


def _with_report_columns(folder: Path, cells: dict[str, dict[str, str]]) -> Path:
    """A copy of the mini fixture with report columns filled in per question name."""
    folder.mkdir()
    headings = ["report_label::nl", "report_label::en", "polarity"]
    for name in ("choices", "settings"):
        (folder / f"{name}.csv").write_text((FIXTURE / f"{name}.csv").read_text("utf-8"), "utf-8")
    with (FIXTURE / "survey.csv").open(encoding="utf-8", newline="") as f:
        rows = [list(r) for r in csv.reader(f)]
    rows[0] += headings
    for row in rows[1:]:
        row += [cells.get(row[1], {}).get(h, "") for h in headings]
    with (folder / "survey.csv").open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return folder


def test_report_label_and_polarity_are_read_per_question(tmp_path: Path) -> None:
    folder = _with_report_columns(
        tmp_path / "q",
        {
            "q1": {"report_label::nl": "Rapportcijfer", "report_label::en": "Grade"},
            "s2": {"report_label::nl": "Snel antwoord", "polarity": "negative"},
        },
    )

    q = load_questionnaire(folder)

    assert q.question("q1").short_label("nl") == "Rapportcijfer"
    assert q.question("q1").short_label("en") == "Grade"
    assert q.question("s2").negative and not q.question("s1").negative
    # no English report label: the English question text, not the Dutch short name
    assert q.question("s2").short_label("en") == "I get a quick answer."
    # no report label at all: the question text
    assert q.question("q2").short_label("nl") == "Heeft u werk?"


def test_report_columns_leave_the_version_hash_alone(tmp_path: Path) -> None:
    """A report label may be improved after printing: the scans keep their form map."""
    folder = _with_report_columns(
        tmp_path / "q", {"s1": {"report_label::nl": "Goed geholpen", "polarity": "positive"}}
    )

    assert load_questionnaire(folder).version_hash == load_questionnaire(FIXTURE).version_hash


def test_a_dutch_only_report_label_serves_a_question_without_english_text() -> None:
    q = Question(
        "x",
        QuestionType.TEXT,
        Text.of(nl="Een lange vraag?"),
        report_label=Text.of(nl="Kort"),
    )

    assert q.short_label("en") == q.short_label() == "Kort"


def test_the_default_questionnaire_has_a_short_label_for_every_question() -> None:
    q = default_questionnaire()

    assert all(x.report_label.get("nl") and x.report_label.get("en") for x in q.answerable())
    assert q.question("q01_grade_overall").short_label("nl") == "Dienstverlening als geheel"
    assert q.question("q04_counter_treatment").short_label("nl") == "Bejegening aan de balie"
    negative = {x.name for x in q.answerable() if x.negative}
    assert negative == {
        "q34_cm_changes_often",
        "q35_cm_prejudice_ability",
        "q36_cm_prejudice_wishes",
        "q46_traj_demanding",
    }
