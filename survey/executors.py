"""Executors: where many small tasks run. One seam for print batches, scan pages and the round trip.

Every executor has the same small surface, :class:`Executor`:
``map_unordered(fn, context, tasks, init=...)`` calls ``fn(state, task)`` for
every task and yields a :class:`TaskOutcome` per task as it completes.
``state`` is ``init(context)``, built **once per worker** (the context is
sent to each worker once: form maps and key for the scan, the render spec
for print); without ``init`` it is the context itself. Tasks are pulled
lazily from their iterable and only a bounded number is in flight, so memory
does not grow with the batch.

* :class:`SerialExecutor` runs everything in this process, in order: the
  serial twin for tests and debugging, running the very same functions.
* :class:`ProcessExecutor` is a pool of worker processes on this machine
  (default: one per core this process may use, :func:`available_cores`).
* :class:`survey.dask_executor.DaskExecutor` sends the tasks to a Dask
  distributed cluster.

Failures are values: a task that raises, or a worker process that dies (a
decoder crashing on a damaged file), gives an outcome with ``error`` set and
the run goes on; :meth:`TaskOutcome.get` turns it back into the exception
for callers to whom any failure is fatal (print). After a crash the tasks
that were in flight are retried one at a time, so the one that kills the
worker is named exactly.

``fn`` and ``init`` must be module-level functions (they are pickled by
reference) and the context, tasks and results must pickle.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import pickle
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, Self, TypeVar, cast

from survey.errors import ExecutorError

log = logging.getLogger("papersurvey.executors")

T = TypeVar("T")
R = TypeVar("R")

Init = Callable[[Any], Any]
"""Builds a worker's state from the context, once per worker: ``init(context) -> state``."""


def available_cores() -> int:
    """The cores this process may use: its CPU affinity (cgroup or ``taskset`` pinning) where
    the platform tells, else every core of the machine."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class TaskOutcome(Generic[T, R]):
    """What became of one task: its result, or an error message.

    Attributes:
        task: the task.
        result: what ``fn`` returned (``None`` when it failed).
        error: why it failed (the exception and the end of its traceback), else ``""``.
        exception: the exception itself, when it survived the trip from the worker.
    """

    task: T
    result: R | None = None
    error: str = ""
    exception: BaseException | None = field(default=None, compare=False, repr=False)

    @property
    def ok(self) -> bool:
        return not self.error

    def get(self) -> R:
        """The result; raises the task's exception when it failed.

        Raises:
            ExecutorError: the task failed without an exception to pass on
                (its worker process died).
        """
        if not self.error:
            return cast(R, self.result)
        if self.exception is not None:
            raise self.exception
        raise ExecutorError(f"a task failed in a worker: {self.error}")


class Executor(Protocol):
    """Runs ``fn(init(context), task)`` for many tasks and streams the outcomes back."""

    name: str
    """``serial``, ``processes`` or ``dask`` (for reports)."""

    @property
    def workers(self) -> int:
        """How many tasks can run at the same time."""
        ...

    def map_unordered(
        self,
        fn: Callable[[Any, T], R],
        context: Any,
        tasks: Iterable[T],
        *,
        init: Init | None = None,
    ) -> Iterator[TaskOutcome[T, R]]:
        """Yield one outcome per task, in completion order."""
        ...

    def close(self) -> None:
        """Release workers and connections."""
        ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, *exc: object) -> None: ...


@dataclass(frozen=True)
class Failure:
    """A task's exception, flattened to text (and kept when it pickles)."""

    text: str
    exception: BaseException | None = None


def failure(exc: BaseException) -> Failure:
    """``exc`` as a :class:`Failure`: its type, message and the end of its traceback."""
    tb = traceback.format_exception(exc)
    return Failure(f"{type(exc).__name__}: {exc}\n{''.join(tb[-3:])}".strip(), exc)


def worker_state(init: Init | None, context: Any) -> Any:
    """A worker's state: ``init(context)``, or the context; a :class:`Failure` when ``init`` fails."""
    if init is None:
        return context
    try:
        return init(context)
    except Exception as exc:
        return failure(exc)


def call(fn: Callable[[Any, Any], Any], state: Any, task: Any) -> Any:
    """``fn(state, task)``, or a :class:`Failure` when it (or the worker's ``init``) failed."""
    if isinstance(state, Failure):
        return state
    try:
        return fn(state, task)
    except Exception as exc:
        return failure(exc)


