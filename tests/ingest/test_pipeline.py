"""Scan runs end to end: idempotence, overlapping files, duplicates, bad inputs, resume.

Every run here is serial (in this process) unless the test is about another
executor; the store a run leaves is compared as a snapshot (see
``conftest.store_snapshot``).
"""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import cv2
import numpy as np
import pikepdf
import pytest

from ingest.codec import result_from_json
from ingest.pipeline import ScanOptions, scan
from ingest.report import format_report
from omr.form import prepare_form
from omr.params import DEFAULT_PARAMS
from papersurvey.simulate.scanfiles import encode_jpeg, write_tiff
from survey.errors import CorruptInputError, ProjectError, ValidationError
from survey.executors import SerialExecutor
from survey.pageresult import ReviewReason
from survey.project import Project
from survey.readingmaps import respondent_map_ids
from survey.store import Store
from tests.ingest.conftest import (
    ROUND_DPI,
    assert_same_store,
    run,
    simulate_pages,
    store_snapshot,
    write_pdf,
)
from tests.ingest.pdfmake import add_text_page
from tests.ingest.test_scan_command import two_versions  # noqa: F401  (a fixture)
from tests.omr.test_mapchoice import with_boxes


def test_clean_batch_is_read_assembled_and_reported(clean, round_template):
    snap, report = clean
    n = len(round_template.pages)
    assert report.run.positions == n and report.run.new_pages == n and report.run.failed == 0
    assert report.pages == {"ok": n}
    assert report.identified == n
    assert report.respondents["complete"] == len(round_template.pseudonyms)
    assert report.respondents["incomplete"] == 0
    answered = {row[0] for row in snap["answers"]}
    assert answered == set(round_template.pseudonyms)
    assert {row[3] for row in snap["positions"]} == {"read"}
    assert all(row[2] == "classified" and row[4] is None for row in snap["measures"])
    # every open review item has a clip on disk, named by pseudonym and question
    clips = {(c[0], c[1]): c[4] for c in snap["clips"]}
    files = {f for f, _ in snap["clip_files"]}
    for pseudonym, question, sha, _reason, _state in snap["review"]:
        name = clips[(sha, question)]
        assert name == f"clips/{pseudonym}/{question}_{sha[:8]}.png"
        assert name.removeprefix("clips/") in files
    assert snap["candidates_left"] == []
    assert len(report.review_open) == len(snap["review"])
    assert report.quality["dpi"]["median"] == pytest.approx(ROUND_DPI, abs=2)
    assert report.quality["dpi_mismatch"] == 0
    assert len(report.quality["pages"]) == n


def test_scanning_the_same_file_twice_counts_it_once(clean, round_dir, round_template):
    pdf = write_pdf(round_dir / "scans" / "batch.pdf", round_template.pages)
    copy = round_dir / "scans" / "batch-again.pdf"
    shutil.copy(pdf, copy)
    run(round_dir, [pdf], round_template)
    again = run(round_dir, [pdf, copy], round_template, batch="b2")  # no new batch without files
    assert again.run.positions == 0
    assert again.run.skipped == len(round_template.pages)
    assert_same_store(store_snapshot(round_dir), clean[0])


def test_assembly_in_small_chunks_writes_the_same_store(
    clean, round_dir, round_template, monkeypatch
):
    from ingest import finalise

    monkeypatch.setattr(finalise, "ASSEMBLE_CHUNK", 1)  # one respondent at a time
    run(
        round_dir,
        [write_pdf(round_dir / "scans" / "batch.pdf", round_template.pages)],
        round_template,
    )
    assert_same_store(store_snapshot(round_dir), clean[0])


def test_batch_calibration_takes_a_bounded_sample_of_pages(round_dir, round_template, monkeypatch):
    import json

    from ingest import finalise

    monkeypatch.setattr(finalise, "CALIBRATION_MAX_PAGES", 3)
    run(
        round_dir,
        [write_pdf(round_dir / "scans" / "batch.pdf", round_template.pages)],
        round_template,
    )
    with Store.open(round_dir / "store.sqlite") as store:
        calibration = json.loads(store.query_one("SELECT calibration FROM scan_batches")[0])
        first = store.query(
            "SELECT measures FROM page_measures WHERE measures IS NOT NULL "
            "ORDER BY image_sha256 LIMIT 3"
        )
    from ingest.codec import arrays_from_bytes
    from omr.checkboxes import BoxMeasures

    boxes = sum(len(arrays_from_bytes(BoxMeasures, r[0])) for r in first)
    assert 0 < calibration["boxes"] <= boxes  # readable boxes of the first three pages only
    assert calibration["boxes"] < len(round_template.pages) * boxes / 3


