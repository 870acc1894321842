"""Page image basics: one gray layout for every input, paper and ink levels, blank pages.

Scanners deliver 8-bit gray, colour or 1-bit images. Every later stage works on
a 2-D ``uint8`` array where 255 is white, so this module is the only place that
knows about the other forms.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

# Sample every n-th pixel for page statistics: plenty of pixels, microseconds.
_STAT_STEP_PER_DPI = 12 / 300


@dataclass(frozen=True)
class Levels:
    """Gray levels of a page.

    Attributes:
        paper: the typical paper value (a high percentile of the page).
        black: the value of solid print (a low percentile of the inked pixels).
        dark_share: share of pixels clearly darker than the paper.
        bilevel: the page holds two gray values only: a 1-bit (black and
            white) scan, whose threshold may have dropped light pen strokes.
    """

    paper: float
    black: float
    dark_share: float
    bilevel: bool = False

    @property
    def contrast(self) -> float:
        return self.paper - self.black


def to_gray(image: np.ndarray) -> np.ndarray:
    """The page as a 2-D ``uint8`` gray image, 255 = white.

    Args:
        image: ``uint8`` gray ``(h, w)``, colour ``(h, w, 3)`` in OpenCV's BGR
            order (or ``(h, w, 4)`` BGRA), or a 1-bit image as ``bool`` or as
            an integer array holding only 0 and 1.

    Returns:
        The input itself when it is already ``uint8`` gray (never modified),
        else a new array.

    Raises:
        ValueError: for shapes or dtypes that are not a page image.
    """
    a = np.asarray(image)
    if a.ndim == 3:
        if a.shape[2] == 1:
            a = a[:, :, 0]
        elif a.shape[2] in (3, 4):
            if a.dtype != np.uint8:
                raise ValueError(f"colour images must be uint8, got {a.dtype}")
            code = cv2.COLOR_BGR2GRAY if a.shape[2] == 3 else cv2.COLOR_BGRA2GRAY
            return cv2.cvtColor(a, code)
        else:
            raise ValueError(f"unsupported channel count {a.shape[2]}")
    if a.ndim != 2 or min(a.shape) < 16:
        raise ValueError(f"not a page image: shape {a.shape}")
    if a.dtype == np.bool_:
        return a.astype(np.uint8) * np.uint8(255)
    if a.dtype == np.uint8:
        # A 0/1 image shows it in any sample; only then look at every pixel.
        if int(a[::16, ::16].max(initial=0)) <= 1 and int(a.max(initial=0)) <= 1:
            return a * np.uint8(255)
        return a
    if np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating):
        top = float(a.max(initial=0))
        if top <= 1.0:
            return (np.clip(a, 0, 1) * 255).astype(np.uint8)
        if top <= 255:
            return a.astype(np.uint8)
        return (a / (top / 255.0)).astype(np.uint8)
    raise ValueError(f"unsupported dtype {a.dtype}")


def dpi_guess(shape: tuple[int, ...], page_width_pt: float, page_height_pt: float) -> float:
    """The resolution the image would have if it showed exactly the page.

    Only a starting point for the mark search; the registration measures the
    real resolution.
    """
    long_px, short_px = max(shape[:2]), min(shape[:2])
    long_in, short_in = (
        max(page_width_pt, page_height_pt) / 72,
        min(page_width_pt, page_height_pt) / 72,
    )
    return float(np.sqrt((long_px / long_in) * (short_px / short_in)))


def page_levels(gray: np.ndarray, dpi: float) -> Levels:
    """Paper and ink levels from a sparse sample of the page.

    Args:
        gray: the page, ``uint8``, 255 = white.
        dpi: approximate resolution (sets the sampling step).
    """
    step = max(1, round(dpi * _STAT_STEP_PER_DPI))
    sample = gray[::step, ::step]
    hist = cv2.calcHist([np.ascontiguousarray(sample)], [0], None, [256], [0, 256]).ravel()
    cdf = np.cumsum(hist)
    total = cdf[-1]
    paper = float(np.searchsorted(cdf, 0.90 * total))
    # Dark pixels: well below the paper. The threshold sits halfway to black
    # on an ordinary scan and never closer than 60 levels to the paper, so
    # noise, JPEG artefacts and faint stains on a blank sheet do not count.
    dark_cut = max(0.0, paper - 60.0)
    dark = cdf[int(dark_cut)] if dark_cut >= 1 else 0.0
    dark_share = float(dark / total)
    black = float(np.searchsorted(cdf, 0.1 * dark)) if dark > 0 else 0.0
    return Levels(
        paper=paper,
        black=min(black, paper - 1.0),
        dark_share=dark_share,
        bilevel=int(np.count_nonzero(hist)) <= 2,
    )


def is_blank(levels: Levels, max_ink: float) -> bool:
    """Whether a page holds no print or writing worth reading."""
    return levels.dark_share < max_ink
