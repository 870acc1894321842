"""The stores the tests run on: the SQLite file and, when a server is at hand, PostgreSQL.

``PAPERSURVEY_TEST_PG_URL`` names a database the tests may create schemas in
(``make test`` and ``.ci/run`` set it with ``scripts/pgtest.sh start``).
Without it the tests try the local server's socket once; when there is none,
every PostgreSQL test skips and says so. Each test gets its own schema,
named after the xdist worker, the process and a counter, and dropped again
afterwards, so tests never see each other's rows, also under ``-n 2``.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

PG_ENV = "PAPERSURVEY_TEST_PG_URL"
LOCAL = "postgresql:///papersurvey_test?host=/var/run/postgresql"
ENGINES = ("sqlite", "postgresql")
_counter = itertools.count(1)


@functools.cache
def pg_server() -> tuple[str | None, str]:
    """``(base URL, "")`` of a reachable server, or ``(None, why not)``."""
    try:
        import psycopg
    except ImportError:
        return None, "psycopg is not installed"
    url = os.environ.get(PG_ENV, "").strip()
    try:
        psycopg.connect(url or LOCAL, connect_timeout=5).close()
    except psycopg.Error as exc:
        if url:  # a server was promised: that it is not there is a failure, not a skip
            raise RuntimeError(f"{PG_ENV}={url}: cannot connect: {exc}") from exc
        return None, (
            f"no PostgreSQL server: set {PG_ENV} (make test starts one with scripts/pgtest.sh)"
        )
    return url or LOCAL, ""


def with_schema(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}schema={schema}"


def new_schema_name() -> str:
    worker = re.sub(r"\W", "", os.environ.get("PYTEST_XDIST_WORKER", "main"))
    return f"t_{worker}_{os.getpid()}_{next(_counter)}"


def drop_schema(base: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute("SET lock_timeout = '20s'")
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a fresh PostgreSQL schema for one store (created on first open, then dropped)."""
    base, why = pg_server()
    if base is None:
        pytest.skip(why)
    schema = new_schema_name()
    try:
        yield with_schema(base, schema)
    finally:
        drop_schema(base, schema)


@pytest.fixture(params=ENGINES)
def store_location(request: pytest.FixtureRequest, tmp_path: Path) -> Path | str:
    """Where a fresh store goes: ``store.sqlite`` in ``tmp_path``, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        return tmp_path / "store.sqlite"
    url: str = request.getfixturevalue("pg_url")
    return url


def table_exists(store, name: str) -> bool:
    """Whether the store has a table ``name`` (either engine)."""
    if store.engine == "sqlite":
        return bool(store.scalar("SELECT count(*) FROM sqlite_master WHERE name = ?", (name,)))
    return store.scalar("SELECT to_regclass(?)", (name,)) is not None


def columns(store, table: str) -> list[str]:
    """The columns of ``table`` in their order (either engine)."""
    if store.engine == "sqlite":
        return [r["name"] for r in store.query(f"PRAGMA table_info({table})")]
    return [
        r[0]
        for r in store.query(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position",
            (table,),
        )
    ]
