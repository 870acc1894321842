"""Schema version 2: scan batches, page positions, box measures and clips (ingest/).

Only new tables, so the tables of version 1 keep their columns:

* ``scan_batches``: one row per ``papersurvey scan`` batch (a calibration
  group): when it started, when its pages were last classified
  (``finished_at``), the calibration fitted to its boxes and its last report.
* ``scan_file_info``: per scan file, the batch it belongs to, its position in
  that batch (``seq``, the scan order that breaks ties between duplicates),
  its format, and why it could not be used (``problem``) or what is odd about it.
* ``scan_pages``: every page position of every file, ``(file, index)`` ->
  the page image it held. ``outcome`` is ``read`` (a new page image),
  ``repeat`` (an image already read from another position: counted once) or
  ``failed`` (could not be decoded; ``reason`` says why and the next run tries
  again). A position recorded as read or repeat is never read again: that is
  what makes a batch resumable.
* ``page_measures``: per page, its batch, the OMR box ``measures`` (float32
  arrays, the input of the batch calibration), the OMR's first pass
  (``measurement``, pickled, kept only until the page is classified) and
  ``stage``: ``measured`` until the batch calibration has classified the page,
  then ``classified``.
* ``clips``: every clip under ``clips/``: ``review`` clips of questions under
  review and ``text`` clips of open answers with writing, by page and question.
"""

SQL = """
CREATE TABLE scan_batches (
    name        TEXT PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,                        -- NULL until its pages are classified
    calibration TEXT NOT NULL DEFAULT '{}',  -- JSON: thresholds fitted to the batch's boxes
    report      TEXT NOT NULL DEFAULT '{}'   -- JSON: the batch report of the last run
) WITHOUT ROWID;

CREATE TABLE scan_file_info (
    sha256  TEXT PRIMARY KEY REFERENCES scan_files(sha256),
    batch   TEXT NOT NULL REFERENCES scan_batches(name),
    seq     INTEGER NOT NULL,                -- position in the batch, from 1
    kind    TEXT NOT NULL DEFAULT '',        -- pdf | tiff | image | '' (not a scan)
    problem TEXT NOT NULL DEFAULT '',        -- why the file cannot be read; '' = usable
    warning TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
CREATE INDEX scan_file_info_batch ON scan_file_info(batch, seq);

CREATE TABLE scan_pages (
    file_sha256  TEXT NOT NULL REFERENCES scan_files(sha256),
    page_index   INTEGER NOT NULL,           -- 0-based
    image_sha256 TEXT,                       -- NULL when the page could not be decoded
    outcome      TEXT NOT NULL,              -- read | repeat | failed
    reason       TEXT NOT NULL DEFAULT '',
    read_at      TEXT NOT NULL,
    PRIMARY KEY (file_sha256, page_index)
) WITHOUT ROWID;
CREATE INDEX scan_pages_image ON scan_pages(image_sha256);

CREATE TABLE page_measures (
    image_sha256 TEXT PRIMARY KEY REFERENCES pages(image_sha256),
    batch        TEXT NOT NULL REFERENCES scan_batches(name),
    stage        TEXT NOT NULL,              -- measured | classified
    measures     BLOB,                       -- OMR box measures; NULL when no boxes were read
    measurement  BLOB                        -- OMR first pass, until classified
) WITHOUT ROWID;
CREATE INDEX page_measures_batch ON page_measures(batch, stage);

CREATE TABLE clips (
    page_sha256 TEXT NOT NULL,
    question    TEXT NOT NULL,
    pseudonym   TEXT NOT NULL DEFAULT '',
    kind        TEXT NOT NULL,               -- review | text
    path        TEXT NOT NULL,               -- relative to the project folder
    PRIMARY KEY (page_sha256, question)
) WITHOUT ROWID;
CREATE INDEX clips_pseudonym ON clips(pseudonym);
"""
