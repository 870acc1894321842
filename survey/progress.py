"""Progress reporting as an injected seam.

Library code that loops over many items (address rows, scan pages) takes a
:class:`ProgressFactory` and reports through the bar it makes. The library
never decides whether a bar is shown: the CLI passes a terminal bar when
stderr is a terminal (``papersurvey.tqdm_progress``) and everyone else gets
:class:`NullProgressBar`, which does nothing.

Usage::

    with progress(total=len(rows), desc="checking addresses", unit="row") as bar:
        for row in rows:
            ...
            bar.update()
"""

from __future__ import annotations

from typing import Protocol


class ProgressBar(Protocol):
    """One running progress bar; a context manager."""

    def update(self, n: int = 1) -> None:
        """Count ``n`` more items done."""

    def __enter__(self) -> ProgressBar: ...

    def __exit__(self, *exc: object) -> None: ...


class ProgressFactory(Protocol):
    """Makes a progress bar; a bar class itself fits (``NullProgressBar``)."""

    def __call__(self, *, total: int | None, desc: str, unit: str = "item") -> ProgressBar: ...


class NullProgressBar:
    """A progress bar that shows nothing: for tests, pipes and library use."""

    def __init__(self, *, total: int | None = None, desc: str = "", unit: str = "item") -> None:
        self.total = total
        self.desc = desc
        self.unit = unit

    def update(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> NullProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass
