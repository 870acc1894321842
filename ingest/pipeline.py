"""A scan run, staged as inspect -> validate -> process -> report.

* **inspect**: every file named (folders expanded) is recognised, hashed and
  counted; files that cannot be read are reported and recorded, the rest go on.
* **validate**: the OMR settings of the round, the batch, and which page
  positions earlier runs already read (those are skipped: this is what makes
  a rerun resume).
* **process**: pages stream through the executor in small tasks; the parent
  writes each outcome to the store in short transactions and logs one line
  per problem page. Then the batch is calibrated, classified and assembled
  in one transaction (:mod:`ingest.finalise`), and review clips that still
  need a page image are cut.
* **report**: the batch report, from the store (:mod:`ingest.report`).

Usable from Python without the CLI::

    report = scan(ScanOptions(project=Path("kbo-2027"), paths=(Path("scans"),)))

The form maps are those the round's questionnaires were printed with
(:func:`survey.readingmaps.reading_maps`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import json
import logging
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.clipcutter import cut_missing_clips
from ingest.decode import close_cached
from ingest.finalise import finalise
from ingest.report import PAGE_COUNT_META, BatchReport, RunStats, save_report, summarise
from ingest.sources import ScanFile, inspect_paths, page_refs
from ingest.store_io import PageWriter, done_positions, register_files
from ingest.worker import QUARANTINE, PageOutcome, PageTask, WorkContext, read_pages
from ingest.worker_process import PRELOAD, start_worker
from omr.params import DEFAULT_PARAMS, OmrParams
from survey import entropy
from survey.errors import CorruptInputError, ProjectError, QuestionnaireError
from survey.executors import Executor, make_executor
from survey.formmap import FormMap
from survey.model import Questionnaire
from survey.progress import NullProgressBar, ProgressFactory
from survey.project import Project
from survey.readingmaps import ReadingMaps, reading_maps, respondent_map_ids
from survey.store import Store

log = logging.getLogger("papersurvey.ingest.scan")


@dataclass(frozen=True)
class ScanOptions:
    """What ``papersurvey scan`` needs.

    Attributes:
        project: the project folder.
        paths: scan files and folders.
        form_maps: ``None`` (the default): the maps the round's
            questionnaires were printed with, and who was sent which, as
            :func:`survey.readingmaps.reading_maps` finds them. Otherwise the
            form maps to read with by map id, the round's default language
            first: per language its latest printed map (id: the language
            code), then earlier printed maps that lay out differently (id
            ``<language>@<sha12>``).
        respondent_maps: with ``form_maps`` given: pseudonym -> the ids of the
            maps their questionnaires were printed with, latest first, for
            respondents sent anything but the latest map of their language.
            Their pages are read with that map; with two, with the one whose
            boxes are on the sheet. Everyone else's pages are read with the
            map of their language.
        workers: worker processes (``None``: one per core; 1: serial, in this process).
        dask: address of a Dask scheduler; overrides ``workers``.
        batch: the batch name (default: the first path's name and the time).
        chunk_pages: pages per task.
        ocr: read page codes with tesseract when both QR codes fail.
        calibrate: fit thresholds per batch (else the documented defaults).
        commit_pages: write to the store after at most this many pages (and
            at least every second): what a crash can cost, at most.
        wait: when another scan is reading into the round, wait for it to
            finish (then read what it left); otherwise refuse.
    """

    project: Path
    paths: tuple[Path, ...]
    form_maps: dict[str, FormMap] | None = None
    respondent_maps: dict[str, tuple[str, ...]] = field(default_factory=dict)
    workers: int | None = None
    dask: str | None = None
    batch: str | None = None
    chunk_pages: int = 4
    ocr: bool = True
    calibrate: bool = True
    commit_pages: int = 64
    wait: bool = False


RETIRED_OMR_SETTINGS = {
    "text_min_ink": "open-text areas are now judged by the height of ink shapes, not the share "
    "of dark pixels: see text_min_height_pt in docs/omr.md",
}
"""``[omr]`` settings of earlier versions: ignored with a warning, so an old survey.toml still works."""


def omr_params(project: Project) -> OmrParams:
    """The OMR settings of the round: the defaults with ``[omr]`` of ``survey.toml`` applied.

    Raises:
        ProjectError: naming every ``[omr]`` key that is not an OMR setting.
    """
    overrides = project.settings.omr.as_dict()
    for name, why in RETIRED_OMR_SETTINGS.items():
        if overrides.pop(name, None) is not None:
            log.warning(
                "%s: [omr] %s is no longer used (%s)", project.paths.settings_file, name, why
            )
    known = {f.name: f for f in dataclasses.fields(OmrParams)}
    unknown = sorted(k for k in overrides if k not in known)
    if unknown:
        raise ProjectError(
            f"{project.paths.settings_file}: unknown OMR setting(s) {', '.join(unknown)} in [omr]. "
            "See docs/omr.md for the names."
        )
    return dataclasses.replace(DEFAULT_PARAMS, **overrides)  # type: ignore[arg-type]


def round_maps(project: Project) -> ReadingMaps:
    """The form maps the round's questionnaires were printed with, and who was sent which.

    :func:`survey.readingmaps.reading_maps`, laying the questionnaire out as
    it is now only where nothing was saved (a round not printed yet, or
    printed before papersurvey kept its maps).
    """
    from layout.roundoptions import questionnaire_form_maps

    return reading_maps(project, lambda languages: questionnaire_form_maps(project, languages))


def _form_maps(
    project: Project, options: ScanOptions
) -> tuple[dict[str, FormMap], dict[str, tuple[str, ...]]]:
    """The maps to read with, and pseudonym -> map ids for those not read with the default."""
    if options.form_maps is not None:
        maps, printed = options.form_maps, options.respondent_maps
    else:
        found = round_maps(project)
        maps, printed = found.maps, found.respondent_maps
    return maps, respondent_map_ids(project.store, maps, printed)


def _questionnaire(project: Project) -> Questionnaire | None:
    """The questionnaire, for its routing at assembly; ``None`` (keep every doubt) if it is broken."""
    try:
        return project.load_questionnaire()
    except QuestionnaireError as exc:
        log.warning(
            "the questionnaire cannot be read (%s); routed questions on 1-bit pages stay in review",
            exc.message,
        )
        return None


def _one_scan_at_a_time(project: Project, wait: bool) -> contextlib.AbstractContextManager[None]:
    """The round's scan lock: two scans of one round at once would read the same pages twice
    and classify each other's half-written batches."""
    return project.store.exclusive(
        "scan",
        wait=wait,
        busy=(
            f"another 'papersurvey scan' is reading into this round ({project.store.location}). "
            "Wait for it to finish and run this command again (it skips every page already "
            "read), or add --wait to wait for it."
        ),
    )


def default_batch_name(paths: Sequence[Path], now: dt.datetime | None = None) -> str:
    """``<first path's name>-YYYYMMDD-HHMMSS``."""
    stem = Path(paths[0]).stem if paths else "scan"
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem).strip("-") or "scan"
    return f"{stem}-{(now or entropy.now().astimezone()):%Y%m%d-%H%M%S}"