def outcome(task: T, value: Any) -> TaskOutcome[T, Any]:
    """The outcome of ``task`` from what :func:`call` returned."""
    if isinstance(value, Failure):
        return TaskOutcome(task, None, value.text, value.exception)
    return TaskOutcome(task, value)


def _started_with(started: tuple[Any, ...] | None, init: Init | None, context: Any) -> bool:
    """Whether workers ``started`` as ``(init, context, ...)`` have this very init and context
    (identity: a context is not compared by value, which may be costly or undefined)."""
    return started is not None and started[0] is init and started[1] is context


class Closing:
    """An executor's context manager: ``with`` closes it (the executors here share it)."""

    def close(self) -> None:
        """Release workers and connections."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class SerialExecutor(Closing):
    """Runs every task in this process, in order. For tests, debugging and one-core runs.

    The state is built once per context (as a pool worker builds it once), so
    several runs over the same context share it.
    """

    name = "serial"
    workers = 1

    def __init__(self) -> None:
        self._started: tuple[Init | None, Any, Any] | None = None

    def map_unordered(
        self,
        fn: Callable[[Any, T], R],
        context: Any,
        tasks: Iterable[T],
        *,
        init: Init | None = None,
    ) -> Iterator[TaskOutcome[T, R]]:
        started = self._started
        if started is None or not _started_with(started, init, context):
            started = self._started = (init, context, worker_state(init, context))
        state = started[2]
        for task in tasks:
            yield outcome(task, call(fn, state, task))

    def close(self) -> None:
        self._started = None


# The state inside a pool worker, set once by the pool's initializer.
_state: Any = None


def _pool_init(init: Init | None, context: Any) -> None:
    global _state
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _state = worker_state(init, context)


def _pool_call(fn: Callable[[Any, Any], Any], task: Any) -> Any:
    value = call(fn, _state, task)
    if isinstance(value, Failure) and value.exception is not None:
        try:
            pickle.dumps(value.exception)
        except Exception:  # the text must do
            return Failure(value.text)
    return value


def _mp_context(preload: Sequence[str]) -> multiprocessing.context.BaseContext:
    """Workers forked from a clean server process that has ``preload`` imported.

    ``forkserver`` never forks the parent (which holds the store connection
    and maybe threads), and the preload means each worker starts in
    milliseconds instead of importing numpy, OpenCV and the rest again.
    Where ``forkserver`` does not exist (Windows), ``spawn``.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    ctx = multiprocessing.get_context("forkserver")
    if preload:
        ctx.set_forkserver_preload(list(preload))
    return ctx


