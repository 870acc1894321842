"""The questionnaire layout: pagination and form map computed once, pages drawn per respondent.

Typical use::

    layout = QuestionnaireLayout(questionnaire, LayoutOptions(survey_code="KBO-2027-LV"))
    layout.form_map.to_json(path)                 # the contract with omr/
    pdf = layout.render("ABCD1234X", round_key)  # one respondent's questionnaire
    blank = layout.render(None, round_key)       # the blank reference print

For print batches of thousands of respondents, draw the static page content
once per PDF as form XObjects and stamp only the QR codes per page::

    layout.define_static_forms(canvas)
    for pseudonym in batch:
        for page in range(1, layout.page_count + 1):
            layout.draw_page(canvas, page, pseudonym, key)
            canvas.showPage()
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from typing import Any

from reportlab.pdfgen.canvas import Canvas

from layout import fonts, ops
from layout.blocks import BlockBuilder
from layout.formmap_builder import build_form_map, geometry_problems
from layout.header import page_furniture
from layout.marks import PageQr, draw_marks
from layout.options import LayoutOptions
from layout.pagination import page_count, page_ops, paginate
from layout.skips import Skip, derive_skips, number_questions
from survey import codes
from survey.errors import LayoutError
from survey.formmap import FormMap
from survey.model import Questionnaire

__all__ = ["LayoutOptions", "QuestionnaireLayout"]


class QuestionnaireLayout:
    """One questionnaire laid out for print.

    Args:
        questionnaire: the questionnaire model.
        options: language, survey code, municipality, logo, style.

    Raises:
        LayoutError: a question does not fit on a page, or the result would
            break the page geometry omr/ relies on.
    """

    def __init__(self, questionnaire: Questionnaire, options: LayoutOptions | None = None) -> None:
        fonts.register_fonts()
        self.questionnaire = questionnaire
        self.options = options or LayoutOptions()
        self.style = self.options.style
        self.numbers: dict[str, int] = number_questions(questionnaire)
        self.skips: dict[tuple[str, str], Skip] = derive_skips(questionnaire)
        blocks = BlockBuilder(questionnaire, self.options, self.numbers, self.skips).build()
        self.placements = paginate(blocks, self.style)
        self.page_count = page_count(self.placements)
        title = self.options.title or questionnaire.title.get(self.options.language)
        self.title = title
        self.pages: tuple[tuple[ops.Op, ...], ...] = tuple(
            tuple(
                page_furniture(n, self.page_count, title, self.options)
                + page_ops(self.placements, n)
            )
            for n in range(1, self.page_count + 1)
        )
        self.qr = PageQr(self.options.survey_code, self.style.page_width, self.style.page_height)
        self.form_map: FormMap = build_form_map(
            questionnaire,
            self.pages,
            self.numbers,
            self.qr,
            self.style,
            meta={
                "title": title,
                "language": self.options.language,
                "survey_code": self.options.survey_code,
                "generator": "papersurvey.layout",
            },
        )
        problems = geometry_problems(self.form_map, self.style)
        if problems:
            raise LayoutError(
                "The questionnaire layout breaks the page geometry: " + "; ".join(problems[:5])
            )
        digest = hashlib.sha256(repr(self.options).encode()).hexdigest()[:8]
        self._form_prefix = f"psq{questionnaire.version_hash}{digest}p"

    # --- batch interface ----------------------------------------------------------
    def form_name(self, page: int) -> str:
        """The name of the form XObject holding the static content of ``page``."""
        return f"{self._form_prefix}{page}"

    def define_static_forms(self, canvas: Any) -> None:
        """Define one form XObject per page on ``canvas`` (once per PDF; idempotent)."""
        for n in range(1, self.page_count + 1):
            name = self.form_name(n)
            if canvas.hasForm(name):
                continue
            canvas.beginForm(name, 0, 0, self.style.page_width, self.style.page_height)
            self.draw_static(canvas, n)
            canvas.endForm()

    def draw_static(self, canvas: Any, page: int) -> None:
        """Draw the respondent-independent content of ``page`` directly."""
        draw_marks(canvas, self.style.page_width, self.style.page_height)
        ops.draw(canvas, self.pages[page - 1], self.style)

    def draw_page(self, canvas: Any, page: int, pseudonym: str | None, key: bytes) -> None:
        """Draw page ``page`` for one respondent: the static form plus the page QR codes.

        The caller has called :meth:`define_static_forms` on this canvas and
        calls ``canvas.showPage()`` afterwards.
        """
        if not 1 <= page <= self.page_count:
            raise ValueError(f"page {page} out of range 1-{self.page_count}")
        canvas.doForm(self.form_name(page))
        self.qr.draw(canvas, self.page_code(page, pseudonym, key))

    def page_code(self, page: int, pseudonym: str | None, key: bytes) -> str:
        """The page QR payload for one respondent (``None``: the blank template)."""
        return codes.encode_page_code(key, self.options.survey_code, pseudonym, page)

    # --- single documents ---------------------------------------------------------
    def new_canvas(self, target: Any) -> Canvas:
        """A reportlab canvas of the right page size with papersurvey's PDF metadata."""
        canvas = Canvas(
            target,
            pagesize=(self.style.page_width, self.style.page_height),
            pageCompression=1,
            invariant=1,
            # Not Helvetica: every font in the PDF must be embedded.
            initialFontName=fonts.REGULAR,
        )
        canvas.setTitle(self.title)
        canvas.setAuthor(self.options.municipality or "papersurvey")
        canvas.setCreator("papersurvey")
        canvas.setSubject(f"{self.questionnaire.form_id} {self.questionnaire.version_hash}")
        return canvas

    def render(self, pseudonym: str | None, key: bytes) -> bytes:
        """The whole questionnaire for one respondent as PDF bytes (``None``: blank template)."""
        buffer = io.BytesIO()
        canvas = self.new_canvas(buffer)
        self.define_static_forms(canvas)
        for n in range(1, self.page_count + 1):
            self.draw_page(canvas, n, pseudonym, key)
            canvas.showPage()
        canvas.save()
        return buffer.getvalue()

    def write_form_map(self, path: Path) -> Path:
        """Write the form map JSON to ``path``; returns the path."""
        self.form_map.to_json(path)
        return path
