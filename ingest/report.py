"""The batch report: what a scan run did, for the operator and for ``status --json``.

Figures about pages, respondents, review and quarantine are read back from
the store after the run, so a resumed batch reports the whole batch, not
only the part the last run did; the figures about the run itself (time,
pages per second) are in ``run``. The JSON keys are listed in
``docs/scanning.md`` and are only ever added to, never renamed.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ingest.quarantine import quarantined
from survey.project import Project
from survey.store import Store

PAGE_COUNT_META = "scan.page_count"
_PAGES = "pages p JOIN page_measures m ON m.image_sha256 = p.image_sha256"


@dataclass(frozen=True)
class RunStats:
    """What one run of ``papersurvey scan`` did.

    Attributes:
        seconds: wall time of the run.
        positions: page positions handled this run (new, repeat or failed).
        new_pages: new page images read.
        repeats: positions holding an image already read (counted once).
        failed: positions that could not be decoded.
        skipped: positions already read in an earlier run.
        files: files named on the command line (folders expanded).
        rejected: ``(file, problem)`` of files that cannot be read at all.
        warnings: ``(file, warning)`` of files read with a warning.
        executor: ``serial``, ``processes`` or ``dask``.
        workers: how many pages were read at the same time.
        decode_ms: mean decode time per page in the workers.
        read_ms: mean total time per page in the workers.
        phases: seconds spent per stage of the run: ``inspect`` (find, hash and
            count the files), ``start`` (settings, store, workers), ``read``
            (pages through the workers), ``classify`` (calibration,
            classification, assembly), ``clips`` (review clips still to cut).
    """

    seconds: float = 0.0
    positions: int = 0
    new_pages: int = 0
    repeats: int = 0
    failed: int = 0
    skipped: int = 0
    files: int = 0
    rejected: tuple[tuple[str, str], ...] = ()
    warnings: tuple[tuple[str, str], ...] = ()
    executor: str = ""
    workers: int = 0
    decode_ms: float = 0.0
    read_ms: float = 0.0
    phases: dict[str, float] = field(default_factory=dict)

    @property
    def pages_per_second(self) -> float:
        return self.positions / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class BatchReport:
    """The report of one run over one or more batches (see the module docstring)."""

    batches: tuple[str, ...]
    run: RunStats
    pages: dict[str, int]
    identified: int
    respondents: dict[str, Any]
    review_items: dict[str, int]
    quarantined: dict[str, int]
    duplicates: dict[str, int]
    quality: dict[str, Any]
    review_open: list[dict[str, str]] = field(default_factory=list)
    quarantine: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["run"]["pages_per_second"] = round(self.run.pages_per_second, 2)
        return d


def _in(batches: Sequence[str] | None, column: str) -> tuple[str, tuple[str, ...]]:
    if batches is None:
        return "1 = 1", ()
    return f"{column} IN ({', '.join('?' * len(batches))})", tuple(batches)


def _grouped(store: Store, sql: str, params: tuple[str, ...]) -> dict[str, int]:
    return {str(k): int(n) for k, n in store.query(sql, params)}


def _respondents(
    store: Store, where: str, params: tuple[str, ...], page_count: int
) -> dict[str, Any]:
    """Complete and incomplete questionnaires of the respondents these pages belong to."""
    rows = store.query(
        "SELECT DISTINCT pseudonym, page_no FROM pages "
        f"WHERE status = 'ok' AND pseudonym IN (SELECT p.pseudonym FROM {_PAGES} WHERE {where} "
        "AND p.status = 'ok') AND page_no IS NOT NULL ORDER BY pseudonym",
        params,
    )
    pages_of: dict[str, set[int]] = {}
    for pseudonym, page_no in rows:
        pages_of.setdefault(str(pseudonym), set()).add(int(page_no))
    complete, incomplete = 0, []
    for pseudonym, got in pages_of.items():
        missing = sorted(set(range(1, page_count + 1)) - got) if page_count else []
        if missing:
            incomplete.append({"pseudonym": pseudonym, "missing_pages": missing})
        else:
            complete += 1
    return {"complete": complete, "incomplete": len(incomplete), "incomplete_list": incomplete}


def _quality(store: Store, where: str, params: tuple[str, ...]) -> dict[str, Any]:
    rows = store.query(
        f"SELECT p.quality, f.path, p.page_index, p.status FROM {_PAGES} "
        "JOIN scan_files f ON f.sha256 = p.file_sha256 "
        f"JOIN scan_file_info i ON i.sha256 = p.file_sha256 WHERE {where} "
        "ORDER BY i.batch, i.seq, p.page_index",
        params,
    )
    pages = []
    for quality, path, index, status in rows:
        q = json.loads(quality)
        pages.append(
            {
                "page": f"{Path(path).name} p.{index + 1}",
                "status": status,
                "skew_deg": q.get("rotation_deg"),
                "dpi": q.get("dpi"),
                "dpi_declared": q.get("dpi_declared"),
                "dpi_mismatch": bool(q.get("dpi_mismatch")),
                "contrast": q.get("contrast"),
                "method": q.get("method", ""),
                "registration": q.get("registration", ""),
                "bilevel": bool(q.get("bilevel")),
            }
        )

    def summary(key: str) -> dict[str, float] | None:
        values = [float(p[key]) for p in pages if p[key]]
        if not values:
            return None
        return {
            "median": round(statistics.median(values), 2),
            "min": round(min(values), 2),
            "max": round(max(values), 2),
        }

    skews = [abs(float(p["skew_deg"])) for p in pages if p["skew_deg"] is not None and p["dpi"]]
    return {
        "skew_abs_deg": {"median": round(statistics.median(skews), 3), "max": round(max(skews), 3)}
        if skews
        else None,
        "dpi": summary("dpi"),
        "contrast": summary("contrast"),
        "dpi_mismatch": sum(p["dpi_mismatch"] for p in pages),
        "rendered": sum(p["method"] == "render" for p in pages),
        # Pages placed without three registration marks (by their QR codes, see omr.placement).
        "placed_by_qr": sum(str(p["registration"]).startswith(("marks+qr", "qr")) for p in pages),
        # 1-bit scans: where ink may be lost their questions go to review (omr.noise.ink_may_be_lost).
        "bilevel": sum(p["bilevel"] for p in pages),
        "pages": pages,
    }


def summarise(
    store: Store, batches: Sequence[str] | None, page_count: int, run: RunStats | None = None
) -> BatchReport:
    """The report over ``batches`` (``None``: the whole round)."""
    where, params = _in(batches, "m.batch")
    pages = _grouped(
        store,
        f"SELECT p.status, count(*) FROM {_PAGES} WHERE {where} GROUP BY p.status ORDER BY p.status",
        params,
    )
    identified = int(
        store.scalar(
            f"SELECT count(*) FROM {_PAGES} WHERE {where} AND p.pseudonym IS NOT NULL "
            "AND p.status IN ('ok', 'duplicate')",
            params,
        )
    )
    reasons: Counter[str] = Counter()
    review_open = []
    for pseudonym, question, reason, clip, path, index in store.query(
        "SELECT r.pseudonym, r.question, r.reason, c.path, f.path, p.page_index "
        "FROM review_items r JOIN pages p ON p.image_sha256 = r.page_sha256 "
        "JOIN page_measures m ON m.image_sha256 = p.image_sha256 "
        "JOIN scan_files f ON f.sha256 = p.file_sha256 "
        "JOIN scan_file_info i ON i.sha256 = p.file_sha256 "
        "LEFT JOIN clips c ON c.page_sha256 = r.page_sha256 AND c.question = r.question "
        f"WHERE {where} AND r.state = 'open' AND r.question != '' "
        "ORDER BY r.pseudonym, i.seq, p.page_index, r.id",
        params,
    ):
        reasons.update(reason.split(","))
        review_open.append(
            {
                "pseudonym": pseudonym or "",
                "question": question,
                "reason": reason,
                "clip": clip,
                "page": f"{Path(path).name} p.{index + 1}",
            }
        )
    q_pages = (
        quarantined(store)
        if batches is None
        else [p for b in batches for p in quarantined(store, b)]
    )
    dup_kinds: Counter[str] = Counter(
        r[0].split(":")[0]
        for r in store.query(
            f"SELECT p.reason FROM {_PAGES} WHERE {where} AND p.status = 'duplicate'", params
        )
    )
    fwhere, fparams = _in(batches, "i.batch")
    repeats = int(
        store.scalar(
            "SELECT count(*) FROM scan_pages s JOIN scan_file_info i ON i.sha256 = s.file_sha256 "
            f"WHERE {fwhere} AND s.outcome = 'repeat'",
            fparams,
        )
    )
    return BatchReport(
        batches=tuple(batches or ()),
        run=run or RunStats(),
        pages=pages,
        identified=identified,
        respondents=_respondents(store, where, params, page_count),
        review_items=dict(sorted(reasons.items())),
        quarantined=dict(sorted(Counter(p.reason for p in q_pages).items())),
        duplicates={
            "identical_image": repeats,
            "rescanned_page": dup_kinds.get("rescanned_page", 0),
            "returned_twice": dup_kinds.get("returned_twice", 0),
        },
        quality=_quality(store, where, params),
        review_open=review_open,
        quarantine=[asdict(p) for p in q_pages],
    )


def save_report(store: Store, report: BatchReport) -> None:
    """Keep the report with each of its batches (``scan_batches.report``)."""
    text = json.dumps(report.to_dict(), ensure_ascii=False, separators=(",", ":"))
    for b in report.batches:
        store.execute("UPDATE scan_batches SET report = ? WHERE name = ?", (text, b))


def _review_line(r: BatchReport) -> str:
    """``7 questions to settle (reasons: ...)``: items as ``status`` and the review UI count them."""
    n = len(r.review_open)
    if not n:
        return "nothing to review"
    reasons = ", ".join(f"{v} {k}" for k, v in r.review_items.items())
    return f"{n} question{'' if n == 1 else 's'} to settle (reasons: {reasons})"


def format_report(report: BatchReport) -> str:
    """The report as text for the operator's terminal."""
    r, run = report, report.run
    pages = r.pages
    total = sum(pages.values())
    lines = [
        f"Scan batch {', '.join(r.batches) or '(none)'}",
        f"  this run:     {run.positions} pages in {run.seconds:.1f} s "
        f"({run.pages_per_second:.1f} pages/s, {run.workers} x {run.executor}); "
        f"{run.skipped} already read earlier",
        f"  files:        {run.files} ({len(run.rejected)} could not be read)",
        f"  pages:        {total} in the batch: " + ", ".join(f"{n} {k}" for k, n in pages.items()),
        f"  identified:   {r.identified}",
        f"  respondents:  {r.respondents['complete']} complete, {r.respondents['incomplete']} incomplete",
        f"  duplicates:   {r.duplicates['identical_image']} identical images counted once, "
        f"{r.duplicates['rescanned_page']} pages scanned twice, "
        f"{r.duplicates['returned_twice']} pages returned twice with other answers",
        "  review:       " + _review_line(r),
        "  quarantine:   " + (", ".join(f"{n} {k}" for k, n in r.quarantined.items()) or "none"),
    ]
    q = r.quality
    if q.get("dpi"):
        skew = q["skew_abs_deg"] or {"median": 0, "max": 0}
        lines.append(
            f"  quality:      dpi {q['dpi']['median']:.0f} (median), skew {skew['median']:.2f} deg "
            f"median / {skew['max']:.2f} max, contrast {q['contrast']['median'] if q['contrast'] else 0:.0f}"
            + (
                f"; {q['dpi_mismatch']} pages whose file dpi disagrees with the marks"
                if q["dpi_mismatch"]
                else ""
            )
            + (
                f"; {q['placed_by_qr']} pages placed by their QR codes (registration marks missing)"
                if q.get("placed_by_qr")
                else ""
            )
        )
    if q.get("bilevel"):
        lines.append(
            f"  1-bit scans:  {q['bilevel']} pages scanned in black and white; where the "
            "threshold may have dropped light pen strokes their questions go to review. "
            "Scan in gray (8-bit) at 300 dpi to avoid this."
        )
    for name, problem in run.rejected:
        lines.append(f"  not read:     {name}: {problem}")
    for item in r.respondents["incomplete_list"][:20]:
        lines.append(f"  incomplete:   {item['pseudonym']} misses page(s) {item['missing_pages']}")
    return "\n".join(lines)


def status_summary(project: Project) -> dict[str, Any]:
    """Scanning figures of the whole round, for ``papersurvey status --json`` (key ``scan``)."""
    store = project.store
    page_count = int(store.get_meta(PAGE_COUNT_META, "0") or 0)
    report = summarise(store, None, page_count).to_dict()
    report.pop("run")
    report.pop("batches")
    batches = []
    for name, started, finished, stored in store.query(
        "SELECT name, started_at, finished_at, report FROM scan_batches ORDER BY started_at, name"
    ):
        last = json.loads(stored or "{}").get("run", {})
        batches.append(
            {
                "name": name,
                "started_at": started,
                "finished_at": finished,
                "pages": int(
                    store.scalar("SELECT count(*) FROM page_measures WHERE batch = ?", (name,))
                ),
                "last_run": last,
            }
        )
    return {"batches": batches, **report}
