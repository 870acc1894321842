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
version of the questionnaire, :attr:`WorkContext.respondent_maps`), the page is
measured again with that map. A respondent sent two versions that lay this
page out differently (an invitation, then a reminder after the questionnaire
was edited) has two candidates; the page is read with the one whose boxes
are printed on the sheet (:func:`omr.mapchoice.measure_sheet`). The map id used is
stored in the page's quality figures (``map``), for the batch classification.
"""

from __future__ import annotations

import json
import logging
import pickle
import shutil
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ingest import clips as clipfiles
from ingest.codec import arrays_to_bytes, result_to_json
from ingest.decode import PageImage, load_page
from ingest.sources import PageRef
from omr.form import PreparedForm, prepare_form
from omr.mapchoice import MapChoice, doubt_questions, measure_sheet
from omr.ocr_code import TesseractOcr
from omr.page import finish_page
from omr.params import OmrParams
from survey.errors import PaperSurveyError
from survey.formmap import FormMap
from survey.formmaps_store import map_language
from survey.pageresult import PageResult, PageStatus

if TYPE_CHECKING:
    from survey.project import Project

log = logging.getLogger("papersurvey.ingest.worker")

QUARANTINE = frozenset({PageStatus.UNREGISTRABLE, PageStatus.UNIDENTIFIED, PageStatus.FOREIGN})
DPI_TOLERANCE = 0.05  # declared and measured resolution may differ this much


@dataclass(frozen=True)
class WorkContext:
    """What every worker needs, sent once per worker.

    Attributes:
        form_maps: the questionnaire's form maps by map id (a language code,
            or ``<language>@<sha12>`` for an earlier printed version, see
            :mod:`survey.readingmaps`), prepared (:func:`omr.form.prepare_form`);
            the first is the round's default language.
        key: the round's secret key.
        survey: the survey code of the round.
        params: OMR settings.
        root: the project folder (clips are written under ``root/clips``).
        respondent_maps: pseudonym -> the map ids their questionnaires were
            printed with (latest first), for respondents whose map differs
            from the default's (another language, an earlier version, or
            both; :func:`survey.readingmaps.respondent_map_ids`).
        ocr: use tesseract for page codes whose QR codes both fail.
    """

    form_maps: dict[str, PreparedForm]
    key: bytes
    survey: str
    params: OmrParams
    root: str
    respondent_maps: dict[str, tuple[str, ...]] = field(default_factory=dict)
    ocr: bool = True

    @classmethod
    def for_project(
        cls,
        project: Project,
        form_maps: Mapping[str, FormMap | PreparedForm],
        params: OmrParams,
        *,
        respondent_maps: dict[str, tuple[str, ...]] | None = None,
        ocr: bool = True,
    ) -> WorkContext:
        """The context for reading ``project``'s pages with ``form_maps`` (prepared here)."""
        return cls(
            form_maps={k: prepare_form(v) for k, v in form_maps.items()},
            key=project.key,
            survey=project.settings.survey.code,
            params=params,
            root=str(project.paths.root),
            respondent_maps=dict(respondent_maps or {}),
            ocr=ocr,
        )

    @property
    def default_language(self) -> str:
        """The map id of the default map (the round's default language)."""
        return next(iter(self.form_maps))

    def form_map(self, language: str | None = None) -> PreparedForm:
        """The form map of a map id or language (default: the round's default language)."""
        return self.form_maps.get(language or "", self.form_maps[self.default_language])


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
    maps of the respondent (see :func:`omr.mapchoice.choose_map`).
    """
    q: dict[str, object] = asdict(result.quality)
    q["language"] = map_language(map_id)
    q["map"] = map_id
    if choice is not None and choice.fit:
        q["map_fit"] = choice.fit
    if choice is not None and not choice.certain:
        q["map_note"] = choice.note
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
    sheet = measure_sheet(
        page.gray,
        ctx.form_maps,
        ctx.respondent_maps,
        key=ctx.key,
        survey=ctx.survey,
        params=ctx.params,
        ocr=ocr,
    )
    m, choice = sheet.measurement, sheet.choice
    result = finish_page(m, sheet.form, calibration=None, params=ctx.params)
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
        quality=quality_json(page, result, sheet.map_id, t1 - t0, t2 - t0, choice),
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
