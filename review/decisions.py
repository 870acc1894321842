"""Operators' decisions on review items, written to the store with an audit trail.

Every function here runs in one transaction and writes three things: the
item's state (``review_items``: ``decided``, the value or decision, the
operator and the time), what the decision means for the data, and a line in
the ``audit_log`` with the operator's name as actor. Nothing is ever deleted:
an operator's answer is stored *next to* the machine's reading, as an answer
with source ``review``, which the merged dataset takes over the paper reading
(:mod:`analysis.dataset`).

Question items:

* :func:`confirm`: the machine's reading is right.
* :func:`correct`: the respondent meant another choice (or other choices).
* :func:`no_answer`: the respondent gave no (valid) answer.

A question item can be decided again; the new decision replaces the answer,
and both stay in the audit log.

Page items (once; the page's status changes). Each page decision is also
journalled (:mod:`review.journal`) so that it can be undone exactly
(:mod:`review.undo`):

* :func:`assign_page`: an unidentified, unregistrable, foreign or unknown page
  belongs to respondent *P*, page *n*. The page then counts as that
  respondent's page (``pages.status = 'ok'``). If the machine read its boxes
  (the box layout told it which page it was), those readings become the
  respondent's paper answers, exactly as the scan run writes them, and its
  unsure questions become question items. If the machine could not read the
  page, every question on page *n* becomes a question item with reason
  ``no_reading``, to be entered from the page image. In a round whose
  respondents were printed different questionnaires (languages, an edited
  questionnaire printed again), the page is first made to be read with *P*'s
  form map (:class:`PageMaps`): an unidentified page was read with the
  round's default map, whose boxes may not be those on *P*'s sheet.
* :func:`mark_page`: the page is not a questionnaire page of this round
  (``foreign``), or an empty sheet (``blank``).
* :func:`keep_first_copy` / :func:`use_this_copy`: for a page returned twice
  with other answers (a photocopy, or a second questionnaire), which copy
  counts. Using the later copy writes its certain readings as ``review``
  answers, opens question items for its unsure ones and closes those of the
  first copy.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from review import journal
from review.items import NO_READING, RETURNED_TWICE, Item, Value, encode_value, kept_copy, load_item
from review.journal import Scope
from survey import pseudonym as pseudonyms
from survey.errors import ReviewError
from survey.formmap import FormMap
from survey.model import Question, QuestionType
from survey.store import REPLACE_ANSWER, Store, utc_now

PAGE_MARKS = ("foreign", "blank")


@dataclass(frozen=True)
class Decision:
    """What a decision did.

    Attributes:
        item_id: the item decided.
        action: ``confirm``, ``correct``, ``no_answer``, ``assign``, ``foreign``,
            ``blank``, ``keep_first`` or ``use_this``.
        value: the stored answer (question items) or decision (page items).
        opened: question items the decision opened (assigning a page, using a copy).
    """

    item_id: int
    action: str
    value: str | None
    opened: int = 0


class PageMaps(Protocol):
    """The form maps of a round whose respondents were printed different questionnaires.

    The re-reader implements it over the printed form maps and the scan
    files (:class:`ingest.rereader.Rereader`); without it, every page is taken
    to be laid out as the one form map the app knows.
    """

    def form_map(self, store: Store, pseudonym: str) -> FormMap:
        """The form map of ``pseudonym``'s questionnaire (the latest, if they were sent several)."""
        ...

    def align(self, store: Store, page_sha256: str, pseudonym: str, page_no: int) -> FormMap:
        """Make the page's stored readings those of ``pseudonym``'s sheet; returns its form map.

        Reads the page again with the respondent's form map where it was
        read with a map that lays page ``page_no`` out otherwise (or drops
        its readings when it cannot). Runs inside the decision's transaction.
        """
        ...


# ------------------------------------------------------------------ helpers


