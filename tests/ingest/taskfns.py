"""Module-level task functions for the executor tests (workers import them by name)."""

from __future__ import annotations

import os


def scaled(context: dict[str, int], task: int) -> int:
    """``task * context['factor']``; raises for negative tasks; kills its process on 13."""
    if task == 13 and context.get("crash_on_13"):
        os._exit(3)  # a hard crash, like a decoder segfault
    if task < 0:
        raise ValueError(f"negative task {task}")
    return task * context["factor"]
