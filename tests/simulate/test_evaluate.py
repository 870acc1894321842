"""papersurvey.simulate.evaluate: what counts as a silent error, a review, a flagged double."""

from __future__ import annotations

from papersurvey.simulate.damage import Damage
from papersurvey.simulate.evaluate import score_sheet, summarize
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
