"""Cover letters: invitation (online only), invitation with paper questionnaire, reminder.

A letter has a letterhead (logo, sender), the address in the envelope window
(PostNL style, optional KIX line), the date and reference, the subject, the
body from an editable template (:mod:`layout.templates`) with merge fields, a
panel with the login code and a QR code holding the LimeSurvey URL with the
token, and the signature.

For batches, :meth:`LetterLayout.define_static_forms` puts everything that is
the same for every respondent into one form XObject; :meth:`LetterLayout.draw`
adds the address, the code, the QR and the body per respondent.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

import segno
from reportlab.pdfgen.canvas import Canvas

from layout import fonts, kix, letterbody, marks
from layout.address import Addressee
from layout.letteroptions import LetterOptions
from layout.templates import LetterTemplate
from survey import codes
from survey import pseudonym as pseudonyms
from survey.dates import format_date
from survey.errors import LayoutError
from survey.units import A4_HEIGHT_PT, A4_WIDTH_PT, mm

LABELS = {
    "nl": {
        "date": "Datum",
        "reference": "Ons kenmerk",
        "online": "Liever online invullen?",
        "code": "Uw inlogcode",
    },
    "en": {
        "date": "Date",
        "reference": "Our reference",
        "online": "Prefer to answer online?",
        "code": "Your login code",
    },
}


def _form_digest(template: LetterTemplate, options: LetterOptions) -> str:
    """A name for the letterhead form: the same letter gives the same name in any folder."""
    images = (options.logo, options.signature)
    stable = dataclasses.replace(options, logo=None, signature=None)
    text = dataclasses.replace(template, source="")  # the source names the folder
    h = hashlib.sha256(repr((text, stable)).encode())
    for path in images:
        h.update(hashlib.sha256(Path(path).read_bytes()).digest() if path else b"-")
    return h.hexdigest()[:10]


LEFT = mm(24)
RIGHT = A4_WIDTH_PT - mm(20)
COLUMN = mm(134)  # the right-hand column: letterhead and online panel
QR_SIZE = mm(22)
HEAD_TOP = mm(14)  # letterhead text, from the top of the sheet
PANEL_TOP = mm(47)  # online panel, beside the envelope window
PANEL_HEIGHT = mm(33)
BODY_BOTTOM = mm(20)


class LetterLayout:
    """One letter variant for one round, ready to draw for many addressees.

    Args:
        template: a parsed template, a template file, or template text.
        options: the round's letter options.
    """

    def __init__(self, template: LetterTemplate | Path | str, options: LetterOptions) -> None:
        fonts.register_fonts()
        if isinstance(template, Path):
            template = LetterTemplate.load(template)
        elif isinstance(template, str):
            template = LetterTemplate.parse(template)
        self.template = template
        self.options = options
        self.labels = LABELS.get(options.language, LABELS["nl"])
        self.static = options.static_fields()
        self.subject = template.subject.format(
            **{**dict.fromkeys(("aanhef", "code"), ""), **self.static}
        )
        self.signature_before = next(
            (i for i, p in enumerate(template.paragraphs) if "afzender_naam" in p.fields()), -1
        )
        for path in (options.logo, options.signature):
            if path is not None and not Path(path).is_file():
                raise LayoutError(
                    f"Image {path} does not exist: fix the path in survey.toml or remove it."
                )
        self.form_name = f"psl{_form_digest(template, options)}"

    # --- static part ----------------------------------------------------------------
    def define_static_forms(self, canvas: Any) -> None:
        """Define the letterhead form XObject on ``canvas`` (once per PDF; idempotent)."""
        if canvas.hasForm(self.form_name):
            return
        canvas.beginForm(self.form_name, 0, 0, A4_WIDTH_PT, A4_HEIGHT_PT)
        self.draw_static(canvas)
        canvas.endForm()

    def draw_static(self, canvas: Any) -> None:
        """Letterhead, reference line, subject and the online panel's fixed texts."""
        o, s, H = self.options, self.options.style, A4_HEIGHT_PT
        organisation = o.organisation or (f"Gemeente {o.municipality}" if o.municipality else "")
        if o.logo is not None:
            canvas.drawImage(
                str(o.logo),
                LEFT,
                H - mm(36),
                width=mm(70),
                height=mm(24),
                preserveAspectRatio=True,
                anchor="sw",
                mask="auto",
            )
        elif organisation:
            canvas.setFillColorRGB(*s.accent)
            canvas.setFont(fonts.BOLD, 15)
            for i, part in enumerate(
                fonts.wrap(organisation, fonts.BOLD, 15, COLUMN - LEFT - mm(6))[:2]
            ):
                canvas.drawString(LEFT, H - mm(22) - i * 18, part)
        head = [(organisation, fonts.BOLD), (o.department, fonts.REGULAR)]
        head += [
            (line, fonts.REGULAR)
            for line in (*o.sender_address, o.phone and f"T {o.phone}", o.website)
            if line
        ]
        y = H - HEAD_TOP - 8
        canvas.setFillColorRGB(*s.ink)
        for text, font in head:
            for part in fonts.wrap(text, font, 8, RIGHT - COLUMN) if text else ():
                canvas.setFont(font, 8)
                canvas.drawString(COLUMN, y, part)
                y -= 10
        self._reference_line(canvas)
        canvas.setFillColorRGB(*s.ink)
        canvas.setFont(fonts.BOLD, 11)
        canvas.drawString(LEFT, H - mm(104), self.subject)
        if o.return_address:
            w = o.window
            canvas.setFont(fonts.REGULAR, 6.5)
            canvas.setFillColorRGB(*s.muted)
            canvas.drawString(w.left + w.padding, H - w.top - w.padding - 5, o.return_address)
        canvas.setFillColorRGB(*s.accent_light)
        top = H - PANEL_TOP
        canvas.rect(
            COLUMN - mm(3),
            top - PANEL_HEIGHT,
            RIGHT - COLUMN + mm(3),
            PANEL_HEIGHT,
            stroke=0,
            fill=1,
        )
        canvas.setFillColorRGB(*s.accent)
        canvas.setFont(fonts.BOLD, 8.5)
        canvas.drawString(COLUMN, top - mm(5), self.labels["online"])
        canvas.setFillColorRGB(*s.ink)
        canvas.setFont(fonts.REGULAR, 7.5)
        canvas.drawString(COLUMN + QR_SIZE + mm(3), top - mm(14), self.labels["code"])

    def _reference_line(self, canvas: Any) -> None:
        o, s, H = self.options, self.options.style, A4_HEIGHT_PT
        day = o.letter_date or dt.date.today()
        cells = [(self.labels["date"], format_date(day, o.language))]
        if o.reference:
            cells.append((self.labels["reference"], o.reference))
        x = LEFT
        for label, value in cells:
            canvas.setFillColorRGB(*s.muted)
            canvas.setFont(fonts.REGULAR, 7.5)
            canvas.drawString(x, H - mm(90), label)
            canvas.setFillColorRGB(*s.ink)
            canvas.setFont(fonts.REGULAR, 9.5)
            canvas.drawString(x, H - mm(95), value)
            x += mm(42)

    # --- per addressee -------------------------------------------------------------
    def draw(self, canvas: Any, addressee: Addressee) -> int:
        """Draw the letter for ``addressee`` on the current page (form defined already).

        Returns:
            The number of pages drawn; pages after the first are started with
            ``showPage`` here, the last one is left open for the caller.
        """
        canvas.doForm(self.form_name)
        self._address(canvas, addressee)
        self._online_panel(canvas, addressee)
        fields = {
            **self.static,
            "aanhef": addressee.salutation,
            "code": pseudonyms.grouped(addressee.pseudonym),
        }
        merged = self.template.merged(fields)
        signature = str(self.options.signature) if self.options.signature else ""
        width = RIGHT - LEFT
        top = A4_HEIGHT_PT - mm(109)
        lines = letterbody.fit(
            merged.paragraphs,
            width,
            top - BODY_BOTTOM,
            signature=signature,
            signature_before=self.signature_before,
        )
        canvas.setFillColorRGB(*self.options.style.ink)
        pages = 1
        while True:
            n = letterbody.draw(canvas, lines, LEFT, top, BODY_BOTTOM)
            if n >= len(lines):
                return pages
            canvas.showPage()
            pages += 1
            lines = [dataclasses.replace(lines[n], space_before=0.0), *lines[n + 1 :]]
            top = A4_HEIGHT_PT - mm(25)
            canvas.setFillColorRGB(*self.options.style.ink)

    def _address(self, canvas: Any, a: Addressee) -> None:
        w, H = self.options.window, A4_HEIGHT_PT
        x = w.left + w.padding
        y = H - w.top - w.padding - (12 if self.options.return_address else 2) - 10
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(fonts.REGULAR, 10)
        for line in a.lines():
            canvas.drawString(x, y, line)
            y -= 12.5
        if self.options.kix and a.is_dutch:
            code = kix.kix_code(a.postcode, a.house_number, a.addition)
            kix.draw(canvas, code, x, y - 12.5 + 3 - kix.FULL_HEIGHT / 2)

    def _online_panel(self, canvas: Any, a: Addressee) -> None:
        H = A4_HEIGHT_PT
        url = self.qr_url(a)
        top = H - PANEL_TOP
        if url:
            qr = segno.make_qr(url, error="m", mask=0, boost_error=False)
            matrix = tuple(qr.matrix)
            unit = QR_SIZE / len(matrix)
            x0, y0 = COLUMN, top - mm(8) - QR_SIZE
            canvas.setFillColorRGB(1, 1, 1)
            canvas.rect(x0 - mm(1), y0 - mm(1), QR_SIZE + mm(2), QR_SIZE + mm(2), stroke=0, fill=1)
            runs = marks.qr_runs_operator(matrix)
            canvas.addLiteral(f"q 0 g {unit:.5f} 0 0 {unit:.5f} {x0:.4f} {y0:.4f} cm\n{runs}\nf Q")
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(fonts.MONO, 10.5)
        canvas.drawString(COLUMN + QR_SIZE + mm(3), top - mm(19), pseudonyms.grouped(a.pseudonym))

    def qr_url(self, a: Addressee) -> str:
        """What the letter QR holds: the LimeSurvey URL with the token, else the plain URL."""
        o = self.options
        if not o.limesurvey_sid:
            return o.online_url
        token = pseudonyms.normalize(a.pseudonym)
        return codes.limesurvey_url(
            o.limesurvey_base or o.online_url, o.limesurvey_sid, token, a.language or o.language
        )

    # --- single documents -----------------------------------------------------------
    def render(self, addressee: Addressee) -> bytes:
        """The letter for one addressee as PDF bytes."""
        buffer = io.BytesIO()
        canvas = Canvas(
            buffer, pagesize=(A4_WIDTH_PT, A4_HEIGHT_PT), invariant=1, initialFontName=fonts.REGULAR
        )
        canvas.setTitle(self.subject)
        canvas.setCreator("papersurvey")
        self.define_static_forms(canvas)
        self.draw(canvas, addressee)
        canvas.showPage()
        canvas.save()
        return buffer.getvalue()


def render_letter(
    template: LetterTemplate | Path | str,
    options: LetterOptions,
    addressee: Addressee,
    canvas: Any | None = None,
) -> bytes | int:
    """Render one letter.

    With ``canvas=None`` returns the PDF bytes. With a canvas (batch
    assembly), draws on it and returns the number of pages drawn, leaving the
    last page open; prefer a :class:`LetterLayout` kept across addressees there.
    """
    layout = LetterLayout(template, options)
    if canvas is None:
        return layout.render(addressee)
    layout.define_static_forms(canvas)
    return layout.draw(canvas, addressee)
