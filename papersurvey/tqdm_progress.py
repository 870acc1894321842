"""Progress bars for the command line: tqdm on a terminal, nothing otherwise.

The protocol and the null bar live in :mod:`survey.progress`, so that every
package can accept an injected bar without importing the shell; this module
holds only what the shell adds: the tqdm bar and the choice of bar for a
stream.
"""

from __future__ import annotations

import sys
from typing import TextIO

from tqdm import tqdm

from survey.progress import NullProgressBar, ProgressBar, ProgressFactory

__all__ = ["TqdmProgressBar", "for_stream"]


class TqdmProgressBar:
    """A tqdm bar on stderr; removed from the screen when done."""

    def __init__(
        self, *, total: int | None, desc: str, unit: str = "item", file: TextIO | None = None
    ) -> None:
        self._bar = tqdm(
            total=total,
            desc=desc,
            unit=unit,
            file=file if file is not None else sys.stderr,
            leave=False,
            dynamic_ncols=True,
            mininterval=0.2,
        )

    def update(self, n: int = 1) -> None:
        self._bar.update(n)

    def __enter__(self) -> TqdmProgressBar:
        return self

    def __exit__(self, *exc: object) -> None:
        self._bar.close()


def for_stream(stream: TextIO | None = None, *, enabled: bool = True) -> ProgressFactory:
    """The bar to use: tqdm when ``stream`` (default stderr) is a terminal, else the null bar."""
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    if not (enabled and isatty is not None and isatty()):
        return NullProgressBar

    def make(*, total: int | None, desc: str, unit: str = "item") -> ProgressBar:
        return TqdmProgressBar(total=total, desc=desc, unit=unit, file=stream)

    return make
