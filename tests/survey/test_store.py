"""The store: schema, pragmas, transactions, migrations and the status figures.

Most tests run on both engines (``store_location``: SQLite and PostgreSQL).
"""

from __future__ import annotations

import functools
import json
import sqlite3
from pathlib import Path

import pytest

import survey.store as store_module
from survey.errors import ProjectError
from survey.migrations import MIGRATIONS, Migration
from survey.store import Channel, Respondent, RespondentStatus, Store
from survey.storedb import SqliteBackend
from tests.stores import columns, table_exists
from tests.survey.concurrently import errors_of_concurrent

TABLES = {
    "respondents": ["pseudonym", "channel", "subgroup", "language", "imported_at", "status"],
    "mailings": ["id", "pseudonym", "batch", "sequence", "variant", "sent_at"],
    "scan_files": ["sha256", "path", "pages", "added_at"],
    "pages": [
        "image_sha256", "file_sha256", "page_index", "pseudonym", "page_no",
        "status", "reason", "quality", "result", "processed_at",
    ],
    "answers": ["pseudonym", "question", "value", "source", "confidence", "page_sha256"],
    "review_items": [
        "id", "pseudonym", "question", "page_sha256", "reason", "state",
        "decided_value", "decided_by", "decided_at", "created_at",
    ],
    "online_responses": ["pseudonym", "submitted_at", "raw"],
    "audit_log": ["id", "at", "actor", "action", "detail", "prev_hash", "hash"],
    "meta": ["key", "value"],
}  # fmt: skip


@pytest.fixture
def store(store_location: Path | str) -> Store:
    s = Store.open(store_location, create=True)
    yield s
    s.close()


def add_respondent(
    store: Store, pseudonym: str, channel: str = "paper", status: str = "active"
) -> None:
    store.insert(
        "respondents",
        {
            "pseudonym": pseudonym,
            "channel": channel,
            "imported_at": "2027-01-01T00:00:00Z",
            "status": status,
        },
    )


def test_schema_and_pragmas(store: Store) -> None:
    assert store.schema_version == len(MIGRATIONS) == store_module.SCHEMA_VERSION
    if store.engine == "sqlite":
        assert store.scalar("PRAGMA journal_mode") == "wal"
        assert store.scalar("PRAGMA foreign_keys") == 1
        assert store.scalar("PRAGMA busy_timeout") == 30000
    else:
        assert store.scalar("SELECT version FROM papersurvey_schema") == len(MIGRATIONS)
        assert store.scalar("SHOW lock_timeout") == "30s"
    for table, want in TABLES.items():
        assert columns(store, table) == want
    assert store.query("SELECT action FROM audit_log")[0]["action"] == "migrate"


def test_rows_by_name_and_position_and_values_as_sqlite_gives_them(store: Store) -> None:
    add_respondent(store, "A")
    first = store.insert(
        "mailings", {"pseudonym": "A", "batch": "b/1", "sequence": 1, "variant": "v"}
    )
    second = store.insert(
        "mailings", {"pseudonym": "A", "batch": "b/1", "sequence": 2, "variant": "v"}
    )
    assert (first, second) == (1, 2)  # new ids come back on both engines
    row = store.query_one("SELECT * FROM mailings WHERE id = ?", (2,))
    assert row is not None and row["sequence"] == row[3] == 2 and row["SEQUENCE"] == 2
    assert dict(row) == {
        "id": 2, "pseudonym": "A", "batch": "b/1", "sequence": 2, "variant": "v", "sent_at": None,
    }  # fmt: skip
    batch, n = store.query("SELECT batch, count(*) FROM mailings GROUP BY batch")[0]
    assert (batch, n) == ("b/1", 2)
    store.insert("scan_files", {"sha256": "f", "path": "p%?.pdf", "pages": 1, "added_at": "t"})
    assert store.scalar("SELECT path FROM scan_files WHERE path LIKE '%?%'") == "p%?.pdf"
    assert store.scalar("SELECT count(*) FROM scan_files WHERE path LIKE ?", ("p%",)) == 1
    store.insert("scan_files", {"sha256": "g", "path": "g", "pages": True, "added_at": "t"})
    assert store.scalar("SELECT pages FROM scan_files WHERE pages = ?", (True,)) == 1  # as 0/1
    store.insert("pages", {"image_sha256": "i", "file_sha256": "f", "page_index": 0,
                           "status": "ok", "processed_at": "t"})  # fmt: skip
    blob = bytes(range(256)) * 3
    store.insert("scan_batches", {"name": "b", "started_at": "t"})
    store.insert(
        "page_measures", {"image_sha256": "i", "batch": "b", "stage": "m", "measures": blob}
    )
    assert store.scalar("SELECT measures FROM page_measures") == blob
    store.insert("answers", {"pseudonym": "A", "question": "q", "source": "paper",
                             "confidence": 0.1234567890123})  # fmt: skip
    assert store.scalar("SELECT confidence FROM answers") == 0.1234567890123
    for p in ("b", "B", "a", "_", "Z", "1"):  # ORDER BY sorts by code point, as SQLite does
        add_respondent(store, p)
    assert [r[0] for r in store.query("SELECT pseudonym FROM respondents ORDER BY pseudonym")] == [
        "1", "A", "B", "Z", "_", "a", "b",
    ]  # fmt: skip


