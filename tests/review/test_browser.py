"""The review UI in Debian's real headless Chromium, driven with Playwright.

The real server runs on a free port in a thread, over a fresh copy of the
scanned review round; the browser logs in and works with the keyboard like
an operator. Chromium is the system's (``/usr/bin/chromium``); Playwright's
own browser download is never used.

``PAPERSURVEY_DOCS_SCREENSHOTS=1`` makes the screenshot test write the
images of ``docs/review.md`` into ``docs/img/``.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from review import decisions
from review.app import ReviewApp, ReviewConfig
from review.auth import add_operator
from review.drafts import TesseractDraft
from review.items import load_item
from review.queue import question_order, question_queue
from review.server import BackgroundServer
from review.transcripts import ILLEGIBLE, load_text, sync, text_queue
from survey.model import Group, Questionnaire, QuestionType
from survey.store import Store
from tests.review.conftest import OPERATOR, PASSWORD, page_item

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.is_file():
        pytest.skip(
            "the browser tests need Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
        )
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def expect(locator):
    """Playwright's retrying assertions (imported here: the module loads without Playwright)."""
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def serve(config: ReviewConfig) -> BackgroundServer:
    return BackgroundServer(ReviewApp(config))


@pytest.fixture
def server(config) -> Iterator[BackgroundServer]:
    with serve(config) as s:
        yield s


@pytest.fixture
def page(browser, server):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()


def login(tab, url: str) -> None:
    tab.goto(url + "/")
    assert "/login" in tab.url
    tab.fill("input[name=name]", OPERATOR)
    tab.fill("input[name=password]", PASSWORD)
    tab.click("button[type=submit].primary")
    tab.wait_for_url(url + "/")


def open_store(config: ReviewConfig) -> Store:
    return Store.open(config.root / "store.sqlite")


def item_path(tab) -> int:
    return int(re.search(r"/(?:items|pages)/(\d+)", tab.url).group(1))


def with_multiple(q: Questionnaire, name: str) -> Questionnaire:
    """The questionnaire with question ``name`` turned into a multiple-choice question."""

    def walk(items):
        out = []
        for item in items:
            if isinstance(item, Group):
                out.append(dataclasses.replace(item, items=walk(item.items)))
            elif item.name == name:
                out.append(dataclasses.replace(item, type=QuestionType.SELECT_MULTIPLE))
            else:
                out.append(item)
        return tuple(out)

    return dataclasses.replace(q, items=walk(q.items))


def test_an_operator_works_through_the_questions_with_the_keyboard(page, server, config):
    with open_store(config) as store:
        entries = question_queue(store, question_order(config.questionnaire))
    first, second = entries[0], entries[1]
    login(page, server.url)
    assert page.inner_text("#operator-name") == OPERATOR
    page.click("#start")
    page.wait_for_url(f"{server.url}/items/{first.id}")
    assert page.eval_on_selector("#clip", "img => img.complete && img.naturalWidth > 0")
    assert f"Item 1 van {len(entries)}" in page.inner_text("#progress")
    label = config.questionnaire.question(first.question).label.get("nl")
    assert page.inner_text("#question-label") == label

    page.keyboard.press("?")
    assert page.is_visible("#help")
    assert "geen antwoord" in page.inner_text("#help")
    page.keyboard.press("Escape")
    assert not page.is_visible("#help")

    # a digit picks that choice and moves on to the next open item
    page.keyboard.press("2")
    page.wait_for_url(f"{server.url}/items/{second.id}?msg=saved")
    assert page.is_visible("text=Opgeslagen.")
    code = config.questionnaire.question(first.question).choices.names()[1]
    with open_store(config) as store:
        decided = load_item(store, first.id)
        assert (decided.decided_value, decided.decided_by) == (code, OPERATOR)

    # K (or the left arrow) goes back, J (or the right arrow) forward
    page.keyboard.press("k")
    page.wait_for_url(f"{server.url}/items/{first.id}")
    assert "Besloten door anna" in page.inner_text("#decided")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"{server.url}/items/{second.id}")

    # Enter confirms the machine's reading
    with open_store(config) as store:
        machine = load_item(store, second.id).reading.stored
    with page.expect_navigation():
        page.keyboard.press("Enter")
    with open_store(config) as store:
        assert load_item(store, second.id).decided_value == machine
        row = store.query_one(
            "SELECT value FROM answers WHERE pseudonym = ? AND question = ? AND source = 'review'",
            (second.pseudonym, second.question),
        )
        assert row["value"] == machine

    # Backspace: no answer (here on the first item, decided again)
    page.goto(f"{server.url}/items/{first.id}")
    with page.expect_navigation():
        page.keyboard.press("Backspace")
    with open_store(config) as store:
        assert load_item(store, first.id).decided_value is None
        actions = [
            r[0]
            for r in store.query(
                "SELECT action FROM audit_log WHERE actor = ? AND action LIKE 'review.%' "
                "ORDER BY id",
                (OPERATOR,),
            )
        ]
    assert actions == ["review.login", "review.correct", "review.confirm", "review.no_answer"]


