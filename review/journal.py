"""The journal of page decisions: the rows a decision changed, before and after.

A page decision (assign, foreign, blank, keep the first copy, use this copy)
changes a handful of rows: the page's status, the page item, the
respondent's answers from that page, the question items it opened. To undo
it *exactly*, every decision records its **scope** (the page keys, the
respondent and the page's questions) and a snapshot of every row in that
scope just before and just after it (``page_decisions``, schema version 4).

Undoing restores the *before* snapshot. The *after* snapshot tells what
happened since: a row in scope that differs from it was changed by someone
else (a question decided in the queue, a text transcribed), and
:mod:`review.undo` decides what that means.

Rows in scope, per table:

* ``pages``: the scope's pages (only the columns decisions change);
* ``review_items``, ``transcriptions``, ``clips``: rows of the scope's pages;
* ``answers``: rows read from the scope's pages, and the respondent's rows
  for the scope's questions (an answer is keyed by respondent and question).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from survey.store import Store, utc_now

Row = dict[str, Any]
Snapshot = dict[str, list[Row]]

TABLES = ("pages", "review_items", "transcriptions", "clips", "answers")
KEYS = {
    "pages": ("image_sha256",),
    "review_items": ("page_sha256", "question"),
    "transcriptions": ("page_sha256", "question"),
    "clips": ("page_sha256", "question"),
    "answers": ("pseudonym", "question", "source"),
}
"""The columns that identify a row of each table (as its primary or unique key)."""

PAGE_COLUMNS = ("image_sha256", "pseudonym", "page_no", "status", "reason")
"""The columns of ``pages`` a decision changes and an undo restores.