def test_writers_from_several_connections_take_turns(store_location: Path | str) -> None:
    """Eight writers at once: every audit entry is written, and the chain still holds."""
    Store.open(store_location, create=True).close()

    def write(n: int) -> None:
        with Store.open(store_location) as s:
            for i in range(10):
                with s.transaction():
                    s.audit("step", {"writer": n, "i": i})
                    add_respondent(s, f"P{n}-{i}")

    assert errors_of_concurrent([functools.partial(write, n) for n in range(8)]) == []
    with Store.open(store_location) as s:
        check = s.verify_audit_log()
        assert check.ok and check.entries == len(MIGRATIONS) + 80
        assert len(s.pseudonyms()) == 80


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(store.integrity_error):
        store.insert(
            "mailings", {"pseudonym": "NOBODY", "batch": "b", "sequence": 1, "variant": "v"}
        )


def test_transaction_commits_or_rolls_back(store: Store) -> None:
    with store.transaction():
        add_respondent(store, "A")
    with pytest.raises(RuntimeError), store.transaction():
        add_respondent(store, "B")
        raise RuntimeError
    assert store.pseudonyms() == {"A"}


def test_nested_transaction_is_a_savepoint(store: Store) -> None:
    with store.transaction():
        add_respondent(store, "A")
        with pytest.raises(store.integrity_error), store.transaction():
            add_respondent(store, "B")
            add_respondent(store, "A")  # duplicate: the inner block rolls back
        add_respondent(store, "C")
    assert store.pseudonyms() == {"A", "C"}


def test_readers_are_not_blocked_by_a_writer(store: Store, store_location: Path | str) -> None:
    add_respondent(store, "A")
    other = Store.open(store_location)
    try:
        with store.transaction():
            add_respondent(store, "B")
            assert other.pseudonyms() == {"A"}  # sees the last commit, does not wait
        assert other.pseudonyms() == {"A", "B"}
    finally:
        other.close()


def test_helpers(store: Store) -> None:
    assert store.insert_many("respondents", []) == 0
    rows = [
        {"pseudonym": p, "channel": "email", "imported_at": "t", "language": "en", "subgroup": "X"}
        for p in ("B", "A")
    ]
    assert store.insert_many("respondents", rows) == 2
    assert store.insert_many("respondents", rows, or_ignore=True) == 0
    assert store.insert("respondents", rows[0], or_ignore=True) == 0
    assert store.respondents() == [
        Respondent("A", Channel.EMAIL, "X", "en", "t", RespondentStatus.ACTIVE),
        Respondent("B", Channel.EMAIL, "X", "en", "t", RespondentStatus.ACTIVE),
    ]
    assert store.respondents(RespondentStatus.WITHDRAWN) == []
    assert store.query_one("SELECT * FROM respondents WHERE pseudonym = 'Z'") is None
    with pytest.raises(ValueError, match="not a plain SQL identifier"):
        store.insert("respondents; DROP TABLE meta", {"a": 1})
    store.set_meta("k", "1")
    store.set_meta("k", "2")
    assert (store.get_meta("k"), store.get_meta("missing", "d")) == ("2", "d")
    store.audit("test", {"n": 3}, actor="tester")
    last = store.query_one("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1")
    assert (last["actor"], last["action"], json.loads(last["detail"])) == (
        "tester",
        "test",
        {"n": 3},
    )


