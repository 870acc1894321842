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
from survey import codes
from survey import pseudonym as pseudonyms
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
    binarize: bool = False,
) -> np.ndarray:
    """An upright crop of the printed code, padded with white for OCR.

    Args:
        gray: the page image, 2-D ``uint8``.
        homography: 3x3 page-to-image matrix.
        rect_page: the printed code's rectangle, page coordinates.
        dpi: resolution of the crop.
        margin_mm: margin around the rectangle.
        binarize: threshold the crop (Otsu), which helps on noisy scans.
    """
    crop = crop_page_area(gray, homography, rect_page, dpi=dpi, margin_pt=mm(margin_mm))
    if binarize:
        _, crop = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    pad = max(4, int(dpi / 25))
    return cv2.copyMakeBorder(crop, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=255)


def _shape(text: str) -> str:
    """Text with look-alike characters folded together (for comparing OCR readings)."""
    return text.translate(_SHAPE)


# Characters OCR confuses with each other, in the printed monospace font.
_CONFUSABLE = ("0DOQ", "5S", "8B", "1IL", "2Z", "6G", "UV", "MN")


def _look_alikes(ch: str, alphabet: str) -> str:
    for group in _CONFUSABLE:
        if ch in group:
            return ch + "".join(c for c in group if c != ch and c in alphabet)
    return ch


def _variants(field: str, alphabet: str, length: int, limit: int) -> tuple[list[str], list[str]]:
    """Readings of one field: ``(look-alike combinations, single-character repairs)``."""
    if len(field) == length:
        combos = [""]
        for options in (_look_alikes(c, alphabet) for c in field):
            combos = [c + o for c in combos for o in options][:limit]
        repairs = [
            field[:i] + c + field[i + 1 :] for i in range(length) for c in alphabet if c != field[i]
        ]
        return combos, repairs
    if len(field) == length + 1:
        return [], [field[:i] + field[i + 1 :] for i in range(len(field))]
    if len(field) == length - 1:
        return [], [field[:i] + c + field[i:] for i in range(length) for c in alphabet]
    return [field], []


def code_candidates(text: str, survey: str, limit: int = 4000) -> list[str]:
    """Plausible page codes from an OCR reading, most literal first.

    The reading is split on ``:`` into the five fields. A survey field that
    looks like ``survey`` is read as ``survey``; the page is read as digits.
    The pseudonym and the MAC get every combination of look-alike characters
    their alphabets allow (``0``/``D``, ``5``/``S`` ...), then every single
    misread, dropped or extra character; pseudonyms must have a valid check
    character. Every candidate must still pass the 40-bit HMAC check, so the
    chance that any of ``limit`` candidates verifies by accident is below
    ``limit / 2**40`` (about 4e-9).

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
        page = page.translate(_TO_DIGIT)
        # The pseudonym's check character weeds out most of its readings.
        look, fixed = _variants(who.translate(_TO_CROCKFORD), _CROCKFORD, 9, 512)
        people = [w for w in look if pseudonyms.is_valid(w)]
        repaired = [w for w in fixed if pseudonyms.is_valid(w) and w not in people]
        if _shape(who) == _shape(codes.TEMPLATE_PSEUDONYM):
            people.insert(0, codes.TEMPLATE_PSEUDONYM)
        macs, mac_repairs = _variants(mac.translate(_TO_BASE32), _BASE32, 8, 256)
        literal_mac = macs[:1] or [mac]

        def codes_for(whos: list[str], macs_: list[str]) -> list[str]:
            return [":".join(["PS1", found_survey, w, page, m]) for w in whos for m in macs_]

        # Most likely first: look-alikes only, then one real misread in one field.
        out += codes_for(people, macs)
        out += codes_for(people, mac_repairs)
        out += codes_for(repaired, macs or literal_mac)
    seen: dict[str, None] = {}
    for c in out:
        if c:
            seen.setdefault(c, None)
    return list(seen)[:limit]
