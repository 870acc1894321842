"""Run store calls from several threads at once, for the tests of locking and migration."""

from __future__ import annotations

import threading
from collections.abc import Callable


def errors_of_concurrent(calls: list[Callable[[], object]]) -> list[BaseException]:
    """Start every call on a thread of its own, wait for all; what they raised, if anything.

    The threads start together so the calls race for the store's locks, which
    is what these tests are about; an exception is collected rather than lost
    on its thread, so the test can assert that there was none.
    """
    errors: list[BaseException] = []

    def guarded(call: Callable[[], object]) -> None:
        try:
            call()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=guarded, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors
