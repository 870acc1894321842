"""Second pass of a scan run, in the parent: calibrate, classify, assemble, open review items.

After every page of a batch has been measured, the batch's own box measures
give its calibration (:func:`omr.calibration.fit_calibration`); each measured
page is then classified with it (:func:`omr.page.finish_page`, cheap: no
image needed). Identified pages are assembled per pseudonym
(:mod:`ingest.assembly`), the answers of the pages that count are written,
and questions that need a human get review items.

All of that happens in **one transaction**: a run killed half way leaves the
pages measured but unclassified, and the next run does this step again from
the start, with the same result as a clean run. Clips are settled afterwards
(:func:`ingest.clipstore.settle_clips`), which is idempotent by itself.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.assembly import Assembly, Duplicate, DuplicateKind, PageEntry, Returned, assemble
from ingest.classifytask import Classified, ClassifyTask, classify_measured, classify_task
from ingest.codec import arrays_from_bytes, result_from_json
from ingest.quarantine import PAGE_STATUSES, QuarantineReason, quarantine_page
from ingest.worker_process import start_worker
from omr.calibration import Calibration, fit_calibration
from omr.checkboxes import BoxMeasures
from omr.form import PreparedForm
from omr.params import OmrParams
from survey.formmap import FormMap
from survey.model import Questionnaire
from survey.pageresult import PageResult, PageStatus
from survey.skips import settle_routed_blanks
from survey.store import Store, utc_now

if TYPE_CHECKING:
    from ingest.worker import WorkContext
    from survey.executors import Executor

log = logging.getLogger("papersurvey.ingest.finalise")

CALIBRATION_MAX_PAGES = 1000
"""Pages a batch calibration is fitted on, at most (see :func:`batch_calibration`)."""
ASSEMBLE_CHUNK = 100
"""Respondents assembled at a time (about 800 pages), so memory stays flat (see :func:`assemble_respondents`)."""

__all__ = [
    "assemble_respondents",
    "classify_pending",
    "encode_value",
    "finalise",
]


def encode_value(value: str | tuple[str, ...] | None) -> str | None:
    """An answer as stored: a choice code, codes separated by spaces (multiple), or NULL."""
    if isinstance(value, tuple):
        return " ".join(value)
    return value


def pending_batches(store: Store) -> list[str]:
    """Batches with measured pages not yet classified, oldest first."""
    rows = store.query(
        "SELECT b.name FROM page_measures m JOIN scan_batches b ON b.name = m.batch "
        "WHERE m.stage = 'measured' GROUP BY b.name, b.started_at ORDER BY b.started_at, b.name"
    )
    return [r[0] for r in rows]


def batch_calibration(store: Store, batch: str, params: OmrParams) -> Calibration:
    """Fit the calibration of a batch from the box measures of its pages.

    At most :data:`CALIBRATION_MAX_PAGES` pages take part, the first in order
    of their image hash: a sample that is random with respect to the scan
    order, the same however the pages arrived (a resumed run calibrates as a
    clean one), and large enough for the medians the fit takes (well over
    100,000 boxes), so memory does not grow with the batch.
    """
    parts = [
        arrays_from_bytes(BoxMeasures, r[0])
        for r in store.query(
            "SELECT measures FROM page_measures WHERE batch = ? AND measures IS NOT NULL "
            "ORDER BY image_sha256 LIMIT ?",
            (batch, CALIBRATION_MAX_PAGES),
        )
    ]
    return fit_calibration(BoxMeasures.concat(parts), params)


CLASSIFY_CHUNK = 32
"""Measured pages fetched and classified at a time (one executor task)."""


def _record(
    store: Store, root: Path, sha: str, result: PageResult, result_json: str, respondents: set[str]
) -> str:
    """Write a page's final reading and status; returns its pseudonym when it counts, else ``""``."""
    status, reason, pseudonym = result.status.value, result.reason, result.pseudonym
    if result.status is PageStatus.OK and pseudonym not in respondents:
        status = QuarantineReason.UNKNOWN_RESPONDENT.value
        reason = f"the page code verifies, but {pseudonym} is not a respondent of this round"
    store.execute(
        "UPDATE pages SET status = ?, reason = ?, pseudonym = ?, page_no = ?, result = ? "
        "WHERE image_sha256 = ?",
        (status, reason, pseudonym or None, result.page or None, result_json, sha),
    )
    store.execute(
        "UPDATE page_measures SET stage = 'classified', measurement = NULL WHERE image_sha256 = ?",
        (sha,),
    )
    if status in PAGE_STATUSES:
        quarantine_page(store, root, sha, status, pseudonym)
    return pseudonym if status == PageStatus.OK.value else ""


