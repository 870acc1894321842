"""Which scanned pages count, and which open answers on them still wait for a transcription.

Shared by the review UI (its texts queue, :mod:`review.transcripts`), the
round status and the merged dataset, so all three agree on what is still open.

A page **counts** when its status is ``ok`` (identified, assigned by an
operator, or the copy of a page returned twice that was scanned first),
unless an operator chose another copy of that page (*Deze kopie telt*); then
that other copy counts instead. Every open-text clip (``clips.kind = 'text'``)
of a counting page is an open answer to transcribe until an operator has
decided its transcription (schema version 4, ``transcriptions``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from survey.store import Store

COUNTING = (
    "WITH chosen AS (SELECT p.image_sha256 AS sha, p.pseudonym, p.page_no "
    "FROM review_items r JOIN pages p ON p.image_sha256 = r.page_sha256 "
    "WHERE r.question = '' AND r.reason = 'returned_twice' AND r.state = 'decided' "
    "AND r.decided_value = 'use_this'), "
    "counting AS (SELECT p.image_sha256 AS sha FROM pages p "
    "WHERE p.status = 'ok' AND p.pseudonym IS NOT NULL AND NOT EXISTS "
    "(SELECT 1 FROM chosen c WHERE c.pseudonym = p.pseudonym AND c.page_no = p.page_no) "
    "UNION SELECT sha FROM chosen) "
)
"""SQL ``WITH`` clause naming the page keys that count (``counting.sha``)."""


def untranscribed(store: Store) -> dict[str, int]:
    """Open answers on counting pages not yet transcribed, per pseudonym."""
    rows = store.query(
        COUNTING + "SELECT p.pseudonym, count(*) FROM clips c "
        "JOIN pages p ON p.image_sha256 = c.page_sha256 "
        "LEFT JOIN transcriptions t ON t.page_sha256 = c.page_sha256 AND t.question = c.question "
        "WHERE c.kind = 'text' AND c.page_sha256 IN (SELECT sha FROM counting) "
        "AND (t.id IS NULL OR t.state = 'open') GROUP BY p.pseudonym ORDER BY p.pseudonym"
    )
    return {str(r[0]): int(r[1]) for r in rows}
