"""Progress bars: tqdm only on a terminal, the null bar everywhere else."""

from __future__ import annotations

import io

from papersurvey.tqdm_progress import for_stream
from survey.progress import NullProgressBar


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_not_a_terminal_gets_the_null_bar() -> None:
    assert for_stream(io.StringIO()) is NullProgressBar
    assert for_stream(FakeTerminal(), enabled=False) is NullProgressBar


def test_a_terminal_gets_a_tqdm_bar_on_that_stream() -> None:
    stream = FakeTerminal()
    make = for_stream(stream)
    with make(total=3, desc="checking addresses", unit="row") as bar:
        for _ in range(3):
            bar.update()
    shown = stream.getvalue()
    assert "checking addresses:   0%" in shown and "0/3" in shown
    assert shown.endswith("\r")  # the finished bar is removed from the screen


def test_the_null_bar_does_nothing() -> None:
    with NullProgressBar(total=2, desc="x") as bar:
        bar.update(2)
