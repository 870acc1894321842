"""Open-text areas: is anything written, and where is the clip?

Each writing area is resampled upright at 0.5 pt with area averaging, so a
0.5 pt printed line or a single black pixel of a 1-bit scan keeps its share
of darkness whatever the scan resolution. Ink is what is darker than the
*local* paper (a fold's shadow or a coffee stain is paper): by
``text_stroke_ink`` of the paper-to-black range on a gray scan (more on a
noisy one), by any black pixel on a 1-bit scan, which has no noise and no
shading left.

Writing is told from print by its height. Ink closer together than 4 pt is
joined into shapes (pencil grain, the specks a 1-bit scan leaves of a light
stroke); a shape is writing when one of its columns holds an unbroken run of
``text_min_height_pt``. Handwritten letters are 4 pt high and more; what is
left of the printed writing lines is a sample or three high in every column,
however a 1-bit scan breaks them into dashes of varying thickness and
however the registration tilts them. The rows of the lines themselves (thin
bands of ink across the width) are left out first, so that a speck just
beside a line cannot join the line into a shape of writing height. One short
word is enough for an area to count as written: an empty clip costs a
glance, a missed answer is lost.

The result gives the area in page and image coordinates so ingest can cut a
clip for the review UI; an optional OCR engine gives a draft transcription.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from omr.ocr_code import TextOcr
from omr.params import DEFAULT_PARAMS, OmrParams
from omr.sampling import crop_page_area
from survey.pageresult import TextResult
from survey.units import POINTS_PER_INCH, page_to_image, pixel_bounds, rect_corners

_STEP_PT = 0.5  # sampling step of the area (144 dpi)
_MARGIN_PT = 8.0  # the crop reaches this far beyond the area (local paper at the border)
_EDGE_PT = 2.0  # the area's border is left out (registration slack)
_PAPER_PT = 8.0  # darker features wider than this are paper (shadows, stains)
_JOIN_PT = 4.0  # ink this close together is one shape
_LINE_PT = 3.0  # a printed writing line is at most this thick (0.5 pt, blurred, tilted)
_LINE_COVER = 0.1  # ... and its rows hold ink along at least this share of the width
_BINARY_INK = 0.05  # on a 1-bit scan a sample with any black pixel in it is ink
_NOISE_SIGMAS = 4.0  # on a noisy gray scan ink is at least this far above the noise
_MIN_SPAN = 60.0  # smallest paper-to-black range trusted (gray levels)


@dataclass(frozen=True)
class TextMeasure:
    """What an area holds.

    Attributes:
        ink: share of the area covered by writing-like shapes.
        ink_pt2: the same ink in square points.
        shapes: number of writing-like shapes (at least ``text_min_height_pt``
            high within one column of samples).
        binary: whether the area was read as a 1-bit scan.
    """

    ink: float
    ink_pt2: float
    shapes: int
    binary: bool


def _samples(pt: float) -> int:
    return max(1, round(pt / _STEP_PT))


def _pixels_per_point(corners: np.ndarray, rect_page: tuple[float, float, float, float]) -> float:
    """The image's resolution over an area (its image ``corners``), pixels per point, larger axis."""
    left, top, right, bottom = rect_page
    across = np.hypot(*(corners[1] - corners[0])) / max(right - left, 1e-6)
    down = np.hypot(*(corners[3] - corners[0])) / max(bottom - top, 1e-6)
    return float(max(across, down))


def _is_binary(gray: np.ndarray, corners: np.ndarray) -> bool:
    """Whether the image around an area (its image ``corners``) holds only black and white."""
    x0, y0, x1, y1 = pixel_bounds(corners, gray.shape)
    region = gray[y0:y1:4, x0:x1:4]  # a gray scan has grays everywhere: a sample will do
    return region.size > 0 and not bool(np.any((region > 0) & (region < 255)))


