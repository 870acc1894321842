"""Review items as an operator sees them: the item, its page and the machine's reading.

Everything here is read from the store: ``review_items`` (what needs a human
and why), ``pages`` (where the page came from, its status and the OMR's page
result as JSON, see :mod:`survey.pageresult`), ``scan_files`` (the file
name) and ``clips`` (the image clip of a question, or the reduced image of a
quarantined page). Nothing is written.

Stored values follow the store's convention (``docs/project-folder.md``): a
choice code, choice codes separated by spaces for ``select_multiple``, or
NULL for no answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from survey.pageresult import BoxState
from survey.store import Store

Value = str | tuple[str, ...] | None

PAGE_REASONS = ("unregistrable", "unidentified", "foreign", "unknown_respondent")
"""Page-level reasons of a quarantined page (see ``ingest/quarantine.py``)."""

RETURNED_TWICE = "returned_twice"
"""Page-level reason of a second, different copy of an identified page."""

NO_READING = "no_reading"
"""Question-level reason of a page assigned by an operator that the machine could not read."""


def encode_value(value: Value) -> str | None:
    """A value as the store keeps it: a code, codes joined by spaces, or ``None``."""
    if isinstance(value, tuple):
        return " ".join(value) if value else None
    return value or None


def decode_value(stored: str | None, *, multiple: bool) -> Value:
    """The inverse of :func:`encode_value` for a question of known type."""
    if stored is None or stored == "":
        return () if multiple else None
    return tuple(stored.split()) if multiple else stored


@dataclass(frozen=True)
class BoxReading:
    """One checkbox as the machine read it.

    Attributes:
        choice: the choice code of the box.
        state: a :class:`survey.pageresult.BoxState` value.
        confidence: 0-1.
        ink: the box's ink score, 0-1.
    """

    choice: str
    state: int
    confidence: float
    ink: float

    @property
    def state_name(self) -> str:
        return BoxState(self.state).name.lower()


@dataclass(frozen=True)
class Reading:
    """The machine's reading of one question on one page.

    Attributes:
        value: the value (for a question under review: the machine's best guess).
        review: why the machine was unsure (``ReviewReason`` values).
        confidence: the lowest box confidence, 0-1.
        boxes: the question's boxes, in printed order.
    """

    value: Value
    review: tuple[str, ...]
    confidence: float
    boxes: tuple[BoxReading, ...]

    @property
    def stored(self) -> str | None:
        return encode_value(self.value)


def reading_of(result: dict[str, Any], question: str) -> Reading | None:
    """The reading of ``question`` in a stored page result, or ``None`` when not on it."""
    for q in result.get("questions", ()):
        if q.get("name") == question:
            break
    else:
        return None
    raw = q.get("value")
    value: Value = tuple(raw) if isinstance(raw, list) else raw
    boxes = tuple(
        BoxReading(str(c), int(s), float(conf), float(ink))
        for (qname, c), s, conf, ink in zip(
            result.get("boxes", ()),
            result.get("box_states", ()),
            result.get("box_confidences", ()),
            result.get("box_ink", ()),
            strict=False,
        )
        if qname == question
    )
    return Reading(value, tuple(q.get("review", ())), float(q.get("confidence", 1.0)), boxes)


@dataclass(frozen=True)
class Item:
    """One review item with what the UI shows about it.

    Attributes:
        id: the ``review_items`` id.
        pseudonym: the respondent (``""`` for an unidentified page).
        question: the question name; ``""`` for a page-level item.
        page_sha256: the page the item is about.
        reasons: why it needs a human (several for a question, one for a page).
        state: ``open``, ``decided`` or ``dismissed``.
        decided_value: the stored value (question) or decision (page), if decided.
        decided_by: the operator who decided.
        decided_at: when (ISO 8601 UTC); ``""`` while open.
        page_no: the questionnaire page number (0 when unknown).
        page_status: the page's status in ``pages``.
        page_reason: the page's reason in plain language (quarantine, duplicate).
        source: where the sheet is: ``file.pdf p.3``.
        reading: the machine's reading of the question (``None`` for page items
            and for questions the machine could not read).
        clip: the clip image, relative to the project folder (``""`` if none).
        preview: the reduced page image, relative to the project folder (``""`` if none).
        machine_page: the page number the machine found from the box layout (0 if none).
        has_readings: whether the machine read the page's questions.
    """

    id: int
    pseudonym: str
    question: str
    page_sha256: str
    reasons: tuple[str, ...]
    state: str
    decided_value: str | None
    decided_by: str
    decided_at: str
    page_no: int
    page_status: str
    page_reason: str
    source: str
    reading: Reading | None
    clip: str
    preview: str
    machine_page: int
    has_readings: bool

    @property
    def is_page_item(self) -> bool:
        return self.question == ""

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def reason(self) -> str:
        return self.reasons[0] if self.reasons else ""


_ITEM_SQL = (
    "SELECT r.id, r.pseudonym, r.question, r.page_sha256, r.reason, r.state, r.decided_value, "
    "r.decided_by, r.decided_at, p.page_no, p.status, p.reason AS page_reason, p.result, "
    "p.page_index, f.path, c.path AS clip, pc.path AS preview "
    "FROM review_items r LEFT JOIN pages p ON p.image_sha256 = r.page_sha256 "
    "LEFT JOIN scan_files f ON f.sha256 = p.file_sha256 "
    "LEFT JOIN clips c ON c.page_sha256 = r.page_sha256 AND c.question = r.question "
    "AND r.question != '' "
    "LEFT JOIN clips pc ON pc.page_sha256 = r.page_sha256 AND pc.question = '' "
    "WHERE r.id = ?"
)


def load_item(store: Store, item_id: int, root: Path | None = None) -> Item | None:
    """The review item ``item_id`` with its page and reading, or ``None`` if there is none.

    Args:
        store: the round's store.
        item_id: the ``review_items`` id.
        root: the project folder; when given, clip and preview paths whose
            file is missing are left out.
    """
    r = store.query_one(_ITEM_SQL, (item_id,))
    if r is None:
        return None
    result: dict[str, Any] = json.loads(r["result"] or "{}")

    def present(path: str | None) -> str:
        if not path or (root is not None and not (root / path).is_file()):
            return ""
        return path

    question = r["question"] or ""
    source = f"{Path(r['path']).name} p.{int(r['page_index']) + 1}" if r["path"] else ""
    return Item(
        id=int(r["id"]),
        pseudonym=r["pseudonym"] or "",
        question=question,
        page_sha256=r["page_sha256"] or "",
        reasons=tuple(x for x in (r["reason"] or "").split(",") if x),
        state=r["state"],
        decided_value=r["decided_value"],
        decided_by=r["decided_by"] or "",
        decided_at=r["decided_at"] or "",
        page_no=int(r["page_no"] or 0),
        page_status=r["status"] or "",
        page_reason=r["page_reason"] or "",
        source=source,
        reading=reading_of(result, question) if question else None,
        clip=present(r["clip"]),
        preview=present(r["preview"]),
        machine_page=int(result.get("page") or 0),
        has_readings=bool(result.get("questions")),
    )


@dataclass(frozen=True)
class CopyRow:
    """One question of a page returned twice: the counted copy's value and this copy's."""

    question: str
    kept: str | None
    this: str | None

    @property
    def differs(self) -> bool:
        return self.kept != self.this


@dataclass(frozen=True)
class Copies:
    """The copy that counts and the other copy of a page returned twice."""

    kept_sha256: str
    kept_source: str
    rows: tuple[CopyRow, ...]


def kept_copy(store: Store, pseudonym: str, page_no: int, other: str) -> tuple[str, str] | None:
    """``(page key, source)`` of the copy of ``pseudonym``'s page that counts, if any."""
    r = store.query_one(
        "SELECT p.image_sha256, p.page_index, f.path FROM pages p "
        "JOIN scan_files f ON f.sha256 = p.file_sha256 "
        "WHERE p.pseudonym = ? AND p.page_no = ? AND p.status = 'ok' AND p.image_sha256 != ? "
        "ORDER BY p.processed_at LIMIT 1",
        (pseudonym, page_no, other),
    )
    if r is None:
        return None
    return r["image_sha256"], f"{Path(r['path']).name} p.{int(r['page_index']) + 1}"


def compare_copies(store: Store, item: Item) -> Copies | None:
    """For a page returned twice: both copies' values, question by question."""
    if not item.pseudonym or not item.page_no:
        return None
    kept = kept_copy(store, item.pseudonym, item.page_no, item.page_sha256)
    if kept is None:
        return None

    def values(sha: str) -> dict[str, str | None]:
        raw = store.scalar("SELECT result FROM pages WHERE image_sha256 = ?", (sha,))
        result = json.loads(raw or "{}")
        out: dict[str, str | None] = {}
        for q in result.get("questions", ()):
            v = q.get("value")
            out[q["name"]] = encode_value(tuple(v) if isinstance(v, list) else v)
        return out

    mine, theirs = values(item.page_sha256), values(kept[0])
    names = list(theirs) + [n for n in mine if n not in theirs]
    return Copies(kept[0], kept[1], tuple(CopyRow(n, theirs.get(n), mine.get(n)) for n in names))
