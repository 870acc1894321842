"""Schema version 4: transcriptions of open answers, and undo of page decisions (review/).

Only new tables, so earlier tables keep their columns:

* ``transcriptions``: one row per open-text clip (``clips.kind = 'text'``) of
  a page that counts, made by the review UI when it first lists the texts
  queue. An operator types what the respondent wrote; the text is stored as an
  answer with source ``review`` (``answers``), and here as the decision:
  ``decision`` is ``text``, ``illegible`` or ``empty``. ``draft`` caches the
  machine's (tesseract) draft: ``NULL`` until the item is first shown, and
  dropped again once it is decided (a draft may hold a name or a phone number
  the operator left out).
* ``page_decisions``: a journal of page decisions (assign, foreign, blank,
  keep first copy, use this copy), so that one can be undone exactly. Per
  decision, ``scope`` names the rows it may change (JSON: page keys, the
  respondent and the page's questions), ``before`` and ``after`` hold those
  rows as they were just before and just after it (JSON). An undo restores
  ``before`` and fills in ``undone_by`` and ``undone_at``; the row itself stays.
"""

SQL = """
CREATE TABLE transcriptions (
    id          INTEGER PRIMARY KEY,
    page_sha256 TEXT NOT NULL,
    question    TEXT NOT NULL,
    pseudonym   TEXT NOT NULL DEFAULT '',
    state       TEXT NOT NULL DEFAULT 'open',  -- open | decided
    decision    TEXT,                          -- text | illegible | empty
    value       TEXT,                          -- the answer as stored in answers
    draft       TEXT,                          -- machine draft; NULL = not computed
    decided_by  TEXT,
    decided_at  TEXT,
    created_at  TEXT NOT NULL,
    UNIQUE (page_sha256, question)
);
CREATE INDEX transcriptions_state ON transcriptions(state);

CREATE TABLE page_decisions (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL,             -- review_items.id of the page item
    action     TEXT NOT NULL,                -- assign | foreign | blank | keep_first | use_this
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    scope      TEXT NOT NULL,                -- JSON
    before     TEXT NOT NULL,                -- JSON: rows in scope before the decision
    after      TEXT NOT NULL,                -- JSON: rows in scope right after it
    undone_by  TEXT,
    undone_at  TEXT
);
CREATE INDEX page_decisions_item ON page_decisions(item_id);
"""
