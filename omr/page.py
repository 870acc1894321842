"""Read one page: the OMR pipeline from a page image to a :class:`PageResult`.

The stages, each a pure function of its own module::

    to_gray -> page_levels (blank?) -> find_marks -> register -> read_code
            -> measure_boxes -> classify -> resolve_questions (+ text areas)

:func:`read_page` runs them all. For per-batch calibration, ingest runs the
first part on every page of a batch (:func:`measure_page`, whose result is
small and picklable), fits a :class:`~omr.calibration.Calibration` from all box
measures, then finishes every page (:func:`finish_page`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from omr.anchors import find_qr_anchors
from omr.calibration import Calibration
from omr.checkboxes import BoxMeasures, measure_boxes
from omr.classify import classify
from omr.finelook import look_again
from omr.form import PreparedForm, prepare_form
from omr.image import Levels, dpi_guess, is_blank, page_levels, to_gray
from omr.marks import find_marks
from omr.noise import InkLoss, ink_may_be_lost
from omr.ocr_code import TextOcr
from omr.opentext import read_text_areas
from omr.pagecode import CodeReading, read_code
from omr.params import DEFAULT_PARAMS, OmrParams
from omr.placement import register_with_qr
from omr.refine import match_page_layout, refine_with_boxes
from omr.registration import Registration, register
from omr.reliability import box_probability, question_probability
from omr.resolve import resolve_questions
from survey.codes import CodeStatus
from survey.formmap import FormMap
from survey.pageresult import BoxState, PageResult, PageStatus, Quality, TextResult
from survey.units import page_to_image, rect_corners


@dataclass(frozen=True)
class PageMeasurement:
    """Everything :func:`finish_page` needs; small and picklable (no image).

    Attributes:
        status: the page status so far.
        reason: why the status is not ``ok``.
        page: the 1-based page number, 0 when unknown.
        code: the code reading, or ``None`` when the page did not register.
        registration: the registration, or ``None`` for a blank page.
        levels: paper and ink levels of the page.
        boxes: the measures of the page's boxes (empty when not read).
        clips: pixel bounds per box ``(n, 4)`` int64.
        texts: the open-text results.
        image_shape: ``(rows, cols)`` of the page image.
        nominal_dpi: the resolution the image size implies for a full A4 page.
    """

    status: PageStatus
    reason: str = ""
    page: int = 0
    code: CodeReading | None = None
    registration: Registration | None = None
    levels: Levels | None = None
    boxes: BoxMeasures = field(default_factory=BoxMeasures.empty)
    clips: np.ndarray = field(default_factory=lambda: np.zeros((0, 4), dtype=np.int64))
    texts: tuple[TextResult, ...] = ()
    image_shape: tuple[int, int] = (0, 0)
    nominal_dpi: float = 0.0


def measure_page(
    image: np.ndarray,
    form_map: FormMap | PreparedForm,
    *,
    key: bytes,
    survey: str,
    params: OmrParams = DEFAULT_PARAMS,
    ocr: TextOcr | None = None,
    text_ocr: TextOcr | None = None,
) -> PageMeasurement:
    """The first pass over a page: register, identify, measure boxes and text areas.

    Args:
        image: the page: ``uint8`` gray ``(h, w)``, colour ``(h, w, 3)`` (BGR)
            or 1-bit (``bool`` or 0/1); any resolution from 150 to 600 dpi.
        form_map: the questionnaire's form map, best prepared once per batch
            with :func:`omr.form.prepare_form`.
        key: the round's secret key (page codes are verified with it).
        survey: the survey code the pages must belong to.
        params: OMR settings.
        ocr: OCR engine for the printed page code, the fallback when both QR
            codes fail (``None``: no OCR fallback).
        text_ocr: OCR engine for draft transcriptions of open answers (``None``: none).

    Returns:
        The page's measurement; never raises for an unreadable page.
    """
    form = prepare_form(form_map)
    fm = form.form_map
    gray = to_gray(image)
    shape = (int(gray.shape[0]), int(gray.shape[1]))
    guess = dpi_guess(gray.shape, fm.page_width, fm.page_height)
    levels = page_levels(gray, guess)
    if is_blank(levels, params.blank_max_ink):
        return PageMeasurement(
            PageStatus.BLANK,
            "no print on the page",
            levels=levels,
            image_shape=shape,
            nominal_dpi=guess,
        )
    first = fm.pages[0]
    ids = tuple(m.aruco_id for m in first.marks)
    detections = find_marks(gray, dpi=guess, ids=ids, dictionary=fm.aruco_dictionary, params=params)
    reg = register(
        detections,
        first.marks,
        page_width=fm.page_width,
        page_height=fm.page_height,
        params=params,
    )
    if not reg.ok:
        # Marks lost over the image edge or damaged: the page QR codes place it too.
        placed = register_with_qr(
            detections,
            first.marks,
            find_qr_anchors(gray, dpi=guess),
            form.qr_areas,
            page_width=fm.page_width,
            page_height=fm.page_height,
            params=params,
        )
        if not placed.ok:
            return PageMeasurement(
                PageStatus.UNREGISTRABLE,
                f"{reg.reason}; {placed.reason}",
                registration=replace(reg, marks_used=placed.marks_used or reg.marks_used),
                levels=levels,
                image_shape=shape,
                nominal_dpi=guess,
            )
        reg = placed
    affine = len(reg.marks_used) < 4 or reg.fallback
    code_params = replace(params, qr_margin_mm=3 * params.qr_margin_mm) if affine else params
    code = read_code(
        gray, reg.homography, form, key=key, survey=survey, ocr=ocr, params=code_params
    )
    status, reason, page = PageStatus.OK, "", 0
    pc = code.code
    if pc is None or pc.status is CodeStatus.DAMAGED:
        status = PageStatus.UNIDENTIFIED
        reason = "page code unreadable" if pc is None else f"page code damaged: {pc.reason}"
    elif pc.status is CodeStatus.FOREIGN:
        return PageMeasurement(
            PageStatus.FOREIGN,
            pc.reason,
            code=code,
            registration=reg,
            levels=levels,
            image_shape=shape,
            nominal_dpi=guess,
        )
    elif not 1 <= pc.page <= len(fm.pages):
        return PageMeasurement(
            PageStatus.FOREIGN,
            f"page {pc.page} is not in this questionnaire",
            code=code,
            registration=reg,
            levels=levels,
            image_shape=shape,
        )
    else:
        page = pc.page
        if pc.status is CodeStatus.TEMPLATE:
            status, reason = PageStatus.UNIDENTIFIED, "reference print without a respondent code"
    if page == 0:
        page, why = match_page_layout(gray, reg.homography, form, black=levels.black, params=params)
        if page == 0:
            return PageMeasurement(
                status,
                f"{reason}; {why}",
                code=code,
                registration=reg,
                levels=levels,
                image_shape=shape,
                nominal_dpi=guess,
            )
    tables = form.page(page)
    rects = tables.rects
    if affine:
        reg = refine_with_boxes(
            gray,
            reg,
            rects,
            black=levels.black,
            mark_src=reg.points_page,
            mark_dst=reg.points_image,
            page_width=fm.page_width,
            page_height=fm.page_height,
            params=params,
            search_pt=params.refine_search_pt * (2.0 if reg.fallback else 1.0),
        )
    boxes = measure_boxes(gray, reg.homography, rects, black=levels.black, params=params)
    if reg.fallback:
        boxes = replace(boxes, position_doubt=position_doubt(boxes, reg, params))
    if not levels.bilevel:
        boxes = look_again(gray, reg.homography, rects, boxes, dpi=reg.dpi, params=params)
    shifted = rects + np.concatenate([boxes.shift, boxes.shift], axis=1)
    corners = page_to_image(rect_corners(shifted), reg.homography)
    clips = np.concatenate(
        [np.floor(corners.min(axis=1)), np.ceil(corners.max(axis=1)) + 1], axis=1
    )
    clips = np.minimum(np.maximum(clips, 0), [shape[1], shape[0], shape[1], shape[0]]).astype(
        np.int64
    )
    texts = read_text_areas(
        gray,
        reg.homography,
        list(tables.text_areas),
        black=levels.black,
        ocr=text_ocr,
        params=params,
    )
    return PageMeasurement(
        status,
        reason,
        page=page,
        code=code,
        registration=reg,
        levels=levels,
        boxes=boxes,
        clips=clips,
        texts=texts,
        image_shape=shape,
        nominal_dpi=guess,
    )


def position_doubt(boxes: BoxMeasures, reg: Registration, params: OmrParams) -> np.ndarray:
    """How far each box may be from where it was measured, on a page placed by a fallback (points).

    Placed by marks and QR codes, the transform is only as good as its fit:
    its RMS residual at the points it was fitted to says how far off any box
    may be, unless the printed outlines refined it (``+outlines``: then every
    box was fitted to boxes found on the sheet). Each box's own outline
    search then says the rest: an outline found at the very edge of the
    search window may lie beyond it, so the box may be that far off and more.
    Boxes farther off than ``max_position_doubt_pt`` are unreadable, so only
    their questions go to review, not the whole page.
    """
    step = params.sample_step_pt
    limit = max(1, round(params.search_pt / step)) * step
    fitted = 0.0 if reg.method.endswith("+outlines") else reg.reprojection_pt
    at_edge = np.abs(boxes.shift).max(axis=1) >= limit - 1e-3
    return np.maximum(np.where(at_edge, 2 * limit, 0.0), fitted).astype(np.float32)


def _quality(m: PageMeasurement) -> Quality:
    reg, lev = m.registration, m.levels
    if reg is None or not reg.ok:
        return Quality(
            marks_found=0 if reg is None else len(reg.marks_used),
            contrast=0.0 if lev is None else round(lev.contrast, 1),
            paper_level=0.0 if lev is None else round(lev.paper, 1),
        )
    return Quality(
        marks_found=len(reg.marks_used),
        rotation_deg=round(reg.rotation_deg, 3),
        shear_deg=round(reg.shear_deg, 3),
        scale=round(reg.dpi / m.nominal_dpi, 4) if m.nominal_dpi else 0.0,
        dpi=round(reg.dpi, 1),
        reprojection_pt=round(reg.reprojection_pt, 3),
        contrast=0.0 if lev is None else round(lev.contrast, 1),
        paper_level=0.0 if lev is None else round(lev.paper, 1),
        refine_pt=round(float(np.median(np.abs(m.boxes.shift))) if len(m.boxes) else 0.0, 3),
        registration=reg.method,
        bilevel=lev is not None and lev.bilevel,
    )


def finish_page(
    measurement: PageMeasurement,
    form_map: FormMap | PreparedForm,
    *,
    calibration: Calibration | None = None,
    params: OmrParams = DEFAULT_PARAMS,
) -> PageResult:
    """The second pass: classify the boxes and resolve the questions.

    Args:
        measurement: the page's first pass (:func:`measure_page`).
        form_map: the same form map (or prepared form).
        calibration: the batch's thresholds (``None``: the defaults of ``params``).
        params: OMR settings.
    """
    m = measurement
    reg = m.registration
    base: dict[str, Any] = {
        "status": m.status,
        "reason": m.reason,
        "code": m.code.code if m.code else None,
        "code_source": m.code.source if m.code else "",
        "page": m.page,
        "quality": _quality(m),
    }
    if reg is None or not reg.ok:
        return PageResult(**base)
    base["orientation"] = reg.orientation
    base["homography"] = tuple(float(v) for v in reg.homography.ravel())
    if m.page == 0 or m.status is PageStatus.FOREIGN:
        return PageResult(**base)
    tables = prepare_form(form_map).page(m.page)
    bilevel = m.levels is not None and m.levels.bilevel
    classes = classify(m.boxes, calibration, params, bilevel=bilevel)
    lost = (
        ink_may_be_lost(m.boxes, classes.states == BoxState.MARKED, reg.dpi, params)
        if bilevel
        else InkLoss.NONE
    )
    raw = resolve_questions(tables.questions, classes, clips=m.clips, params=params, ink_loss=lost)
    # Stored confidences are probabilities of being right (see omr.reliability).
    chance = question_probability(np.array([q.confidence for q in raw]))
    questions = tuple(
        replace(q, confidence=round(float(c), 6)) for q, c in zip(raw, chance, strict=True)
    )
    return PageResult(
        **base,
        boxes=tables.boxes,
        box_states=tuple(classes.states.tolist()),
        box_confidences=tuple(np.round(box_probability(classes.confidence), 6).tolist()),
        box_ink=tuple(np.round(m.boxes.ink.astype(np.float64), 4).tolist()),
        questions=questions,
        texts=m.texts,
    )


def read_page(
    image: np.ndarray,
    form_map: FormMap | PreparedForm,
    *,
    key: bytes,
    survey: str,
    params: OmrParams = DEFAULT_PARAMS,
    calibration: Calibration | None = None,
    ocr: TextOcr | None = None,
    text_ocr: TextOcr | None = None,
) -> PageResult:
    """Read one page image: status, page code, answers with confidence, open-text clips.

    Args:
        image: the page: ``uint8`` gray ``(h, w)``, colour ``(h, w, 3)`` (BGR)
            or 1-bit (``bool`` or 0/1); any resolution from 150 to 600 dpi, any
            orientation. Not modified.
        form_map: the questionnaire's form map; for a batch, prepare it once
            with :func:`omr.form.prepare_form` and pass the prepared form.
        key: the round's secret key.
        survey: the survey code the pages must belong to.
        params: OMR settings.
        calibration: the batch's thresholds (``None``: the defaults).
        ocr: OCR engine for the printed page code when both QR codes fail
            (for example :class:`omr.ocr_code.TesseractOcr`; ``None``: no OCR).
        text_ocr: OCR engine for draft transcriptions of open answers.

    Returns:
        The page result; expected failures (blank, unregistrable, foreign,
        unidentified) are statuses with a reason, never exceptions.
    """
    form = prepare_form(form_map)
    m = measure_page(image, form, key=key, survey=survey, params=params, ocr=ocr, text_ocr=text_ocr)
    return finish_page(m, form, calibration=calibration, params=params)
