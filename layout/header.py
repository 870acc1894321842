"""The fixed parts of questionnaire pages: the first-page header and the page furniture.

The first page opens with the logo, the title and (optionally) a panel that
shows how to fill in the form: a cross for a choice, a filled box for a
correction. Every page carries the municipality and title in the top band
and "pagina 2 van 6" at the bottom, outside the content frame and clear of
the registration marks.
"""

from __future__ import annotations

from layout import fonts, texts, widgets
from layout.ops import Block, ImageOp, LineOp, Op, RectOp, TextOp, move
from layout.options import LayoutOptions
from layout.styles import Color, Style
from survey.formmap import Rect
from survey.model import Questionnaire
from survey.units import mm

LOGO_MAX_HEIGHT = mm(16)
LOGO_MAX_WIDTH = mm(50)
PANEL_PAD = mm(3.5)
PEN: Color = (0.10, 0.16, 0.48)  # the blue of a ballpoint, for the example marks
BAND_TEXT_MAX_X = mm(148)  # top-band text stays left of the top QR code


def first_page_header(questionnaire: Questionnaire, options: LayoutOptions) -> Block:
    """Logo, title, subtitle and the instruction panel."""
    s = options.style
    width = s.content_width
    ops: list[Op] = []
    text_x = 0.0
    logo_h = 0.0
    if options.logo is not None:
        lw, lh = _logo_size(str(options.logo))
        ops.append(ImageOp(str(options.logo), Rect(0.0, -lh, lw, 0.0)))
        text_x, logo_h = lw + mm(6), lh
    title = options.title or questionnaire.title.get(options.language)
    title_ops, h = widgets.paragraph(
        title, fonts.BOLD, s.title_size, width - text_x, s, x=text_x, color=s.accent
    )
    ops += title_ops
    if options.subtitle:
        ops, h = widgets.paragraph_below(
            ops,
            h,
            mm(1.5),
            options.subtitle,
            fonts.REGULAR,
            s.section_size,
            width - text_x,
            s,
            x=text_x,
            color=s.muted,
        )
    height = max(h, logo_h)
    if options.show_instructions:
        panel, ph = instruction_panel(options.language, width, s)
        ops += move(panel, 0.0, -(height + mm(6)))
        height += mm(6) + ph
    return Block(tuple(ops), height, space_after=mm(7), name="header")


def instruction_panel(language: str, width: float, s: Style) -> tuple[list[Op], float]:
    """A shaded panel: use a pen, cross the box, fill a box to cancel it."""
    inner = width - 2 * PANEL_PAD
    examples_w = mm(22)
    ops: list[Op] = []
    title_ops, y = widgets.paragraph(
        texts.text("how_title", language),
        fonts.BOLD,
        s.body_size,
        inner,
        s,
        x=PANEL_PAD,
        top=-PANEL_PAD,
        color=s.accent,
    )
    ops += title_ops
    y += PANEL_PAD + mm(2)
    rows = (
        (texts.text("how_pen", language), ()),
        (texts.text("how_cross", language), ("cross",)),
        (texts.text("how_correct", language), ("filled", "cross")),
    )
    box = s.box_size
    for sentence, examples in rows:
        row_ops, th = widgets.paragraph(
            sentence, fonts.REGULAR, s.body_size, inner - examples_w, s, x=PANEL_PAD, top=-y
        )
        row_h = max(th, box)
        ops += move(row_ops, 0.0, -(row_h - th) / 2)
        bx = width - PANEL_PAD - examples_w + mm(3)
        for kind in examples:
            ops += _example_box(bx, -y - (row_h - box) / 2, box, kind, s)
            bx += box + mm(4)
        y += row_h + mm(2.2)
    height = y - mm(2.2) + PANEL_PAD
    return [RectOp(Rect(0.0, -height, width, 0.0), fill=s.accent_light), *ops], height


def _example_box(x: float, top: float, size: float, kind: str, s: Style) -> list[Op]:
    """An example box (not in the form map): crossed, or filled in as a correction."""
    r = Rect(x, top - size, x + size, top)
    ops: list[Op] = [RectOp(r, fill=(1.0, 1.0, 1.0), stroke=s.box_color, line_width=s.box_line)]
    if kind == "filled":
        ops.append(RectOp(Rect(r.x0 + 0.4, r.y0 + 0.4, r.x1 - 0.4, r.y1 - 0.4), fill=PEN))
    else:
        d = size * 0.18
        ops.append(LineOp(r.x0 + d, r.y0 + d, r.x1 - d, r.y1 - d, 1.3, PEN))
        ops.append(LineOp(r.x0 + d, r.y1 - d, r.x1 - d, r.y0 + d, 1.3, PEN))
    return ops


def _logo_size(path: str) -> tuple[float, float]:
    from reportlab.lib.utils import ImageReader

    w, h = ImageReader(path).getSize()
    scale = min(LOGO_MAX_WIDTH / w, LOGO_MAX_HEIGHT / h)
    return w * scale, h * scale


def page_furniture(page: int, pages: int, title: str, options: LayoutOptions) -> list[Op]:
    """Top band (municipality, title) and bottom line (page number, 'turn over')."""
    s = options.style
    ops: list[Op] = []
    x = s.content_left
    band_w = BAND_TEXT_MAX_X - x
    lines = [(options.municipality, fonts.BOLD, 10.0, s.ink), (title, fonts.REGULAR, 8.5, s.muted)]
    base = s.page_height - mm(14)
    for text, font, size, color in lines:
        if text:
            ops.append(TextOp(x, base, _fit(text, font, size, band_w), font, size, color))
            base -= mm(5)
    right = s.content_right
    ops.append(
        TextOp(
            right,
            mm(20),
            texts.text("page_of", options.language, page=page, pages=pages),
            fonts.BOLD,
            9.0,
            s.ink,
            anchor="end",
        )
    )
    if page < pages:
        ops.append(
            TextOp(
                right,
                mm(25),
                texts.text("continue", options.language),
                fonts.ITALIC,
                8.5,
                s.muted,
                anchor="end",
            )
        )
    return ops


def _fit(text: str, font: str, size: float, width: float) -> str:
    """``text`` cut with an ellipsis so that it fits ``width``."""
    if fonts.string_width(text, font, size) <= width:
        return text
    while text and fonts.string_width(text + "\u2026", font, size) > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"
