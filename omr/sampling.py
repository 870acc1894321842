"""Sample many small page areas at once, upright, and turn them into ink.

Every checkbox becomes a small square patch of samples on a fixed grid in page
coordinates (for example 0.5 pt apart), whatever the resolution, rotation or
perspective of the scan. All patches come from one ``cv2.remap`` call: the
sample positions of every patch are computed in one array expression from
the box centres and the local linear part of the page-to-image homography.

Ink is darkness relative to the *local* paper: the paper level of each patch
is measured on its outer frame and interpolated across it, so stains, shadows
and uneven lighting do not look like marks.
"""

from __future__ import annotations

import cv2
import numpy as np

from survey.units import POINTS_PER_INCH, homography_jacobian, page_to_image

_REMAP_MAX_ROWS = 30000  # cv2.remap works on images up to SHRT_MAX rows


def grid_offsets(half_pt: float, step_pt: float) -> np.ndarray:
    """Sample offsets from the patch centre along one axis, points, float64 ``(p,)``."""
    p = 2 * int(np.ceil(half_pt / step_pt)) + 1
    return (np.arange(p) - (p - 1) / 2) * step_pt


def sample_patches(
    gray: np.ndarray,
    homography: np.ndarray,
    centres: np.ndarray,
    offsets: np.ndarray,
    *,
    border: int = 255,
) -> np.ndarray:
    """Square patches of the page around page points, resampled upright.

    Args:
        gray: the page image, 2-D ``uint8``.
        homography: 3x3 page-to-image matrix.
        centres: page points ``(n, 2)`` (points, top-left origin).
        offsets: sample offsets along each axis, points, shape ``(p,)``
            (see :func:`grid_offsets`).
        border: value of samples that fall outside the image.

    Returns:
        ``uint8`` array ``(n, p, p)``: ``out[i, r, c]`` is the page at
        ``centres[i] + (offsets[c], offsets[r])``.
    """
    c = np.asarray(centres, dtype=np.float64).reshape(-1, 2)
    n, p = c.shape[0], offsets.shape[0]
    if n == 0:
        return np.zeros((0, p, p), dtype=np.uint8)
    centre_px = page_to_image(c, homography).astype(np.float32)
    jac = homography_jacobian(c, homography).astype(np.float32)
    u = offsets.astype(np.float32)[None, None, :]  # along page x (columns)
    v = offsets.astype(np.float32)[None, :, None]  # along page y (rows)
    map_x = (
        centre_px[:, 0, None, None] + jac[:, 0, 0, None, None] * u + jac[:, 0, 1, None, None] * v
    )
    map_y = (
        centre_px[:, 1, None, None] + jac[:, 1, 0, None, None] * u + jac[:, 1, 1, None, None] * v
    )
    map_x = map_x.reshape(n * p, p)
    map_y = map_y.reshape(n * p, p)
    out = np.empty((n * p, p), dtype=np.uint8)
    for start in range(0, n * p, _REMAP_MAX_ROWS):
        stop = min(n * p, start + _REMAP_MAX_ROWS)
        out[start:stop] = cv2.remap(
            gray,
            map_x[start:stop],
            map_y[start:stop],
            cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=border,
        )
    return out.reshape(n, p, p)


def _side_level(side: np.ndarray, rank: float) -> np.ndarray:
    """Per-patch paper level of one frame side ``(n, k)``: a high rank, robust to print and noise."""
    k = side.shape[1]
    kth = min(k - 1, int(rank * k))
    return np.partition(side, kth, axis=1)[:, kth].astype(np.float32)


def darkness(
    patches: np.ndarray, *, black: float, ring: tuple[int, int], min_contrast: float = 60.0
) -> tuple[np.ndarray, np.ndarray]:
    """How much darker than their local paper the samples of each patch are.

    The paper level of a patch is measured on the four sides of a square ring
    around its centre (a high rank of the samples there, so print, strokes
    and noise do not count) and interpolated across the patch. For a box,
    the ring lies just outside its outline: the same background as the box
    (a shaded table row, a stain, a shadow), closer than any printed text.

    Args:
        patches: ``uint8`` ``(n, p, p)`` gray patches (see :func:`sample_patches`).
        black: the gray value of solid print on this page.
        ring: inner and outer distance of the ring from the patch centre, samples.
        min_contrast: the paper-to-black range is never taken smaller than
            this, so an empty patch on a dark stain does not amplify noise.

    Returns:
        ``(dark, span)``: ``dark`` is ``uint8`` ``(n, p, p)``, paper minus
        sample in gray levels (0 where the sample is paper or lighter);
        ``span`` is ``float32`` ``(n,)``, each patch's paper-to-black range.
        ``dark / span`` is the ink darkness: 0 = paper, 1 = solid print.
    """
    n, p, _ = patches.shape
    if n == 0:
        return patches.copy(), np.zeros(0, dtype=np.float32)
    mid = p // 2
    lo, hi = mid - ring[1], mid + ring[1] + 1
    a, b = mid - ring[0], mid + ring[0] + 1
    rank = 0.7
    top = _side_level(patches[:, lo:a, lo:hi].reshape(n, -1), rank)
    bottom = _side_level(patches[:, b:hi, lo:hi].reshape(n, -1), rank)
    left = _side_level(patches[:, lo:hi, lo:a].reshape(n, -1), rank)
    right = _side_level(patches[:, lo:hi, b:hi].reshape(n, -1), rank)
    # Interpolate between the strip centres, constant beyond them.
    centre = (ring[0] + ring[1]) / 2
    t = (
        np.clip((np.arange(p, dtype=np.float32) - (mid - centre)) / (2 * centre), 0.0, 1.0)[None, :]
        * 0.5
    )
    rows = 0.5 * top[:, None] + (bottom - top)[:, None] * t
    cols = 0.5 * left[:, None] + (right - left)[:, None] * t
    paper = (rows[:, :, None] + cols[:, None, :] + np.float32(0.5)).astype(np.uint8)
    dark = cv2.subtract(paper.reshape(n * p, p), patches.reshape(n * p, p)).reshape(n, p, p)
    level = 0.25 * (top + bottom + left + right)
    span = np.maximum(level - np.float32(black), np.float32(min_contrast)).astype(np.float32)
    return dark, span