def test_two_operators_in_two_browsers_get_different_items(browser, server, config):
    with open_store(config) as store:
        add_operator(store, "bert", PASSWORD)
        entries = question_queue(store, question_order(config.questionnaire))
    tabs = []
    for name in (OPERATOR, "bert"):
        tab = browser.new_context(locale="nl-NL").new_page()
        tab.set_default_timeout(10_000)
        tab.goto(server.url + "/login")
        tab.fill("input[name=name]", name)
        tab.fill("input[name=password]", PASSWORD)
        tab.click("button[type=submit].primary")
        tab.wait_for_url(server.url + "/")
        tab.click("#start")
        tab.wait_for_url(re.compile(r".*/items/\d+$"))
        tabs.append(tab)
    anna, bert = tabs
    assert item_path(anna) == entries[0].id and item_path(bert) == entries[1].id
    # bert opens anna's item: he is told she has it, and a digit does not decide it
    bert.goto(f"{server.url}/items/{entries[0].id}")
    assert "anna werkt aan dit item" in bert.inner_text("#error")
    with bert.expect_navigation():
        bert.keyboard.press("1")
    assert "anna werkt aan dit item" in bert.inner_text("#error")
    with open_store(config) as store:
        assert load_item(store, entries[0].id).is_open
    for tab in tabs:
        tab.context.close()


def test_multiple_choice_questions_toggle_with_digits_and_save_with_enter(browser, config):
    with open_store(config) as store:
        entry = question_queue(store, {})[0]
    multiple = dataclasses.replace(
        config, questionnaire=with_multiple(config.questionnaire, entry.question)
    )
    names = multiple.questionnaire.question(entry.question).choices.names()
    with serve(multiple) as server:
        context = browser.new_context()
        tab = context.new_page()
        login(tab, server.url)
        tab.goto(f"{server.url}/items/{entry.id}")
        for box in tab.query_selector_all("input[name=value]:checked"):
            box.click()  # start from nothing ticked
        tab.keyboard.press("3")
        tab.keyboard.press("1")
        tab.keyboard.press("5")
        tab.keyboard.press("5")  # twice: off again
        assert tab.eval_on_selector_all(
            "input[name=value]:checked", "els => els.map(e => e.value)"
        ) == [names[0], names[2]]
        with tab.expect_navigation():
            tab.keyboard.press("Enter")
        context.close()
    with open_store(config) as store:
        assert load_item(store, entry.id).decided_value == f"{names[0]} {names[2]}"


def test_an_unidentified_page_is_assigned_and_a_stray_sheet_marked(
    page, server, config, review_round
):
    login(page, server.url)
    page.click("text=Pagina's")
    page.wait_for_url(f"{server.url}/pages")
    unidentified = page_item(config.root, "unidentified")
    page.click(f"a[href='/pages/{unidentified}'] >> nth=1")
    page.wait_for_url(f"{server.url}/pages/{unidentified}")
    assert page.eval_on_selector("#page-image", "img => img.complete && img.naturalWidth > 0")
    assert page.input_value("#page-no") == "3"  # the box layout says page 3
    # typing in the form does not trigger shortcuts
    page.fill("#pseudonym", "nonsense 1")
    page.click("#assign")
    assert "is not a valid code" in page.inner_text("#error")
    page.fill("#pseudonym", review_round.newcomer.lower())
    page.click("#assign")
    page.wait_for_url(re.compile(r".*msg=page_decided.*"))
    with open_store(config) as store:
        item = load_item(store, unidentified)
        assert item.decided_value == f"assign:{review_round.newcomer}:3"
        assert item.page_status == "ok" and item.decided_by == OPERATOR
    unregistrable = page_item(config.root, "unregistrable")
    page.goto(f"{server.url}/pages/{unregistrable}")
    with page.expect_navigation():
        page.click("#mark-blank")
    with open_store(config) as store:
        assert load_item(store, unregistrable).page_status == "blank"


