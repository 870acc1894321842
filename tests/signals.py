"""Ctrl-C in tests that send it, whatever the shell that started the run did with it.

A test run started in the background of a shell (``make test &``, ``nohup``,
some CI runners) inherits SIGINT *ignored*, and Python then keeps ignoring it,
in this process and in every process it starts: a test that stops a process
with Ctrl-C would wait for ever. The tests that send SIGINT give it its usual
meaning first (:func:`ctrl_c_raises`). A child started inside the block gets
the default disposition (a handled signal is reset at ``exec``; an ignored one
would stay ignored), so its Python raises ``KeyboardInterrupt`` too.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def ctrl_c_raises() -> Iterator[None]:
    """SIGINT raises ``KeyboardInterrupt`` in the main thread here, as it does by default."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
