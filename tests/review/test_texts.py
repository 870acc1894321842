"""The UI texts: both languages complete, every machine code translated."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from review import texts
from review.items import NO_READING, PAGE_REASONS, RETURNED_TWICE
from survey.pageresult import BoxState, ReviewReason

TEMPLATES = Path(texts.__file__).parent / "templates"


def test_both_languages_have_the_same_texts():
    for table in (texts.UI, texts.REASONS, texts.BOX_STATES, texts.DECISIONS):
        assert set(table["nl"]) == set(table["en"])
        for lang in texts.LANGUAGES:
            assert all(v.strip() for v in table[lang].values())


def test_every_key_the_templates_use_exists():
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+)["']\s*[,)]""", path.read_text()))
    assert used and used <= set(texts.UI["nl"])
    for state in ("open", "decided", "dismissed"):
        assert f"status_{state}" in texts.UI["nl"]


@pytest.mark.parametrize("lang", texts.LANGUAGES)
def test_every_reason_and_state_is_in_words(lang):
    reasons = [r.value for r in ReviewReason] + [*PAGE_REASONS, RETURNED_TWICE, NO_READING]
    for reason in reasons:
        assert reason in texts.REASONS[lang]
        assert texts.reason_text(lang, reason) == texts.REASONS[lang][reason]
    both = texts.reason_text(lang, "multiple_marks,uncertain_mark")
    assert both.count(";") == 1
    for state in BoxState:
        assert state.name.lower() in texts.BOX_STATES[lang]


def test_decisions_and_fallbacks():
    assert texts.decision_text("nl", "assign:ABCD1234X:3") == "gekoppeld aan ABCD1234X, pagina 3"
    assert texts.decision_text("en", "foreign") == "not a page of this round"
    t = texts.translator("en")
    assert t("progress", n=3, total=9) == "Item 3 of 9"
    assert t("no_such_key") == "no_such_key"
    assert texts.language("fr") == "nl" and texts.language("en") == "en"
