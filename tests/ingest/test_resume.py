"""A batch interrupted at any point resumes with the same command and ends as a clean run.

Two kinds of interruption:

* fault injection: the parent "dies" at the k-th store transaction (that
  transaction is rolled back and nothing is written after it), for k in the
  page phase, the classification, the clips and the report;
* a real ``kill -9`` of a scan running with a process pool in a subprocess.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ingest.pipeline import ScanOptions, scan
from survey.executors import ProcessExecutor, SerialExecutor
from survey.store import Store
from tests.ingest.conftest import BATCH, assert_same_store, store_snapshot, write_pdf

REPO = Path(__file__).resolve().parents[2]


class Crash(BaseException):
    """The parent process dies here (not an Exception: nothing may catch it)."""


@contextmanager
def dying_at(k: int) -> Iterator[list[int]]:
    """Make the k-th top-level store transaction the last one ever attempted, and fail it."""
    original = Store.transaction
    count = [0]

    @contextmanager
    def transaction(self: Store) -> Iterator[Store]:
        if self.in_transaction:  # a savepoint inside a counted transaction
            with original(self) as s:
                yield s
            return
        count[0] += 1
        if count[0] > k:
            raise Crash(f"already dead at transaction {k}")
        with original(self) as s:
            yield s
            if count[0] == k:
                raise Crash(f"killed in transaction {k}")  # rolled back, as a kill would

    Store.transaction = transaction  # type: ignore[method-assign]
    try:
        yield count
    finally:
        Store.transaction = original  # type: ignore[method-assign]


def _options(root: Path, pdf: Path, template, **kw) -> ScanOptions:
    return ScanOptions(root, (pdf,), template.form_maps, batch=BATCH, commit_pages=4, **kw)


@pytest.fixture(scope="module")
def transactions(round_template, tmp_path_factory) -> int:
    """How many transactions a clean serial run makes."""
    import shutil

    root = tmp_path_factory.mktemp("count") / "round"
    shutil.copytree(round_template.root, root)
    pdf = write_pdf(root / "scans" / "batch.pdf", round_template.pages)
    with dying_at(10**9) as count:
        scan(_options(root, pdf, round_template, workers=1), executor=SerialExecutor())
    return count[0]


@pytest.mark.parametrize("round_dir", ["sqlite", "postgresql"], indirect=True)
@pytest.mark.parametrize("where", ["pages", "classify", "clips", "report"])
def test_a_run_killed_at_any_transaction_resumes_to_a_clean_store(
    where, transactions, clean, round_dir, round_template
):
    # 1: files; then page flushes; the last three: classify, clips, report
    k = {
        "pages": 4,
        "classify": transactions - 2,
        "clips": transactions - 1,
        "report": transactions,
    }[where]
    pdf = write_pdf(round_dir / "scans" / "batch.pdf", round_template.pages)
    with dying_at(k), pytest.raises(Crash):
        scan(_options(round_dir, pdf, round_template, workers=1), executor=SerialExecutor())
    if where == "pages":
        partial = store_snapshot(round_dir)
        assert 0 < len(partial["positions"]) < len(round_template.pages)
    resumed = scan(_options(round_dir, pdf, round_template, workers=1), executor=SerialExecutor())
    assert resumed.run.failed == 0
    assert_same_store(store_snapshot(round_dir), clean[0])


CHILD = """
import sys
from pathlib import Path
from ingest.pipeline import ScanOptions, scan

root, pdf = Path(sys.argv[1]), Path(sys.argv[2])
print("started", flush=True)
scan(ScanOptions(root, (pdf,), workers=2, batch="b1", chunk_pages=1, commit_pages=2))
print("finished", flush=True)
"""


def _positions(db: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT count(*) FROM scan_pages").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def test_sigkill_mid_batch_then_rerun_equals_a_clean_run(clean, round_dir, round_template):
    pdf = write_pdf(round_dir / "scans" / "batch.pdf", round_template.pages)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(round_dir), str(pdf)],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group: the kill takes the workers too
    )
    db = round_dir / "store.sqlite"
    deadline = time.monotonic() + 120
    try:
        while _positions(db) < 4 and child.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)
        os.killpg(child.pid, signal.SIGKILL)  # power loss: no cleanup of any kind
    finally:
        child.wait(30)
    assert child.returncode == -signal.SIGKILL, child.stderr.read().decode()[-2000:]
    done = _positions(db)
    assert 4 <= done < len(round_template.pages), "the kill came too late to test anything"
    # rerun the same command, with the process pool again
    with ProcessExecutor(2) as ex:
        resumed = scan(_options(round_dir, pdf, round_template, chunk_pages=1), executor=ex)
    assert resumed.run.skipped >= 4
    assert resumed.run.skipped + resumed.run.positions == len(round_template.pages)
    assert_same_store(store_snapshot(round_dir), clean[0])
