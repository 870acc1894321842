"""Render a :class:`~analysis.document.Document` as an A4 PDF (reportlab platypus).

A cover page, a table of contents, every chapter on a new page, captions
above figures and tables ("Figuur 3 ...", as in the KBO reports), footnotes
under them, quotes from open answers indented and in italics, and a running header and "pagina x van y" footer. Fonts are the
DejaVu fonts matplotlib ships (embedded, with every Dutch character and the
arrows of the significance markers), so no system font is needed.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from analysis import document as d
from survey import entropy

BLUE = colors.HexColor("#1B4F72")
LIGHT = colors.HexColor("#EAF1F7")
GREY = colors.HexColor("#666666")
MARGIN = 22 * mm
FONT, BOLD, ITALIC = "PS-DejaVuSans", "PS-DejaVuSans-Bold", "PS-DejaVuSans-Oblique"


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    ttf = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(ttf / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(ttf / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont(ITALIC, str(ttf / "DejaVuSans-Oblique.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle(
        "body",
        fontName=FONT,
        fontSize=9.5,
        leading=13.5,
        spaceAfter=6,
        textColor=colors.HexColor("#222222"),
    )
    cell = ParagraphStyle(
        "cell", parent=base, fontSize=8.3, leading=10.5, spaceAfter=0, alignment=TA_LEFT
    )
    head = ParagraphStyle("head", parent=cell, fontName=BOLD, textColor=colors.white)
    return {
        "body": base,
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=BOLD, fontSize=17, leading=21, textColor=BLUE, spaceAfter=12
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD,
            fontSize=11.5,
            leading=15,
            textColor=BLUE,
            spaceBefore=8,
            spaceAfter=4,
        ),
        "caption": ParagraphStyle(
            "caption",
            parent=base,
            fontName=BOLD,
            fontSize=9,
            leading=12,
            spaceBefore=6,
            spaceAfter=4,
            textColor=BLUE,
        ),
        "note": ParagraphStyle(
            "note", parent=base, fontSize=7.3, leading=9.5, textColor=GREY, spaceAfter=1
        ),
        "cell": cell,
        # figures are right-aligned, in the body and in the header alike
        "num": ParagraphStyle("num", parent=cell, alignment=TA_RIGHT),
        "head": head,
        "headnum": ParagraphStyle("headnum", parent=head, alignment=TA_RIGHT),
        "bullet": ParagraphStyle("bullet", parent=base, leftIndent=12, bulletIndent=2),
        "quote": ParagraphStyle(
            "quote",
            parent=base,
            fontName=ITALIC,
            leftIndent=10 * mm,
            rightIndent=10 * mm,
            spaceBefore=2,
            spaceAfter=5,
            textColor=colors.HexColor("#33475B"),
        ),
        "toc1": ParagraphStyle("toc1", parent=base, fontSize=10, leading=16, leftIndent=0),
        "cover_title": ParagraphStyle(
            "ct", parent=base, fontName=BOLD, fontSize=26, leading=32, textColor=colors.white
        ),
        "cover_sub": ParagraphStyle(
            "cs", parent=base, fontSize=14, leading=19, textColor=colors.white
        ),
    }


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class _ChapterTitle(Paragraph):
    """A chapter heading that registers itself in the table of contents."""

    def __init__(self, text: str, style: ParagraphStyle) -> None:
        super().__init__(_esc(text), style)
        self.toc_text = text


class _DocTemplate(BaseDocTemplate):
    def __init__(self, path: Path, doc: d.Document) -> None:
        super().__init__(
            str(path),
            pagesize=A4,
            leftMargin=MARGIN,
            rightMargin=MARGIN,
            topMargin=25 * mm,
            bottomMargin=22 * mm,
            title=f"{doc.title} {doc.subtitle}".strip(),
            author="papersurvey",
            subject=doc.labels.get("report", ""),
        )
        self.report = doc
        frame = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        self.addPageTemplates(
            [
                PageTemplate("cover", [frame], onPage=self._cover),
                PageTemplate("body", [frame], onPage=self._page),
            ]
        )

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, _ChapterTitle):
            key = f"ch{id(flowable)}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.toc_text, key, 0, closed=True)
            self.notify("TOCEntry", (0, flowable.toc_text, self.page, key))

    def _cover(self, canvas: Canvas, _doc: Any) -> None:
        w, h = A4
        canvas.saveState()
        canvas.setFillColor(BLUE)
        canvas.rect(0, h * 0.45, w, h * 0.55, stroke=0, fill=1)
        canvas.setFillColor(colors.HexColor("#7FA7CC"))
        canvas.rect(0, h * 0.45 - 6 * mm, w, 6 * mm, stroke=0, fill=1)
        canvas.restoreState()

    def _page(self, canvas: Canvas, _doc: Any) -> None:
        w, h = A4
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(
            MARGIN, h - 14 * mm, f"{self.report.title} {self.report.subtitle}".strip().upper()
        )
        canvas.setStrokeColor(colors.HexColor("#C8D6E5"))
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, h - 15.5 * mm, w - MARGIN, h - 15.5 * mm)
        canvas.restoreState()


class _NumberedCanvas(Canvas):
    """Writes "pagina x van y" once the page count is known (pages after the cover)."""

    label = ("pagina", "van")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Inside the demo's seeded run: a fixed creation date and document id.
        if entropy.is_seeded():
            kwargs["invariant"] = 1
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            if self._pageNumber > 1:
                self.setFont(FONT, 7.5)
                self.setFillColor(GREY)
                page, of = self.label
                self.drawRightString(
                    A4[0] - MARGIN, 12 * mm, f"{page} {self._pageNumber} {of} {total}"
                )
            super().showPage()
        super().save()


def _widths(block: d.TableBlock, width: float) -> list[float]:
    """Figure columns as wide as their widest cell and header word; the label column gets the rest.

    When that is too wide, the headers wrap first: a figure column is never
    narrower than its widest cell (a number must not break over lines), and
    the room left goes to the columns with the shortest header words first.
    """
    ncols = len(block.header)
    if ncols == 1:
        return [width]

    def widest(texts: list[str], font: str) -> float:
        return max((pdfmetrics.stringWidth(x, font, 8.3) for x in texts), default=0.0) + 14

    cells = [widest([row[j] for row in block.rows], FONT) for j in range(1, ncols)]
    heads = [widest(block.header[j].split(), BOLD) for j in range(1, ncols)]
    need = [max(c, h) for c, h in zip(cells, heads, strict=True)]
    label = min(widest([r[0] for r in block.rows], FONT), width * 0.5)
    floor = min(label, width * 0.28)
    if width - sum(need) >= floor:
        return [width - sum(need), *need]
    spare = max(0.0, width - floor - sum(cells))
    out = list(cells)
    # the short header words first: a heading like "2025" must not break, a long one may wrap
    for j in sorted(range(len(need)), key=lambda j: need[j] - cells[j]):
        grow = min(need[j] - cells[j], spare)
        out[j] += grow
        spare -= grow
    return [width - sum(out), *out]


def _table(
    block: d.TableBlock, st: dict[str, ParagraphStyle], width: float, labels: Mapping[str, str]
) -> tuple[list[Flowable], bool]:
    """The caption, table and notes, and whether they are short enough to keep together."""
    widths = _widths(block, width)
    data = [
        [
            Paragraph(_esc(h), st["head"] if i == 0 else st["headnum"])
            for i, h in enumerate(block.header)
        ]
    ]
    for r, row in enumerate(block.rows):
        bold = r in block.bold_rows
        cells = []
        for i, c in enumerate(row):
            text = f"<b>{_esc(c)}</b>" if bold else _esc(c)
            cells.append(Paragraph(text, st["cell"] if i == 0 else st["num"]))
        data.append(cells)
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), BLUE),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
        ("LINEBELOW", (0, -1), (-1, -1), 0.6, BLUE),
    ]
    style += [("BACKGROUND", (0, i), (-1, i), LIGHT) for i in range(2, len(data), 2)]
    table.setStyle(TableStyle(style))
    caption = Paragraph(
        f"{_esc(block_label(block, labels))}&nbsp;&nbsp;{_esc(block.caption)}", st["caption"]
    )
    notes = [Paragraph(_esc(n), st["note"]) for n in block.notes]
    return [caption, table, Spacer(1, 2), *notes], len(block.rows) <= KEEP_ROWS


KEEP_ROWS = 8
"""A table of at most this many rows moves to the next page whole; a longer one splits."""
SPLIT_START = 30 + 4 * 16
"""Points a split table needs on a page below its caption: the header and a few rows."""

_KIND_LABELS = {"table": "Tabel", "figure": "Figuur"}


def block_label(block: d.TableBlock | d.FigureBlock, labels: Mapping[str, str]) -> str:
    """The caption label: the document's word for the kind, then the number ("Tabel 3")."""
    kind = "table" if isinstance(block, d.TableBlock) else "figure"
    return f"{labels.get(kind, _KIND_LABELS[kind])} {block.number}"


