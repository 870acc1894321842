"""Read a stored page again with a respondent's form maps, when an operator assigns it.

A page whose code cannot be read is measured with the round's default form
map: nobody knows whose it is. When an operator assigns it in the review UI
to a respondent whose questionnaire was printed with another map (another
language, an earlier version of an edited questionnaire), or with two maps
that lay that page out differently, the boxes it was read at may not be the
boxes on the sheet. :func:`align_page` then reads the page again from its
scan file with that respondent's maps (the one whose boxes are on the sheet,
:func:`omr.mapchoice.choose_map`), classifies it with its batch's
calibration, and replaces the stored page result, the map id in its quality
figures and the clips of its writing areas. When the scan file cannot be
read any more, the machine's readings are dropped instead: every question of
the page then goes to review, shown on the page image.

The page result and its map id always change together, so a later decision
(an undo, another assignment) again knows what the stored readings are.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ingest import clips as clipfiles
from ingest.clipstore import record_clip
from ingest.codec import result_from_json, result_to_json
from ingest.decode import load_page
from ingest.sources import Kind, PageRef
from ingest.worker import WorkContext
from omr.calibration import Calibration
from omr.mapchoice import doubt_questions, measure_sheet, page_layout
from omr.page import finish_page
from survey.errors import PaperSurveyError
from survey.formmaps_store import map_language
from survey.pageresult import PageResult
from survey.readingmaps import stored_map_id
from survey.store import Store

log = logging.getLogger("papersurvey.ingest.reread")


@dataclass(frozen=True)
class Alignment:
    """What :func:`align_page` did.

    Attributes:
        map_id: the map the page's stored readings are now made with.
        action: ``kept`` (they already were), ``reread`` (read again from
            the scan file) or ``dropped`` (the file could not be read: no readings).
        reason: for ``dropped``, why the file could not be read.
    """

    map_id: str
    action: str
    reason: str = ""


def needs_reread(ctx: WorkContext, used: str, candidates: Sequence[str], page_no: int) -> bool:
    """Whether readings made with map ``used`` may not be those of the respondent's sheet.

    True when the respondent's maps lay page ``page_no`` out in more than one
    way (which one is on the sheet must be seen), or in one way that is not
    that of ``used``.
    """
    layouts: list[object] = []
    for c in candidates:
        lay = page_layout(ctx.form_map(c), page_no)
        if lay is not None and lay not in layouts:
            layouts.append(lay)
    if not layouts:
        return False  # no map of theirs has that page: the assignment itself is refused
    return len(layouts) > 1 or page_layout(ctx.form_map(used), page_no) != layouts[0]


def _calibration(text: str | None) -> Calibration | None:
    if not text:
        return None
    d = json.loads(text)
    if d.get("source") == "off":
        return None
    return Calibration(**d)


def _write_text_clips(
    store: Store, root: Path, gray: Any, result: PageResult, sha: str, pseudonym: str, dpi: float
) -> None:
    """Replace the page's writing-area clips with those of ``result``."""
    written: dict[str, str] = {}
    for t in result.texts:
        if t.has_writing:
            name = clipfiles.question_clip_name(pseudonym, t.question, sha)
            if clipfiles.write_clip(root, name, gray, t.rect_image, dpi=dpi):
                written[t.question] = name
    _drop_text_clips(store, root, sha, keep=set(written))
    for question, name in written.items():
        record_clip(store, sha, question, pseudonym, name, kind="text")


def _drop_text_clips(store: Store, root: Path, sha: str, keep: Collection[str] = ()) -> None:
    rows = store.query(
        "SELECT question, path FROM clips WHERE page_sha256 = ? AND kind = 'text'", (sha,)
    )
    for r in rows:
        if r["question"] not in keep:
            store.execute(
                "DELETE FROM clips WHERE page_sha256 = ? AND question = ?", (sha, r["question"])
            )
            (root / r["path"]).unlink(missing_ok=True)


