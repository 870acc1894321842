"""How a scan worker is set up: one thread per library, and memory kept for the next page.

:func:`start_worker` is the executor's per-worker ``init`` for every scan
task (reading pages, classifying them, cutting clips,
:mod:`survey.executors`); it runs once in each worker process, and once in
this process for the serial executor, so every executor reads alike.
:data:`PRELOAD` is what the worker processes import before their first task.
"""

from __future__ import annotations

import os
from typing import TypeVar

C = TypeVar("C")

PRELOAD = ("ingest.worker",)
"""Modules a scan's worker processes import at their start (numpy, OpenCV, the OMR)."""

_M_TRIM_THRESHOLD = -1  # glibc mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3
_KEEP_BELOW = 128 * 2**20  # blocks up to this size come from the heap, not from mmap
_TRIM_ABOVE = 256 * 2**20  # free memory at the heap top is returned to the OS only above this
_allocator_tuned = False


def keep_freed_memory() -> bool:
    """Let glibc's malloc keep freed page-sized blocks instead of returning them to the OS.

    Every page allocates a few arrays of about 10 MB (the decoded image and its
    working copies) and frees them again. With glibc's defaults such blocks are
    mapped fresh from the kernel for every page and unmapped afterwards, so
    each page pays for zeroing and faulting in its memory again: measured here
    about 9 ms of a 35 ms page, a quarter of the worker's time. Raising the
    mmap and trim thresholds keeps that memory in the process's heap for the
    next page. The heap then stays at the working set of one page (the peak
    resident memory is unchanged) instead of shrinking between pages.

    Returns whether the allocator was tuned (glibc only; elsewhere a no-op).
    Safe to call more than once.
    """
    global _allocator_tuned
    if _allocator_tuned:
        return True
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        ok = bool(libc.mallopt(_M_MMAP_THRESHOLD, _KEEP_BELOW)) and bool(
            libc.mallopt(_M_TRIM_THRESHOLD, _TRIM_ABOVE)
        )
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl)
        return False
    _allocator_tuned = ok
    return ok


def start_worker(context: C) -> C:
    """A scan worker's ``init``: one thread per library (the executor provides the
    parallelism) and an allocator that keeps page-sized blocks
    (:func:`keep_freed_memory`). The state is the context itself."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    keep_freed_memory()
    import cv2

    cv2.setNumThreads(1)
    return context
