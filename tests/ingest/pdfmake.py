"""Odd PDFs for the source tests: text pages, OCR layers, rotated placements, encryption."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pikepdf

from papersurvey.simulate.scanfiles import encode_jpeg

A4 = (595.0, 842.0)


def _font(pdf: pikepdf.Pdf) -> pikepdf.Dictionary:
    return pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )


def add_text_page(pdf: pikepdf.Pdf, text: str = "Geachte heer, mevrouw,") -> None:
    """A born-digital page of text: no image, so it must be rendered."""
    pdf.add_blank_page(page_size=A4)
    page = pdf.pages[-1]
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=_font(pdf)))
    page.Contents = pdf.make_stream(f"BT /F1 24 Tf 72 700 Td ({text}) Tj ET".encode())


def add_image_page(
    pdf: pikepdf.Pdf,
    gray: np.ndarray,
    dpi: float,
    *,
    rotate_placement: bool = False,
    ocr_layer: bool = False,
) -> bytes:
    """A scanner page; returns the embedded JPEG bytes.

    ``rotate_placement`` draws the image turned a quarter (a landscape page
    holding a portrait scan), ``ocr_layer`` adds invisible text as OCR tools do.
    """
    jpeg = encode_jpeg(gray)
    h, w = gray.shape
    w_pt, h_pt = w * 72 / dpi, h * 72 / dpi
    image = pikepdf.Stream(
        pdf,
        jpeg,
        Type=pikepdf.Name.XObject,
        Subtype=pikepdf.Name.Image,
        Width=w,
        Height=h,
        ColorSpace=pikepdf.Name.DeviceGray,
        BitsPerComponent=8,
        Filter=pikepdf.Name.DCTDecode,
    )
    if rotate_placement:
        pdf.add_blank_page(page_size=(h_pt, w_pt))
        cm = f"0 {w_pt:.4f} {-h_pt:.4f} 0 {h_pt:.4f} 0 cm"
    else:
        pdf.add_blank_page(page_size=(w_pt, h_pt))
        cm = f"{w_pt:.4f} 0 0 {h_pt:.4f} 0 0 cm"
    page = pdf.pages[-1]
    page.Resources = pikepdf.Dictionary(
        XObject=pikepdf.Dictionary(Im0=image), Font=pikepdf.Dictionary(F1=_font(pdf))
    )
    content = f"q {cm} /Im0 Do Q"
    if ocr_layer:
        content += " BT 3 Tr /F1 12 Tf 72 700 Td (onzichtbare OCR-tekst) Tj ET"
    page.Contents = pdf.make_stream(content.encode())
    return jpeg


def save(pdf: pikepdf.Pdf, path: Path, *, user_password: str | None = None) -> Path:
    if user_password is None:
        pdf.save(path)
    else:
        pdf.save(path, encryption=pikepdf.Encryption(user=user_password, owner="eigenaar"))
    return path
