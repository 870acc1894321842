"""The scan worker's setup: one thread per library, freed page memory kept for the next page."""

from __future__ import annotations

import platform
import subprocess
import sys

import cv2
import pytest

from ingest.worker_process import start_worker

_KEEP = """
import os, sys
import numpy as np
from ingest.worker_process import keep_freed_memory
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


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the tuning is glibc's mallopt")
def test_workers_keep_freed_page_memory_for_the_next_page():
    def kept_mb(mode: str) -> float:
        out = subprocess.run(
            [sys.executable, "-c", _KEEP, mode], capture_output=True, text=True, check=True
        )
        return float(out.stdout)

    # glibc's default hands a 40 MB block back to the kernel when it is freed, so
    # the next page faults it in again; tuned, the heap keeps it.
    assert kept_mb("default") < 10
    assert kept_mb("tuned") > 30


def test_start_worker_keeps_the_context_and_runs_opencv_on_one_thread():
    threads = cv2.getNumThreads()
    context = object()
    try:
        assert start_worker(context) is context
        assert cv2.getNumThreads() == 1
    finally:
        cv2.setNumThreads(threads)
