"""The executor seam: render batches one after another, or in a pool of processes.

Rendering a batch is a plain function ``render(state, job) -> result`` where
``state`` is built once per worker process by ``init(init_arg)`` (loading
fonts, laying out the questionnaire) and ``job`` and ``result`` are small and
picklable. The serial executor runs the same functions in this process, so
tests and the process pool exercise the same code.

Each worker holds one batch in memory at a time and writes its PDF itself;
only a small summary travels back, so memory stays flat however many
respondents there are.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, Protocol, TypeVar

J = TypeVar("J")
R = TypeVar("R")


class Executor(Protocol):
    """Runs ``render(state, job)`` for every job; yields results as they finish."""

    def run(
        self,
        init: Callable[[Any], Any],
        init_arg: Any,
        render: Callable[[Any, J], R],
        jobs: Sequence[J],
    ) -> Iterator[R]: ...


class SerialExecutor:
    """Everything in this process, in job order (tests, debugging, one-core machines)."""

    def run(
        self,
        init: Callable[[Any], Any],
        init_arg: Any,
        render: Callable[[Any, J], R],
        jobs: Sequence[J],
    ) -> Iterator[R]:
        state = init(init_arg)
        for job in jobs:
            yield render(state, job)


# Per-process state of a pool worker, set once by the pool's initializer.
_state: Any = None


def _init_worker(init: Callable[[Any], Any], init_arg: Any) -> None:
    global _state
    _state = init(init_arg)


def _run_job(render: Callable[[Any, J], R], job: J) -> R:
    return render(_state, job)


def available_cores() -> int:
    """The cores this process may use (honours CPU affinity and cgroup pinning)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class ProcessExecutor:
    """A pool of worker processes, one per core by default.

    At most ``2 * workers`` jobs are in flight at once, so a run of many
    batches does not queue every job's recipients in the pool at the start.

    Args:
        workers: number of processes; ``None`` means all available cores.
    """

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or available_cores()

    def run(
        self,
        init: Callable[[Any], Any],
        init_arg: Any,
        render: Callable[[Any, J], R],
        jobs: Sequence[J],
    ) -> Iterator[R]:
        if not jobs:
            return
        n = min(self.workers, len(jobs))
        with ProcessPoolExecutor(
            max_workers=n, initializer=_init_worker, initargs=(init, init_arg)
        ) as pool:
            pending: set[Future[R]] = set()
            todo = iter(jobs)
            for job in todo:
                pending.add(pool.submit(_run_job, render, job))
                if len(pending) >= 2 * n:
                    break
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    yield fut.result()
                    nxt = next(todo, None)
                    if nxt is not None:
                        pending.add(pool.submit(_run_job, render, nxt))


def make_executor(workers: int | None) -> Executor:
    """A serial executor for ``workers == 1``, else a process pool."""
    if workers == 1:
        return SerialExecutor()
    return ProcessExecutor(workers)