def test_overlapping_files_count_each_page_once(clean, round_dir, round_template):
    pages = round_template.pages
    a = write_pdf(round_dir / "scans" / "part-a.pdf", pages[:12])
    b = write_pdf(round_dir / "scans" / "part-b.pdf", pages[8:])  # pages 9-12 in both
    report = run(round_dir, [a, b], round_template)
    assert report.run.new_pages == len(pages)
    assert report.run.repeats == 4
    assert report.duplicates["identical_image"] == 4
    snap, ref = store_snapshot(round_dir), clean[0]
    assert [r[0] for r in snap["pages"]] == [r[0] for r in ref["pages"]]
    for key in ("answers", "review", "clip_files"):
        assert snap[key] == ref[key], key
    repeats = [r for r in snap["positions"] if r[3] == "repeat"]
    assert all("the same image as part-a.pdf p." in r[4] for r in repeats)


def test_duplicates_missing_pages_and_photocopies_follow_the_rules(round_dir, round_template):
    pages, n = list(round_template.pages), round_template.page_count
    first, second, third = round_template.pseudonyms
    rescan = encode_jpeg(
        _decode(pages[n + 1]), 70
    )  # respondent 2, page 2, through the scanner again
    photocopy = [encode_jpeg(img, 85) for img in simulate_pages(round_dir, third, seed=999)]
    batch = pages[: n - 1] + pages[n : 2 * n] + [rescan] + pages[2 * n :] + photocopy
    report = run(round_dir, [write_pdf(round_dir / "scans" / "mixed.pdf", batch)], round_template)
    assert report.respondents["incomplete_list"] == [{"pseudonym": first, "missing_pages": [n]}]
    assert report.respondents["complete"] == 2
    # every page of the photocopy is a duplicate: with other answers, or the same (a page
    # without questions, or answered alike), plus the one page of the second respondent
    assert report.duplicates["returned_twice"] >= 1
    assert report.duplicates["rescanned_page"] + report.duplicates["returned_twice"] == n + 1
    with Store.open(round_dir / "store.sqlite") as store:
        dup = {
            r[0]: r[1]
            for r in store.query(
                "SELECT image_sha256, reason FROM pages WHERE status = 'duplicate'"
            )
        }
        assert len(dup) == n + 1
        assert sum(r.startswith(f"rescanned_page: page 2 of {second}") for r in dup.values()) == 1
        assert all(
            third in r for r in dup.values() if not r.startswith("rescanned_page: page 2 of")
        )
        items = store.query(
            "SELECT pseudonym, page_sha256 FROM review_items WHERE reason = 'returned_twice'"
        )
        assert {r[0] for r in items} == {third}
        assert {r[1] for r in items} <= set(dup)  # the item is on the losing copy
        # the copy scanned first counts: the answers come from the original pages
        shas = {
            r[0]
            for r in store.query(
                "SELECT DISTINCT page_sha256 FROM answers WHERE pseudonym = ?", (third,)
            )
        }
        assert not shas & set(dup)
        assert store.scalar("SELECT count(*) FROM pages") == len(batch)  # nothing dropped


def _decode(jpeg: bytes):

    return cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_GRAYSCALE)


def test_bad_inputs_are_reported_and_the_rest_is_read(round_dir, round_template, caplog):
    pages = round_template.pages
    scans = round_dir / "scans" / "bag"
    good = write_pdf(scans / "01-good.pdf", pages[:3])
    (scans / "02-corrupt.pdf").write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 8)
    pdf = pikepdf.Pdf.open(good)
    pdf.save(scans / "03-locked.pdf", encryption=pikepdf.Encryption(user="geheim", owner="x"))
    pdf.close()
    write_tiff(
        scans / "04-cut.tif", [_decode(p) for p in pages[3:6]], compression="jpeg", dpi=ROUND_DPI
    )
    data = (scans / "04-cut.tif").read_bytes()
    (scans / "04-cut.tif").write_bytes(data[: int(len(data) * 0.5)])
    mixed = pikepdf.Pdf.open(
        write_pdf(scans / "05-mixed.pdf", pages[6:8]), allow_overwriting_input=True
    )
    add_text_page(mixed, "Geachte heer, mevrouw, hierbij mijn klacht.")
    mixed.save(scans / "05-mixed.pdf")
    (scans / "06-notes.txt").write_text("bak 3: 120 enveloppen\n")
    caplog.set_level(logging.INFO, logger="papersurvey")
    report = run(round_dir, [scans], round_template)
    rejected = dict(report.run.rejected)
    assert rejected["02-corrupt.pdf"].startswith("the PDF is damaged and cannot be opened")
    assert rejected["03-locked.pdf"].startswith("the PDF is encrypted with a password")
    assert rejected["06-notes.txt"] == "this is a text file, not a scan"
    assert "the TIFF is damaged after page" in dict(report.run.warnings)["04-cut.tif"]
    log = caplog.text
    for name in ("04-cut.tif", "05-mixed.pdf p.3"):  # read, with a warning
        assert name in log
    said = [
        line.split(":")[1].strip()
        for line in format_report(report).splitlines()
        if "not read:" in line
    ]
    assert sorted(said) == ["02-corrupt.pdf", "03-locked.pdf", "06-notes.txt"]  # once each
    assert not [name for name in said if name in log]
    assert report.pages.get("unregistrable") == 1  # the letter in 05-mixed.pdf
    assert report.quarantined.get("unregistrable") == 1
    assert report.quality["rendered"] == 1
    ok = report.pages["ok"]
    assert ok >= 3 + 2 + 1  # the good PDF, the scans of the mixed PDF, the TIFF's first page
    letter = [q for q in report.quarantine if q["source"] == "05-mixed.pdf p.3"]
    assert letter and letter[0]["preview"].startswith("clips/pages/")
    assert (round_dir / letter[0]["preview"]).is_file()


