"""The WSGI app without a browser: login, CSRF, routes, decisions through forms, headers."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

import pytest

from review import app as app_module
from review.auth import LoginThrottle
from review.items import load_item
from review.queue import question_order, question_queue
from tests.review.conftest import OPERATOR, PASSWORD, page_item

both_stores = pytest.mark.parametrize("review_dir", ["sqlite", "postgresql"], indirect=True)


@dataclass
class Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    @property
    def location(self) -> str:
        return self.header("Location")


@dataclass
class Client:
    """Calls the app through Flask's test client like a browser: keeps cookies, reads CSRF
    tokens from pages. Cookies are kept here, by hand, to see every Set-Cookie header."""

    app: app_module.ReviewApp
    cookies: dict[str, str] = field(default_factory=dict)
    raw_cookies: list[str] = field(default_factory=list)

    def call(self, method: str, path: str, form: dict | None = None) -> Reply:
        client = self.app.flask.test_client(use_cookies=False)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        response = client.open(
            path,
            method=method,
            headers=headers,
            data=urlencode(form or {}, doseq=True) if method == "POST" else None,
            content_type="application/x-www-form-urlencoded" if method == "POST" else None,
        )
        for v in response.headers.getlist("Set-Cookie"):
            self.raw_cookies.append(v)
            name, _, rest = v.partition("=")
            value = rest.split(";")[0]
            if "Max-Age=0" in v:
                self.cookies.pop(name, None)
            else:
                self.cookies[name] = value
        return Reply(response.status_code, list(response.headers.items()), response.get_data())

    def get(self, path: str) -> Reply:
        return self.call("GET", path)

    def csrf(self, path: str = "/login") -> str:
        page = self.get(path).text
        return re.search(r'name="csrf" value="([^"]+)"', page).group(1)

    def post(self, path: str, form: dict, *, token: bool = True) -> Reply:
        if token:
            form = {"csrf": self.csrf("/" if self.logged_in else "/login"), **form}
        return self.call("POST", path, form)

    @property
    def logged_in(self) -> bool:
        return getattr(self, "_logged_in", False)

    def login(self, name: str = OPERATOR, password: str = PASSWORD) -> Reply:
        reply = self.post("/login", {"name": name, "password": password, "next": "/"})
        self._logged_in = reply.status == 303 and reply.location == "/"
        return reply


@pytest.fixture
def client(app) -> Client:
    return Client(app)


@pytest.fixture
def logged_in(client) -> Client:
    assert client.login().status == 303
    return client


def audit_actions(store) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in store.query("SELECT actor, action FROM audit_log ORDER BY id")]


# ------------------------------------------------------------------ login and sessions


def test_every_page_but_the_login_needs_an_operator(client):
    for path in ("/", "/items/next", "/items/1", "/pages", "/pages/1", "/items/1/image"):
        reply = client.get(path)
        assert reply.status == 303 and reply.location.startswith("/login?next=")
    assert client.get("/login").status == 200
    assert client.get("/static/review.css").status == 200


def test_logging_in_sets_a_strict_httponly_session_cookie(client, store):
    anonymous = client.get("/login")
    assert "psr_session" in client.cookies
    before = client.cookies["psr_session"]
    reply = client.login()
    assert reply.status == 303 and reply.location == "/"
    assert client.cookies["psr_session"] != before  # a new session: no fixation
    cookie = client.raw_cookies[-1]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert anonymous.header("Content-Security-Policy").startswith("default-src 'none'")
    page = client.get("/")
    assert page.status == 200 and OPERATOR in page.text
    assert ("anna", "review.login") in audit_actions(store)


@both_stores
def test_a_wrong_password_is_refused_and_audited(client, store):
    reply = client.login(password="not the password")
    assert reply.status == 401 and "Naam of wachtwoord klopt niet" in reply.text
    assert client.get("/").status == 303
    row = store.query_one(
        "SELECT actor, detail FROM audit_log WHERE action = 'review.login_failed'"
    )
    assert row["actor"] == "review" and json.loads(row["detail"]) == {"name": OPERATOR}
    assert PASSWORD not in str([tuple(r) for r in store.query("SELECT * FROM audit_log")])


def test_repeated_failures_block_the_name(config):
    client = Client(app_module.ReviewApp(config, throttle=LoginThrottle(limit=2)))
    assert client.login(password="wrong one").status == 401
    assert client.login(password="wrong two").status == 401
    reply = client.login()  # even the right password, for a while
    assert reply.status == 429 and "Te vaak" in reply.text
    # another server process on the same round knows it too: the failures are in the store
    other = Client(app_module.ReviewApp(config, throttle=LoginThrottle(limit=2)))
    assert other.login().status == 429


def test_posts_without_the_sessions_csrf_token_are_refused(logged_in, store):
    item_id = question_queue(store, {})[0].id
    forged = logged_in.post(f"/items/{item_id}", {"action": "none"}, token=False)
    assert forged.status == 403
    wrong = logged_in.call("POST", f"/items/{item_id}", {"action": "none", "csrf": "guess"})
    assert wrong.status == 403
    assert load_item(store, item_id).is_open
    anonymous = Client(logged_in.app)
    assert anonymous.call("POST", "/login", {"name": OPERATOR, "password": PASSWORD}).status == 403


def test_logout_ends_the_session(logged_in, store):
    token = logged_in.cookies["psr_session"]
    reply = logged_in.post("/logout", {})
    assert reply.status == 303 and reply.location == "/login"
    assert "psr_session" not in logged_in.cookies
    logged_in.cookies["psr_session"] = token  # an old cookie is no good any more
    assert logged_in.get("/").status == 303
    assert ("anna", "review.logout") in audit_actions(store)


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/items/3", "/items/3"), ("//evil.example/x", "/"), ("https://evil.example", "/"), ("", "/")],
)
def test_login_only_returns_to_local_pages(client, target, expected):
    reply = client.post("/login", {"name": OPERATOR, "password": PASSWORD, "next": target})
    assert reply.location == expected


# ------------------------------------------------------------------ pages


def test_the_overview_and_the_first_item(logged_in, store, questionnaire):
    entries = question_queue(store, question_order(questionnaire))
    page = logged_in.get("/").text
    assert f"Vragen:</strong> {len(entries)} open" in page
    reply = logged_in.get("/items/next")
    assert reply.location == f"/items/{entries[0].id}"
    item = logged_in.get(reply.location)
    assert item.status == 200
    q = questionnaire.question(entries[0].question)
    assert q.label.get("nl") in item.text
    assert f"Item 1 van {len(entries)}" in item.text
    for c in q.choices.choices:
        assert c.label.get("nl") in item.text
    image = logged_in.get(f"/items/{entries[0].id}/image")
    assert image.status == 200 and image.header("Content-Type") == "image/png"
    assert image.body.startswith(b"\x89PNG")


def test_english_is_one_click_away(logged_in, store, questionnaire):
    entry = question_queue(store, question_order(questionnaire))[0]
    reply = logged_in.get(f"/lang?to=en&next=/items/{entry.id}")
    assert reply.status == 303 and reply.location == f"/items/{entry.id}"
    page = logged_in.get(reply.location).text
    assert "Reading is right (Enter)" in page
    assert questionnaire.question(entry.question).label.get("en") in page
    logged_in.get("/lang?to=xx&next=/")
    assert "Lezing klopt" in logged_in.get(f"/items/{entry.id}").text  # unknown: Dutch


@both_stores
def test_deciding_through_the_form_moves_to_the_next_open_item(logged_in, store, questionnaire):
    entries = question_queue(store, question_order(questionnaire))
    first, second = entries[0], entries[1]
    page = logged_in.get(f"/items/{first.id}").text
    seen = re.search(r'name="seen" value="([^"]*)"', page).group(1)
    code = questionnaire.question(first.question).choices.names()[0]
    reply = logged_in.post(f"/items/{first.id}", {"value": code, "seen": seen})
    assert reply.status == 303 and reply.location == f"/items/{second.id}?msg=saved"
    assert load_item(store, first.id).decided_value == code
    decided = logged_in.get(f"/items/{first.id}").text
    assert "Besloten door anna" in decided
    for e in entries[1:]:
        logged_in.post(f"/items/{e.id}", {"action": "none"})
    last = logged_in.post(f"/items/{first.id}", {"action": "confirm"})
    assert last.location == "/?msg=all_done"
    assert "Alles is gecontroleerd" in logged_in.get(last.location).text


def test_a_refused_decision_shows_the_reason_and_changes_nothing(logged_in, store):
    entry = question_queue(store, {})[0]
    reply = logged_in.post(f"/items/{entry.id}", {"value": "99"})
    assert reply.status == 409 and "99 is not a choice of" in reply.text
    assert load_item(store, entry.id).is_open
    assert logged_in.post(f"/items/{entry.id}", {"action": "explode"}).status == 400


@both_stores
def test_pages_list_and_assignment_through_the_form(logged_in, store, review_round):
    listing = logged_in.get("/pages").text
    for words in ("paginacode niet leesbaar", "hoekmarkeringen niet gevonden"):
        assert words in listing
    item_id = page_item(store, "unidentified")
    page = logged_in.get(f"/pages/{item_id}")
    assert "Volgens de vakjes is dit pagina 3" in page.text
    assert logged_in.get(f"/pages/{item_id}/image").header("Content-Type") == "image/jpeg"
    wrong = logged_in.post(
        f"/pages/{item_id}", {"action": "assign", "pseudonym": "nonsense", "page_no": "3"}
    )
    assert wrong.status == 409 and "is not a valid code" in wrong.text
    assert 'value="nonsense"' in wrong.text  # the form keeps what was typed
    reply = logged_in.post(
        f"/pages/{item_id}",
        {"action": "assign", "pseudonym": review_round.newcomer, "page_no": "3"},
    )
    assert reply.status == 303 and "msg=page_decided" in reply.location
    decided = logged_in.get(f"/pages/{item_id}").text
    assert f"gekoppeld aan {review_round.newcomer}, pagina 3" in decided


def test_marking_and_choosing_copies_through_the_form(logged_in, store):
    foreign = page_item(store, "foreign")
    assert logged_in.post(f"/pages/{foreign}", {"action": "foreign"}).status == 303
    assert load_item(store, foreign).decided_value == "foreign"
    twice = page_item(store, "returned_twice")
    page = logged_in.get(f"/pages/{twice}").text
    assert "Twee kopieën van dezelfde pagina" in page and 'class="differs"' in page
    assert logged_in.post(f"/pages/{twice}", {"action": "keep_first"}).status == 303
    assert load_item(store, twice).decided_value == "keep_first"
    again = logged_in.post(f"/pages/{twice}", {"action": "use_this"})
    assert again.status == 409 and "already decided" in again.text


def test_items_of_the_other_kind_and_unknown_routes_are_not_found(logged_in, store):
    page_id = page_item(store, "foreign")
    question_id = question_queue(store, {})[0].id
    assert logged_in.get(f"/items/{page_id}").status == 404
    assert logged_in.get(f"/pages/{question_id}").status == 404
    assert logged_in.get("/items/999999/image").status == 404
    assert logged_in.get("/nowhere").status == 404
    assert logged_in.get("/static/../app.py").status == 404
    assert logged_in.get("/static/app.py").status == 404
    assert logged_in.call("DELETE", "/").status == 405


def test_an_image_outside_the_clips_folder_is_never_served(logged_in, store):
    entry = question_queue(store, {})[0]
    sha = load_item(store, entry.id).page_sha256
    store.execute(
        "UPDATE clips SET path = '../store.sqlite' WHERE page_sha256 = ? AND question = ?",
        (sha, entry.question),
    )
    (store.path.parent / "clips" / "x.png").write_bytes(b"\x89PNG")
    assert logged_in.get(f"/items/{entry.id}/image").status == 404


def test_every_response_carries_the_security_headers(logged_in):
    reply = logged_in.get("/")
    assert reply.header("X-Frame-Options") == "DENY"
    assert reply.header("X-Content-Type-Options") == "nosniff"
    assert reply.header("Cache-Control") == "no-store"
    assert "frame-ancestors 'none'" in reply.header("Content-Security-Policy")


def test_oversized_or_odd_posts_are_refused(logged_in):
    big = logged_in.call("POST", "/logout", {"csrf": "x" * (70 * 1024)})
    assert big.status == 413


def test_a_grid_statement_reads_as_one_line_after_a_question_mark() -> None:
    from review.app import joined_label

    assert joined_label("Hoe tevreden bent u na het intakegesprek?", "De tijd die ik kreeg") == (
        "Hoe tevreden bent u na het intakegesprek? De tijd die ik kreeg"
    )
    assert (
        joined_label("Stellingen", "Ik word goed geholpen") == "Stellingen: Ik word goed geholpen"
    )
    assert joined_label("", "Vraag zonder raster") == "Vraag zonder raster"


def test_a_follow_up_names_the_question_it_explains(app) -> None:
    from survey.followups import follow_ups

    q = app.config.questionnaire
    follow_up, parent = next(iter(follow_ups(q).items()))
    context = app.question_context(follow_up, "nl")
    assert context["follows"] == q.question(parent).label.get("nl")
    assert context["follows_number"] == app.numbers[parent] > 0
    assert app.question_context(parent, "nl")["follows"] == ""


def test_a_grid_statement_shows_its_grids_instruction(app) -> None:
    q = app.config.questionnaire
    grid = next(g for g in q.groups() if g.is_grid and g.hint.get("nl"))
    statement = next(x for x in q.questions() if x.group == grid.name and not x.hint.get("nl"))
    context = app.question_context(statement.name, "nl")
    assert context["grid"] == grid.label.get("nl")
    assert context["hint"] == grid.hint.get("nl")
    own = next((x for x in q.questions() if x.hint.get("nl") and x.group != grid.name), None)
    if own is not None:  # a question's own hint is never replaced
        assert app.question_context(own.name, "nl")["hint"] == own.hint.get("nl")
