"""The store's database seam: one :class:`Backend` per database engine.

:class:`survey.store.Store` speaks portable SQL with ``?`` placeholders and
asks its backend for what differs between engines: how to connect, how a
write transaction takes the round's write lock, where the schema version is
kept, how a migration's DDL is spelt and how a new row's id comes back. There
are two backends: :class:`SqliteBackend` here (``store.sqlite`` in the
project folder, the default) and ``survey.pgstore.PostgresBackend``
(a ``postgresql://`` URL). See ``docs/store.md``.
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

BUSY_TIMEOUT_S = 30.0
"""How long a writer waits for another writer's transaction (both engines)."""

Params = Sequence[Any] | Mapping[str, Any]


class Row(Protocol):
    """A result row: by column name (``r["id"]``) and by position (``r[0]``), unpackable."""

    def keys(self) -> list[str]: ...

    def __getitem__(self, key: int | str, /) -> Any: ...

    def __iter__(self) -> Iterator[Any]: ...

    def __len__(self) -> int: ...


class Cursor(Protocol):
    """What a statement returns: its rows and the number of rows it changed."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Backend(Protocol):
    """One open connection to a round's database.

    Attributes:
        engine: ``sqlite`` or ``postgresql``.
        location: where the store is, for messages (never a password).
        integrity_error: the engine's exception for a broken constraint.
        database_error: the base of the engine's exceptions.
    """

    engine: str
    location: str
    integrity_error: type[Exception]
    database_error: type[Exception]

    @property
    def in_transaction(self) -> bool: ...

    def execute(self, sql: str, params: Params = ()) -> Cursor: ...

    def executemany(self, sql: str, rows: Iterable[Params]) -> int: ...

    def insert_id(self, sql: str, params: Sequence[Any], table: str) -> int:
        """Run an ``INSERT`` of one row; its integer id (0 when none was inserted)."""
        ...

    def begin_write(self) -> None:
        """Begin a transaction holding the round's write lock (waits for another writer)."""
        ...

    def reset_ids(self, table: str) -> None:
        """After rows were inserted with their own ids: new rows get ids above them."""
        ...

    def try_lock(self, name: str) -> bool:
        """Take the round-wide lock ``name`` for this connection unless another process has it."""
        ...

    def lock(self, name: str) -> None:
        """Take the round-wide lock ``name``, waiting as long as another process has it."""
        ...

    def unlock(self, name: str) -> None: ...

    def run_ddl(self, sql: str) -> None:
        """Run a migration's statements inside the open transaction."""
        ...

    def schema_version(self) -> int: ...

    def set_schema_version(self, version: int) -> None:
        """Record the version, inside the open transaction."""
        ...

    def backup(self, suffix: str) -> str | None:
        """Copy the store before a migration; where the copy is (``None``: not possible)."""
        ...

    def compact(self) -> None:
        """Rewrite the store without the space of deleted or overwritten rows, so that
        what was removed is gone from the files too (outside a transaction)."""
        ...

    def close(self) -> None: ...


def is_url(location: str | Path) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than a SQLite file."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


