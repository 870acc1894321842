"""Executors: where page tasks run. Serial (tests), a process pool (default) or Dask.

All three share one small surface, :class:`Executor`: ``map_unordered(fn,
context, tasks)`` calls ``fn(context, task)`` for every task and yields a
:class:`TaskOutcome` per task as it completes. The context (form maps, round
key, parameters) travels to each worker once; tasks and results stay small.
Tasks are pulled lazily from their iterable and only a bounded number is in
flight, so memory does not grow with the batch.

Failures are values: a task that raises, or a worker process that dies (a
decoder crashing on a damaged file), gives an outcome with ``error`` set and
the batch goes on. After a crash the tasks that were in flight are retried
one at a time, so the one that kills the worker is named exactly.

``fn`` must be a module-level function (it is pickled by reference) and
``context``, tasks and results must pickle.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from survey.errors import MissingDependencyError, PaperSurveyError

log = logging.getLogger("papersurvey.ingest.executors")

T = TypeVar("T")
R = TypeVar("R")
C = TypeVar("C")

_CONTEXT: Any = None  # the context inside a pool worker, set once by the initializer


@dataclass(frozen=True)
class TaskOutcome(Generic[T, R]):
    """What became of one task: its result, or an error message."""

    task: T
    result: R | None = None
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error


@dataclass(frozen=True)
class _Failure:
    """A task's exception, flattened to text so it always pickles."""

    text: str


class ExecutorError(PaperSurveyError):
    """The executor cannot be started (for example the Dask scheduler is unreachable)."""


class Executor(Protocol):
    """Runs ``fn(context, task)`` for many tasks and streams the outcomes back."""

    @property
    def workers(self) -> int:
        """How many tasks can run at the same time."""
        ...

    def map_unordered(
        self, fn: Callable[[Any, T], R], context: Any, tasks: Iterable[T]
    ) -> Iterator[TaskOutcome[T, R]]:
        """Yield one outcome per task, in completion order."""
        ...

    def close(self) -> None:
        """Release workers and connections."""
        ...


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


