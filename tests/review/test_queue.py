"""The review queue: question by question across sheets, positions and the overview."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from review import decisions, queue
from review.items import decode_value, encode_value, load_item
from tests.review.conftest import OPERATOR, page_item


def entry(i: int, question: str, state: str = "open", pseudonym: str = "P") -> queue.Entry:
    return queue.Entry(i, question, pseudonym, "uncertain_mark", state, 1)


def test_items_of_one_question_come_together_in_questionnaire_order(store):
    rows = [
        ("AAAAAAAA", "q10_b", "uncertain_mark"),
        ("BBBBBBBB", "q02_a", "multiple_marks"),
        ("CCCCCCCC", "q10_b", "multiple_marks"),
        ("DDDDDDDD", "q02_a", "multiple_marks"),
    ]
    sha = store.scalar("SELECT image_sha256 FROM pages WHERE status = 'ok' LIMIT 1")
    with store.transaction():
        store.execute("DELETE FROM review_items WHERE question != ''")
        for p, q, reason in rows:
            store.execute(
                "INSERT INTO review_items (pseudonym, question, page_sha256, reason, created_at) "
                "VALUES (?, ?, ?, ?, '2027-01-01T00:00:00Z')",
                (p, q, f"{sha[:-8]}{p}" if p != "AAAAAAAA" else sha, reason),
            )
    order = {"q02_a": 0, "q10_b": 1}
    got = [(e.question, e.reason, e.pseudonym) for e in queue.question_queue(store, order)]
    assert got == [
        ("q02_a", "multiple_marks", "BBBBBBBB"),
        ("q02_a", "multiple_marks", "DDDDDDDD"),
        ("q10_b", "multiple_marks", "CCCCCCCC"),
        ("q10_b", "uncertain_mark", "AAAAAAAA"),
    ]
    # questions the questionnaire does not know go last, by name
    reverse = [e.question for e in queue.question_queue(store, {"q10_b": 0})]
    assert reverse == ["q10_b", "q10_b", "q02_a", "q02_a"]


def test_the_queue_of_the_scanned_round_follows_the_questionnaire(store, questionnaire):
    order = queue.question_order(questionnaire)
    entries = queue.question_queue(store, order)
    assert entries and all(e.is_open and e.pseudonym for e in entries)
    positions = [order[e.question] for e in entries]
    assert positions == sorted(positions)
    pages = queue.page_queue(store)
    assert {e.reason for e in pages} == {
        "foreign",
        "unregistrable",
        "unidentified",
        "returned_twice",
    }


def test_decided_items_stay_in_the_queue_and_dismissed_ones_leave(store, questionnaire):
    order = queue.question_order(questionnaire)
    first = queue.question_queue(store, order)[0]
    decisions.no_answer(store, first.id, operator=OPERATOR)
    entries = queue.question_queue(store, order)
    assert entries[0].id == first.id and not entries[0].is_open
    assert queue.first_open(entries) != first.id
    store.execute("UPDATE review_items SET state = 'dismissed' WHERE id = ?", (first.id,))
    assert first.id not in [e.id for e in queue.question_queue(store, order)]


def test_page_items_list_open_ones_first_in_scan_order(store):
    entries = queue.page_queue(store)
    sources = [load_item(store, e.id).source for e in entries]
    # late.pdf: the foreign page, the stray sheet, the reference print, the second copy
    assert sources == [f"late.pdf p.{n}" for n in (1, 2, 3, 4)]
    assert [e.reason for e in entries] == [
        "foreign",
        "unregistrable",
        "unidentified",
        "returned_twice",
    ]
    foreign = page_item(store, "foreign")
    decisions.mark_page(store, foreign, "foreign", operator=OPERATOR)
    entries = queue.page_queue(store)
    assert entries[-1].id == foreign and all(e.is_open for e in entries[:-1])


def test_positions_know_the_neighbours_and_the_next_open_item():
    entries = [
        entry(1, "a", "decided"),
        entry(2, "a"),
        entry(3, "b", "decided"),
        entry(4, "b"),
    ]
    p = queue.position(entries, 2)
    assert (p.index, p.total, p.open, p.done) == (2, 4, 2, 2)
    assert (p.previous, p.next, p.next_open) == (1, 3, 4)
    last = queue.position(entries, 4)
    assert (last.next, last.next_open) == (None, 2)  # wraps around
    missing = queue.position(entries, 99)
    assert (missing.index, missing.next_open) == (0, 2)
    only = queue.position([entry(5, "a")], 5)
    assert only.next_open is None


@given(
    st.lists(st.sampled_from(["open", "decided"]), min_size=1, max_size=30),
    st.data(),
)
def test_position_invariants(states, data):
    entries = [entry(i + 1, f"q{i % 3}", s) for i, s in enumerate(states)]
    item = data.draw(st.sampled_from(entries))
    p = queue.position(entries, item.id)
    assert entries[p.index - 1] == item
    assert p.open == states.count("open")
    if p.next_open is None:
        assert all(not e.is_open for e in entries if e.id != item.id)
    else:
        target = next(e for e in entries if e.id == p.next_open)
        assert target.is_open and target.id != item.id
        after = [e for e in entries if e.id > item.id and e.is_open]
        assert target.id == (after[0].id if after else min(e.id for e in entries if e.is_open))


def test_the_overview_counts_per_question():
    entries = [entry(1, "a", "decided"), entry(2, "a"), entry(3, "b", "decided")]
    summary = queue.summarise(entries)
    assert [(s.question, s.open, s.decided, s.first, s.first_open) for s in summary] == [
        ("a", 1, 1, 1, 2),
        ("b", 0, 1, 3, None),
    ]


@given(st.one_of(st.none(), st.text("0123456789", min_size=1, max_size=3)))
def test_single_values_round_trip(code):
    assert decode_value(encode_value(code), multiple=False) == code


@given(st.lists(st.text("abc123", min_size=1, max_size=3), unique=True, max_size=5).map(tuple))
def test_multiple_values_round_trip(codes):
    assert decode_value(encode_value(codes), multiple=True) == codes


def test_an_item_shows_the_machine_reading_of_its_boxes(store, questionnaire):
    item = load_item(store, queue.question_queue(store, {})[0].id, store.path.parent)
    assert item is not None and item.reading is not None
    names = questionnaire.question(item.question).choices.names()
    assert [b.choice for b in item.reading.boxes] == list(names)
    assert all(
        0 <= b.confidence <= 1 and b.state_name in {"empty", "marked", "filled"}
        for b in item.reading.boxes
    )
    assert item.clip.startswith(f"clips/{item.pseudonym}/{item.question}_")
    assert re.fullmatch(r"(batch|late)\.pdf p\.\d+", item.source) and item.page_no >= 1
    assert load_item(store, 10_000) is None
