"""Clips in the store: which review items still need a clip, and recording clips.

The worker cuts *candidate* clips of the questions it expects to need review
(it has the image; the parent never has). After the batch classification,
:func:`settle_clips` moves the candidates of questions that do need review to
their final names, removes the rest, and returns a :class:`~ingest.clips.ClipJob`
for each page whose review questions the worker did not foresee: the executor
then cuts those from the page image again. Running it twice does nothing more.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from ingest import clips as clipfiles
from ingest.clips import ClipJob
from ingest.codec import result_from_json
from ingest.sources import Kind, PageRef
from survey.store import Store


def settle_clips(store: Store, root: Path) -> list[ClipJob]:
    """Give every open review item its clip; returns the clips still to cut from images.

    A candidate clip the worker cut is moved to its final name; candidates no
    longer needed are removed.
    """
    rows = store.query(
        "SELECT r.id, r.pseudonym, r.question, r.page_sha256, p.result, p.quality, p.file_sha256, "
        "p.page_index, f.path, i.kind FROM review_items r "
        "JOIN pages p ON p.image_sha256 = r.page_sha256 "
        "JOIN scan_files f ON f.sha256 = p.file_sha256 "
        "JOIN scan_file_info i ON i.sha256 = p.file_sha256 "
        "LEFT JOIN clips c ON c.page_sha256 = r.page_sha256 AND c.question = r.question "
        "WHERE r.question != '' AND c.path IS NULL AND r.state = 'open' ORDER BY p.image_sha256"
    )
    jobs: dict[str, list[tuple[str, tuple[int, int, int, int], str]]] = {}
    refs: dict[str, tuple[PageRef, float]] = {}
    with store.transaction():
        for r in rows:
            sha, question, pseudonym = r["page_sha256"], r["question"], r["pseudonym"] or ""
            final = clipfiles.question_clip_name(pseudonym, question, sha)
            if clipfiles.promote(root, clipfiles.candidate_clip_name(question, sha), final):
                record_clip(store, sha, question, pseudonym, final)
                continue
            result = result_from_json(r["result"])
            try:
                rect = result.question(question).clip_image
            except KeyError:
                continue
            jobs.setdefault(sha, []).append((question, rect, final))
            dpi = float(json.loads(r["quality"]).get("dpi") or 300.0)
            refs[sha] = (
                PageRef(r["path"], r["file_sha256"], Kind(r["kind"]), int(r["page_index"])),
                dpi,
            )
    for sha in _classified_candidates(store, root):
        clipfiles.drop_candidates(root, sha)
    return [ClipJob(refs[s][0], s, refs[s][1], tuple(items)) for s, items in sorted(jobs.items())]


def record_clip(
    store: Store, sha: str, question: str, pseudonym: str, name: str, kind: str = "review"
) -> None:
    """Note a clip in ``clips``: of a question under review (``review``), of an open-text
    answer (``text``) or of a whole page (``page``, question ``""``)."""
    store.execute(
        "INSERT INTO clips (page_sha256, question, pseudonym, kind, path) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (page_sha256, question) DO UPDATE SET "
        "pseudonym = excluded.pseudonym, kind = excluded.kind, path = excluded.path",
        (sha, question, pseudonym, kind, name),
    )


def record_cut_clips(store: Store, job: ClipJob, written: Iterable[tuple[str, str]]) -> None:
    """Note the review clips cut for ``job`` (``(question, name)`` pairs), each under the
    pseudonym of its review item, in one transaction."""
    with store.transaction():
        for question, name in written:
            pseudonym = store.scalar(
                "SELECT pseudonym FROM review_items WHERE page_sha256 = ? AND question = ?",
                (job.image_sha256, question),
            )
            record_clip(store, job.image_sha256, question, pseudonym or "", name)


def _classified_candidates(store: Store, root: Path) -> list[str]:
    """Page keys (16-character prefixes) of candidate folders whose page is classified."""
    base = root / "clips" / clipfiles.CANDIDATES
    if not base.is_dir():
        return []
    out = []
    for d in base.iterdir():
        stage = store.scalar(
            "SELECT stage FROM page_measures WHERE image_sha256 >= ? AND image_sha256 < ? LIMIT 1",
            (d.name, d.name + "g"),
        )
        if stage != "measured":
            out.append(d.name)
    return out
