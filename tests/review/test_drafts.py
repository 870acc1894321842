"""Machine drafts of open answers: lazy, cached, prefetched one ahead; tesseract on a clip."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from review.drafts import DraftService, TesseractDraft, confident_text, tidy, without_rules
from review.queue import question_order
from review.transcripts import load_text, sync, text_queue
from survey.store import Store
from tests.review.conftest import FakeOcr


def service(store: Store, ocr) -> DraftService:
    root = store.path.parent
    return DraftService(root, ocr, lambda: Store.open(root / "store.sqlite"))


def open_items(store: Store, questionnaire) -> list[int]:
    sync(store)
    return [e.id for e in text_queue(store, question_order(questionnaire)) if e.is_open]


def test_a_draft_is_read_once_and_cached(store, questionnaire):
    ocr = FakeOcr("  de   wachttijd\n____\nwas lang ")
    drafts = service(store, ocr)
    first = open_items(store, questionnaire)[0]
    drafts.ensure(store, first)
    drafts.ensure(store, first)
    item = load_text(store, first)
    assert item.draft == "de wachttijd was lang"  # one line, the writing lines' junk dropped
    assert ocr.calls == [(Path(item.clip).name, "nl")]


def test_the_next_draft_is_read_in_the_background(store, questionnaire):
    ocr = FakeOcr()
    drafts = service(store, ocr)
    first, second = open_items(store, questionnaire)[:2]
    drafts.prefetch(second)
    drafts.prefetch(second)  # already on its way: not twice
    drafts.wait()
    assert load_text(store, second).draft == ocr.text
    drafts.ensure(store, second)  # cached: no second reading
    assert len(ocr.calls) == 1
    assert load_text(store, first).draft is None  # not shown yet: not read
    drafts.close()


def test_a_draft_made_during_the_scan_is_used_and_decided_items_get_none(store, questionnaire):
    ocr = FakeOcr()
    drafts = service(store, ocr)
    first, second = open_items(store, questionnaire)[:2]
    item = load_text(store, first)
    raw = json.loads(
        store.scalar("SELECT result FROM pages WHERE image_sha256 = ?", (item.page_sha256,))
    )
    for t in raw["texts"]:
        if t["question"] == item.question:
            t["draft"] = "gelezen tijdens de scan"
    with store.transaction():
        store.execute(
            "UPDATE pages SET result = ? WHERE image_sha256 = ?",
            (json.dumps(raw), item.page_sha256),
        )
        store.execute("UPDATE transcriptions SET state = 'decided' WHERE id = ?", (second,))
    drafts.ensure(store, first)
    drafts.ensure(store, second)
    assert load_text(store, first).draft == "gelezen tijdens de scan"
    assert load_text(store, second).draft is None
    assert ocr.calls == []


def test_without_an_engine_or_a_clip_the_draft_is_empty(store, questionnaire):
    first, second = open_items(store, questionnaire)[:2]
    service(store, None).ensure(store, first)
    assert load_text(store, first).draft == ""
    (store.path.parent / load_text(store, second).clip).unlink()
    ocr = FakeOcr()
    service(store, ocr).ensure(store, second)
    assert load_text(store, second).draft == "" and ocr.calls == []


def test_a_failing_engine_leaves_an_empty_draft(store, questionnaire):
    def broken(clip, language):
        raise RuntimeError("engine crashed")

    first = open_items(store, questionnaire)[0]
    service(store, broken).ensure(store, first)
    assert load_text(store, first).draft == ""


def test_tidy_keeps_words_and_drops_line_marks():
    assert tidy("Goed\n\ngeholpen  — ___ ..\n| door Anna") == "Goed geholpen door Anna"
    assert len(tidy("x " * 5000)) == 2000


def test_an_unsure_reading_gives_no_draft_to_save_by_mistake():
    # what tesseract made of handwriting: confident about nothing
    assert confident_text(["PU", "ARN", "VYWAN", "VOW"], [31.0, 22.5, 40.0, 18.0]) == ""
    # a neat answer; layout rows (empty text, conf -1) do not count
    words, conf = ["", "Goed", "geholpen", "", "—"], [-1, 93.0, 88.0, -1, 20.0]
    assert confident_text(words, conf) == "Goed geholpen"
    # the mean is by length: one short unsure word does not sink a long sure reading
    assert confident_text(["Vriendelijke", "mensen", "x"], [91.0, 89.0, 10.0], 60.0) != ""
    assert confident_text(["Vriendelijke"], [59.0], 60.0) == ""


def writing_clip(path: Path, lines: list[str]) -> Path:
    """A clip like the scan cuts it: printed writing lines with (printed) text on them."""
    h, w = 60 * len(lines) + 40, 1100
    img = np.full((h, w), 250, np.uint8)
    for i, line in enumerate(lines):
        y = 60 * (i + 1)
        cv2.line(img, (10, y + 8), (w - 10, y + 8), 150, 2)
        cv2.putText(img, line, (20, y), cv2.FONT_HERSHEY_SIMPLEX, 1.1, 30, 2, cv2.LINE_AA)
    cv2.imwrite(str(path), img)
    return path


def test_without_rules_whitens_the_writing_lines_only():
    img = np.full((80, 400), 250, np.uint8)
    img[60:62, 5:395] = 120  # a printed writing line
    img[20:50, 30:34] = 20  # a stroke of writing
    out = without_rules(img)
    assert out.shape == (100, 420) and img[60, 100] == 120  # the input is unchanged
    assert (out[70:72, 15:405] == 255).all()
    assert out[35, 41] == 20


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_tesseract_reads_a_neatly_written_clip(tmp_path):
    clip = writing_clip(tmp_path / "clip.png", ["de wachttijd was te lang", "bel me terug"])
    draft = TesseractDraft()(clip, "nl").lower()
    assert "wachttijd" in draft and "terug" in draft
    assert TesseractDraft()(tmp_path / "missing.png", "en") == ""