def test_an_operator_transcribes_open_answers_with_the_keyboard(page, server, config, ocr):
    with open_store(config) as store:
        sync(store)
        entries = text_queue(store, question_order(config.questionnaire))
    first, second, third = entries[0], entries[1], entries[2]
    login(page, server.url)
    page.click("#nav-texts")
    page.wait_for_url(f"{server.url}/texts/{first.id}")
    assert page.eval_on_selector("#clip", "img => img.complete && img.naturalWidth > 0")
    assert page.inner_text("#draft") == ocr.text
    assert page.is_visible("#privacy-note")
    # the draft is selected in the focused text box: typing replaces it, Enter saves
    assert page.evaluate("document.activeElement.id") == "text"
    selection = page.evaluate(
        "[document.activeElement.selectionStart, document.activeElement.selectionEnd]"
    )
    assert selection == [0, len(ocr.text)]
    page.keyboard.type("Prima geholpen door de balie")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}/texts/{second.id}?msg=saved")
    with open_store(config) as store:
        item = load_text(store, first.id)
        assert (item.value, item.decided_by) == ("Prima geholpen door de balie", OPERATOR)

    # Shift+Enter is a new line; Esc leaves the box, and then K / J and the arrows move
    page.keyboard.press("End")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("tweede regel")
    assert page.input_value("#text") == ocr.text + "\ntweede regel"
    assert page.url.endswith("?msg=saved")  # not saved
    page.keyboard.press("Escape")
    assert page.evaluate("document.activeElement.id") != "text"
    page.keyboard.press("e")  # back into the box, at the end
    page.keyboard.type(".")
    assert page.input_value("#text").endswith("tweede regel.")
    page.keyboard.press("Escape")
    page.keyboard.press("k")
    page.wait_for_url(f"{server.url}/texts/{first.id}")
    assert "Besloten door anna" in page.inner_text("#decided")
    assert page.input_value("#text") == "Prima geholpen door de balie"
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowRight")
    page.wait_for_url(f"{server.url}/texts/{second.id}")

    # outside the text box: O is illegible
    page.keyboard.press("Escape")
    with page.expect_navigation():
        page.keyboard.press("o")
    assert page.url == f"{server.url}/texts/{third.id}?msg=saved"
    with open_store(config) as store:
        assert load_text(store, second.id).value == ILLEGIBLE
        actions = [
            json.loads(r[0])["decision"]
            for r in store.query(
                "SELECT detail FROM audit_log WHERE action = 'review.transcribe' ORDER BY id"
            )
        ]
    assert actions == ["text", "illegible"]


ESCAPE_AT_ONCE = """
window.addEventListener("DOMContentLoaded", () => {
  // runs after review.js's own handler (on document), which focused the box
  const text = document.getElementById("text");
  if (!text) return;
  const focused = document.activeElement === text;
  text.dispatchEvent(new KeyboardEvent("keydown", {key: "Escape", bubbles: true}));
  requestAnimationFrame(() => requestAnimationFrame(() => {
    document.documentElement.dataset.focus =
      (focused ? "focused" : "not focused") + ", then " +
      (document.activeElement === text ? "in the box" : "left");
  }));
});
"""


def test_esc_before_the_first_frame_leaves_the_text_box(page, server, config):
    """Regression: the box's ``autofocus`` took the focus back at the first rendered frame.

    An operator who pressed Esc and then O before the browser drew the page
    typed an "o" over the draft instead of marking it illegible. Whether a
    frame is drawn before the Esc is up to the browser, so the page is loaded
    a few times; without the bug every load leaves the box.
    """
    with open_store(config) as store:
        sync(store)
        entries = text_queue(store, question_order(config.questionnaire))
    login(page, server.url)
    page.add_init_script(ESCAPE_AT_ONCE)
    url = f"{server.url}/texts/{entries[0].id}"
    seen = []
    for _ in range(10):
        page.goto(url)
        # a selector, not wait_for_function: the page's CSP forbids the eval that one polls with
        page.locator("html[data-focus]").wait_for(state="attached")
        seen.append(page.get_attribute("html", "data-focus"))
    assert seen == ["focused, then left"] * 10
    with page.expect_navigation():
        page.keyboard.press("o")
    assert page.url == f"{server.url}/texts/{entries[1].id}?msg=saved"
    with open_store(config) as store:
        assert load_text(store, entries[0].id).value == ILLEGIBLE


