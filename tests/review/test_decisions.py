"""Decisions on review items against a real store: answers, item states, audit log, pages."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from analysis.dataset import paper_candidates
from review import decisions
from review.items import NO_READING, load_item
from review.queue import question_queue
from survey.errors import ReviewError
from survey.model import QuestionType
from survey.pseudonym import check_character
from tests.review.conftest import OPERATOR, page_item

pytestmark = pytest.mark.parametrize(  # every test on both stores
    "review_dir", ["sqlite", "postgresql"], indirect=True
)


def question_items(store) -> list[int]:
    return [
        r[0] for r in store.query("SELECT id FROM review_items WHERE question != '' ORDER BY id")
    ]


def answer(store, pseudonym: str, question: str, source: str = "review"):
    return store.query_one(
        "SELECT value, page_sha256 FROM answers WHERE pseudonym = ? AND question = ? "
        "AND source = ?",
        (pseudonym, question, source),
    )


def audits(store, action: str) -> list[tuple[str, dict]]:
    return [
        (r["actor"], json.loads(r["detail"]))
        for r in store.query(
            "SELECT actor, detail FROM audit_log WHERE action = ? ORDER BY id", (action,)
        )
    ]


def snapshot(store) -> dict[str, list]:
    tables = ("answers", "review_items", "pages", "clips")
    out = {t: [tuple(r) for r in store.query(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in tables}
    out["audit"] = [tuple(r)[2:] for r in store.query("SELECT * FROM audit_log ORDER BY id")]
    return out


# ------------------------------------------------------------------ question items


def test_confirm_writes_the_machine_reading_as_a_review_answer(store):
    item = load_item(store, question_items(store)[0])
    assert item.reading is not None
    d = decisions.confirm(store, item.id, operator=OPERATOR, seen="")
    assert d.action == "confirm" and d.value == item.reading.stored
    row = answer(store, item.pseudonym, item.question)
    assert row["value"] == item.reading.stored and row["page_sha256"] == item.page_sha256
    after = load_item(store, item.id)
    assert after.state == "decided" and after.decided_by == OPERATOR and after.decided_at
    assert after.decided_value == item.reading.stored
    ((actor, detail),) = audits(store, "review.confirm")
    assert actor == OPERATOR
    assert detail["item"] == item.id and detail["question"] == item.question
    assert detail["value"] == detail["machine"] == item.reading.stored


def test_a_correction_wins_over_the_paper_reading_in_the_merged_data(store, questionnaire):
    item = load_item(store, question_items(store)[0])
    q = questionnaire.question(item.question)
    other = next(c for c in q.choices.names() if c != item.reading.value)
    decisions.correct(store, item.id, other, question=q, operator=OPERATOR)
    assert answer(store, item.pseudonym, item.question)["value"] == other
    paper = answer(store, item.pseudonym, item.question, "paper")
    assert paper is not None  # the machine's reading is kept next to the decision
    merged = {c.pseudonym: c.answers for c in paper_candidates(store)}
    assert merged[item.pseudonym][item.question] == other
    ((_, detail),) = audits(store, "review.correct")
    assert detail["value"] == other and detail["machine"] == item.reading.stored


def test_no_answer_is_stored_as_null_and_drops_out_of_the_merged_data(store):
    item = load_item(store, question_items(store)[0])
    decisions.no_answer(store, item.id, operator=OPERATOR)
    row = answer(store, item.pseudonym, item.question)
    assert row is not None and row["value"] is None
    assert load_item(store, item.id).state == "decided"
    merged = {c.pseudonym: c.answers for c in paper_candidates(store)}
    assert item.question not in merged[item.pseudonym]


def test_deciding_again_replaces_the_answer_and_keeps_both_in_the_audit_log(store, questionnaire):
    item = load_item(store, question_items(store)[0])
    q = questionnaire.question(item.question)
    first = decisions.no_answer(store, item.id, operator=OPERATOR)
    seen = load_item(store, item.id).decided_at
    code = q.choices.names()[0]
    decisions.correct(store, item.id, code, question=q, operator="bert", seen=seen)
    assert answer(store, item.pseudonym, item.question)["value"] == code
    assert first.value is None
    ((actor, detail),) = audits(store, "review.correct")
    assert actor == "bert" and detail["previous"] is None and detail["value"] == code
    assert len(audits(store, "review.no_answer")) == 1


def test_a_decision_on_an_outdated_view_is_refused(store):
    item_id = question_items(store)[0]
    decisions.no_answer(store, item_id, operator="bert")
    before = snapshot(store)
    with pytest.raises(ReviewError, match="bert decided this item meanwhile"):
        decisions.confirm(store, item_id, operator=OPERATOR, seen="")
    assert snapshot(store) == before


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("99", "99 is not a choice of"),
        (("1", "2"), "takes one answer"),
    ],
)
def test_invalid_corrections_change_nothing(store, questionnaire, value, message):
    item = load_item(store, question_items(store)[0])
    q = questionnaire.question(item.question)
    before = snapshot(store)
    with pytest.raises(ReviewError, match=message):
        decisions.correct(store, item.id, value, question=q, operator=OPERATOR)
    assert snapshot(store) == before


def test_multiple_choice_corrections_are_stored_in_printed_order(store, questionnaire):
    item = load_item(store, question_items(store)[0])
    q = replace(questionnaire.question(item.question), type=QuestionType.SELECT_MULTIPLE)
    names = q.choices.names()
    d = decisions.correct(store, item.id, (names[2], names[0]), question=q, operator=OPERATOR)
    assert d.value == f"{names[0]} {names[2]}"
    assert answer(store, item.pseudonym, item.question)["value"] == d.value
    empty = decisions.correct(store, item.id, (), question=q, operator=OPERATOR)
    assert empty.value is None  # nothing ticked: no answer


def test_question_decisions_refuse_page_items_and_unknown_ids(store):
    with pytest.raises(ReviewError, match="is about a page"):
        decisions.confirm(store, page_item(store, "foreign"), operator=OPERATOR)
    with pytest.raises(ReviewError, match="does not exist"):
        decisions.no_answer(store, 10_000, operator=OPERATOR)


# ------------------------------------------------------------------ page items


def test_assigning_the_reference_page_makes_it_the_respondents_page(store, review_round):
    item_id = page_item(store, "unidentified")
    item = load_item(store, item_id)
    assert item.has_readings and item.machine_page == 3
    result = json.loads(
        store.scalar("SELECT result FROM pages WHERE image_sha256 = ?", (item.page_sha256,))
    )
    unsure = [q["name"] for q in result["questions"] if q["review"]]
    who = review_round.newcomer
    d = decisions.assign_page(
        store, item_id, who.lower(), 3, form_map=review_round.form_map, operator=OPERATOR
    )
    assert d.value == f"assign:{who}:3" and d.opened == len(unsure)
    page = store.query_one(
        "SELECT pseudonym, page_no, status FROM pages WHERE image_sha256 = ?", (item.page_sha256,)
    )
    assert tuple(page) == (who, 3, "ok")
    paper = {
        r[0]: r[1]
        for r in store.query(
            "SELECT question, value FROM answers WHERE pseudonym = ? AND source = 'paper'", (who,)
        )
    }
    assert set(paper) == {q["name"] for q in result["questions"]}
    opened = store.query(
        "SELECT question FROM review_items WHERE pseudonym = ? AND question != ''", (who,)
    )
    assert sorted(r[0] for r in opened) == sorted(unsure)
    assert load_item(store, item_id).state == "decided"
    ((actor, detail),) = audits(store, "review.assign_page")
    assert actor == OPERATOR and detail["assigned"] == who and detail["page_no"] == 3
    assert who in {c.pseudonym for c in paper_candidates(store)}
    with pytest.raises(ReviewError, match="already decided"):
        decisions.mark_page(store, item_id, "blank", operator=OPERATOR)


def test_a_page_the_machine_could_not_read_becomes_questions_to_enter(store, review_round):
    item_id = page_item(store, "unregistrable")
    who = review_round.newcomer
    d = decisions.assign_page(
        store, item_id, who, 2, form_map=review_round.form_map, operator=OPERATOR
    )
    expected = decisions.page_questions(review_round.form_map, 2)
    assert expected and d.opened == len(expected)
    rows = store.query(
        "SELECT question, reason, state FROM review_items WHERE pseudonym = ? AND question != ''",
        (who,),
    )
    assert sorted(r[0] for r in rows) == sorted(expected)
    assert {(r[1], r[2]) for r in rows} == {(NO_READING, "open")}
    assert store.scalar("SELECT count(*) FROM answers WHERE pseudonym = ?", (who,)) == 0
    # the new items join the queue question by question, and can be entered
    entries = [e for e in question_queue(store, {}) if e.pseudonym == who]
    assert len(entries) == len(expected)
    new = load_item(store, entries[0].id)
    assert new.reading is None and new.preview  # no reading: the page image is shown
    with pytest.raises(ReviewError, match="no reading"):
        decisions.confirm(store, new.id, operator=OPERATOR)
    decisions.no_answer(store, new.id, operator=OPERATOR)


@pytest.mark.parametrize(
    ("who", "page_no", "message"),
    [
        ("ABCDEFGH0", 3, "is not a valid code"),
        ("first", 3, "already come back"),
        ("stranger", 3, "is not a respondent of this round"),
        ("newcomer", 0, "does not exist"),
        ("newcomer", 99, "does not exist"),
        ("newcomer", 2, "the boxes on this sheet are those of page 3"),
    ],
)
def test_wrong_assignments_change_nothing(store, review_round, who, page_no, message):
    stranger_body = "ABCDEFGH"
    codes = {
        "first": review_round.template.pseudonyms[0],
        "newcomer": review_round.newcomer,
        "stranger": stranger_body + check_character(stranger_body),
    }
    item_id = page_item(store, "unidentified")
    before = snapshot(store)
    with pytest.raises(ReviewError, match=message):
        decisions.assign_page(
            store,
            item_id,
            codes.get(who, who),
            page_no,
            form_map=review_round.form_map,
            operator=OPERATOR,
        )
    assert snapshot(store) == before


@pytest.mark.parametrize("kind", ["foreign", "blank"])
def test_marking_a_page(store, kind):
    item_id = page_item(store, "unregistrable")
    sha = load_item(store, item_id).page_sha256
    decisions.mark_page(store, item_id, kind, operator=OPERATOR)
    status, reason = store.query_one(
        "SELECT status, reason FROM pages WHERE image_sha256 = ?", (sha,)
    )
    assert status == kind and OPERATOR in reason
    assert load_item(store, item_id).decided_value == kind
    ((actor, detail),) = audits(store, "review.mark_page")
    assert actor == OPERATOR and detail["marked"] == kind
    with pytest.raises(ReviewError, match="can be marked foreign or blank"):
        decisions.mark_page(store, page_item(store, "foreign"), "lost", operator="x")


def test_keeping_the_first_copy_changes_no_answers(store):
    item_id = page_item(store, "returned_twice")
    answers = store.query("SELECT * FROM answers ORDER BY 1, 2, 4")
    decisions.keep_first_copy(store, item_id, operator=OPERATOR)
    assert store.query("SELECT * FROM answers ORDER BY 1, 2, 4") == answers
    assert load_item(store, item_id).decided_value == "keep_first"
    with pytest.raises(ReviewError, match="only a page returned twice"):
        decisions.use_this_copy(store, page_item(store, "foreign"), operator="x")


def test_using_the_later_copy_makes_its_answers_count(store):
    item_id = page_item(store, "returned_twice")
    item = load_item(store, item_id)
    result = json.loads(
        store.scalar("SELECT result FROM pages WHERE image_sha256 = ?", (item.page_sha256,))
    )
    d = decisions.use_this_copy(store, item_id, operator=OPERATOR)
    certain = {q["name"] for q in result["questions"] if not q["review"]}
    unsure = {q["name"] for q in result["questions"] if q["review"]}
    assert certain
    merged = {c.pseudonym: c.answers for c in paper_candidates(store)}[item.pseudonym]
    for q in result["questions"]:
        if q["name"] in certain and q["value"] is not None:
            assert merged[q["name"]] == q["value"]
    assert d.opened == len(unsure)
    open_first_copy = store.scalar(
        "SELECT count(*) FROM review_items r JOIN pages p ON p.image_sha256 = r.page_sha256 "
        "WHERE r.pseudonym = ? AND p.page_no = ? AND p.status = 'ok' AND r.state = 'open' "
        "AND r.question != ''",
        (item.pseudonym, item.page_no),
    )
    assert open_first_copy == 0
    ((_, detail),) = audits(store, "review.use_this_copy")
    assert detail["answers"] == len(certain)