def _tasks(todo: list[tuple[ScanFile, set[int]]], chunk: int) -> Iterator[PageTask]:
    for f, done in todo:
        refs = list(page_refs(f, skip=done))
        for i in range(0, len(refs), chunk):
            yield PageTask(tuple(refs[i : i + chunk]))


def _log_page(o: PageOutcome, batch: str) -> None:
    extra = {"batch": batch, "page": o.ref.label}
    if o.error:
        log.warning("%s: %s", o.ref.label, o.error, extra=extra)
        return
    if o.status in QUARANTINE:
        log.warning("%s: %s: %s", o.ref.label, o.status, o.reason, extra=extra)
    q = json.loads(o.quality)
    if q.get("warning"):
        log.warning("%s: %s", o.ref.label, q["warning"], extra=extra)
    if q.get("map_note"):
        log.warning("%s: %s", o.ref.label, q["map_note"], extra=extra)
    if q.get("dpi_mismatch"):
        log.warning(
            "%s: the file says %s dpi but the registration marks measure %s dpi; using the marks",
            o.ref.label,
            q.get("dpi_declared"),
            q.get("dpi"),
            extra=extra,
        )


def _inspect(paths: Sequence[Path]) -> tuple[list[ScanFile], list[ScanFile]]:
    """All files, and the usable ones without repeats (the same bytes under two names).

    A file that cannot be read is not logged here: the report lists it once
    ("not read"), or the error does when no file can be read.
    """
    files, usable, seen = [], [], set()
    for f in inspect_paths(paths):
        files.append(f)
        if f.problem:
            log.debug("%s: %s", f.name, f.problem)
        elif f.warning:
            log.warning("%s: %s", f.name, f.warning)
        if f.usable and f.sha256 not in seen:
            seen.add(f.sha256)
            usable.append(f)
        elif f.usable:
            log.info("%s: the same file was named twice; read once", f.name)
    return files, usable


