"""``papersurvey scan`` and the scan part of ``papersurvey status --json``, through the CLI.

(These test ``papersurvey/commands/scan.py``; they live here for the round
fixtures of the ingest tests.)
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from papersurvey.cli import main
from print_batches.formmaps import questionnaire_form_maps, save_run_maps
from survey.errors import ExitCode
from survey.formmaps_store import PrintedMap, record_run_maps
from survey.project import Project
from tests.ingest.conftest import (
    BATCH,
    RoundTemplate,
    assert_same_store,
    store_snapshot,
    write_pdf,
)
from tests.print_batches.conftest import edit_questionnaire

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