def _forget(store: Store, sha: str) -> None:
    """Drop a page whose first pass another papersurvey version stored: the next run reads it."""
    log.warning("page %s must be read again (stored by another version)", sha[:12])
    store.execute("DELETE FROM scan_pages WHERE image_sha256 = ?", (sha,))
    store.execute("DELETE FROM clips WHERE page_sha256 = ?", (sha,))
    store.execute("DELETE FROM page_measures WHERE image_sha256 = ?", (sha,))
    store.execute("DELETE FROM pages WHERE image_sha256 = ?", (sha,))


def _tasks(
    store: Store, batch: str, calibration: Calibration | None, unmeasured: list[str]
) -> Iterator[ClassifyTask]:
    """The batch's measured pages in hash order, :data:`CLASSIFY_CHUNK` at a time.

    Pages without a first pass (nothing to measure: quarantined or blank
    pages) are collected in ``unmeasured`` instead.
    """
    shas = [
        str(r[0])
        for r in store.query(
            "SELECT image_sha256 FROM page_measures WHERE batch = ? AND stage = 'measured' "
            "ORDER BY image_sha256",
            (batch,),
        )
    ]
    for i in range(0, len(shas), CLASSIFY_CHUNK):
        chunk = shas[i : i + CLASSIFY_CHUNK]
        marks = ",".join("?" * len(chunk))
        rows = store.query(
            "SELECT p.image_sha256, m.measurement, p.quality FROM pages p "
            "JOIN page_measures m ON m.image_sha256 = p.image_sha256 "
            f"WHERE p.image_sha256 IN ({marks}) ORDER BY p.image_sha256",
            chunk,
        )
        pages = []
        for r in rows:
            if r["measurement"] is None:
                unmeasured.append(str(r["image_sha256"]))
            else:
                pages.append((str(r["image_sha256"]), bytes(r["measurement"]), str(r["quality"])))
        if pages:
            yield ClassifyTask(tuple(pages), calibration)


def classify_pending(
    store: Store,
    root: Path,
    form_maps: Mapping[str, FormMap | PreparedForm],
    params: OmrParams,
    *,
    calibrate: bool = True,
    executor: Executor | None = None,
    context: WorkContext | None = None,
) -> tuple[list[str], set[str]]:
    """Calibrate and classify every measured page; returns (batches, pseudonyms touched).

    With an ``executor`` (and the ``context`` its workers already hold), the
    pages are classified there, a chunk per task, and only written here;
    without one, in this process. The store ends up the same either way.

    Call inside a transaction (see :func:`finalise`).
    """
    respondents = store.pseudonyms()
    touched: set[str] = set()
    batches = pending_batches(store)
    for batch in batches:
        calibration = batch_calibration(store, batch, params) if calibrate else None
        unmeasured: list[str] = []
        tasks = _tasks(store, batch, calibration, unmeasured)
        count = 0
        for chunk in _classified(tasks, form_maps, params, executor, context):
            for c in chunk:
                count += 1
                if c.stale or c.result is None:
                    _forget(store, c.sha)
                    continue
                p = _record(store, root, c.sha, c.result, c.result_json, respondents)
                if p:
                    touched.add(p)
        for sha in unmeasured:
            count += 1
            result_json = str(
                store.scalar("SELECT result FROM pages WHERE image_sha256 = ?", (sha,))
            )
            p = _record(store, root, sha, result_from_json(result_json), result_json, respondents)
            if p:
                touched.add(p)
        store.execute(
            "UPDATE scan_batches SET calibration = ?, finished_at = ? WHERE name = ?",
            (
                json.dumps(dataclasses.asdict(calibration) if calibration else {"source": "off"}),
                utc_now(),
                batch,
            ),
        )
        log.info("batch %s: %d pages classified", batch, count)
    return batches, touched