def _item(store: Store, item_id: int, *, page: bool) -> Item:
    item = load_item(store, item_id)
    if item is None:
        raise ReviewError(f"review item {item_id} does not exist; reload the queue.")
    if item.is_page_item != page:
        kind = "a page" if item.is_page_item else "a question"
        raise ReviewError(f"review item {item_id} is about {kind}; open it from its own list.")
    if item.state == "dismissed":
        raise ReviewError(
            f"review item {item_id} was closed because another copy of the page counts."
        )
    return item


def _check_seen(item: Item, seen: str | None) -> None:
    """Refuse a decision taken on an outdated view of the item."""
    if seen is not None and seen != item.decided_at:
        raise ReviewError(
            f"{item.decided_by or 'another operator'} decided this item meanwhile "
            f"({item.decided_at}); look at it again before changing it."
        )


def _close(store: Store, item: Item, operator: str, value: str | None, now: str) -> None:
    store.execute(
        "UPDATE review_items SET state = 'decided', decided_value = ?, decided_by = ?, "
        "decided_at = ? WHERE id = ?",
        (value, operator, now, item.id),
    )


def _audit(store: Store, operator: str, action: str, item: Item, **detail: Any) -> None:
    base = {"item": item.id, "page": item.page_sha256[:16], "reason": ",".join(item.reasons)}
    if item.pseudonym:
        base["pseudonym"] = item.pseudonym
    if item.question:
        base["question"] = item.question
    store.audit(f"review.{action}", {**base, **detail}, actor=operator)


def _open_page(item: Item) -> None:
    if not item.is_open:
        raise ReviewError(
            f"this page was already decided by {item.decided_by} ({item.decided_at}): "
            f"{item.decided_value}. To change it, undo that decision first (page list)."
        )


# ------------------------------------------------------------------ question items


def _decide_question(
    store: Store, item_id: int, operator: str, action: str, value: Value, seen: str | None
) -> Decision:
    stored = encode_value(value)
    with store.transaction():
        item = _item(store, item_id, page=False)
        _check_seen(item, seen)
        if not item.pseudonym:
            raise ReviewError(f"review item {item_id} has no respondent; assign its page first.")
        now = utc_now()
        previous = item.decided_value if item.state == "decided" else None
        store.execute(
            "INSERT INTO answers "
            "(pseudonym, question, value, source, confidence, page_sha256) "
            "VALUES (?, ?, ?, 'review', NULL, ?)" + REPLACE_ANSWER,
            (item.pseudonym, item.question, stored, item.page_sha256),
        )
        _close(store, item, operator, stored, now)
        detail: dict[str, Any] = {
            "value": stored,
            "machine": item.reading.stored if item.reading else None,
        }
        if item.state == "decided":
            detail["previous"] = previous
        _audit(store, operator, action, item, **detail)
    return Decision(item_id, action, stored)


def confirm(store: Store, item_id: int, *, operator: str, seen: str | None = None) -> Decision:
    """The machine's reading of the question is right.

    Args:
        store: the round's store.
        item_id: a question item.
        operator: the operator's name (for the item and the audit log).
        seen: the item's ``decided_at`` as the operator saw it (``""`` if
            open); a decision made meanwhile by someone else is then refused.

    Raises:
        ReviewError: no such item, a page item, or decided meanwhile.
    """
    item = _item(store, item_id, page=False)
    if item.reading is None:
        raise ReviewError(
            "the machine has no reading of this question: choose the answer, or 'no answer'."
        )
    return _decide_question(store, item_id, operator, "confirm", item.reading.value, seen)


