"""The executor seam: the pool and the serial twin give the same results."""

from __future__ import annotations

import os

import pytest

from print_batches.parallel import ProcessExecutor, SerialExecutor, make_executor


def _init(base: int) -> dict:
    return {"base": base, "pid": os.getpid()}


def _render(state: dict, job: int) -> tuple[int, int, int]:
    if job < 0:
        raise ValueError(f"bad job {job}")
    return job, state["base"] + job * job, state["pid"]


def test_serial_and_pool_agree() -> None:
    jobs = list(range(9))
    serial = sorted(r[:2] for r in SerialExecutor().run(_init, 100, _render, jobs))
    pooled = list(ProcessExecutor(2).run(_init, 100, _render, jobs))
    assert sorted(r[:2] for r in pooled) == serial == [(j, 100 + j * j) for j in jobs]
    assert all(r[2] != os.getpid() for r in pooled)  # really in worker processes
    assert len({r[2] for r in pooled}) <= 2  # state built once per worker


def test_worker_errors_reach_the_caller() -> None:
    with pytest.raises(ValueError, match="bad job -1"):
        list(ProcessExecutor(2).run(_init, 0, _render, [1, -1, 2]))


def test_make_executor() -> None:
    assert isinstance(make_executor(1), SerialExecutor)
    assert isinstance(make_executor(None), ProcessExecutor)
    assert list(ProcessExecutor().run(_init, 0, _render, [])) == []