def test_counts(store: Store) -> None:
    for p, ch, st in [
        ("A", "paper", "active"),
        ("B", "email", "active"),
        ("C", "paper", "withdrawn"),
    ]:
        add_respondent(store, p, ch, st)
    for seq, (p, sent) in enumerate([("A", "t"), ("B", "t"), ("A", None)], start=1):
        store.insert(
            "mailings",
            {
                "pseudonym": p,
                "batch": f"inv/{seq % 2}",
                "sequence": seq,
                "variant": "v",
                "sent_at": sent,
            },
        )
    store.insert("scan_files", {"sha256": "f", "path": "scan.pdf", "pages": 3, "added_at": "t"})
    for i, status in enumerate(["ok", "ok", "foreign"]):
        store.insert(
            "pages",
            {
                "image_sha256": f"i{i}",
                "file_sha256": "f",
                "page_index": i,
                "status": status,
                "processed_at": "t",
            },
        )
    store.executemany(
        "INSERT INTO scan_pages (file_sha256, page_index, image_sha256, outcome, read_at)"
        " VALUES ('f', ?, ?, 'read', 't')",
        [(i, f"i{i}") for i in range(3)],
    )
    # a file that could not be read: listed apart, not counted as scanned
    store.insert("scan_batches", {"name": "b1", "started_at": "t"})
    for sha, problem in (("f", ""), ("g", "the PDF is damaged")):
        store.insert(
            "scan_files",
            {"sha256": sha, "path": f"{sha}.pdf", "pages": 0, "added_at": "t"},
            or_ignore=True,
        )
        store.insert(
            "scan_file_info",
            {"sha256": sha, "batch": "b1", "seq": 1 + (sha == "g"), "problem": problem},
        )
    store.insert(
        "review_items",
        {"question": "", "page_sha256": "i2", "reason": "unknown_respondent", "created_at": "t"},
    )
    store.insert("answers", {"pseudonym": "A", "question": "q1", "value": "1", "source": "paper"})
    store.insert("answers", {"pseudonym": "A", "question": "q2", "value": "1", "source": "review"})
    store.insert("online_responses", {"pseudonym": "B", "submitted_at": "t", "raw": "{}"})
    store.insert("online_responses", {"pseudonym": "A", "submitted_at": "t", "raw": "{}"})
    store.insert(
        "review_items", {"question": "q1", "page_sha256": "i0", "reason": "r", "created_at": "t"}
    )
    store.insert(
        "review_items",
        {
            "question": "q2",
            "page_sha256": "i0",
            "reason": "r",
            "state": "decided",
            "created_at": "t",
        },
    )
    c = store.counts()
    assert (c.respondents, c.respondents_by_channel, c.respondents_by_status) == (
        3,
        {"email": 1, "paper": 1},
        {"active": 2, "withdrawn": 1},
    )
    assert (c.letters, c.batches) == (2, 2)
    assert (c.scan_files, c.pages, c.pages_by_status) == (1, 3, {"foreign": 1, "ok": 2})
    assert c.scan_files_unread == 1
    assert (c.responses_paper, c.responses_online, c.responses_total) == (1, 2, 2)
    assert c.responses_both == 1  # the paper respondent also answered online
    # one open question item and one open page item; the decided one is not counted
    assert (c.review_open, c.review_questions, c.review_pages) == (2, 1, 1)
    assert store.open_review().total == c.review_open


def test_postgresql_refuses_a_missing_schema_and_a_newer_store(pg_url: str) -> None:
    with pytest.raises(ProjectError, match="has no schema 't_"):
        Store.open(pg_url)
    with Store.open(pg_url, create=True) as s:
        s.execute("UPDATE papersurvey_schema SET version = ?", (len(MIGRATIONS) + 1,))
    with pytest.raises(ProjectError, match="Upgrade papersurvey"):
        Store.open(pg_url)
    secret = pg_url.replace("postgresql://", "postgresql://nobody:s3cret@localhost:1/", 1)
    secret = secret.replace("?host=/var/run/postgresql&", "?", 1)
    with pytest.raises(ProjectError, match="cannot connect") as err:
        Store.open(secret.split("?")[0])
    assert "s3cret" not in str(err.value) and "nobody:***@" in str(err.value)


