"""The small WSGI toolkit: routing, request parsing, responses."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from review.http import HttpError, Request, Response, Router


def handler(name):
    def h(ctx, **kw):
        return Response.text(name)

    h.__name__ = name
    return h


def test_the_router_captures_and_converts_path_arguments():
    r = Router()
    items, image, static = handler("items"), handler("image"), handler("static")
    r.add("GET", "/items/<int:item_id>", items)
    r.add("GET", "/items/<int:item_id>/image", image)
    r.add("GET", "/static/<name>", static)
    assert r.match("GET", "/items/12") == (items, {"item_id": 12})
    assert r.match("GET", "/items/12/image") == (image, {"item_id": 12})
    assert r.match("GET", "/static/review.css") == (static, {"name": "review.css"})
    for path in ("/items/x", "/items/12/", "/static/a/b", "/static/..%2f", "/items/-1"):
        with pytest.raises(HttpError) as e:
            r.match("GET", path)
        assert e.value.status == 404
    with pytest.raises(HttpError) as e:
        r.match("POST", "/items/12")
    assert e.value.status == 405


@given(st.text(max_size=40))
def test_any_path_either_matches_or_is_not_found(path):
    r = Router()
    r.add("GET", "/items/<int:item_id>", handler("items"))
    try:
        _, args = r.match("GET", path)
    except HttpError as e:
        assert e.status == 404
    else:
        assert path == f"/items/{args['item_id']}"


def environ(method="GET", body=b"", ctype="application/x-www-form-urlencoded", **extra):
    env = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/p",
        "QUERY_STRING": "a=1&a=2&b=",
        "CONTENT_TYPE": ctype,
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
    }
    env.update(extra)
    return env


def test_requests_parse_forms_queries_and_cookies():
    req = Request.from_environ(
        environ("POST", b"value=1&value=3&csrf=x%2By", HTTP_COOKIE="s=abc; lang=en")
    )
    assert req.fields("value") == ["1", "3"] and req.field("csrf") == "x+y"
    assert req.arg("a") == "1" and req.arg("b") == "" and req.arg("c", "d") == "d"
    assert req.cookies == {"s": "abc", "lang": "en"}
    odd = Request.from_environ(environ(HTTP_COOKIE='bad"cookie=; ="'))
    assert isinstance(odd.cookies, dict)


@pytest.mark.parametrize(
    ("args", "extra", "status"),
    [
        (("POST", b"x" * 70_000), {}, 413),
        (("POST", b"{}", "application/json"), {}, 415),
        (("POST", b""), {"CONTENT_LENGTH": "many"}, 400),
    ],
)
def test_odd_bodies_are_refused(args, extra, status):
    # a fresh environ each run: its body stream is read up by the first one
    with pytest.raises(HttpError) as e:
        Request.from_environ(environ(*args, **extra))
    assert e.value.status == status


def test_responses_carry_cookies_and_security_headers():
    r = Response.html("<p>hi</p>")
    r.set_cookie("s", "v", max_age=0)
    got = {}
    body = b"".join(r.wsgi(lambda status, headers: got.update(status=status, headers=headers)))
    headers = dict(got["headers"])
    assert got["status"] == "200 OK" and body == b"<p>hi</p>"
    assert headers["Set-Cookie"] == "s=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
    assert headers["Content-Length"] == str(len(body))
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert Response.redirect("/x").headers[0] == ("Location", "/x")
