"""The reduced round trips: simulated pages of the default questionnaire through the real OMR.

Real layout, real rendering, simulated pens and scanner damage, the real OMR
in two passes: about 50 pages of the ``moderate`` damage profile and 40 of the
``hard`` one. The full suite (2,000 pages per profile) is ``make accuracy``.
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


def test_hard_scans_no_silent_error_and_qr_readable_pages_kept() -> None:
    """The hard profile's acceptance test (seed 2: 14 1-bit, 23 200-dpi and 8 cut-mark pages).

    Every mark is read right or sent to review, also where a light pen's ink
    fell under a 1-bit scan's threshold (the scan lost it; unanswered
    questions on 1-bit pages go to review as ``ink_may_be_lost``). Pages
    with a readable QR code are identified, not quarantined.
    """
    report = run_roundtrip(40, seed=2, profile="hard").report()
    total, by_condition = report["total"], report["by_condition"]
    assert total["pages"] == 40
    # The run holds what it is meant to test.
    for condition in ("binary", "dpi200", "marks_cut", "rotation_gt2", "light_pen"):
        assert by_condition[condition]["pages"] >= 3, condition
    assert report["by_style"]["thin_tick"]["questions"] >= 20
    assert total["doubles"] >= 3
    assert total["silent_errors"] == 0, total["silent_examples"]
    assert total["page_misidentified"] == 0
    assert total["doubles_flagged"] == total["doubles"]
    assert total["pages_refused_qr_readable"] <= 1, total["refused_examples"]


def test_the_round_trip_reads_alike_in_worker_processes() -> None:
    """Respondents measured on the process pool come back in respondent order, read alike."""
    serial = run_roundtrip(8, seed=9, workers=1, ocr=False)  # two respondents, the last cut
    pooled = run_roundtrip(8, seed=9, workers=2, ocr=False)
    assert [t for _, t in pooled.pairs] == [t for _, t in serial.pairs]
    assert [r for r, _ in pooled.pairs] == [r for r, _ in serial.pairs]
    assert pooled.report() == serial.report()
