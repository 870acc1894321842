"""The texts queue and the undo of page decisions through the WSGI app (no browser)."""

from __future__ import annotations

import html
import re

import pytest

from review import decisions
from review.queue import question_order
from review.transcripts import ILLEGIBLE, load_text, sync, text_queue
from tests.review.conftest import OPERATOR, page_item
from tests.review.test_app import Client


@pytest.fixture
def logged_in(app) -> Client:
    client = Client(app)
    assert client.login().status == 303
    return client


def queue_ids(store, questionnaire) -> list[int]:
    sync(store)
    return [e.id for e in text_queue(store, question_order(questionnaire))]


def review_answer(store, item):
    return store.query_one(
        "SELECT value FROM answers WHERE pseudonym = ? AND question = ? AND source = 'review'",
        (item.pseudonym, item.question),
    )


def textarea(page: str) -> str:
    m = re.search(r'<textarea name="text" id="text"[^>]*>(.*?)</textarea>', page, re.S)
    return html.unescape(m.group(1))


def test_the_texts_pages_need_an_operator(app):
    client = Client(app)
    for path in ("/texts/next", "/texts/1", "/texts/1/image"):
        assert client.get(path).location.startswith("/login?next=")


def test_an_item_shows_clip_question_and_draft_and_reads_the_next_one_ahead(
    logged_in, app, store, questionnaire, ocr
):
    first, second = queue_ids(store, questionnaire)[:2]
    reply = logged_in.get("/texts/next")
    assert reply.status == 303 and reply.location == f"/texts/{first}"
    page = logged_in.get(f"/texts/{first}").text
    item = load_text(store, first)
    label = questionnaire.question(item.question).label.get("nl")
    assert label in html.unescape(page) and 'id="clip"' in page
    assert textarea(page) == ocr.text and f'id="draft">{ocr.text}<' in page
    assert "Tesseract leest handschrift slecht" in page and "[telefoonnummer]" in page
    assert "Item 1 van" in page
    app.drafts.wait()
    assert load_text(store, second).draft == ocr.text  # read ahead in the background
    assert len(ocr.calls) == 2
    image = logged_in.get(f"/texts/{first}/image")
    assert image.status == 200 and image.body.startswith(b"\x89PNG")
    assert logged_in.get("/texts/10000").status == 404


def test_only_the_script_focuses_the_text_box(logged_in, store, questionnaire):
    """An ``autofocus`` attribute would take the box back after an early Esc.

    Chromium applies it at the first rendered frame, which may come after the
    operator pressed Esc to use the O / J / K shortcuts (see
    ``test_browser.test_esc_before_the_first_frame_leaves_the_text_box``).
    """
    first = queue_ids(store, questionnaire)[0]
    page = logged_in.get(f"/texts/{first}").text
    box = re.search(r"<textarea[^>]*>", page)
    assert box is not None and 'id="text"' in box.group(0)
    assert "autofocus" not in box.group(0)


def test_saving_moves_to_the_next_open_text(logged_in, store, questionnaire):
    first, second = queue_ids(store, questionnaire)[:2]
    reply = logged_in.post(
        f"/texts/{first}", {"action": "save", "text": "Prima geholpen", "seen": ""}
    )
    assert reply.status == 303 and reply.location == f"/texts/{second}?msg=saved"
    item = load_text(store, first)
    assert item.decision == "text" and review_answer(store, item)["value"] == "Prima geholpen"
    page = logged_in.get(f"/texts/{first}").text
    assert "Besloten door anna" in page and textarea(page) == "Prima geholpen"


def test_a_phone_number_is_saved_only_after_a_warning(logged_in, store, questionnaire):
    first = queue_ids(store, questionnaire)[0]
    text = "bel me op 06 1234 5678"
    reply = logged_in.post(f"/texts/{first}", {"action": "save", "text": text, "seen": ""})
    assert reply.status == 200 and 'id="text-warning"' in reply.text
    assert "een telefoonnummer" in reply.text and textarea(reply.text) == text
    assert load_text(store, first).is_open  # nothing saved yet
    warned = re.search(r'name="warned" value="([^"]*)"', reply.text).group(1)
    reply = logged_in.post(
        f"/texts/{first}", {"action": "save", "text": text, "seen": "", "warned": warned}
    )
    assert reply.status == 303
    item = load_text(store, first)
    assert item.value == text
    assert 'id="value-warning"' in logged_in.get(f"/texts/{first}").text


def test_a_flagged_draft_is_warned_about(app, store, questionnaire, ocr):
    ocr.text = "mail naar j.jansen@example.nl"
    client = Client(app)
    client.login()
    first = queue_ids(store, questionnaire)[0]
    page = client.get(f"/texts/{first}").text
    assert 'id="draft-warning"' in page and "een e-mailadres" in page


