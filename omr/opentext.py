"""Open-text areas: is anything written, and where is the clip?

Each writing area is resampled upright at a coarse step (1 pt): handwriting
is far larger than that. The printed writing lines are found as long straight
horizontal runs and left out, with a sample of slack around them; what
remains dark is writing. When in doubt an area counts as written (an empty clip costs a glance, a
missed answer is lost). The result gives the area in page and image coordinates so
ingest can cut a clip for the review UI; an optional OCR engine gives a
draft transcription.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from omr.ocr_code import TextOcr
from omr.params import DEFAULT_PARAMS, OmrParams
from omr.sampling import crop_page_area
from survey.pageresult import TextResult
from survey.units import POINTS_PER_INCH, page_to_image, pixel_bounds, rect_corners

_STEP_PT = 1.0
_LINE_PT = 61  # a straight horizontal run this long (points) is a printed line
_STROKE = 0.28  # a sample this dark (share of paper-to-black) is writing
_FAINT = 0.12  # a printed line is at least this dark
_EDGE_PT = 2.0  # the area's border is left out (outline, registration slack)
_MARGIN_PT = 6.0  # the crop reaches this far beyond the area


@dataclass(frozen=True)
class TextMeasure:
    """How much writing an area holds.

    Attributes:
        ink: share of the area (printed lines excluded) covered by writing.
        rows: rows of the area free of printed lines.
    """

    ink: float
    rows: int


def measure_text_area(
    gray: np.ndarray,
    homography: np.ndarray,
    rect_page: tuple[float, float, float, float],
    *,
    black: float,
) -> TextMeasure:
    """Share of a writing area covered by handwriting.

    Args:
        gray: the page image, 2-D ``uint8``.
        homography: 3x3 page-to-image matrix.
        rect_page: the area ``(left, top, right, bottom)`` in page coordinates.
        black: gray value of solid print on this page.
    """
    left, top, right, bottom = rect_page
    # Crop beyond the area so a printed line on its border is seen whole.
    grow = _MARGIN_PT
    crop = crop_page_area(
        gray,
        homography,
        (left - grow, top - grow, right + grow, bottom + grow),
        dpi=POINTS_PER_INCH / _STEP_PT,
    )
    paper = float(np.percentile(crop, 90))
    span = max(paper - black, 60.0)
    darkness = (paper - crop.astype(np.float32)) / span
    dark = (darkness > _STROKE).astype(np.uint8)
    # Printed writing lines are long and straight (and often light gray):
    # what survives an opening with a long horizontal kernel of a lenient
    # threshold is print (with a row of slack either side).
    faint = (darkness > _FAINT).astype(np.uint8)
    # A 1-bit scan breaks a light gray line into dashes: bridge short gaps first.
    bridged = cv2.morphologyEx(faint, cv2.MORPH_CLOSE, np.ones((1, 7), np.uint8))
    opened = cv2.morphologyEx(bridged, cv2.MORPH_OPEN, np.ones((1, _LINE_PT), np.uint8))
    lines = np.asarray(cv2.dilate(opened, np.ones((3, 3), np.uint8)), dtype=np.uint8)
    cut = round((grow + _EDGE_PT) / _STEP_PT)
    writing = (dark & (1 - lines))[cut:-cut, cut:-cut]
    rows = int((lines[cut:-cut, cut:-cut].max(axis=1) == 0).sum())
    return TextMeasure(ink=float(writing.mean()) if writing.size else 0.0, rows=rows)


def read_text_areas(
    gray: np.ndarray,
    homography: np.ndarray,
    areas: list[tuple[str, tuple[float, float, float, float]]],
    *,
    black: float,
    ocr: TextOcr | None = None,
    params: OmrParams = DEFAULT_PARAMS,
) -> tuple[TextResult, ...]:
    """Results for the open-text areas of a page.

    Args:
        gray: the page image, 2-D ``uint8``.
        homography: 3x3 page-to-image matrix.
        areas: ``(question, rect_page)`` per area, page coordinates.
        black: gray value of solid print on this page.
        ocr: an optional OCR engine for a draft transcription of written areas.
        params: OMR settings (``text_min_ink``).
    """
    out = []
    for question, rect in areas:
        m = measure_text_area(gray, homography, rect, black=black)
        corners = page_to_image(rect_corners(np.array([rect]))[0], homography)
        has_writing = m.ink >= params.text_min_ink
        draft = ""
        if has_writing and ocr is not None:
            draft = ocr(crop_page_area(gray, homography, rect, dpi=300.0))
        out.append(
            TextResult(
                question=question,
                has_writing=bool(has_writing),
                ink=round(m.ink, 5),
                rect_page=(float(rect[0]), float(rect[1]), float(rect[2]), float(rect[3])),
                rect_image=pixel_bounds(corners, gray.shape),
                draft=draft,
            )
        )
    return tuple(out)