def _classified(
    tasks: Iterable[ClassifyTask],
    form_maps: Mapping[str, FormMap | PreparedForm],
    params: OmrParams,
    executor: Executor | None,
    context: WorkContext | None,
) -> Iterator[list[Classified]]:
    """The classified pages of ``tasks``, on the executor when there is one, else here."""
    if executor is None or context is None:
        for task in tasks:
            yield classify_measured(form_maps, params, task)
        return
    for outcome in executor.map_unordered(classify_task, context, tasks, init=start_worker):
        if outcome.ok and outcome.result is not None:
            yield outcome.result
        else:  # a worker failed: the pages are still classified, here
            log.warning("classifying in a worker failed (%s); classified here", outcome.error)
            yield classify_measured(form_maps, params, outcome.task)


def _entries(
    store: Store, pseudonyms: Iterable[str]
) -> tuple[list[PageEntry], dict[str, PageResult]]:
    store.execute("CREATE TEMP TABLE IF NOT EXISTS _assemble (pseudonym TEXT PRIMARY KEY)")
    store.execute("DELETE FROM _assemble")
    store.executemany(
        "INSERT INTO _assemble VALUES (?) ON CONFLICT DO NOTHING", [(p,) for p in pseudonyms]
    )
    rows = store.query(
        "SELECT p.image_sha256, p.pseudonym, p.page_no, p.result, b.started_at, m.batch, i.seq, "
        "p.page_index, f.path FROM pages p "
        "JOIN _assemble a ON a.pseudonym = p.pseudonym "
        "JOIN page_measures m ON m.image_sha256 = p.image_sha256 "
        "JOIN scan_files f ON f.sha256 = p.file_sha256 "
        "JOIN scan_file_info i ON i.sha256 = p.file_sha256 "
        "JOIN scan_batches b ON b.name = m.batch "
        "WHERE p.status IN ('ok', 'duplicate') AND m.stage = 'classified'"
    )
    entries, results = [], {}
    for r in rows:
        result = result_from_json(r["result"])
        results[r["image_sha256"]] = result
        answers = tuple(sorted((q.name, encode_value(q.value)) for q in result.questions))
        entries.append(
            PageEntry(
                r["image_sha256"],
                r["pseudonym"],
                int(r["page_no"]),
                (r["started_at"], r["batch"], int(r["seq"]), int(r["page_index"])),
                answers,
                f"{Path(r['path']).name} p.{int(r['page_index']) + 1}",
            )
        )
    return entries, results


def assemble_respondents(
    store: Store,
    pseudonyms: set[str],
    page_count: int,
    questionnaire: Questionnaire | None = None,
) -> Assembly:
    """Assemble the pages of ``pseudonyms`` and write their answers and review items.

    Respondents are assembled :data:`ASSEMBLE_CHUNK` at a time (assembly is
    per respondent), so only their page results are in memory at once. With
    the ``questionnaire``, an unanswered question doubted only because its
    1-bit page may have lost ink (``ink_may_be_lost``) needs no review when
    the respondent's routing certainly skips it (:func:`survey.skips.routed_out`):
    a routed section is blank on purpose.

    Call inside a transaction (see :func:`finalise`).
    """
    ordered = sorted(pseudonyms)
    returned: dict[str, Returned] = {}
    duplicates: list[Duplicate] = []
    for i in range(0, len(ordered), ASSEMBLE_CHUNK):
        part = _assemble_chunk(store, ordered[i : i + ASSEMBLE_CHUNK], page_count, questionnaire)
        returned.update(part.returned)
        duplicates.extend(part.duplicates)
    return Assembly(returned, tuple(duplicates))