class SqliteBackend:
    """``store.sqlite``: WAL mode, foreign keys on, a busy timeout; ``PRAGMA user_version``.

    Writers are serialised by SQLite itself; :meth:`begin_write` takes the
    write lock up front (``BEGIN IMMEDIATE``), so a transaction never fails
    half way on a busy database.
    """

    engine = "sqlite"
    integrity_error: type[Exception] = sqlite3.IntegrityError
    database_error: type[Exception] = sqlite3.DatabaseError

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = str(path)
        self._locks: dict[str, int] = {}
        self._conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        self._conn.row_factory = sqlite3.Row
        try:
            self._conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA synchronous = NORMAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            # Deleted and overwritten rows are zeroed in the file, whatever the default of
            # this SQLite build (Debian's is on; others are off). See Store.compact.
            self._conn.execute("PRAGMA secure_delete = ON")
        except BaseException:
            self._conn.close()
            raise

    @property
    def in_transaction(self) -> bool:
        return self._conn.in_transaction

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self._conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        return self._conn.executemany(sql, rows).rowcount

    def insert_id(self, sql: str, params: Sequence[Any], table: str) -> int:
        cur = self._conn.execute(sql, params)
        return int(cur.lastrowid or 0) if cur.rowcount else 0

    def begin_write(self) -> None:
        self._conn.execute("BEGIN IMMEDIATE")

    def reset_ids(self, table: str) -> None:
        pass  # SQLite gives a new row max(id) + 1 by itself

    # Round-wide locks are flock()s on a file next to the store: released by the
    # kernel when the process ends, however it ends.

    def _lock_file(self, name: str) -> int:
        if name not in self._locks:
            path = self.path.with_name(f"{self.path.name}.{name}.lock")
            self._locks[name] = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        return self._locks[name]

    def try_lock(self, name: str) -> bool:
        try:
            fcntl.flock(self._lock_file(name), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def lock(self, name: str) -> None:
        fcntl.flock(self._lock_file(name), fcntl.LOCK_EX)

    def unlock(self, name: str) -> None:
        fd = self._locks.pop(name, None)
        if fd is not None:
            os.close(fd)  # closing the file releases the lock

    def run_ddl(self, sql: str) -> None:
        # executescript would COMMIT the open transaction first: run statement by statement,
        # joining pieces until SQLite calls the statement complete (a trigger's body has ';')
        piece = ""
        for part in split_statements(sql):
            piece = f"{piece};\n{part}" if piece else part
            if sqlite3.complete_statement(piece + ";"):
                self._conn.execute(piece)
                piece = ""
        if piece:
            self._conn.execute(piece)

    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def set_schema_version(self, version: int) -> None:
        self._conn.execute(f"PRAGMA user_version = {int(version)}")

    def compact(self) -> None:
        # VACUUM writes the new file through the WAL; the checkpoint moves it into
        # store.sqlite and empties the WAL, which held the old pages too.
        self._conn.execute("VACUUM")
        self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def backup(self, suffix: str) -> str | None:
        backup = self.path.with_name(f"{self.path.name}.{suffix}")
        dest = sqlite3.connect(backup)
        try:
            self._conn.backup(dest)
        finally:
            dest.close()
        return str(backup)

    def close(self) -> None:
        for name in list(self._locks):
            self.unlock(name)
        self._conn.close()


def split_statements(sql: str) -> list[str]:
    """The statements of a script, without comments; ``;`` inside quotes is kept."""
    out: list[str] = []
    current: list[str] = []
    for kind, text in tokens(sql):
        if kind == "comment":
            continue
        if kind == "code" and ";" in text:
            head, *rest = text.split(";")
            current.append(head)
            for part in rest:
                out.append("".join(current))
                current = [part]
            continue
        current.append(text)
    out.append("".join(current))
    return [s.strip() for s in out if s.strip()]


def tokens(sql: str) -> Iterator[tuple[str, str]]:
    """``(kind, text)`` pieces of SQL: ``code``, ``string`` ('...'), ``name`` ("...") or ``comment``."""
    i, n, start = 0, len(sql), 0
    while i < n:
        c = sql[i]
        if c in "'\"":
            if start < i:
                yield "code", sql[start:i]
            j = i + 1
            while j < n:
                if sql[j] == c:
                    if j + 1 < n and sql[j + 1] == c:  # a doubled quote inside
                        j += 2
                        continue
                    break
                j += 1
            yield ("string" if c == "'" else "name"), sql[i : j + 1]
            i = start = j + 1
        elif c == "-" and sql.startswith("--", i):
            if start < i:
                yield "code", sql[start:i]
            j = sql.find("\n", i)
            j = n if j < 0 else j
            yield "comment", sql[i:j]
            i = start = j
        else:
            i += 1
    if start < n:
        yield "code", sql[start:]
