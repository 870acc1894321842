"""``papersurvey scan`` and the scan part of ``papersurvey status --json``, through the CLI.

(These test ``papersurvey/commands/scan.py``; they live here for the round
fixtures of the ingest tests.)
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from ingest.codec import result_from_json
from layout.roundoptions import questionnaire_form_maps
from omr.page import read_page
from papersurvey.cli import main
from papersurvey.simulate.evaluate import score_sheet
from papersurvey.simulate.scanfiles import encode_jpeg
from papersurvey.simulate.sheets import SheetTruth, SimulatedSheet
from print_batches.formmaps import save_run_maps
from survey.errors import ExitCode
from survey.formmap import FormMap
from survey.formmaps_store import PrintedMap, record_run_maps, version_map_id
from survey.project import Project
from tests.ingest.conftest import (
    BATCH,
    ROUND_DPI,
    RoundTemplate,
    add_respondents,
    assert_same_store,
    store_snapshot,
    write_pdf,
)
from tests.print_batches.conftest import edit_questionnaire
from tests.signals import ctrl_c_raises

REPO = Path(__file__).resolve().parents[2]


def cli(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_scan_then_status_json(capsys, round_dir, round_template, clean):
    pdf = write_pdf(round_dir / "scans" / "batch.pdf", round_template.pages)
    code, out, err = cli(capsys, "scan", round_dir, pdf, "--workers", "1", "--batch", BATCH)
    assert code == 0, err
    assert out.startswith(f"Scan batch {BATCH}\n")
    assert f"respondents:  {len(round_template.pseudonyms)} complete, 0 incomplete" in out
    assert_same_store(store_snapshot(round_dir), clean[0])  # the CLI does what the library does

    code, out, _ = cli(capsys, "status", round_dir, "--json")
    assert code == 0
    scan = json.loads(out)["scan"]
    assert [b["name"] for b in scan["batches"]] == [BATCH]
    assert scan["batches"][0]["pages"] == len(round_template.pages)
    assert scan["batches"][0]["last_run"]["positions"] == len(round_template.pages)
    assert scan["pages"] == {"ok": len(round_template.pages)}
    assert scan["respondents"]["complete"] == len(round_template.pseudonyms)
    assert set(scan["duplicates"]) == {"identical_image", "rescanned_page", "returned_twice"}
    page = scan["quality"]["pages"][0]
    assert page["page"] == "batch.pdf p.1" and {"skew_deg", "dpi", "contrast"} <= set(page)
    review = {(r[0], r[1], r[3]) for r in clean[0]["review"]}
    assert {(i["pseudonym"], i["question"], i["reason"]) for i in scan["review_open"]} == review
    assert sum(scan["review_items"].values()) >= len(review)


def test_scan_json_report(capsys, round_dir, round_template):
    pdf = write_pdf(round_dir / "scans" / "one.pdf", round_template.pages[:2])
    code, out, _ = cli(capsys, "scan", round_dir, pdf, "--workers", "1", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["run"]["positions"] == 2 and report["run"]["executor"] == "serial"
    assert report["batches"][0].startswith("one-")  # default name: the first path and the time


def test_exit_codes(capsys, round_dir):
    code, _, err = cli(capsys, "scan", round_dir, round_dir / "nope.pdf")
    assert code == ExitCode.INPUT_INVALID
    assert "nope.pdf" in err and "no such file or folder" in err
    (round_dir / "scans" / "lijst.txt").write_text("geen scan\n")
    code, _, err = cli(capsys, "scan", round_dir, round_dir / "scans", "--workers", "1")
    assert code == ExitCode.CORRUPT_INPUT
    assert "lijst.txt: this is a text file, not a scan" in err
    code, _, err = cli(capsys, "scan", round_dir, round_dir / "scans", "--workers", "0")
    assert code == ExitCode.USAGE and "must be a whole number of 1 or more" in err


def test_ctrl_c_stops_cleanly_and_the_rerun_resumes(round_dir, round_template, clean):
    pdf = write_pdf(round_dir / "scans" / "batch.pdf", round_template.pages)
    cmd = [sys.executable, "-m", "papersurvey.cli", "scan", str(round_dir), str(pdf)]
    with ctrl_c_raises():  # the child takes Ctrl-C as from a terminal
        child = subprocess.Popen(
            [*cmd, "--workers", "2", "--batch", BATCH],
            cwd=REPO,
            env={**os.environ, "PYTHONPATH": str(REPO)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    deadline = time.monotonic() + 60
    while not (round_dir / "store.sqlite-wal").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.5)  # somewhere in the batch
    child.send_signal(signal.SIGINT)
    _out, err = child.communicate(timeout=60)
    if child.returncode == 0:
        pytest.skip("the batch finished before Ctrl-C arrived")
    assert child.returncode == ExitCode.INTERRUPTED, err
    assert "interrupted; run the same command again to resume" in err
    assert main(["scan", str(round_dir), str(pdf), "--workers", "1", "--batch", BATCH]) == 0
    assert_same_store(store_snapshot(round_dir), clean[0])


# --- the form maps the round was printed with -------------------------------------------------
PRINTED_AT = "2027-03-01T09:30:00Z"


def save_printed_maps(root: Path, template: RoundTemplate) -> PrintedMap:
    """What ``papersurvey print`` keeps for this round: the nl map, printed for every respondent."""
    with Project.open(root) as project:
        (printed,) = save_run_maps(
            project, {"nl": template.form_maps["nl"]}, {"nl": list(template.pseudonyms)}
        )
        with project.store.transaction():
            record_run_maps(project.store, "invitation", PRINTED_AT, [printed])
    return printed


def form_map_lines(err: str) -> list[str]:
    return [line for line in err.splitlines() if "form map" in line]


def test_scan_reads_with_the_printed_maps_after_the_questionnaire_changed(
    capsys, round_dir, round_template, clean
):
    printed = save_printed_maps(round_dir, round_template)
    edit_questionnaire(round_dir)  # a shorter introduction: the boxes of page 1 move up
    with Project.open(round_dir) as project:
        now = questionnaire_form_maps(project, ["nl"])["nl"]
    assert now != round_template.form_maps["nl"]
    assert {b.rect for b in now.page(1).boxes} != {
        b.rect for b in round_template.form_maps["nl"].page(1).boxes
    }

    pdf = write_pdf(round_dir / "scans" / "batch.pdf", round_template.pages)
    code, out, err = cli(capsys, "scan", round_dir, pdf, "--workers", "1", "--batch", BATCH)
    assert code == 0, err
    assert f"respondents:  {len(round_template.pseudonyms)} complete, 0 incomplete" in out
    assert_same_store(store_snapshot(round_dir), clean[0])  # as if nothing had changed
    (line,) = form_map_lines(err)
    assert line.startswith(
        "papersurvey: form map nl: the questionnaire now lays out differently from what was "
        "printed (questionnaire version "
    )
    assert "checkboxes moved on page 1" in line
    assert line.endswith(
        f"reading with the printed form map {printed.file} (invitation run, {PRINTED_AT})"
    )


def test_scan_of_a_round_printed_before_form_maps_were_kept(
    capsys, round_dir, round_template, clean
):
    with Project.open(round_dir) as project, project.store.transaction():
        for i, p in enumerate(round_template.pseudonyms, start=1):
            project.store.insert(
                "mailings",
                {
                    "pseudonym": p,
                    "batch": "invitation/001",
                    "sequence": i,
                    "variant": "invitation_paper",
                    "sent_at": PRINTED_AT,
                },
            )
    pdf = write_pdf(round_dir / "scans" / "batch.pdf", round_template.pages)
    code, _, err = cli(capsys, "scan", round_dir, pdf, "--workers", "1", "--batch", BATCH)
    assert code == 0, err
    assert_same_store(store_snapshot(round_dir), clean[0])
    (line,) = form_map_lines(err)
    assert line.startswith(
        "papersurvey: the invitation run(s) were printed before papersurvey kept the form maps "
        "it printed with; their questionnaires are read with the form map of the questionnaire "
        "as it is now."
    )


def test_scan_refuses_a_saved_form_map_changed_after_printing(capsys, round_dir, round_template):
    printed = save_printed_maps(round_dir, round_template)
    path = round_dir / printed.file
    path.write_text(path.read_text(encoding="utf-8").replace('"x0": 1', '"x0": 2', 1))
    pdf = write_pdf(round_dir / "scans" / "one.pdf", round_template.pages[:1])
    code, _, err = cli(capsys, "scan", round_dir, pdf, "--workers", "1")
    assert code == ExitCode.PROJECT
    assert f"{printed.file} was changed after printing" in err and "Restore it" in err
    with Project.open(round_dir) as project:  # refused before any page was read
        assert project.store.scalar("SELECT count(*) FROM scan_pages") == 0


# --- two versions of the questionnaire in circulation --------------------------------------------
REMINDED_AT = "2027-03-22T10:00:00Z"


def simulate_sheets(
    root: Path, pseudonym: str | None, seed: int, pages: tuple[int, ...] | None = None
) -> list[SimulatedSheet]:
    """Returned sheets (image and truth) of the questionnaire as it is now in ``root``."""
    from layout.questionnaire import QuestionnaireLayout
    from papersurvey.simulate.damage import draw_damage
    from papersurvey.simulate.sheets import simulate_respondent
    from print_batches.painters import layout_options

    with Project.open(root) as project:
        q = project.load_questionnaire()
        layout = QuestionnaireLayout(q, layout_options(project, project.settings.default_language))
        rng = np.random.default_rng(seed)
        damage = dataclasses.replace(draw_damage(rng, extra_kinds=(0, 0)), dpi=ROUND_DPI)
        return simulate_respondent(
            layout,
            q,
            project.key,
            pseudonym,  # type: ignore[arg-type]  # None: the blank reference print
            rng,
            damage=damage,
            pages=pages,
        )


@dataclass(frozen=True)
class TwoVersions:
    """A round scanned after a forced reminder with an edited questionnaire (copy ``root``).

    The invitation run printed version 1 for everyone; the questionnaire was
    then edited (page 1's boxes moved up) and a reminder run printed version 2
    for ``both_new`` and ``both_old``.

    Attributes:
        root: the scanned project folder.
        v1: the map id of version 1 (``nl@<sha12>``); version 2 is ``nl``.
        maps: the form map per map id.
        only_v1: sent version 1 only; returned it.
        both_new: sent both; returned version 2.
        both_old: sent both; returned version 1.
        late: sent version 1 only; their page 1 came back without a readable
            code (a filled-in reference print of version 1).
        truths: what was meant, per ``(pseudonym, page)``.
        unidentified: the page key of ``late``'s page 1.
        scan_file: the scan file, relative to ``root``.
        err: what the scan command wrote to stderr.
        page_one: the sheets of page 1 returned by ``both_new`` and ``both_old``.
    """

    root: Path
    v1: str
    maps: dict[str, FormMap]
    only_v1: str
    both_new: str
    both_old: str
    late: str
    truths: dict[tuple[str, int], SheetTruth]
    unidentified: str
    scan_file: str
    err: str
    page_one: dict[str, SimulatedSheet]


@pytest.fixture(scope="session")
def two_versions(round_template: RoundTemplate, tmp_path_factory) -> TwoVersions:
    from survey.entropy import now, seeded
    from survey.pseudonym import new_pseudonym
    from survey.store import Store

    root = tmp_path_factory.mktemp("two-versions") / "round"
    shutil.copytree(round_template.root, root)
    only_v1, both_new, both_old = round_template.pseudonyms
    with seeded(282, now()):  # the same pseudonym, so the same pages, on every run
        late = new_pseudonym()
    add_respondents(root, [late])
    v1 = round_template.form_maps["nl"]
    with Project.open(root) as project:
        (invitation,) = save_run_maps(
            project, {"nl": v1}, {"nl": [*round_template.pseudonyms, late]}
        )
        with project.store.transaction():
            record_run_maps(project.store, "invitation", PRINTED_AT, [invitation])
    returned = {
        p: simulate_sheets(root, p, seed=300 + i) for i, p in enumerate((only_v1, both_old))
    }
    (reference,) = simulate_sheets(root, None, seed=310, pages=(1,))
    edit_questionnaire(root)  # a shorter introduction: page 1's boxes move up
    with Project.open(root) as project:
        v2 = questionnaire_form_maps(project, ["nl"])["nl"]
        (reminder,) = save_run_maps(project, {"nl": v2}, {"nl": [both_new, both_old]})
        with project.store.transaction():
            record_run_maps(project.store, "reminder-1", REMINDED_AT, [reminder])
    returned[both_new] = simulate_sheets(root, both_new, seed=302)
    assert v2.page(1) != v1.page(1) and v2.page(2) == v1.page(2)
    sheets = [*returned[only_v1], *returned[both_new], *returned[both_old], reference]
    pdf = write_pdf(root / "scans" / "batch.pdf", [encode_jpeg(s.image, 85) for s in sheets])
    argv = ["scan", str(root), str(pdf), "--workers", "1", "--batch", BATCH]
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(argv) == 0, err.getvalue()
    truths = {(p, s.truth.page): s.truth for p, got in returned.items() for s in got}
    truths[(late, 1)] = dataclasses.replace(reference.truth, pseudonym=late)
    with Store.open(root / "store.sqlite") as store:
        unidentified = store.scalar("SELECT image_sha256 FROM pages WHERE status = 'unidentified'")
    return TwoVersions(
        root=root,
        v1=version_map_id("nl", invitation.sha256),
        maps={"nl": v2, version_map_id("nl", invitation.sha256): v1},
        only_v1=only_v1,
        both_new=both_new,
        both_old=both_old,
        late=late,
        truths=truths,
        unidentified=str(unidentified),
        scan_file="scans/batch.pdf",
        err=err.getvalue(),
        page_one={p: returned[p][0] for p in (both_new, both_old)},
    )


def test_each_respondent_is_read_with_the_form_map_they_were_printed_with(
    two_versions: TwoVersions,
):
    t = two_versions
    assert "form map" not in t.err  # nothing read with a wrong map, nothing to warn about
    with Project.open(t.root) as project:
        rows = project.store.query(
            "SELECT pseudonym, page_no, status, result, quality FROM pages ORDER BY pseudonym, page_no"
        )
        complete = {
            r[0]
            for r in project.store.query(
                "SELECT pseudonym FROM pages WHERE status = 'ok' GROUP BY pseudonym "
                "HAVING count(*) = 7"
            )
        }
    assert complete == {t.only_v1, t.both_new, t.both_old}
    read_with = {}
    scored = 0
    for r in rows:
        if r["status"] != "ok":
            continue
        quality = json.loads(r["quality"])
        read_with[(r["pseudonym"], r["page_no"])] = quality["map"]
        tally = score_sheet(result_from_json(r["result"]), t.truths[(r["pseudonym"], r["page_no"])])
        assert tally.pages_ok == 1 and tally.silent == 0, tally.silent_examples
        scored += tally.answered
    assert scored > 50  # answers were read, not just sent to review
    # version 1 only: always its own map; sent both: page 1 by the boxes on the sheet, the other
    # pages (laid out alike in both versions) with the later one
    assert {m for (p, _), m in read_with.items() if p == t.only_v1} == {t.v1}
    assert read_with[(t.both_new, 1)] == "nl" and read_with[(t.both_old, 1)] == t.v1
    assert {m for (p, n), m in read_with.items() if p in (t.both_new, t.both_old) and n > 1} == {
        "nl"
    }
    fits = {
        p: json.loads(r["quality"])["map_fit"]
        for r in rows
        for p in (t.both_new, t.both_old)
        if r["pseudonym"] == p and r["page_no"] == 1
    }
    assert fits[t.both_new]["nl"] > 0.9 > 0.5 > fits[t.both_new][t.v1]
    assert fits[t.both_old][t.v1] > 0.9 > 0.5 > fits[t.both_old]["nl"]


def test_the_two_versions_are_misread_with_each_others_map(two_versions: TwoVersions):
    """The control: page 1 of either version read with the other's map goes wrong."""
    t = two_versions
    with Project.open(t.root) as project:
        key, survey = project.key, project.settings.survey.code
    for p, wrong in ((t.both_new, t.maps[t.v1]), (t.both_old, t.maps["nl"])):
        sheet = t.page_one[p]
        result = read_page(sheet.image, wrong, key=key, survey=survey)
        tally = score_sheet(result, sheet.truth)
        assert tally.silent + tally.reviewed > 3, (p, tally.figures())


def test_a_page_that_lost_two_marks_is_placed_by_its_qr_codes(capsys, round_dir, round_template):
    """A page cut off at the top by the scanner still reads: two marks and both QR codes."""
    image = cv2.imdecode(np.frombuffer(round_template.pages[0], np.uint8), cv2.IMREAD_GRAYSCALE)
    mm = ROUND_DPI / 25.4
    cut = image.copy()
    cut[: int(32 * mm), : int(32 * mm)] = 255  # the top-left mark (12 mm overscan) and
    cut[: int(32 * mm), -int(32 * mm) :] = 255  # the top-right one are gone; the QR codes are not
    pdf = write_pdf(round_dir / "scans" / "cut.pdf", [encode_jpeg(cut, 85)])
    code, out, err = cli(capsys, "scan", round_dir, pdf, "--workers", "1", "--json")
    assert code == 0, err
    code, out, _ = cli(capsys, "status", round_dir, "--json")
    scan = json.loads(out)["scan"]
    assert scan["pages"] == {"ok": 1}
    assert scan["quality"]["placed_by_qr"] == 1, str(scan["quality"]["pages"])
    assert scan["quality"]["pages"][0]["registration"].startswith("marks+qr")
