"""Transcription items: open answers that operators type from their clips.

After a scan run, every open-text area with writing has a clip (``clips``,
kind ``text``) but no answer: the machine does not read handwriting into
data. Each such clip of a page that **counts** is a transcription item:

* a page counts when its status is ``ok`` (identified, assigned by an
  operator, or the copy of a page returned twice that was scanned first),
  unless an operator chose another copy of that page (*Deze kopie telt*);
  then that other copy counts instead;
* items are made by :func:`sync` when the texts queue is listed, so clips
  of pages assigned or scanned later join the queue by themselves; an item
  of a page that stops counting leaves the queue (and its answer is removed
  by the decision that made the page stop counting).

Deciding an item writes the answer with source ``review`` (``answers``),
which the merged dataset takes like any other paper answer
(:mod:`analysis.dataset`), marks the item decided with the operator and time,
drops the machine's draft and writes ``review.transcribe`` to the audit log.
The audit line holds the length of the text and any privacy flags, never the
text itself: an answer may name a person.

* :func:`transcribe`: the respondent wrote this text (whitespace is folded to
  single spaces: an answer is one line in the data);
* :func:`illegible`: something is written but nobody can read it (stored as
  :data:`ILLEGIBLE`, so the data shows the respondent did answer);
* :func:`empty`: no answer after all (a stray mark, crossed out; stored as NULL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from review.queue import Entry
from survey import opentexts
from survey.errors import ReviewError
from survey.privacy_flags import Flag, flags
from survey.store import REPLACE_ANSWER, Store, utc_now

ILLEGIBLE = "[onleesbaar]"
"""The answer stored for an illegible open answer (a constant code, whatever the UI language)."""

DECISIONS = ("text", "illegible", "empty")
MAX_TEXT = 4000
"""Characters an answer may have."""

COUNTING = opentexts.COUNTING
"""SQL ``WITH`` clause naming the page keys that count (see :mod:`survey.opentexts`)."""


def sync(store: Store) -> int:
    """Make the transcription items of text clips of counting pages; the number made.

    Reads first and writes only when something is missing, so listing the
    queue does not take the write lock while a scan run writes.
    """
    missing = (
        COUNTING + "SELECT c.page_sha256, c.question, p.pseudonym FROM clips c "
        "JOIN pages p ON p.image_sha256 = c.page_sha256 "
        "LEFT JOIN transcriptions t ON t.page_sha256 = c.page_sha256 AND t.question = c.question "
        "WHERE c.kind = 'text' AND t.id IS NULL AND c.page_sha256 IN (SELECT sha FROM counting)"
    )
    if not store.query(missing + " LIMIT 1"):
        return 0
    now = utc_now()
    with store.transaction():
        rows = store.query(missing)
        return store.executemany(
            "INSERT INTO transcriptions (page_sha256, question, pseudonym, state, "
            "created_at) VALUES (?, ?, ?, 'open', ?) ON CONFLICT DO NOTHING",
            [(r[0], r[1], r[2] or "", now) for r in rows],
        )


def text_queue(store: Store, order: Mapping[str, int]) -> list[Entry]:
    """Every transcription item of a counting page, question by question (as the question queue)."""
    rows = store.query(
        COUNTING + "SELECT t.id, t.question, coalesce(p.pseudonym, '') AS pseudonym, t.state, "
        "coalesce(p.page_no, 0) AS page_no FROM transcriptions t "
        "JOIN pages p ON p.image_sha256 = t.page_sha256 "
        "WHERE t.page_sha256 IN (SELECT sha FROM counting)"
    )
    entries = [
        Entry(int(r["id"]), r["question"], r["pseudonym"], "", r["state"], r["page_no"])
        for r in rows
    ]
    last = len(order)
    entries.sort(key=lambda e: (order.get(e.question, last), e.question, e.pseudonym, e.id))
    return entries


@dataclass(frozen=True)
class TextItem:
    """One transcription item as the UI shows it.

    Attributes:
        id: the ``transcriptions`` id.
        pseudonym: the respondent.
        question: the open question's name.
        page_sha256: the page the clip is from.
        page_no: the questionnaire page number.
        state: ``open`` or ``decided``.
        decision: ``text``, ``illegible`` or ``empty`` once decided, else ``""``.
        value: the stored answer (``None`` for empty or while open).
        draft: the machine's draft; ``None`` while not made yet (or once decided).
        decided_by: the operator who decided (``""`` while open).
        decided_at: when (ISO 8601 UTC; ``""`` while open).
        clip: the clip, relative to the project folder (``""`` if missing).
        source: where the sheet is: ``file.pdf p.3``.
        language: the respondent's questionnaire language (``nl``/``en``).
        counts: whether the page still counts.
    """

    id: int
    pseudonym: str
    question: str
    page_sha256: str
    page_no: int
    state: str
    decision: str
    value: str | None
    draft: str | None
    decided_by: str
    decided_at: str
    clip: str
    source: str
    language: str
    counts: bool

    @property
    def is_open(self) -> bool:
        return self.state == "open"

    @property
    def draft_flags(self) -> tuple[Flag, ...]:
        return flags(self.draft)

    @property
    def value_flags(self) -> tuple[Flag, ...]:
        return flags(self.value)


def load_text(store: Store, item_id: int, root: Path | None = None) -> TextItem | None:
    """Transcription item ``item_id``, or ``None`` when there is none.

    Args:
        store: the round's store.
        item_id: the ``transcriptions`` id.
        root: the project folder; when given, a clip whose file is missing is left out.
    """
    r = store.query_one(
        COUNTING + "SELECT t.*, p.page_no, p.pseudonym AS page_pseudonym, p.page_index, "
        "f.path AS file, c.path AS clip, coalesce(s.language, 'nl') AS language, "
        "t.page_sha256 IN (SELECT sha FROM counting) AS counts "
        "FROM transcriptions t LEFT JOIN pages p ON p.image_sha256 = t.page_sha256 "
        "LEFT JOIN scan_files f ON f.sha256 = p.file_sha256 "
        "LEFT JOIN clips c ON c.page_sha256 = t.page_sha256 AND c.question = t.question "
        "LEFT JOIN respondents s ON s.pseudonym = p.pseudonym WHERE t.id = ?",
        (item_id,),
    )
    if r is None:
        return None
    clip = r["clip"] or ""
    if clip and root is not None and not (root / clip).is_file():
        clip = ""
    source = f"{Path(r['file']).name} p.{int(r['page_index']) + 1}" if r["file"] else ""
    return TextItem(
        id=int(r["id"]),
        pseudonym=r["page_pseudonym"] or r["pseudonym"] or "",
        question=r["question"],
        page_sha256=r["page_sha256"],
        page_no=int(r["page_no"] or 0),
        state=r["state"],
        decision=r["decision"] or "",
        value=r["value"],
        draft=r["draft"],
        decided_by=r["decided_by"] or "",
        decided_at=r["decided_at"] or "",
        clip=clip,
        source=source,
        language=r["language"],
        counts=bool(r["counts"]),
    )


# ------------------------------------------------------------------ decisions


@dataclass(frozen=True)
class TextDecision:
    """What a transcription decision stored.

    Attributes:
        item_id: the item decided.
        decision: ``text``, ``illegible`` or ``empty``.
        value: the answer as stored (``None`` for empty).
        flags: what the stored text seems to contain (phone number, e-mail).
    """

    item_id: int
    decision: str
    value: str | None
    flags: tuple[Flag, ...] = ()


def normalise(text: str) -> str:
    """An answer as stored: whitespace (also line breaks) folded to single spaces."""
    return " ".join(text.split())


def _decide(
    store: Store, item_id: int, operator: str, decision: str, value: str | None, seen: str | None
) -> TextDecision:
    with store.transaction():
        item = load_text(store, item_id)
        if item is None:
            raise ReviewError(f"text item {item_id} does not exist; reload the queue.")
        if not item.counts:
            raise ReviewError(
                "this page no longer counts for the respondent (another copy counts, or the "
                "page decision was undone); nothing was saved."
            )
        if seen is not None and seen != item.decided_at:
            raise ReviewError(
                f"{item.decided_by or 'another operator'} decided this text meanwhile "
                f"({item.decided_at}); look at it again before changing it."
            )
        now = utc_now()
        store.execute(
            "INSERT INTO answers "
            "(pseudonym, question, value, source, confidence, page_sha256) "
            "VALUES (?, ?, ?, 'review', NULL, ?)" + REPLACE_ANSWER,
            (item.pseudonym, item.question, value, item.page_sha256),
        )
        store.execute(
            "UPDATE transcriptions SET state = 'decided', decision = ?, value = ?, draft = NULL, "
            "decided_by = ?, decided_at = ? WHERE id = ?",
            (decision, value, operator, now, item_id),
        )
        found = flags(value) if decision == "text" else ()
        detail: dict[str, object] = {
            "item": item.id,
            "page": item.page_sha256[:16],
            "pseudonym": item.pseudonym,
            "question": item.question,
            "decision": decision,
            "chars": len(value or ""),
            "flags": [str(f) for f in found],
        }
        if item.state == "decided":
            detail["previous"] = item.decision
        store.audit("review.transcribe", detail, actor=operator)
    return TextDecision(item_id, decision, value, found)


def transcribe(
    store: Store, item_id: int, text: str, *, operator: str, seen: str | None = None
) -> TextDecision:
    """The respondent wrote ``text``.

    Args:
        store: the round's store.
        item_id: a transcription item.
        text: the answer as the operator typed it.
        operator: the operator's name.
        seen: the item's ``decided_at`` as the operator saw it (``""`` if
            open); a decision made meanwhile by someone else is then refused.

    Raises:
        ReviewError: an empty or overlong text, no such item, a page that no
            longer counts, or decided meanwhile.
    """
    value = normalise(text)
    if not value:
        raise ReviewError("type the answer, or choose 'illegible' or 'empty'.")
    if len(value) > MAX_TEXT:
        raise ReviewError(f"an answer has at most {MAX_TEXT} characters; shorten it.")
    return _decide(store, item_id, operator, "text", value, seen)


def illegible(
    store: Store, item_id: int, *, operator: str, seen: str | None = None
) -> TextDecision:
    """Something is written, but it cannot be read (stored as :data:`ILLEGIBLE`)."""
    return _decide(store, item_id, operator, "illegible", ILLEGIBLE, seen)


def empty(store: Store, item_id: int, *, operator: str, seen: str | None = None) -> TextDecision:
    """No answer after all (stored as NULL: not answered)."""
    return _decide(store, item_id, operator, "empty", None, seen)
