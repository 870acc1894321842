"""Machine marks on every questionnaire page: registration marks and page QR codes.

The geometry is agreed with omr/ (see ``docs/formats.md``):

* Four ArUco markers (``DICT_4X4_50``, ids from :data:`survey.formmap.MARK_IDS`),
  8 mm square including the black border, their outer edges 8 mm from the
  page edges. omr/ looks for them in the 36 mm square of each corner, so
  nothing square-ish and dark (no QR code, no checkbox) is printed there.
* The page QR (payload from :func:`survey.codes.encode_page_code`) twice: top
  right, right edge at 172 mm and top 8 mm from the top; bottom left, left
  edge at 38 mm and bottom 8 mm from the bottom. Both 17 mm including a
  quiet zone of two modules. The same payload is printed as text in DejaVu
  Sans 8 pt under the top code and right of the bottom one, for OCR. (Measured
  on 80 random codes at 300 dpi, tesseract read DejaVu Sans exactly in 73% of
  cases and up to look-alike characters in 100%; DejaVu Sans Mono in 58% and
  96%.) The text rectangle in the form map covers the widest possible code.

Everything respondent-independent (the markers) is drawn once into the
page's static form; only :meth:`PageQr.draw` runs per respondent. The QR
version and mask are fixed per survey, so every page code has the same
module size and segno need not try all eight masks.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import segno

from layout import fonts
from survey import codes
from survey.formmap import ARUCO_DICTIONARY, MARK_IDS, Mark, QrArea, Rect
from survey.units import A4_HEIGHT_PT, A4_WIDTH_PT, mm

MARK_SIZE = mm(8)
MARK_INSET = mm(8)
MARK_WINDOW = mm(36)
MARK_CELLS = 6  # 4x4 bits plus a one-cell black border

QR_SIZE = mm(17)
QR_QUIET_MODULES = 2
QR_TOP_RIGHT_X1 = mm(172)
QR_BOTTOM_LEFT_X0 = mm(38)
QR_EDGE_INSET = mm(8)
QR_MASK = 0
CODE_FONT = fonts.REGULAR
CODE_FONT_SIZE = 8.0
CODE_GAP = mm(1.8)  # between a QR and its printed code


@functools.cache
def aruco_cells(aruco_id: int) -> tuple[tuple[bool, ...], ...]:
    """The marker as a 6x6 grid of cells, ``True`` = black, row 0 at the top."""
    import cv2  # imported lazily: only needed when a page is first laid out

    dictionary = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, ARUCO_DICTIONARY))
    image = dictionary.generateImageMarker(aruco_id, MARK_CELLS, borderBits=1)
    return tuple(tuple(bool(v < 128) for v in row) for row in image)


def mark_rects(
    page_width: float = A4_WIDTH_PT, page_height: float = A4_HEIGHT_PT
) -> dict[str, Rect]:
    """Corner -> the outer black square of its marker, PDF points."""
    lo, hi_x, hi_y = MARK_INSET, page_width - MARK_INSET, page_height - MARK_INSET
    return {
        "tl": Rect(lo, hi_y - MARK_SIZE, lo + MARK_SIZE, hi_y),
        "tr": Rect(hi_x - MARK_SIZE, hi_y - MARK_SIZE, hi_x, hi_y),
        "br": Rect(hi_x - MARK_SIZE, lo, hi_x, lo + MARK_SIZE),
        "bl": Rect(lo, lo, lo + MARK_SIZE, lo + MARK_SIZE),
    }


def marks(page_width: float = A4_WIDTH_PT, page_height: float = A4_HEIGHT_PT) -> tuple[Mark, ...]:
    """The four registration marks of a page, for the form map."""
    rects = mark_rects(page_width, page_height)
    return tuple(
        Mark(corner, MARK_IDS[corner], rects[corner]) for corner in ("tl", "tr", "br", "bl")
    )


def mark_windows(
    page_width: float = A4_WIDTH_PT, page_height: float = A4_HEIGHT_PT
) -> tuple[Rect, ...]:
    """The four corner squares omr/ searches for marks; no box or QR may enter them."""
    w, W, H = MARK_WINDOW, page_width, page_height
    return (Rect(0, H - w, w, H), Rect(W - w, H - w, W, H), Rect(W - w, 0, W, w), Rect(0, 0, w, w))


def draw_marks(
    canvas: Any, page_width: float = A4_WIDTH_PT, page_height: float = A4_HEIGHT_PT
) -> None:
    """Draw the four ArUco markers (static page content)."""
    cell = MARK_SIZE / MARK_CELLS
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for mark in marks(page_width, page_height):
        for r, row in enumerate(aruco_cells(mark.aruco_id)):
            y = mark.rect.y1 - (r + 1) * cell
            for c, black in enumerate(row):
                if black:
                    path.rect(mark.rect.x0 + c * cell, y, cell, cell)
    canvas.drawPath(path, stroke=0, fill=1)


class PageQr:
    """The page QR codes and printed codes of one survey (fixed version, fixed mask).

    Args:
        survey: the survey code as printed in page codes.
        page_width: page width in points.
        page_height: page height in points.
    """

    def __init__(
        self, survey: str, page_width: float = A4_WIDTH_PT, page_height: float = A4_HEIGHT_PT
    ) -> None:
        self.survey = survey
        longest = codes.encode_page_code(b"\0" * codes.KEY_BYTES, survey, None, 99)
        self.version = int(segno.make_qr(longest, error="m", boost_error=False).version)
        self.modules = 17 + 4 * self.version
        self.module = QR_SIZE / (self.modules + 2 * QR_QUIET_MODULES)
        top = page_height - QR_EDGE_INSET
        self.top_rect = Rect(QR_TOP_RIGHT_X1 - QR_SIZE, top - QR_SIZE, QR_TOP_RIGHT_X1, top)
        self.bottom_rect = Rect(
            QR_BOTTOM_LEFT_X0, QR_EDGE_INSET, QR_BOTTOM_LEFT_X0 + QR_SIZE, QR_EDGE_INSET + QR_SIZE
        )
        fonts.register_fonts()
        width = _widest_code_width(survey)
        rise = fonts.ascent(CODE_FONT, CODE_FONT_SIZE)
        fall = fonts.descent(CODE_FONT, CODE_FONT_SIZE)
        # Top code: right-aligned under the top QR.
        self.top_baseline = self.top_rect.y0 - CODE_GAP - rise
        self.top_text_rect = Rect(
            QR_TOP_RIGHT_X1 - width,
            self.top_baseline - fall,
            QR_TOP_RIGHT_X1,
            self.top_baseline + rise,
        )
        # Bottom code: left-aligned right of the bottom QR, near its bottom edge.
        self.bottom_x = self.bottom_rect.x1 + CODE_GAP
        self.bottom_baseline = self.bottom_rect.y0 + QR_QUIET_MODULES * self.module + fall
        self.bottom_text_rect = Rect(
            self.bottom_x,
            self.bottom_baseline - fall,
            self.bottom_x + width,
            self.bottom_baseline + rise,
        )

    def areas(self) -> tuple[QrArea, ...]:
        """The two QR areas of a page, for the form map."""
        return (
            QrArea("tr", self.top_rect, self.top_text_rect),
            QrArea("bl", self.bottom_rect, self.bottom_text_rect),
        )

    def matrix(self, payload: str) -> tuple[bytearray, ...]:
        """The QR modules of ``payload`` (rows top to bottom, 1 = dark), fixed version and mask."""
        qr = segno.make_qr(
            payload, error="m", version=self.version, mask=QR_MASK, boost_error=False
        )
        return tuple(qr.matrix)

    def draw(self, canvas: Any, payload: str) -> None:
        """Draw both QR codes of ``payload`` and its printed text (per respondent and page)."""
        runs = qr_runs_operator(self.matrix(payload))
        q = self.module
        for rect in (self.top_rect, self.bottom_rect):
            x = rect.x0 + QR_QUIET_MODULES * q
            y = rect.y0 + QR_QUIET_MODULES * q
            canvas.addLiteral(f"q 0 g {q:.5f} 0 0 {q:.5f} {x:.4f} {y:.4f} cm\n{runs}\nf Q")
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(CODE_FONT, CODE_FONT_SIZE)
        canvas.drawRightString(QR_TOP_RIGHT_X1, self.top_baseline, payload)
        canvas.drawString(self.bottom_x, self.bottom_baseline, payload)


def _widest_code_width(survey: str) -> float:
    """Width of the widest page code of ``survey`` in the code font (any pseudonym, page, MAC)."""
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    wide = max(alphabet, key=lambda c: fonts.string_width(c, CODE_FONT, CODE_FONT_SIZE))
    digit = max("0123456789", key=lambda c: fonts.string_width(c, CODE_FONT, CODE_FONT_SIZE))
    sample = f"{codes.PREFIX}:{survey}:{wide * len(codes.TEMPLATE_PSEUDONYM)}:{digit * 2}:{wide * codes.MAC_LENGTH}"
    return fonts.string_width(sample, CODE_FONT, CODE_FONT_SIZE)


def qr_runs_operator(matrix: Sequence[bytearray]) -> str:
    """PDF ``re`` operators for the dark runs of ``matrix``, in module units, origin bottom-left.

    One rectangle per horizontal run of dark modules instead of one per module:
    a third of the operators, and no per-module Python drawing calls.
    """
    n = len(matrix)
    parts: list[str] = []
    for r, row in enumerate(matrix):
        y = n - 1 - r
        c = 0
        width = len(row)
        while c < width:
            if row[c]:
                start = c
                while c < width and row[c]:
                    c += 1
                parts.append(f"{start} {y} {c - start} 1 re")
            else:
                c += 1
    return "\n".join(parts)
