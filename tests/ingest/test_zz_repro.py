import os, signal, subprocess, sys, time
import pytest
from tests.ingest.conftest import write_pdf, BATCH
REPO = __import__("pathlib").Path(__file__).resolve().parents[2]

@pytest.mark.parametrize("delay", [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.3, 1.6, 2.0, 2.5, 3.0]*3)
def test_repro(round_dir, round_template, delay):
    pdf = write_pdf(round_dir / "scans" / "batch.pdf", round_template.pages)
    cmd = [sys.executable, "-m", "papersurvey.cli", "scan", str(round_dir), str(pdf), "--workers", "2", "--batch", BATCH]
    child = subprocess.Popen(cmd, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO), "PYTHONFAULTHANDLER": "1"},
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (round_dir / "store.sqlite-wal").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(delay)
    child.send_signal(signal.SIGINT)
    try:
        out, err = child.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGABRT)
        out, err = child.communicate(timeout=20)
        raise AssertionError("hung:\n" + err[-8000:])
    print(delay, child.returncode)
