"""Serving the review app: waitress, a production WSGI server (pure Python, threads).

Threads, because a browser opens several connections at once (the page, its
stylesheet, script and clip) and may keep an idle one open; waitress reads
and writes the connections in one loop and hands requests to a pool of
worker threads. The app opens the store per request and keeps sessions and
leases in it, so the threads share nothing, and several server processes
can serve one round.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from waitress.server import BaseWSGIServer
from waitress.server import create_server as waitress_server

from review.app import ReviewApp, ReviewConfig
from survey.errors import ConflictError

log = logging.getLogger("papersurvey.review.server")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765
DEFAULT_THREADS = 8
LOOPBACK = ("127.0.0.1", "localhost", "::1")


def create_server(
    app: Any, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, *, threads: int = DEFAULT_THREADS
) -> BaseWSGIServer:
    """A waitress server for ``app`` bound to ``host:port`` (port 0: any free port).

    Raises:
        OSError: the address cannot be listened on.
    """
    server = waitress_server(
        app,
        host=host,
        port=port,
        threads=threads,
        ident="papersurvey",
        clear_untrusted_proxy_headers=True,
        channel_timeout=60,
    )
    if not isinstance(server, BaseWSGIServer):  # a host name with several addresses
        server.close()
        raise OSError(f"{host} names several addresses: give one address to listen on")
    return server


def address(server: BaseWSGIServer) -> str:
    """``host:port`` the server listens on."""
    host = str(server.effective_host)
    return f"[{host}]:{server.effective_port}" if ":" in host else f"{host}:{server.effective_port}"


def _stop(server: BaseWSGIServer) -> None:
    """Stop ``server``'s loop from another thread: close its sockets inside the loop."""
    from waitress import wasyncore

    server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))


class BackgroundServer:
    """The server running in a thread, for tests, benchmarks and embedding.

    Use as a context manager; :attr:`url` is where it listens.
    """

    def __init__(
        self, app: Any, host: str = DEFAULT_HOST, port: int = 0, *, threads: int = DEFAULT_THREADS
    ) -> None:
        self.server = create_server(app, host, port, threads=threads)
        self._thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{address(self.server)}"

    def __enter__(self) -> BackgroundServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        _stop(self.server)
        self._thread.join(timeout=10)
        self.server.task_dispatcher.shutdown()


def serve(
    config: ReviewConfig,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    threads: int = DEFAULT_THREADS,
    ready: Callable[[str], None] = lambda url: None,
) -> None:
    """Serve the review app for ``config`` until Ctrl-C.

    Args:
        config: the round (:func:`review.roundconfig.review_config`).
        host: the address to listen on; anything but this computer is warned about.
        port: the port (0: any free port).
        threads: worker threads (requests handled at once).
        ready: called with the URL once the server listens.

    Raises:
        ConflictError: the address cannot be listened on (the port is taken).
    """
    app = ReviewApp(config)
    try:
        server = create_server(app, host, port, threads=threads)
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
        server.run()  # returns on Ctrl-C, after stopping the worker threads
    finally:
        server.close()
        app.close()  # stop the background OCR of drafts
