"""The scanner: where it puts the page, how it blurs, adds noise, thresholds and compresses.

:func:`scan` turns a marked, paper-damaged upright page into the image the
OMR gets, and returns the 3x3 transform from upright page pixels to scan
pixels with it. :func:`scan_geometry` gives that transform and the scan's
shape without rendering, and :func:`rects_on_image` / :func:`visible_features`
say which rectangles of the form map (registration marks, QR codes) end up
entirely on the image: the hard damage profile's tight scan area cuts marks
off (see :mod:`.damage`).

:func:`scan_with_ink` also scans the same sheet without the pen (the same
paper damage and noise) and :func:`ink_in_rects` compares the two: where the
pen's ink survived blur, noise and a 1-bit threshold.

Coordinates: upright page pixels at the scan's dpi, OpenCV ``(x, y)``, and
scan pixels with pixel centres at integer coordinates.
"""

from __future__ import annotations

import cv2
import numpy as np

from papersurvey.simulate.damage import Damage, mm_to_px
from survey.units import rect_corners


def scan_transform(shape: tuple[int, int], damage: Damage) -> np.ndarray:
    """The 3x3 transform from upright page pixels to scan pixels (before quarter turns)."""
    h, w = shape
    margin = mm_to_px(damage.dpi, damage.overscan_mm)
    c = np.array([[1, 0, -w / 2], [0, 1, -h / 2], [0, 0, 1]], dtype=np.float64)
    a = np.radians(
        -damage.rotation_deg
    )  # image y is down: negative angle = counter-clockwise on screen
    r = np.array([[np.cos(a), -np.sin(a), 0], [np.sin(a), np.cos(a), 0], [0, 0, 1]])
    s = np.diag([damage.scale, damage.scale, 1.0])
    k = damage.perspective
    p = np.array([[1, 0, 0], [0, 1, 0], [k / w, k / h * 0.5, 1]])
    dx, dy = (mm_to_px(damage.dpi, v) for v in damage.shift_mm)
    back = np.array([[1, 0, w / 2 + dx + margin], [0, 1, h / 2 + dy + margin], [0, 0, 1]])
    m = back @ p @ r @ s @ c
    return m / m[2, 2]


def _scan_size(shape: tuple[int, ...], damage: Damage) -> tuple[int, int]:
    """``(rows, cols)`` of the scan area before quarter turns: the page plus the overscan."""
    margin = round(mm_to_px(damage.dpi, damage.overscan_mm))
    return int(shape[0]) + 2 * margin, int(shape[1]) + 2 * margin


def scan_geometry(shape: tuple[int, ...], damage: Damage) -> tuple[np.ndarray, tuple[int, int]]:
    """Where a scan puts the page, without rendering it.

    Args:
        shape: ``(rows, cols)`` of the upright page at ``damage.dpi``.
        damage: the damage.

    Returns:
        ``(transform, shape)``: the 3x3 transform from upright page pixels to
        scan pixels, quarter turns included (what :func:`scan` returns), and
        the ``(rows, cols)`` of the scanned image.
    """
    m = scan_transform((int(shape[0]), int(shape[1])), damage)
    h, w = _scan_size(shape, damage)
    if not damage.quarter:
        return m, (h, w)
    turn = np.eye(3)
    for i in range(damage.quarter):
        width = w if i % 2 == 0 else h
        turn = np.array([[0, 1, 0], [-1, 0, width - 1], [0, 0, 1]]) @ turn
    return turn @ m, (w, h) if damage.quarter % 2 else (h, w)


def _corners_in_scan(rects: np.ndarray, transform: np.ndarray) -> np.ndarray:
    """``(n, 4, 2)`` scan ``(x, y)`` of the corners of upright page rectangles."""
    corners = rect_corners(np.asarray(rects, dtype=np.float64).reshape(-1, 4))
    xyw = (
        np.concatenate([corners, np.ones((*corners.shape[:2], 1))], axis=2)
        @ np.asarray(transform, dtype=np.float64).reshape(3, 3).T
    )
    return np.asarray(xyw[..., :2] / xyw[..., 2:])


