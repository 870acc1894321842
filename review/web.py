"""The review app's Flask conventions: responses, cookies, security headers, error pages.

Flask does the routing, the request parsing and the cookies; this module keeps
the few rules every response of the review UI follows in one place: pages are
never cached, every response carries the security headers (a strict
Content-Security-Policy among them), cookies are HttpOnly and SameSite=Strict,
redirects are ``303 See Other`` to a local path, and an error is a short plain
text, never a traceback.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

FORM = "application/x-www-form-urlencoded"
MAX_BODY = 64 * 1024  # the largest form the UI posts is well under 1 KB

SECURITY_HEADERS = (
    (
        "Content-Security-Policy",
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
)


class ItemIdConverter(IntegerConverter):
    """``<item:name>``: a non-negative id that fits the store's integers (at most 18 digits)."""

    def __init__(self, map: Any) -> None:
        super().__init__(map, max=10**18 - 1)


def html(text: str, status: int = 200) -> Response:
    return Response(
        text, status, content_type="text/html; charset=utf-8", headers={"Cache-Control": "no-store"}
    )


def plain(text: str, status: int = 200) -> Response:
    return Response(
        text,
        status,
        content_type="text/plain; charset=utf-8",
        headers={"Cache-Control": "no-store"},
    )


def redirect(location: str) -> Response:
    """``303 See Other`` to ``location`` (a local path, kept relative)."""
    return Response(b"", 303, headers={"Location": location, "Cache-Control": "no-store"})


def data(body: bytes, content_type: str, *, cache: str = "private, max-age=300") -> Response:
    return Response(body, 200, content_type=content_type, headers={"Cache-Control": cache})


def set_cookie(response: Response, name: str, value: str, *, max_age: int | None = None) -> None:
    """Add an HttpOnly, SameSite=Strict cookie for the whole site."""
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="Strict")


def sets_cookie(response: Response, name: str) -> bool:
    """Whether ``response`` already sets the cookie ``name``."""
    return any(v.startswith(f"{name}=") for v in response.headers.getlist("Set-Cookie"))


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS:
        response.headers[name] = value
    return response


def error_page(exc: HTTPException) -> Response:
    """An HTTP error as a short plain text: the message given to ``abort``, else the phrase."""
    message = exc.description if "description" in vars(exc) and exc.description else exc.name
    response = plain(message, exc.code or 500)
    for name, value in exc.get_headers():
        if name == "Allow":  # 405: which methods the path takes
            response.headers[name] = value
    return response