@contextlib.contextmanager
def _deferred_interrupt() -> Iterator[None]:
    """Hold Ctrl-C back until the block has run, then raise it.

    A pool starts its worker processes inside ``submit``; a ``KeyboardInterrupt``
    landing half-way leaves a started worker the pool does not know of, which
    nobody stops and which then keeps the process from exiting. Signal handlers
    can only be set from the main thread; elsewhere the block runs as is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda signum, _frame: caught.append(signum))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


END: Any = object()
"""What ``next(tasks, END)`` gives when the tasks run out (a task may be ``None``)."""


def _short(task: object, limit: int = 200) -> str:
    text = repr(task)
    return text if len(text) <= limit else text[: limit - 3] + "..."


class ProcessExecutor(Closing):
    """A pool of worker processes on this machine.

    The pool lives from the first run until :meth:`close`, and is reused by
    the next run with the same ``init`` and context (a scan reads, classifies
    and cuts clips in the same workers).

    Args:
        workers: processes; ``None``: one per available core (:func:`available_cores`).
        inflight_per_worker: tasks queued per process at most.
        preload: modules the worker processes import before the first task
            (for example the scan's page reader), so each starts quickly. The
            first pool of a process starts the fork server, so its preload
            is the one that counts; a module not preloaded is imported by
            each worker when it needs it.
    """

    name = "processes"

    def __init__(
        self,
        workers: int | None = None,
        *,
        inflight_per_worker: int = 2,
        preload: Sequence[str] = (),
    ) -> None:
        self._workers = max(1, workers or available_cores())
        self._inflight = self._workers * max(1, inflight_per_worker)
        self._preload = tuple(preload)
        self._pool: ProcessPoolExecutor | None = None
        self._started: tuple[Init | None, Any] | None = None

    @property
    def workers(self) -> int:
        return self._workers

    def _pool_for(self, init: Init | None, context: Any) -> ProcessPoolExecutor:
        """The running pool if it was started with this very ``init`` and context, else a new one."""
        if self._pool is not None and _started_with(self._started, init, context):
            return self._pool
        return self._new_pool(init, context)

    def _new_pool(self, init: Init | None, context: Any) -> ProcessPoolExecutor:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._started = (init, context)
        self._pool = ProcessPoolExecutor(
            self._workers,
            mp_context=_mp_context(self._preload),
            initializer=_pool_init,
            initargs=(init, context),
        )
        return self._pool

    def map_unordered(
        self,
        fn: Callable[[Any, T], R],
        context: Any,
        tasks: Iterable[T],
        *,
        init: Init | None = None,
    ) -> Iterator[TaskOutcome[T, R]]:
        pool = self._pool_for(init, context)
        source = iter(tasks)
        pending: dict[Future[Any], T] = {}
        suspects: list[T] = []  # in flight when a worker died: rerun one at a time
        isolated = False  # the only pending task is a suspect running alone

        while True:
            if suspects:
                if not pending:
                    task = suspects.pop(0)
                    with _deferred_interrupt():
                        pending[pool.submit(_pool_call, fn, task)] = task
                    isolated = True
            else:
                while len(pending) < self._inflight:
                    task = next(source, END)
                    if task is END:
                        break
                    with _deferred_interrupt():
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
                yield outcome(task, value)
            if not broken:
                isolated = isolated and bool(pending)
                continue
            pool = self._new_pool(init, context)
            if isolated:
                log.warning("a worker process died on %s; it was skipped", _short(broken[0]))
                yield TaskOutcome(
                    broken[0], None, "the worker process died while running this (a crash)"
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
            self._started = None

    def abort(self) -> None:
        """Stop now (Ctrl-C): cancel what is queued and let the workers end.

        A worker finishes the task it is running (a few pages) and exits; one
        still running after ``ABORT_GRACE_SECONDS`` (a task that hangs) is
        terminated. Terminating a worker while it sends its result back would
        leave the pool's result pipe half written, and the interpreter then
        waits for ever at exit; so termination is the last resort. No worker
        outlives this call (one left behind would keep the terminal, or a pipe
        to this process, open).
        """
        pool, self._pool, self._started = self._pool, None, None
        if pool is None:
            return
        procs = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        deadline = time.monotonic() + ABORT_GRACE_SECONDS
        for proc in procs:
            proc.join(max(0.0, deadline - time.monotonic()))
        for proc in procs:
            if proc.is_alive():
                log.warning("a worker process did not stop; it is terminated")
                proc.terminate()
                proc.join(ABORT_JOIN_SECONDS)
            if proc.is_alive():  # pragma: no cover - a worker ignoring SIGTERM
                proc.kill()
                proc.join(ABORT_JOIN_SECONDS)

    def __exit__(self, *exc: object) -> None:
        if exc and exc[0] is not None:
            self.abort()  # interrupted or failed: drop what is queued, end the workers
        self.close()


ABORT_GRACE_SECONDS = 10.0
"""How long :meth:`ProcessExecutor.abort` lets the workers finish their running task."""
ABORT_JOIN_SECONDS = 5.0
"""How long :meth:`ProcessExecutor.abort` waits for a terminated worker before killing it."""


def make_executor(
    workers: int | None = None, dask: str | None = None, *, preload: Sequence[str] = ()
) -> Executor:
    """The executor the command-line options ask for.

    Args:
        workers: 1: serial, in this process; else processes (``None``: one per core).
        dask: the address of a Dask scheduler; overrides ``workers``.
        preload: modules the worker processes import at their start.

    Raises:
        MissingDependencyError: ``dask`` is given but Dask is not installed.
        ExecutorError: the Dask scheduler cannot be reached.
    """
    if dask:
        from survey.dask_executor import DaskExecutor

        return DaskExecutor(dask)
    if workers == 1:
        return SerialExecutor()
    return ProcessExecutor(workers, preload=preload)
