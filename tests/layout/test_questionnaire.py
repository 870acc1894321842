"""Acceptance: the default questionnaire rendered for one respondent, measured.

Every check works on the rendered PDF or its 300 dpi pixels, independently of
how the layout computed positions.
"""

from __future__ import annotations

import io
import shutil
import subprocess

import numpy as np
import pytest
import zxingcpp

from layout.questionnaire import LayoutOptions, QuestionnaireLayout
from survey import codes
from survey.units import A4_HEIGHT_PT, A4_WIDTH_PT
from tests.layout.conftest import DPI, KEY, SURVEY
from tests.layout.measure import crop, interior_mean, outline_errors

TOLERANCE_MM = 0.25


def test_every_form_map_box_lies_on_a_drawn_box(default_layout, default_pages):
    fm = default_layout.form_map
    worst = 0.0
    checked = 0
    for page, gray in zip(fm.pages, default_pages, strict=True):
        for box in page.boxes:
            errors = outline_errors(gray, box.rect, fm.page_height, DPI)
            assert np.all(errors <= TOLERANCE_MM), (page.number, box, errors)
            assert interior_mean(gray, box.rect, fm.page_height, DPI) > 240, (page.number, box)
            worst = max(worst, float(errors.max()))
            checked += 1
    assert checked == sum(len(p.boxes) for p in fm.pages) > 300
    assert worst < TOLERANCE_MM


def test_both_qr_codes_on_every_page_decode_to_the_payload(
    default_layout, default_pages, pseudonym
):
    fm = default_layout.form_map
    for page, gray in zip(fm.pages, default_pages, strict=True):
        expected = codes.encode_page_code(KEY, SURVEY, pseudonym, page.number)
        found = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)
        assert sorted(b.text for b in found) == [expected, expected], page.number
        # One in each QR area: top right and bottom left.
        for area in page.qr_areas:
            sub = crop(gray, area.rect, fm.page_height, DPI, pad_mm=2)
            assert [b.text for b in zxingcpp.read_barcodes(sub)] == [expected], (
                page.number,
                area.corner,
            )
        status = codes.decode_page_code(expected, KEY, SURVEY)
        assert status.status is codes.CodeStatus.OK
        assert (status.pseudonym, status.page) == (pseudonym, page.number)


def _ocr_once(gray: np.ndarray) -> str:
    import pytesseract
    from PIL import Image

    whitelist = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789:-"
    config = f"--psm 7 -c tessedit_char_whitelist={whitelist}"
    padded = np.pad(gray, 24, constant_values=255)
    return "".join(pytesseract.image_to_string(Image.fromarray(padded), config=config).split())


def _ocr(gray: np.ndarray, expected: str) -> str:
    """Tesseract's reading at full size, or at 70 % when that one is off (a second try,
    as an OCR fallback would make: tesseract now and then doubles a round letter)."""
    import cv2

    text = _ocr_once(gray)
    if _same_shape(text, expected):
        return text
    return _ocr_once(cv2.resize(gray, None, fx=0.7, fy=0.7, interpolation=cv2.INTER_AREA))


# Characters tesseract may confuse; the page code's HMAC tells the right one apart.
_LOOK_ALIKE = str.maketrans(
    {
        "0": "O",
        "Q": "O",
        "D": "O",
        "1": "I",
        "L": "I",
        "J": "I",
        "8": "B",
        "5": "S",
        "2": "Z",
        "6": "G",
    }
)


def _same_shape(reading: str, expected: str) -> bool:
    return reading.translate(_LOOK_ALIKE) == expected.translate(_LOOK_ALIKE)


def _needs_tesseract() -> None:
    if shutil.which("tesseract") is None:
        pytest.skip("tesseract is not installed")


def test_tesseract_reads_the_printed_code_of_the_first_page(
    default_layout, default_pages, pseudonym
):
    _needs_tesseract()
    fm = default_layout.form_map
    area = fm.page(1).qr_areas[0]
    expected = codes.encode_page_code(KEY, SURVEY, pseudonym, 1)
    text = _ocr(crop(default_pages[0], area.text_rect, fm.page_height, DPI, pad_mm=0.5), expected)
    assert _same_shape(text, expected), text


