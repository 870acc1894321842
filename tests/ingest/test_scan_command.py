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
from survey.errors import ExitCode
from tests.ingest.conftest import BATCH, assert_same_store, store_snapshot, write_pdf

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
