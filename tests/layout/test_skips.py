"""Routing instructions derived from ``relevant``."""

from __future__ import annotations

import pytest

from layout.skips import Skip, derive_skips, number_questions
from survey.questionnaire import default_questionnaire


def test_numbers_every_answerable_question_in_order(build):
    yesno = build.choices("yesno", ["Ja", "Nee"])
    q = build.questionnaire(
        [
            build.note("n", "Welkom"),
            build.select("a", "A", yesno),
            build.group(
                "g", "G", [build.select("b", "B", yesno), build.text("c", "C")], grid=False
            ),
        ]
    )
    assert number_questions(q) == {"a": 1, "b": 2, "c": 3}


def test_skip_to_the_first_question_still_asked(build):
    yesno = build.choices("yesno", ["Ja", "Nee"])
    q = build.questionnaire(
        [
            build.select("werk", "Werk?", yesno),
            build.select("uren", "Uren?", yesno, relevant="${werk} = '1'"),
            build.text("waar", "Waar?", relevant="${werk} = '1'"),
            build.select("wens", "Wens?", yesno),
        ]
    )
    assert derive_skips(q) == {("werk", "2"): Skip("werk", "2", "wens", 4)}


def test_group_relevance_counts_for_its_questions(build):
    yesno = build.choices("yesno", ["Ja", "Nee"])
    grid = build.group(
        "g",
        "Rooster",
        [build.select("r1", "R1", yesno), build.select("r2", "R2", yesno)],
        grid=True,
        relevant="${bezoek} = '1'",
    )
    q = build.questionnaire(
        [build.select("bezoek", "Bezoek?", yesno), grid, build.select("daarna", "Daarna", yesno)]
    )
    assert derive_skips(q)[("bezoek", "2")] == Skip("bezoek", "2", "daarna", 4)
    assert ("bezoek", "1") not in derive_skips(q)


def test_skip_to_the_end(build):
    yesno = build.choices("yesno", ["Ja", "Nee"])
    q = build.questionnaire(
        [build.select("a", "A", yesno), build.select("b", "B", yesno, relevant="${a} != '2'")]
    )
    assert derive_skips(q) == {("a", "2"): Skip("a", "2", "", 0)}


@pytest.mark.parametrize(
    ("relevant", "skips"),
    [
        pytest.param(
            "${a} = '1' or ${x} = '1'", {}, id="or: another answer could still make it relevant"
        ),
        # x = 2 also rules b out, but b does not follow x directly: no instruction at x.
        pytest.param(
            "${a} = '1' and ${x} = '1'",
            {("a", "2"): Skip("a", "2", "c", 4)},
            id="and: skips whatever the other answer",
        ),
    ],
)
def test_a_condition_on_two_answers(build, relevant: str, skips: dict) -> None:
    """An answer skips a question only when no other answer can make it relevant again."""
    yesno = build.choices("yesno", ["Ja", "Nee"])
    q = build.questionnaire(
        [
            build.select("x", "X", yesno),
            build.select("a", "A", yesno),
            build.select("b", "B", yesno, relevant=relevant),
            build.select("c", "C", yesno),
        ]
    )
    assert derive_skips(q) == skips


def test_chained_conditions_follow_skipped_questions(build):
    yesno = build.choices("yesno", ["Ja", "Nee"])
    q = build.questionnaire(
        [
            build.select("a", "A", yesno),
            build.select("b", "B", yesno, relevant="${a} = '1'"),
            build.select("c", "C", yesno, relevant="${b} = '1'"),
            build.select("d", "D", yesno),
        ]
    )
    assert derive_skips(q)[("a", "2")] == Skip("a", "2", "d", 4)


def test_default_questionnaire_routing():
    q = default_questionnaire()
    skips = derive_skips(q)
    numbers = number_questions(q)
    assert skips[("q03_counter_visit", "2")].target == "q06_reach_phone"
    assert skips[("q18_intake_when", "3")].target == "q25_grade_client_manager"
    assert skips[("q37_trajectory", "3")].number == numbers["q50_find_parttime_job"]
    assert ("q18_intake_when", "1") not in skips