def rects_on_image(rects: np.ndarray, transform: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Which rectangles of the upright page lie entirely inside the scanned image.

    Args:
        rects: ``(n, 4)`` rectangles ``(left, top, right, bottom)`` in upright
            page pixels (the page as rendered at the scan's dpi).
        transform: the 3x3 transform from upright page pixels to scan pixels,
            as :func:`scan` returns it (quarter turns included).
        shape: ``(rows, cols)`` of the scanned image.

    Returns:
        ``(n,)`` bool: all four corners of the rectangle land on the image
        (pixel centres at integer coordinates, as in OpenCV).
    """
    corners = rect_corners(np.asarray(rects, dtype=np.float64).reshape(-1, 4))
    xyw = (
        np.concatenate([corners, np.ones((*corners.shape[:2], 1))], axis=2)
        @ np.asarray(transform, dtype=np.float64).reshape(3, 3).T
    )
    xy = xyw[..., :2] / xyw[..., 2:]
    rows, cols = shape
    inside = (
        (xy[..., 0] >= -0.5)
        & (xy[..., 0] <= cols - 0.5)
        & (xy[..., 1] >= -0.5)
        & (xy[..., 1] <= rows - 0.5)
    )
    return np.asarray(inside.all(axis=1))


def _noise(shape: tuple[int, int], damage: Damage, rng: np.random.Generator) -> np.ndarray | None:
    """The scanner's noise field (``int16``), or ``None`` for none."""
    if damage.noise <= 0:
        return None
    noise = np.empty(shape, dtype=np.int16)
    # OpenCV's generator is fast but global: seed it from ours, so a seed still decides all.
    cv2.setRNGSeed(int(rng.integers(2**31)))
    cv2.randn(noise, np.zeros(1), np.full(1, damage.noise))
    return noise


def _expose(image: np.ndarray, damage: Damage, noise: np.ndarray | None) -> np.ndarray:
    """Geometry and optics: the scanner's ``uint8`` signal before quarter turns and the file."""
    h, w = _scan_size(image.shape, damage)
    out = cv2.warpPerspective(
        image,
        scan_transform((int(image.shape[0]), int(image.shape[1])), damage),
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=damage.background,
    )
    sigma = damage.blur_px * damage.dpi / 300
    if sigma > 0.2:
        out = cv2.GaussianBlur(out, (0, 0), sigma)
    if noise is not None:
        out = cv2.add(out.astype(np.int16), noise, dtype=cv2.CV_16S).clip(0, 255).astype(np.uint8)
    return out


def _to_file(signal: np.ndarray, damage: Damage) -> np.ndarray:
    """Quarter turns and the file format: the image as the OMR gets it."""
    out = np.ascontiguousarray(np.rot90(signal, damage.quarter)) if damage.quarter else signal
    if damage.binary_threshold:
        return out >= damage.binary_threshold
    if damage.jpeg_quality:
        ok, buf = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, damage.jpeg_quality])
        decoded = cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE) if ok else None
        if decoded is not None:
            out = decoded
    return out


