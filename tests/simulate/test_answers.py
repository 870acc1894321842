"""papersurvey.simulate.answers: plausible answers that respect the routing."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from papersurvey.simulate.answers import RespondentStyle, fill_answers
from survey.model import Group, Item, Questionnaire, QuestionType
from survey.routing import evaluate


def _asked(q: Questionnaire, answers: dict) -> dict[str, bool]:
    out: dict[str, bool] = {}

    def walk(items: tuple[Item, ...], on: bool) -> None:
        for item in items:
            here = on and (item.relevant is None or evaluate(item.relevant, answers))
            if isinstance(item, Group):
                walk(item.items, here)
            elif item.is_answerable:
                out[item.name] = here

    walk(q.items, True)
    return out


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_answers_follow_routing_and_choices(questionnaire: Questionnaire, seed: int) -> None:
    answers = fill_answers(questionnaire, np.random.default_rng(seed))
    asked = _asked(questionnaire, answers)
    assert set(answers) == set(asked)
    for q in questionnaire.answerable():
        value = answers[q.name]
        if not asked[q.name]:
            assert value is None
        elif q.type is QuestionType.SELECT_ONE and value is not None:
            assert q.choices is not None and value in q.choices.names()
        if asked[q.name] and q.required:
            assert value is not None


def test_same_seed_same_answers_and_moods_differ(questionnaire: Questionnaire) -> None:
    a = fill_answers(questionnaire, np.random.default_rng(7))
    assert a == fill_answers(questionnaire, np.random.default_rng(7))
    happy = RespondentStyle(mood=2.0, skip=0.0, writes=0.0)
    unhappy = RespondentStyle(mood=-2.0, skip=0.0, writes=0.0)

    def mean_grade(style: RespondentStyle) -> float:
        grades = []
        for seed in range(20):
            answers = fill_answers(questionnaire, np.random.default_rng(seed), style)
            grades += [int(v) for k, v in answers.items() if "grade" in k and isinstance(v, str)]
        return float(np.mean(grades))

    assert mean_grade(happy) > mean_grade(unhappy) + 1.5
