"""The parent's writes of a scan run: batches, files, page positions and measured pages.

Only the parent process writes to the store. Worker outcomes are buffered and
written in short transactions (:class:`PageWriter`), so a batch killed at any
moment leaves whole pages in the store or none, and the next run skips
exactly the page positions that are recorded (:func:`done_positions`).

The tables and their columns are described in
``survey/migrations/v002_scan_ingest.py``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ingest.clipstore import record_clip
from ingest.sources import ScanFile
from ingest.worker import PageOutcome
from survey.store import Store, on_conflict_update, utc_now


@dataclass(frozen=True)
class FileRecord:
    """Where a scan file belongs: its batch and its position in the batch."""

    batch: str
    seq: int
    new: bool


def register_batch(store: Store, name: str) -> None:
    """Create the batch unless it exists (a rerun joins the batch it names)."""
    store.execute(
        "INSERT INTO scan_batches (name, started_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
        (name, utc_now()),
    )


def register_files(store: Store, batch: str, files: Sequence[ScanFile]) -> dict[str, FileRecord]:
    """Record the files of a run, in order; a file seen before keeps its batch and position.

    Unusable files are recorded too, with their problem, so ``status`` can show them.

    Returns:
        File hash -> its record.
    """
    out: dict[str, FileRecord] = {}
    with store.transaction():
        for f in files:
            if f.sha256 in out:
                continue
            row = store.query_one(
                "SELECT batch, seq FROM scan_file_info WHERE sha256 = ?", (f.sha256,)
            )
            if row is not None:
                out[f.sha256] = FileRecord(row["batch"], int(row["seq"]), False)
                continue
            register_batch(store, batch)  # only a batch with files of its own
            seq = (
                int(
                    store.scalar(
                        "SELECT coalesce(max(seq), 0) FROM scan_file_info WHERE batch = ?",
                        (batch,),
                    )
                )
                + 1
            )
            store.insert(
                "scan_files",
                {"sha256": f.sha256, "path": f.path, "pages": f.page_count, "added_at": utc_now()},
                or_ignore=True,
            )
            store.insert(
                "scan_file_info",
                {
                    "sha256": f.sha256,
                    "batch": batch,
                    "seq": seq,
                    "kind": f.kind.value if f.kind else "",
                    "problem": f.problem,
                    "warning": f.warning,
                },
            )
            out[f.sha256] = FileRecord(batch, seq, True)
    return out


def done_positions(store: Store, file_sha256: str) -> set[int]:
    """Page indexes of a file already read (new or repeat); failed ones are tried again."""
    rows = store.query(
        "SELECT page_index FROM scan_pages WHERE file_sha256 = ? AND outcome != 'failed'",
        (file_sha256,),
    )
    return {int(r[0]) for r in rows}


def position_label(store: Store, file_sha256: str, index: int) -> str:
    """``name.pdf p.3`` for a recorded page position."""
    path = store.scalar("SELECT path FROM scan_files WHERE sha256 = ?", (file_sha256,)) or "?"
    return f"{Path(path).name} p.{index + 1}"


_REPLACE_POSITION = on_conflict_update(
    ("file_sha256", "page_index"),
    ("file_sha256", "page_index", "image_sha256", "outcome", "reason", "read_at"),
)


class PageWriter:
    """Writes worker outcomes in transactions of at most ``max_pages`` or ``max_seconds``.

    Attributes:
        counts: outcomes written this run: ``read``, ``repeat``, ``failed``.
    """

    def __init__(
        self,
        store: Store,
        batches: dict[str, str],
        *,
        max_pages: int = 64,
        max_seconds: float = 1.0,
    ) -> None:
        self._store = store
        self._batches = batches  # file hash -> batch name
        self._buffer: list[PageOutcome] = []
        self._max_pages = max_pages
        self._max_seconds = max_seconds
        self._last = time.monotonic()
        self.counts: Counter[str] = Counter()

    def add(self, outcome: PageOutcome) -> None:
        self._buffer.append(outcome)
        if (
            len(self._buffer) >= self._max_pages
            or time.monotonic() - self._last >= self._max_seconds
        ):
            self.flush()

    def flush(self) -> None:
        """Write every buffered outcome in one transaction."""
        if self._buffer:
            with self._store.transaction():
                for o in self._buffer:
                    self.counts[self._write(o)] += 1
            self._buffer.clear()
        self._last = time.monotonic()

    def _position(self, o: PageOutcome, image: str | None, outcome: str, reason: str) -> None:
        self._store.execute(
            "INSERT INTO scan_pages "
            "(file_sha256, page_index, image_sha256, outcome, reason, read_at) "
            "VALUES (?, ?, ?, ?, ?, ?)" + _REPLACE_POSITION,
            (o.ref.file_sha256, o.ref.index, image, outcome, reason, utc_now()),
        )

    def _write(self, o: PageOutcome) -> str:
        s = self._store
        if o.error:
            self._position(o, None, "failed", o.error)
            return "failed"
        first = s.query_one(
            "SELECT file_sha256, page_index FROM pages WHERE image_sha256 = ?", (o.image_sha256,)
        )
        if first is not None:
            if (first["file_sha256"], first["page_index"]) == (o.ref.file_sha256, o.ref.index):
                self._position(o, o.image_sha256, "read", "")
                return "read"
            where = position_label(s, first["file_sha256"], int(first["page_index"]))
            self._position(o, o.image_sha256, "repeat", f"the same image as {where}: counted once")
            return "repeat"
        s.insert(
            "pages",
            {
                "image_sha256": o.image_sha256,
                "file_sha256": o.ref.file_sha256,
                "page_index": o.ref.index,
                "pseudonym": o.pseudonym or None,
                "page_no": o.page_no or None,
                "status": o.status,
                "reason": o.reason,
                "quality": o.quality,
                "result": o.result_json,
                "processed_at": utc_now(),
            },
        )
        s.insert(
            "page_measures",
            {
                "image_sha256": o.image_sha256,
                "batch": self._batches[o.ref.file_sha256],
                "stage": "measured",
                "measures": o.measures or None,
                "measurement": o.measurement or None,
            },
        )
        for question, kind, name in o.clips:
            if kind == "text":
                record_clip(s, o.image_sha256, question, o.pseudonym, name, kind="text")
        self._position(o, o.image_sha256, "read", "")
        return "read"
