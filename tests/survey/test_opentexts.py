"""survey.opentexts: counting pages and the open answers still to transcribe."""

from __future__ import annotations

from pathlib import Path

import pytest

from survey import opentexts
from survey.store import Store


@pytest.fixture
def store(tmp_path: Path):
    s = Store.open(tmp_path / "store.sqlite", create=True)
    s.insert("scan_files", {"sha256": "f", "path": "scan.pdf", "pages": 5, "added_at": "t"})
    yield s
    s.close()


def _page(store: Store, sha: str, pseudonym: str | None, page_no: int, status: str = "ok") -> None:
    index = store.scalar("SELECT count(*) FROM pages")
    store.insert(
        "pages",
        {
            "image_sha256": sha,
            "file_sha256": "f",
            "page_index": index,
            "pseudonym": pseudonym,
            "page_no": page_no,
            "status": status,
            "processed_at": "t",
        },
    )


def _text_clip(store: Store, sha: str, question: str, pseudonym: str = "") -> None:
    store.insert(
        "clips",
        {"page_sha256": sha, "question": question, "pseudonym": pseudonym, "kind": "text",
         "path": f"clips/{sha}-{question}.png"},
    )  # fmt: skip


def test_open_answers_of_counting_pages_until_transcribed(store: Store) -> None:
    _page(store, "a7", "AAAA", 7)
    _page(store, "b7", "BBBB", 7)
    _page(store, "q7", None, 7, status="unidentified")  # not linked to anyone: not counted
    _page(store, "d7", "AAAA", 7, status="duplicate")  # the copy that lost
    for sha in ("a7", "b7", "q7", "d7"):
        _text_clip(store, sha, "q56_why")
    _text_clip(store, "a7", "q58_tips")
    store.insert(
        "clips",
        {"page_sha256": "b7", "question": "q55", "kind": "review", "path": "clips/b7-q55.png"},
    )  # a review clip is no open answer
    assert opentexts.untranscribed(store) == {"AAAA": 2, "BBBB": 1}
    store.insert(
        "transcriptions",
        {"page_sha256": "a7", "question": "q56_why", "pseudonym": "AAAA", "state": "open",
         "created_at": "t"},
    )  # fmt: skip
    assert opentexts.untranscribed(store) == {"AAAA": 2, "BBBB": 1}  # listed, not decided
    store.execute("UPDATE transcriptions SET state = 'decided', decision = 'text', value = 'x'")
    assert opentexts.untranscribed(store) == {"AAAA": 1, "BBBB": 1}
    assert store.counts().texts_open == 2


def test_the_copy_an_operator_chose_counts_instead_of_the_first(store: Store) -> None:
    _page(store, "first", "AAAA", 7)
    _page(store, "second", "AAAA", 7, status="duplicate")
    _text_clip(store, "first", "q56_why")
    _text_clip(store, "second", "q56_why")
    _text_clip(store, "second", "q58_tips")
    assert opentexts.untranscribed(store) == {"AAAA": 1}
    store.insert(
        "review_items",
        {"pseudonym": "AAAA", "question": "", "page_sha256": "second", "reason": "returned_twice",
         "state": "decided", "decided_value": "use_this", "created_at": "t"},
    )  # fmt: skip
    assert opentexts.untranscribed(store) == {"AAAA": 2}
