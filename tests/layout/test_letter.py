"""Cover letters: templates, address block, KIX, login code and letter QR."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pypdfium2 as pdfium
import pytest
import zxingcpp

from layout import kix
from layout.address import DEFAULT_WINDOW, Addressee, format_postcode, salutation
from layout.letter import LetterLayout, format_date, render_letter
from layout.preview import render_pages
from layout.proof import example_letter_options
from layout.templates import (
    MERGE_FIELDS,
    VARIANTS,
    LetterTemplate,
    default_letters_folder,
    template_path,
)
from survey import codes
from survey import pseudonym as pseudonyms
from survey.errors import LetterTemplateError
from survey.units import A4_HEIGHT_PT, mm

OPTIONS = example_letter_options()
"""The invented municipality of the proofs: it closes on 15 October 2027, dated 1 October."""


@pytest.fixture(scope="module")
def addressee() -> Addressee:
    body = "7KQ3M9XT"
    return Addressee(
        name="J. van den Berg",
        street="Dorpsstraat",
        house_number="12",
        addition="a",
        postcode="2262ab",
        town="Leidschendam",
        salutation=salutation("m", "van den", "Berg"),
        pseudonym=body + pseudonyms.check_character(body),
    )


def _text_in(pdf: bytes, page: int, left: float, top: float, right: float, bottom: float) -> str:
    """Text inside a rectangle given in mm from the top-left corner of the sheet."""
    doc = pdfium.PdfDocument(pdf)
    try:
        tp = doc[page].get_textpage()
        return tp.get_text_bounded(
            mm(left), A4_HEIGHT_PT - mm(bottom), mm(right), A4_HEIGHT_PT - mm(top)
        )
    finally:
        doc.close()


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_shipped_templates_parse_and_use_only_known_fields(variant, language):
    template = LetterTemplate.load(template_path(default_letters_folder(), variant, language))
    assert template.subject
    assert template.fields() <= set(MERGE_FIELDS)
    assert {"aanhef", "code", "url"} <= template.fields()


def test_template_problems_are_all_reported():
    with pytest.raises(LetterTemplateError) as err:
        LetterTemplate.parse("Hallo\nniet leeg\n{naam} en {code}\n{kapot\n")
    messages = " ".join(p.message for p in err.value.problems)
    assert (
        "subject" in messages
        and "Line 2" in messages
        and "{naam}" in messages
        and "Broken" in messages
    )


def test_template_paragraphs_bullets_and_line_breaks():
    t = LetterTemplate.parse(
        "Onderwerp: Test {gemeente}\n\n{aanhef}\n\nEen alinea.\n\n- een\n- twee {code}\n\nGroet,\n\n{afzender_naam}\n{afzender_functie}\n"
    )
    assert [p.kind for p in t.paragraphs] == ["text", "text", "bullets", "text", "text"]
    merged = t.merged(
        {"gemeente": "X", "code": "AB-C", "afzender_naam": "N", "afzender_functie": "F"}
    )
    assert merged.subject == "Test X"
    assert merged.paragraphs[2].lines == ("een", "twee AB-C")
    assert merged.paragraphs[4].lines == ("N", "F")


def test_postnl_address_lines_and_salutation(addressee):
    assert addressee.lines() == ("J. van den Berg", "Dorpsstraat 12 a", "2262 AB  LEIDSCHENDAM")
    assert format_postcode(" 2262ab ") == "2262 AB"
    assert salutation("m", "van den", "Berg") == "Beste heer Van den Berg,"
    assert salutation("v", "", "Jansen") == "Beste mevrouw Jansen,"
    assert salutation("", "de", "Vries", first_name="Sam") == "Beste Sam de Vries,"
    assert salutation("", "", "") == "Beste heer of mevrouw,"
    assert salutation("v", "", "Jansen", "en") == "Dear Ms Jansen,"


def test_kix_encoding_matches_the_rm4scc_table():
    # Reference patterns (0=F, 1=A, 2=D, 3=T) from the RM4SCC table as used for KIX.
    table = {
        "0": "3300",
        "1": "3210",
        "5": "2211",
        "A": "2121",
        "K": "1221",
        "X": "0132",
        "Z": "0033",
    }
    states = {"0": "F", "1": "A", "2": "D", "3": "T"}
    for ch, digits in table.items():
        assert kix.bars(ch) == "".join(states[d] for d in digits), ch
    assert kix.kix_code("1231 fz", "13", "hs") == "1231FZ13XHS"
    assert kix.kix_code("1231GF", "156", "2") == "1231GF156X2"
    assert kix.kix_code("2130 VA", "80430") == "2130VA80430"
    with pytest.raises(ValueError):
        kix.bars("1234 AB")


def test_letter_renders_address_in_window_code_and_qr(addressee):
    pdf = render_letter(
        template_path(default_letters_folder(), "invitation_online", "nl"), OPTIONS, addressee
    )
    assert isinstance(pdf, bytes)
    w = DEFAULT_WINDOW
    window = _text_in(
        pdf,
        0,
        w.left / mm(1),
        w.top / mm(1),
        (w.left + w.width) / mm(1),
        (w.top + w.height) / mm(1),
    )
    for line in addressee.lines():  # (text extraction folds the two spaces into one)
        assert " ".join(line.split()) in window
    code = pseudonyms.grouped(addressee.pseudonym)
    everything = _text_in(pdf, 0, 0, 0, 210, 297)
    assert everything.count(code) >= 2  # in the panel and in the body
    assert "Beste heer Van den Berg," in everything
    assert "15 oktober 2027" in everything.replace("\xa0", " ")
    gray = render_pages(pdf, dpi=200)[0]
    found = [b.text for b in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)]
    expected = codes.limesurvey_url(
        "https://enquete.voorbeeld.nl", "123456", addressee.pseudonym, "nl"
    )
    assert found == [expected]


def test_letter_layout_draws_many_addressees_with_one_static_form(addressee):
    import io

    import pikepdf
    from reportlab.pdfgen.canvas import Canvas

    layout = LetterLayout(template_path(default_letters_folder(), "reminder", "nl"), OPTIONS)
    buffer = io.BytesIO()
    canvas = Canvas(buffer)
    total = 0
    for i in range(3):
        layout.define_static_forms(canvas)
        total += layout.draw(canvas, Addressee(**{**addressee.__dict__, "name": f"Persoon {i}"}))
        canvas.showPage()
    canvas.save()
    with pikepdf.open(io.BytesIO(buffer.getvalue())) as pdf:
        assert len(pdf.pages) == total == 3
        forms = {obj.objgen for p in pdf.pages for _, obj in p.Resources.XObject.items()}
        assert len(forms) == 1


def test_a_long_letter_runs_on_to_a_second_page(addressee):
    text = "Onderwerp: Lang\n\n{aanhef}\n\n" + "\n\n".join(
        ["Een heel lange alinea met veel woorden. " * 8] * 12
    )
    pdf = LetterLayout(text, OPTIONS).render(addressee)
    assert len(pdfium.PdfDocument(pdf)) == 2


def test_english_letter_dates_and_labels(addressee):
    opts = replace(OPTIONS, language="en")
    pdf = LetterLayout(
        template_path(default_letters_folder(), "invitation_paper", "en"), opts
    ).render(addressee)
    text = _text_in(pdf, 0, 0, 0, 210, 297)
    assert "1 October 2027" in text and "Date" in text
    assert format_date(dt.date(2027, 12, 5), "nl") == "5 december 2027"
