"""Load and concurrency: 8 operators over real HTTP on one queue, one server or two.

The real waitress server listens on a free port of 127.0.0.1 (in a thread);
every simulated operator (:mod:`papersurvey.simulate.operators`) has its own
HTTP session and works the question queue until nothing is left for them.
Whatever the scheduling, every item must be decided exactly once, by the
operator the server gave it to, with one audit-log entry, and no operator may
ever be refused an item because a colleague had it (leases hand out distinct
items). No sleeps, no timing assertions: every loop is bounded by the items.

Two servers are two apps in this process (each with its own store
connections) or the ``papersurvey review`` command in a real second process,
stopped with Ctrl-C (SIGINT) at the end.

Every test runs on both stores: the round's SQLite file, and a PostgreSQL
schema named in its ``survey.toml`` (skipped, with the reason, when no
server is at hand).
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from pathlib import Path

import pytest

from papersurvey.simulate.operators import PASSWORD, LoadRound, make_load_round, run_operators
from review.app import ReviewApp, ReviewConfig
from review.roundconfig import review_config
from review.server import BackgroundServer
from tests.signals import ctrl_c_raises
from tests.stores import ENGINES

ITEMS = 60
OPERATORS = 8


@pytest.fixture(params=ENGINES)
def store_kind(request) -> str:
    """The kind of store under test: SQLite, and PostgreSQL when a server is at hand."""
    return request.param


@pytest.fixture
def load_round(tmp_path, store_kind, request) -> tuple[LoadRound, ReviewConfig]:
    root = tmp_path / "load"
    url = request.getfixturevalue("pg_url") if store_kind == "postgresql" else None
    made = make_load_round(root, items=ITEMS, operators=OPERATORS, store_url=url)
    config = dataclasses.replace(review_config(root), draft_ocr=None)
    return made, config


def check_every_item_decided_once(made: LoadRound, config: ReviewConfig, runs) -> None:
    decided = [i for r in runs for i in r.decided]
    assert sorted(decided) == sorted(made.items)  # none lost, none twice
    assert [r.conflicts for r in runs] == [0] * len(runs)  # nobody got a colleague's item
    assert all(r.last in ("/?msg=all_done", "/?msg=all_taken") for r in runs)
    by = {i: r.name for r in runs for i in r.decided}
    with config.open_store() as store:
        rows = store.query(
            "SELECT id, state, decided_by FROM review_items WHERE question = ?", (made.question,)
        )
        assert {r["id"]: (r["state"], r["decided_by"]) for r in rows} == {
            i: ("decided", by[i]) for i in made.items
        }
        audited = Counter(
            json.loads(r["detail"])["item"]
            for r in store.query("SELECT detail FROM audit_log WHERE action = 'review.no_answer'")
        )
        assert audited == Counter(made.items)  # every decision in the audit log exactly once
        assert store.verify_audit_log().ok
        assert store.scalar("SELECT count(*) FROM review_leases WHERE operator != ''") == 0


def test_eight_operators_work_one_queue_until_it_is_empty(load_round):
    made, config = load_round
    app = ReviewApp(config)
    with BackgroundServer(app) as server:
        runs = run_operators([server.url], made.operators, max_items=ITEMS)
    app.close()
    check_every_item_decided_once(made, config, runs)
    assert sum(len(r.decided) for r in runs) == ITEMS


def test_two_servers_on_one_round_share_the_queue_sessions_and_leases(load_round):
    import requests

    made, config = load_round
    first, second = ReviewApp(config), ReviewApp(config)  # separate apps, separate connections
    with BackgroundServer(first) as a, BackgroundServer(second) as b:
        # a session made through one server is good on the other
        http = requests.Session()
        login = http.get(a.url + "/login", timeout=30).text
        token = login.split('name="csrf" value="')[1].split('"')[0]
        form = {"csrf": token, "name": made.operators[0], "password": PASSWORD}
        assert http.post(a.url + "/login", data=form, timeout=30).url == a.url + "/"
        held = http.get(b.url + "/items/next", allow_redirects=False, timeout=30)
        assert held.status_code == 303 and held.headers["Location"] == f"/items/{made.items[0]}"
        # ... and the item it leased there is nobody else's, on either server
        runs = run_operators([a.url, b.url], made.operators[1:], max_items=ITEMS)
        assert made.items[0] not in [i for r in runs for i in r.decided]
        http.post(b.url + "/logout", data={"csrf": token}, timeout=30)  # gives it back
        runs += run_operators([b.url], made.operators[:1], max_items=ITEMS)
    first.close()
    second.close()
    check_every_item_decided_once(made, config, runs)


def test_a_second_process_shares_the_round_and_stops_on_ctrl_c(load_round):
    """``papersurvey review DIR`` in a real second process, next to a server in this one."""
    import signal
    import subprocess
    import sys

    made, config = load_round
    with ctrl_c_raises():  # the child takes Ctrl-C as from a terminal
        child = subprocess.Popen(
            [sys.executable, "-m", "papersurvey.cli", "review", str(made.root), "--port", "0"],
            cwd=Path(__file__).resolve().parents[2],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    try:
        line = child.stdout.readline()
        assert line.startswith("review UI on http://127.0.0.1:"), child.stderr.read()
        other = line.split()[3].rstrip("/")
        app = ReviewApp(config)
        with BackgroundServer(app) as here:
            runs = run_operators([here.url, other], made.operators, max_items=ITEMS)
        app.close()
        child.send_signal(signal.SIGINT)  # Ctrl-C
        _, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
            child.communicate()
    assert child.returncode == 0 and "review UI stopped" in err and "Traceback" not in err
    check_every_item_decided_once(made, config, runs)