def test_image_folders_and_blank_backs(round_dir, round_template):

    folder = round_dir / "scans" / "photos"
    folder.mkdir(parents=True)
    (folder / "p1.jpg").write_bytes(round_template.pages[0])
    back = np.random.default_rng(3).normal(247, 2, (1754, 1240)).clip(0, 255).astype(np.uint8)
    cv2.imwrite(str(folder / "p2.png"), back)  # the empty back of the sheet
    (folder / "p10.jpg").write_bytes(round_template.pages[1])
    report = run(round_dir, [folder], round_template)
    assert report.pages == {"blank": 1, "ok": 2}
    assert report.quarantined == {} and report.run.files == 3
    assert [p["page"] for p in report.quality["pages"]] == [
        "p1.jpg p.1",
        "p2.png p.1",
        "p10.jpg p.1",
    ]


def test_foreign_pages_are_quarantined(round_dir, round_template):
    other_key = bytes(32)
    stranger = simulate_pages(round_dir, round_template.pseudonyms[0], seed=5, key=other_key)[:1]
    pdf = write_pdf(
        round_dir / "scans" / "f.pdf", [round_template.pages[0], encode_jpeg(stranger[0])]
    )
    report = run(round_dir, [pdf], round_template)
    assert report.pages == {"foreign": 1, "ok": 1}
    (item,) = report.quarantine
    assert item["reason"] == "foreign" and item["source"] == "f.pdf p.2"


def test_a_wrong_dpi_in_the_file_is_caught_by_the_marks(round_dir, round_template, caplog):
    pdf = write_pdf(round_dir / "scans" / "w.pdf", round_template.pages[:1], dpi=ROUND_DPI * 2)
    caplog.set_level(logging.WARNING, logger="papersurvey")
    report = run(round_dir, [pdf], round_template)
    assert report.pages == {"ok": 1}  # read all the same: the marks give the scale
    (page,) = report.quality["pages"]
    assert page["dpi_declared"] == 2 * ROUND_DPI and page["dpi"] == pytest.approx(ROUND_DPI, abs=2)
    assert page["dpi_mismatch"] and report.quality["dpi_mismatch"] == 1
    assert (
        f"w.pdf p.1: the file says {2 * ROUND_DPI:.1f} dpi but the registration marks measure"
        in caplog.text
    )


def test_unknown_respondent_is_quarantined(round_dir, round_template):
    from survey.entropy import now, seeded
    from survey.pseudonym import new_pseudonym

    with seeded(6, now()):  # the same stranger, so the same page, on every run
        stranger = new_pseudonym()
    page = simulate_pages(round_dir, stranger, seed=6)[0]
    report = run(
        round_dir, [write_pdf(round_dir / "scans" / "u.pdf", [encode_jpeg(page)])], round_template
    )
    assert report.pages == {"unknown_respondent": 1}
    assert report.quarantined == {"unknown_respondent": 1}


def test_nothing_readable_is_an_error_and_missing_paths_stop_everything(round_dir, round_template):
    (round_dir / "scans" / "x.txt").write_text("geen scan")
    with pytest.raises(
        CorruptInputError,
        match=r"The scan file cannot be read; nothing was read:\n  x\.txt: this is a text",
    ):
        run(round_dir, [round_dir / "scans"], round_template)
    with pytest.raises(ValidationError, match="do not exist"):
        run(round_dir, [round_dir / "nope.pdf"], round_template)


