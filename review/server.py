"""Serving the review app: a threading WSGI server from the standard library.

Threads, because a browser opens several connections at once (the page, its
stylesheet, script and clip) and may keep an idle one open; a single-threaded
server would wait on that one. The app opens the store per request, so
threads share nothing but the in-memory sessions, which are locked.
"""

from __future__ import annotations

import logging
import threading
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

log = logging.getLogger("papersurvey.review.server")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


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
