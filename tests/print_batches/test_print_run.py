"""A small real print run: 7 respondents in batches of 3, letter + questionnaire, duplex.

The run is made once per module (serially, in this process) and inspected by
several tests: manifests, page and sheet counts, blank backs, postal order,
PDF validity (pikepdf, pdfinfo, pdffonts), the job ticket, the store records,
and the page QR codes read back from rendered pages.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterator

import numpy as np
import pikepdf
import pypdfium2 as pdfium
import pytest
import zxingcpp

from print_batches.invitations import PrintOptions, print_invitations
from print_batches.manifest import ManifestRow, read_manifest
from print_batches.painters import QuestionnairePainter
from print_batches.run import RunReport
from print_batches.sorting import postal_key
from print_batches.variants import PrintChannel
from survey import pseudonym as pseudonyms
from survey.codes import CodeStatus, decode_page_code
from survey.executors import SerialExecutor
from survey.intake import read_addresses
from survey.project import Project
from survey.units import A4_HEIGHT_PT, A4_WIDTH_PT
from tests.print_batches.conftest import new_project

N = 7
BATCH = 3
BLANK = "Deze pagina is bewust leeg gelaten"


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Project, RunReport]]:
    folder = new_project(tmp_path_factory.mktemp("print"), N, email_share=0.5)
    with Project.open(folder) as project:
        report = print_invitations(
            project,
            PrintOptions(channel=PrintChannel.PAPER, batch_size=BATCH),
            executor=SerialExecutor(),
        )
        yield project, report


@pytest.fixture(scope="module")
def manifests(run: tuple[Project, RunReport]) -> dict[int, list[ManifestRow]]:
    _, report = run
    return {b: read_manifest(report.folder / f"batch-{b:03d}.csv") for b in (1, 2, 3)}


def page_text(pdf: pdfium.PdfDocument, index: int) -> str:
    return pdf[index].get_textpage().get_text_range()


def batch_pdfs(
    report: RunReport, manifests: dict[int, list[ManifestRow]]
) -> Iterator[tuple[int, list[ManifestRow], pdfium.PdfDocument]]:
    """Every batch with its manifest rows and its PDF, open while the caller reads it."""
    for batch, rows in manifests.items():
        pdf = pdfium.PdfDocument(report.folder / f"batch-{batch:03d}.pdf")
        try:
            yield batch, rows, pdf
        finally:
            pdf.close()


def test_report_and_files(run: tuple[Project, RunReport]) -> None:
    project, report = run
    assert report.folder == project.paths.print / "invitation"
    assert (report.batches, report.sets) == (3, N)
    assert sorted(p.name for p in report.folder.iterdir()) == [
        "batch-001.csv",
        "batch-001.pdf",
        "batch-002.csv",
        "batch-002.pdf",
        "batch-003.csv",
        "batch-003.pdf",
        "jobticket.json",
    ]
    assert not list(project.paths.print.glob(".*")), "no partial or old folders left behind"


def test_manifests_count_pages_sheets_and_blanks(
    run: tuple[Project, RunReport], manifests: dict[int, list[ManifestRow]]
) -> None:
    _project, report = run
    q_pages = None
    assert [len(m) for m in manifests.values()] == [3, 3, 1]
    for batch, rows in manifests.items():
        assert [r.sequence for r in rows] == list(range(1, len(rows) + 1))
        assert all(r.batch == batch and r.variant == "invitation_paper" for r in rows)
        page = 1
        for r in rows:
            assert r.first_page == page
            page += r.page_count
            # Duplex: every part starts on a new sheet, so sets are whole sheets.
            assert r.page_count % 2 == 0 and r.sheet_count == r.page_count // 2
            letter_pages = r.questionnaire_first_page - r.first_page
            assert letter_pages % 2 == 0 and letter_pages >= 2
            q = r.page_count - letter_pages - (r.blank_pages - (letter_pages - 1) % 2)
            q_pages = q_pages or q
            assert q == q_pages
        with pikepdf.open(report.folder / f"batch-{batch:03d}.pdf") as pdf:
            assert len(pdf.pages) == page - 1
    assert report.pages == sum(r.page_count for rows in manifests.values() for r in rows)
    assert report.sheets * 2 == report.pages
    assert report.blank_pages == sum(r.blank_pages for rows in manifests.values() for r in rows)


def test_blank_backs_say_so_and_only_they(
    run: tuple[Project, RunReport], manifests: dict[int, list[ManifestRow]]
) -> None:
    _, report = run
    for _, rows, pdf in batch_pdfs(report, manifests):
        blanks = [i for i in range(len(pdf)) if BLANK in page_text(pdf, i)]
        assert len(blanks) == sum(r.blank_pages for r in rows)
        for i in blanks:
            assert page_text(pdf, i).strip() == BLANK + "."
            # A blank back is the back of a sheet: an even page number (1-based).
            assert (i + 1) % 2 == 0


def test_postal_order_across_batches(
    run: tuple[Project, RunReport], manifests: dict[int, list[ManifestRow]]
) -> None:
    project, _ = run
    address = dict(read_addresses(project).values())
    order = [r.pseudonym for rows in manifests.values() for r in rows]
    assert len(set(order)) == N
    keys = [
        postal_key(address[p].postcode, address[p].house_number, address[p].addition, p)
        for p in order
    ]
    assert keys == sorted(keys)
    assert [r.postcode for rows in manifests.values() for r in rows] == [
        address[p].postcode for p in order
    ]


def test_batch_mark_on_every_first_page(
    run: tuple[Project, RunReport], manifests: dict[int, list[ManifestRow]]
) -> None:
    _, report = run
    for batch, rows, pdf in batch_pdfs(report, manifests):
        for r in rows:
            mark = f"batch {batch:03d}/003 · set {r.sequence:04d}/{len(rows):04d}"
            assert mark in page_text(pdf, r.first_page - 1)
            others = range(r.first_page, r.first_page + r.page_count - 1)
            assert not any(mark in page_text(pdf, i) for i in others)
            # The letter names the respondent's own login code and nobody else's.
            letter = page_text(pdf, r.first_page - 1)
            assert pseudonyms.grouped(r.pseudonym) in letter or r.pseudonym in letter


def test_pdfs_are_clean_a4_with_metadata_and_embedded_fonts(run: tuple[Project, RunReport]) -> None:
    _, report = run
    for path in sorted(report.folder.glob("*.pdf")):
        with pikepdf.open(path) as pdf:
            assert pdf.check_pdf_syntax() == []  # qpdf finds no problem or warning
            for page in pdf.pages:
                box = [float(v) for v in page.mediabox]
                assert box == pytest.approx([0, 0, A4_WIDTH_PT, A4_HEIGHT_PT], abs=0.01)
            assert "Klantbelevingsonderzoek" in str(pdf.docinfo["/Title"])
            assert "batch" in str(pdf.docinfo["/Subject"])
        assert b"/ASCII85Decode" not in path.read_bytes()  # plain binary streams
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
        assert info.stderr == ""
        assert "Page size:       595.276 x 841.89 pts (A4)" in info.stdout
        fonts = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True)
        assert fonts.stderr == ""
        rows = fonts.stdout.splitlines()[2:]
        assert rows, "no fonts listed"
        for row in rows:
            # columns: name, type, encoding, emb, sub, uni, object id
            assert row.split()[-5] == "yes", f"font not embedded in {path.name}: {row}"


def test_job_ticket(
    run: tuple[Project, RunReport], manifests: dict[int, list[ManifestRow]]
) -> None:
    project, report = run
    ticket = json.loads((report.folder / "jobticket.json").read_text(encoding="utf-8"))
    assert ticket["run"] == "invitation"
    assert ticket["survey"]["code"] == project.settings.survey.code
    assert ticket["paper"] == {
        "size": "A4",
        "width_mm": 210.0,
        "height_mm": 297.0,
        "duplex": True,
        "orientation": "portrait",
    }
    assert ticket["totals"]["sets"] == N and ticket["totals"]["pages"] == report.pages
    assert ticket["options"] == {"channel": "paper", "batch_size": BATCH}
    assert len(ticket["files"]) == 6
    for name, info in ticket["files"].items():
        data = (report.folder / name).read_bytes()
        assert info == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    assert [b["sets"] for b in ticket["batches"]] == [3, 3, 1]
    assert ticket["batches"][0]["first_postcode"] == manifests[1][0].postcode


def test_store_records_who_was_sent_what(
    run: tuple[Project, RunReport], manifests: dict[int, list[ManifestRow]]
) -> None:
    project, _ = run
    rows = project.store.query(
        "SELECT pseudonym, batch, sequence, variant, sent_at FROM mailings ORDER BY batch, sequence"
    )
    expected = [
        (r.pseudonym, f"invitation/{r.batch:03d}", r.sequence, r.variant)
        for b in manifests.values()
        for r in b
    ]
    assert [tuple(r)[:4] for r in rows] == expected
    assert all(r["sent_at"] for r in rows)
    assert project.store.pseudonyms() == {r[0] for r in expected}


def _decode_qrs(gray: np.ndarray) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)]


def test_every_questionnaire_page_qr_matches_the_manifest(
    run: tuple[Project, RunReport], manifests: dict[int, list[ManifestRow]]
) -> None:
    """Render every page and read its QR codes: questionnaire pages carry the set's own
    pseudonym and their page number; letters carry the online link with the same token."""
    project, report = run
    key, survey = project.key, project.settings.survey.code
    checked = 0
    for batch, rows, pdf in batch_pdfs(report, manifests):
        for r in rows:
            q_first = r.questionnaire_first_page
            for index in range(r.first_page - 1, r.last_page):
                number = index + 1
                texts = _decode_qrs(pdf[index].render(scale=150 / 72, grayscale=True).to_numpy())
                page_codes = [t for t in texts if t.startswith("PS1:")]
                if number >= q_first and BLANK not in page_text(pdf, index):
                    assert len(page_codes) == 2, f"batch {batch} page {number}: {texts}"
                    for text in page_codes:
                        code = decode_page_code(text, key, survey)
                        assert code.status is CodeStatus.OK
                        assert code.pseudonym == r.pseudonym
                        assert code.page == number - q_first + 1
                    checked += 1
                else:
                    assert page_codes == [], f"page code on a non-questionnaire page {number}"
                if number == r.first_page:
                    links = [t for t in texts if "/token/" in t]
                    assert len(links) == 1 and f"/token/{r.pseudonym}/" in links[0]
    assert checked == N * QuestionnairePainter(project).layout("nl").page_count
