"""Review UI under load: 8 operators working one queue over HTTP, on loopback.

A fresh round with N open question items (``papersurvey.simulate.operators``)
is served by the real waitress server (``review.server.BackgroundServer``) on
a free port of 127.0.0.1, once per server (``--servers 2``: two apps, each
with its own store connections, sharing the round as two processes would).
The simulated operators log in and decide items (log in, next item, look,
decide, follow the redirect) until the queue is empty. Figures are printed,
never asserted (the load average before and after is recorded: the
machine is shared): items decided per second (wall time of the whole run, logins
included) and the median and 95th percentile of the response times of all
requests. ``tests/review/test_load.py`` checks the same run for correctness.

It runs on both stores: the round's SQLite file, and a fresh PostgreSQL schema
(created and dropped again) in the database ``--pg-url`` names (default:
``$PAPERSURVEY_TEST_PG_URL``, which ``scripts/pgtest.sh start`` prints); without
one the PostgreSQL run is left out and the output says so.

Usage::

    python benchmarks/bench_review_load.py [--items 60] [--operators 8] [--servers 1] [--repeat 3]

Prints the figures and writes ``benchmarks/results/review_load.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from papersurvey.simulate.operators import make_load_round, run_operators  # noqa: E402
from review.app import ReviewApp  # noqa: E402
from review.roundconfig import review_config  # noqa: E402
from review.server import BackgroundServer  # noqa: E402


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _schema_url(base: str, n: int) -> tuple[str, str]:
    schema = f"bench_review_{os.getpid()}_{n}"
    return f"{base}{'&' if '?' in base else '?'}schema={schema}", schema


def _drop_schema(base: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def run_once(
    items: int, operators: int, servers: int, store_url: str | None = None
) -> dict[str, Any]:
    """One run on a fresh round (its store: ``store_url``, else store.sqlite): wall seconds,
    request times, decisions."""
    with tempfile.TemporaryDirectory(prefix="bench-review-") as tmp:
        made = make_load_round(
            Path(tmp) / "round", items=items, operators=operators, store_url=store_url
        )
        config = dataclasses.replace(review_config(made.root), draft_ocr=None)
        apps = [ReviewApp(config) for _ in range(servers)]
        with contextlib.ExitStack() as stack:
            urls = [stack.enter_context(BackgroundServer(app)).url for app in apps]
            t0 = time.perf_counter()
            runs = run_operators(urls, made.operators, max_items=items)
            wall = time.perf_counter() - t0
        for app in apps:
            app.close()
    decided = sum(len(r.decided) for r in runs)
    if decided != items:
        raise SystemExit(f"{decided} decisions for {items} items: run tests/review/test_load.py")
    return {
        "seconds": wall,
        "times": [t for r in runs for t in r.seconds],
        "conflicts": sum(r.conflicts for r in runs),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--operators", type=int, default=8)
    parser.add_argument("--servers", type=int, default=1, choices=(1, 2))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "review_load.json"
    )
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("PAPERSURVEY_TEST_PG_URL", ""),
        help="a PostgreSQL database to run in too (a schema is made and dropped per run)",
    )
    args = parser.parse_args(argv)
    logging.getLogger("waitress.queue").setLevel(logging.ERROR)  # "queue depth 1": expected here

    stores: list[tuple[str, str | None]] = [("sqlite", None)]
    if args.pg_url:
        stores.append(("postgresql", args.pg_url))
    else:
        print("no PostgreSQL database (--pg-url or PAPERSURVEY_TEST_PG_URL): SQLite only")
    runs = []
    for store, base in stores:
        best: dict[str, Any] | None = None
        load_before = os.getloadavg()[0]
        for n in range(args.repeat):
            if base is None:
                run = run_once(args.items, args.operators, args.servers)
            else:
                url, schema = _schema_url(base, n)
                try:
                    run = run_once(args.items, args.operators, args.servers, url)
                finally:
                    _drop_schema(base, schema)
            if best is None or run["seconds"] < best["seconds"]:
                best = run
        assert best is not None
        times = best["times"]
        result = {
            "store": store,
            "items": args.items,
            "operators": args.operators,
            "servers": args.servers,
            "repeat": args.repeat,
            "seconds": round(best["seconds"], 3),
            "items_per_second": round(args.items / best["seconds"], 1),
            "requests": len(times),
            "response_ms_p50": round(statistics.median(times) * 1000, 1),
            "response_ms_p95": round(_percentile(times, 0.95) * 1000, 1),
            "conflicts": best["conflicts"],
            "load_average_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        }
        runs.append(result)
        print(
            f"{store}: {args.operators} operators, {args.servers} server(s), {args.items} items: "
            f"{result['items_per_second']} items/s ({result['seconds']} s, best of "
            f"{args.repeat}); {len(times)} requests: p50 {result['response_ms_p50']} ms, "
            f"p95 {result['response_ms_p95']} ms; {best['conflicts']} conflicts"
        )
    results = {
        "benchmark": "bench_review_load",
        "python": platform.python_version(),
        "machine": platform.machine(),
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
