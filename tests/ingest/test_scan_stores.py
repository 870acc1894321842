"""``papersurvey scan`` on both stores, and two scans of one round at the same time.

The concurrency tests are deterministic: the test itself holds the round's scan
lock (as a running scan does) while the scan processes start, reads from
their stderr that they are waiting (or that they refused), and only then lets
go. No sleeps, no clocks.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from papersurvey.cli import main
from survey.errors import ExitCode
from survey.project import ProjectPaths, store_location
from survey.store import Store
from tests.ingest.conftest import BATCH, assert_same_store, round_store, store_snapshot, write_pdf

REPO = Path(__file__).resolve().parents[2]
BUSY = "another 'papersurvey scan' is reading into this round"


def scan_cmd(root: Path, pdf: Path, *extra: str) -> list[str]:
    return [
        sys.executable, "-m", "papersurvey.cli", "scan", str(root), str(pdf),
        "--workers", "1", "--batch", BATCH, *extra,
    ]  # fmt: skip


def start(cmd: list[str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        cmd,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_for_line(child: subprocess.Popen[str], text: str) -> list[str]:
    """Read the child's stderr up to the line with ``text`` (fails if it ends first)."""
    assert child.stderr is not None
    seen = []
    for line in child.stderr:
        seen.append(line)
        if text in line:
            return seen
    child.wait(timeout=60)
    raise AssertionError(f"the scan ended ({child.returncode}) without saying {text!r}:\n{seen}")


def held_scan_lock(root: Path):
    """The round's scan lock, taken here as a running scan holds it."""
    store = Store.open(store_location(ProjectPaths(root)))
    return store, store.exclusive("scan", wait=False, busy="held by the test")


def test_scan_on_postgresql_stores_exactly_what_sqlite_stores(
    capsys, pg_round_dir, round_template, clean
):
    pdf = write_pdf(pg_round_dir / "scans" / "batch.pdf", round_template.pages)
    code = main(["scan", str(pg_round_dir), str(pdf), "--workers", "1", "--batch", BATCH])
    _out, err = capsys.readouterr()
    assert code == 0, err
    assert not (pg_round_dir / "store.sqlite").exists()
    assert_same_store(store_snapshot(pg_round_dir), clean[0])  # clean: a run on SQLite
    assert main(["scan", str(pg_round_dir), str(pdf), "--workers", "1", "--batch", BATCH]) == 0
    assert_same_store(store_snapshot(pg_round_dir), clean[0])  # a rerun counts nothing twice
    assert main(["status", str(pg_round_dir), "--json"]) == 0
    with round_store(pg_round_dir) as store:
        assert store.engine == "postgresql"
        assert store.verify_audit_log().ok
        assert store.scalar("SELECT count(*) FROM audit_log WHERE action = 'scan'") == 2


def test_a_second_scan_of_the_round_refuses_while_one_runs(any_round_dir, round_template, clean):
    root = any_round_dir
    pdf = write_pdf(root / "scans" / "batch.pdf", round_template.pages)
    before = store_snapshot(root)
    store, lock = held_scan_lock(root)
    try:
        with lock:
            child = start(scan_cmd(root, pdf))
            _out, err = child.communicate(timeout=120)
            assert child.returncode == ExitCode.CONFLICT, err
            assert BUSY in err and "add --wait" in err
            assert_same_store(store_snapshot(root), before)  # it read nothing
    finally:
        store.close()
    assert main(["scan", str(root), str(pdf), "--workers", "1", "--batch", BATCH]) == 0
    assert_same_store(store_snapshot(root), clean[0])


def test_two_scans_of_the_same_files_at_once_count_every_page_once(
    any_round_dir, round_template, clean
):
    """Both wait for the lock, so both are surely running at once; then one reads the batch
    and the other, after it, finds every page read."""
    root = any_round_dir
    pdf = write_pdf(root / "scans" / "batch.pdf", round_template.pages)
    store, lock = held_scan_lock(root)
    children = []
    try:
        with lock:
            for _ in range(2):
                child = start(scan_cmd(root, pdf, "--wait", "--json"))
                children.append(child)
                wait_for_line(child, f"{BUSY}")  # "...; waiting for it to finish"
    finally:
        store.close()  # lets go: the two scans take turns
    results = [c.communicate(timeout=300) for c in children]
    for child, (_out, err) in zip(children, results, strict=True):
        assert child.returncode == 0, err
    import json

    runs = sorted(json.loads(out)["run"]["new_pages"] for out, _err in results)
    assert runs == [0, len(round_template.pages)]  # one read every page, the other none
    assert_same_store(store_snapshot(root), clean[0])
    with round_store(root) as s:
        assert s.verify_audit_log().ok
        assert s.scalar("SELECT count(*) FROM audit_log WHERE action = 'scan'") == 2
