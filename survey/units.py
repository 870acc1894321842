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


def rect_corners(rects: np.ndarray) -> np.ndarray:
    """Corners of rectangles ``(left, top, right, bottom)`` in page coordinates.

    Args:
        rects: array of shape ``(n, 4)``.

    Returns:
        Float64 array of shape ``(n, 4, 2)``: top-left, top-right,
        bottom-right, bottom-left ``(x, y)`` points (clockwise on the page).
    """
    r = np.asarray(rects, dtype=np.float64).reshape(-1, 4)
    left, top, right, bottom = r[:, 0], r[:, 1], r[:, 2], r[:, 3]
    return np.stack(
        [
            np.stack([left, top], -1),
            np.stack([right, top], -1),
            np.stack([right, bottom], -1),
            np.stack([left, bottom], -1),
        ],
        axis=1,
    )


def page_to_image(xy: np.ndarray, homography: np.ndarray) -> np.ndarray:
    """Page coordinates (points, top-left origin) to image pixels through a homography.

    Args:
        xy: array of shape ``(..., 2)`` of page ``(x, y)`` points.
        homography: 3x3 matrix mapping page coordinates to image ``(x, y)`` pixels.

    Returns:
        Float64 array of the same shape: image ``(x, y)`` (``x`` = column).
    """
    p = np.asarray(xy, dtype=np.float64)
    h = np.asarray(homography, dtype=np.float64)
    w = p[..., 0] * h[2, 0] + p[..., 1] * h[2, 1] + h[2, 2]
    x = (p[..., 0] * h[0, 0] + p[..., 1] * h[0, 1] + h[0, 2]) / w
    y = (p[..., 0] * h[1, 0] + p[..., 1] * h[1, 1] + h[1, 2]) / w
    return np.stack([x, y], axis=-1)


def homography_jacobian(xy: np.ndarray, homography: np.ndarray) -> np.ndarray:
    """Local linear part of a page-to-image homography at page points.

    Args:
        xy: page points, shape ``(n, 2)``.
        homography: 3x3 page-to-image matrix.

    Returns:
        Float64 array of shape ``(n, 2, 2)``: ``J[i] @ (dx, dy)`` is the image
        displacement (pixels) of a small page displacement (points) at ``xy[i]``.
    """
    p = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    h = np.asarray(homography, dtype=np.float64)
    w = p[:, 0] * h[2, 0] + p[:, 1] * h[2, 1] + h[2, 2]
    img = page_to_image(p, h)
    jac = np.empty((p.shape[0], 2, 2))
    for row in range(2):
        for col in range(2):
            jac[:, row, col] = (h[row, col] - img[:, row] * h[2, col]) / w
    return jac


def pixel_bounds(
    xy: np.ndarray, shape: tuple[int, ...], margin: float = 0.0
) -> tuple[int, int, int, int]:
    """Integer pixel bounds ``(x0, y0, x1, y1)`` around image points, clipped to an image.

    Args:
        xy: image ``(x, y)`` points, shape ``(..., 2)``.
        shape: the image shape ``(rows, cols, ...)``.
        margin: pixels to add on every side.

    Returns:
        ``x1``/``y1`` exclusive; an empty box ``(x0, y0, x0, y0)`` when the points lie outside.
    """
    p = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    rows, cols = shape[0], shape[1]
    x0 = int(np.clip(np.floor(p[:, 0].min() - margin), 0, cols))
    y0 = int(np.clip(np.floor(p[:, 1].min() - margin), 0, rows))
    x1 = int(np.clip(np.ceil(p[:, 0].max() + margin) + 1, x0, cols))
    y1 = int(np.clip(np.ceil(p[:, 1].max() + margin) + 1, y0, rows))
    return (x0, y0, x1, y1)
