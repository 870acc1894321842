"""Quarantine: pages that cannot be assigned to a respondent are kept, with a reason.

A quarantined page is never dropped. It stays in ``pages`` with its status
and reason, and gets a page-level review item (``question = ''``). A reduced
image of the page (``clips/pages/<key16>.jpg``) is listed in ``clips`` with
``question = ''`` and kind ``page``, so the review UI can show it and an
operator can assign the page. Pages that could not
even be decoded have no image: they are listed from ``scan_pages`` with the
file and page number, to be scanned again.

Reasons (``review_items.reason`` and ``pages.status``):

* ``unregistrable``: too few registration marks found (not a questionnaire
  page, a page folded over its corner, a photo cut off).
* ``unidentified``: registered, but the page code could not be read or
  verified, or it is the blank reference print.
* ``foreign``: a page of another survey or round, or a code that fails its
  HMAC (altered, forged).
* ``unknown_respondent``: the code verifies, but its pseudonym is not among
  this round's respondents (addresses not imported, or a test print).
* ``unreadable``: the page could not be decoded (damaged or truncated file).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ingest.clips import page_preview_name
from ingest.clipstore import record_clip
from survey.store import Store, utc_now


class QuarantineReason(StrEnum):
    UNREGISTRABLE = "unregistrable"
    UNIDENTIFIED = "unidentified"
    FOREIGN = "foreign"
    UNKNOWN_RESPONDENT = "unknown_respondent"
    UNREADABLE = "unreadable"


PAGE_STATUSES = frozenset(
    {
        QuarantineReason.UNREGISTRABLE,
        QuarantineReason.UNIDENTIFIED,
        QuarantineReason.FOREIGN,
        QuarantineReason.UNKNOWN_RESPONDENT,
    }
)


@dataclass(frozen=True)
class QuarantinedPage:
    """One page in quarantine.

    Attributes:
        reason: the :class:`QuarantineReason` value.
        detail: what exactly was wrong, in plain language.
        source: where the page is: ``file.pdf p.3``.
        image_sha256: the page key (``""`` for an unreadable page).
        preview: the page image to show, relative to the project (``""`` if none).
        batch: the scan batch.
    """

    reason: str
    detail: str
    source: str
    image_sha256: str = ""
    preview: str = ""
    batch: str = ""


def quarantine_page(
    store: Store, root: Path, image_sha256: str, reason: str, pseudonym: str = ""
) -> None:
    """Open a page-level review item for a quarantined page, with its preview (idempotent)."""
    store.execute(
        "INSERT INTO review_items "
        "(pseudonym, question, page_sha256, reason, state, created_at) "
        "VALUES (?, '', ?, ?, 'open', ?) ON CONFLICT DO NOTHING",
        (pseudonym or None, image_sha256, reason, utc_now()),
    )
    preview = page_preview_name(image_sha256)
    if (root / preview).is_file():
        record_clip(store, image_sha256, "", pseudonym, preview, kind="page")


def quarantined(store: Store, batch: str | None = None) -> list[QuarantinedPage]:
    """Every quarantined page (of one batch, or of the round), in scan order."""
    where = "" if batch is None else "AND m.batch = ?"
    params: tuple[str, ...] = () if batch is None else (batch,)
    statuses = ", ".join(f"'{s.value}'" for s in sorted(PAGE_STATUSES))
    rows = store.query(
        "SELECT p.status, p.reason, f.path, p.page_index, p.image_sha256, m.batch, c.path "
        "FROM pages p JOIN page_measures m ON m.image_sha256 = p.image_sha256 "
        "JOIN scan_files f ON f.sha256 = p.file_sha256 "
        "JOIN scan_file_info i ON i.sha256 = p.file_sha256 "
        "LEFT JOIN clips c ON c.page_sha256 = p.image_sha256 AND c.question = '' "
        f"WHERE p.status IN ({statuses}) {where} ORDER BY i.batch, i.seq, p.page_index",
        params,
    )
    out = [
        QuarantinedPage(r[0], r[1], f"{Path(r[2]).name} p.{r[3] + 1}", r[4], r[6] or "", r[5])
        for r in rows
    ]
    iwhere = "" if batch is None else "AND i.batch = ?"
    failed = store.query(
        "SELECT s.reason, f.path, s.page_index, i.batch FROM scan_pages s "
        "JOIN scan_files f ON f.sha256 = s.file_sha256 "
        "JOIN scan_file_info i ON i.sha256 = s.file_sha256 "
        f"WHERE s.outcome = 'failed' {iwhere} ORDER BY i.batch, i.seq, s.page_index",
        params,
    )
    out += [
        QuarantinedPage(
            QuarantineReason.UNREADABLE.value, r[0], f"{Path(r[1]).name} p.{r[2] + 1}", batch=r[3]
        )
        for r in failed
    ]
    return out
