"""Leases on review items: one operator per item, across threads, connections and apps."""

from __future__ import annotations

import re
import threading
from pathlib import Path

import pytest

from review import app as app_module
from review.auth import add_operator
from review.leases import PAGES, QUESTIONS, Leases
from review.queue import question_order, question_queue
from survey.store import Store
from tests.review.conftest import PASSWORD
from tests.review.test_app import Client

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def empty_store(tmp_path):
    with Store.open(tmp_path / "store.sqlite", create=True) as s:
        yield s


def test_a_lease_is_the_holders_until_it_expires(empty_store):
    clock = Clock()
    leases = Leases(seconds=60, clock=clock)
    assert leases.take(empty_store, QUESTIONS, 7, "anna")
    assert leases.take(empty_store, QUESTIONS, 7, "anna")  # renewed
    assert not leases.take(empty_store, QUESTIONS, 7, "bert")
    assert leases.holder(empty_store, QUESTIONS, 7) == "anna"
    assert leases.holders(empty_store, QUESTIONS, "bert") == {7: "anna"}
    assert leases.holders(empty_store, QUESTIONS, "anna") == {}
    assert leases.take(empty_store, PAGES, 7, "bert")  # another queue, another item
    clock.now += 61  # anna walked away
    assert leases.holder(empty_store, QUESTIONS, 7) == ""
    assert leases.take(empty_store, QUESTIONS, 7, "bert")
    assert not leases.take(empty_store, QUESTIONS, 7, "anna")


def test_an_operator_holds_one_item_per_queue(empty_store):
    leases = Leases()
    assert leases.take(empty_store, QUESTIONS, 1, "anna")
    assert leases.take(empty_store, QUESTIONS, 2, "anna")  # moving on gives item 1 back
    assert leases.take(empty_store, QUESTIONS, 1, "bert")
    leases.release(empty_store, "anna")
    assert leases.take(empty_store, QUESTIONS, 2, "carla")


def test_claim_skips_items_colleagues_hold(empty_store):
    leases = Leases()
    leases.take(empty_store, QUESTIONS, 1, "anna")
    assert leases.claim(empty_store, QUESTIONS, [1, 2, 3], "bert", lambda i: True) == 2
    assert leases.claim(empty_store, QUESTIONS, [1, 2], "carla", lambda i: True) is None
    assert leases.claim(empty_store, QUESTIONS, [], "carla", lambda i: True) is None
    # an item decided after the queue was read is passed over once its lease is taken
    assert leases.claim(empty_store, QUESTIONS, [3, 4], "carla", lambda i: i != 3) == 4
    # ... and its lease is given back, also when nothing is left to claim
    assert leases.claim(empty_store, QUESTIONS, [5], "dirk", lambda i: False) is None
    assert leases.holder(empty_store, QUESTIONS, 5) == ""