def scan(
    image: np.ndarray, damage: Damage, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Scan a (marked, paper-damaged) upright page: geometry, optics, file format.

    Args:
        image: the page, ``uint8`` gray, upright, at ``damage.dpi``.
        damage: the damage profile.
        rng: the random generator.

    Returns:
        ``(scan, transform)``: the scanned image as the OMR gets it (``uint8``
        gray, or ``bool`` for a 1-bit scan) and the 3x3 transform from upright
        page pixels to scan pixels.
    """
    noise = _noise(_scan_size(image.shape, damage), damage, rng)
    out = _to_file(_expose(image, damage, noise), damage)
    return out, scan_geometry(image.shape, damage)[0]


def scan_with_ink(
    image: np.ndarray,
    blank: np.ndarray,
    rects: np.ndarray,
    damage: Damage,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`scan`, and which rectangles keep the pen's ink through the scanner.

    The page without the pen goes through the same scanner (the same noise
    field); :func:`ink_in_rects` compares the two signals before the file
    format (after the threshold of a 1-bit scan). Draws from ``rng`` exactly
    as :func:`scan` does.

    Args:
        image: the marked, paper-damaged page, ``uint8`` gray, upright, at ``damage.dpi``.
        blank: the same page without the pen, with the same paper damage.
        rects: ``(n, 4)`` rectangles in upright page pixels (the boxes).
        damage: the damage profile.
        rng: the random generator.

    Returns:
        ``(scan, transform, ink)``: as :func:`scan`, and ``(n,)`` bool per rectangle.
    """
    noise = _noise(_scan_size(image.shape, damage), damage, rng)
    signal = _expose(image, damage, noise)
    out = _to_file(signal, damage)
    reference = _expose(blank, damage, noise)
    if damage.binary_threshold:
        signal, reference = signal >= damage.binary_threshold, reference >= damage.binary_threshold
    before_turns = scan_transform((int(image.shape[0]), int(image.shape[1])), damage)
    ink = ink_in_rects(signal, reference, rects, before_turns, dpi=damage.dpi)
    return out, scan_geometry(image.shape, damage)[0], ink


def visible_features(
    marks: dict[str, tuple[float, ...]],
    qrs: list[tuple[float, ...]],
    damage: Damage,
    transform: np.ndarray,
    shape: tuple[int, ...],
) -> tuple[int, bool]:
    """What of the page's codes and marks a scan keeps: ``(marks_on_image, qr_readable)``.

    ``marks_on_image`` counts the registration marks entirely within the
    image (a mark on a torn-off corner is lost); ``qr_readable`` says whether
    at least one QR symbol lies entirely within the image with no label over it.

    Args:
        marks: corner -> registration mark rectangle, upright page pixels.
        qrs: QR symbol rectangles, upright page pixels, in form-map order
            (a label covers the first ``damage.qr_covered`` of them).
        damage: the sheet's damage.
        transform: upright page pixels -> scan pixels.
        shape: the scanned image's shape.
    """
    rows_cols = (int(shape[0]), int(shape[1]))
    kept = [r for corner, r in marks.items() if corner != damage.torn_corner]
    uncovered = qrs[damage.qr_covered :]
    marks_on = int(rects_on_image(np.array(kept), transform, rows_cols).sum()) if kept else 0
    qr_on = bool(uncovered) and bool(
        rects_on_image(np.array(uncovered), transform, rows_cols).any()
    )
    return marks_on, qr_on


def ink_in_rects(
    marked: np.ndarray,
    unmarked: np.ndarray,
    rects: np.ndarray,
    transform: np.ndarray,
    *,
    dpi: float,
    margin_mm: float = 0.5,
    print_mm: float = 0.3,
    min_area_mm2: float = 0.1,
    min_darkening: int = 24,
) -> np.ndarray:
    """Which rectangles of the page show pen ink in the scan.

    Ink counts where the pen made a pixel darker (gray) or black (1-bit)
    away from the print: a stroke that only thickens a printed box line,
    as a faint stroke over it does after blur and thresholding, is no mark a
    reader could see.

    Args:
        marked: the scan of the sheet (``uint8`` gray or ``bool`` 1-bit).
        unmarked: the scan of the same page without the pen, with the same
            paper damage and noise (same shape and dtype as ``marked``).
        rects: ``(n, 4)`` rectangles ``(left, top, right, bottom)`` in upright
            page pixels (the boxes).
        transform: upright page pixels -> scan pixels (from :func:`scan`).
        dpi: the scan's resolution.
        margin_mm: the rectangles grow by this much on every side (a tick
            beside its box still counts when it is this close).
        print_mm: pixels this close to the print (dark in ``unmarked``) do not count.
        min_area_mm2: less ink than this is no ink (a speck, a broken stroke's crumbs).
        min_darkening: gray levels the pen must darken a gray pixel by.

    Returns:
        ``(n,)`` bool: at least ``min_area_mm2`` of ink in the bounding box
        of the grown rectangle.
    """
    reach = max(1, round(mm_to_px(dpi, print_mm)))
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (2 * reach + 1,) * 2)
    pad = mm_to_px(dpi, margin_mm)
    grown = np.asarray(rects, dtype=np.float64).reshape(-1, 4) + np.array([-pad, -pad, pad, pad])
    xy = _corners_in_scan(grown, transform)
    rows, cols = marked.shape
    # Each rectangle's bounding box in the scan (ink counts there), plus ``reach`` around
    # it to see the print.
    gx0 = np.clip(np.floor(xy[..., 0].min(axis=1)), 0, cols).astype(np.int64)
    gx1 = np.clip(np.ceil(xy[..., 0].max(axis=1)) + 1, 0, cols).astype(np.int64)
    gy0 = np.clip(np.floor(xy[..., 1].min(axis=1)), 0, rows).astype(np.int64)
    gy1 = np.clip(np.ceil(xy[..., 1].max(axis=1)) + 1, 0, rows).astype(np.int64)
    counts = np.zeros(len(grown), dtype=np.int64)
    for i in range(len(grown)):
        if gy1[i] <= gy0[i] or gx1[i] <= gx0[i]:
            continue
        top, left = max(0, gy0[i] - reach), max(0, gx0[i] - reach)
        bottom, right = min(rows, gy1[i] + reach), min(cols, gx1[i] + reach)
        m, u = marked[top:bottom, left:right], unmarked[top:bottom, left:right]
        if m.dtype == np.bool_:
            ink, printed = u & ~m, ~u
        else:
            ink = u.astype(np.int16) - m.astype(np.int16) >= min_darkening
            printed = u < 160
        ink &= cv2.dilate(printed.astype(np.uint8), kernel) == 0
        counts[i] = np.count_nonzero(
            ink[gy0[i] - top : gy1[i] - top, gx0[i] - left : gx1[i] - left]
        )
    min_pixels = min_area_mm2 * (dpi / 25.4) ** 2
    return np.asarray(counts >= min_pixels)
