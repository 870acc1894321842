"""Decoding pages: embedded images extracted, other PDF pages rendered, stable page keys."""

from __future__ import annotations

import hashlib

import numpy as np
import pikepdf
import pytest

from ingest.decode import load_page
from ingest.sources import inspect_file, page_refs
from papersurvey.simulate.scanfiles import encode_jpeg, write_scanner_pdf, write_tiff
from survey.errors import CorruptInputError
from tests.ingest.pdfmake import add_image_page, add_text_page, save


def _pages(path):
    return [load_page(r) for r in page_refs(inspect_file(path))]


def test_scanner_page_is_extracted_with_its_dpi_and_jpeg_hash(scans, page_images):
    jpeg = encode_jpeg(page_images[0])
    write_scanner_pdf(scans / "a.pdf", [jpeg], dpi=150)
    (scans / "same.jpg").write_bytes(jpeg)
    (page,) = _pages(scans / "a.pdf")
    (file_page,) = _pages(scans / "same.jpg")
    assert page.method == "extract"
    assert page.dpi == pytest.approx(150, abs=0.5)
    assert page.sha256 == hashlib.sha256(jpeg).hexdigest() == file_page.sha256
    assert page.gray.shape == page_images[0].shape and page.gray.dtype == np.uint8
    assert np.abs(page.gray.astype(int) - page_images[0]).mean() < 3  # JPEG loss only
    np.testing.assert_array_equal(page.gray, file_page.gray)


def test_text_pages_mixed_in_are_rendered(scans, page_images):
    pdf = pikepdf.Pdf.new()
    add_image_page(pdf, page_images[0], 100)
    add_text_page(pdf)
    add_image_page(pdf, page_images[1], 100, ocr_layer=True)
    add_image_page(pdf, page_images[2], 100, rotate_placement=True)
    pages = _pages(save(pdf, scans / "mixed.pdf"))
    assert [p.method for p in pages] == ["extract", "render", "extract", "extract"]
    text = pages[1]
    assert text.dpi == 200 and text.gray.shape == (round(842 * 200 / 72), round(595 * 200 / 72))
    assert (text.gray < 128).mean() > 0.0005  # the text is there
    assert pages[3].dpi == pytest.approx(100, abs=0.5)  # drawn turned, still 100 dpi
    assert len({p.sha256 for p in pages}) == 4


def test_rendered_page_key_is_stable(scans):
    pdf = pikepdf.Pdf.new()
    add_text_page(pdf)
    path = save(pdf, scans / "t.pdf")
    assert _pages(path)[0].sha256 == _pages(path)[0].sha256


def test_one_bit_flate_page_is_extracted(scans, page_images):
    bits = page_images[0] >= 128
    write_scanner_pdf(scans / "bw.pdf", [bits], dpi=100)
    (page,) = _pages(scans / "bw.pdf")
    assert page.method == "extract"
    assert set(np.unique(page.gray)) == {0, 255}
    np.testing.assert_array_equal(page.gray == 255, bits)


@pytest.mark.parametrize("compression", ["group4", "tiff_lzw", "jpeg"])
def test_tiff_pages_decode_with_dpi_and_distinct_keys(scans, page_images, compression):
    path = scans / "s.tif"
    write_tiff(path, page_images[:3], compression=compression, dpi=100)
    pages = _pages(path)
    assert [p.method for p in pages] == ["tiff"] * 3
    assert all(p.dpi == pytest.approx(100) and p.gray.shape == page_images[0].shape for p in pages)
    assert len({p.sha256 for p in pages}) == 3
    assert [p.sha256 for p in _pages(path)] == [p.sha256 for p in pages]
    if compression == "group4":
        assert set(np.unique(pages[0].gray)) == {0, 255}


def test_truncated_pdf_fails_per_page_with_a_clear_message(scans, page_images):
    write_scanner_pdf(scans / "full.pdf", page_images, dpi=100)
    data = (scans / "full.pdf").read_bytes()
    path = scans / "half.pdf"
    path.write_bytes(data[: int(len(data) * 0.6)])
    refs = list(page_refs(inspect_file(path)))
    assert load_page(refs[0]).method == "extract"
    with pytest.raises(
        CorruptInputError, match=r"half.pdf p.4: the page cannot be read; the PDF is damaged"
    ):
        load_page(refs[3])


def test_truncated_jpeg_file_is_damaged(scans, page_images):
    path = scans / "cut.jpg"
    data = encode_jpeg(page_images[0])
    path.write_bytes(data[: int(len(data) * 0.8)])
    sf = inspect_file(path)
    if sf.usable:  # PIL's header check passes; the decoder refuses it
        with pytest.raises(CorruptInputError, match=r"cut.jpg p.1: the image cannot be decoded"):
            load_page(next(page_refs(sf)))
    else:
        assert sf.problem.startswith("the image is damaged")


def test_a_file_that_fails_to_open_leaves_the_file_before_it_readable(scans, page_images):
    """Each thread keeps the last PDF open; a moved file closes it, and the one before it
    opens again instead of being read from a closed document."""
    from dataclasses import replace

    write_scanner_pdf(scans / "a.pdf", page_images[:1], dpi=100)
    (ref,) = page_refs(inspect_file(scans / "a.pdf"))
    first = load_page(ref)
    with pytest.raises(CorruptInputError):
        load_page(replace(ref, path=str(scans / "moved.pdf")))
    again = load_page(ref)
    assert again.sha256 == first.sha256
    np.testing.assert_array_equal(again.gray, first.gray)