def correct(
    store: Store,
    item_id: int,
    value: Value,
    *,
    question: Question,
    operator: str,
    seen: str | None = None,
) -> Decision:
    """The respondent's answer is ``value`` (a choice code, or a tuple of codes).

    An empty selection means no answer.

    Raises:
        ReviewError: a code that is not a choice of ``question``, several codes
            for a single-choice question, or as :func:`confirm`.
    """
    if question.choices is None:
        raise ReviewError(f"{question.name} is not a choice question.")
    codes = (value,) if isinstance(value, str) else tuple(value or ())
    allowed = question.choices.names()
    unknown = [c for c in codes if c not in allowed]
    if unknown:
        raise ReviewError(
            f"{', '.join(unknown)} is not a choice of {question.name}; "
            f"choose from {', '.join(allowed)}."
        )
    if question.type is QuestionType.SELECT_ONE and len(codes) > 1:
        raise ReviewError(f"{question.name} takes one answer; choose one, or 'no answer'.")
    if question.type is QuestionType.SELECT_MULTIPLE:
        chosen: Value = tuple(c for c in allowed if c in codes)  # in printed order
    else:
        chosen = codes[0] if codes else None
    return _decide_question(store, item_id, operator, "correct", chosen, seen)


def no_answer(store: Store, item_id: int, *, operator: str, seen: str | None = None) -> Decision:
    """The respondent gave no valid answer to the question (stored as NULL)."""
    return _decide_question(store, item_id, operator, "no_answer", None, seen)


# ------------------------------------------------------------------ page items


def page_questions(form_map: FormMap, page_no: int) -> tuple[str, ...]:
    """The choice questions printed on page ``page_no``, in printed order."""
    names: list[str] = []
    for box in form_map.page(page_no).boxes:
        if box.question not in names:
            names.append(box.question)
    return tuple(names)


def _all_questions(form_map: FormMap, page_no: int) -> tuple[str, ...]:
    """Every question printed on page ``page_no``: choice questions, then open ones."""
    texts = [t.question for t in form_map.page(page_no).text_areas]
    return page_questions(form_map, page_no) + tuple(dict.fromkeys(texts))


def _result_questions(*results: dict[str, Any]) -> tuple[str, ...]:
    """Every question read on pages with these stored results (choice and open)."""
    names: dict[str, None] = {}
    for result in results:
        for q in (*result.get("questions", ()), *result.get("texts", ())):
            names[q["name"] if "name" in q else q["question"]] = None
    return tuple(names)


def _check_machine_page(item: Item, page_no: int) -> None:
    if item.has_readings and item.machine_page and item.machine_page != page_no:
        raise ReviewError(
            f"the boxes on this sheet are those of page {item.machine_page}, not page "
            f"{page_no}. Check the page number printed at the bottom of the sheet."
        )


def _respondent(store: Store, code: str) -> str:
    p = pseudonyms.normalize(code)
    if not pseudonyms.is_valid(p):
        raise ReviewError(
            f"{code.strip()!r} is not a valid code: it has 9 characters and the last one is a "
            "check character. Copy it from the page (under the QR code) or from the letter."
        )
    if not store.scalar("SELECT 1 FROM respondents WHERE pseudonym = ?", (p,)):
        raise ReviewError(f"{p} is not a respondent of this round; check the code on the page.")
    return p


def _open_items(store: Store, pseudonym: str, sha: str, items: list[tuple[str, str]]) -> int:
    now = utc_now()
    opened = 0
    for question, reason in items:
        cur = store.execute(
            "INSERT INTO review_items (pseudonym, question, page_sha256, reason, "
            "state, created_at) VALUES (?, ?, ?, ?, 'open', ?) ON CONFLICT DO NOTHING",
            (pseudonym, question, sha, reason, now),
        )
        opened += cur.rowcount
    return opened


