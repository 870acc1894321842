"""survey.skips: the questions a respondent's routing asks, and those it certainly skips."""

from __future__ import annotations

from survey.questionnaire import default_questionnaire
from survey.skips import asked, routed_out


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
