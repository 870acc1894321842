"""Undoing a page decision: back to exactly the state before it.

A page decision (assign a page, mark it foreign or blank, keep the first
copy, use this copy) is journalled with the rows it changed
(:mod:`review.journal`). Undoing it restores those rows as they were: the
page's status and reason, the page item (open again), the respondent's
answers from that page, the question items it opened. The undo itself is
written to the audit log (``review.undo_page``) and the journal entry is
marked undone; nothing is deleted from the audit log.

**Later decisions that depend on it.** After a page was assigned, operators
may have decided its questions in the question queue or typed its open
answers in the texts queue. Those decisions only make sense on the assigned
page, so they are **listed and undone together** with the page decision,
after the operator confirms (:attr:`UndoPlan.dependents`). Undoing someone
else's page decision also needs a confirmation. An undo is **refused**
when the page changed in another way since (a later page decision on the
same page, which must be undone first, or a scan run that changed the page):
restoring would then overwrite work the journal does not know about.

Decisions made before schema version 4 have no journal and cannot be undone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from review import journal
from review.journal import Change, Entry
from survey.errors import ReviewError
from survey.store import Store


@dataclass(frozen=True)
class Dependent:
    """A later decision on the page that is undone together with the page decision.

    Attributes:
        kind: ``question`` (a question item) or ``text`` (a transcription).
        item_id: the item's id (``review_items`` or ``transcriptions``).
        question: the question.
        decided_by: who decided it.
        decided_at: when.
    """

    kind: str
    item_id: int
    question: str
    decided_by: str
    decided_at: str


@dataclass(frozen=True)
class UndoPlan:
    """What undoing the page decision on an item would do.

    Attributes:
        item_id: the page item.
        entry: the journalled decision (``None`` when there is nothing to undo).
        dependents: later decisions undone together with it.
        blocked: why it cannot be undone (``""`` when it can).
        operator: who asks.
    """

    item_id: int
    entry: Entry | None
    dependents: tuple[Dependent, ...]
    blocked: str
    operator: str

    @property
    def needs_confirmation(self) -> bool:
        """Someone else's decision, or later decisions are undone with it."""
        return self.entry is not None and (
            self.entry.decided_by != self.operator or bool(self.dependents)
        )

    @property
    def token(self) -> str:
        """A fingerprint of what the operator confirms (the decision and its dependents)."""
        parts = [str(self.entry.id if self.entry else 0)]
        parts += [f"{d.kind}:{d.item_id}:{d.decided_at}" for d in self.dependents]
        return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def _dependent(change: Change) -> Dependent | None:
    """The later decision a change in scope is, if it is one."""
    row = change.now
    if row is None:
        return None
    if change.table == "review_items" and row["question"] and row["state"] == "decided":
        return Dependent(
            "question", int(row["id"]), row["question"], row["decided_by"], row["decided_at"]
        )
    if change.table == "transcriptions" and row["state"] == "decided":
        return Dependent(
            "text", int(row["id"]), row["question"], row["decided_by"], row["decided_at"]
        )
    return None


def _bookkeeping(change: Change) -> bool:
    """A change that is no decision: a clip cut, or a texts-queue item made, after it."""
    if change.table == "clips":
        return True
    return (
        change.table == "transcriptions"
        and change.then is None
        and change.now is not None
        and (change.now["state"] == "open")
    )


def plan(store: Store, item_id: int, operator: str) -> UndoPlan:
    """What undoing the decision on page item ``item_id`` would do, or why it cannot.

    Raises:
        ReviewError: no such page item, or the item is not decided.
    """
    row = store.query_one(
        "SELECT question, state, decided_by, decided_at FROM review_items WHERE id = ?", (item_id,)
    )
    if row is None or row["question"] != "":
        raise ReviewError(f"page item {item_id} does not exist; reload the page list.")
    if row["state"] != "decided":
        raise ReviewError("this page has no decision to undo.")
    entry = journal.latest(store, item_id)
    if entry is None:
        return UndoPlan(
            item_id,
            None,
            (),
            f"this decision by {row['decided_by']} ({row['decided_at']}) was made before undo "
            "was possible; it cannot be undone here.",
            operator,
        )
    later = journal.later_overlapping(store, entry)
    if later:
        items = ", ".join(f"item {i} ({a}, {by})" for i, a, by in later)
        return UndoPlan(
            item_id,
            entry,
            (),
            f"a later page decision concerns the same page: {items}. Undo that one first.",
            operator,
        )
    now = journal.capture(store, entry.scope)
    dependents: list[Dependent] = []
    other: list[Change] = []
    for change in journal.changes(entry.after, now):
        dep = _dependent(change)
        if dep is not None:
            dependents.append(dep)
        elif not _bookkeeping(change):
            other.append(change)
    covered = {(entry.scope.pseudonym, d.question) for d in dependents}
    other = [c for c in other if not (c.table == "answers" and (c.key[0], c.key[1]) in covered)]
    blocked = ""
    if other:
        tables = ", ".join(sorted({c.table for c in other}))
        blocked = (
            f"the page changed since this decision in a way undo cannot restore ({tables}; "
            "a scan run?). Decide the page's items as they are now instead."
        )
    dependents.sort(key=lambda d: (d.decided_at, d.kind, d.item_id))
    return UndoPlan(item_id, entry, tuple(dependents), blocked, operator)


def undo_page(store: Store, item_id: int, *, operator: str, confirm: str = "") -> UndoPlan:
    """Undo the page decision on item ``item_id``; returns what was undone.

    Args:
        store: the round's store.
        item_id: a decided page item.
        operator: who undoes it (the audit log's actor).
        confirm: the :attr:`UndoPlan.token` the operator confirmed; needed when
            the plan :attr:`~UndoPlan.needs_confirmation`. A token for another
            plan (something changed meanwhile) is refused.

    Raises:
        ReviewError: nothing to undo, the undo is blocked, or not (or no
            longer) confirmed.
    """
    with store.transaction():
        p = plan(store, item_id, operator)
        if p.blocked or p.entry is None:
            raise ReviewError(p.blocked or "this page has no decision to undo.")
        if p.needs_confirmation and confirm != p.token:
            raise ReviewError(
                "confirm the undo: it concerns another operator's decision or later decisions "
                "on this page"
                + (" (they changed meanwhile; look at the list again)." if confirm else ".")
            )
        entry = p.entry
        journal.restore(store, entry.scope, entry.before)
        journal.mark_undone(store, entry.id, operator)
        store.audit(
            "review.undo_page",
            {
                "item": item_id,
                "page": entry.scope.pages[0][:16],
                "undone": entry.action,
                "decided_by": entry.decided_by,
                "decided_at": entry.decided_at,
                "journal": entry.id,
                "dependents": [
                    {
                        "kind": d.kind,
                        "item": d.item_id,
                        "question": d.question,
                        "decided_by": d.decided_by,
                    }
                    for d in p.dependents
                ],
            },
            actor=operator,
        )
    return p
