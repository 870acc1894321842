"""survey.followups: which open question follows up the select question before it."""

from __future__ import annotations

import pytest

from survey.followups import follow_ups, is_follow_up
from survey.questionnaire import default_questionnaire
from tests.layout.conftest import Build


@pytest.fixture(scope="module")
def build() -> Build:
    return Build()


@pytest.fixture(scope="module")
def items(build):
    yesno = build.choices("yesno", ["Ja", "Nee", "Anders"])
    return {
        "select": build.select("q1", "Bent u tevreden?", yesno),
        "multiple": build.select("q1", "Welke?", yesno, multiple=True),
        "note": build.note("q1", "Een toelichting."),
        "open": build.text("q1", "Wat vindt u?"),
        "integer": build.text("q1", "Hoeveel?", integer=True),
    }


@pytest.mark.parametrize(
    ("previous", "kind", "relevant", "expected"),
    [
        ("select", "open", "", True),  # "Wilt u uitleggen waarom?"
        ("multiple", "open", "", True),
        ("select", "open", "${q1} = '3'", True),  # "Anders, namelijk"
        ("select", "open", "${q1} = '3' or ${q1} = '2'", True),
        ("select", "open", "${q0} = '1'", False),  # routed by another question
        ("select", "open", "${q1} = '3' and ${q0} = '1'", False),
        ("select", "integer", "", False),  # only open (text) questions
        ("note", "open", "", False),
        ("open", "open", "", False),
        (None, "open", "", False),
    ],
)
def test_the_rule(build, items, previous, kind, relevant, expected):
    item = items[kind]
    if kind == "open":
        item = build.text("q2", "Waarom?", relevant=relevant)
    assert is_follow_up(items[previous] if previous else None, item) is expected


def test_pairs_are_found_inside_groups_but_not_across_their_boundaries(build):
    yesno = build.choices("yesno", ["Ja", "Nee"])
    q = build.questionnaire(
        [
            build.group(
                "a",
                "Deel A",
                [build.select("q1", "Een?", yesno), build.text("q2", "Waarom?")],
            ),
            build.group("b", "Deel B", [build.select("q3", "Twee?", yesno)]),
            build.group("c", "Deel C", [build.text("q4", "Nog iets?")]),
            build.text("q5", "Waarom?"),  # after a group, not after a question
        ]
    )
    assert follow_ups(q) == {"q2": "q1"}


def test_the_default_questionnaire_has_two_follow_ups():
    assert follow_ups(default_questionnaire()) == {
        "q56_good_point_explain": "q55_good_point",
        "q58_improve_point_explain": "q57_improve_point",
    }
