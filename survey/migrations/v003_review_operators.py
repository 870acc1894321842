"""Schema version 3: operator accounts for the review UI (review/).

One new table, so earlier tables keep their columns:

* ``operators``: who may log in to ``papersurvey review``. ``password_hash``
  is a salted scrypt hash in the form written by :mod:`review.auth`
  (``scrypt$n$r$p$salt$hash``, hex); the password itself is never stored.
  Accounts are made with ``papersurvey review DIR --add-operator NAME``. The
  operator's name is what the audit log and ``review_items.decided_by`` record.

Sessions are held in the review server's memory only, so none is stored here.
"""

SQL = """
CREATE TABLE operators (
    name          TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    created_at    TEXT NOT NULL
) WITHOUT ROWID;
"""
