"""The audit log's hash chain: every entry carries the hash of the one before it.

An entry's hash is the SHA-256 of the previous entry's hash and the entry
itself (id, time, actor, action and detail, as canonical JSON). Changing,
inserting or deleting an entry anywhere but at the end breaks the chain from
there on, and :func:`verify_chain` (run by ``papersurvey status``) names the
first entry that does not fit. Cutting entries off the end leaves a shorter
chain that still fits: ``status`` prints the number of entries and the head
hash so that they can be written down (in the processing records, say) and
compared later.

This makes the log tamper-evident, not tamper-proof: whoever can write the
store can recompute the whole chain. Keeping a copy of the head hash outside
the store is what closes that gap.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class Sql(Protocol):
    """What the chain functions need: a store (or a connection) that runs SQL with ``?``."""

    def execute(self, sql: str, params: Any = ..., /) -> Any: ...


GENESIS = ""
"""The 'previous hash' of the first entry."""


def entry_hash(prev: str, entry_id: int, at: str, actor: str, action: str, detail: str) -> str:
    """The hash of one entry, chained to ``prev``."""
    body = json.dumps(
        [entry_id, at, actor, action, detail], ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(f"{prev}\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    """The outcome of :func:`verify_chain`.

    Attributes:
        entries: entries in the log.
        head: the last entry's hash (``""`` for an empty log).
        broken_at: id of the first entry that does not fit, or ``None``.
        reason: why it does not fit, or ``""``.
    """

    entries: int
    head: str
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def verify_chain(rows: Sequence[Any]) -> ChainCheck:
    """Check the chain over ``(id, at, actor, action, detail, prev_hash, hash)`` rows in id order."""
    prev = GENESIS
    for r in rows:
        entry_id, at, actor, action, detail, prev_hash, stored = r
        if prev_hash != prev:
            return ChainCheck(
                len(rows),
                "",
                int(entry_id),
                "its link to the entry before does not match (an entry was removed or inserted)",
            )
        if stored != entry_hash(prev, int(entry_id), at, actor, action, detail):
            return ChainCheck(len(rows), "", int(entry_id), "its content was changed after writing")
        prev = stored
    return ChainCheck(len(rows), prev)


def last_hash(conn: Sql) -> str:
    """The hash of the newest entry (``GENESIS`` for an empty log)."""
    row = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    return GENESIS if row is None or row[0] is None else str(row[0])


def chain_existing(conn: Sql) -> None:
    """Chain the entries written before the log had hashes (run once, by migration 5)."""
    prev = GENESIS
    rows = conn.execute(
        "SELECT id, at, actor, action, detail FROM audit_log ORDER BY id"
    ).fetchall()
    for entry_id, at, actor, action, detail in rows:
        h = entry_hash(prev, int(entry_id), at, actor, action, detail)
        conn.execute(
            "UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, entry_id)
        )
        prev = h
