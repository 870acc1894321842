"""Every response export LimeSurvey writes reads back with every value right."""

from __future__ import annotations

import random

import pytest

from ingest.online_reader import map_export, survey_id_in_name
from papersurvey.simulate.online import SimulatedResponse, Simulator
from survey.model import Questionnaire
from survey.pseudonym import new_pseudonyms
from survey.questionnaire import default_questionnaire
from tests.ingest.lsexport import ls_export

FREE_TEXT = 'Eerste regel;\nTweede "regel", met é, ë en ç\n\nDerde'


@pytest.fixture(scope="module")
def questionnaire() -> Questionnaire:
    return default_questionnaire()


def _responses(q: Questionnaire, seed: int) -> list[SimulatedResponse]:
    rng = random.Random(seed)
    sim = Simulator(q)
    out = []
    for i, token in enumerate(_tokens(seed)):
        answers = sim.answers(rng)
        if i == 0:
            answers["q56_good_point_explain"] = FREE_TEXT
        submitted = "" if i == 5 else f"2027-03-0{i + 1} 10:00:00"
        out.append(SimulatedResponse(token, answers, submitted, 3 if i == 5 else 10))
    return out


def _tokens(seed: int) -> list[str]:
    return new_pseudonyms(6)


VARIANTS = [
    ("code", "short", "csv", ","),
    ("code", "short", "csv", ";"),
    ("em", "short", "csv", ","),
    ("codetext", "short", "csv", ";"),
    ("full", "short", "csv", ","),
    ("abbreviated", "short", "csv", ","),
    ("code", "long", "csv", ","),
    ("full", "long", "csv", ";"),
    ("abbreviated", "long", "csv", ";"),
    ("code", "short", "json", ""),
    ("full", "long", "json", ""),
]


@pytest.mark.parametrize(("headings", "answers", "fmt", "delimiter"), VARIANTS)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_export_variant_round_trips(
    questionnaire: Questionnaire,
    headings: str,
    answers: str,
    fmt: str,
    delimiter: str,
    language: str,
) -> None:
    responses = _responses(questionnaire, 7)
    data = ls_export(
        questionnaire,
        responses,
        headings=headings,
        answers=answers,
        fmt=fmt,
        delimiter=delimiter or ",",
        language=language,
    )
    export = map_export(f"export.{fmt}", data, questionnaire)
    assert export.problems == ()
    assert export.missing == ()
    assert export.format == fmt
    assert [r.token for r in export.responses] == [r.token for r in responses]
    for got, want in zip(export.responses, responses, strict=True):
        assert dict(got.answers) == dict(want.answers)
        assert got.complete == bool(want.submitted_at)
    assert export.responses[0].answers["q56_good_point_explain"] == FREE_TEXT.strip()
    assert export.headings == {"em": "code", "abbreviated": "text", "full": "text"}.get(
        headings, headings
    )


def test_structure_order_decides_between_headings_with_the_same_text(
    questionnaire: Questionnaire,
) -> None:
    # abbreviated headings of grid rows are often equal ("Welk rapportcij.. [De ...]"):
    # the structure's order, not a search, gives each its question
    responses = _responses(questionnaire, 3)
    export = map_export(
        "a.csv", ls_export(questionnaire, responses, headings="abbreviated"), questionnaire
    )
    assert [c.question for c in export.columns] == [
        q.name for q in questionnaire.answerable() if q.type.value != "select_multiple"
    ]


def test_an_unknown_text_heading_is_a_problem(questionnaire: Questionnaire) -> None:
    data = ls_export(questionnaire, _responses(questionnaire, 1), headings="full")
    data = data.replace(b"Hoe oud bent u?", b"Wat is uw lievelingskleur?")
    problems = map_export("a.csv", data, questionnaire).problems
    assert [(p.row, p.column) for p in problems] == [(1, "Wat is uw lievelingskleur?")]


def test_survey_id_in_limesurvey_file_names() -> None:
    assert survey_id_in_name("results-survey123456.csv") == "123456"
    assert survey_id_in_name("results-survey123456 (1).csv") == "123456"
    assert survey_id_in_name("limesurvey-responses.csv") == ""