def test_the_illegible_and_empty_buttons(page, server, config):
    with open_store(config) as store:
        sync(store)
        entries = text_queue(store, question_order(config.questionnaire))
    login(page, server.url)
    page.goto(f"{server.url}/texts/{entries[0].id}")
    with page.expect_navigation():
        page.click("#illegible")
    page.goto(f"{server.url}/texts/{entries[1].id}")
    with page.expect_navigation():
        page.click("#empty")
    with open_store(config) as store:
        a, b = load_text(store, entries[0].id), load_text(store, entries[1].id)
        assert (a.decision, a.value) == ("illegible", ILLEGIBLE)
        assert (b.decision, b.value) == ("empty", None)
        stored = store.query_one(
            "SELECT value FROM answers WHERE pseudonym = ? AND question = ? AND source = 'review'",
            (b.pseudonym, b.question),
        )
        assert stored is not None and stored["value"] is None
    page.goto(f"{server.url}/texts/{entries[1].id}")
    assert "leeg (geen antwoord)" in page.inner_text("#decided")


def test_an_assignment_is_undone_from_the_page_list(page, server, config, review_round):
    login(page, server.url)
    unidentified = page_item(config.root, "unidentified")
    page.goto(f"{server.url}/pages/{unidentified}")
    page.fill("#pseudonym", review_round.newcomer)
    page.click("#assign")
    page.wait_for_url(re.compile(r".*msg=page_decided.*"))
    with open_store(config) as store:
        assert load_item(store, unidentified).page_status == "ok"
        assert store.scalar(
            "SELECT count(*) FROM answers WHERE pseudonym = ?", (review_round.newcomer,)
        )
    page.goto(f"{server.url}/pages")
    with page.expect_navigation():
        page.click(f"#undo-{unidentified}")  # one's own decision: undone at once
    assert page.url == f"{server.url}/pages/{unidentified}?msg=page_undone"
    assert "Besluit ongedaan gemaakt." in page.inner_text("main")
    assert page.is_visible("#assign-form")
    with open_store(config) as store:
        item = load_item(store, unidentified)
        assert item.is_open and item.page_status == "unidentified" and not item.pseudonym
        assert not store.scalar(
            "SELECT count(*) FROM answers WHERE pseudonym = ?", (review_round.newcomer,)
        )
        # a colleague's decision: asked first
        foreign = page_item(config.root, "foreign")
        decisions.mark_page(store, foreign, "foreign", operator="bert")
    page.goto(f"{server.url}/pages")
    with page.expect_navigation():
        page.click(f"#undo-{foreign}")
    assert "bert" in page.inner_text("#undo-other")
    with page.expect_navigation():
        page.click("#undo-confirm")
    with open_store(config) as store:
        assert load_item(store, foreign).is_open
        actors = [
            r[0]
            for r in store.query("SELECT actor FROM audit_log WHERE action = 'review.undo_page'")
        ]
    assert actors == [OPERATOR, OPERATOR]


def test_the_ui_speaks_english_on_request(page, server):
    # the switch comes back to the same address: wait on the page's text, not on the URL
    login(page, server.url)
    page.click("#lang-switch")
    expect(page.locator("h1")).to_have_text("Overview")
    expect(page.locator("#start")).to_contain_text("Start reviewing")
    page.click("#start")
    expect(page.locator("#confirm")).to_contain_text("Reading is right (Enter)")
    page.click("#lang-switch")
    expect(page.locator("#confirm")).to_contain_text("Lezing klopt (Enter)")


@pytest.mark.slow
def test_screenshots_for_the_operator_guide(page, server, config, tmp_path):
    """Takes the screenshots of docs/review.md (written there with PAPERSURVEY_DOCS_SCREENSHOTS=1)."""
    target = DOCS_IMG if os.environ.get("PAPERSURVEY_DOCS_SCREENSHOTS") else tmp_path
    target.mkdir(parents=True, exist_ok=True)
    login(page, server.url)
    with page.expect_navigation():
        page.click("#start")
    page.screenshot(path=str(target / "review-question.png"))
    page.goto(f"{server.url}/pages/{page_item(config.root, 'unidentified')}")
    page.screenshot(path=str(target / "review-page.png"))
    # the texts queue with tesseract's real draft of the (simulated) handwriting
    with serve(dataclasses.replace(config, draft_ocr=TesseractDraft())) as texts_server:
        # a second server on the same round: the session (in the store) holds there too
        page.goto(texts_server.url + "/")
        assert page.inner_text("#operator-name") == OPERATOR
        with page.expect_navigation():
            page.click("#nav-texts")
        page.screenshot(path=str(target / "review-texts.png"))
    for name in ("review-question.png", "review-page.png", "review-texts.png"):
        assert (target / name).read_bytes().startswith(b"\x89PNG")
