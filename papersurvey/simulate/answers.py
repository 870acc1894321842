"""Plausible answers of a simulated respondent, respecting the questionnaire's routing.

Grades cluster around 7 with a personal tendency, agree scales lean to
"agree", a respondent skips a question now and then (more often in grids:
"no experience with it") and never answers a question the routing skips.
Open questions get a short Dutch text about as often as people write one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from survey.model import Group, Item, Question, Questionnaire, QuestionType
from survey.routing import Answer, evaluate

_TEXTS = (
    "De medewerkers zijn vriendelijk en denken mee.",
    "Ik moet te lang wachten op antwoord.",
    "Mijn klantmanager belt niet terug.",
    "Alles is goed geregeld, dank u.",
    "Meer uitleg over de regels graag.",
    "De brieven zijn moeilijk te begrijpen.",
    "Ik word goed geholpen bij het zoeken naar werk.",
)


@dataclass(frozen=True)
class RespondentStyle:
    """How a simulated person answers.

    Attributes:
        mood: shift of grades and agreement (-2 unhappy .. +2 happy).
        skip: chance to leave an asked question unanswered.
        writes: chance to write something in an open question.
    """

    mood: float
    skip: float
    writes: float

    @classmethod
    def draw(cls, rng: np.random.Generator) -> RespondentStyle:
        return cls(
            mood=float(rng.normal(0.0, 1.0)),
            skip=float(rng.choice([0.0, 0.02, 0.05, 0.15], p=[0.4, 0.3, 0.2, 0.1])),
            writes=float(rng.choice([0.1, 0.4, 0.8], p=[0.4, 0.4, 0.2])),
        )


def _pick(q: Question, style: RespondentStyle, rng: np.random.Generator) -> str:
    names = q.choices.names() if q.choices else ()
    numeric = [n for n in names if n.isdigit()]
    if q.choices and q.choices.name.startswith("grade") and numeric:
        grade = int(np.clip(np.round(rng.normal(7.0 + 0.8 * style.mood, 1.6)), 1, 10))
        return str(grade) if str(grade) in names else str(rng.choice(names))
    if q.choices and q.choices.name.startswith("agree") and len(names) >= 5:
        if "9" in names and rng.random() < 0.06:
            return "9"
        scale = [n for n in names if n != "9"]
        level = int(np.clip(np.round(rng.normal(3.5 + 0.6 * style.mood, 1.0)), 1, len(scale)))
        return scale[level - 1]
    weights = np.linspace(1.6, 0.6, len(names)) if len(names) > 2 else np.ones(len(names))
    return str(rng.choice(names, p=weights / weights.sum()))


def fill_answers(
    questionnaire: Questionnaire,
    rng: np.random.Generator,
    style: RespondentStyle | None = None,
) -> dict[str, Answer]:
    """Answers of one simulated respondent.

    Args:
        questionnaire: the questionnaire.
        rng: the random generator (all randomness comes from it).
        style: how this person answers; drawn from ``rng`` when ``None``.

    Returns:
        Question name -> answer for every answerable question: a choice name
        (``select_one``), a frozenset of names (``select_multiple``), a text,
        or ``None`` (not asked, or skipped).
    """
    style = style or RespondentStyle.draw(rng)
    answers: dict[str, Answer] = {}

    def walk(items: tuple[Item, ...], asked: bool, in_grid: bool) -> None:
        for item in items:
            if isinstance(item, Group):
                here = asked and (item.relevant is None or evaluate(item.relevant, answers))
                walk(item.items, here, in_grid or item.is_grid)
                continue
            if not item.is_answerable:
                continue
            here = asked and (item.relevant is None or evaluate(item.relevant, answers))
            answers[item.name] = _answer(item, here, in_grid, style, rng)

    walk(questionnaire.items, True, False)
    return answers


def _answer(
    q: Question, asked: bool, in_grid: bool, style: RespondentStyle, rng: np.random.Generator
) -> Answer:
    if not asked:
        return None
    if q.type is QuestionType.TEXT:
        return str(rng.choice(_TEXTS)) if rng.random() < style.writes else None
    skip = style.skip * (2.0 if in_grid else 1.0)
    if not q.required and rng.random() < skip:
        return None
    if q.type is QuestionType.SELECT_ONE:
        return _pick(q, style, rng)
    if q.type is QuestionType.SELECT_MULTIPLE and q.choices:
        names = q.choices.names()
        k = int(rng.integers(1, min(3, len(names)) + 1))
        return frozenset(str(c) for c in rng.choice(names, size=k, replace=False))
    if q.type is QuestionType.INTEGER:
        return str(int(rng.integers(0, 100)))
    return None
