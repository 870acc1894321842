"""Executors: the same outcomes serially, in a process pool and on a Dask cluster."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading

import pytest

from survey.dask_executor import DaskExecutor
from survey.errors import ExecutorError
from survey.executors import (
    ProcessExecutor,
    SerialExecutor,
    TaskOutcome,
    _deferred_interrupt,
    available_cores,
    make_executor,
)
from tests.signals import ctrl_c_raises
from tests.survey.taskfns import scaled, scaled_with_pid, start, stuck

TASKS = [*range(10), -1, 20]


def _collect(executor, context, tasks=TASKS):
    outcomes = list(executor.map_unordered(scaled, context, tasks))
    return sorted((o.task, o.result, o.error.split(":")[0]) for o in outcomes)


EXPECTED = sorted([(t, t * 3, "") for t in TASKS if t >= 0] + [(-1, None, "ValueError")])


def test_serial_returns_results_and_errors_as_values():
    with SerialExecutor() as ex:
        assert ex.name == "serial" and ex.workers == 1
        assert _collect(ex, {"factor": 3}) == EXPECTED


def _counted(n: int, pulled: list[int]):
    """Tasks ``0..n-1``, noting in ``pulled`` each one the executor took."""
    for t in range(n):
        pulled.append(t)
        yield t


def test_serial_pulls_tasks_lazily():
    pulled: list[int] = []
    with SerialExecutor() as ex:
        it = ex.map_unordered(scaled, {"factor": 1}, _counted(100, pulled))
        next(it)
        assert len(pulled) == 1


def test_process_pool_matches_serial_and_survives_a_worker_crash():
    tasks = [*TASKS, 13]
    with ProcessExecutor(2, inflight_per_worker=2) as ex:
        assert ex.workers == 2 and ex.name == "processes"
        outcomes = list(ex.map_unordered(scaled, {"factor": 3, "crash_on_13": True}, tasks))
    got = {o.task: o for o in outcomes}
    assert sorted(got) == sorted(tasks)  # every task has exactly one outcome
    assert "died" in got[13].error
    assert all(got[t].result == t * 3 for t in TASKS if t >= 0)  # the crash hurt nobody else
    assert got[-1].error.startswith("ValueError: negative task -1")
    with pytest.raises(ExecutorError, match="died"):
        got[13].get()


def test_process_pool_bounds_tasks_in_flight():
    pulled: list[int] = []
    with ProcessExecutor(2, inflight_per_worker=2) as ex:
        it = ex.map_unordered(scaled, {"factor": 1}, _counted(50, pulled))
        next(it)
        assert len(pulled) <= 4 + 1
        assert sum(1 for _ in it) == 49


@pytest.mark.parametrize("kind", ["serial", "processes"])
def test_the_state_is_built_once_per_worker(kind):
    with make_executor(1 if kind == "serial" else 2) as ex:
        first = list(ex.map_unordered(scaled_with_pid, 100, range(9), init=start))
        again = list(ex.map_unordered(scaled_with_pid, 100, range(9, 12), init=start))
    results = sorted(o.get()[0] for o in first + again)
    assert results == [100 * t for t in range(12)]
    pids = {o.get()[1] for o in first + again}
    if kind == "serial":
        assert pids == {os.getpid()}
    else:  # really in worker processes, kept for the second run over the same context
        assert os.getpid() not in pids and len(pids) <= 2


@pytest.mark.parametrize("kind", ["serial", "processes"])
def test_the_tasks_exception_comes_back_and_get_raises_it(kind):
    with make_executor(1 if kind == "serial" else 2) as ex:
        outcomes = {o.task: o for o in ex.map_unordered(scaled, {"factor": 2}, [1, -1, 99])}
    assert outcomes[1].get() == 2
    assert isinstance(outcomes[-1].exception, ValueError)
    with pytest.raises(ValueError, match="negative task -1"):
        outcomes[-1].get()
    # an exception that cannot pickle still names itself
    assert outcomes[99].error.startswith("Unpicklable: cannot pickle me")
    with pytest.raises(Exception, match="cannot pickle me"):
        outcomes[99].get()


@pytest.mark.parametrize("kind", ["serial", "processes"])
def test_a_failing_init_fails_every_task_with_its_error(kind):
    with make_executor(1 if kind == "serial" else 2) as ex:
        outcomes = list(ex.map_unordered(scaled_with_pid, -5, range(4), init=start))
    assert len(outcomes) == 4
    assert all(o.error.startswith("ValueError: cannot start with -5") for o in outcomes)


def test_dask_matches_serial(dask_cluster):
    with DaskExecutor(dask_cluster.scheduler_address) as ex:
        assert ex.workers == 2 and ex.name == "dask"
        assert _collect(ex, {"factor": 3}) == EXPECTED
        with_state = list(ex.map_unordered(scaled_with_pid, 7, range(6), init=start))
    assert sorted(o.get()[0] for o in with_state) == [7 * t for t in range(6)]
    assert os.getpid() not in {o.get()[1] for o in with_state}


def test_dask_unreachable_scheduler_is_a_clear_error():
    with pytest.raises(ExecutorError, match="Cannot reach the Dask scheduler"):
        DaskExecutor("tcp://127.0.0.1:9", timeout=1)


def test_make_executor_picks_by_options():
    assert isinstance(make_executor(1), SerialExecutor)
    assert isinstance(make_executor(2), ProcessExecutor)
    assert make_executor(None).workers == available_cores()


def test_available_cores_follow_the_affinity(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    assert available_cores() == 3


def test_outcomes_compare_by_task_result_and_error():
    assert TaskOutcome(1, 2) == TaskOutcome(1, 2)
    assert TaskOutcome(1, None, "ValueError: x", ValueError("x")) == TaskOutcome(
        1, None, "ValueError: x"
    )
    assert TaskOutcome(1, 2).ok and not TaskOutcome(1, None, "boom").ok


def test_ctrl_c_ends_workers_that_are_still_running(tmp_path, monkeypatch):
    """Ctrl-C while both workers run a task that never ends: leaving the ``with`` gives them
    the grace period, then ends them, and none is left behind."""
    monkeypatch.setattr("survey.executors.ABORT_GRACE_SECONDS", 0.2)
    before = set(multiprocessing.active_children())
    main = threading.main_thread().ident
    assert main is not None

    def interrupt_once_both_run() -> None:
        while len(list(tmp_path.glob("started-*"))) < 2:
            threading.Event().wait(0.01)
        signal.pthread_kill(main, signal.SIGINT)  # as Ctrl-C: KeyboardInterrupt in the main thread

    watcher = threading.Thread(target=interrupt_once_both_run, daemon=True)
    watcher.start()
    with ctrl_c_raises(), pytest.raises(KeyboardInterrupt), ProcessExecutor(2) as ex:
        for _ in ex.map_unordered(stuck, str(tmp_path), range(6)):
            pass
    watcher.join()
    assert set(multiprocessing.active_children()) - before == set()


def test_ctrl_c_during_a_critical_step_is_raised_after_it():
    ran = []
    with ctrl_c_raises(), pytest.raises(KeyboardInterrupt), _deferred_interrupt():
        signal.raise_signal(signal.SIGINT)
        ran.append("the rest of the step")
    assert ran == ["the rest of the step"]
