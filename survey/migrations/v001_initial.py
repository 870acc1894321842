"""Schema version 1: the tables of the whole chain.

Conventions: times are ISO 8601 UTC text (``2027-03-01T09:30:00Z``); JSON
columns hold compact JSON text; a page is keyed by the SHA-256 of its image
bytes, a scan file by the SHA-256 of its file bytes. Only pseudonyms appear
here: names and addresses live in ``pii/`` and nowhere else. Allowed values of
``channel``, ``status``, ``source`` and ``state`` are listed in
``docs/project-folder.md`` and checked in Python, so that a later migration can
add a value without rebuilding a table.
"""

SQL = """
CREATE TABLE respondents (
    pseudonym   TEXT PRIMARY KEY,
    channel     TEXT NOT NULL,               -- email | paper | none
    subgroup    TEXT NOT NULL DEFAULT '',
    language    TEXT NOT NULL DEFAULT 'nl',
    imported_at TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'active'  -- active | withdrawn
) WITHOUT ROWID;

CREATE TABLE mailings (
    id        INTEGER PRIMARY KEY,
    pseudonym TEXT NOT NULL REFERENCES respondents(pseudonym),
    batch     TEXT NOT NULL,
    sequence  INTEGER NOT NULL,              -- position within the batch, from 1
    variant   TEXT NOT NULL,                 -- invitation | reminder-1 | ...
    sent_at   TEXT,                          -- NULL while only generated
    UNIQUE (batch, sequence)
);
CREATE INDEX mailings_pseudonym ON mailings(pseudonym);

CREATE TABLE scan_files (
    sha256   TEXT PRIMARY KEY,
    path     TEXT NOT NULL,
    pages    INTEGER NOT NULL,
    added_at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE pages (
    image_sha256 TEXT PRIMARY KEY,
    file_sha256  TEXT NOT NULL REFERENCES scan_files(sha256),
    page_index   INTEGER NOT NULL,           -- 0-based position in the scan file
    pseudonym    TEXT,                       -- NULL when not identified; not a foreign key:
                                             -- a foreign page may name a stranger
    page_no      INTEGER,                    -- questionnaire page number from the QR
    status       TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    quality      TEXT NOT NULL DEFAULT '{}', -- JSON
    result       TEXT NOT NULL DEFAULT '{}', -- JSON
    processed_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX pages_file ON pages(file_sha256, page_index);
CREATE INDEX pages_pseudonym ON pages(pseudonym, page_no);
CREATE INDEX pages_status ON pages(status);

CREATE TABLE answers (
    pseudonym   TEXT NOT NULL REFERENCES respondents(pseudonym),
    question    TEXT NOT NULL,
    value       TEXT,                        -- choice code(s), text or number; NULL = no answer
    source      TEXT NOT NULL,               -- paper | online | review
    confidence  REAL,
    page_sha256 TEXT,                        -- the page image it was read from (paper, review)
    PRIMARY KEY (pseudonym, question, source)
) WITHOUT ROWID;
CREATE INDEX answers_question ON answers(question);

CREATE TABLE review_items (
    id            INTEGER PRIMARY KEY,
    pseudonym     TEXT,
    question      TEXT NOT NULL DEFAULT '',  -- '' for a page-level item (unidentified page)
    page_sha256   TEXT,
    reason        TEXT NOT NULL,
    state         TEXT NOT NULL DEFAULT 'open',  -- open | decided | dismissed
    decided_value TEXT,
    decided_by    TEXT,
    decided_at    TEXT,
    created_at    TEXT NOT NULL,
    UNIQUE (page_sha256, question)
);
CREATE INDEX review_items_state ON review_items(state);

CREATE TABLE online_responses (
    pseudonym    TEXT NOT NULL REFERENCES respondents(pseudonym),
    submitted_at TEXT NOT NULL,
    raw          TEXT NOT NULL,              -- JSON: the export row as received
    PRIMARY KEY (pseudonym, submitted_at)
) WITHOUT ROWID;

CREATE TABLE audit_log (
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    at     TEXT NOT NULL,
    actor  TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'        -- JSON; never names or addresses
);

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
"""
