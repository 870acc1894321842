"""OCR of the printed page code: the last fallback when both QR codes fail.

The OCR engine sits behind the :class:`TextOcr` protocol so omr/ itself stays
pure; ingest/ passes a :class:`TesseractOcr` (the one omr/ helper that spawns
a process), tests may pass any callable. OCR misreads look-alike characters,
so :func:`code_candidates` proposes field-wise repairs (``O``/``0``,
``I``/``1``, ``B``/``8`` ...); each candidate must still verify its HMAC, so
a repair can never turn a foreign code into a valid one by chance (40-bit MAC).
"""

from __future__ import annotations

import re
from typing import Protocol

import cv2
import numpy as np

from omr.sampling import crop_page_area
from survey.units import mm

# Characters of the page code as printed (see survey.codes).
_WHITELIST = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-"
# Fields: PS1 : SURVEY : PSEUDONYM : PAGE : MAC
_TO_DIGIT = str.maketrans(
    {"O": "0", "Q": "0", "D": "0", "I": "1", "L": "1", "Z": "2", "S": "5", "B": "8", "G": "6"}
)
_TO_BASE32 = str.maketrans({"0": "O", "1": "I", "8": "B", "9": "G"})  # MAC alphabet A-Z 2-7
_TO_CROCKFORD = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_SHAPE = str.maketrans(
    {"0": "O", "Q": "O", "D": "O", "1": "I", "L": "I", "8": "B", "5": "S", "2": "Z", "6": "G"}
)


class TextOcr(Protocol):
    """An OCR engine: a crop of printed text in, the text out (``""`` when nothing is read)."""

    def __call__(self, image: np.ndarray) -> str: ...


class TesseractOcr:
    """OCR with tesseract (through pytesseract), one line of text per crop.

    Args:
        whitelist: characters tesseract may return.
        timeout: seconds before the tesseract process is abandoned.
    """

    def __init__(self, whitelist: str = _WHITELIST, timeout: float = 10.0) -> None:
        self.whitelist = whitelist
        self.timeout = timeout

    def __call__(self, image: np.ndarray) -> str:
        import pytesseract  # lazy: only the fallback path needs it

        config = f"--psm 7 -c tessedit_char_whitelist={self.whitelist}"
        try:
            return str(
                pytesseract.image_to_string(image, config=config, timeout=self.timeout)
            ).strip()
        except (RuntimeError, pytesseract.TesseractError, OSError):
            return ""


def crop_code_text(
    gray: np.ndarray,
    homography: np.ndarray,
    rect_page: tuple[float, float, float, float],
    *,
    dpi: float = 300.0,
    margin_mm: float = 2.0,
) -> np.ndarray:
    """An upright, binarised crop of the printed code, padded with white for OCR."""
    crop = crop_page_area(gray, homography, rect_page, dpi=dpi, margin_pt=mm(margin_mm))
    crop = cv2.GaussianBlur(crop, (3, 3), 0)
    _, binary = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    pad = max(4, int(dpi / 25))
    return cv2.copyMakeBorder(binary, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def _shape(text: str) -> str:
    """Text with look-alike characters folded together (for comparing OCR readings)."""
    return text.translate(_SHAPE)


def _variants(field: str, alphabet: str, length: int) -> list[str]:
    """The field itself, else every one-character repair that gives ``length`` characters."""
    if len(field) == length:
        subs = [
            field[:i] + c + field[i + 1 :] for i in range(length) for c in alphabet if c != field[i]
        ]
        return [field, *subs]
    if len(field) == length + 1:
        return [field[:i] + field[i + 1 :] for i in range(len(field))]
    if len(field) == length - 1:
        return [field[:i] + c + field[i:] for i in range(length) for c in alphabet]
    return [field]


def code_candidates(text: str, survey: str, limit: int = 1200) -> list[str]:
    """Plausible page codes from an OCR reading, most literal first.

    The reading is split on ``:`` into the five fields; each field gets the
    look-alike repairs its alphabet allows, and a survey field that looks
    like ``survey`` is read as ``survey``. Then one misread, dropped or extra
    character in the pseudonym, or one misread character in the MAC, is
    tried. Every candidate must still pass the 40-bit HMAC check, so the
    chance that any of ``limit`` candidates verifies by accident is below
    ``limit / 2**40`` (about 1e-9).

    Args:
        text: the OCR reading.
        survey: the expected survey code.
        limit: at most this many candidates.
    """
    t = re.sub(r"[^A-Z0-9:\-]", "", text.upper())
    out = [t]
    parts = t.split(":")
    if len(parts) == 5:
        _, found_survey, who, page, mac = parts
        if _shape(found_survey) == _shape(survey):
            found_survey = survey
        who = who.translate(_TO_CROCKFORD)
        page = page.translate(_TO_DIGIT)
        mac = mac.translate(_TO_BASE32)
        out.append(":".join(["PS1", found_survey, who, page, mac]))
        for w in _variants(who, _CROCKFORD, 9)[1:]:
            out.append(":".join(["PS1", found_survey, w, page, mac]))
        for m in _variants(mac, _BASE32, 8)[1:]:
            out.append(":".join(["PS1", found_survey, who, page, m]))
    seen: dict[str, None] = {}
    for c in out:
        if c:
            seen.setdefault(c, None)
    return list(seen)[:limit]
