"""Scan sources: format recognition, page counts, clear problems for unusable files."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ingest.sources import Kind, expand_paths, inspect_file, inspect_paths, page_refs, sniff
from papersurvey.simulate.scanfiles import encode_jpeg, write_scanner_pdf, write_tiff
from survey.errors import ValidationError
from tests.ingest.conftest import synthetic_page
from tests.ingest.pdfmake import add_text_page, save


def test_scanner_pdf_is_recognised_and_counted(scans, page_images):
    path = scans / "batch.pdf"
    write_scanner_pdf(path, page_images, dpi=100)
    sf = inspect_file(path)
    assert (sf.kind, sf.page_count, sf.problem, sf.usable) == (Kind.PDF, 4, "", True)
    assert len(sf.sha256) == 64
    refs = list(page_refs(sf, skip={1}))
    assert [r.index for r in refs] == [0, 2, 3]
    assert refs[0].label == "batch.pdf p.1"


@pytest.mark.parametrize("compression", ["group4", "tiff_lzw", "jpeg"])
def test_multipage_tiff_is_counted(scans, page_images, compression):
    path = scans / f"scan-{compression}.tif"
    write_tiff(path, page_images[:3], compression=compression, dpi=100)
    sf = inspect_file(path)
    assert (sf.kind, sf.page_count, sf.problem, sf.warning) == (Kind.TIFF, 3, "", "")


def test_image_files_are_single_pages(scans, page_images):
    (scans / "a.jpg").write_bytes(encode_jpeg(page_images[0]))
    import cv2

    cv2.imwrite(str(scans / "b.png"), page_images[1])
    got = [(Path(f.path).name, f.kind, f.page_count) for f in inspect_paths([scans])]
    assert got == [("a.jpg", Kind.IMAGE, 1), ("b.png", Kind.IMAGE, 1)]


def test_encrypted_pdf_is_refused_with_a_fix(scans, page_images):
    pdf = pikepdf.Pdf.new()
    add_text_page(pdf)
    sf = inspect_file(save(pdf, scans / "locked.pdf", user_password="geheim"))
    assert not sf.usable
    assert "encrypted with a password" in sf.problem
    assert "without a password" in sf.problem


def test_pdf_with_only_an_owner_password_is_read(scans):
    pdf = pikepdf.Pdf.new()
    add_text_page(pdf)
    sf = inspect_file(save(pdf, scans / "owner.pdf", user_password=""))
    assert sf.usable and sf.page_count == 1


def test_garbage_after_a_pdf_header_is_damaged(scans):
    path = scans / "kapot.pdf"
    path.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 20)
    sf = inspect_file(path)
    assert not sf.usable
    assert sf.problem.startswith("the PDF is damaged and cannot be opened")


def test_truncated_tiff_keeps_the_pages_before_the_damage(scans, page_images):
    path = scans / "afgebroken.tif"
    write_tiff(path, page_images, compression="tiff_lzw", dpi=100)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * 0.6)])
    sf = inspect_file(path)
    assert sf.usable
    assert 1 <= sf.page_count < 4
    assert "the TIFF is damaged after page" in sf.warning
    assert "Scan them again" in sf.warning


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Dit is geen scan maar een notitie.\n", "this is a text file, not a scan"),
        (b"", "the file is empty"),
        (b"GIF89a" + b"\x00" * 40, "this is a GIF image, not a scan"),
        (bytes([0, 1, 2, 3, 200, 201]) * 10, "this is not a PDF, TIFF, PNG or JPEG file"),
    ],
)
def test_files_that_are_not_scans_are_named(scans, content, message):
    path = scans / "scan.pdf"  # the extension does not matter
    path.write_bytes(content)
    sf = inspect_file(path)
    assert (sf.kind, sf.usable, sf.problem) == (None, False, message)


def test_an_office_document_is_not_a_scan(scans):
    path = scans / "brief.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", "<w/>")
    assert inspect_file(path).problem == "this is a ZIP archive or an Office document, not a scan"


def test_damaged_jpeg_file_is_refused(scans, page_images):
    path = scans / "kapot.jpg"
    path.write_bytes(encode_jpeg(page_images[0])[:20])
    sf = inspect_file(path)
    assert not sf.usable and sf.problem.startswith("the image is damaged")


def test_folders_expand_in_natural_order_without_hidden_files(scans):
    for name in ["p10.jpg", "p2.jpg", "p1.jpg", ".DS_Store", "sub/p3.jpg", ".hidden/x.jpg"]:
        (scans / name).parent.mkdir(parents=True, exist_ok=True)
        (scans / name).write_bytes(b"x")
    names = [p.relative_to(scans).as_posix() for p in expand_paths([scans, scans / "p1.jpg"])]
    assert names == ["p1.jpg", "p2.jpg", "p10.jpg", "sub/p3.jpg"]


def test_missing_paths_are_all_listed_before_anything_is_read(scans):
    with pytest.raises(ValidationError) as err:
        expand_paths([scans / "nope.pdf", scans, scans / "nada"])
    assert [p.where for p in err.value.problems] == [str(scans / "nope.pdf"), str(scans / "nada")]


def test_sniff():
    assert sniff(b"%PDF-1.7") is Kind.PDF
    assert sniff(b"II*\x00") is Kind.TIFF and sniff(b"MM\x00*") is Kind.TIFF
    assert sniff(b"\xff\xd8\xff\xe0") is Kind.IMAGE
    assert sniff(b"hello") is None


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    prefix=st.sampled_from(
        [b"%PDF-1.4\n", b"II*\x00", b"MM\x00*", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b""]
    ),
    body=st.binary(max_size=400),
)
def test_inspect_never_raises_on_arbitrary_bytes(tmp_path_factory, prefix, body):
    path = tmp_path_factory.mktemp("fuzz") / "f"
    path.write_bytes(prefix + body)
    sf = inspect_file(path)
    assert sf.usable or sf.problem


def test_identical_files_have_the_same_hash(scans):
    pages = [synthetic_page(7)]
    write_scanner_pdf(scans / "a.pdf", pages, dpi=100)
    (scans / "b.pdf").write_bytes((scans / "a.pdf").read_bytes())
    a, b = inspect_paths([scans])
    assert a.sha256 == b.sha256 and a.path != b.path


def test_files_inspected_at_once_come_back_in_order_and_an_early_stop_cancels(
    scans, page_images, monkeypatch
):
    import ingest.sources as sources

    monkeypatch.setattr(sources, "available_cores", lambda: 4)
    sizes = [1, 9, 2, 7, 1, 5]  # big files (slow to hash) between small ones
    for i, pages in enumerate(sizes):
        write_scanner_pdf(scans / f"s{i}.pdf", [encode_jpeg(page_images[0])] * pages)
    (scans / "s9.txt").write_text("not a scan")
    got = list(inspect_paths([scans]))
    assert [Path(f.path).name for f in got] == [f"s{i}.pdf" for i in range(6)] + ["s9.txt"]
    assert [f.page_count for f in got[:6]] == sizes
    assert got[-1].problem == "this is a text file, not a scan"
    # The early stop: every file but the first is held until the caller has stopped, so the
    # files still queued then are cancelled whatever the threads' timing.
    import threading

    started: list[str] = []
    release = threading.Event()
    real = sources.inspect_file

    def held(path: Path) -> object:
        started.append(path.name)
        if path.name != "s0.pdf":
            release.wait(10)
        return real(path)

    monkeypatch.setattr(sources, "inspect_file", held)
    first = inspect_paths([scans])
    assert Path(next(first).path).name == "s0.pdf"
    timer = threading.Timer(0.2, release.set)  # lets the held files finish once they are cancelled
    timer.start()
    first.close()
    timer.join()
    # Four threads: s0-s3 started at once; s4 only if a thread took it before the stop.
    assert (
        {"s0.pdf", "s1.pdf", "s2.pdf", "s3.pdf"} <= set(started) <= {f"s{i}.pdf" for i in range(5)}
    )
