"""The reduced round trip: about 50 simulated pages of the default questionnaire, mixed damage.

Real layout, real rendering, simulated pens and scanner damage, the real OMR
in two passes. The full suite (2,000 pages) is ``make accuracy``.
"""

from __future__ import annotations

from papersurvey.simulate.roundtrip import run_roundtrip


def test_fifty_pages_no_silent_error_and_every_double_mark_flagged() -> None:
    trip = run_roundtrip(49, seed=5)
    total = trip.report()["total"]
    assert total["pages"] == 49
    assert total["silent_errors"] == 0, total["silent_examples"]
    assert total["doubles_flagged"] == total["doubles"]
    assert total["page_misidentified"] == 0
    # Pages refused as a whole go to the operator; they must stay rare.
    assert total["pages_refused"] <= 2
    assert total["questions"] > 250
    assert total["review_rate"] <= 0.03
    assert total["box_errors_unflagged"] == 0
