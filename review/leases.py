"""Leases on review items: two operators never work on the same item at once.

An operator who opens an item takes a lease on it for :attr:`Leases.seconds`
(renewed each time they open or decide it); moving on to another item of the
same queue gives the old one back. A lease nobody renews expires, so an item
left open in a closed browser comes back to the others by itself.

Leases are rows of ``review_leases`` in the round's store (schema version 6),
so every server process on the round sees the same ones. Taking one is a
single conditional UPDATE (the slot is free, expired or already the
operator's own) inside a transaction, judged by its row count: of two
operators racing for an item, exactly one wins, in one process or several.
The SQL is portable (``ON CONFLICT``, integer epoch seconds).

Queues: :data:`QUESTIONS` and :data:`PAGES` (ids of ``review_items``) and
:data:`TEXTS` (ids of ``transcriptions``); an operator holds at most one
lease per queue.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from survey.store import Store

LEASE_SECONDS = 10 * 60
"""How long an opened item stays with its operator without being opened or decided again."""

QUESTIONS = "questions"
PAGES = "pages"
TEXTS = "texts"
QUEUES = (QUESTIONS, PAGES, TEXTS)


@dataclass(frozen=True)
class Leases:
    """Who works on which item, kept in the round's store.

    Attributes:
        seconds: how long a lease lasts after it was taken or renewed.
        clock: epoch seconds now (:func:`time.time`; tests pass a fake).
    """

    seconds: int = LEASE_SECONDS
    clock: Callable[[], float] = time.time

    def take(self, store: Store, queue: str, item_id: int, operator: str) -> bool:
        """Take (or renew) ``operator``'s lease on an item; ``False`` if another holds it.

        On success the operator's other lease in ``queue``, if any, is given back.
        """
        now = int(self.clock())
        with store.transaction():
            store.execute(
                "INSERT INTO review_leases (queue, item_id, operator, expires_at) "
                "VALUES (?, ?, '', 0) ON CONFLICT (queue, item_id) DO NOTHING",
                (queue, item_id),
            )
            taken = store.execute(
                "UPDATE review_leases SET operator = ?, expires_at = ? "
                "WHERE queue = ? AND item_id = ? "
                "AND (operator = '' OR operator = ? OR expires_at <= ?)",
                (operator, now + self.seconds, queue, item_id, operator, now),
            ).rowcount
            if taken != 1:
                return False
            store.execute(
                "DELETE FROM review_leases WHERE queue = ? AND operator = ? AND item_id != ?",
                (queue, operator, item_id),
            )
        return True

    def holders(self, store: Store, queue: str, operator: str) -> dict[int, str]:
        """Items of ``queue`` under another operator's live lease: item id -> that operator."""
        rows = store.query(
            "SELECT item_id, operator FROM review_leases "
            "WHERE queue = ? AND operator != '' AND operator != ? AND expires_at > ?",
            (queue, operator, int(self.clock())),
        )
        return {int(r["item_id"]): str(r["operator"]) for r in rows}

    def holder(self, store: Store, queue: str, item_id: int) -> str:
        """The operator with a live lease on the item, or ``""``."""
        name = store.scalar(
            "SELECT operator FROM review_leases WHERE queue = ? AND item_id = ? AND expires_at > ?",
            (queue, item_id, int(self.clock())),
        )
        return str(name or "")

    def claim(
        self,
        store: Store,
        queue: str,
        candidates: Iterable[int],
        operator: str,
        still_open: Callable[[int], bool],
    ) -> int | None:
        """Lease the first of ``candidates`` nobody else holds and still open; its id, or ``None``.

        Items another operator holds are skipped; so is an item lost to a
        colleague between the look and the take, and one a colleague decided
        meanwhile (``still_open`` is asked once the lease is taken: a decision
        needs the lease, so after the take nobody else can decide it). At most
        one take per candidate, so this ends however many operators race.
        """
        busy = self.holders(store, queue, operator)
        for item_id in candidates:
            if item_id in busy or not self.take(store, queue, item_id, operator):
                continue
            if still_open(item_id):
                return item_id
            self.give_back(store, queue, item_id, operator)  # decided meanwhile: not kept
        return None

    def give_back(self, store: Store, queue: str, item_id: int, operator: str) -> None:
        """End ``operator``'s lease on one item (if they hold it)."""
        with store.transaction():
            store.execute(
                "DELETE FROM review_leases WHERE queue = ? AND item_id = ? AND operator = ?",
                (queue, item_id, operator),
            )

    def release(self, store: Store, operator: str, queue: str | None = None) -> None:
        """Give back ``operator``'s leases (in ``queue``, or in every queue)."""
        with store.transaction():
            if queue is None:
                store.execute("DELETE FROM review_leases WHERE operator = ?", (operator,))
            else:
                store.execute(
                    "DELETE FROM review_leases WHERE queue = ? AND operator = ?",
                    (queue, operator),
                )
