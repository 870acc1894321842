"""survey.skips: the questions a respondent's routing asks, and those it certainly skips."""

from __future__ import annotations

from survey.pageresult import PageResult, PageStatus, QuestionResult, ReviewReason
from survey.questionnaire import default_questionnaire
from survey.skips import asked, routed_out, settle_routed_blanks


def test_routing_follows_answers_in_order() -> None:
    q = default_questionnaire()
    assert "q19_intake_rights" in asked(q, {"q18_intake_when": "1"})
    assert "q19_intake_rights" not in asked(q, {"q18_intake_when": "3"})
    assert "q38_grade_trajectory" not in asked(q, {"q37_trajectory": "3"})
    assert "q04_counter_treatment" in asked(q, {"q03_counter_visit": "1"})


def test_a_route_closed_by_a_confident_answer_is_routed_out() -> None:
    q = default_questionnaire()
    closed = routed_out(q, {"q37_trajectory": "3"}, doubtful=set())
    assert "q38_grade_trajectory" in closed
    assert "q01_grade_overall" not in closed  # asked of everyone
    # the gate is under review: its true answer may open the route
    assert "q38_grade_trajectory" not in routed_out(q, {}, doubtful={"q37_trajectory"})
    # answered to open the route: asked
    assert "q38_grade_trajectory" not in routed_out(q, {"q37_trajectory": "1"}, doubtful=set())


def _page(*questions: tuple[str, object, tuple[ReviewReason, ...]]) -> PageResult:
    return PageResult(
        status=PageStatus.OK,
        questions=tuple(
            QuestionResult(name=n, value=v, review=r, confidence=0.4 if r else 0.99)  # type: ignore[arg-type]
            for n, v, r in questions
        ),
    )


def test_lost_ink_doubts_on_a_routed_section_are_settled_and_no_other() -> None:
    q = default_questionnaire()
    lost = (ReviewReason.INK_MAY_BE_LOST,)
    first = _page(("q37_trajectory", "3", ()), ("q01_grade_overall", None, lost))
    routed = _page(("q38_grade_trajectory", None, lost), ("q39_x", None, lost))
    settled = settle_routed_blanks(q, [first, routed])
    assert settled[0] == first  # asked of everyone: stays in review
    assert settled[1].questions[0].review == ()  # the route is closed: blank on purpose
    assert settled[1].questions[1].review == lost  # not in the questionnaire: kept
    # the gate itself doubted: the route may be open, every doubt stays
    gate = _page(("q37_trajectory", None, lost))
    assert settle_routed_blanks(q, [gate, routed]) == [gate, routed]
    assert settle_routed_blanks(None, [first, routed]) == [first, routed]
