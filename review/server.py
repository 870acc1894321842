"""Serving the review app: a threading WSGI server from the standard library.

Threads, because a browser opens several connections at once (the page, its
stylesheet, script and clip) and may keep an idle one open; a single-threaded
server would wait on that one. The app opens the store per request, so
threads share nothing but the in-memory sessions, which are locked.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from review.app import ReviewApp, ReviewConfig
from survey.errors import ConflictError

log = logging.getLogger("papersurvey.review.server")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
LOOPBACK = ("127.0.0.1", "localhost", "::1")


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    """A WSGI server that handles each connection in its own daemon thread."""

    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    """Request lines go to the ``papersurvey.review.server`` logger, not to stderr."""

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), format % args)


def create_server(app: Any, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> WSGIServer:
    """A server for ``app`` bound to ``host:port`` (port 0: any free port; see ``server_port``)."""
    return make_server(
        host, port, app, server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )


def address(server: WSGIServer) -> str:
    """``host:port`` the server listens on."""
    host, port = server.server_address[:2]
    return f"{host if isinstance(host, str) else host.decode()}:{port}"


class BackgroundServer:
    """The server running in a thread, for tests and for embedding.

    Use as a context manager; :attr:`url` is where it listens.
    """

    def __init__(self, app: Any, host: str = DEFAULT_HOST, port: int = 0) -> None:
        self.server = create_server(app, host, port)
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{address(self.server)}"

    def __enter__(self) -> BackgroundServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


def serve(
    config: ReviewConfig,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    ready: Callable[[str], None] = lambda url: None,
) -> None:
    """Serve the review app for ``config`` until Ctrl-C.

    Args:
        config: the round (:func:`review.roundconfig.review_config`).
        host: the address to listen on; anything but this computer is warned about.
        port: the port (0: any free port).
        ready: called with the URL once the server listens.

    Raises:
        ConflictError: the address cannot be listened on (the port is taken).
    """
    app = ReviewApp(config)
    try:
        server = create_server(app, host, port)
    except OSError as exc:
        app.close()
        raise ConflictError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}). "
            "Another program may use the port: choose another with --port."
        ) from exc
    if host not in LOOPBACK:
        log.warning(
            "listening on %s without TLS: anyone on the network can reach the login page. "
            "Prefer --host 127.0.0.1 behind an SSH tunnel or a TLS proxy.",
            host,
        )
    ready(f"http://{address(server)}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        app.close()  # stop the background OCR of drafts
