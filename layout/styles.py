"""Typography, colours and page geometry of the questionnaire, in one place.

All lengths are PDF points (see :mod:`survey.units`); the defaults are
written in millimetres through :func:`survey.units.mm` so they read like the
agreed page geometry (``/docs/formats.md``):

* registration marks 8 mm square, 8 mm from the page edges;
* mark search windows of 36 mm in each corner, kept free of boxes and QR codes;
* page QR codes top right and bottom left, outside those windows;
* the questions flow in a content frame between 37 mm from the top and
  37 mm from the bottom, 20 mm from the left and right edges.
"""

from __future__ import annotations

from dataclasses import dataclass

from survey.units import A4_HEIGHT_PT, A4_WIDTH_PT, mm

Color = tuple[float, float, float]

BLACK: Color = (0.0, 0.0, 0.0)
WHITE: Color = (1.0, 1.0, 1.0)


@dataclass(frozen=True)
class Style:
    """How a questionnaire page looks.

    The checkbox numbers are part of the contract with omr/: a 4.5 mm square
    with a 0.75 pt dark outline, at least 3 mm of white between boxes and at
    least 1.5 mm between a box and any text.
    """

    # Type sizes (pt) and line spacing (a factor of the size).
    body_size: float = 10.0
    label_size: float = 10.0
    hint_size: float = 8.5
    small_size: float = 8.0
    grid_header_size: float = 7.5
    section_size: float = 11.5
    title_size: float = 17.0
    leading: float = 1.3

    # Colours (RGB 0-1). The accent is a dark blue that prints well in grey.
    ink: Color = BLACK
    muted: Color = (0.30, 0.30, 0.30)
    accent: Color = (0.08, 0.22, 0.42)
    accent_light: Color = (0.88, 0.91, 0.95)
    zebra: Color = (0.935, 0.935, 0.935)
    writing_line: Color = (0.55, 0.55, 0.55)

    # Checkboxes.
    box_size: float = mm(4.5)
    box_line: float = 0.75
    box_color: Color = (0.1, 0.1, 0.1)
    box_gap: float = mm(3.0)  # minimum white between two boxes
    box_text_gap: float = mm(2.0)  # between a box and its label (>= 1.5 mm)

    # Page.
    page_width: float = A4_WIDTH_PT
    page_height: float = A4_HEIGHT_PT
    margin_left: float = mm(20)
    margin_right: float = mm(20)
    content_top: float = A4_HEIGHT_PT - mm(37)
    content_bottom: float = mm(37)
    number_indent: float = mm(8)  # question text starts this far right of the number
    question_gap: float = mm(6)  # white between two questions
    row_gap: float = mm(3.2)  # white between two rows of boxes

    # Open questions.
    writing_line_pitch: float = mm(8)
    default_lines: int = 4

    @property
    def content_left(self) -> float:
        return self.margin_left

    @property
    def content_right(self) -> float:
        return self.page_width - self.margin_right

    @property
    def content_width(self) -> float:
        return self.content_right - self.content_left

    @property
    def content_height(self) -> float:
        return self.content_top - self.content_bottom

    @property
    def body_leading(self) -> float:
        return self.body_size * self.leading

    def line_height(self, size: float) -> float:
        """Baseline-to-baseline distance for text of ``size`` points."""
        return size * self.leading


DEFAULT_STYLE = Style()