def test_open_refuses_missing_damaged_and_newer_stores(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with pytest.raises(ProjectError, match=r"store\.sqlite not found"):
        Store.open(path)
    path.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(ProjectError, match="is not a readable papersurvey store"):
        Store.open(path)
    path.unlink()
    Store.open(path, create=True).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(ProjectError, match="Upgrade papersurvey"):
        Store.open(path)


def test_a_new_migration_runs_once_after_a_backup(
    store_location: Path | str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = store_location
    with Store.open(path, create=True) as s:
        add_respondent(s, "A")
    extra = Migration(
        "add a note column", "ALTER TABLE respondents ADD COLUMN note TEXT NOT NULL DEFAULT '';"
    )
    monkeypatch.setattr(store_module, "MIGRATIONS", (*MIGRATIONS, extra))
    with Store.open(path) as s:
        assert s.schema_version == len(MIGRATIONS) + 1
        assert s.scalar("SELECT note FROM respondents") == ""
        assert (
            s.scalar("SELECT count(*) FROM audit_log WHERE action = 'migrate'")
            == len(MIGRATIONS) + 1
        )
    backup = tmp_path / f"store.sqlite.before-v{len(MIGRATIONS) + 1}"
    if isinstance(path, Path):  # PostgreSQL: no copy (the administrator's pg_dump)
        with sqlite3.connect(backup) as conn:
            assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
            assert conn.execute("SELECT pseudonym FROM respondents").fetchall() == [("A",)]
        conn.close()
    else:
        assert not backup.exists()
    with Store.open(path) as s:  # nothing left to do
        assert (
            s.scalar("SELECT count(*) FROM audit_log WHERE action = 'migrate'")
            == len(MIGRATIONS) + 1
        )


def test_a_failing_migration_leaves_the_store_unchanged(
    store_location: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = store_location
    with Store.open(path, create=True) as s:
        add_respondent(s, "A")
    bad = Migration(
        "broken", "CREATE TABLE extra (x INTEGER);\nALTER TABLE nowhere ADD COLUMN y TEXT;"
    )
    monkeypatch.setattr(store_module, "MIGRATIONS", (*MIGRATIONS, bad))
    with pytest.raises(
        ProjectError,
        match=rf"to schema version {len(MIGRATIONS) + 1} \(broken\) failed: "
        rf".*unchanged at version {len(MIGRATIONS)}",
    ):
        Store.open(path)
    monkeypatch.setattr(store_module, "MIGRATIONS", MIGRATIONS)
    with Store.open(path) as s:
        assert s.schema_version == len(MIGRATIONS)
        assert not table_exists(s, "extra")
        assert s.pseudonyms() == {"A"}


def test_the_audit_log_is_a_hash_chain_that_shows_any_change(store_location: Path | str) -> None:
    path = store_location
    with Store.open(path, create=True) as s:
        for i in range(4):
            s.audit("step", {"n": i})
        check = s.verify_audit_log()
        assert check.ok and check.entries == len(MIGRATIONS) + 4
        assert check.head == s.scalar("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
        ids = [r[0] for r in s.query("SELECT id FROM audit_log ORDER BY id")]
        third = ids[len(MIGRATIONS) + 1]
        s.execute("UPDATE audit_log SET detail = '{\"n\": 9}' WHERE id = ?", (third,))
        bad = s.verify_audit_log()
        assert (bad.ok, bad.broken_at) == (False, third)
        assert "changed" in bad.reason
    with Store.open(path) as s:  # a removed entry breaks the link of the next one
        s.execute("UPDATE audit_log SET detail = '{\"n\": 1}' WHERE id = ?", (third,))
        assert s.verify_audit_log().ok
        s.execute("DELETE FROM audit_log WHERE id = ?", (third,))
        gone = s.verify_audit_log()
        assert gone.broken_at == third + 1 and "removed or inserted" in gone.reason


def test_migration_5_chains_the_entries_written_before(store_location: Path | str) -> None:
    path = store_location
    if isinstance(path, Path):
        db = SqliteBackend(path)
    else:
        from survey.pgstore import PostgresBackend

        db = PostgresBackend(path, create=True)
    try:  # a store at version 4, as an older papersurvey left it
        for version, m in enumerate(MIGRATIONS[:4], start=1):
            db.begin_write()
            db.run_ddl(m.sql)
            db.set_schema_version(version)
            db.execute("COMMIT")
        db.executemany(
            "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, 'x', ?, '{}')",
            [("2027-01-01T00:00:00Z", "new"), ("2027-01-02T00:00:00Z", "print")],
        )
    finally:
        db.close()
    with Store.open(path) as s:
        check = s.verify_audit_log()
        # the two old ones, and one per migration from version 5 on
        assert check.ok and check.entries == 2 + len(MIGRATIONS[4:])
        first = s.query_one("SELECT prev_hash, hash FROM audit_log ORDER BY id LIMIT 1")
        assert first is not None and first["prev_hash"] == "" and len(first["hash"]) == 64


LEASES = """
CREATE TABLE t_leases (
    item_id    INTEGER PRIMARY KEY REFERENCES review_items(id) ON DELETE CASCADE,
    operator   TEXT NOT NULL,
    expires_at TEXT NOT NULL            -- ISO 8601 UTC; a lease past it is free again
);
CREATE TABLE t_sessions (
    id         INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    operator   TEXT NOT NULL REFERENCES operators(name),
    revoked    BOOLEAN NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS t_sessions_operator ON t_sessions(operator);
CREATE TABLE t_lockouts (
    name         TEXT PRIMARY KEY,
    failures     INTEGER NOT NULL DEFAULT 0 CHECK (failures >= 0),
    locked_until TEXT
) WITHOUT ROWID;
INSERT INTO meta (key, value) VALUES ('t_leases', 'on');
"""


def test_a_portable_migration_runs_on_both_engines(
    store_location: Path | str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What a migration like v006 (review leases, sessions, lock-outs) may use (tables of
    other names: the real v006 made those)."""
    with Store.open(store_location, create=True) as s:
        s.insert("operators", {"name": "anna", "password_hash": "x", "created_at": "t"})
        item = s.insert(
            "review_items", {"question": "q", "page_sha256": "p", "reason": "r", "created_at": "t"}
        )
    seen = []
    step = Migration("review leases", LEASES, lambda st: seen.append(st.scalar("SELECT 1")))
    monkeypatch.setattr(store_module, "MIGRATIONS", (*MIGRATIONS, step))
    with Store.open(store_location) as s:
        assert seen == [1] and s.get_meta("t_leases") == "on"
        with s.transaction():
            s.insert("t_leases", {"item_id": item, "operator": "anna", "expires_at": "t1"})
            sid = s.insert("t_sessions", {"token_hash": "h", "operator": "anna", "created_at": "t"})
            s.execute(
                "INSERT INTO t_lockouts (name, failures) VALUES (?, 1) "
                "ON CONFLICT (name) DO UPDATE SET failures = t_lockouts.failures + 1",
                ("bob",),
            )
            s.execute(
                "INSERT INTO t_lockouts (name, failures) VALUES (?, 1) "
                "ON CONFLICT (name) DO UPDATE SET failures = t_lockouts.failures + 1",
                ("bob",),
            )
        assert sid == 1
        assert s.scalar("SELECT failures FROM t_lockouts WHERE name = 'bob'") == 2
        assert s.scalar("SELECT revoked FROM t_sessions WHERE id = ?", (sid,)) == 0
        with pytest.raises(s.integrity_error):
            s.execute("UPDATE t_lockouts SET failures = -1")
        s.execute("DELETE FROM review_items WHERE id = ?", (item,))
        assert s.scalar("SELECT count(*) FROM t_leases") == 0  # ON DELETE CASCADE
        assert s.verify_audit_log().ok


def test_compact_keeps_the_rows_and_drops_what_was_overwritten(store: Store) -> None:
    """After purge the store is compacted: the rows stay, on either engine."""
    add_respondent(store, "ABCDEFGHJ")
    with store.transaction():
        store.insert(
            "answers",
            {"pseudonym": "ABCDEFGHJ", "question": "q", "value": "Jansen 06-12345678",
             "source": "paper"},
        )  # fmt: skip
        store.execute("UPDATE answers SET value = NULL")
    store.compact()
    assert store.scalar("SELECT count(*) FROM answers WHERE value IS NULL") == 1
    with pytest.raises(RuntimeError), store.transaction():
        store.compact()


def test_compact_removes_overwritten_text_from_the_sqlite_files(tmp_path: Path) -> None:
    """A SQLite build without secure delete keeps an overwritten value in the file's free
    space (and its write-ahead log) until the file is rewritten."""
    import sqlite3

    path = tmp_path / "store.sqlite"
    Store.open(path, create=True).close()
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA secure_delete = OFF")  # as some platforms' SQLite is built
    raw.execute("INSERT INTO meta (key, value) VALUES ('note', ?)", ("Jansen 06-12345678",))
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.execute("DELETE FROM meta WHERE key = 'note'")
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()

    def traces() -> list[str]:
        return [f.name for f in tmp_path.glob("store.sqlite*") if b"12345678" in f.read_bytes()]

    assert traces()  # the control: deleted, but still in the file
    with Store.open(path) as store:
        store.compact()
    assert traces() == []


def test_a_store_another_process_holds_is_not_compacted_and_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from survey.errors import ConflictError
    from survey.storedb import SqliteBackend

    def busy(self: SqliteBackend) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(SqliteBackend, "compact", busy)
    with (
        Store.open(tmp_path / "store.sqlite", create=True) as store,
        pytest.raises(ConflictError, match="stop the other process and run the same"),
    ):
        store.compact()