def stroke_darkness(patches: np.ndarray, width: int, floor: int = 0) -> np.ndarray:
    """How much darker than their surroundings thin strokes are, per sample (``uint8``).

    The surroundings are a morphological closing: the page with every dark
    feature narrower than ``width`` samples removed. Pen strokes, outlines
    and text are narrow; shadows of folds, stains and shading are broad and
    so belong to the surroundings, not to the ink. A closing along rows
    removes vertical strokes, one along columns horizontal strokes; the
    lighter of the two removes both, and a diagonal stroke is narrow in both.
    Broad dark areas (a filled box) are *not* strokes: measure them against
    the ring level of :func:`darkness`.

    Args:
        patches: ``uint8`` ``(n, p, p)`` gray patches.
        width: the widest stroke, samples.
        floor: darkness (gray levels) that does not count: noise, faint
            stain rims and creases are lighter than any pen.

    Returns:
        ``uint8`` ``(n, p, p)``: surroundings minus sample minus ``floor``,
        gray levels, 0 at least.
    """
    n, p, _ = patches.shape
    if n == 0:
        return patches.copy()
    flat = patches.reshape(n * p, p)
    # The surroundings come from a lightly smoothed copy, so noise does not
    # raise them (a closing picks local maxima) and add a false floor of ink.
    smooth = cv2.blur(flat, (3, 3))
    along_rows = cv2.morphologyEx(smooth, cv2.MORPH_CLOSE, np.ones((1, width), np.uint8))
    transposed = np.ascontiguousarray(smooth.reshape(n, p, p).transpose(0, 2, 1)).reshape(n * p, p)
    along_cols = cv2.morphologyEx(transposed, cv2.MORPH_CLOSE, np.ones((1, width), np.uint8))
    along_cols = np.ascontiguousarray(along_cols.reshape(n, p, p).transpose(0, 2, 1)).reshape(
        n * p, p
    )
    surroundings = cv2.max(along_rows, along_cols)
    strokes = cv2.subtract(surroundings, flat)
    if floor > 0:
        strokes = cv2.subtract(strokes, floor)
    return strokes.reshape(n, p, p)


def crop_page_area(
    gray: np.ndarray,
    homography: np.ndarray,
    rect_page: tuple[float, float, float, float],
    *,
    dpi: float,
    margin_pt: float = 0.0,
    border: int = 255,
) -> np.ndarray:
    """An upright crop of a page area, resampled to ``dpi``.

    Args:
        gray: the page image, 2-D ``uint8``.
        homography: 3x3 page-to-image matrix.
        rect_page: ``(left, top, right, bottom)`` in page coordinates (points).
        dpi: resolution of the crop.
        margin_pt: extra page margin around the rectangle.
        border: gray value for parts of the area outside the image.

    Returns:
        A new 2-D ``uint8`` array, the area as printed (upright), whatever
        the orientation of the page in the image.
    """
    left, top, right, bottom = rect_page
    left, top, right, bottom = (
        left - margin_pt,
        top - margin_pt,
        right + margin_pt,
        bottom + margin_pt,
    )
    k = dpi / POINTS_PER_INCH
    width = max(1, round((right - left) * k))
    height = max(1, round((bottom - top) * k))
    # crop pixel -> page point -> image pixel
    crop_to_page = np.array([[1 / k, 0, left], [0, 1 / k, top], [0, 0, 1]], dtype=np.float64)
    m = np.asarray(homography, dtype=np.float64) @ crop_to_page
    return cv2.warpPerspective(
        gray,
        m,
        (width, height),
        flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=border,
    )
