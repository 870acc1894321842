"""The store: schema, pragmas, transactions, migrations and the status figures."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import survey.store as store_module
from survey.errors import ProjectError
from survey.migrations import MIGRATIONS, Migration
from survey.store import Channel, Respondent, RespondentStatus, Store

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
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "store.sqlite", create=True)
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
    assert store.scalar("PRAGMA journal_mode") == "wal"
    assert store.scalar("PRAGMA foreign_keys") == 1
    assert store.scalar("PRAGMA busy_timeout") == 30000
    for table, columns in TABLES.items():
        assert [r["name"] for r in store.query(f"PRAGMA table_info({table})")] == columns
    assert store.query("SELECT action FROM audit_log")[0]["action"] == "migrate"


def test_foreign_keys_are_enforced(store: Store) -> None:
    with pytest.raises(sqlite3.IntegrityError):
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
        with pytest.raises(sqlite3.IntegrityError), store.transaction():
            add_respondent(store, "B")
            add_respondent(store, "A")  # duplicate: the inner block rolls back
        add_respondent(store, "C")
    assert store.pseudonyms() == {"A", "C"}


def test_readers_are_not_blocked_by_a_writer(store: Store) -> None:
    add_respondent(store, "A")
    other = Store.open(store.path)
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
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.sqlite"
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
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert conn.execute("SELECT pseudonym FROM respondents").fetchall() == [("A",)]
    conn.close()
    with Store.open(path) as s:  # nothing left to do
        assert (
            s.scalar("SELECT count(*) FROM audit_log WHERE action = 'migrate'")
            == len(MIGRATIONS) + 1
        )


def test_a_failing_migration_leaves_the_store_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "store.sqlite"
    with Store.open(path, create=True) as s:
        add_respondent(s, "A")
    bad = Migration("broken", "CREATE TABLE extra (x INTEGER);\nALTER TABLE nowhere ADD COLUMN y;")
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
        assert s.scalar("SELECT count(*) FROM sqlite_master WHERE name = 'extra'") == 0
        assert s.pseudonyms() == {"A"}


def test_the_audit_log_is_a_hash_chain_that_shows_any_change(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
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


def test_migration_5_chains_the_entries_written_before(tmp_path: Path) -> None:
    path = tmp_path / "store.sqlite"
    with sqlite3.connect(path) as conn:
        for version, m in enumerate(MIGRATIONS[:4], start=1):
            conn.executescript(m.sql)
            conn.execute(f"PRAGMA user_version = {version}")
        conn.executemany(
            "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, 'x', ?, '{}')",
            [("2027-01-01T00:00:00Z", "new"), ("2027-01-02T00:00:00Z", "print")],
        )
    conn.close()
    with Store.open(path) as s:
        check = s.verify_audit_log()
        # the two old ones, and one per migration from version 5 on
        assert check.ok and check.entries == 2 + len(MIGRATIONS[4:])
        first = s.query_one("SELECT prev_hash, hash FROM audit_log ORDER BY id LIMIT 1")
        assert first is not None and first["prev_hash"] == "" and len(first["hash"]) == 64
