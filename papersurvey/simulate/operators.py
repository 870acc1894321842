"""Simulated operators working one review queue over HTTP (the load test and its benchmark).

:func:`make_load_round` makes a fresh project whose question queue holds a
fixed number of items (one doubtful mark each, for as many respondents) and
operator accounts for it. :func:`work_queue` is one operator in a browser:
log in, ask for the next item, look at it, decide it (*geen antwoord*),
follow the redirect to the next, until the server says nothing is left for
them. :func:`run_operators` runs several at once, each in a thread with its
own HTTP session, against one server or several serving the same round.

Nothing here sleeps or waits on a clock: every loop is bounded by the
number of items, so a run ends whatever the scheduling.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from survey.store import Store

PASSWORD = "operators load test"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')
_SEEN = re.compile(r'name="seen" value="([^"]*)"')
_ITEM = re.compile(r"^/items/(\d+)")


@dataclass(frozen=True)
class LoadRound:
    """A round for the load test.

    Attributes:
        root: the project folder.
        items: the ids of the question items in the queue.
        operators: the operator names (all with :data:`PASSWORD`).
        question: the question every item is about.
    """

    root: Path
    items: tuple[int, ...]
    operators: tuple[str, ...]
    question: str


def make_load_round(
    root: Path,
    *,
    items: int = 60,
    operators: int = 8,
    store_url: str | None = None,
) -> LoadRound:
    """A new project in ``root`` with ``items`` open question items and ``operators`` accounts.

    Args:
        root: the project folder to create.
        items: question items in the queue (one per new respondent).
        operators: operator accounts ``op1`` ... ``opN``.
        store_url: the round's store (a PostgreSQL URL, in ``survey.toml``); ``None``:
            the project's ``store.sqlite``.
    """
    from review.auth import add_operator
    from survey.model import QuestionType
    from survey.project import NewProjectOptions, create_project
    from survey.pseudonym import new_pseudonyms
    from survey.store import utc_now

    options = NewProjectOptions(root, municipality="Lastdorp", store_url=store_url)
    with create_project(options) as project:
        q = next(
            q for q in project.load_questionnaire().questions() if q.type is QuestionType.SELECT_ONE
        )
    names = tuple(f"op{i}" for i in range(1, operators + 1))
    with Store.open(store_url or root / "store.sqlite") as store:
        for name in names:
            add_operator(store, name, PASSWORD)
        with store.transaction():
            for n, pseudonym in enumerate(sorted(new_pseudonyms(items))):
                store.insert(
                    "respondents",
                    {"pseudonym": pseudonym, "channel": "paper", "imported_at": utc_now()},
                )
                store.insert(
                    "review_items",
                    {
                        "pseudonym": pseudonym,
                        "question": q.name,
                        "page_sha256": f"{n:064x}",
                        "reason": "multiple_marks",
                        "created_at": utc_now(),
                    },
                )
        ids = tuple(
            int(r[0])
            for r in store.query(
                "SELECT id FROM review_items WHERE question = ? ORDER BY id", (q.name,)
            )
        )
    return LoadRound(root, ids, names, q.name)


@dataclass
class OperatorRun:
    """What one simulated operator did.

    Attributes:
        name: the operator.
        decided: the items they decided, in order.
        conflicts: decisions the server refused (409: a colleague had the item).
        seconds: the response time of every request, in seconds.
        last: where the server sent them at the end (``/?msg=...``).
    """

    name: str
    decided: list[int] = field(default_factory=list)
    conflicts: int = 0
    seconds: list[float] = field(default_factory=list)
    last: str = ""


def work_queue(base_url: str, name: str, password: str, *, max_items: int) -> OperatorRun:
    """One operator works the question queue at ``base_url`` until nothing is left for them.

    Raises:
        RuntimeError: the login failed, a page was not as expected, or the
            operator was sent to more than ``2 * max_items`` items.
    """
    import requests

    run = OperatorRun(name)
    http = requests.Session()

    def call(method: str, path: str, **kw: object) -> requests.Response:
        t0 = time.perf_counter()
        r = http.request(method, base_url + path, allow_redirects=False, timeout=60, **kw)  # type: ignore[arg-type]
        run.seconds.append(time.perf_counter() - t0)
        return r

    def csrf(page: str) -> str:
        m = _CSRF.search(page)
        if m is None:
            raise RuntimeError(f"{name}: a page without a CSRF token")
        return m.group(1)

    login = call("GET", "/login")
    reply = call(
        "POST",
        "/login",
        data={"csrf": csrf(login.text), "name": name, "password": password, "next": "/"},
    )
    if reply.status_code != 303:
        raise RuntimeError(f"{name}: login refused ({reply.status_code})")
    reply = call("GET", "/items/next")
    for _ in range(2 * max_items + 1):
        location = reply.headers.get("Location", "")
        m = _ITEM.match(location)
        if m is None:
            run.last = location
            return run
        item_id = int(m.group(1))
        page = call("GET", location)
        seen = _SEEN.search(page.text)
        form = {"csrf": csrf(page.text), "action": "none", "seen": seen.group(1) if seen else ""}
        reply = call("POST", f"/items/{item_id}", data=form)
        if reply.status_code == 409:
            run.conflicts += 1
            reply = call("GET", "/items/next")
        elif reply.status_code == 303:
            run.decided.append(item_id)
        else:
            raise RuntimeError(f"{name}: deciding item {item_id} gave {reply.status_code}")
    raise RuntimeError(f"{name}: still sent to items after {2 * max_items + 1} decisions")


def run_operators(
    urls: Sequence[str], operators: Sequence[str], *, max_items: int, password: str = PASSWORD
) -> list[OperatorRun]:
    """Every operator works the queue at once, in a thread; operator *i* uses ``urls[i % n]``.

    Raises:
        RuntimeError: an operator failed (the first failure).
    """
    runs: list[OperatorRun | None] = [None] * len(operators)
    errors: list[BaseException] = []

    def one(i: int) -> None:
        try:
            runs[i] = work_queue(urls[i % len(urls)], operators[i], password, max_items=max_items)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(operators))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"a simulated operator failed: {errors[0]}") from errors[0]
    return [r for r in runs if r is not None]