# --- which form map a page is read with ----------------------------------------------------------
def test_respondent_map_ids_merge_languages_and_printed_maps(round_dir, round_template):
    a, b, c = round_template.pseudonyms
    nl = round_template.form_maps["nl"]
    other = with_boxes(nl, 1, lambda box: box.question != "q01_grade_overall")
    with Store.open(round_dir / "store.sqlite") as store:
        store.execute("UPDATE respondents SET language = 'en' WHERE pseudonym IN (?, ?)", (a, b))
        maps = {"nl": nl, "en": other, "nl@0a7534c9bd7e": other}
        got = respondent_map_ids(store, maps, {b: "nl@0a7534c9bd7e", c: ("nl", "nl@0a7534c9bd7e")})
        assert got == {a: ("en",), b: ("nl@0a7534c9bd7e",), c: ("nl", "nl@0a7534c9bd7e")}
        # a language laid out as the default needs no entry; nor does a printed map that is
        assert respondent_map_ids(store, {"nl": nl, "en": nl}, {c: ("nl",)}) == {}
        with pytest.raises(ProjectError, match="nl@ffffffffffff"):
            respondent_map_ids(store, maps, {c: ("nl@ffffffffffff",)})


def test_a_sheet_that_shows_neither_version_sends_every_question_to_review(
    two_versions,  # noqa: F811
    tmp_path,
    caplog,
):
    """Page 1's boxes are whited out: which version it is cannot be seen."""
    t = two_versions
    root = tmp_path / "round"
    shutil.copytree(t.root, root)
    sheet = t.page_one[t.both_old]
    rects = [r for fm in t.maps.values() for r in prepare_form(fm).page(1).rects]
    top = min(r[1] for r in rects) * ROUND_DPI / 72 - 15
    bottom = max(r[3] for r in rects) * ROUND_DPI / 72 + 15
    image = sheet.image.copy()
    image[int(top) : int(bottom), 150:-150] = 255  # the marks and codes in the corners stay
    pdf = write_pdf(root / "scans" / "blank.pdf", [encode_jpeg(image)])
    maps = dict(t.maps)
    options = ScanOptions(
        root,
        (pdf,),
        maps,
        respondent_maps={t.both_old: ("nl", t.v1)},
        workers=1,
        batch="whited",
    )
    scan(options, executor=SerialExecutor())
    with Store.open(root / "store.sqlite") as store:
        row = store.query_one(
            "SELECT p.result, p.quality, p.image_sha256 FROM pages p "
            "JOIN scan_files f ON f.sha256 = p.file_sha256 WHERE f.path LIKE '%blank.pdf'"
        )
        assert row is not None
        quality = json.loads(row["quality"])
        assert quality["map"] == "nl" and "does not clearly show which" in quality["map_note"]
        result = result_from_json(row["result"])
        assert result.questions
        assert all(ReviewReason.UNREADABLE in q.review for q in result.questions)
    assert "does not clearly show which one it is" in caplog.text


def _with_omr_settings(root: Path, lines: str) -> None:
    toml = root / "survey.toml"
    text = toml.read_text(encoding="utf-8")
    assert "\n[omr]\n" in text
    toml.write_text(text.replace("\n[omr]\n", f"\n[omr]\n{lines}\n", 1), encoding="utf-8")


def test_omr_settings_apply_and_misspelt_ones_stop_the_scan(round_dir: Path) -> None:
    from ingest.pipeline import omr_params

    _with_omr_settings(round_dir, "text_min_height_pt = 3.5")
    with Project.open(round_dir) as project:
        assert omr_params(project).text_min_height_pt == 3.5
    _with_omr_settings(round_dir, "text_min_heigth_pt = 3.5")
    with (
        Project.open(round_dir) as project,
        pytest.raises(
            ProjectError, match=r"unknown OMR setting\(s\) text_min_heigth_pt in \[omr\]"
        ),
    ):
        omr_params(project)


def test_a_retired_omr_setting_is_ignored_with_a_warning(round_dir: Path, caplog) -> None:
    from ingest.pipeline import omr_params

    _with_omr_settings(round_dir, "text_min_ink = 0.002")
    with Project.open(round_dir) as project, caplog.at_level(logging.WARNING):
        params = omr_params(project)
    assert params == DEFAULT_PARAMS
    assert any("text_min_ink is no longer used" in r.getMessage() for r in caplog.records)


def test_pages_a_worker_fails_to_classify_are_classified_in_the_parent(
    clean, round_dir, round_template, caplog
) -> None:
    from ingest.classifytask import classify_task
    from survey.executors import TaskOutcome

    class FailingClassify(SerialExecutor):
        def map_unordered(self, fn, context, tasks, *, init=None):
            if fn is classify_task:
                yield from (TaskOutcome(t, None, "the worker died") for t in tasks)
            else:
                yield from super().map_unordered(fn, context, tasks, init=init)

    pdf = write_pdf(round_dir / "scans" / "batch.pdf", round_template.pages)
    options = ScanOptions(round_dir, (pdf,), round_template.form_maps, workers=1, batch="b1")
    with caplog.at_level(logging.WARNING):
        scan(options, executor=FailingClassify())
    assert_same_store(store_snapshot(round_dir), clean[0])
    assert any("classified here" in r.getMessage() for r in caplog.records)
