"""The page task that runs in the workers: decode, measure, cut clips, return a small outcome.

A task is a short run of pages of one file (:class:`PageTask`); the context
(:class:`WorkContext`: form map, key, settings) reaches each worker once. Per
page the worker decodes the image, runs the OMR's first pass
(:func:`omr.page.measure_page`), classifies provisionally with the default
thresholds to learn which questions may need review, writes the clips it can
only cut while it holds the image, and returns a :class:`PageOutcome` of a
few kilobytes. It never touches the store.

Which form map: a page is measured with the round's default map first, which
is enough to read its page code. When the code names a respondent whose
questionnaire was printed with another map (another language, or an earlier
version of the questionnaire, :attr:`WorkContext.languages`), the page is
measured again with that map. A respondent sent two versions that lay this
page out differently (an invitation, then a reminder after the questionnaire
was edited) has two candidates; the page is read with the one whose boxes
are printed on the sheet (:func:`choose_map`). The map id used is stored in
the page's quality figures (``map``), for the batch classification.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import pickle
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ingest import clips as clipfiles
from ingest.codec import arrays_to_bytes, result_to_json
from ingest.decode import PageImage, load_page
from ingest.sources import PageRef
from omr.checkboxes import measure_boxes
from omr.form import PreparedForm, prepare_form
from omr.ocr_code import TesseractOcr
from omr.page import PageMeasurement, finish_page, measure_page
from omr.params import OmrParams
from survey.errors import PaperSurveyError
from survey.formmap import FormMap
from survey.formmaps_store import map_language
from survey.pageresult import PageResult, PageStatus, ReviewReason

log = logging.getLogger("papersurvey.ingest.worker")

QUARANTINE = frozenset({PageStatus.UNREGISTRABLE, PageStatus.UNIDENTIFIED, PageStatus.FOREIGN})
DPI_TOLERANCE = 0.05  # declared and measured resolution may differ this much
PRINTED_CONTRAST = 0.5  # a printed box: outline over ring at least this share of a typical box's
MAP_FIT_MIN = 0.75  # a clear choice between two maps: the best agrees on this share of boxes ...
MAP_FIT_LEAD = 0.25  # ... and this much more than the next best


@dataclass(frozen=True)
class WorkContext:
    """What every worker needs, sent once per worker.

    Attributes:
        form_maps: the questionnaire's form maps by map id (a language code,
            or ``<language>@<sha12>`` for an earlier printed version, see
            :mod:`survey.formmaps_store`), best prepared
            (:func:`omr.form.prepare_form`); the first is the round's default
            language.
        key: the round's secret key.
        survey: the survey code of the round.
        params: OMR settings.
        root: the project folder (clips are written under ``root/clips``).
        languages: pseudonym -> the map ids their questionnaires were printed
            with (latest first), for respondents whose map differs from the
            default's (another language, an earlier version, or both). A
            single map id as a string is taken as a one-element tuple.
        ocr: use tesseract for page codes whose QR codes both fail.
    """

    form_maps: dict[str, FormMap | PreparedForm]
    key: bytes
    survey: str
    params: OmrParams
    root: str
    languages: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ocr: bool = True

    @property
    def default_language(self) -> str:
        """The map id of the default map (the round's default language)."""
        return next(iter(self.form_maps))

    def form_map(self, language: str | None = None) -> FormMap | PreparedForm:
        """The form map of a map id or language (default: the round's default language)."""
        return self.form_maps.get(language or "", self.form_maps[self.default_language])

    def maps_of(self, pseudonym: str) -> tuple[str, ...]:
        """The map ids ``pseudonym``'s questionnaires were printed with; ``()``: the default."""
        ids = self.languages.get(pseudonym, ())
        return (ids,) if isinstance(ids, str) else tuple(ids)


@dataclass(frozen=True)
class MapChoice:
    """Which of a respondent's form maps a page was read with, and how clearly.

    Attributes:
        map_id: the map read with.
        fit: per candidate map id (only when the maps lay the page out
            differently), the share of the disputed box positions (printed
            by some candidates, not all) where the sheet agrees with it: a
            printed box where it has one, none where it has none.
        certain: the choice is clear (one layout, or one map fits clearly best).
    """

    map_id: str
    fit: dict[str, float] = field(default_factory=dict)
    certain: bool = True


def page_layout(form_map: FormMap | PreparedForm, page: int) -> tuple[object, ...] | None:
    """What reading page ``page`` depends on: its boxes, areas, marks and question types."""
    fm = form_map.form_map if isinstance(form_map, PreparedForm) else form_map
    if not 1 <= page <= len(fm.pages):
        return None
    pm = fm.page(page)
    names = {b.question for b in pm.boxes}
    return (pm, tuple(sorted((q.name, q.type) for q in fm.questions if q.name in names)))


def choose_map(
    ctx: WorkContext,
    gray: np.ndarray,
    measured: PageMeasurement,
    candidates: Sequence[str],
    page: int,
) -> MapChoice:
    """The candidate map whose boxes are printed on this sheet (page ``page``).

    Candidates that lay the page out alike are one (the first named wins).
    Between different layouts, every box position on the page is measured
    once (with the registration of ``measured``) for its *contrast*: the ink
    of the printed outline band less that of the ring just outside it. A box
    printed there has the contrast of the boxes every candidate prints (their
    median); text, shading or blank paper have far less. A position counts as
    printed at :data:`PRINTED_CONTRAST` of that. Each candidate's fit is the
    share of the disputed positions (printed by some candidates, not all)
    where the sheet agrees with it: printed where it has a box, not where it
    has none. The best fit wins; the choice is certain when it fits at least
    :data:`MAP_FIT_MIN` and leads by :data:`MAP_FIT_LEAD`.

    Args:
        ctx: the work context (maps, OMR settings).
        gray: the page image.
        measured: the page measured with any map (its registration is used).
        candidates: map ids, preferred first.
        page: the page number (from the page code or the operator).
    """
    known = [c for c in candidates if c in ctx.form_maps]
    layouts: list[tuple[str, object]] = []
    for c in known:
        lay = page_layout(ctx.form_map(c), page)
        if lay is not None and all(lay != other for _, other in layouts):
            layouts.append((c, lay))
    if not layouts:  # no candidate has the page: it is foreign whichever is used
        return MapChoice(known[0] if known else ctx.default_language)
    if len(layouts) == 1:
        return MapChoice(layouts[0][0])
    reg, levels = measured.registration, measured.levels
    if reg is None or not reg.ok or levels is None:
        return MapChoice(layouts[0][0], certain=False)
    ids = [c for c, _ in layouts]
    positions = {
        c: {tuple(np.round(r, 1)) for r in prepare_form(ctx.form_map(c)).page(page).rects}
        for c in ids
    }
    everywhere = set.intersection(*positions.values())
    union = sorted(set.union(*positions.values()))
    disputed = np.array([pos not in everywhere for pos in union])
    if not disputed.any():  # the same boxes; only writing areas or question types differ
        return MapChoice(ids[0], certain=False)
    m = measure_boxes(
        gray,
        reg.homography,
        np.array(union, dtype=np.float64),
        black=levels.black,
        params=ctx.params,
    )
    contrast = m.outline - m.spill
    has = {c: np.array([pos in positions[c] for pos in union]) for c in ids}
    if not disputed.all():
        typical = float(np.median(contrast[~disputed]))
    else:  # nothing printed by all: the best candidate's own boxes show what a box looks like
        typical = max(float(np.median(contrast[has[c] & disputed])) for c in ids if has[c].any())
    if typical < ctx.params.min_outline:
        return MapChoice(ids[0], certain=False)
    printed = contrast >= PRINTED_CONTRAST * typical
    fit = {c: round(float(np.mean(printed[disputed] == has[c][disputed])), 3) for c in ids}
    ranked = sorted(ids, key=lambda c: -fit[c])  # stable: ties go to the preferred map
    best = fit[ranked[0]]
    certain = best >= MAP_FIT_MIN and best - fit[ranked[1]] >= MAP_FIT_LEAD
    return MapChoice(ranked[0], fit, certain)


def measure_with(
    ctx: WorkContext,
    gray: np.ndarray,
    candidates: Sequence[str],
    page: int,
    measured: PageMeasurement,
    map_id: str,
    ocr: TesseractOcr | None,
) -> tuple[str, FormMap | PreparedForm, PageMeasurement, MapChoice]:
    """The page measured with the best of ``candidates`` (``measured``: with ``map_id``).

    The page is measured again only when the chosen map lays page ``page``
    out differently from ``map_id``.

    Returns:
        ``(map id, form map, measurement, choice)``.
    """
    choice = choose_map(ctx, gray, measured, candidates, page)
    form_map = ctx.form_map(map_id)
    if choice.map_id == map_id:
        return map_id, form_map, measured, choice
    chosen = ctx.form_map(choice.map_id)
    if page_layout(chosen, page) is None or page_layout(chosen, page) != page_layout(
        form_map, page
    ):
        measured = measure_page(
            gray, chosen, key=ctx.key, survey=ctx.survey, params=ctx.params, ocr=ocr
        )
    return choice.map_id, chosen, measured, choice


@dataclass(frozen=True)
class PageTask:
    """Consecutive pages of one file."""

    refs: tuple[PageRef, ...]


@dataclass(frozen=True)
class PageOutcome:
    """What became of one page position; small, never the image.

    Attributes:
        ref: the page position.
        error: why the page could not be decoded (then nothing else is set).
        image_sha256: the page key.
        status: the OMR page status (``ok``, ``blank``, ...).
        reason: why the status is not ``ok``.
        pseudonym: the respondent, when identified.
        page_no: the questionnaire page number, 0 when unknown.
        quality: quality figures as a JSON object (OMR quality plus the
            declared resolution, how the page was decoded and timings).
        result_json: the provisional page result (default thresholds).
        measures: the box measures (:func:`ingest.codec.arrays_to_bytes`).
        measurement: the pickled first pass, for the batch classification.
        clips: ``(question, kind, name)`` of clips written (``text`` or ``candidate``).
        preview: name of the page preview for a quarantined page, else ``""``.
        seconds: time spent on this page in the worker.
    """

    ref: PageRef
    error: str = ""
    image_sha256: str = ""
    status: str = ""
    reason: str = ""
    pseudonym: str = ""
    page_no: int = 0
    quality: str = "{}"
    result_json: str = "{}"
    measures: bytes = b""
    measurement: bytes = b""
    clips: tuple[tuple[str, str, str], ...] = ()
    preview: str = ""
    seconds: float = 0.0


def doubt_questions(result: PageResult) -> PageResult:
    """Every question of the page to review (``unreadable``): its boxes may be elsewhere.

    For a page read with one of a respondent's form maps when the sheet did
    not clearly show which (:attr:`MapChoice.certain`): never silently wrong.
    """
    doubted = tuple(
        q
        if ReviewReason.UNREADABLE in q.review
        else dataclasses.replace(q, review=(*q.review, ReviewReason.UNREADABLE))
        for q in result.questions
    )
    return dataclasses.replace(result, questions=doubted)


def map_note(choice: MapChoice) -> str:
    """A line for the log when the choice between a respondent's form maps was not clear."""
    fits = ", ".join(f"{c} {f:.2f}" for c, f in choice.fit.items())
    return (
        f"the respondent was sent questionnaires that lay this page out differently, and the "
        f"sheet does not clearly show which one it is ({fits or 'no boxes tell them apart'}); "
        f"read with form map {choice.map_id}; every question of the page goes to review"
    )


def quality_json(
    page: PageImage,
    result: PageResult,
    map_id: str,
    decode_s: float,
    total_s: float,
    choice: MapChoice | None = None,
) -> str:
    """The page's quality figures as stored: OMR quality, the form map, decoding and timings.

    ``language`` is the language of the map, ``map`` its map id; ``map_fit``
    and ``map_note`` are there when the page was read with one of several
    maps of the respondent (see :func:`choose_map`).
    """
    q: dict[str, object] = asdict(result.quality)
    q["language"] = map_language(map_id)
    q["map"] = map_id
    if choice is not None and choice.fit:
        q["map_fit"] = choice.fit
    if choice is not None and not choice.certain:
        q["map_note"] = map_note(choice)
    q["dpi_declared"] = round(page.dpi, 1) if page.dpi else None
    measured = result.quality.dpi
    mismatch = bool(page.dpi and measured and abs(measured / page.dpi - 1) > DPI_TOLERANCE)
    q["dpi_mismatch"] = mismatch
    q["method"] = page.method
    q["warning"] = page.warning
    q["decode_ms"] = round(decode_s * 1000, 1)
    q["read_ms"] = round(total_s * 1000, 1)
    return json.dumps(q, separators=(",", ":"))


def _write_clips(
    root: Path, gray: object, result: PageResult, sha: str, dpi: float
) -> list[tuple[str, str, str]]:
    written: list[tuple[str, str, str]] = []
    pseudonym = result.pseudonym
    for t in result.texts:
        if t.has_writing:
            name = clipfiles.question_clip_name(pseudonym, t.question, sha)
            if clipfiles.write_clip(root, name, gray, t.rect_image, dpi=dpi):  # type: ignore[arg-type]
                written.append((t.question, "text", name))
    for q in result.questions:
        if q.review:
            name = clipfiles.candidate_clip_name(q.name, sha)
            if clipfiles.write_clip(root, name, gray, q.clip_image, dpi=dpi):  # type: ignore[arg-type]
                written.append((q.name, "candidate", name))
    return written


def read_one(ctx: WorkContext, ref: PageRef, ocr: TesseractOcr | None) -> PageOutcome:
    """Decode and measure one page; decode failures become an outcome with ``error``."""
    t0 = time.perf_counter()
    try:
        page = load_page(ref)
    except PaperSurveyError as exc:
        return PageOutcome(ref, error=exc.message, seconds=time.perf_counter() - t0)
    t1 = time.perf_counter()
    language = ctx.default_language
    form_map = ctx.form_map()
    m: PageMeasurement = measure_page(
        page.gray, form_map, key=ctx.key, survey=ctx.survey, params=ctx.params, ocr=ocr
    )
    code = m.code.code if m.code else None
    maps = ctx.maps_of(code.pseudonym) if code else ()
    choice = None
    if code is not None and maps:
        # Printed with another map (language, version) or several: the boxes may sit elsewhere.
        language, form_map, m, choice = measure_with(
            ctx, page.gray, maps, code.page, m, language, ocr
        )
    result = finish_page(m, form_map, calibration=None, params=ctx.params)
    if choice is not None and not choice.certain:
        result = doubt_questions(result)
    root = Path(ctx.root)
    dpi = result.quality.dpi or page.dpi or m.nominal_dpi or 300.0
    clips = []
    preview = ""
    candidates = clipfiles.candidate_dir(root, page.sha256)
    if candidates.is_dir():  # a rerun writes the page's candidates from scratch
        shutil.rmtree(candidates, ignore_errors=True)
    if result.status in QUARANTINE:
        preview = clipfiles.write_preview(root, page.gray, page.sha256, dpi=dpi)
    if result.status in (PageStatus.OK, PageStatus.UNIDENTIFIED):
        clips = _write_clips(root, page.gray, result, page.sha256, dpi)
    t2 = time.perf_counter()
    return PageOutcome(
        ref,
        image_sha256=page.sha256,
        status=result.status.value,
        reason=result.reason,
        pseudonym=result.pseudonym,
        page_no=result.page,
        quality=quality_json(page, result, language, t1 - t0, t2 - t0, choice),
        result_json=result_to_json(result),
        measures=arrays_to_bytes(m.boxes) if len(m.boxes) else b"",
        measurement=pickle.dumps(m, protocol=pickle.HIGHEST_PROTOCOL) if len(m.boxes) else b"",
        clips=tuple(clips),
        preview=preview,
        seconds=t2 - t0,
    )


def _ocr(ctx: WorkContext) -> TesseractOcr | None:
    return TesseractOcr() if ctx.ocr and shutil.which("tesseract") else None


def read_pages(ctx: WorkContext, task: PageTask) -> list[PageOutcome]:
    """The executor's task function: every page of ``task``, in order."""
    ocr = _ocr(ctx)
    out = []
    for ref in task.refs:
        try:
            out.append(read_one(ctx, ref, ocr))
        except Exception as exc:  # a bug must cost one page, not the batch
            log.exception("unexpected error on %s", ref.label)
            out.append(PageOutcome(ref, error=f"unexpected error: {type(exc).__name__}: {exc}"))
    return out


def cut_clips(ctx: WorkContext, job: clipfiles.ClipJob) -> list[tuple[str, str]]:
    """The executor's task for review clips the worker could not foresee: ``(question, name)``."""
    page = load_page(job.ref)
    if page.sha256 != job.image_sha256:
        log.warning("%s changed since it was scanned; no clips cut", job.ref.label)
        return []
    root = Path(ctx.root)
    return [
        (question, name)
        for question, rect, name in job.items
        if clipfiles.write_clip(root, name, page.gray, rect, dpi=job.dpi)
    ]