def _figure(
    block: d.FigureBlock,
    st: dict[str, ParagraphStyle],
    width: float,
    max_height: float,
    labels: Mapping[str, str],
) -> tuple[list[Flowable], bool]:
    from PIL import Image as PILImage

    with PILImage.open(block.image) as im:
        w, h = im.size
    scale = min(width / w, max_height / h)
    img = Image(str(block.image), width=w * scale, height=h * scale)
    caption = Paragraph(
        f"{_esc(block_label(block, labels))}&nbsp;&nbsp;{_esc(block.caption)}", st["caption"]
    )
    notes = [Paragraph(_esc(n), st["note"]) for n in block.notes]
    return [caption, img, *notes], True


def _height(flowables: list[Flowable], width: float, height: float) -> float:
    """The height the flowables take in a frame ``width`` wide, spacing included."""
    total = 0.0
    for f in flowables:
        total += f.wrap(width, height)[1] + f.getSpaceBefore() + f.getSpaceAfter()
    return total


def _kept(pending: list[Flowable]) -> list[Flowable]:
    """A heading with the paragraph after it, so that a heading never ends a page."""
    return [KeepTogether(pending)] if len(pending) > 1 else pending


def render_pdf(doc: d.Document, path: Path) -> Path:
    """Write ``doc`` as a PDF to ``path``."""
    _register_fonts()
    st = _styles()
    path.parent.mkdir(parents=True, exist_ok=True)
    template = _DocTemplate(path, doc)
    width = template.width
    story: list[Flowable] = [
        Spacer(1, 55 * mm),
        Paragraph(_esc(doc.title), st["cover_title"]),
        Spacer(1, 6 * mm),
        Paragraph(_esc(doc.subtitle), st["cover_sub"]),
        Spacer(1, 3 * mm),
        Paragraph(_esc(doc.labels.get("report", "")), st["cover_sub"]),
        Spacer(1, 95 * mm),
        Paragraph(_esc(doc.date), st["body"]),
        *([Paragraph(f"<b>{_esc(doc.notice)}</b>", st["body"])] if doc.notice else []),
        NextPageTemplate("body"),
        PageBreak(),
        Paragraph(_esc(doc.labels.get("contents", "")), st["h1"]),
    ]
    toc = TableOfContents()
    toc.levelStyles = [st["toc1"]]
    toc.dotsMinLevel = 0
    story.append(toc)
    appendix_started = False
    for chapter in doc.chapters:
        # every chapter and the first appendix start on a new page; a further appendix
        # (a few tables) follows on the same page when a third of it is still free
        if chapter.appendix and appendix_started:
            story.append(CondPageBreak(template.height / 3))
        else:
            story.append(PageBreak())
        if chapter.appendix and not appendix_started:
            appendix_started = True
        title = (
            f"{doc.labels.get('appendix', '')} {chapter.number}. {chapter.title}"
            if chapter.appendix
            else chapter.heading
        )
        story.append(_ChapterTitle(title, st["h1"]))
        # the headings and the paragraph waiting to be kept with the figure or table after them
        pending: list[Flowable] = []
        headings = 0
        for block in chapter.blocks:
            if isinstance(block, d.Paragraph):
                if headings < len(pending):  # a paragraph already waits: it goes first
                    story += _kept(pending)
                    pending, headings = [], 0
                pending.append(Paragraph(_esc(block.text), st["body"]))
                continue
            if isinstance(block, d.Heading):
                story += _kept(pending)
                pending, headings = [Paragraph(_esc(block.text), st["h2"])], 1
                continue
            if isinstance(block, d.Bullets):
                story += _kept(pending)
                pending, headings = [], 0
                story += [Paragraph(_esc(i), st["bullet"], bulletText="•") for i in block.items]
                continue
            if isinstance(block, d.QuoteBlock):
                quotes = [Paragraph(_esc(i), st["quote"]) for i in block.items]
                story += [KeepTogether([*pending, *quotes[:1]]), *quotes[1:], Spacer(1, 4)]
                pending, headings = [], 0
                continue
            if isinstance(block, d.FigureBlock):
                flow, keep = _figure(block, st, width, template.height * 0.8, doc.labels)
            else:
                flow, keep = _table(block, st, width, doc.labels)
            if keep:
                story.append(KeepTogether([*pending, *flow]))
            else:
                # a long table starts on this page when its caption, its header and a few
                # rows fit, and breaks over pages with its header repeated
                head = [*pending, flow[0]]
                need = _height(head, width, template.height) + SPLIT_START
                story += [CondPageBreak(need), *head, *flow[1:]]
            story.append(Spacer(1, 8))
            pending, headings = [], 0
        story += _kept(pending)
    canvas = type(
        "Canvas",
        (_NumberedCanvas,),
        {"label": (doc.labels.get("page", "pagina"), doc.labels.get("of", "van"))},
    )
    template.multiBuild(story, canvasmaker=canvas)
    return path