def _quiet_worker() -> None:
    """Per-worker setup: one thread per library (the pool provides the parallelism), and
    an allocator that keeps page-sized blocks (:func:`keep_freed_memory`)."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    keep_freed_memory()
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:  # pragma: no cover - cv2 is a hard dependency
        pass


def _call(fn: Callable[[Any, Any], Any], context: Any, task: Any) -> Any:
    try:
        return fn(context, task)
    except Exception as exc:
        tb = traceback.format_exception(exc)
        return _Failure(f"{type(exc).__name__}: {exc}\n{''.join(tb[-3:])}".strip())


def _outcome(task: T, value: Any) -> TaskOutcome[T, Any]:
    if isinstance(value, _Failure):
        return TaskOutcome(task, None, value.text)
    return TaskOutcome(task, value)


class SerialExecutor:
    """Runs every task in this process, in order. For tests and debugging."""

    workers = 1

    def __init__(self) -> None:
        keep_freed_memory()

    def map_unordered(
        self, fn: Callable[[Any, T], R], context: Any, tasks: Iterable[T]
    ) -> Iterator[TaskOutcome[T, R]]:
        for task in tasks:
            yield _outcome(task, _call(fn, context, task))

    def close(self) -> None:
        from ingest.decode import close_cached

        close_cached()

    def __enter__(self) -> SerialExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _pool_init(context: Any) -> None:
    global _CONTEXT
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _quiet_worker()
    _CONTEXT = context


def _mp_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a clean server process that has the page reader imported.

    ``forkserver`` never forks the parent (which holds the store connection and
    maybe threads), and the preload means each worker starts in milliseconds
    instead of importing numpy, OpenCV and the OMR again. Where ``forkserver``
    does not exist (Windows), ``spawn``.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["ingest.worker"])
    return ctx


def _pool_call(fn: Callable[[Any, Any], Any], task: Any) -> Any:
    return _call(fn, _CONTEXT, task)


class ProcessExecutor:
    """A pool of worker processes on this machine (default: one per core)."""

    def __init__(self, workers: int | None = None, *, inflight_per_worker: int = 2) -> None:
        self._workers = max(1, workers or os.cpu_count() or 1)
        self._inflight = self._workers * max(1, inflight_per_worker)
        self._pool: ProcessPoolExecutor | None = None
        self._context: Any = None

    @property
    def workers(self) -> int:
        return self._workers

    def _pool_for(self, context: Any) -> ProcessPoolExecutor:
        """The running pool if it was started with this very context, else a new one."""
        if self._pool is not None and self._context is context:
            return self._pool
        return self._new_pool(context)

    def _new_pool(self, context: Any) -> ProcessPoolExecutor:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._context = context
        self._pool = ProcessPoolExecutor(
            self._workers,
            mp_context=_mp_context(),
            initializer=_pool_init,
            initargs=(context,),
        )
        return self._pool

    def map_unordered(
        self, fn: Callable[[Any, T], R], context: Any, tasks: Iterable[T]
    ) -> Iterator[TaskOutcome[T, R]]:
        pool = self._pool_for(context)
        source = iter(tasks)
        pending: dict[Future[Any], T] = {}
        suspects: list[T] = []  # in flight when a worker died: rerun one at a time
        isolated = False  # the only pending task is a suspect running alone

        while True:
            if suspects:
                if not pending:
                    task = suspects.pop(0)
                    pending[pool.submit(_pool_call, fn, task)] = task
                    isolated = True
            else:
                while len(pending) < self._inflight:
                    task = next(source, _END)
                    if task is _END:
                        break
                    pending[pool.submit(_pool_call, fn, task)] = task
            if not pending:
                return
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            broken: list[T] = []
            for fut in done:
                task = pending.pop(fut)
                try:
                    value = fut.result()
                except BrokenProcessPool:
                    broken.append(task)
                    continue
                yield _outcome(task, value)
            if not broken:
                isolated = isolated and bool(pending)
                continue
            pool = self._new_pool(context)
            if isolated:
                log.warning("a worker process died on %r; it was skipped", broken[0])
                yield TaskOutcome(
                    broken[0], None, "the worker process died while reading this (a decoder crash)"
                )
            else:
                suspects[:0] = broken + list(pending.values())
                log.warning(
                    "a worker process died; retrying %d task(s) one at a time", len(suspects)
                )
            pending.clear()
            isolated = False

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ProcessExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc and exc[0] is not None and self._pool is not None:
            # Interrupted: do not wait for running tasks.
            procs = list((getattr(self._pool, "_processes", None) or {}).values())
            self._pool.shutdown(wait=False, cancel_futures=True)
            for proc in procs:
                proc.terminate()
            self._pool = None
        self.close()


_END: Any = object()


def _dask_call(fn: Callable[[Any, Any], Any], context: Any, task: Any) -> Any:
    _quiet_worker()
    return _call(fn, context, task)


class DaskExecutor:
    """Tasks on a Dask distributed cluster (``--dask tcp://host:8786``).

    Workers must have papersurvey installed and see the scan files and the
    project folder under the same paths (a shared file system).
    """

    def __init__(self, address: Any, *, inflight_per_worker: int = 3, timeout: float = 10) -> None:
        try:
            from distributed import Client
        except ImportError as exc:
            raise MissingDependencyError(
                "Dask is not installed. Install it with: pip install 'papersurvey[dask]'"
            ) from exc
        self._own = not isinstance(address, Client)
        try:
            self.client = Client(address, timeout=timeout) if self._own else address
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(
                f"Cannot reach the Dask scheduler at {address} ({exc}). Check the address, "
                "or leave out --dask to use this machine's cores."
            ) from exc
        self._inflight_per_worker = inflight_per_worker

    @property
    def workers(self) -> int:
        threads = self.client.nthreads()
        return max(1, sum(threads.values()))

    def map_unordered(
        self, fn: Callable[[Any, T], R], context: Any, tasks: Iterable[T]
    ) -> Iterator[TaskOutcome[T, R]]:
        from distributed import as_completed

        # A list, so a dict context is scattered as one object, not per key.
        (ctx,) = self.client.scatter([context], broadcast=True, hash=False)
        limit = self.workers * self._inflight_per_worker
        source = iter(tasks)
        pending: dict[Any, T] = {}
        queue = as_completed()

        def submit_one() -> bool:
            task = next(source, _END)
            if task is _END:
                return False
            fut = self.client.submit(_dask_call, fn, ctx, task, pure=False)
            pending[fut] = task
            queue.add(fut)
            return True

        while len(pending) < limit and submit_one():
            pass
        try:
            for fut in queue:
                task = pending.pop(fut)
                if fut.status == "error":
                    exc = fut.exception()
                    yield TaskOutcome(task, None, f"{type(exc).__name__}: {exc}")
                else:
                    yield _outcome(task, fut.result())
                fut.release()
                while len(pending) < limit and submit_one():
                    pass
        finally:
            for fut in pending:
                fut.cancel()
            ctx.release()

    def close(self) -> None:
        if self._own:
            self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_executor(workers: int | None = None, dask: str | None = None) -> Executor:
    """The executor the command-line options ask for."""
    if dask:
        return DaskExecutor(dask)
    if workers == 1:
        return SerialExecutor()
    return ProcessExecutor(workers)