def _process(
    store: Store,
    ex: Executor,
    ctx: WorkContext,
    todo: list[tuple[ScanFile, set[int]]],
    batches: dict[str, str],
    options: ScanOptions,
    progress: ProgressFactory,
) -> tuple[PageWriter, list[float]]:
    total = sum(f.page_count - len(done) for f, done in todo)
    writer = PageWriter(store, batches, max_pages=options.commit_pages)
    times: list[float] = [0.0, 0.0, 0.0]  # pages, decode ms, read ms
    try:
        with progress(total=total, desc="scanning", unit="page") as bar:
            tasks = _tasks(todo, options.chunk_pages)
            for outcome in ex.map_unordered(read_pages, ctx, tasks, init=start_worker):
                pages = (
                    outcome.result
                    if outcome.ok and outcome.result is not None
                    else [
                        PageOutcome(ref, error=f"the page could not be read: {outcome.error}")
                        for ref in outcome.task.refs
                    ]
                )
                for o in pages:
                    writer.add(o)
                    _log_page(o, batches.get(o.ref.file_sha256, ""))
                    if not o.error:
                        q = json.loads(o.quality)
                        times[0] += 1
                        times[1] += float(q.get("decode_ms", 0.0))
                        times[2] += float(q.get("read_ms", 0.0))
                bar.update(len(pages))
    finally:
        writer.flush()  # what is complete is kept, also on Ctrl-C
    return writer, times


def scan(
    options: ScanOptions,
    *,
    progress: ProgressFactory = NullProgressBar,
    executor: Executor | None = None,
) -> BatchReport:
    """Read scan files into the round's store; returns the batch report.

    Args:
        options: what to scan and how.
        progress: progress bars (the CLI passes a terminal bar).
        executor: run the pages here instead of the one ``options`` describe.

    Raises:
        ValidationError: a path does not exist (nothing was read).
        CorruptInputError: no file could be read at all.
        ProjectError: the project folder or its settings are wrong.
    """
    t0 = time.perf_counter()
    with Project.open(options.project) as project, _one_scan_at_a_time(project, options.wait):
        store = project.store
        root = project.paths.root
        # inspect
        phases: dict[str, float] = {}
        files, usable = _inspect(options.paths)
        phases["inspect"] = time.perf_counter() - t0
        # validate
        params = omr_params(project)
        batch = options.batch or default_batch_name(options.paths)
        records = register_files(store, batch, files) if files else {}
        form_maps, maps_of = _form_maps(project, options)
        page_count = len(next(iter(form_maps.values())).pages)
        store.set_meta(PAGE_COUNT_META, str(page_count))
        if not usable:
            if not files:
                raise CorruptInputError("No scan files were found: nothing was read.")
            problems = "".join(f"\n  {f.name}: {f.problem}" for f in files if f.problem)
            which = (
                "The scan file cannot"
                if len(files) == 1
                else f"None of the {len(files)} scan files can"
            )
            raise CorruptInputError(f"{which} be read; nothing was read:{problems}")
        todo = [(f, done_positions(store, f.sha256)) for f in usable]
        skipped = sum(len(done) for _, done in todo)
        file_batch = {sha: r.batch for sha, r in records.items()}
        ctx = WorkContext.for_project(
            project, form_maps, params, respondent_maps=maps_of, ocr=options.ocr
        )
        # process
        own = executor is None
        ex = executor or make_executor(options.workers, options.dask, preload=PRELOAD)
        executor_name, workers = ex.name, ex.workers
        with contextlib.ExitStack() as cleanup:
            cleanup.callback(close_cached)  # the files a serial executor decoded here
            if own:  # closed on the way out; on Ctrl-C its queued tasks are dropped
                cleanup.enter_context(ex)
            t1 = time.perf_counter()
            writer, times = _process(store, ex, ctx, todo, file_batch, options, progress)
            t2 = time.perf_counter()
            finalise(
                store,
                root,
                ctx.form_maps,
                params,
                calibrate=options.calibrate,
                executor=ex,
                context=ctx,
                questionnaire=_questionnaire(project),
            )
            t3 = time.perf_counter()
            cut_missing_clips(store, root, ex, ctx)
            t4 = time.perf_counter()
            phases.update(
                start=t1 - t0 - phases["inspect"], read=t2 - t1, classify=t3 - t2, clips=t4 - t3
            )
        # report
        n = times[0] or 1.0
        run = RunStats(
            seconds=round(time.perf_counter() - t0, 3),
            positions=sum(writer.counts.values()),
            new_pages=writer.counts["read"],
            repeats=writer.counts["repeat"],
            failed=writer.counts["failed"],
            skipped=skipped,
            files=len(files),
            rejected=tuple((f.name, f.problem) for f in files if f.problem),
            warnings=tuple((f.name, f.warning) for f in files if f.warning),
            executor=executor_name,
            workers=workers,
            decode_ms=round(times[1] / n, 1),
            read_ms=round(times[2] / n, 1),
            phases={k: round(v, 3) for k, v in phases.items()},
        )
        batches = sorted({file_batch[f.sha256] for f in usable})
        report = summarise(store, batches, page_count, run)
        with store.transaction():
            save_report(store, report)
            store.audit(
                "scan",
                {
                    "batches": batches,
                    "pages": run.positions,
                    "new": run.new_pages,
                    "failed": run.failed,
                },
            )
        return report
