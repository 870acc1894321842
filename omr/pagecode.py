"""Identify a registered page: its code, from a QR or the printed text, verified.

Order of attempts: each QR area of the form map (two opposite corners), then
OCR of each printed code when an OCR engine was given. The first code that is
well formed decides (valid, template or foreign); a damaged reading lets the
next source try. A code is never guessed: only HMAC-verified codes identify
a page (see :func:`survey.codes.decode_page_code`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from omr.form import PreparedForm
from omr.ocr_code import TextOcr, code_candidates, crop_code_text
from omr.params import DEFAULT_PARAMS, OmrParams
from omr.qr import read_qr
from survey.codes import CodeStatus, PageCode, decode_page_code
from survey.formmap import FormMap, QrArea
from survey.units import rects_to_page


@dataclass(frozen=True)
class CodeReading:
    """What the page code attempts found.

    Attributes:
        code: the checked code of the deciding attempt, or ``None`` when
            nothing well formed was read.
        source: ``qr:<corner>`` or ``ocr:<corner>`` of the deciding attempt, else ``""``.
        attempts: how many readings were tried.
        raw: the raw text of the deciding attempt (``""`` when none).
    """

    code: PageCode | None
    source: str = ""
    attempts: int = 0
    raw: str = ""


def qr_areas(form_map: FormMap) -> tuple[QrArea, ...]:
    """The distinct QR areas of a form map (the same on every page as a rule)."""
    seen: dict[tuple[str, tuple[float, ...]], QrArea] = {}
    for page in form_map.pages:
        for area in page.qr_areas:
            seen.setdefault((area.corner, area.rect.as_tuple()), area)
    return tuple(seen.values())


def _page_rect(
    rect: tuple[float, float, float, float], page_height: float
) -> tuple[float, float, float, float]:
    r = rects_to_page(np.array([rect]), page_height)[0]
    return (float(r[0]), float(r[1]), float(r[2]), float(r[3]))


def read_code(
    gray: np.ndarray,
    homography: np.ndarray,
    form_map: FormMap | PreparedForm,
    *,
    key: bytes,
    survey: str,
    ocr: TextOcr | None = None,
    params: OmrParams = DEFAULT_PARAMS,
) -> CodeReading:
    """Read and verify the page code of a registered page.

    Args:
        gray: the page image, 2-D ``uint8``.
        homography: 3x3 page-to-image matrix from the registration.
        form_map: the form map, or the prepared form (where the QR codes and printed codes are).
        key: the round's secret key.
        survey: the survey code the pages must belong to.
        ocr: an OCR engine for the printed code, or ``None`` to skip OCR.
        params: OMR settings (``qr_dpi``, ``qr_margin_mm``, ``ocr_dpi``).

    Returns:
        The deciding reading; ``code`` is ``None`` or ``DAMAGED`` when the
        page could not be identified.
    """
    fm = form_map.form_map if isinstance(form_map, PreparedForm) else form_map
    areas = form_map.qr_areas if isinstance(form_map, PreparedForm) else qr_areas(fm)
    page_height = fm.page_height
    attempts = 0
    damaged: CodeReading | None = None
    for area in areas:
        attempts += 1
        text = read_qr(
            gray,
            homography,
            _page_rect(area.rect.as_tuple(), page_height),
            dpi=params.qr_dpi,
            margin_mm=params.qr_margin_mm,
        )
        if text is None:
            continue
        code = decode_page_code(text, key, survey)
        reading = CodeReading(code, f"qr:{area.corner}", attempts, text)
        if code.status is not CodeStatus.DAMAGED:
            return reading
        damaged = damaged or reading
    if ocr is not None:
        for binarize in (False, True):
            for area in areas:
                crop = crop_code_text(
                    gray,
                    homography,
                    _page_rect(area.text_rect.as_tuple(), page_height),
                    dpi=params.ocr_dpi,
                    binarize=binarize,
                )
                attempts += 1
                text = ocr(crop)
                if not text:
                    continue
                for candidate in code_candidates(text, survey):
                    code = decode_page_code(candidate, key, survey)
                    if code.status in (CodeStatus.OK, CodeStatus.TEMPLATE):
                        return CodeReading(code, f"ocr:{area.corner}", attempts, text)
                # An OCR reading that does not verify says nothing certain: a misread
                # foreign-looking code is far likelier than a real foreign page here.
                unsure = PageCode(
                    CodeStatus.DAMAGED, reason="the printed code read by OCR does not verify"
                )
                damaged = damaged or CodeReading(unsure, f"ocr:{area.corner}", attempts, text)
    if damaged is not None:
        return CodeReading(damaged.code, damaged.source, attempts, damaged.raw)
    return CodeReading(None, "", attempts, "")
