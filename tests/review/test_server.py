"""Serving the review app with waitress: the address, a warning off this computer, Ctrl-C."""

from __future__ import annotations

import dataclasses
import logging
import socket

import pytest

from review.roundconfig import review_config
from review.server import serve
from survey.errors import ConflictError


def _interrupted(*args, **kwargs):
    raise KeyboardInterrupt


def test_serve_says_where_it_listens_and_stops_on_ctrl_c(monkeypatch, review_dir, caplog):
    monkeypatch.setattr("waitress.wasyncore.loop", _interrupted)  # Ctrl-C in waitress's loop
    config = dataclasses.replace(review_config(review_dir), draft_ocr=None)
    urls: list[str] = []
    with caplog.at_level(logging.WARNING, logger="papersurvey.review.server"):
        serve(config, "127.0.0.1", 0, ready=urls.append)
    assert len(urls) == 1 and urls[0].startswith("http://127.0.0.1:")
    assert not caplog.records  # this computer only: nothing to warn about
    with caplog.at_level(logging.WARNING, logger="papersurvey.review.server"):
        serve(config, "0.0.0.0", 0, ready=urls.append)
    assert any("without TLS" in r.getMessage() for r in caplog.records)


def test_a_taken_port_is_a_conflict(review_dir):
    config = dataclasses.replace(review_config(review_dir), draft_ocr=None)
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(ConflictError, match=f"cannot listen on 127.0.0.1:{port}"):
            serve(config, "127.0.0.1", port)


def test_the_background_server_serves_the_app_and_stops(config):
    import requests

    from review.app import ReviewApp
    from review.server import BackgroundServer

    app = ReviewApp(config)
    with BackgroundServer(app, threads=2) as server:
        assert server.url.startswith("http://127.0.0.1:")
        reply = requests.get(server.url + "/login", timeout=10)
        assert reply.status_code == 200 and reply.headers["Server"] == "papersurvey"
        assert "frame-ancestors 'none'" in reply.headers["Content-Security-Policy"]
        cookie = reply.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    app.close()
    with pytest.raises(requests.ConnectionError):
        requests.get(server.url + "/login", timeout=5)
