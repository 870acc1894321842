"""The store: one database per survey round, ``store.sqlite`` or a PostgreSQL schema.

It holds everything except personal data: respondents by pseudonym, mailings,
scan files and pages, answers, review items, online responses, an audit log
and a little metadata. The schema is versioned and brought up to date on open
by the forward migrations in :mod:`survey.migrations`.

By default the store is the SQLite file ``store.sqlite`` in the project
folder (WAL mode, foreign keys on, a busy timeout, so the review UI can read
while a scan run writes); ``[store] url`` in ``survey.toml`` can name a
PostgreSQL database instead (``docs/store.md``). :class:`Store` speaks
portable SQL with ``?`` placeholders to either; what differs between the
engines is in their backends (:mod:`survey.storedb`, :mod:`survey.pgstore`).

Writers from several processes take turns: :meth:`Store.transaction` takes
the round's write lock up front, so a transaction never fails half way on a
busy database.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from survey import entropy, opentexts
from survey.auditlog import ChainCheck, entry_hash, last_hash, verify_chain
from survey.errors import ConflictError, ProjectError
from survey.migrations import MIGRATIONS
from survey.storedb import Backend, Cursor, Params, Row, SqliteBackend, is_url

log = logging.getLogger("papersurvey.store")

SCHEMA_VERSION = len(MIGRATIONS)
BACKUP_BEFORE = "before-v"
"""The copy of a store made before migrating it to version N ends in ``.before-vN``."""
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


class Channel(StrEnum):
    """How a respondent is invited."""

    EMAIL = "email"
    PAPER = "paper"
    NONE = "none"  # no e-mail and paper_if_no_email is false: not invited


class RespondentStatus(StrEnum):
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"  # no longer in the municipality's address file


@dataclass(frozen=True)
class Respondent:
    """A respondent as the store knows them: a pseudonym, never a name."""

    pseudonym: str
    channel: Channel
    subgroup: str = ""
    language: str = "nl"
    imported_at: str = ""
    status: RespondentStatus = RespondentStatus.ACTIVE


@dataclass(frozen=True)
class StoreCounts:
    """Figures for ``papersurvey status``; every dict is sorted by key."""

    respondents: int
    respondents_by_channel: dict[str, int]
    respondents_by_status: dict[str, int]
    letters: int
    batches: int
    scan_files: int
    pages: int
    pages_by_status: dict[str, int]
    responses_paper: int
    responses_online: int
    responses_total: int
    review_open: int
    """Open review items (:meth:`Store.open_review`): ``review_questions + review_pages``."""
    responses_both: int = 0
    """Respondents with answers on paper and online: counted once in the dataset
    (``analysis.duplicates`` decides which response counts)."""
    texts_open: int = 0
    """Open answers on paper not yet transcribed in the review UI (:mod:`survey.opentexts`)."""
    scan_files_unread: int = 0
    """Scan files refused as unreadable; ``scan_files`` counts the files that gave pages."""
    review_questions: int = 0
    """Open review items about one question of one respondent (the review UI's question list)."""
    review_pages: int = 0
    """Open review items about a whole page (to assign, or returned twice; its page list)."""


@dataclass(frozen=True)
class OpenReview:
    """The open review items, as the scan summary, ``status`` and the review UI count them.

    A review item is one open row of ``review_items``: one question of one
    respondent for an operator to settle (however many reasons it has), or one
    page to assign or to resolve.
    """

    questions: int = 0
    pages: int = 0

    @property
    def total(self) -> int:
        return self.questions + self.pages


def utc_now() -> str:
    """The current time as stored: ISO 8601 UTC, whole seconds, ``Z`` suffix."""
    return entropy.now().strftime("%Y-%m-%dT%H:%M:%SZ")


def _identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"not a plain SQL identifier: {name!r}")
    return name


def _insert_sql(table: str, columns: Sequence[str], or_ignore: bool) -> str:
    """``INSERT INTO table (columns) VALUES (?, ...)``, names checked, for :meth:`Store.insert`
    and :meth:`Store.insert_many` alike; ``or_ignore`` adds ``ON CONFLICT DO NOTHING``."""
    cols = ", ".join(_identifier(c) for c in columns)
    sql = f"INSERT INTO {_identifier(table)} ({cols}) VALUES ({', '.join('?' * len(columns))})"
    return sql + " ON CONFLICT DO NOTHING" if or_ignore else sql


