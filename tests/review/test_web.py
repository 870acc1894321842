"""The review app's web layer on Flask: routing, request parsing, responses, headers, errors.

These are the guarantees the hand-written WSGI toolkit used to give, checked
against the Flask app through its test client.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.exceptions import MethodNotAllowed, NotFound

from review import web


@pytest.fixture
def urls(app):
    return app.flask.url_map.bind("localhost")


def test_routes_capture_and_convert_path_arguments(urls):
    assert urls.match("/items/12", "GET") == ("show_item", {"item_id": 12})
    assert urls.match("/items/12", "POST") == ("decide_item", {"item_id": 12})
    assert urls.match("/items/12/image", "GET") == ("item_image", {"item_id": 12})
    assert urls.match("/texts/7", "GET") == ("show_text", {"item_id": 7})
    assert urls.match("/static/review.css", "GET") == ("static", {"name": "review.css"})
    for path in ("/items/x", "/static/a/b", "/items/-1", "/items/" + "9" * 19, "/items/1.5"):
        with pytest.raises(NotFound):
            urls.match(path, "GET")
    with pytest.raises(MethodNotAllowed):
        urls.match("/items/next", "POST")


@given(st.text(max_size=40))
def test_any_item_path_either_matches_or_is_not_found(path):
    from flask import Flask

    urls = Flask(__name__)
    urls.url_map.converters["item"] = web.ItemIdConverter
    urls.add_url_rule("/items/<item:item_id>", "item", lambda item_id: "")
    try:
        _, args = urls.url_map.bind("localhost").match("/items/" + path, "GET")
    except NotFound:
        pass
    else:
        assert int(path.rstrip("/")) == args["item_id"] and 0 <= args["item_id"] < 10**18


def test_unknown_paths_and_methods_get_a_plain_answer_with_the_security_headers(app):
    client = app.flask.test_client()
    missing = client.get("/nowhere")
    assert missing.status_code == 404 and missing.mimetype == "text/plain"
    assert missing.get_data(as_text=True) == "Not Found"
    wrong = client.delete("/login")
    assert wrong.status_code == 405 and "GET" in wrong.headers["Allow"]
    for reply in (missing, wrong):
        assert reply.headers["X-Frame-Options"] == "DENY"
        assert "script-src 'self'" in reply.headers["Content-Security-Policy"]


def test_a_static_file_is_served_by_name_only(app):
    client = app.flask.test_client()
    css = client.get("/static/review.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert css.headers["Cache-Control"] == "no-cache"
    for path in ("/static/app.py", "/static/../app.py", "/static/..%2fapp.py", "/static/"):
        assert client.get(path).status_code == 404, path


def test_odd_cookies_are_ignored(app):
    client = app.flask.test_client()
    reply = client.get("/login", headers={"Cookie": 'bad"cookie=; ="; psr_session=made-up'})
    assert reply.status_code == 200
    assert "psr_session=" in reply.headers["Set-Cookie"]  # a new anonymous session


def test_the_login_page_sets_a_strict_httponly_cookie_and_images_set_none(app):
    client = app.flask.test_client()
    page = client.get("/login")
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert page.headers["Cache-Control"] == "no-store"
    image = app.flask.test_client().get("/static/review.js")
    assert "Set-Cookie" not in image.headers  # no session is made for a file


@pytest.mark.parametrize(
    ("body", "ctype", "status"),
    [
        (b"csrf=" + b"x" * 70_000, web.FORM, 413),
        (b"{}", "application/json", 415),
        (b"--x\r\n", "multipart/form-data; boundary=x", 415),
    ],
)
def test_odd_bodies_are_refused(app, body, ctype, status):
    reply = app.flask.test_client().post("/login", data=body, content_type=ctype)
    assert reply.status_code == status and reply.mimetype == "text/plain"


def test_a_body_with_a_bogus_length_is_refused(app):
    reply = app.flask.test_client().post(
        "/login",
        data=b"name=anna",
        content_type=web.FORM,
        environ_overrides={"CONTENT_LENGTH": "many"},
    )
    assert reply.status_code in (400, 403)  # never read as a form with a valid token


def test_an_unexpected_error_is_a_plain_500_without_details(app, monkeypatch, caplog):
    def explode(ctx, name):
        raise RuntimeError("secret detail")

    app.flask.view_functions["static"] = lambda **kw: explode(None, **kw)
    reply = app.flask.test_client().get("/static/review.css")
    assert reply.status_code == 500 and "secret detail" not in reply.get_data(as_text=True)
    assert reply.headers["X-Content-Type-Options"] == "nosniff"
    assert any("unexpected error" in r.getMessage() for r in caplog.records)


def test_redirects_stay_relative():
    reply = web.redirect("/items/3")
    assert reply.status_code == 303 and reply.headers["Location"] == "/items/3"
