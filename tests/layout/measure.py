"""Measuring rendered pages: where is a box outline really, what do the codes say.

Used by the acceptance tests: render a page at 300 dpi and compare the pixels
with the form map, independently of how the layout computed it.
"""

from __future__ import annotations

import numpy as np

from survey.formmap import Rect
from survey.units import mm

THRESHOLD = 128.0


def to_pixels(r: Rect, page_height: float, dpi: float) -> tuple[float, float, float, float]:
    """A PDF rectangle as pixel boundaries ``(left, top, right, bottom)``."""
    s = dpi / 72.0
    return r.x0 * s, (page_height - r.y1) * s, r.x1 * s, (page_height - r.y0) * s


def _crossing(profile: np.ndarray, start: float) -> float | None:
    """Position (in pixel boundary units from ``start``) where ``profile`` first falls below
    the threshold, interpolated between pixel centres; ``None`` if it never does."""
    dark = np.nonzero(profile < THRESHOLD)[0]
    if len(dark) == 0:
        return None
    k = int(dark[0])
    if k == 0:
        return start + 0.5
    a, b = float(profile[k - 1]), float(profile[k])
    return start + (k - 1) + 0.5 + (a - THRESHOLD) / (a - b)


def outline_errors(gray: np.ndarray, r: Rect, page_height: float, dpi: float) -> np.ndarray:
    """How far (in mm) the drawn outer edge of each side lies from the map.

    Returns:
        ``[left, top, right, bottom]`` absolute errors in mm; ``inf`` where no
        dark edge was found within 1 mm of the expected position.
    """
    left, top, right, bottom = to_pixels(r, page_height, dpi)
    px_per_mm = dpi / 25.4
    reach = round(px_per_mm)
    rows = slice(int(top + 0.3 * (bottom - top)), int(bottom - 0.3 * (bottom - top)))
    cols = slice(int(left + 0.3 * (right - left)), int(right - 0.3 * (right - left)))
    out = np.full(4, np.inf)
    c0 = int(np.floor(left)) - reach
    prof = gray[rows, c0 : c0 + 2 * reach].mean(axis=0)
    x = _crossing(prof, c0)
    if x is not None:
        out[0] = abs(x - left) / px_per_mm
    c1 = int(np.ceil(right)) + reach
    prof = gray[rows, c1 - 2 * reach : c1].mean(axis=0)[::-1]
    x = _crossing(prof, 0.0)
    if x is not None:
        out[2] = abs((c1 - x) - right) / px_per_mm
    r0 = int(np.floor(top)) - reach
    prof = gray[r0 : r0 + 2 * reach, cols].mean(axis=1)
    y = _crossing(prof, r0)
    if y is not None:
        out[1] = abs(y - top) / px_per_mm
    r1 = int(np.ceil(bottom)) + reach
    prof = gray[r1 - 2 * reach : r1, cols].mean(axis=1)[::-1]
    y = _crossing(prof, 0.0)
    if y is not None:
        out[3] = abs((r1 - y) - bottom) / px_per_mm
    return out


def interior_mean(gray: np.ndarray, r: Rect, page_height: float, dpi: float) -> float:
    """Mean gray value inside a box, 0.6 mm in from its outer edge."""
    left, top, right, bottom = to_pixels(r, page_height, dpi)
    inset = mm(0.6) * dpi / 72.0
    return float(
        gray[int(top + inset) : int(bottom - inset), int(left + inset) : int(right - inset)].mean()
    )


def crop(
    gray: np.ndarray, r: Rect, page_height: float, dpi: float, pad_mm: float = 1.0
) -> np.ndarray:
    """The pixels of ``r`` plus ``pad_mm`` all round."""
    left, top, right, bottom = to_pixels(r, page_height, dpi)
    pad = pad_mm * dpi / 25.4
    return gray[
        max(int(top - pad), 0) : int(bottom + pad), max(int(left - pad), 0) : int(right + pad)
    ]
