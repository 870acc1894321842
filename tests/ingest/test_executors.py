"""Executors: the same outcomes serially, in a process pool and on a Dask cluster."""

from __future__ import annotations

import pytest

from ingest.executors import (
    DaskExecutor,
    ExecutorError,
    ProcessExecutor,
    SerialExecutor,
    make_executor,
)
from tests.ingest.taskfns import scaled

TASKS = [*range(10), -1, 20]


def _collect(executor, context, tasks=TASKS):
    outcomes = list(executor.map_unordered(scaled, context, tasks))
    return sorted((o.task, o.result, o.error.split(":")[0]) for o in outcomes)


EXPECTED = sorted([(t, t * 3, "") for t in TASKS if t >= 0] + [(-1, None, "ValueError")])


def test_serial_returns_results_and_errors_as_values():
    with SerialExecutor() as ex:
        assert _collect(ex, {"factor": 3}) == EXPECTED


def test_serial_pulls_tasks_lazily():
    pulled = []

    def tasks():
        for t in range(100):
            pulled.append(t)
            yield t

    with SerialExecutor() as ex:
        it = ex.map_unordered(scaled, {"factor": 1}, tasks())
        next(it)
        assert len(pulled) == 1


def test_process_pool_matches_serial_and_survives_a_worker_crash():
    tasks = [*TASKS, 13]
    with ProcessExecutor(2, inflight_per_worker=2) as ex:
        assert ex.workers == 2
        pulled = []

        def gen():
            for t in tasks:
                pulled.append(t)
                yield t

        outcomes = list(ex.map_unordered(scaled, {"factor": 3, "crash_on_13": True}, gen()))
    got = {o.task: o for o in outcomes}
    assert sorted(got) == sorted(tasks)  # every task has exactly one outcome
    assert "died" in got[13].error
    assert all(got[t].result == t * 3 for t in TASKS if t >= 0)  # the crash hurt nobody else
    assert got[-1].error.startswith("ValueError: negative task -1")


def test_process_pool_bounds_tasks_in_flight():
    pulled = []

    def gen():
        for t in range(50):
            pulled.append(t)
            yield t

    with ProcessExecutor(2, inflight_per_worker=2) as ex:
        it = ex.map_unordered(scaled, {"factor": 1}, gen())
        next(it)
        assert len(pulled) <= 4 + 1
        assert sum(1 for _ in it) == 49


def test_dask_matches_serial(dask_cluster):
    with DaskExecutor(dask_cluster.scheduler_address) as ex:
        assert ex.workers == 2
        assert _collect(ex, {"factor": 3}) == EXPECTED


def test_dask_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(ExecutorError, match="Cannot reach the Dask scheduler"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1)


def test_make_executor_picks_by_options():
    assert isinstance(make_executor(1), SerialExecutor)
    assert isinstance(make_executor(2), ProcessExecutor)


_KEEP = """
import os, sys
import numpy as np
from ingest.executors import keep_freed_memory
if sys.argv[1] == "tuned":
    assert keep_freed_memory() and keep_freed_memory()
def resident_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
before = resident_mb()
work = np.ones(10 * 2**20, np.float32)  # a float working copy of a 300-dpi page: 40 MB
del work
print(resident_mb() - before)
"""


@pytest.mark.skipif(
    __import__("platform").libc_ver()[0] != "glibc", reason="the tuning is glibc's mallopt"
)
def test_workers_keep_freed_page_memory_for_the_next_page():
    import subprocess
    import sys

    def kept_mb(mode: str) -> float:
        out = subprocess.run(
            [sys.executable, "-c", _KEEP, mode], capture_output=True, text=True, check=True
        )
        return float(out.stdout)

    # glibc's default hands a 40 MB block back to the kernel when it is freed, so
    # the next page faults it in again; tuned, the heap keeps it.
    assert kept_mb("default") < 10
    assert kept_mb("tuned") > 30