def test_of_many_operators_racing_for_one_item_exactly_one_wins(tmp_path, empty_store):
    """Each thread has its own connection, as separate server processes would."""
    path = tmp_path / "store.sqlite"
    start = threading.Barrier(8)
    won: list[str] = []

    def race(name: str) -> None:
        with Store.open(path) as store:
            start.wait()
            if Leases().take(store, QUESTIONS, 42, name):
                won.append(name)

    threads = [threading.Thread(target=race, args=(f"op{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(won) == 1
    assert Leases().holder(empty_store, QUESTIONS, 42) == won[0]


@pytest.mark.parametrize(
    "path", ["survey/migrations/v006_review_leases.py", "review/leases.py", "review/auth.py"]
)
def test_the_lease_and_session_sql_is_portable(path):
    """The store is to run on PostgreSQL too: no SQLite-only SQL in what this schema added."""
    text = (ROOT / path).read_text()
    for sqlite_only in (
        r"OR\s+IGNORE",
        r"OR\s+REPLACE",
        r"\browid\b",
        r"WITHOUT\s+ROWID",
        r"PRAGMA",
        r"AUTOINCREMENT",
        r"datetime\(",
        r"strftime\(",
        r"\bGLOB\b",
    ):
        assert not re.search(sqlite_only, text, re.IGNORECASE), (path, sqlite_only)


# ------------------------------------------------------------------ through the app


def two_operators(config, leases: Leases | None = None):
    with Store.open(config.root / "store.sqlite") as store:
        add_operator(store, "bert", PASSWORD)
    anna = Client(app_module.ReviewApp(config, leases=leases))
    bert = Client(app_module.ReviewApp(config, leases=leases))  # another process, say
    assert anna.login().status == 303
    assert bert.login("bert").status == 303
    return anna, bert


def test_two_operators_never_get_the_same_item(config, store):
    anna, bert = two_operators(config)
    entries = question_queue(store, question_order(config.questionnaire))
    first, second = entries[0].id, entries[1].id
    assert anna.get("/items/next").location == f"/items/{first}"
    assert bert.get("/items/next").location == f"/items/{second}"
    # bert looks at anna's item: he is told, and his decision is refused
    shown = bert.get(f"/items/{first}")
    assert shown.status == 200 and "anna werkt aan dit item" in shown.text
    refused = bert.post(f"/items/{first}", {"action": "none"})
    assert refused.status == 409 and "anna werkt aan dit item" in refused.text
    assert store.scalar("SELECT state FROM review_items WHERE id = ?", (first,)) == "open"
    # anna decides; her next item is neither hers nor bert's
    done = anna.post(f"/items/{first}", {"action": "none"})
    assert done.status == 303 and done.location not in (
        f"/items/{first}?msg=saved",
        f"/items/{second}?msg=saved",
    )


def test_an_abandoned_item_comes_back_when_its_lease_expires(config, store):
    clock = Clock()
    anna, bert = two_operators(config, Leases(seconds=600, clock=clock))
    first = question_queue(store, question_order(config.questionnaire))[0].id
    assert anna.get("/items/next").location == f"/items/{first}"
    assert bert.get("/items/next").location != f"/items/{first}"
    clock.now += 601  # anna closed her browser
    assert bert.get("/items/next").location == f"/items/{first}"
    assert bert.post(f"/items/{first}", {"action": "none"}).status == 303


def test_when_colleagues_hold_the_rest_the_overview_says_so(config, store):
    anna, bert = two_operators(config)
    entries = question_queue(store, question_order(config.questionnaire))
    for e in entries[1:]:
        store.execute("UPDATE review_items SET state = 'decided' WHERE id = ?", (e.id,))
    assert anna.get("/items/next").location == f"/items/{entries[0].id}"
    assert bert.get("/items/next").location == "/?msg=all_taken"
    assert "in behandeling bij collega" in bert.get("/?msg=all_taken").text


def test_logging_out_gives_the_items_back(config, store):
    anna, bert = two_operators(config)
    first = question_queue(store, question_order(config.questionnaire))[0].id
    anna.get("/items/next")
    assert anna.post("/logout", {}).status == 303
    assert bert.get("/items/next").location == f"/items/{first}"


def test_page_items_are_leased_too(config, store):
    anna, bert = two_operators(config)
    listing = anna.get("/pages").text
    page_id = int(re.search(r'href="/pages/(\d+)"', listing).group(1))
    assert anna.get(f"/pages/{page_id}").status == 200
    refused = bert.post(f"/pages/{page_id}", {"action": "foreign"})
    assert refused.status == 409 and "anna werkt aan dit item" in refused.text


def test_texts_are_leased_too(config, store):
    from review.transcripts import sync, text_queue

    anna, bert = two_operators(config)
    sync(store)
    ids = [e.id for e in text_queue(store, question_order(config.questionnaire))]
    assert anna.get("/texts/next").location == f"/texts/{ids[0]}"
    assert bert.get("/texts/next").location == f"/texts/{ids[1]}"
    refused = bert.post(f"/texts/{ids[0]}", {"action": "empty"})
    assert refused.status == 409 and "anna werkt aan dit item" in refused.text
    assert (
        anna.post(f"/texts/{ids[0]}", {"action": "empty"}).location == f"/texts/{ids[2]}?msg=saved"
    )
