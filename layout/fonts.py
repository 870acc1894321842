"""The fonts papersurvey prints with, and measuring and wrapping text in them.

The print shop rejects PDFs with fonts that are not embedded, so papersurvey
ships its own TrueType fonts (DejaVu Sans, DejaVu Sans Mono; licence in
``layout/fonts/LICENSE.txt``) and reportlab embeds the subset it uses. DejaVu
Sans Mono is the OCR-friendly face for the human-readable page code: its
``0``/``O`` and ``1``/``I`` look different.
"""

from __future__ import annotations

import functools
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).with_name("fonts")

REGULAR = "PaperSurvey-Sans"
BOLD = "PaperSurvey-Sans-Bold"
ITALIC = "PaperSurvey-Sans-Oblique"
MONO = "PaperSurvey-Mono"

_FILES = {
    REGULAR: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    ITALIC: "DejaVuSans-Oblique.ttf",
    MONO: "DejaVuSansMono.ttf",
}


@functools.cache
def register_fonts() -> None:
    """Register the shipped fonts with reportlab (idempotent, cheap after the first call)."""
    for name, filename in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / filename)))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC)


def string_width(text: str, font: str, size: float) -> float:
    """The advance width of ``text`` in points."""
    register_fonts()
    return float(pdfmetrics.stringWidth(text, font, size))


def ascent(font: str, size: float) -> float:
    """The font's ascent above the baseline at ``size``, in points."""
    register_fonts()
    return float(pdfmetrics.getFont(font).face.ascent) * size / 1000.0


def descent(font: str, size: float) -> float:
    """The font's descent below the baseline at ``size``, in points (a positive number)."""
    register_fonts()
    return -float(pdfmetrics.getFont(font).face.descent) * size / 1000.0


def x_height(font: str, size: float) -> float:
    """Height of lower-case letters above the baseline (about 0.55 em for DejaVu Sans)."""
    return 0.55 * size


@functools.lru_cache(maxsize=4096)
def wrap(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """Break ``text`` into lines no wider than ``width`` points.

    Breaks at spaces (not at no-break spaces, U+00A0, which keep a phone
    number or date together); an explicit newline starts a new line. A single word
    wider than ``width`` (a long Dutch compound, a URL) is split where it
    must, with a hyphen when the break falls between letters, so nothing
    ever runs past the margin.

    Returns:
        The lines, at least one (possibly empty).
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.replace("\t", " ").split(" "):
            if not word:
                continue
            candidate = f"{current} {word}" if current else word
            if string_width(candidate, font, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
                current = ""
            while string_width(word, font, size) > width:
                head, word = _split_word(word, font, size, width)
                lines.append(head)
            current = word
        lines.append(current)
    return tuple(lines)


def _split_word(word: str, font: str, size: float, width: float) -> tuple[str, str]:
    """Split an over-long word into a head that fits ``width`` and the rest."""
    for cut in range(len(word) - 1, 0, -1):
        head = word[:cut]
        # Break after punctuation as is; between two letters with a hyphen.
        if head[-1].isalnum() and word[cut].isalnum():
            head += "-"
        if string_width(head, font, size) <= width:
            return head, word[cut:]
    return word[:1], word[1:]


def widest(texts: tuple[str, ...] | list[str], font: str, size: float) -> float:
    """The width of the widest of ``texts`` (0 for none)."""
    return max((string_width(t, font, size) for t in texts), default=0.0)
