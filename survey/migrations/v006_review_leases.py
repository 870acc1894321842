"""Schema version 6: review sessions, login failures and item leases in the store (review/).

Only new tables, so earlier tables keep their columns. They hold what the
review server used to keep in its memory, so that several server processes
on one round share it (``docs/review.md``, "Several operators"):

* ``review_sessions``: one row per browser session. ``token_hash`` is the
  SHA-256 (hex) of the session cookie's value, never the value itself;
  ``csrf`` is the token every POST of the session must carry; ``operator`` is
  ``''`` before login. ``seq`` orders the sessions by creation (the oldest
  anonymous ones are dropped first); ``created_at`` and ``expires_at`` are
  integer epoch seconds (UTC).
* ``review_login_failures``: one row per wrong password, by the name typed
  (epoch seconds); a name with too many recent failures is refused for a while.
* ``review_leases``: which operator works on which item until when. ``queue``
  is ``questions`` or ``pages`` (ids of ``review_items``) or ``texts`` (ids of
  ``transcriptions``); ``operator`` is ``''`` for a free slot. A lease is
  taken with one conditional UPDATE (free, expired or already one's own), so
  two operators never hold the same item.

The SQL is portable (plain types, no SQLite-only clauses): the store is to
run on PostgreSQL too.
"""

SQL = """
CREATE TABLE review_sessions (
    token_hash TEXT PRIMARY KEY,
    csrf       TEXT NOT NULL,
    operator   TEXT NOT NULL DEFAULT '',
    seq        INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX review_sessions_expires ON review_sessions(expires_at);

CREATE TABLE review_login_failures (
    name TEXT NOT NULL,
    at   INTEGER NOT NULL
);
CREATE INDEX review_login_failures_name ON review_login_failures(name);

CREATE TABLE review_leases (
    queue      TEXT NOT NULL,
    item_id    INTEGER NOT NULL,
    operator   TEXT NOT NULL DEFAULT '',
    expires_at INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (queue, item_id)
);
CREATE INDEX review_leases_operator ON review_leases(operator);
"""