def assign_page(
    store: Store,
    item_id: int,
    pseudonym: str,
    page_no: int,
    *,
    form_map: FormMap,
    operator: str,
    page_maps: PageMaps | None = None,
) -> Decision:
    """The page of item ``item_id`` is page ``page_no`` of respondent ``pseudonym``.

    Args:
        store: the round's store.
        item_id: the page item.
        pseudonym: the respondent's code, as the operator typed it.
        page_no: the page number printed on the sheet.
        form_map: the round's form map (when ``page_maps`` is ``None``).
        operator: who decides.
        page_maps: the round's form maps per respondent: the page is read
            with ``pseudonym``'s (see :class:`PageMaps`).

    Raises:
        ReviewError: not an open page item of a quarantined page; an invalid or
            unknown pseudonym; a page number outside the questionnaire or other
            than the page the box layout shows; or that respondent's page
            ``page_no`` has already come back.
    """
    with store.transaction():
        item = _item(store, item_id, page=True)
        _open_page(item)
        if item.reason == RETURNED_TWICE:
            raise ReviewError("this page is identified; choose which copy counts instead.")
        p = _respondent(store, pseudonym)
        if page_maps is not None:
            form_map = page_maps.form_map(store, p)
        count = len(form_map.pages)
        if not 1 <= page_no <= count:
            raise ReviewError(
                f"page {page_no} does not exist: the questionnaire has {count} pages."
            )
        if page_maps is None:
            _check_machine_page(item, page_no)
        other = kept_copy(store, p, page_no, item.page_sha256)
        if other is not None:
            raise ReviewError(
                f"page {page_no} of {p} has already come back ({other[1]}). If this sheet "
                "is a second copy, mark it as foreign; otherwise check the code."
            )
        if page_maps is not None:  # read with p's form map; then its boxes tell the page
            form_map = page_maps.align(store, item.page_sha256, p, page_no)
            item = _item(store, item_id, page=True)
            _check_machine_page(item, page_no)
        raw = store.scalar("SELECT result FROM pages WHERE image_sha256 = ?", (item.page_sha256,))
        result = json.loads(raw or "{}")
        scope = Scope((item.page_sha256,), p, _all_questions(form_map, page_no))
        before = journal.capture(store, scope)
        now = utc_now()
        store.execute(
            "UPDATE pages SET pseudonym = ?, page_no = ?, status = 'ok', reason = ? "
            "WHERE image_sha256 = ?",
            (p, page_no, f"assigned by {operator} ({item.reason})", item.page_sha256),
        )
        store.execute("UPDATE clips SET pseudonym = ? WHERE page_sha256 = ?", (p, item.page_sha256))
        questions = result.get("questions", []) if item.has_readings else []
        if questions:
            store.executemany(
                "INSERT INTO answers "
                "(pseudonym, question, value, source, confidence, page_sha256) "
                "VALUES (?, ?, ?, 'paper', ?, ?)" + REPLACE_ANSWER,
                [
                    (
                        p,
                        q["name"],
                        encode_value(
                            tuple(q["value"]) if isinstance(q["value"], list) else q["value"]
                        ),
                        q.get("confidence"),
                        item.page_sha256,
                    )
                    for q in questions
                ],
            )
            todo = [(q["name"], ",".join(q["review"])) for q in questions if q.get("review")]
        else:
            todo = [(q, NO_READING) for q in page_questions(form_map, page_no)]
        opened = _open_items(store, p, item.page_sha256, todo)
        value = f"assign:{p}:{page_no}"
        _close(store, item, operator, value, now)
        _audit(
            store,
            operator,
            "assign_page",
            item,
            assigned=p,
            page_no=page_no,
            readings=len(questions),
            opened=opened,
        )
        journal.record(store, item_id, "assign", operator, scope, before)
    return Decision(item_id, "assign", value, opened)


def mark_page(store: Store, item_id: int, kind: str, *, operator: str) -> Decision:
    """The page is not one of this round (``foreign``) or an empty sheet (``blank``).

    Raises:
        ReviewError: ``kind`` is neither, or not an open page item of a quarantined page.
    """
    if kind not in PAGE_MARKS:
        raise ReviewError(f"a page can be marked {' or '.join(PAGE_MARKS)}, not {kind!r}.")
    with store.transaction():
        item = _item(store, item_id, page=True)
        _open_page(item)
        if item.reason == RETURNED_TWICE:
            raise ReviewError("this page is identified; choose which copy counts instead.")
        scope = Scope((item.page_sha256,))
        before = journal.capture(store, scope)
        store.execute(
            "UPDATE pages SET status = ?, reason = ? WHERE image_sha256 = ?",
            (kind, f"marked {kind} by {operator} ({item.reason})", item.page_sha256),
        )
        _close(store, item, operator, kind, utc_now())
        _audit(store, operator, "mark_page", item, marked=kind)
        journal.record(store, item_id, kind, operator, scope, before)
    return Decision(item_id, kind, kind)


