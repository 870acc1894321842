"""The batch manifest: one CSV row per envelope, in the order the sets are printed.

The print shop checks its inserting against this file (a missing or shuffled
set shows up as a gap in ``sequence``), and papersurvey reads it back to
know which pseudonym went out in which batch. Pages are numbered within the
batch PDF, 1-based, as a PDF viewer shows them.

Columns (UTF-8, comma separated, one header row):

``batch``, ``sequence``
    batch number and the set's position in it, both from 1; printed as the
    small mark on the set's first page.
``pseudonym``
    the respondent's login code (also the QR payload on questionnaire pages).
``postcode``
    for tray checks; the only address field in the manifest.
``first_page``, ``page_count``, ``sheet_count``
    where the set starts in the batch PDF, how many pages it has (blank backs
    included) and how many sheets of paper that is.
``variant``
    what is in the envelope (see :class:`print_batches.variants.Variant`).
``questionnaire_first_page``
    the batch page holding questionnaire page 1, or 0 for a letter alone.
``blank_pages``
    how many of the set's pages are intentionally blank backs.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import astuple, dataclass, fields
from pathlib import Path

from survey.errors import CorruptInputError


@dataclass(frozen=True)
class ManifestRow:
    """One set (one envelope) in a batch."""

    batch: int
    sequence: int
    pseudonym: str
    postcode: str
    first_page: int
    page_count: int
    sheet_count: int
    variant: str
    questionnaire_first_page: int = 0
    blank_pages: int = 0

    @property
    def last_page(self) -> int:
        return self.first_page + self.page_count - 1


COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(ManifestRow))
_INT_COLUMNS = {f.name for f in fields(ManifestRow) if f.type in ("int", int)}


def manifest_text(rows: Iterable[ManifestRow]) -> str:
    """The manifest as CSV text (header + one line per set)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(astuple(row))
    return buf.getvalue()


def write_manifest(path: Path, rows: Iterable[ManifestRow]) -> None:
    """Write a manifest CSV (UTF-8)."""
    path.write_text(manifest_text(rows), encoding="utf-8")


def read_manifest(path: Path) -> list[ManifestRow]:
    """Read a manifest written by :func:`write_manifest`.

    Raises:
        CorruptInputError: the file is not a manifest of this version.
    """
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            if tuple(reader.fieldnames or ()) != COLUMNS:
                raise CorruptInputError(
                    f"{path} is not a papersurvey batch manifest (columns {reader.fieldnames}). "
                    "Fix: regenerate the batches with `papersurvey print --force`."
                )
            return [
                ManifestRow(**{k: int(v) if k in _INT_COLUMNS else v for k, v in r.items()})  # type: ignore[arg-type]
                for r in reader
            ]
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise CorruptInputError(
            f"cannot read manifest {path}: {exc}. Fix: regenerate the batches with "
            "`papersurvey print --force`."
        ) from exc
