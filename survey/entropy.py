"""Where unguessable values and the time of day come from: the OS, or the demo's seed.

A round's secret key and its pseudonyms (the login codes in the letters) must
be unguessable, so they come from :mod:`secrets`, and files record the real
time. ``papersurvey demo`` promises that two runs with one seed give the same
files, so it runs its commands inside :func:`seeded`: for that block, and only
in that thread of control, the same draws come from a generator seeded with
the demo's seed, the clock stands still at a fixed instant, and PDFs are
written in reportlab's invariant mode (fixed dates and document ids).

No command and no setting turns this on: a real round can never get
predictable login codes by accident. The state lives in a
:class:`contextvars.ContextVar`, so it ends with the ``with`` block and does
not leak into other threads.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class _Replay:
    rng: random.Random
    instant: dt.datetime


_REPLAY: ContextVar[_Replay | None] = ContextVar("papersurvey_replay", default=None)


def seeded_generator(seed: int) -> random.Random:
    """The generator :func:`seeded` draws from for ``seed``; pass it on to continue a sequence."""
    return random.Random(f"papersurvey-demo:{seed}")


@contextmanager
def seeded(seed: int | random.Random, instant: dt.datetime) -> Iterator[None]:
    """Draw every secret from ``seed`` and stop the clock at ``instant`` (demo and tests only).

    Args:
        seed: a seed, or the generator of an earlier block (from
            :func:`seeded_generator`) so that a sequence of commands continues
            one sequence of draws.
        instant: what the clock says inside the block (timezone-aware).
    """
    rng = seeded_generator(seed) if isinstance(seed, int) else seed
    token = _REPLAY.set(_Replay(rng, instant))
    try:
        yield
    finally:
        _REPLAY.reset(token)


def is_seeded() -> bool:
    """Whether the calling code runs inside :func:`seeded` (PDFs are then written invariant)."""
    return _REPLAY.get() is not None


def token_bytes(n: int) -> bytes:
    """``n`` unguessable bytes (seeded inside :func:`seeded`)."""
    replay = _REPLAY.get()
    return secrets.token_bytes(n) if replay is None else replay.rng.randbytes(n)


def choice(options: Sequence[T]) -> T:
    """One of ``options``, drawn unguessably (seeded inside :func:`seeded`)."""
    replay = _REPLAY.get()
    return secrets.choice(options) if replay is None else replay.rng.choice(options)


def now() -> dt.datetime:
    """The current time in UTC (the fixed instant inside :func:`seeded`)."""
    replay = _REPLAY.get()
    return dt.datetime.now(dt.UTC) if replay is None else replay.instant


def today() -> dt.date:
    """Today's local date (the fixed instant's date inside :func:`seeded`)."""
    replay = _REPLAY.get()
    return dt.date.today() if replay is None else replay.instant.date()
