"""Tasks on a Dask distributed cluster (``--dask tcp://host:8786``): the third :class:`Executor`.

The context is scattered to every worker once; each worker builds its state
from it once (``init``, kept per worker process under the scattered key) and
runs the tasks it is given with it, like a pool worker. Outcomes are the
same as those of :class:`survey.executors.SerialExecutor`.

Workers must have papersurvey installed and see the scan files and the
project folder under the same paths (a shared file system).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from survey.errors import ExecutorError, MissingDependencyError
from survey.executors import END, Closing, Init, TaskOutcome, call, outcome, worker_state

T = TypeVar("T")
R = TypeVar("R")

# Per worker process: the state built from the latest scattered context, under its key.
_states: dict[object, Any] = {}
_states_lock = threading.Lock()


def _dask_call(
    fn: Callable[[Any, Any], Any], init: Init | None, context: Any, key: object, task: Any
) -> Any:
    with _states_lock:
        if key not in _states:
            _states.clear()  # one context at a time: the previous run's state can go
            _states[key] = worker_state(init, context)
        state = _states[key]
    return call(fn, state, task)


class DaskExecutor(Closing):
    """Tasks on a Dask distributed cluster.

    Args:
        address: the scheduler's address, or a running ``distributed.Client``
            (then it is not closed here).
        inflight_per_worker: tasks queued per worker thread at most.
        timeout: seconds to wait for the scheduler.

    Raises:
        MissingDependencyError: Dask is not installed.
        ExecutorError: the scheduler cannot be reached.
    """

    name = "dask"

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
        self,
        fn: Callable[[Any, T], R],
        context: Any,
        tasks: Iterable[T],
        *,
        init: Init | None = None,
    ) -> Iterator[TaskOutcome[T, R]]:
        from distributed import as_completed

        # A list, so a dict context is scattered as one object, not per key.
        (ctx,) = self.client.scatter([context], broadcast=True, hash=False)
        limit = self.workers * self._inflight_per_worker
        source = iter(tasks)
        pending: dict[Any, T] = {}
        queue = as_completed()

        def submit_one() -> bool:
            task = next(source, END)
            if task is END:
                return False
            fut = self.client.submit(_dask_call, fn, init, ctx, ctx.key, task, pure=False)
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
                    yield TaskOutcome(task, None, f"{type(exc).__name__}: {exc}", exc)
                else:
                    yield outcome(task, fut.result())
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