def _save(store: Store, sha: str, result: PageResult, quality: dict[str, Any]) -> None:
    store.execute(
        "UPDATE pages SET result = ?, quality = ? WHERE image_sha256 = ?",
        (result_to_json(result), json.dumps(quality, separators=(",", ":")), sha),
    )


def align_page(
    store: Store, ctx: WorkContext, sha: str, candidates: Sequence[str], page_no: int
) -> Alignment:
    """Make page ``sha``'s stored readings those of one of ``candidates`` (map ids, preferred first).

    Call it inside the transaction of the decision that needs it. Writes
    ``pages.result``, ``pages.quality`` and the page's ``text`` clips (files
    and rows); nothing when the stored readings already fit.

    Args:
        store: the round's store.
        ctx: the maps and OMR settings (as for a scan run; ``ctx.root`` is the project).
        sha: the page key.
        candidates: the maps the respondent's questionnaires were printed with.
        page_no: the page number the operator gave.
    """
    row = store.query_one(
        "SELECT p.pseudonym, p.quality, p.result, p.file_sha256, p.page_index, f.path, i.kind, "
        "b.calibration FROM pages p "
        "JOIN scan_files f ON f.sha256 = p.file_sha256 "
        "JOIN scan_file_info i ON i.sha256 = p.file_sha256 "
        "LEFT JOIN page_measures m ON m.image_sha256 = p.image_sha256 "
        "LEFT JOIN scan_batches b ON b.name = m.batch WHERE p.image_sha256 = ?",
        (sha,),
    )
    if row is None:
        raise KeyError(sha)
    quality: dict[str, Any] = json.loads(row["quality"] or "{}")
    used = stored_map_id(ctx.form_maps, quality)
    known = [c for c in candidates if c in ctx.form_maps] or [ctx.default_language]
    if not needs_reread(ctx, used, known, page_no):
        return Alignment(used, "kept")
    root, pseudonym = Path(ctx.root), row["pseudonym"] or ""
    ref = PageRef(row["path"], row["file_sha256"], Kind(row["kind"]), int(row["page_index"]))
    try:
        page = load_page(ref)
        problem = "" if page.sha256 == sha else "the file has changed since it was scanned"
    except PaperSurveyError as exc:
        problem = exc.message
    if problem:
        old = result_from_json(row["result"])
        stripped = dataclasses.replace(
            old, boxes=(), box_states=(), box_confidences=(), box_ink=(), questions=(), texts=()
        )
        _drop_text_clips(store, root, sha)
        quality.update(map=known[0], language=map_language(known[0]))
        quality["map_note"] = (
            f"read with form map {used}, but the respondent's questionnaire lays this page out "
            f"otherwise and the scan file cannot be read again ({problem}): every question of "
            "the page goes to review"
        )
        _save(store, sha, stripped, quality)
        log.warning("page %s: %s", sha[:12], quality["map_note"])
        return Alignment(known[0], "dropped", problem)
    sheet = measure_sheet(
        page.gray,
        ctx.form_maps,
        {},
        key=ctx.key,
        survey=ctx.survey,
        params=ctx.params,
        candidates=known,
        page=page_no,
    )
    map_id, m, choice = sheet.map_id, sheet.measurement, sheet.choice
    result = finish_page(
        m, sheet.form, calibration=_calibration(row["calibration"]), params=ctx.params
    )
    dpi = result.quality.dpi or page.dpi or m.nominal_dpi or 300.0
    _write_text_clips(store, root, page.gray, result, sha, pseudonym, dpi)
    quality.update(map=map_id, language=map_language(map_id), reread_from=used)
    quality.pop("map_fit", None)
    quality.pop("map_note", None)
    if choice is not None and choice.fit:
        quality["map_fit"] = choice.fit
    if choice is not None and not choice.certain:
        quality["map_note"] = choice.note
        result = doubt_questions(result)
        log.warning("page %s: %s", sha[:12], quality["map_note"])
    _save(store, sha, result, quality)
    log.info("page %s read again with form map %s (was %s)", sha[:12], map_id, used)
    return Alignment(map_id, "reread")
