"""The review queue: which item the operator sees, and in what order.

Question items (a mark the machine was unsure of) are shown **question by
question across sheets**: every item of one question together, in the order
of the questionnaire, then by reason, then by respondent. An operator who
judges twenty unclear crosses on the same grade question in a row judges
them alike and fast. Decided items stay in the order (an operator can step
back and change a decision); dismissed items leave it.

Page items (a page that could not be assigned to a respondent, or a second
copy of a returned page) are a separate, short list: open ones first, in
scan order (batch, file, page), so an operator can follow the stack of paper.

The queue is read from the store on every request, so several operators can
work at the same time and the order never depends on hidden state; which
operator works on which item is a lease in the store (:mod:`review.leases`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from survey.model import Questionnaire
from survey.store import Store


@dataclass(frozen=True)
class Entry:
    """One item in the queue (just enough to order and count it)."""

    id: int
    question: str
    pseudonym: str
    reason: str
    state: str
    page_no: int

    @property
    def is_open(self) -> bool:
        return self.state == "open"


@dataclass(frozen=True)
class Position:
    """Where an item is in the queue.

    Attributes:
        index: 1-based position of the item (0 when it is not in the queue).
        total: items in the queue.
        open: items still open.
        previous: the id of the item before it, or ``None``.
        next: the id of the item after it, or ``None``.
        next_open: the first open item after it (wrapping around; not the item
            itself), or ``None`` when nothing else is open.
    """

    index: int
    total: int
    open: int
    previous: int | None
    next: int | None
    next_open: int | None

    @property
    def done(self) -> int:
        return self.total - self.open


def question_order(questionnaire: Questionnaire) -> dict[str, int]:
    """Question name -> its position in the questionnaire."""
    return {q.name: i for i, q in enumerate(questionnaire.questions())}


def question_queue(store: Store, order: Mapping[str, int]) -> list[Entry]:
    """Every open or decided question item, question by question (see the module docstring)."""
    rows = store.query(
        "SELECT r.id, r.question, coalesce(r.pseudonym, '') AS pseudonym, r.reason, r.state, "
        "coalesce(p.page_no, 0) AS page_no FROM review_items r "
        "LEFT JOIN pages p ON p.image_sha256 = r.page_sha256 "
        "WHERE r.question != '' AND r.state IN ('open', 'decided')"
    )
    entries = [
        Entry(int(r["id"]), r["question"], r["pseudonym"], r["reason"], r["state"], r["page_no"])
        for r in rows
    ]
    last = len(order)
    entries.sort(
        key=lambda e: (order.get(e.question, last), e.question, e.reason, e.pseudonym, e.id)
    )
    return entries


def page_queue(store: Store) -> list[Entry]:
    """Every page item: open ones first, each part in scan order (as the paper is stacked)."""
    rows = store.query(
        "SELECT r.id, coalesce(r.pseudonym, '') AS pseudonym, r.reason, r.state, "
        "coalesce(p.page_no, 0) AS page_no FROM review_items r "
        "LEFT JOIN pages p ON p.image_sha256 = r.page_sha256 "
        "LEFT JOIN scan_file_info i ON i.sha256 = p.file_sha256 "
        "LEFT JOIN scan_batches b ON b.name = i.batch WHERE r.question = '' "
        "ORDER BY r.state != 'open', b.started_at, i.batch, i.seq, p.page_index, r.id"
    )
    return [
        Entry(int(r["id"]), "", r["pseudonym"], r["reason"], r["state"], r["page_no"]) for r in rows
    ]


def position(entries: Sequence[Entry], item_id: int) -> Position:
    """Where ``item_id`` is in ``entries``, and where to go from there."""
    ids = [e.id for e in entries]
    n_open = sum(e.is_open for e in entries)
    if item_id not in ids:
        first = next((e.id for e in entries if e.is_open), None)
        return Position(0, len(entries), n_open, None, None, first)
    i = ids.index(item_id)
    after = [e for e in [*entries[i + 1 :], *entries[:i]] if e.is_open]
    return Position(
        index=i + 1,
        total=len(entries),
        open=n_open,
        previous=ids[i - 1] if i > 0 else None,
        next=ids[i + 1] if i + 1 < len(ids) else None,
        next_open=after[0].id if after else None,
    )


def open_after(entries: Sequence[Entry], item_id: int | None = None) -> list[int]:
    """The open items to go to from ``item_id``: those after it, then from the start.

    ``item_id`` itself is left out; ``None`` (or an item not in the queue)
    gives every open item in queue order. The caller leases the first one
    nobody else holds (:meth:`review.leases.Leases.claim`).
    """
    ids = [e.id for e in entries]
    i = ids.index(item_id) if item_id in ids else -1
    return [e.id for e in [*entries[i + 1 :], *entries[: max(i, 0)]] if e.is_open]


def none_left(entries: Sequence[Entry], done: str) -> str:
    """The notice for an operator who gets no next item: ``done``, or colleagues have the rest."""
    return "all_taken" if any(e.is_open for e in entries) else done


def first_open(entries: Sequence[Entry]) -> int | None:
    """The id of the first open item, or ``None`` when all are decided."""
    return next((e.id for e in entries if e.is_open), None)


@dataclass(frozen=True)
class QuestionSummary:
    """Open and decided items of one question, for the overview."""

    question: str
    open: int
    decided: int
    first: int
    first_open: int | None


def summarise(entries: Sequence[Entry]) -> list[QuestionSummary]:
    """One line per question, in queue order."""
    opened: Counter[str] = Counter()
    decided: Counter[str] = Counter()
    first: dict[str, int] = {}
    first_opened: dict[str, int] = {}
    for e in entries:
        first.setdefault(e.question, e.id)
        if e.is_open:
            opened[e.question] += 1
            first_opened.setdefault(e.question, e.id)
        else:
            decided[e.question] += 1
    return [QuestionSummary(q, opened[q], decided[q], first[q], first_opened.get(q)) for q in first]
