"""Find the ArUco registration marks in the corners of a page image.

The layout keeps a 36 mm square in each page corner free for one marker, so
the search looks only at the four image corners (scaled down to about
100 dpi), which takes about a millisecond. Only when that finds too few marks
does it search the whole page once at the same low resolution, for pages
shifted far on the scanner glass or photographed with a wide border.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from omr.params import DEFAULT_PARAMS, OmrParams
from survey.units import MM_PER_INCH

_CORNER_WINDOWS = ((0, 0), (0, 1), (1, 1), (1, 0))  # (row side, col side): tl, tr, br, bl
_QUICK_WINDOW_MM = 36.0  # the corner square the layout keeps free for the mark


@dataclass(frozen=True)
class MarkDetections:
    """Markers found on a page.

    Attributes:
        ids: ArUco ids, ``int64`` array of shape ``(k,)``, each id at most once.
        corners: the markers' outer corners in image pixels, float64 array of
            shape ``(k, 4, 2)`` holding OpenCV ``(x, y)`` points in the marker's
            own order (top-left, top-right, bottom-right, bottom-left as printed).
        full_search: whether the whole-page fallback search was needed.
    """

    ids: np.ndarray
    corners: np.ndarray
    full_search: bool = False

    def __len__(self) -> int:
        return int(self.ids.shape[0])


def _detector(
    dictionary: str, thorough: bool, min_perimeter: float = 0.03
) -> cv2.aruco.ArucoDetector:
    """An ArUco detector tuned for markers of 20-40 px (8 mm at about 75 dpi).

    The quick one thresholds once with a window of about two cells; the
    thorough one tries three windows, for blurred, faint or noisy marks.
    ``min_perimeter`` (a share of the searched image's larger side) drops
    small candidates such as letters early: in a corner window a marker's
    perimeter is about half the window's side.
    """
    params = cv2.aruco.DetectorParameters()
    if thorough:
        params.adaptiveThreshWinSizeMin = 7
        params.adaptiveThreshWinSizeMax = 27
        params.adaptiveThreshWinSizeStep = 10
    else:
        params.adaptiveThreshWinSizeMin = 13
        params.adaptiveThreshWinSizeMax = 13
    params.minMarkerPerimeterRate = min_perimeter
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_NONE
    dictionary_obj = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, dictionary))
    return cv2.aruco.ArucoDetector(dictionary_obj, params)


def _detect(
    detector: cv2.aruco.ArucoDetector, region: np.ndarray, factor: int
) -> tuple[list[np.ndarray], np.ndarray]:
    """Detect markers in ``region`` reduced by the integer ``factor``; corners in region pixels."""
    if factor > 1:
        # An integer factor on a size that divides keeps INTER_AREA on its fast path.
        h, w = (region.shape[0] // factor) * factor, (region.shape[1] // factor) * factor
        small = cv2.resize(region[:h, :w], (w // factor, h // factor), interpolation=cv2.INTER_AREA)
    else:
        small = region
    scale = 1.0 / factor
    corners, ids, _ = detector.detectMarkers(small)
    if ids is None or len(ids) == 0:
        return [], np.zeros(0, dtype=np.int64)
    # Pixel centres: (x + 0.5) / scale - 0.5 maps small-image to region coordinates.
    out = [(c.reshape(4, 2).astype(np.float64) + 0.5) / scale - 0.5 for c in corners]
    return out, ids.ravel().astype(np.int64)


def _refine(gray: np.ndarray, corners: np.ndarray, window: int) -> np.ndarray:
    """Sub-pixel corner positions at full resolution."""
    pts = corners.reshape(-1, 1, 2).astype(np.float32)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_COUNT, 20, 0.05)
    try:
        cv2.cornerSubPix(gray, pts, (window, window), (-1, -1), criteria)
    except cv2.error:
        return corners
    refined = pts.reshape(corners.shape).astype(np.float64)
    # Keep the coarse corner where the refinement wandered off (blur, noise).
    moved = np.linalg.norm(refined - corners, axis=-1) > window
    refined[moved] = corners[moved]
    return refined


def _select(
    found: list[tuple[np.ndarray, int]], wanted: tuple[int, ...]
) -> tuple[np.ndarray, np.ndarray]:
    """One detection per wanted id: the largest, when an id was seen twice."""
    best: dict[int, np.ndarray] = {}
    for c, i in found:
        if i not in wanted:
            continue
        if i not in best or cv2.contourArea(c.astype(np.float32)) > cv2.contourArea(
            best[i].astype(np.float32)
        ):
            best[i] = c
    ids = np.array(sorted(best), dtype=np.int64)
    corners = np.array([best[i] for i in ids], dtype=np.float64).reshape(-1, 4, 2)
    return ids, corners


def _search_corners(
    gray: np.ndarray,
    detector: cv2.aruco.ArucoDetector,
    window_px: int,
    factor: int,
    corners_to_search: list[int],
) -> list[tuple[np.ndarray, int, int]]:
    """Detections ``(corners, id, window index)`` in the given image-corner windows."""
    h, w = gray.shape
    wh, ww = min(window_px, h // 2), min(window_px, w // 2)
    found: list[tuple[np.ndarray, int, int]] = []
    for k in corners_to_search:
        rs, cs = _CORNER_WINDOWS[k]
        r0 = h - wh if rs else 0
        c0 = w - ww if cs else 0
        corners, got = _detect(detector, gray[r0 : r0 + wh, c0 : c0 + ww], factor)
        offset = np.array([c0, r0], dtype=np.float64)
        found += [(c + offset, int(i), k) for c, i in zip(corners, got, strict=True)]
    return found


def find_marks(
    gray: np.ndarray,
    *,
    dpi: float,
    ids: tuple[int, ...] = (0, 1, 2, 3),
    dictionary: str = "DICT_4X4_50",
    params: OmrParams = DEFAULT_PARAMS,
) -> MarkDetections:
    """Find the registration marks of a page.

    Three passes, each only when the previous left marks missing: a quick
    search of the four corner windows the layout keeps free (36 mm); a
    thorough search of larger windows (``mark_window_mm``) in the corners
    still without a mark; and, when fewer than ``min_marks`` were found, a
    thorough search of the whole page at the same low resolution.

    Args:
        gray: the page, 2-D ``uint8``, 255 = white (see :func:`omr.image.to_gray`).
        dpi: approximate resolution of the image (from its size); only sets
            the window size and the scaling of the search.
        ids: the marker ids to accept (others are ignored).
        dictionary: the ``cv2.aruco`` predefined dictionary name.
        params: OMR settings (``mark_window_mm``, ``mark_search_dpi``, ``min_marks``).

    Returns:
        The markers found, at most one per id, with sub-pixel corners.
    """
    # At least mark_search_dpi: a 200-dpi scan reduced by 3 (67 dpi) leaves 3.5 px per marker cell.
    factor = max(1, int(dpi // params.mark_search_dpi))
    px_per_mm = dpi / MM_PER_INCH
    quick = _detector(dictionary, False, 0.3)
    found = _search_corners(gray, quick, int(_QUICK_WINDOW_MM * px_per_mm), factor, [0, 1, 2, 3])
    found = [f for f in found if f[1] in ids]
    full = False
    if len({f[1] for f in found}) < len(ids):
        thorough = _detector(dictionary, True, 0.2)
        missing = [k for k in range(4) if k not in {f[2] for f in found}]
        window = int(params.mark_window_mm * px_per_mm)
        found += [
            f for f in _search_corners(gray, thorough, window, factor, missing) if f[1] in ids
        ]
        if len({f[1] for f in found}) < params.min_marks:
            full = True
            corners, got = _detect(_detector(dictionary, True), gray, factor)
            found += [(c, int(i), -1) for c, i in zip(corners, got, strict=True) if int(i) in ids]
    sel_ids, sel_corners = _select([(c, i) for c, i, _ in found], ids)
    if len(sel_ids) and factor > 1:
        window = max(3, 2 * factor)
        sel_corners = _refine(gray, sel_corners, window)
    return MarkDetections(sel_ids, sel_corners, full)
