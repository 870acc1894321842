"""The page QR codes as registration anchors, for pages that lost registration marks.

A page scanned shifted, rotated or cropped by the scanner can lose one or two
of its corner marks over the image edge while both page QR codes (38 mm from
the corners) are still on it. zxing-cpp finds a QR code anywhere on a
reduced page in a millisecond or two and reports the four corners of the
symbol in the order they were printed, so each readable QR code is four more
point pairs whose page positions the form map knows: its area minus the
quiet zone, which follows from the symbol's version.

Only the geometry is taken from here. Which page and respondent a QR code
names is still decided by :mod:`omr.pagecode` on the registered page, with
its HMAC check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
import zxingcpp

from survey.formmap import QrArea
from survey.units import rect_corners, rects_to_page

_QR = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
_SEARCH_DPI = 150.0  # the page is reduced to about this before the search
_QUIET_MODULES = 2  # the layout's quiet zone around each page QR (layout.marks)


@dataclass(frozen=True)
class QrAnchor:
    """A QR code found on the page image.

    Attributes:
        text: the decoded text.
        corners: the symbol's corners in image pixels ``(4, 2)``, OpenCV
            ``(x, y)``, in printed order: top-left, top-right, bottom-right,
            bottom-left.
        version: the QR version (the symbol has ``17 + 4 * version`` modules a side).
    """

    text: str
    corners: np.ndarray
    version: int


def find_qr_anchors(gray: np.ndarray, *, dpi: float) -> tuple[QrAnchor, ...]:
    """The QR codes anywhere on a page image, with their corners.

    Args:
        gray: the page, 2-D ``uint8``, 255 = white.
        dpi: approximate resolution of the image (from its size).

    Returns:
        Every QR code zxing-cpp reads, at most four (a page has two).
    """
    factor = max(1, int(dpi // _SEARCH_DPI))
    if factor > 1:
        h, w = (gray.shape[0] // factor) * factor, (gray.shape[1] // factor) * factor
        small = cv2.resize(gray[:h, :w], (w // factor, h // factor), interpolation=cv2.INTER_AREA)
    else:
        small = gray
    found = zxingcpp.read_barcodes(small, formats=_QR)
    anchors = []
    for result in found[:4]:
        p = result.position
        points = [p.top_left, p.top_right, p.bottom_right, p.bottom_left]
        corners = (np.array([[q.x, q.y] for q in points], dtype=np.float64) + 0.5) * factor - 0.5
        extra: Any = result.extra
        try:
            version = int(extra.get("Version", 0))
        except (AttributeError, TypeError, ValueError):
            version = 0
        if version < 1:
            # The version from the symbol's size in modules is what matters; without it
            # the quiet zone is unknown and the corners cannot be placed on the page.
            continue
        anchors.append(QrAnchor(str(result.text), corners, version))
    return tuple(anchors)


def symbol_corners(area: QrArea, version: int, page_height: float) -> np.ndarray:
    """Page coordinates ``(4, 2)`` of the corners of the QR symbol printed in ``area``.

    The area is the symbol plus a quiet zone of :data:`_QUIET_MODULES`
    modules; corners in printed order (top-left, top-right, bottom-right,
    bottom-left), page coordinates (points, y down).
    """
    rect = rects_to_page(np.array([area.rect.as_tuple()]), page_height)[0]
    modules = 17 + 4 * version
    quiet = (rect[2] - rect[0]) * _QUIET_MODULES / (modules + 2 * _QUIET_MODULES)
    inner = rect + np.array([quiet, quiet, -quiet, -quiet])
    return rect_corners(inner[None, :])[0]
