"""Cutting the review clips that still need their page image, after a scan and after a review decision.

The scan's workers cut candidate clips while they hold a page image; review
items that no candidate covers (a question the batch calibration sent to
review unforeseen, or the items a review decision opened by assigning a page)
need the page decoded again. :func:`cut_missing_clips` settles the candidates
(:func:`ingest.clipstore.settle_clips`), cuts the rest on an executor
(:func:`ingest.worker.cut_clips`) and records what was cut
(:func:`ingest.clipstore.record_cut_clips`). The scan runs it on its own
workers; the review UI in its own process (:class:`ingest.rereader.Rereader`).
"""

from __future__ import annotations

import logging
from pathlib import Path

from ingest.clipstore import record_cut_clips, settle_clips
from ingest.worker import WorkContext, cut_clips
from ingest.worker_process import start_worker
from survey.executors import Executor
from survey.store import Store

log = logging.getLogger("papersurvey.ingest.clips")


def cut_missing_clips(store: Store, root: Path, executor: Executor, ctx: WorkContext) -> int:
    """Give every open review item its clip, cutting from the scan files where needed.

    Args:
        store: the round's store.
        root: the project folder.
        executor: where the pages are decoded and cut.
        ctx: the workers' context (``ctx.root`` is where the clips go).

    Returns:
        How many clips were cut from page images.
    """
    jobs = settle_clips(store, root)
    if not jobs:
        return 0
    log.info("cutting %d review clips from their pages", sum(len(j.items) for j in jobs))
    cut = 0
    for outcome in executor.map_unordered(cut_clips, ctx, jobs, init=start_worker):
        if not outcome.ok or outcome.result is None:
            log.warning("%s: review clips not cut: %s", outcome.task.ref.label, outcome.error)
            continue
        record_cut_clips(store, outcome.task, outcome.result)
        cut += len(outcome.result)
    return cut
