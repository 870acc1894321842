"""Score OMR results against the simulator's truth.

Definitions (used by ``benchmarks/accuracy.py``, the reduced round trip in the
tests and ``docs/omr.md``):

* a **silent error** is a question whose value differs from the truth while
  the OMR did not send it to review, or a page identified as the wrong
  respondent or page;
* the **review rate** is the share of questions sent to review, not counting
  questions with a genuine double mark (those *must* go to review);
* a silent error **with ink lost** is one where a marked box of the
  question kept no ink in the scan (:attr:`SheetTruth.box_ink`): no reader
  could have seen the mark; such errors still count as silent errors;
* a **double flagged** is a genuinely double-marked single-choice question
  sent to review;
* a **box error** is a box whose state differs from the intended state
  (empty, marked, filled), flagged or not;
* a **text error** is an open-text area whose ``has_writing`` is wrong; a
  *missed* text is a written area reported empty (the worse kind);
* pages the OMR refuses (unregistrable, unidentified) are counted apart: they
  go to the operator as whole pages and are never silent errors. The
  **quarantine rate of QR-readable pages** is the share of refused pages
  among pages whose truth says a QR code is entirely on the image and
  uncovered (those should be identified); the **review rate with
  quarantine** counts every question of a refused page as reviewed: (reviewed
  questions + questions of refused pages) / all questions of all pages,
  genuine double marks left out of both.

Figures come overall, per **condition** (:func:`conditions`: every damage
kind, the resolution, 1-bit, skew above 2 degrees, registration marks cut
off, the pen) and per **mark style**: a question counts under every style of
its marked boxes (``fill`` for a correction), ``blank`` when none is marked.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from papersurvey.simulate.pens import LIGHT_INK
from papersurvey.simulate.sheets import SheetTruth
from survey.pageresult import PageResult, PageStatus


@dataclass
class Tally:
    """Counts for one group of sheets (all sheets, or one damage kind or condition).

    The ``style_*`` counters count questions per mark style; the
    ``*_all`` counts and ``questions_refused`` come from the truth of every
    page, refused pages included.
    """

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
    pages_qr_readable: int = 0
    refused_qr_readable: int = 0
    questions_all: int = 0
    doubles_all: int = 0
    questions_refused: int = 0
    refused_reasons: Counter[str] = field(default_factory=Counter)
    refused_examples: list[str] = field(default_factory=list)
    style_questions: Counter[str] = field(default_factory=Counter)
    style_silent: Counter[str] = field(default_factory=Counter)
    style_reviewed: Counter[str] = field(default_factory=Counter)
    style_doubles: Counter[str] = field(default_factory=Counter)
    style_doubles_flagged: Counter[str] = field(default_factory=Counter)
    silent_ink_lost: int = 0
    style_silent_ink_lost: Counter[str] = field(default_factory=Counter)

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
        not_double_all = max(1, self.questions_all - self.doubles_all)
        return {
            "pages": self.pages,
            "pages_ok": self.pages_ok,
            "pages_refused": self.pages_refused,
            "page_misidentified": self.page_misidentified,
            "questions": self.questions,
            "question_errors": self.wrong,
            "question_error_rate": round(self.wrong / max(1, self.questions), 6),
            "silent_errors": self.silent,
            "silent_errors_ink_lost": self.silent_ink_lost,
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
            "pages_qr_readable": self.pages_qr_readable,
            "pages_refused_qr_readable": self.refused_qr_readable,
            "quarantine_rate_qr_readable": round(
                self.refused_qr_readable / max(1, self.pages_qr_readable), 6
            ),
            "review_rate_with_quarantine": round(
                (self.reviewed_not_double + self.questions_refused) / not_double_all, 6
            ),
            "refused_reasons": dict(self.refused_reasons),
            "refused_examples": self.refused_examples[:10],
        }

    def style_figures(self) -> dict[str, dict[str, Any]]:
        """Per mark style: questions, silent errors, review rate, doubles flagged."""
        out = {}
        for style in sorted(self.style_questions):
            questions = self.style_questions[style]
            doubles = self.style_doubles[style]
            out[style] = {
                "questions": questions,
                "silent_errors": self.style_silent[style],
                "silent_errors_ink_lost": self.style_silent_ink_lost[style],
                "review_rate": round(self.style_reviewed[style] / max(1, questions - doubles), 6),
                "doubles": doubles,
                "doubles_flagged": self.style_doubles_flagged[style],
            }
        return out


def conditions(truth: SheetTruth) -> tuple[str, ...]:
    """The conditions a sheet is reported under (beyond its damage kinds).

    ``dpi<n>`` (its resolution), ``binary`` (a 1-bit scan), ``rotation_gt2``
    (skew above 2 degrees), ``marks_cut`` (fewer than 4 registration marks
    entirely on the image), ``qr_cut`` (no uncovered QR code entirely on the
    image), ``pencil``, ``light_pen`` (strokes at least gray 120), ``thin_pen``
    (below 0.3 mm), ``stray_strokes`` and ``ink_lost`` (a marked box whose
    ink did not survive the scan, see :attr:`SheetTruth.box_ink`).
    """
    d = truth.damage
    out = [f"dpi{d.dpi}"]
    if d.binary_threshold:
        out.append("binary")
    if abs(d.rotation_deg) > 2:
        out.append("rotation_gt2")
    if truth.marks_on_image < 4:
        out.append("marks_cut")
    if not truth.qr_readable:
        out.append("qr_cut")
    if truth.pen == "pencil":
        out.append("pencil")
    if truth.pen_ink >= LIGHT_INK:
        out.append("light_pen")
    if 0 < truth.pen_width_mm < 0.3:
        out.append("thin_pen")
    if truth.stray:
        out.append("stray_strokes")
    if any(state and not ink for state, ink in zip(truth.box_states, truth.box_ink, strict=False)):
        out.append("ink_lost")
    return tuple(out)


def _describe(truth: SheetTruth) -> str:
    d = truth.damage
    scan = f"1-bit at {d.binary_threshold}" if d.binary_threshold else "gray"
    return (
        f"damage {','.join(d.kinds) or 'none'}; {d.dpi} dpi {scan}, rotation {d.rotation_deg:.1f}, "
        f"marks on image {truth.marks_on_image}; pen {truth.pen} "
        f"(gray {truth.pen_ink}, {truth.pen_width_mm:.2f} mm)"
    )


def score_sheet(result: PageResult, truth: SheetTruth) -> Tally:
    """Compare one page result with the truth of its sheet."""
    t = Tally(pages=1)
    t.statuses[str(result.status)] += 1
    t.pages_qr_readable += truth.qr_readable
    t.questions_all += len(truth.questions)
    t.doubles_all += sum(q.double for q in truth.questions)
    if result.status is not PageStatus.OK:
        t.pages_refused += 1
        t.refused_qr_readable += truth.qr_readable
        t.questions_refused += sum(not q.double for q in truth.questions)
        t.refused_reasons[f"{result.status}: {result.reason}"] += 1
        t.refused_examples.append(
            f"{truth.pseudonym} p{truth.page} {result.status} ({result.reason}); "
            f"qr readable {truth.qr_readable}; {_describe(truth)}"
        )
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
    styles: dict[str, set[str]] = {}
    lost: set[str] = set()  # questions with a marked box whose ink the scan lost
    ink = truth.box_ink or (True,) * len(truth.box_states)
    for (question, _), style, state, seen in zip(
        result.boxes, truth.box_styles, truth.box_states, ink, strict=True
    ):
        if style:
            styles.setdefault(question, set()).add(style)
        if state and not seen:
            lost.add(question)
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
        silent = wrong and not flagged
        silent_lost = silent and q.name in lost
        for style in styles.get(q.name) or {"blank"}:
            t.style_questions[style] += 1
            t.style_silent[style] += silent
            t.style_silent_ink_lost[style] += silent_lost
            t.style_reviewed[style] += flagged and not q.double
            t.style_doubles[style] += q.double
            t.style_doubles_flagged[style] += q.double and flagged
        if silent:
            t.silent += 1
            t.silent_ink_lost += silent_lost
            notes = (" (double)" if q.double else "") + (" (ink lost)" if silent_lost else "")
            t.silent_examples.append(
                f"{truth.pseudonym} p{truth.page} {q.name}: read {value!r}, meant {q.value!r}"
                f"{notes}; styles {','.join(sorted(styles.get(q.name, ()))) or 'blank'}; "
                f"{_describe(truth)}"
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
    """Figures over all sheets, per damage kind, per condition and per mark style.

    Returns:
        ``total``: all sheets; ``by_damage``: per damage kind (``ordinary`` =
        no extra damage), ``pencil`` and ``stray_strokes``; ``by_condition``:
        per damage kind and per :func:`conditions`; ``by_style``: per mark
        style (:meth:`Tally.style_figures`).
    """
    total = Tally()
    kinds: dict[str, Tally] = {}
    by_condition: dict[str, Tally] = {}
    for result, truth in pairs:
        tally = score_sheet(result, truth)
        total.add(tally)
        for kind in truth.damage.kinds or ("ordinary",):
            kinds.setdefault(kind, Tally()).add(tally)
        if truth.pen == "pencil":
            kinds.setdefault("pencil", Tally()).add(tally)
        if truth.stray:
            kinds.setdefault("stray_strokes", Tally()).add(tally)
        for condition in {*(truth.damage.kinds or ("ordinary",)), *conditions(truth)}:
            by_condition.setdefault(condition, Tally()).add(tally)
    return {
        "total": total.figures(),
        "by_damage": {k: kinds[k].figures() for k in sorted(kinds)},
        "by_condition": {k: by_condition[k].figures() for k in sorted(by_condition)},
        "by_style": total.style_figures(),
    }
