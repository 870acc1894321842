"""Simulated returns for tests, benchmarks and the demo (development tools, not part of the OMR).

The scan simulator fills in real questionnaires like people do
(:mod:`.answers`), marks the rendered pages with pens (:mod:`.pens`), damages
them like mail and scanners do (:mod:`.damage`) and keeps the truth of every
sheet (:mod:`.sheets`), all from a seed. :mod:`.online` simulates the online
channel: LimeSurvey response exports, a previous round and a reference group.
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
