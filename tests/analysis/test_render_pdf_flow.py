"""The PDF's page flow: long tables start where they are, headings stay with their text."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from analysis import document as d
from analysis.render_pdf import render_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")

FILLER = " ".join(["Een zin die ruimte inneemt op de pagina."] * 12)


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    return [" ".join(p.split()) for p in text.split("\f")]


def _table(number: int, rows: int) -> d.TableBlock:
    return d.TableBlock(
        number,
        f"Lange tabel {number}",
        ("Onderdeel", "n", "%"),
        tuple((f"Rij {number}.{i}", "40", "50%") for i in range(rows)),
        ("Noot onder de tabel.",),
    )


def _document(*chapters: d.Chapter) -> d.Document:
    return d.Document("Titel", "Gemeente 2027", "maart 2027", "nl", chapters, {"table": "Tabel"})


def test_a_long_table_starts_on_the_page_of_its_caption(tmp_path: Path) -> None:
    """A 60-row table after half a page of text starts right there and repeats its header."""
    blocks: tuple[d.Block, ...] = (*[d.Paragraph(FILLER)] * 3, _table(1, 60))
    pdf = render_pdf(_document(d.Chapter("Hoofdstuk", blocks, "1")), tmp_path / "r.pdf")

    pages = _pages(pdf)
    first = next(p for p in pages if "Hoofdstuk" in p and FILLER[:30] in p)
    assert "Tabel 1 Lange tabel 1" in first and "Rij 1.0 " in first
    rest = [p for p in pages if "Rij 1.59" in p]
    assert rest and rest[0] != first and "Onderdeel n %" in rest[0]  # the header repeated


def test_a_heading_never_ends_a_page_without_its_paragraph(tmp_path: Path) -> None:
    """A heading near the bottom of a full page is on the page of its paragraph (a guard)."""
    blocks: list[d.Block] = [d.Paragraph(FILLER)] * 7
    blocks += [d.Heading("Tussenkop"), d.Paragraph("De alinea onder de kop.")]
    pdf = render_pdf(_document(d.Chapter("Hoofdstuk", tuple(blocks), "1")), tmp_path / "r.pdf")

    page = next(p for p in _pages(pdf) if "Tussenkop" in p and "Hoofdstuk . ." not in p)
    assert "De alinea onder de kop." in page


def test_a_second_appendix_follows_on_the_same_page(tmp_path: Path) -> None:
    small = (d.Paragraph("Korte bijlage."),)
    pdf = render_pdf(
        _document(
            d.Chapter("Eerste", small, "A", appendix=True),
            d.Chapter("Tweede", small, "B", appendix=True),
        ),
        tmp_path / "r.pdf",
    )

    pages = [p for p in _pages(pdf) if "Korte bijlage." in p]
    assert len(pages) == 1 and "Tweede" in pages[0]
