"""Open-text areas: is anything written, and where is the clip?

Each writing area is resampled upright at a coarse step (1 pt): handwriting
is far larger than that. The printed writing lines are found as rows inked
across most of the area and left out, with their neighbours; what remains
dark is writing. The result gives the area in page and image coordinates so
ingest can cut a clip for the review UI; an optional OCR engine gives a
draft transcription.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from omr.ocr_code import TextOcr
from omr.params import DEFAULT_PARAMS, OmrParams
from omr.sampling import crop_page_area
from survey.pageresult import TextResult
from survey.units import POINTS_PER_INCH, page_to_image, pixel_bounds, rect_corners

_STEP_PT = 1.0
_LINE_SHARE = 0.5  # a row inked over this share of its width is a printed line
_STROKE = 0.35  # a sample this dark (share of paper-to-black) is writing
_EDGE_PT = 2.0  # the area's border is left out (outline, registration slack)


@dataclass(frozen=True)
class TextMeasure:
    """How much writing an area holds.

    Attributes:
        ink: share of the area (printed lines excluded) covered by writing.
        rows: rows of the area that were not printed lines.
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
    inner = (left + _EDGE_PT, top + _EDGE_PT, right - _EDGE_PT, bottom - _EDGE_PT)
    crop = crop_page_area(gray, homography, inner, dpi=POINTS_PER_INCH / _STEP_PT)
    paper = float(np.percentile(crop, 90))
    span = max(paper - black, 60.0)
    dark = (paper - crop.astype(np.float32)) / span > _STROKE
    row_share = dark.mean(axis=1)
    lines = row_share > _LINE_SHARE
    # Printed lines are thin; blur and slight skew spread them over a neighbouring row.
    lines = lines | np.roll(lines, 1) | np.roll(lines, -1)
    keep = ~lines
    if not keep.any():
        return TextMeasure(ink=0.0, rows=0)
    return TextMeasure(ink=float(dark[keep].mean()), rows=int(keep.sum()))


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