def on_conflict_update(key: Sequence[str], columns: Sequence[str]) -> str:
    """`` ON CONFLICT (key) DO UPDATE SET c = excluded.c, ...``: portable ``INSERT OR REPLACE``.

    Append it to an ``INSERT`` that lists every column, so the row is replaced
    as a whole (on SQLite and on PostgreSQL alike).
    """
    sets = ", ".join(f"{_identifier(c)} = excluded.{c}" for c in columns if c not in key)
    return f" ON CONFLICT ({', '.join(_identifier(k) for k in key)}) DO UPDATE SET {sets}"


ANSWER_COLUMNS = ("pseudonym", "question", "value", "source", "confidence", "page_sha256")
REPLACE_ANSWER = on_conflict_update(("pseudonym", "question", "source"), ANSWER_COLUMNS)
"""Appended to ``INSERT INTO answers (every column) VALUES (...)``: replace the stored answer."""


class Store:
    """An open store. Use :meth:`open`, and close it (or use ``with``).

    Attributes:
        path: the SQLite file, or ``None`` for a PostgreSQL store.
        location: where the store is, for messages (a URL without its password).
        engine: ``sqlite`` or ``postgresql``.
        integrity_error: the exception a broken constraint raises on this engine.
    """

    def __init__(self, db: Backend, path: Path | None) -> None:
        self._db = db
        self.path = path
        self.location = db.location
        self.engine = db.engine
        self.integrity_error = db.integrity_error
        self._savepoints = 0

    # ------------------------------------------------------------ lifecycle

    @classmethod
    def open(cls, location: Path | str, *, create: bool = False) -> Store:
        """Open (or with ``create`` make) a store and migrate it to the current schema.

        Args:
            location: the SQLite file, or a ``postgresql://`` URL (see ``docs/store.md``).
            create: make the file (or the URL's schema) when it does not exist.

        Raises:
            ProjectError: the store is missing, damaged, unreachable, or from a newer papersurvey.
        """
        if is_url(location):
            from survey.pgstore import PostgresBackend

            return cls._opened(PostgresBackend(str(location), create=create), None)
        path = Path(location)
        if not create and not path.is_file():
            raise ProjectError(
                f"{path} not found: the project folder is incomplete. "
                "Restore it from a backup, or create a new project with 'papersurvey new'."
            )
        try:
            db = SqliteBackend(path)
        except sqlite3.DatabaseError as exc:
            raise ProjectError(
                f"{path} is not a readable papersurvey store ({exc}). Restore it from a backup."
            ) from exc
        return cls._opened(db, path)

    @classmethod
    def _opened(cls, db: Backend, path: Path | None) -> Store:
        store = cls(db, path)
        try:
            store._migrate()
        except db.database_error as exc:
            db.close()
            raise ProjectError(
                f"{db.location} is not a readable papersurvey store ({exc}). "
                "Restore it from a backup."
            ) from exc
        except BaseException:
            db.close()
            raise
        return store

    def close(self) -> None:
        self._db.close()

    def compact(self) -> None:
        """Rewrite the store so that deleted and overwritten data leaves its files too
        (SQLite: ``VACUUM`` and a WAL checkpoint; PostgreSQL: ``VACUUM FULL`` of the
        round's tables). Call outside a transaction; :func:`survey.purge.purge` does."""
        if self._db.in_transaction:
            raise RuntimeError("compact() inside a transaction")
        try:
            self._db.compact()
        except self._db.database_error as exc:
            raise ConflictError(
                f"the store at {self._db.location} could not be compacted ({str(exc).strip()}): "
                "another process (a review server?) is using it. The data is removed from its "
                "tables; stop the other process and run the same command again to clear it "
                "from the files too."
            ) from exc

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        return self._db.schema_version()

    def _migrate(self) -> None:
        current, latest = self.schema_version, len(MIGRATIONS)
        if current > latest:
            raise ProjectError(
                f"{self.location} has schema version {current}, but this papersurvey knows "
                f"version {latest} at most. Upgrade papersurvey."
            )
        if current == latest:
            return
        if current > 0:
            backup = self._db.backup(f"{BACKUP_BEFORE}{latest}")
            if backup:
                log.info("backed up the store to %s before migrating", backup)
            else:
                log.warning(
                    "migrating %s without a copy: back it up with its own tools", self.location
                )
        done = []
        for version, migration in enumerate(MIGRATIONS[current:], start=current + 1):
            try:
                self._db.begin_write()
                if self._db.schema_version() >= version:  # another process was first
                    self._db.execute("ROLLBACK")
                    continue
                log.info("migrating store to schema version %d: %s", version, migration.name)
                self._db.run_ddl(migration.sql)
                if migration.then is not None:
                    migration.then(self)
                self._db.set_schema_version(version)
                self._db.execute("COMMIT")
            except self._db.database_error as exc:
                if self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise ProjectError(
                    f"migrating {self.location} to schema version {version} ({migration.name}) "
                    f"failed: {exc}. The store is unchanged at version {version - 1}; "
                    "report this as a bug."
                ) from exc
            done.append({"version": version, "name": migration.name})
        for detail in done:  # once the audit log has its latest columns
            self.audit("migrate", detail)

    # ------------------------------------------------------------ transactions

    @property
    def in_transaction(self) -> bool:
        return self._db.in_transaction

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Run the block in one transaction: all of it is written, or none.

        The transaction holds the round's write lock from the start (SQLite:
        ``BEGIN IMMEDIATE``; PostgreSQL: an advisory lock per round), so
        writers from several processes take turns and never fail half way.
        Nested use makes a savepoint, so a helper that opens a transaction can
        be called inside a larger one.
        """
        if self._db.in_transaction:
            self._savepoints += 1
            name = f"sp{self._savepoints}"
            self._db.execute(f"SAVEPOINT {name}")
            try:
                yield self
            except BaseException:
                self._db.execute(f"ROLLBACK TO {name}")
                self._db.execute(f"RELEASE {name}")
                raise
            finally:
                self._savepoints -= 1
            self._db.execute(f"RELEASE {name}")
            return
        self._db.begin_write()
        try:
            yield self
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        self._db.execute("COMMIT")

    # ------------------------------------------------------------ generic helpers

    def execute(self, sql: str, params: Params = ()) -> Cursor:
        """Run one statement of portable SQL with ``?`` placeholders."""
        return self._db.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        """Run ``sql`` for every row; the number of rows changed."""
        return self._db.executemany(sql, rows)

    def query(self, sql: str, params: Params = ()) -> list[Row]:
        return list(self._db.execute(sql, params).fetchall())

    def query_one(self, sql: str, params: Params = ()) -> Row | None:
        row: Row | None = self._db.execute(sql, params).fetchone()
        return row

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self._db.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def insert(self, table: str, row: Mapping[str, Any], *, or_ignore: bool = False) -> int:
        """Insert one row (column -> value); its integer id (0 when ignored).

        A table without an integer id gives an unspecified non-zero number
        (SQLite: its rowid; PostgreSQL: 1).
        """
        return self._db.insert_id(
            _insert_sql(table, list(row), or_ignore), list(row.values()), table
        )

    def insert_many(
        self, table: str, rows: Iterable[Mapping[str, Any]], *, or_ignore: bool = False
    ) -> int:
        """Insert rows that all have the same columns; the number inserted."""
        it = iter(rows)
        first = next(it, None)
        if first is None:
            return 0
        cols = list(first)
        sql = _insert_sql(table, cols, or_ignore)

        def values() -> Iterator[list[Any]]:
            yield [first[c] for c in cols]
            for r in it:
                yield [r[c] for c in cols]

        return self.executemany(sql, values())

    @contextmanager
    def exclusive(self, name: str, *, wait: bool, busy: str) -> Iterator[None]:
        """Hold the round-wide lock ``name`` for the block: one process at a time.

        Unlike :meth:`transaction` this lock spans many transactions (a whole
        scan run, say), and readers and other writers go on meanwhile. It is
        released when the block ends, and by the system when the process dies.

        Args:
            name: what the lock is for (``scan``).
            wait: wait for the process that holds it; otherwise refuse.
            busy: what is going on when another process holds it (for the message).

        Raises:
            ConflictError: another process holds the lock and ``wait`` is false.
        """
        if not self._db.try_lock(name):
            if not wait:
                raise ConflictError(busy)
            log.warning("%s; waiting for it to finish", busy.split(". ")[0])
            self._db.lock(name)
        try:
            yield
        finally:
            self._db.unlock(name)

    def reset_ids(self, table: str) -> None:
        """After inserting rows with their own ids (a copy): new rows get ids above them."""
        self._db.reset_ids(_identifier(table))

    # ------------------------------------------------------------ meta and audit

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return default if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        self.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    def audit(self, action: str, detail: Mapping[str, Any], actor: str = "papersurvey") -> None:
        """Append to the audit log, chained to the entry before (:mod:`survey.auditlog`).

        ``detail`` must hold no names, addresses or free text. The entry is
        written under the write lock, so two writers never chain to the same
        entry.
        """
        with self.transaction():
            prev = last_hash(self)
            at = utc_now()
            text = json.dumps(detail, sort_keys=True, ensure_ascii=False)
            entry_id = int(self.scalar("SELECT coalesce(max(id), 0) + 1 FROM audit_log"))
            self.insert(
                "audit_log",
                {
                    "id": entry_id,
                    "at": at,
                    "actor": actor,
                    "action": action,
                    "detail": text,
                    "prev_hash": prev,
                    "hash": entry_hash(prev, entry_id, at, actor, action, text),
                },
            )

    def verify_audit_log(self) -> ChainCheck:
        """Check the audit log's hash chain (see :func:`survey.auditlog.verify_chain`)."""
        return verify_chain(
            self.query(
                "SELECT id, at, actor, action, detail, prev_hash, hash FROM audit_log ORDER BY id"
            )
        )

    # ------------------------------------------------------------ respondents

    def respondents(self, status: RespondentStatus | None = None) -> list[Respondent]:
        """All respondents (or those with ``status``), ordered by pseudonym."""
        sql = "SELECT * FROM respondents"
        params: tuple[str, ...] = ()
        if status is not None:
            sql += " WHERE status = ?"
            params = (status.value,)
        return [
            Respondent(
                pseudonym=r["pseudonym"],
                channel=Channel(r["channel"]),
                subgroup=r["subgroup"],
                language=r["language"],
                imported_at=r["imported_at"],
                status=RespondentStatus(r["status"]),
            )
            for r in self.query(sql + " ORDER BY pseudonym", params)
        ]

    def pseudonyms(self) -> set[str]:
        """Every pseudonym ever issued in this round, withdrawn ones included."""
        return {r[0] for r in self.query("SELECT pseudonym FROM respondents")}

    def open_review(self) -> OpenReview:
        """The open review items (see :class:`OpenReview`: the one definition)."""
        rows = self.query(
            "SELECT question = '' AS page, count(*) AS n FROM review_items "
            "WHERE state = 'open' GROUP BY question = ''"
        )
        by_kind = {bool(r["page"]): int(r["n"]) for r in rows}
        return OpenReview(questions=by_kind.get(False, 0), pages=by_kind.get(True, 0))

    def counts(self) -> StoreCounts:
        """The figures of the round so far."""
        review = self.open_review()

        def grouped(sql: str) -> dict[str, int]:
            return {str(k): int(n) for k, n in self.query(sql)}

        return StoreCounts(
            respondents=self.scalar("SELECT count(*) FROM respondents"),
            respondents_by_channel=grouped(
                "SELECT channel, count(*) FROM respondents WHERE status = 'active' "
                "GROUP BY channel ORDER BY channel"
            ),
            respondents_by_status=grouped(
                "SELECT status, count(*) FROM respondents GROUP BY status ORDER BY status"
            ),
            letters=self.scalar("SELECT count(*) FROM mailings WHERE sent_at IS NOT NULL"),
            batches=self.scalar(
                "SELECT count(DISTINCT batch) FROM mailings WHERE sent_at IS NOT NULL"
            ),
            scan_files=self.scalar(
                "SELECT count(DISTINCT file_sha256) FROM scan_pages WHERE image_sha256 IS NOT NULL"
            ),
            scan_files_unread=self.scalar(
                "SELECT count(*) FROM scan_file_info WHERE problem != ''"
            ),
            pages=self.scalar("SELECT count(*) FROM pages"),
            pages_by_status=grouped(
                "SELECT status, count(*) FROM pages GROUP BY status ORDER BY status"
            ),
            responses_paper=self.scalar(
                "SELECT count(DISTINCT pseudonym) FROM answers WHERE source = 'paper'"
            ),
            responses_online=self.scalar("SELECT count(DISTINCT pseudonym) FROM online_responses"),
            responses_total=self.scalar(
                "SELECT count(*) FROM (SELECT pseudonym FROM answers "
                "UNION SELECT pseudonym FROM online_responses) AS responded"
            ),
            review_open=review.total,
            review_questions=review.questions,
            review_pages=review.pages,
            texts_open=sum(opentexts.untranscribed(self).values()),
            responses_both=self.scalar(
                "SELECT count(*) FROM (SELECT pseudonym FROM answers "
                "INTERSECT SELECT pseudonym FROM online_responses) AS both_channels"
            ),
        )
