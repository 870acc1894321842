"""PostNL KIX codes (KlantIndeX): the 4-state barcode line under a Dutch address.

KIX is the Royal Mail 4-state customer code (RM4SCC) without start, stop and
check bars. It encodes postcode + house number + ``X`` + addition, for
example ``1231FZ13XHS`` for "Havendijk 13 hs, 1231 FZ". Each character is
four bars; each bar is a tracker (short, centred), an ascender (tracker plus
the upper part), a descender (tracker plus the lower part) or a full bar.

The characters ``0-9A-Z`` sit in a 6x6 table in that order. The row gives
which two of the four bars have an ascender, the column which two have a
descender, both by the same pattern list (:data:`_PATTERNS`).

Bars are drawn, not set in a font: the dimensions below are within the RM4SCC
tolerances (bar 0.38-0.63 mm wide, 22-25 bars per 25.4 mm, full bar 4.2-6.3
mm, tracker 1.0-1.6 mm).
"""

from __future__ import annotations

import re
from typing import Any

from survey.units import mm

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
# Value 1..6 -> which of the four bars carry the part (1 = yes), left to right.
_PATTERNS = ("0011", "0101", "0110", "1001", "1010", "1100")

BAR_WIDTH = mm(0.5)
BAR_PITCH = mm(1.1)
FULL_HEIGHT = mm(5.0)
TRACKER_HEIGHT = mm(1.3)

FULL, ASCENDER, DESCENDER, TRACKER = "F", "A", "D", "T"


def bars(code: str) -> str:
    """The bar states of ``code``, four per character (``F``, ``A``, ``D``, ``T``).

    Raises:
        ValueError: ``code`` holds a character outside ``0-9 A-Z``.
    """
    out = []
    for ch in code.upper():
        index = ALPHABET.find(ch)
        if index < 0:
            raise ValueError(f"KIX cannot encode {ch!r}; only 0-9 and A-Z")
        up, down = _PATTERNS[index // 6], _PATTERNS[index % 6]
        for a, d in zip(up, down, strict=True):
            out.append(
                {("1", "1"): FULL, ("1", "0"): ASCENDER, ("0", "1"): DESCENDER}.get((a, d), TRACKER)
            )
    return "".join(out)


def kix_code(postcode: str, house_number: str, addition: str = "") -> str:
    """The KIX for a Dutch address: ``1234AB`` + number, then ``X`` + addition if any.

    Spaces and punctuation are dropped; letters are upper case.
    """
    pc = re.sub(r"[^0-9A-Za-z]", "", postcode).upper()
    number = re.sub(r"[^0-9]", "", house_number)
    extra = re.sub(r"[^0-9A-Za-z]", "", addition).upper()
    return f"{pc}{number}X{extra}" if extra else f"{pc}{number}"


def width(code: str) -> float:
    """The printed width of ``code`` in points."""
    return (len(code) * 4 - 1) * BAR_PITCH + BAR_WIDTH


def draw(canvas: Any, code: str, x: float, y: float) -> None:
    """Draw the KIX bars of ``code`` with the left edge at ``x`` and the bottom of full bars at ``y``."""
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    half_tracker = TRACKER_HEIGHT / 2
    middle = y + FULL_HEIGHT / 2
    for i, state in enumerate(bars(code)):
        left = x + i * BAR_PITCH
        bottom = y if state in (FULL, DESCENDER) else middle - half_tracker
        top = y + FULL_HEIGHT if state in (FULL, ASCENDER) else middle + half_tracker
        path.rect(left, bottom, BAR_WIDTH, top - bottom)
    canvas.drawPath(path, stroke=0, fill=1)
