"""Units and coordinate systems, written down once (convert here and nowhere else).

Three systems meet in papersurvey:

* **PDF points**, origin bottom-left, y up. The form map and layout/ use these.
  1 pt = 1/72 inch.
* **Page coordinates**: also points, but origin top-left, y down. This is the
  frame the OMR homography maps from: it matches image orientation, so a
  page rendered at ``dpi`` is page coordinates times ``dpi / 72``.
* **Image pixels**: numpy arrays are indexed ``(row, col)``; OpenCV points
  are ``(x, y)`` = ``(col, row)``. omr/ keeps arrays of OpenCV ``(x, y)``
  points, float64, shape ``(n, 2)``.
"""

from __future__ import annotations

import numpy as np

POINTS_PER_INCH = 72.0
MM_PER_INCH = 25.4
A4_WIDTH_PT = 595.2755905511812  # 210 mm
A4_HEIGHT_PT = 841.8897637795277  # 297 mm


def mm(value: float) -> float:
    """Millimetres to PDF points."""
    return value * POINTS_PER_INCH / MM_PER_INCH


def pt_to_mm(value: float) -> float:
    """PDF points to millimetres."""
    return value * MM_PER_INCH / POINTS_PER_INCH


def pt_to_px(value: float | np.ndarray, dpi: float) -> float | np.ndarray:
    """A length in points to pixels at ``dpi``."""
    return value * dpi / POINTS_PER_INCH


def pdf_to_page(xy: np.ndarray, page_height: float) -> np.ndarray:
    """PDF points (bottom-left origin) to page coordinates (top-left origin).

    Args:
        xy: array of shape ``(..., 2)`` holding ``(x, y)`` in PDF points.
        page_height: page height in points.

    Returns:
        A new float64 array of the same shape.
    """
    out = np.array(xy, dtype=np.float64, copy=True)
    out[..., 1] = page_height - out[..., 1]
    return out


def rects_to_page(rects: np.ndarray, page_height: float) -> np.ndarray:
    """PDF rectangles ``(x0, y0, x1, y1)`` to page rectangles ``(left, top, right, bottom)``.

    Args:
        rects: float array of shape ``(n, 4)`` in PDF points, ``y0 < y1``.
        page_height: page height in points.

    Returns:
        Float64 array of shape ``(n, 4)`` with ``top < bottom`` in page coordinates.
    """
    r = np.asarray(rects, dtype=np.float64).reshape(-1, 4)
    return np.stack([r[:, 0], page_height - r[:, 3], r[:, 2], page_height - r[:, 1]], axis=1)
