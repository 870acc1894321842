"""The documented rule for a respondent with more than one response."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from analysis.duplicates import Candidate, rank, resolve


def test_complete_wins_then_earliest_then_paper() -> None:
    partial_early = Candidate("P", "online", False, "2027-03-01T09:00:00", "online:partial", 3)
    complete_late = Candidate("P", "paper", True, "2027-03-20T12:00:00", "paper")
    winners, losers = resolve([partial_early, complete_late])
    assert winners["P"] is complete_late
    assert losers[0].candidate is partial_early
    assert losers[0].reason == "complete response wins over partial response"

    early = Candidate("Q", "online", True, "2027-03-02T10:00:00", "online:a", 1)
    late = Candidate("Q", "paper", True, "2027-03-05T10:00:00", "paper")
    winners, losers = resolve([late, early])
    assert winners["Q"] is early and losers[0].reason == "earlier response wins"

    untimed = Candidate("R", "paper", True, "", "paper")
    timed = Candidate("R", "online", True, "2027-03-05T10:00:00", "online:b", 2)
    assert resolve([untimed, timed])[0]["R"] is timed

    tie_paper = Candidate("S", "paper", True, "2027-03-05T10:00:00", "paper")
    tie_online = Candidate("S", "online", True, "2027-03-05T10:00:00", "online:c", 9)
    winners, losers = resolve([tie_online, tie_paper])
    assert winners["S"] is tie_paper and losers[0].reason == "paper wins over online at equal time"


candidates = st.builds(
    Candidate,
    pseudonym=st.sampled_from(["A", "B", "C"]),
    mode=st.sampled_from(["paper", "online"]),
    complete=st.booleans(),
    time=st.sampled_from(["", "2027-03-01T10:00:00", "2027-03-02T10:00:00"]),
    ref=st.just("x"),
    order=st.integers(0, 5),
)


@given(st.lists(candidates, max_size=12))
def test_every_response_is_counted_once_or_kept_for_audit(cs: list[Candidate]) -> None:
    winners, losers = resolve(cs)
    assert len(winners) + len(losers) == len(cs)
    assert set(winners) == {c.pseudonym for c in cs}
    for loser in losers:
        assert loser.winner is winners[loser.candidate.pseudonym]
        assert rank(loser.winner) <= rank(loser.candidate)
        if any(c.complete for c in cs if c.pseudonym == loser.candidate.pseudonym):
            assert loser.winner.complete
