"""papersurvey.simulate.evaluate: what counts as a silent error, a review, a flagged double."""

from __future__ import annotations

from dataclasses import replace

import pytest

from papersurvey.simulate.damage import Damage
from papersurvey.simulate.evaluate import conditions, score_sheet, summarize
from papersurvey.simulate.sheets import QuestionTruth, SheetTruth
from survey.codes import CodeStatus, PageCode
from survey.pageresult import PageResult, PageStatus, QuestionResult, ReviewReason

TRUTH = SheetTruth(
    pseudonym="ABCDEFGH2",
    page=2,
    damage=Damage(kinds=("blur",)),
    pen="ballpoint",
    box_states=(1, 0, 1, 1),
    box_styles=("cross", "", "cross", "tick"),
    questions=(QuestionTruth("a", "1"), QuestionTruth("b", None, double=True)),
    texts=(),
    stray=0,
    transform=(),
)


def _result(a: QuestionResult, b: QuestionResult, page: int = 2) -> PageResult:
    return PageResult(
        PageStatus.OK,
        code=PageCode(CodeStatus.OK, "S", "ABCDEFGH2", page),
        page=page,
        boxes=(("a", "1"), ("a", "2"), ("b", "1"), ("b", "2")),
        box_states=(1, 0, 1, 1),
        questions=(a, b),
    )


def test_correct_page_with_a_flagged_double() -> None:
    t = score_sheet(
        _result(
            QuestionResult("a", "1"), QuestionResult("b", None, (ReviewReason.MULTIPLE_MARKS,))
        ),
        TRUTH,
    )
    assert (t.silent, t.doubles, t.doubles_flagged, t.reviewed_not_double, t.box_errors) == (
        0,
        1,
        1,
        0,
        0,
    )


def test_wrong_unflagged_values_and_unflagged_doubles_are_silent() -> None:
    t = score_sheet(_result(QuestionResult("a", "2"), QuestionResult("b", "1")), TRUTH)
    assert t.silent == 2 and t.doubles_flagged == 0
    flagged = score_sheet(
        _result(
            QuestionResult("a", "2", (ReviewReason.UNCERTAIN_MARK,)),
            QuestionResult("b", None, (ReviewReason.MULTIPLE_MARKS,)),
        ),
        TRUTH,
    )
    assert flagged.silent == 0 and flagged.reviewed_not_double == 1


def test_a_misidentified_page_is_silent_and_refused_pages_are_not() -> None:
    assert (
        score_sheet(
            _result(QuestionResult("a", "1"), QuestionResult("b", None), page=3), TRUTH
        ).page_misidentified
        == 1
    )
    refused = score_sheet(PageResult(PageStatus.UNREGISTRABLE, "no marks"), TRUTH)
    assert refused.silent == 0 and refused.pages_refused == 1
    report = summarize([(PageResult(PageStatus.UNREGISTRABLE), TRUTH)])
    assert set(report["by_damage"]) == {"blur"}
    assert report["total"]["statuses"] == {"unregistrable": 1}


def test_conditions_of_a_hard_sheet() -> None:
    hard = replace(
        TRUTH,
        damage=Damage(kinds=("rotation",), dpi=200, rotation_deg=-3.0, binary_threshold=160),
        profile="hard",
        marks_on_image=2,
        qr_readable=False,
        pen="pencil",
        pen_ink=150,
        pen_width_mm=0.2,
        stray=1,
    )
    assert conditions(hard) == (
        "dpi200",
        "binary",
        "rotation_gt2",
        "marks_cut",
        "qr_cut",
        "pencil",
        "light_pen",
        "thin_pen",
        "stray_strokes",
    )
    assert conditions(replace(TRUTH, pen_width_mm=0.4, pen_ink=60)) == ("dpi300",)
    lost = replace(TRUTH, box_ink=(True, False, False, True))  # the mark in box 3 is gone
    assert conditions(lost) == ("dpi300", "ink_lost")


def test_styles_and_quarantine_figures() -> None:
    truth = replace(
        TRUTH,
        questions=(*TRUTH.questions, QuestionTruth("c", None)),
        marks_on_image=3,
        box_ink=(False, False, True, True),  # the cross in box 1 did not survive the scan
    )
    ok = _result(
        QuestionResult("a", "2"), QuestionResult("b", None, (ReviewReason.MULTIPLE_MARKS,))
    )
    ok = replace(ok, questions=(*ok.questions, QuestionResult("c", None)))
    refused = PageResult(PageStatus.UNREGISTRABLE, "two marks")
    report = summarize(
        [(ok, truth), (refused, truth), (refused, replace(truth, qr_readable=False))]
    )
    styles = report["by_style"]
    assert set(styles) == {"blank", "cross", "tick"}
    assert (styles["cross"]["questions"], styles["cross"]["silent_errors"]) == (2, 1)
    assert (
        styles["cross"]["silent_errors_ink_lost"] == report["total"]["silent_errors_ink_lost"] == 1
    )
    assert styles["tick"]["doubles_flagged"] == styles["tick"]["doubles"] == 1
    assert styles["blank"] == {
        "questions": 1,
        "silent_errors": 0,
        "silent_errors_ink_lost": 0,
        "review_rate": 0.0,
        "doubles": 0,
        "doubles_flagged": 0,
    }
    total = report["total"]
    assert (total["pages_refused"], total["pages_qr_readable"]) == (2, 2)
    assert total["quarantine_rate_qr_readable"] == 0.5
    # Questions of refused pages count as reviewed: 2 + 2 of 6 questions that are not doubles.
    assert total["review_rate_with_quarantine"] == pytest.approx(4 / 6, abs=1e-6)
    assert total["refused_reasons"] == {"unregistrable: two marks": 2}
    assert report["by_condition"]["marks_cut"]["pages"] == 3
    assert report["by_condition"]["qr_cut"]["pages_refused"] == 1
    assert set(report["by_damage"]) == {"blur"}
