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
    """Sample offsets from the patch centre along one axis, points, float64 ``(p,)``.

    ``p`` is even (the centre falls between two samples), so a patch halves
    exactly for the half-resolution work of :func:`stroke_darkness`.
    """
    p = 2 * int(np.ceil(half_pt / step_pt))
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


def paper_levels(patches: np.ndarray, ring: tuple[int, int]) -> np.ndarray:
    """The paper level on the four sides of a square ring around each patch's centre.

    For a box the ring lies just outside its outline: the same background as
    the box (a shaded table row, a stain, a shadow), closer than any printed
    text. Each side's level is a high rank of its samples, so print, strokes
    and noise do not count.

    Args:
        patches: ``uint8`` ``(n, p, p)`` gray patches (see :func:`sample_patches`).
        ring: inner and outer distance of the ring from the patch centre, samples.

    Returns:
        ``float32`` ``(n, 4)``: top, bottom, left and right levels.
    """
    n, p, _ = patches.shape
    d = np.arange(p) - (p - 1) / 2  # sample distance from the centre
    inside = np.flatnonzero(np.abs(d) <= ring[1])
    lo, hi = int(inside[0]), int(inside[-1]) + 1
    near = np.flatnonzero(np.abs(d) < ring[0])
    a, b = int(near[0]), int(near[-1]) + 1
    sides = np.concatenate(
        [
            patches[:, lo:a, lo:hi].reshape(n, -1),
            patches[:, b:hi, lo:hi].reshape(n, -1),
            patches[:, lo:hi, lo:a].transpose(0, 2, 1).reshape(n, -1),
            patches[:, lo:hi, b:hi].transpose(0, 2, 1).reshape(n, -1),
        ],
        axis=1,
    ).reshape(n, 4, -1)
    k = sides.shape[2]
    kth = min(k - 1, int(0.7 * k))
    return np.partition(sides, kth, axis=2)[:, :, kth].astype(np.float32)


def paper_plane(
    levels: np.ndarray, rows: np.ndarray, cols: np.ndarray, p: int, ring: tuple[int, int]
) -> np.ndarray:
    """Paper level at sample ``(rows, cols)`` of each patch, interpolated between the ring's sides.

    Args:
        levels: ``(n, 4)`` side levels from :func:`paper_levels`.
        rows: sample rows ``(n, k)`` per patch.
        cols: sample columns ``(n, k)`` per patch.
        p: patch size.
        ring: the ring the levels were measured on.

    Returns:
        ``float32`` ``(n, k, k)``.
    """
    centre = (ring[0] + ring[1]) / 2
    mid = (p - 1) / 2

    def share(x: np.ndarray) -> np.ndarray:
        return np.clip((x - mid + centre) / (2 * centre), 0.0, 1.0).astype(np.float32)

    top, bottom, left, right = (levels[:, i, None] for i in range(4))
    vertical = top + (bottom - top) * share(rows)
    horizontal = left + (right - left) * share(cols)
    return np.float32(0.5) * (vertical[:, :, None] + horizontal[:, None, :])


def stroke_darkness(patches: np.ndarray, width: int, floor: int = 0) -> np.ndarray:
    """How much darker than their surroundings thin strokes are, per sample (``uint8``).

    The surroundings are a morphological closing: the page with every dark
    feature narrower than ``width`` samples removed. Pen strokes, outlines
    and text are narrow; shadows of folds, stains and shading are broad and
    so belong to the surroundings, not to the ink. A closing along rows
    removes vertical strokes, one along columns horizontal strokes; the
    lighter of the two removes both, and a diagonal stroke is narrow in both.
    Broad dark areas (a filled box) are *not* strokes: measure them against
    the paper level of :func:`paper_levels`.

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
    # The surroundings are broad by definition, so they are found at half
    # resolution: a quarter of the work. The 2x2 averaging also keeps noise
    # from raising them (a closing picks local maxima) into a false floor of ink.
    h = p // 2
    small = cv2.resize(flat, (h, n * h), interpolation=cv2.INTER_AREA)
    kernel = np.ones((1, max(3, width // 2)), np.uint8)
    along_rows = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    transposed = np.ascontiguousarray(small.reshape(n, h, h).transpose(0, 2, 1)).reshape(n * h, h)
    along_cols = cv2.morphologyEx(transposed, cv2.MORPH_CLOSE, kernel)
    along_cols = np.ascontiguousarray(along_cols.reshape(n, h, h).transpose(0, 2, 1)).reshape(
        n * h, h
    )
    surroundings = cv2.resize(
        cv2.max(along_rows, along_cols), (p, n * p), interpolation=cv2.INTER_LINEAR
    )
    strokes = cv2.subtract(surroundings, flat)
    if floor > 0:
        strokes = cv2.subtract(strokes, np.full_like(strokes, min(floor, 255)))
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
