"""Transcription items against a real scanned round: items, queue, answers, audit, export."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from analysis.dataset import paper_candidates
from papersurvey.cli import main
from review import decisions, transcripts
from review.queue import question_order
from review.transcripts import ILLEGIBLE, load_text, sync, text_queue
from survey.errors import ReviewError
from tests.review.conftest import OPERATOR, page_item

PHONE_TEXT = "bel mij op 06-12345678 a.u.b."


def text_clips(store) -> set[tuple[str, str]]:
    """``(page, question)`` of every text clip on a page with status ok."""
    return {
        (r[0], r[1])
        for r in store.query(
            "SELECT c.page_sha256, c.question FROM clips c JOIN pages p "
            "ON p.image_sha256 = c.page_sha256 WHERE c.kind = 'text' AND p.status = 'ok'"
        )
    }


def answer(store, pseudonym: str, question: str):
    return store.query_one(
        "SELECT value, page_sha256 FROM answers WHERE pseudonym = ? AND question = ? "
        "AND source = 'review'",
        (pseudonym, question),
    )


def audits(store) -> list[tuple[str, dict]]:
    return [
        (r[0], json.loads(r[1]))
        for r in store.query(
            "SELECT actor, detail FROM audit_log WHERE action = 'review.transcribe' ORDER BY id"
        )
    ]


def first_item(store, questionnaire):
    sync(store)
    return load_text(store, text_queue(store, question_order(questionnaire))[0].id)


def test_every_text_clip_of_a_counting_page_becomes_one_item(store, questionnaire):
    clips = text_clips(store)
    assert len(clips) >= 2, "the simulated respondents wrote too few open answers"
    assert sync(store) == len(clips)
    assert sync(store) == 0  # idempotent
    items = {(r[0], r[1]) for r in store.query("SELECT page_sha256, question FROM transcriptions")}
    assert items == clips
    order = question_order(questionnaire)
    entries = text_queue(store, order)
    assert len(entries) == len(clips) and all(e.is_open for e in entries)
    keys = [(order[e.question], e.pseudonym) for e in entries]
    assert keys == sorted(keys)  # question by question, then respondent
    item = load_text(store, entries[0].id, store.path.parent)
    assert item.clip and item.counts and item.draft is None and item.language == "nl"
    assert item.source.startswith("batch.pdf p.")


def test_a_transcription_is_an_operator_answer_in_the_merged_data(store, questionnaire):
    item = first_item(store, questionnaire)
    d = transcripts.transcribe(
        store, item.id, "  De wachttijd\nwas te   lang. ", operator=OPERATOR, seen=""
    )
    assert d.value == "De wachttijd was te lang." and d.flags == ()
    row = answer(store, item.pseudonym, item.question)
    assert row["value"] == d.value and row["page_sha256"] == item.page_sha256
    after = load_text(store, item.id)
    assert (after.state, after.decision, after.value, after.decided_by) == (
        "decided",
        "text",
        d.value,
        OPERATOR,
    )
    assert after.draft is None  # the draft is dropped once decided
    merged = {c.pseudonym: c.answers for c in paper_candidates(store)}
    assert merged[item.pseudonym][item.question] == d.value
    ((actor, detail),) = audits(store)
    assert actor == OPERATOR and detail["decision"] == "text"
    assert detail["chars"] == len(d.value) and detail["question"] == item.question
    assert "wachttijd" not in json.dumps(detail)  # the text itself is not in the audit log


def test_illegible_and_empty(store, questionnaire):
    item = first_item(store, questionnaire)
    transcripts.illegible(store, item.id, operator=OPERATOR)
    assert answer(store, item.pseudonym, item.question)["value"] == ILLEGIBLE
    merged = {c.pseudonym: c.answers for c in paper_candidates(store)}
    assert merged[item.pseudonym][item.question] == ILLEGIBLE
    seen = load_text(store, item.id).decided_at
    transcripts.empty(store, item.id, operator="bert", seen=seen)
    assert answer(store, item.pseudonym, item.question)["value"] is None
    merged = {c.pseudonym: c.answers for c in paper_candidates(store)}
    assert item.question not in merged[item.pseudonym]  # no answer
    (_, first), (actor, second) = audits(store)
    assert first["decision"] == "illegible" and "previous" not in first
    assert actor == "bert" and second == {**second, "decision": "empty", "previous": "illegible"}


def test_flags_are_reported_but_the_text_is_kept(store, questionnaire):
    item = first_item(store, questionnaire)
    d = transcripts.transcribe(store, item.id, PHONE_TEXT, operator=OPERATOR)
    assert d.value == PHONE_TEXT and [str(f) for f in d.flags] == ["phone"]
    assert load_text(store, item.id).value_flags == d.flags
    ((_, detail),) = audits(store)
    assert detail["flags"] == ["phone"] and "12345678" not in json.dumps(detail)


@pytest.mark.parametrize(
    ("text", "message"),
    [(" \n ", "type the answer"), ("x" * (transcripts.MAX_TEXT + 1), "at most")],
)
def test_empty_or_overlong_texts_are_refused(store, questionnaire, text, message):
    item = first_item(store, questionnaire)
    with pytest.raises(ReviewError, match=message):
        transcripts.transcribe(store, item.id, text, operator=OPERATOR)
    assert load_text(store, item.id).is_open
    assert answer(store, item.pseudonym, item.question) is None


def test_a_decision_on_an_outdated_view_or_a_missing_item_is_refused(store, questionnaire):
    item = first_item(store, questionnaire)
    transcripts.empty(store, item.id, operator="bert")
    with pytest.raises(ReviewError, match="bert decided this text meanwhile"):
        transcripts.transcribe(store, item.id, "iets", operator=OPERATOR, seen="")
    with pytest.raises(ReviewError, match="does not exist"):
        transcripts.empty(store, 10_000, operator=OPERATOR)


def test_when_the_other_copy_counts_its_texts_replace_the_first_copys(store, questionnaire):
    """Choosing the later copy of a page moves the texts queue (and drops the old answer)."""
    item_id = page_item(store, "returned_twice")
    dup = store.query_one(
        "SELECT r.pseudonym, p.page_no, r.page_sha256 FROM review_items r "
        "JOIN pages p ON p.image_sha256 = r.page_sha256 WHERE r.id = ?",
        (item_id,),
    )
    first = store.scalar(
        "SELECT image_sha256 FROM pages WHERE pseudonym = ? AND page_no = ? AND status = 'ok'",
        (dup["pseudonym"], dup["page_no"]),
    )
    question = "q56_good_point_explain"  # as if this page had an open question
    with store.transaction():
        for sha in (first, dup["page_sha256"]):
            store.execute(
                "INSERT INTO clips (page_sha256, question, pseudonym, kind, path) "
                "VALUES (?, ?, ?, 'text', ?)",
                (sha, question, dup["pseudonym"], f"clips/x/{sha[:8]}.png"),
            )
    sync(store)
    pages = {load_text(store, e.id).page_sha256: e.id for e in text_queue(store, {})}
    assert first in pages and dup["page_sha256"] not in pages
    transcripts.transcribe(store, pages[first], "eerste kopie", operator=OPERATOR)
    decisions.use_this_copy(store, item_id, operator=OPERATOR)
    assert answer(store, dup["pseudonym"], question) is None  # the first copy's text is gone
    sync(store)
    now = {load_text(store, e.id).page_sha256: e.id for e in text_queue(store, {})}
    assert dup["page_sha256"] in now and first not in now
    with pytest.raises(ReviewError, match="no longer counts"):
        transcripts.transcribe(store, pages[first], "weer", operator=OPERATOR)
    transcripts.transcribe(store, now[dup["page_sha256"]], "tweede kopie", operator=OPERATOR)
    assert answer(store, dup["pseudonym"], question)["value"] == "tweede kopie"


def test_the_export_holds_the_transcribed_text(store, questionnaire, review_dir):
    """``papersurvey export`` after a transcription: the text is in the respondent's row."""
    item = first_item(store, questionnaire)
    text = 'De klantmanager; belde "altijd" terug, ook na 17 uur'
    transcripts.transcribe(store, item.id, text, operator=OPERATOR)
    store.close()
    assert main(["export", str(review_dir), "--format", "csv"]) == 0
    out = review_dir / "out" / "export"
    data = pd.read_csv(out / "data.csv", sep=";", encoding="utf-8-sig", dtype=str)
    row = data.set_index("pseudonym").loc[item.pseudonym]
    assert row["mode"] == "paper" and row[item.question] == text
    long = pd.read_csv(out / "long.csv", sep=";", encoding="utf-8-sig", dtype=str)
    mine = long[(long["pseudonym"] == item.pseudonym) & (long["question"] == item.question)]
    assert mine["value"].tolist() == [text]