def _copy_item(store: Store, item_id: int) -> Item:
    item = _item(store, item_id, page=True)
    _open_page(item)
    if item.reason != RETURNED_TWICE:
        raise ReviewError("only a page returned twice has two copies to choose from.")
    return item


def keep_first_copy(store: Store, item_id: int, *, operator: str) -> Decision:
    """The copy scanned first counts (as the scan run decided); this copy stays a duplicate."""
    with store.transaction():
        item = _copy_item(store, item_id)
        scope = Scope((item.page_sha256,))
        before = journal.capture(store, scope)
        _close(store, item, operator, "keep_first", utc_now())
        _audit(store, operator, "keep_first_copy", item)
        journal.record(store, item_id, "keep_first", operator, scope, before)
    return Decision(item_id, "keep_first", "keep_first")


def use_this_copy(store: Store, item_id: int, *, operator: str) -> Decision:
    """This later copy counts instead of the one scanned first.

    Its certain readings are written as ``review`` answers (they win over
    the first copy's paper answers); its unsure questions become question
    items; open items of the first copy's page are dismissed, and ``review``
    answers taken from the first copy (decided questions, transcribed texts)
    are removed. Its open answers join the texts queue instead of the first
    copy's (:mod:`review.transcripts`).

    Raises:
        ReviewError: not an open item of a page returned twice, or the first
            copy is no longer there.
    """
    with store.transaction():
        item = _copy_item(store, item_id)
        kept = kept_copy(store, item.pseudonym, item.page_no, item.page_sha256)
        if kept is None:
            raise ReviewError("the copy that counts now cannot be found; run 'scan' again.")
        now = utc_now()
        raw = store.scalar("SELECT result FROM pages WHERE image_sha256 = ?", (item.page_sha256,))
        result = json.loads(raw or "{}")
        first = json.loads(
            store.scalar("SELECT result FROM pages WHERE image_sha256 = ?", (kept[0],)) or "{}"
        )
        questions = result.get("questions", [])
        names = [q["name"] for q in questions]
        scope = Scope((item.page_sha256, kept[0]), item.pseudonym, _result_questions(result, first))
        before = journal.capture(store, scope)
        store.executemany(
            "UPDATE review_items SET state = 'dismissed', decided_value = 'other_copy', "
            "decided_by = ?, decided_at = ? WHERE page_sha256 = ? AND question = ? "
            "AND state = 'open'",
            [(operator, now, kept[0], n) for n in names],
        )
        store.execute(  # operators' answers from the first copy: choices and texts
            "DELETE FROM answers WHERE pseudonym = ? AND source = 'review' AND page_sha256 = ?",
            (item.pseudonym, kept[0]),
        )
        certain = [q for q in questions if not q.get("review")]
        store.executemany(
            "INSERT INTO answers "
            "(pseudonym, question, value, source, confidence, page_sha256) "
            "VALUES (?, ?, ?, 'review', ?, ?)" + REPLACE_ANSWER,
            [
                (
                    item.pseudonym,
                    q["name"],
                    encode_value(tuple(q["value"]) if isinstance(q["value"], list) else q["value"]),
                    q.get("confidence"),
                    item.page_sha256,
                )
                for q in certain
            ],
        )
        todo = [(q["name"], ",".join(q["review"])) for q in questions if q.get("review")]
        opened = _open_items(store, item.pseudonym, item.page_sha256, todo)
        _close(store, item, operator, "use_this", now)
        _audit(
            store,
            operator,
            "use_this_copy",
            item,
            instead_of=kept[0][:16],
            answers=len(certain),
            opened=opened,
        )
        journal.record(store, item_id, "use_this", operator, scope, before)
    return Decision(item_id, "use_this", "use_this", opened)
