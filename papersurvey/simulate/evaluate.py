"""Score OMR results against the simulator's truth.

Definitions (used by ``benchmarks/accuracy.py``, the reduced round trip in the
tests and ``docs/omr.md``):

* a **silent error** is a question whose value differs from the truth while
  the OMR did not send it to review, or a page identified as the wrong
  respondent or page;
* the **review rate** is the share of questions sent to review, not counting
  questions with a genuine double mark (those *must* go to review);
* a **double flagged** is a genuinely double-marked single-choice question
  sent to review;
* a **box error** is a box whose state differs from the intended state
  (empty, marked, filled), flagged or not;
* a **text error** is an open-text area whose ``has_writing`` is wrong; a
  *missed* text is a written area reported empty (the worse kind);
* pages the OMR refuses (unregistrable, unidentified) are counted apart: they
  go to the operator as whole pages and are never silent errors.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from papersurvey.simulate.sheets import SheetTruth
from survey.pageresult import PageResult, PageStatus


@dataclass
class Tally:
    """Counts for one group of sheets (all sheets, or one damage kind)."""

    pages: int = 0
    pages_ok: int = 0
    pages_refused: int = 0
    page_misidentified: int = 0
    questions: int = 0
    answered: int = 0
    wrong: int = 0
    silent: int = 0
    reviewed: int = 0
    reviewed_not_double: int = 0
    doubles: int = 0
    doubles_flagged: int = 0
    boxes: int = 0
    box_errors: int = 0
    box_errors_unflagged: int = 0
    texts: int = 0
    text_errors: int = 0
    text_missed: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    silent_examples: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            mine = getattr(self, name)
            if isinstance(value, Counter):
                mine.update(value)
            elif isinstance(value, list):
                mine.extend(value[: max(0, 20 - len(mine))])
            else:
                setattr(self, name, mine + value)

    def figures(self) -> dict[str, Any]:
        """The tally as JSON-ready figures with rates."""
        not_double = max(1, self.questions - self.doubles)
        return {
            "pages": self.pages,
            "pages_ok": self.pages_ok,
            "pages_refused": self.pages_refused,
            "page_misidentified": self.page_misidentified,
            "questions": self.questions,
            "question_errors": self.wrong,
            "question_error_rate": round(self.wrong / max(1, self.questions), 6),
            "silent_errors": self.silent,
            "review_rate": round(self.reviewed_not_double / not_double, 6),
            "doubles": self.doubles,
            "doubles_flagged": self.doubles_flagged,
            "boxes": self.boxes,
            "box_errors": self.box_errors,
            "box_error_rate": round(self.box_errors / max(1, self.boxes), 6),
            "box_errors_unflagged": self.box_errors_unflagged,
            "texts": self.texts,
            "text_errors": self.text_errors,
            "text_missed": self.text_missed,
            "statuses": dict(self.statuses),
            "review_reasons": dict(self.reasons),
            "silent_examples": self.silent_examples[:10],
        }


def score_sheet(result: PageResult, truth: SheetTruth) -> Tally:
    """Compare one page result with the truth of its sheet."""
    t = Tally(pages=1)
    t.statuses[str(result.status)] += 1
    if result.status is not PageStatus.OK:
        t.pages_refused += 1
        return t
    if result.pseudonym != truth.pseudonym or result.page != truth.page:
        t.page_misidentified += 1
        t.silent += 1
        t.silent_examples.append(
            f"page {truth.page} of {truth.pseudonym} read as {result.page} of {result.pseudonym}"
        )
        return t
    t.pages_ok += 1
    read = {q.name: q for q in result.questions}
    for q in truth.questions:
        got = read.get(q.name)
        t.questions += 1
        t.answered += q.value not in (None, ())
        flagged = got is not None and bool(got.review)
        value = got.value if got is not None else None
        if isinstance(value, tuple):
            value = tuple(sorted(value))
        wrong = q.double or value != q.value
        t.wrong += wrong
        if q.double:
            t.doubles += 1
            t.doubles_flagged += flagged
        elif flagged:
            t.reviewed_not_double += 1
        t.reviewed += flagged
        for reason in got.review if got is not None else ():
            t.reasons[str(reason)] += 1
        if wrong and not flagged:
            t.silent += 1
            t.silent_examples.append(
                f"{truth.pseudonym} p{truth.page} {q.name}: read {value!r}, meant {q.value!r}"
                f"{' (double)' if q.double else ''}; damage {','.join(truth.damage.kinds) or 'none'}, pen {truth.pen}"
            )
    flagged_q = {q.name for q in result.questions if q.review}
    for (question, _), state, meant in zip(
        result.boxes, result.box_states, truth.box_states, strict=True
    ):
        t.boxes += 1
        if state != meant:
            t.box_errors += 1
            t.box_errors_unflagged += question not in flagged_q
    texts = {x.question: x.has_writing for x in result.texts}
    for question, written in truth.texts:
        t.texts += 1
        t.text_errors += texts.get(question) != written
        t.text_missed += written and not texts.get(question, False)
    return t


def summarize(pairs: list[tuple[PageResult, SheetTruth]]) -> dict[str, Any]:
    """Figures over all sheets and per damage kind (``ordinary`` = no extra damage)."""
    total = Tally()
    kinds: dict[str, Tally] = {}
    for result, truth in pairs:
        tally = score_sheet(result, truth)
        total.add(tally)
        for kind in truth.damage.kinds or ("ordinary",):
            kinds.setdefault(kind, Tally()).add(tally)
        if truth.pen == "pencil":
            kinds.setdefault("pencil", Tally()).add(tally)
        if truth.stray:
            kinds.setdefault("stray_strokes", Tally()).add(tally)
    return {
        "total": total.figures(),
        "by_damage": {k: kinds[k].figures() for k in sorted(kinds)},
    }