The page result is not among them: only an assignment to a respondent sent
another form map replaces it (the page is read again with that map,
:mod:`ingest.reread`), and the result and its map id then change together
and stay valid after an undo.
"""


@dataclass(frozen=True)
class Scope:
    """The rows a page decision may change.

    Attributes:
        pages: page keys (the item's page; for *use this copy* also the copy that counted).
        pseudonym: the respondent the page is (or becomes) part of; ``""`` if none.
        questions: the questions printed on that page.
    """

    pages: tuple[str, ...]
    pseudonym: str = ""
    questions: tuple[str, ...] = ()

    def to_json(self) -> str:
        return json.dumps(
            {"pages": self.pages, "pseudonym": self.pseudonym, "questions": self.questions}
        )

    @classmethod
    def from_json(cls, text: str) -> Scope:
        d = json.loads(text)
        return cls(tuple(d["pages"]), d.get("pseudonym", ""), tuple(d.get("questions", ())))


def _marks(n: int) -> str:
    return ", ".join("?" * n)


def _where(table: str, scope: Scope) -> tuple[str, list[Any]]:
    pages = list(scope.pages)
    if table == "pages":
        return f"image_sha256 IN ({_marks(len(pages))})", pages
    if table == "answers":
        sql = f"page_sha256 IN ({_marks(len(pages))})"
        params: list[Any] = list(pages)
        if scope.pseudonym and scope.questions:
            sql += f" OR (pseudonym = ? AND question IN ({_marks(len(scope.questions))}))"
            params += [scope.pseudonym, *scope.questions]
        return sql, params
    return f"page_sha256 IN ({_marks(len(pages))})", pages


def capture(store: Store, scope: Scope) -> Snapshot:
    """Every row in ``scope``, per table, in a stable order."""
    out: Snapshot = {}
    for table in TABLES:
        where, params = _where(table, scope)
        cols = ", ".join(PAGE_COLUMNS) if table == "pages" else "*"
        order = ", ".join(KEYS[table])
        rows = store.query(f"SELECT {cols} FROM {table} WHERE {where} ORDER BY {order}", params)
        out[table] = [dict(r) for r in rows]
    return out


def restore(store: Store, scope: Scope, snapshot: Snapshot) -> None:
    """Put every row in ``scope`` back as in ``snapshot`` (inside the caller's transaction)."""
    for table in TABLES:
        rows = snapshot.get(table, [])
        if table == "pages":
            store.executemany(
                "UPDATE pages SET pseudonym = ?, page_no = ?, status = ?, reason = ? "
                "WHERE image_sha256 = ?",
                [
                    (r["pseudonym"], r["page_no"], r["status"], r["reason"], r["image_sha256"])
                    for r in rows
                ],
            )
            continue
        where, params = _where(table, scope)
        store.execute(f"DELETE FROM {table} WHERE {where}", params)
        if rows:
            store.insert_many(table, rows)


def key(table: str, row: Row) -> tuple[Any, ...]:
    return tuple(row[c] for c in KEYS[table])


@dataclass(frozen=True)
class Change:
    """A row in scope that differs from a snapshot.

    Attributes:
        table: the table.
        key: the row's key (see :data:`KEYS`).
        then: the row in the snapshot (``None``: it was not there).
        now: the row now (``None``: it is gone).
    """

    table: str
    key: tuple[Any, ...]
    then: Row | None
    now: Row | None


IGNORED = {"transcriptions": ("draft",)}
"""Columns whose change is bookkeeping, not a decision (a draft read later)."""


def changes(before: Snapshot, after: Snapshot) -> list[Change]:
    """Rows that differ between two snapshots of the same scope, table by table."""
    out: list[Change] = []
    for table in TABLES:
        skip = IGNORED.get(table, ())

        def norm(row: Row, skip: tuple[str, ...] = skip) -> Row:
            return {k: v for k, v in row.items() if k not in skip}

        old = {key(table, r): norm(r) for r in before.get(table, [])}
        new = {key(table, r): norm(r) for r in after.get(table, [])}
        for k in sorted(set(old) | set(new), key=repr):
            if old.get(k) != new.get(k):
                out.append(Change(table, k, old.get(k), new.get(k)))
    return out


@dataclass(frozen=True)
class Entry:
    """One journalled page decision.

    Attributes:
        id: the ``page_decisions`` id.
        item_id: the page item decided.
        action: ``assign``, ``foreign``, ``blank``, ``keep_first`` or ``use_this``.
        decided_by: the operator.
        decided_at: when.
        scope: the rows it may have changed.
        before: those rows just before it.
        after: those rows just after it.
    """

    id: int
    item_id: int
    action: str
    decided_by: str
    decided_at: str
    scope: Scope
    before: Snapshot = field(repr=False)
    after: Snapshot = field(repr=False)


def record(
    store: Store,
    item_id: int,
    action: str,
    operator: str,
    scope: Scope,
    before: Snapshot,
) -> int:
    """Journal a decision just made (inside its transaction); the entry's id."""
    return store.insert(
        "page_decisions",
        {
            "item_id": item_id,
            "action": action,
            "decided_by": operator,
            "decided_at": utc_now(),
            "scope": scope.to_json(),
            "before": json.dumps(before, ensure_ascii=False),
            "after": json.dumps(capture(store, scope), ensure_ascii=False),
        },
    )


def latest(store: Store, item_id: int) -> Entry | None:
    """The page decision on ``item_id`` that stands (not undone), if journalled."""
    r = store.query_one(
        "SELECT * FROM page_decisions WHERE item_id = ? AND undone_at IS NULL "
        "ORDER BY id DESC LIMIT 1",
        (item_id,),
    )
    if r is None:
        return None
    return Entry(
        id=int(r["id"]),
        item_id=int(r["item_id"]),
        action=r["action"],
        decided_by=r["decided_by"],
        decided_at=r["decided_at"],
        scope=Scope.from_json(r["scope"]),
        before=json.loads(r["before"]),
        after=json.loads(r["after"]),
    )


def later_overlapping(store: Store, entry: Entry) -> list[tuple[int, str, str]]:
    """Standing decisions made after ``entry`` on one of its pages: ``(item, action, by)``."""
    out = []
    for r in store.query(
        "SELECT id, item_id, action, decided_by, scope FROM page_decisions "
        "WHERE id > ? AND undone_at IS NULL ORDER BY id",
        (entry.id,),
    ):
        if set(Scope.from_json(r["scope"]).pages) & set(entry.scope.pages):
            out.append((int(r["item_id"]), r["action"], r["decided_by"]))
    return out


def mark_undone(store: Store, entry_id: int, operator: str) -> None:
    store.execute(
        "UPDATE page_decisions SET undone_by = ?, undone_at = ? WHERE id = ?",
        (operator, utc_now(), entry_id),
    )
