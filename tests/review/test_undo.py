"""Undoing page decisions: the exact state before, dependent decisions, refusals, audit."""

from __future__ import annotations

import json

import pytest

from review import decisions, journal, transcripts, undo
from review.items import load_item
from review.transcripts import load_text, sync, text_queue
from survey.errors import ReviewError
from tests.review.conftest import OPERATOR, page_item

both_stores = pytest.mark.parametrize("review_dir", ["sqlite", "postgresql"], indirect=True)

TABLES = ("answers", "review_items", "pages", "clips", "transcriptions")


def state(store) -> dict[str, list]:
    """Every table a decision or its undo touches (not the audit log and journal)."""
    return {t: [tuple(r) for r in store.query(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in TABLES}


def undo_audits(store) -> list[tuple[str, dict]]:
    return [
        (r[0], json.loads(r[1]))
        for r in store.query(
            "SELECT actor, detail FROM audit_log WHERE action = 'review.undo_page' ORDER BY id"
        )
    ]


def assign_reference(store, review_round) -> int:
    item_id = page_item(store, "unidentified")
    decisions.assign_page(
        store, item_id, review_round.newcomer, 3, form_map=review_round.form_map, operator=OPERATOR
    )
    return item_id


@both_stores
def test_undoing_an_assignment_restores_the_page_exactly(store, review_round):
    sync(store)
    before = state(store)
    item_id = assign_reference(store, review_round)
    assert state(store) != before
    p = undo.plan(store, item_id, OPERATOR)
    assert p.entry.action == "assign" and not p.blocked and not p.needs_confirmation
    undo.undo_page(store, item_id, operator=OPERATOR)
    assert state(store) == before
    item = load_item(store, item_id)
    assert item.is_open and item.page_status == "unidentified"
    ((actor, detail),) = undo_audits(store)
    assert actor == OPERATOR and detail["undone"] == "assign" and detail["dependents"] == []
    assert detail["decided_by"] == OPERATOR and detail["item"] == item_id
    # the page can be decided again, and that decision undone in turn
    decisions.mark_page(store, item_id, "foreign", operator=OPERATOR)
    undo.undo_page(store, item_id, operator=OPERATOR)
    assert state(store) == before
    with pytest.raises(ReviewError, match="no decision to undo"):
        undo.undo_page(store, item_id, operator=OPERATOR)


@both_stores
@pytest.mark.parametrize("action", ["foreign", "blank", "keep_first", "use_this"])
def test_every_page_decision_can_be_undone(store, action):
    reason = "returned_twice" if action in ("keep_first", "use_this") else "unregistrable"
    item_id = page_item(store, reason)
    sync(store)
    before = state(store)
    if action == "keep_first":
        decisions.keep_first_copy(store, item_id, operator=OPERATOR)
    elif action == "use_this":
        decisions.use_this_copy(store, item_id, operator=OPERATOR)
    else:
        decisions.mark_page(store, item_id, action, operator=OPERATOR)
    sync(store)
    undo.undo_page(store, item_id, operator=OPERATOR)
    assert state(store) == before


@both_stores
def test_later_decisions_on_the_page_are_listed_and_undone_with_it(store, review_round):
    sync(store)
    before = state(store)
    item_id = page_item(store, "unregistrable")
    decisions.assign_page(
        store, item_id, review_round.newcomer, 2, form_map=review_round.form_map, operator="bert"
    )
    opened = [
        r[0]
        for r in store.query(
            "SELECT id FROM review_items WHERE pseudonym = ? AND question != '' ORDER BY id",
            (review_round.newcomer,),
        )
    ]
    decisions.no_answer(store, opened[0], operator="carla")
    p = undo.plan(store, item_id, OPERATOR)
    assert not p.blocked and p.needs_confirmation
    ((dep),) = p.dependents
    assert (dep.kind, dep.item_id, dep.decided_by) == ("question", opened[0], "carla")
    unchanged = state(store)
    with pytest.raises(ReviewError, match="confirm the undo"):
        undo.undo_page(store, item_id, operator=OPERATOR)
    with pytest.raises(ReviewError, match="changed meanwhile"):
        undo.undo_page(store, item_id, operator=OPERATOR, confirm="0" * 16)
    assert state(store) == unchanged
    undo.undo_page(store, item_id, operator=OPERATOR, confirm=p.token)
    assert state(store) == before
    ((_, detail),) = undo_audits(store)
    assert detail["decided_by"] == "bert"
    assert detail["dependents"] == [
        {"kind": "question", "item": opened[0], "question": dep.question, "decided_by": "carla"}
    ]


def test_a_confirmation_is_for_what_was_shown(store, review_round):
    item_id = page_item(store, "unregistrable")
    decisions.assign_page(
        store, item_id, review_round.newcomer, 2, form_map=review_round.form_map, operator="bert"
    )
    token = undo.plan(store, item_id, OPERATOR).token  # someone else's decision, nothing later
    opened = store.scalar(
        "SELECT min(id) FROM review_items WHERE pseudonym = ? AND question != ''",
        (review_round.newcomer,),
    )
    decisions.no_answer(store, opened, operator="carla")  # meanwhile
    with pytest.raises(ReviewError, match="changed meanwhile"):
        undo.undo_page(store, item_id, operator=OPERATOR, confirm=token)
    assert load_item(store, item_id).state == "decided"


@both_stores
def test_transcriptions_of_a_later_copy_are_undone_with_use_this(store):
    """Undo *use this copy*: the first copy's transcribed text comes back."""
    item_id = page_item(store, "returned_twice")
    sha = load_item(store, item_id).page_sha256
    pseudonym, page_no = store.query_one(
        "SELECT pseudonym, page_no FROM pages WHERE image_sha256 = ?", (sha,)
    )
    first = store.scalar(
        "SELECT image_sha256 FROM pages WHERE pseudonym = ? AND page_no = ? AND status = 'ok'",
        (pseudonym, page_no),
    )
    with store.transaction():
        for key in (first, sha):
            store.execute(
                "INSERT INTO clips (page_sha256, question, pseudonym, kind, path) "
                "VALUES (?, 'q56_good_point_explain', ?, 'text', ?)",
                (key, pseudonym, f"clips/x/{key[:8]}.png"),
            )
    sync(store)
    (old,) = [e.id for e in text_queue(store, {}) if load_text(store, e.id).page_sha256 == first]
    transcripts.transcribe(store, old, "van de eerste kopie", operator=OPERATOR)
    before = state(store)
    decisions.use_this_copy(store, item_id, operator=OPERATOR)
    sync(store)
    (new,) = [e.id for e in text_queue(store, {}) if load_text(store, e.id).page_sha256 == sha]
    transcripts.transcribe(store, new, "van de tweede kopie", operator="bert")
    p = undo.plan(store, item_id, OPERATOR)
    assert [(d.kind, d.item_id, d.decided_by) for d in p.dependents] == [("text", new, "bert")]
    undo.undo_page(store, item_id, operator=OPERATOR, confirm=p.token)
    assert state(store) == before
    value = store.scalar(
        "SELECT value FROM answers WHERE pseudonym = ? AND question = 'q56_good_point_explain' "
        "AND source = 'review'",
        (pseudonym,),
    )
    assert value == "van de eerste kopie"


def test_an_undo_is_refused_when_the_page_changed_otherwise(store, review_round):
    item_id = assign_reference(store, review_round)
    sha = load_item(store, item_id).page_sha256
    with store.transaction():  # as a later scan run might
        store.execute("UPDATE pages SET reason = 'rescanned' WHERE image_sha256 = ?", (sha,))
    p = undo.plan(store, item_id, OPERATOR)
    assert "changed since this decision" in p.blocked and "pages" in p.blocked
    unchanged = state(store)
    with pytest.raises(ReviewError, match="changed since this decision"):
        undo.undo_page(store, item_id, operator=OPERATOR, confirm=p.token)
    assert state(store) == unchanged


def test_an_undo_waits_for_later_page_decisions_on_the_same_page(store, review_round):
    item_id = assign_reference(store, review_round)
    entry = journal.latest(store, item_id)
    with store.transaction():  # a second journalled decision on the same page
        journal.record(store, 999, "foreign", "bert", entry.scope, entry.after)
    p = undo.plan(store, item_id, OPERATOR)
    assert "Undo that one first" in p.blocked and "item 999 (foreign, bert)" in p.blocked


def test_decisions_without_a_journal_cannot_be_undone(store, review_round):
    item_id = assign_reference(store, review_round)
    with store.transaction():
        store.execute("DELETE FROM page_decisions")
    assert "made before undo was possible" in undo.plan(store, item_id, OPERATOR).blocked
    with pytest.raises(ReviewError, match="made before undo"):
        undo.undo_page(store, item_id, operator=OPERATOR)


def test_undo_refuses_open_and_question_items(store):
    with pytest.raises(ReviewError, match="no decision to undo"):
        undo.plan(store, page_item(store, "foreign"), OPERATOR)
    question = store.scalar("SELECT min(id) FROM review_items WHERE question != ''")
    with pytest.raises(ReviewError, match="does not exist"):
        undo.plan(store, question, OPERATOR)


def test_journal_changes_ignore_drafts_and_see_everything_else():
    row = {"page_sha256": "a", "question": "q", "draft": None, "state": "open"}
    before = {"transcriptions": [row]}
    assert journal.changes(before, {"transcriptions": [{**row, "draft": "x"}]}) == []
    (change,) = journal.changes(before, {"transcriptions": [{**row, "state": "decided"}]})
    assert change.key == ("a", "q") and change.then["state"] == "open"
    (gone,) = journal.changes(before, {})
    assert gone.now is None
