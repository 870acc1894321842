"""A very small WSGI toolkit: request, response and a router. Standard library only.

The review UI has a dozen routes and plain HTML forms; a framework would add
more surface than it saves. This module keeps the WSGI details (environ
parsing, status lines, cookies, security headers) in one place so the
application reads as a list of handlers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs

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


class HttpError(Exception):
    """Stop handling a request with this status (and an optional plain message)."""

    def __init__(self, status: int, message: str = "") -> None:
        super().__init__(status, message)
        self.status = status
        self.message = message or HTTPStatus(status).phrase


@dataclass
class Request:
    """One HTTP request, parsed from the WSGI environ.

    Attributes:
        method: ``GET``, ``POST``, ...
        path: the URL path, e.g. ``/items/12``.
        query: the query string's fields.
        form: the urlencoded body's fields (POST only).
        cookies: cookie name -> value.
        environ: the raw WSGI environ.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    cookies: dict[str, str]
    environ: dict[str, Any] = field(repr=False)

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> Request:
        """Parse ``environ``; raises :class:`HttpError` for an oversized or odd body."""
        method = str(environ.get("REQUEST_METHOD", "GET")).upper()
        form: dict[str, list[str]] = {}
        if method == "POST":
            ctype = str(environ.get("CONTENT_TYPE", "")).split(";")[0].strip().lower()
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError as exc:
                raise HttpError(400) from exc
            if length > MAX_BODY:
                raise HttpError(413)
            body = environ["wsgi.input"].read(length) if length > 0 else b""
            if body and ctype != "application/x-www-form-urlencoded":
                raise HttpError(415)
            form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        cookies: dict[str, str] = {}
        jar: SimpleCookie = SimpleCookie()
        try:
            jar.load(str(environ.get("HTTP_COOKIE", "")))
        except Exception:  # a malformed cookie header: ignore all cookies
            jar = SimpleCookie()
        for name, morsel in jar.items():
            cookies[name] = morsel.value
        raw_path = str(environ.get("PATH_INFO", "/"))
        try:  # PEP 3333 hands the path over as latin-1; browsers send UTF-8
            path = raw_path.encode("latin-1").decode("utf-8")
        except UnicodeError:
            path = raw_path
        return cls(
            method=method,
            path=path or "/",
            query=parse_qs(str(environ.get("QUERY_STRING", "")), keep_blank_values=True),
            form=form,
            cookies=cookies,
            environ=environ,
        )

    def arg(self, name: str, default: str = "") -> str:
        values = self.query.get(name)
        return values[0] if values else default

    def field(self, name: str, default: str = "") -> str:
        values = self.form.get(name)
        return values[0] if values else default

    def fields(self, name: str) -> list[str]:
        return list(self.form.get(name, []))


@dataclass
class Response:
    """An HTTP response; handlers return one."""

    body: bytes = b""
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)

    @classmethod
    def html(cls, text: str, status: int = 200) -> Response:
        return cls(
            text.encode("utf-8"),
            status,
            [("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-store")],
        )

    @classmethod
    def text(cls, text: str, status: int = 200) -> Response:
        return cls(
            text.encode("utf-8"),
            status,
            [("Content-Type", "text/plain; charset=utf-8"), ("Cache-Control", "no-store")],
        )

    @classmethod
    def redirect(cls, location: str, status: int = 303) -> Response:
        return cls(b"", status, [("Location", location), ("Cache-Control", "no-store")])

    @classmethod
    def data(
        cls, body: bytes, content_type: str, *, cache: str = "private, max-age=300"
    ) -> Response:
        return cls(body, 200, [("Content-Type", content_type), ("Cache-Control", cache)])

    def set_cookie(self, name: str, value: str, *, max_age: int | None = None) -> None:
        """Add an HttpOnly, SameSite=Strict cookie for the whole site."""
        parts = [f"{name}={value}", "Path=/", "HttpOnly", "SameSite=Strict"]
        if max_age is not None:
            parts.append(f"Max-Age={max_age}")
        self.headers.append(("Set-Cookie", "; ".join(parts)))

    def wsgi(self, start_response: Callable[..., Any]) -> Iterable[bytes]:
        status = f"{self.status} {HTTPStatus(self.status).phrase}"
        headers = [*self.headers, *SECURITY_HEADERS, ("Content-Length", str(len(self.body)))]
        start_response(status, headers)
        return [self.body]


Handler = Callable[..., Response]


class Router:
    """Routes ``(method, path pattern)`` to handlers; ``<int:name>`` and ``<name>`` capture."""

    def __init__(self) -> None:
        self._routes: list[tuple[str, re.Pattern[str], frozenset[str], Handler]] = []

    def add(self, method: str, pattern: str, handler: Handler) -> None:
        ints = frozenset(re.findall(r"<int:(\w+)>", pattern))

        def capture(m: re.Match[str]) -> str:
            body = "[0-9]{1,18}" if m.group(1) else "[A-Za-z0-9._-]+"
            return f"(?P<{m.group(2)}>{body})"

        regex = re.sub(r"<(int:)?(\w+)>", capture, pattern)
        self._routes.append((method.upper(), re.compile(f"^{regex}$"), ints, handler))

    def match(self, method: str, path: str) -> tuple[Handler, dict[str, Any]]:
        """The handler and its path arguments; :class:`HttpError` 404 or 405 if none."""
        allowed = False
        for m, regex, ints, handler in self._routes:
            found = regex.match(path)
            if not found:
                continue
            if m != method:
                allowed = True
                continue
            args: dict[str, Any] = {
                k: int(v) if k in ints else v for k, v in found.groupdict().items()
            }
            return handler, args
        raise HttpError(405 if allowed else 404)
