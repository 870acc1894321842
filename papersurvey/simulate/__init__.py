"""A scan simulator for tests and benchmarks (a development tool, not part of the OMR).

It fills in real questionnaires like people do (:mod:`.answers`), marks the
rendered pages with pens (:mod:`.pens`), damages them like mail and scanners
do (:mod:`.damage`) and keeps the truth of every sheet (:mod:`.sheets`), all
from a seed.
"""

from papersurvey.simulate.answers import RespondentStyle, fill_answers
from papersurvey.simulate.damage import DAMAGE_KINDS, Damage, draw_damage
from papersurvey.simulate.pens import MARK_STYLES, Pen
from papersurvey.simulate.sheets import (
    Behaviour,
    QuestionTruth,
    SheetTruth,
    SimulatedSheet,
    simulate_respondent,
    write_sheets,
)

__all__ = [
    "DAMAGE_KINDS",
    "MARK_STYLES",
    "Behaviour",
    "Damage",
    "Pen",
    "QuestionTruth",
    "RespondentStyle",
    "SheetTruth",
    "SimulatedSheet",
    "draw_damage",
    "fill_answers",
    "simulate_respondent",
    "write_sheets",
]