def _assemble_chunk(
    store: Store, pseudonyms: list[str], page_count: int, questionnaire: Questionnaire | None
) -> Assembly:
    entries, results = _entries(store, pseudonyms)
    assembly = assemble(entries, page_count)
    now = utc_now()
    losers = {d.other.image_sha256 for d in assembly.duplicates}
    for d in assembly.duplicates:
        sha = d.other.image_sha256
        store.execute(
            "UPDATE pages SET status = 'duplicate', reason = ? WHERE image_sha256 = ?",
            (f"{d.kind.value}: {d.reason}", sha),
        )
        store.execute(
            "DELETE FROM review_items WHERE page_sha256 = ? AND question != '' AND state = 'open'",
            (sha,),
        )
        if d.kind is DuplicateKind.RETURNED_TWICE:
            store.execute(
                "INSERT INTO review_items (pseudonym, question, page_sha256, reason, "
                "state, created_at) VALUES (?, '', ?, 'returned_twice', 'open', ?) "
                "ON CONFLICT DO NOTHING",
                (d.pseudonym, sha, now),
            )
    for p in pseudonyms:
        store.execute("DELETE FROM answers WHERE pseudonym = ? AND source = 'paper'", (p,))
    for returned in assembly.returned.values():
        kept = [s for s in returned.pages.values() if s not in losers]
        results.update(
            zip(kept, settle_routed_blanks(questionnaire, [results[s] for s in kept]), strict=True)
        )
        for sha in returned.pages.values():
            if sha in losers:  # pragma: no cover - assemble() never does this
                continue
            store.execute(
                "UPDATE pages SET status = 'ok', reason = '' WHERE image_sha256 = ? "
                "AND status = 'duplicate'",
                (sha,),
            )
            store.execute(
                "DELETE FROM review_items WHERE page_sha256 = ? AND question = '' "
                "AND reason = 'returned_twice' AND state = 'open'",
                (sha,),
            )
            result = results[sha]
            store.executemany(
                "INSERT INTO answers (pseudonym, question, value, source, confidence, page_sha256) "
                "VALUES (?, ?, ?, 'paper', ?, ?)",
                [
                    (returned.pseudonym, q.name, encode_value(q.value), q.confidence, sha)
                    for q in result.questions
                ],
            )
            store.executemany(
                "INSERT INTO review_items (pseudonym, question, page_sha256, reason, "
                "state, created_at) VALUES (?, ?, ?, ?, 'open', ?) ON CONFLICT DO NOTHING",
                [
                    (returned.pseudonym, q.name, sha, ",".join(r.value for r in q.review), now)
                    for q in result.questions
                    if q.review
                ],
            )
    return assembly


def finalise(
    store: Store,
    root: Path,
    form_maps: Mapping[str, FormMap | PreparedForm],
    params: OmrParams,
    *,
    calibrate: bool = True,
    executor: Executor | None = None,
    context: WorkContext | None = None,
    questionnaire: Questionnaire | None = None,
) -> tuple[list[str], Assembly]:
    """Classify everything measured and assemble the respondents it touches, atomically.

    Args:
        store: the round's store.
        root: the project folder.
        form_maps: the form maps by map id, default language first (as the
            pages were measured with, see :func:`ingest.classifytask.page_form_map`).
        params: OMR settings.
        calibrate: fit a calibration per batch (else the default thresholds).
        executor: classify the pages there (the scan's workers), with
            ``context``, the context those workers hold; else in this process.
        context: see ``executor``.
        questionnaire: the round's questionnaire, for its routing (see
            :func:`assemble_respondents`); ``None``: every doubt is kept.
    """
    page_count = len(next(iter(form_maps.values())).pages)
    with store.transaction():
        batches, touched = classify_pending(
            store, root, form_maps, params, calibrate=calibrate, executor=executor, context=context
        )
        assembly = assemble_respondents(store, touched, page_count, questionnaire)
    return batches, assembly