def test_illegible_empty_and_refusals_through_the_form(logged_in, store, questionnaire):
    ids = queue_ids(store, questionnaire)
    logged_in.post(f"/texts/{ids[0]}", {"action": "illegible", "seen": ""})
    assert review_answer(store, load_text(store, ids[0]))["value"] == ILLEGIBLE
    logged_in.post(f"/texts/{ids[1]}", {"action": "empty", "seen": ""})
    assert review_answer(store, load_text(store, ids[1]))["value"] is None
    reply = logged_in.post(f"/texts/{ids[2]}", {"action": "save", "text": "  ", "seen": ""})
    assert reply.status == 409 and "type the answer" in reply.text
    reply = logged_in.post(f"/texts/{ids[0]}", {"action": "empty", "seen": ""})  # outdated view
    assert reply.status == 409 and "decided this text meanwhile" in reply.text
    assert logged_in.post(f"/texts/{ids[2]}", {"action": "guess"}).status == 400


def test_the_overview_counts_texts_and_says_when_all_are_done(logged_in, store, questionnaire):
    ids = queue_ids(store, questionnaire)
    page = logged_in.get("/").text
    assert f"Teksten:</strong> {len(ids)} open, 0 besloten" in page
    assert 'id="start-texts" href="/texts/next"' in page
    assert logged_in.get("/texts/next").location == f"/texts/{ids[0]}"
    for i in ids[:-1]:
        logged_in.post(f"/texts/{i}", {"action": "empty"})
    reply = logged_in.post(f"/texts/{ids[-1]}", {"action": "empty"})
    assert reply.location == "/?msg=texts_done"
    assert logged_in.get("/texts/next").location == "/?msg=texts_done"
    page = logged_in.get("/?msg=texts_done").text
    assert "Alle open antwoorden zijn overgetypt." in page and 'id="texts-done"' in page


# ------------------------------------------------------------------ undo


def test_an_operator_undoes_their_own_page_decision_at_once(logged_in, store):
    item_id = page_item(store, "unregistrable")
    logged_in.post(f"/pages/{item_id}", {"action": "blank"})
    listing = logged_in.get("/pages").text
    assert f'id="undo-{item_id}"' in listing
    reply = logged_in.post(f"/pages/{item_id}/undo", {})
    assert reply.status == 303 and reply.location == f"/pages/{item_id}?msg=page_undone"
    page = logged_in.get(reply.location).text
    assert "Besluit ongedaan gemaakt." in page and 'id="assign"' in page
    reply = logged_in.post(f"/pages/{item_id}/undo", {})
    assert reply.status == 409 and "no decision to undo" in reply.text


def test_undoing_someone_elses_decision_asks_first(logged_in, store, review_round):
    item_id = page_item(store, "unregistrable")
    decisions.assign_page(
        store, item_id, review_round.newcomer, 2, form_map=review_round.form_map, operator="bert"
    )
    opened = store.scalar(
        "SELECT min(id) FROM review_items WHERE pseudonym = ? AND question != ''",
        (review_round.newcomer,),
    )
    decisions.no_answer(store, opened, operator="carla")
    reply = logged_in.post(f"/pages/{item_id}/undo", {})
    assert reply.status == 200 and 'id="undo-confirm"' in reply.text
    assert "niet door u" in reply.text and "bert" in reply.text
    assert 'id="dependents"' in reply.text and "carla" in reply.text
    assert store.scalar("SELECT state FROM review_items WHERE id = ?", (item_id,)) == "decided"
    token = re.search(r'name="confirm" value="([^"]+)"', reply.text).group(1)
    reply = logged_in.post(f"/pages/{item_id}/undo", {"confirm": token})
    assert reply.status == 303
    assert store.scalar("SELECT state FROM review_items WHERE id = ?", (item_id,)) == "open"
    assert store.scalar("SELECT count(*) FROM review_items WHERE id = ?", (opened,)) == 0
    actions = [
        r[0]
        for r in store.query("SELECT actor FROM audit_log WHERE action = ?", ("review.undo_page",))
    ]
    assert actions == [OPERATOR]


def test_a_stale_confirmation_is_asked_again(logged_in, store):
    item_id = page_item(store, "foreign")
    decisions.mark_page(store, item_id, "foreign", operator="bert")
    reply = logged_in.post(f"/pages/{item_id}/undo", {"confirm": "0" * 16})
    assert reply.status == 409 and "Er is intussen iets veranderd" in reply.text
    assert store.scalar("SELECT state FROM review_items WHERE id = ?", (item_id,)) == "decided"