@pytest.mark.slow
def test_tesseract_reads_every_printed_code(default_layout, default_pages, pseudonym):
    _needs_tesseract()
    fm = default_layout.form_map
    exact = 0
    for page, gray in zip(fm.pages, default_pages, strict=True):
        expected = codes.encode_page_code(KEY, SURVEY, pseudonym, page.number)
        for area in page.qr_areas:
            text = _ocr(crop(gray, area.text_rect, fm.page_height, DPI, pad_mm=0.5), expected)
            assert _same_shape(text, expected), (page.number, area.corner, text)
            exact += text == expected
    assert exact >= len(fm.pages)  # at least half of the readings are exact


def test_pages_are_exactly_a4(default_pdf):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(default_pdf)
    try:
        for page in document:
            assert page.get_size() == pytest.approx((A4_WIDTH_PT, A4_HEIGHT_PT), abs=1e-3)
    finally:
        document.close()


def test_page_boxes_are_exactly_a4_per_pdfinfo(default_pdf, tmp_path):
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo is not installed")
    path = tmp_path / "q.pdf"
    path.write_bytes(default_pdf)
    out = subprocess.run(
        ["pdfinfo", "-box", str(path)], capture_output=True, text=True, check=True
    ).stdout
    assert "595.276 x 841.89 pts (A4)" in out


def test_all_fonts_are_embedded(default_pdf, tmp_path):
    if shutil.which("pdffonts") is None:
        pytest.skip("pdffonts is not installed")
    path = tmp_path / "q.pdf"
    path.write_bytes(default_pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert len(rows) >= 3  # regular, bold, italic, mono
    for row in rows:
        # columns: name type encoding emb sub uni object ID
        assert row.split()[-5] == "yes", row


def test_form_map_matches_model(default_layout):
    fm = default_layout.form_map
    q = default_layout.questionnaire
    assert fm.version_hash == q.version_hash
    assert fm.form_id == q.form_id
    assert [s.name for s in fm.questions] == [x.name for x in q.answerable()]
    assert [s.number for s in fm.questions] == list(range(1, len(fm.questions) + 1))
    assert len(fm.pages) == default_layout.page_count
    for spec in fm.questions:
        page = fm.page(spec.page)
        on_page = {b.choice for b in page.boxes if b.question == spec.name}
        if spec.type in ("select_one", "select_multiple"):
            # No question is split across pages: all its boxes are on its page.
            assert on_page == set(spec.choices), spec.name
            assert all(b.question != spec.name for p in fm.pages if p is not page for b in p.boxes)
        else:
            assert [a.question for a in page.text_areas].count(spec.name) == 1


def test_blank_template_carries_the_template_code(default_layout):
    from layout.preview import render_pages

    pdf = default_layout.render(None, KEY)
    gray = render_pages(pdf, dpi=200)[0]
    texts = {b.text for b in zxingcpp.read_barcodes(gray)}
    assert texts == {codes.encode_page_code(KEY, SURVEY, None, 1)}
    decoded = codes.decode_page_code(texts.pop(), KEY, SURVEY)
    assert decoded.status is codes.CodeStatus.TEMPLATE


def test_batch_interface_draws_static_forms_once(default_layout, pseudonym):
    """Two respondents in one PDF share one form XObject per page."""
    import pikepdf

    buffer = io.BytesIO()
    canvas = default_layout.new_canvas(buffer)
    default_layout.define_static_forms(canvas)
    default_layout.define_static_forms(canvas)  # idempotent
    for who in (pseudonym, None):
        for n in range(1, default_layout.page_count + 1):
            default_layout.draw_page(canvas, n, who, KEY)
            canvas.showPage()
    canvas.save()
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as pdf:
        assert len(pdf.pages) == 2 * default_layout.page_count
        forms = {
            obj.objgen
            for page in pdf.pages
            for _, obj in page.Resources.get("/XObject", {}).items()
            if obj.get("/Subtype") == "/Form"
        }
        assert len(forms) == default_layout.page_count


def test_draw_page_rejects_a_page_out_of_range(default_layout):
    canvas = default_layout.new_canvas(io.BytesIO())
    with pytest.raises(ValueError, match="out of range"):
        default_layout.draw_page(canvas, default_layout.page_count + 1, None, KEY)


def test_english_layout_uses_english_texts(default_layout):
    from survey.questionnaire import default_questionnaire

    english = QuestionnaireLayout(
        default_questionnaire(), LayoutOptions(language="en", survey_code=SURVEY)
    )
    words = " ".join(op.text for page in english.pages for op in page if hasattr(op, "text"))
    assert "page 1 of" in words
    assert "pagina" not in words
    assert english.form_map.version_hash == default_layout.form_map.version_hash
