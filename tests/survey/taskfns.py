"""Module-level task functions for the executor tests (workers import them by name)."""

from __future__ import annotations

import os


class Unpicklable(Exception):
    """An exception that cannot travel back from a worker (it holds a lambda)."""

    def __init__(self) -> None:
        super().__init__("cannot pickle me")
        self.hook = lambda: None


def scaled(context: dict[str, int], task: int) -> int:
    """``task * context['factor']``; raises for negative tasks; kills its process on 13."""
    if task == 13 and context.get("crash_on_13"):
        os._exit(3)  # a hard crash, like a decoder segfault
    if task < 0:
        raise ValueError(f"negative task {task}")
    if task == 99:
        raise Unpicklable
    return task * context["factor"]


def start(base: int) -> dict[str, int]:
    """A worker's state: built once per worker (its process id shows which)."""
    if base < 0:
        raise ValueError(f"cannot start with {base}")
    return {"factor": base, "pid": os.getpid()}


def scaled_with_pid(state: dict[str, int], task: int) -> tuple[int, int]:
    """``(task * factor, the process that ran it)``."""
    return scaled(state, task), state["pid"]


def stuck(folder: str, task: int) -> int:
    """Says it started (a file in ``folder``), then never returns on its own: a task still
    running when the run is interrupted."""
    import time
    from pathlib import Path

    (Path(folder) / f"started-{task}").touch()
    while True:
        time.sleep(0.05)
