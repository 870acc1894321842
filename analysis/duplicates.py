"""One response per respondent: the rule for a pseudonym that answered more than once.

A respondent can return the paper questionnaire *and* fill in the online one
with the login code from the letter, or start online twice. The analysis
counts one response per pseudonym, chosen by this rule:

1. a **complete** response wins over a partial one (paper: every page of the
   questionnaire came back; online: the response was submitted);
2. then the **earliest** one (paper: when its first page was scanned; online:
   the submit date; a response without a known time comes after those with one);
3. then **paper before online**, then the lower LimeSurvey response id (only to
   make the choice deterministic).

The responses that lose are kept, with the reason, in the dataset's
``duplicates`` table and in the export ``duplicates.csv`` for audit; none of
their answers enter the dataset. The rule is a single function, :func:`rank`,
so it can be changed in one place (and its test).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MODES = ("paper", "online")


@dataclass(frozen=True)
class Candidate:
    """One response of one respondent, before the duplicate rule.

    Attributes:
        pseudonym: the respondent.
        mode: ``paper`` or ``online``.
        complete: whether the response is complete (see the module docstring).
        time: ISO 8601 time used for "earliest", ``""`` when unknown.
        ref: what identifies this response for audit (``paper``, or
            ``online:<submitted_at>``) .
        order: a final tie-breaker (the LimeSurvey response id; 0 for paper).
        answers: question name -> stored value.
    """

    pseudonym: str
    mode: str
    complete: bool
    time: str = ""
    ref: str = ""
    order: int = 0
    answers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Loser:
    """A response that did not count, and why.

    Attributes:
        candidate: the response.
        winner: the response that counts instead.
        reason: the step of the rule that decided, in plain language.
    """

    candidate: Candidate
    winner: Candidate
    reason: str


def rank(c: Candidate) -> tuple[int, int, str, int, int]:
    """Sort key of the rule: the smallest key wins."""
    return (0 if c.complete else 1, 0 if c.time else 1, c.time, MODES.index(c.mode), c.order)


def _reason(winner: Candidate, loser: Candidate) -> str:
    if winner.complete and not loser.complete:
        return "complete response wins over partial response"
    if winner.time and (not loser.time or winner.time < loser.time):
        return "earlier response wins"
    if winner.mode != loser.mode:
        return "paper wins over online at equal time"
    return "lower response id wins"


def resolve(candidates: Iterable[Candidate]) -> tuple[dict[str, Candidate], list[Loser]]:
    """Apply the rule: the winning response per pseudonym, and every loser with its reason."""
    by_pseudonym: dict[str, list[Candidate]] = {}
    for c in candidates:
        by_pseudonym.setdefault(c.pseudonym, []).append(c)
    winners: dict[str, Candidate] = {}
    losers: list[Loser] = []
    for p in sorted(by_pseudonym):
        ordered = sorted(by_pseudonym[p], key=rank)
        winners[p] = ordered[0]
        losers.extend(Loser(c, ordered[0], _reason(ordered[0], c)) for c in ordered[1:])
    return winners, losers
