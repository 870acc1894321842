"""Simulated returns for tests, benchmarks and the demo (development tools, not part of the OMR).

The scan simulator fills in real questionnaires like people do
(:mod:`.answers`), marks the rendered pages with pens (:mod:`.pens`), damages
them like mail does (:mod:`.damage`), scans them (:mod:`.scanner`; files as
scanners write them: :mod:`.scanfiles`) and keeps
the truth of every sheet (:mod:`.sheets`), all from a seed. A damage profile
(:data:`PROFILES`) sets how hard it gets: ``moderate`` (the default) or
``hard`` (tight, careless scans that cut registration marks off; light and
thin pens; thin ticks). :mod:`.roundtrip` reads the sheets with the real OMR
and :mod:`.evaluate` scores them. :mod:`.online` simulates the online
channel: LimeSurvey response exports, a previous round and a reference group.
:mod:`.operators` simulates review operators working one queue over HTTP
(the review UI's load test and benchmark).
"""

from papersurvey.simulate.answers import RespondentStyle, fill_answers
from papersurvey.simulate.damage import DAMAGE_KINDS, PROFILES, Damage, draw_damage
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
    "PROFILES",
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