def crop_area(
    gray: np.ndarray,
    homography: np.ndarray,
    rect_page: tuple[float, float, float, float],
    *,
    margin_pt: float = _MARGIN_PT,
) -> np.ndarray:
    """The area plus ``margin_pt`` upright at 0.5 pt, each sample the mean of its pixels.

    Plain resampling would hit or miss a 0.5 pt printed line or the specks of
    a 1-bit scan depending on where the samples fall; averaging keeps each
    its share of darkness.

    Args:
        gray: the page image, 2-D ``uint8``.
        homography: 3x3 page-to-image matrix.
        rect_page: the area ``(left, top, right, bottom)`` in page coordinates.
        margin_pt: how far the crop reaches beyond the area.

    Returns:
        A new 2-D ``uint8`` array, 2 samples per point.
    """
    left, top, right, bottom = rect_page
    grown = (left - margin_pt, top - margin_pt, right + margin_pt, bottom + margin_pt)
    corners = page_to_image(rect_corners(np.array([grown], dtype=np.float64))[0], homography)
    # Whole image pixels per sample: shrink the area's part of the image by
    # that factor (box averages), then resample it upright nearly 1:1.
    f = int(_pixels_per_point(corners, grown) * _STEP_PT)
    x0, y0, x1, y1 = pixel_bounds(corners, gray.shape, margin=2 * f)
    x1, y1 = x0 + (x1 - x0) // max(f, 1) * f, y0 + (y1 - y0) // max(f, 1) * f
    if f > 1 and x1 > x0 and y1 > y0:
        gray = cv2.resize(
            gray[y0:y1, x0:x1], ((x1 - x0) // f, (y1 - y0) // f), interpolation=cv2.INTER_AREA
        )
        # A shrunk pixel's centre is the centre of the f x f pixels it averages.
        c = (f - 1) / 2
        shrink = np.array([[1 / f, 0, -(x0 + c) / f], [0, 1 / f, -(y0 + c) / f], [0, 0, 1]])
        homography = shrink @ np.asarray(homography, dtype=np.float64)
    return crop_page_area(gray, homography, grown, dpi=POINTS_PER_INCH / _STEP_PT)


def _quantile(values: np.ndarray, q: float) -> int:
    """The ``q`` quantile of ``uint8`` values, from their histogram (no sort)."""
    counts = np.cumsum(cv2.calcHist([values], [0], None, [256], [0, 256]).ravel())
    return int(np.searchsorted(counts, q * counts[-1]))


def ink_mask(crop: np.ndarray, *, black: float, binary: bool, stroke_ink: float) -> np.ndarray:
    """Samples darker than their local paper: ``uint8`` 0/1, the shape of ``crop``.

    Args:
        crop: the area at 0.5 pt, ``uint8`` (see :func:`crop_area`).
        black: gray value of solid print on this page.
        binary: the crop comes from a 1-bit scan (any black pixel is ink).
        stroke_ink: darkness (share of paper-to-black) from which a gray sample is ink.
    """
    smooth = cv2.medianBlur(crop, 5)
    n = _samples(_PAPER_PT) | 1
    # The upper envelope of the smoothed crop: the paper under the ink,
    # shadows and stains included (they are wider than any stroke).
    paper = cv2.morphologyEx(smooth, cv2.MORPH_CLOSE, np.ones((n, n), np.uint8))
    span = max(_quantile(crop, 0.9) - black, _MIN_SPAN)
    if binary:
        threshold = _BINARY_INK
    else:
        noise = 1.4826 * _quantile(cv2.absdiff(crop, smooth), 0.5) / span
        threshold = max(stroke_ink, _NOISE_SIGMAS * noise)
    return (cv2.subtract(paper, crop) > threshold * span).astype(np.uint8)


def print_rows(ink: np.ndarray) -> np.ndarray:
    """Rows of a printed writing line: boolean per row of an area's ink mask.

    A printed line is a thin band of rows (at most ``_LINE_PT`` thick, slightly
    tilted or stepped included) in which ink runs along a tenth of the width
    or more, dashed or not. Handwriting that covers that much of the width
    covers it over a band of x-height, which is thicker; a word sitting on a
    line thickens the line's band, which then stays.
    """
    h = ink.shape[0]
    high = cv2.reduce(ink, 1, cv2.REDUCE_AVG, dtype=cv2.CV_32F).ravel() >= _LINE_COVER
    # Length of the run of high rows each row is in: rows since the last low
    # row plus rows until the next one.
    rows = np.arange(h)
    since = rows - np.maximum.accumulate(np.where(high, -1, rows))
    until = (rows - np.maximum.accumulate(np.where(high[::-1], -1, rows)))[::-1]
    return high & (since + until - 1 <= _samples(_LINE_PT))


def measure_text_area(
    gray: np.ndarray,
    homography: np.ndarray,
    rect_page: tuple[float, float, float, float],
    *,
    black: float,
    params: OmrParams = DEFAULT_PARAMS,
) -> TextMeasure:
    """How much writing an area holds.

    Args:
        gray: the page image, 2-D ``uint8`` (a 1-bit scan as 0 and 255).
        homography: 3x3 page-to-image matrix.
        rect_page: the area ``(left, top, right, bottom)`` in page coordinates.
        black: gray value of solid print on this page.
        params: OMR settings (``text_stroke_ink``, ``text_min_height_pt``).
    """
    corners = page_to_image(rect_corners(np.array([rect_page], dtype=np.float64))[0], homography)
    binary = _is_binary(gray, corners)
    crop = crop_area(gray, homography, rect_page)
    ink = ink_mask(crop, black=black, binary=binary, stroke_ink=params.text_stroke_ink)
    cut = _samples(_MARGIN_PT + _EDGE_PT)
    ink = ink[cut:-cut, cut:-cut]
    if ink.size == 0:
        return TextMeasure(0.0, 0.0, 0, binary)
    # Without its printed lines, so no speck near a line joins the line into a tall shape.
    ink[print_rows(ink)] = 0
    j = _samples(_JOIN_PT) | 1
    joined = cv2.morphologyEx(
        ink,
        cv2.MORPH_CLOSE,
        cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (j, j)),
        borderType=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    # A shape is writing when one of its columns holds an unbroken run of
    # text_min_height_pt: an erosion with a vertical line finds such runs.
    run = max(1, math.ceil(params.text_min_height_pt / _STEP_PT - 1e-9))
    seeds = cv2.erode(
        joined, np.ones((run, 1), np.uint8), borderType=cv2.BORDER_CONSTANT, borderValue=0
    )
    if not seeds.any():
        return TextMeasure(0.0, 0.0, 0, binary)
    count, labels = cv2.connectedComponents(joined, connectivity=8)
    writing = np.zeros(count, dtype=bool)
    writing[labels[seeds > 0]] = True
    ink_samples = int(np.count_nonzero(ink & writing[labels]))
    return TextMeasure(
        ink=ink_samples / ink.size,
        ink_pt2=ink_samples * _STEP_PT * _STEP_PT,
        shapes=int(writing.sum()),
        binary=binary,
    )


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
        params: OMR settings (``text_stroke_ink``, ``text_min_height_pt``,
            ``text_min_ink_pt2``).
    """
    out = []
    for question, rect in areas:
        m = measure_text_area(gray, homography, rect, black=black, params=params)
        corners = page_to_image(rect_corners(np.array([rect]))[0], homography)
        has_writing = m.shapes > 0 and m.ink_pt2 >= params.text_min_ink_pt2
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
