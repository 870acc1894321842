"""Benchmark ``papersurvey print``: pages per second and peak memory.

For 1,000 and 10,000 invented respondents who all get the letter with the
paper questionnaire (``--channel paper``), this runs the real print run
(postal sorting, batches of 500 rendered in a process pool on all cores,
manifests, job ticket, store records) and measures:

* wall-clock time of the run and pages per second, counting every page of
  the batch PDFs (blank backs included) and, separately, the printed ones;
* the peak memory of the whole process tree (the parent plus its worker
  processes, sampled from /proc every 20 ms), as the sum of resident set sizes
  (counts memory shared after fork once per process: an upper bound) and as
  the sum of proportional set sizes; the acceptance uses the upper bound;
* the same run with the naive baseline that draws every page in full for
  every respondent (no form XObjects), for 1,000 respondents, and the ratio;
* CPU seconds of the process tree and the load average before and after, so a
  run slowed down by other work on a shared machine can be recognised;
* whether reportlab's C accelerator (``rl-accel``) is in use, and the fast
  path without it for 1,000 respondents.

Every case runs in its own subprocess so memory figures do not mix. Results go
to ``benchmarks/results/bench_print.json``.

Usage::

    python benchmarks/bench_print.py            # 1,000 and 10,000
    python benchmarks/bench_print.py --sizes 1000 --no-baseline
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results" / "bench_print.json"
TARGET_PAGES_PER_S = 800
TARGET_PEAK_MB = 500


class TreeMemorySampler:
    """Peak memory of this process and all its descendants (Linux /proc).

    Two sums over the process tree, sampled every ``interval`` seconds:
    ``peak_rss_bytes`` adds up resident set sizes, which counts pages shared
    between the parent and its forked workers once per process (an upper
    bound); ``peak_pss_bytes`` adds up proportional set sizes, which splits
    shared pages between the processes sharing them (the memory actually used).
    """

    def __init__(self, interval: float = 0.02) -> None:
        self.interval = interval
        self.peak_rss_bytes = 0
        self.peak_pss_bytes = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @staticmethod
    def _tree() -> list[int]:
        pids, todo = [], [os.getpid()]
        while todo:
            pid = todo.pop()
            pids.append(pid)
            try:
                for task in Path(f"/proc/{pid}/task").iterdir():
                    todo += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
        return pids

    def _sample(self) -> None:
        rss = pss = 0
        for pid in self._tree():
            try:
                text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            for line in text.splitlines():
                key, _, rest = line.partition(":")
                if key == "Rss":
                    rss += int(rest.split()[0]) * 1024
                elif key == "Pss":
                    pss += int(rest.split()[0]) * 1024
        self.peak_rss_bytes = max(self.peak_rss_bytes, rss)
        self.peak_pss_bytes = max(self.peak_pss_bytes, pss)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemorySampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()


def _fill_in_settings(folder: Path) -> None:
    """Fill in survey.toml as an operator would, so the letters are complete."""
    import dataclasses
    import datetime as dt

    from survey.settings import load_settings, render_settings

    path = folder / "survey.toml"
    s = load_settings(path)
    s = dataclasses.replace(
        s,
        survey=dataclasses.replace(s.survey, bureau="Onderzoeksbureau Voorbeeld"),
        dates=dataclasses.replace(s.dates, send=dt.date(2027, 3, 1), close=dt.date(2027, 3, 29)),
        online=dataclasses.replace(
            s.online, base_url="https://enquete.example.nl", limesurvey_sid="123456"
        ),
        helpdesk=dataclasses.replace(s.helpdesk, phone="070 123 45 67"),
        sender=dataclasses.replace(s.sender, name="J. Jansen", role="Manager Werk en Inkomen"),
    )
    path.write_text(render_settings(s), encoding="utf-8")


def _cpu_seconds() -> float:
    """User + system CPU time of this process and its waited-for children."""
    me, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def run_case(size: int, naive: bool, accel: bool, workers: int | None) -> dict[str, Any]:
    """One measured print run in this process (called in a fresh subprocess)."""
    if not accel:
        sys.modules["_rl_accel"] = None  # type: ignore[assignment]  # reportlab falls back to Python
    import reportlab.lib.rl_accel as rl_accel

    from papersurvey.demo.addresses import fake_people, write_address_csv
    from print_batches.batches import INVITATION_RUN
    from print_batches.recipients import select_invitations
    from print_batches.run import produce_run
    from print_batches.variants import PrintChannel
    from survey.executors import make_executor
    from survey.intake import ImportOptions, import_addresses
    from survey.project import NewProjectOptions, Project, create_project

    with tempfile.TemporaryDirectory(prefix="bench-print-") as tmp:
        folder = Path(tmp) / "kbo-bench"
        create_project(NewProjectOptions(folder, municipality="Leidschendam-Voorburg")).close()
        _fill_in_settings(folder)
        csv_path = write_address_csv(Path(tmp) / "adressen.csv", fake_people(size, seed=size))
        with Project.open(folder) as project:
            import_addresses(project, ImportOptions(csv_path))
            selection = select_invitations(project, PrintChannel.PAPER)
            executor = make_executor(workers)
            load_before = os.getloadavg()[0]
            cpu_before = _cpu_seconds()
            with TreeMemorySampler() as mem:
                started = time.perf_counter()
                report = produce_run(
                    project,
                    INVITATION_RUN,
                    selection.recipients,
                    batch_size=project.settings.print.batch_size,
                    executor=executor,
                    naive=naive,
                )
                seconds = time.perf_counter() - started
            executor.close()
            cpu = _cpu_seconds() - cpu_before
            load_after = os.getloadavg()[0]
            pdf_bytes = sum(p.stat().st_size for p in report.folder.glob("*.pdf"))
    printed = report.pages - report.blank_pages
    return {
        "respondents": size,
        "mode": "naive" if naive else "forms",
        "rl_accel": bool(rl_accel._c_funcs),
        "workers": getattr(executor, "workers", 1),
        "batches": report.batches,
        "pages": report.pages,
        "printed_pages": printed,
        "blank_pages": report.blank_pages,
        "sheets": report.sheets,
        "seconds": round(seconds, 3),
        "pages_per_s": round(report.pages / seconds, 1),
        "printed_pages_per_s": round(printed / seconds, 1),
        "peak_rss_mb": round(mem.peak_rss_bytes / 2**20, 1),
        "peak_pss_mb": round(mem.peak_pss_bytes / 2**20, 1),
        "cpu_seconds": round(cpu, 2),
        "pages_per_cpu_s": round(report.pages / cpu, 1),
        "load_average_before_after": [round(load_before, 2), round(load_after, 2)],
        "pdf_mb": round(pdf_bytes / 2**20, 1),
    }


def _subprocess_case(size: int, naive: bool, accel: bool, workers: int | None) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--case", str(size)]
    cmd += ["--naive"] if naive else []
    cmd += [] if accel else ["--no-accel"]
    cmd += ["--workers", str(workers)] if workers else []
    out = subprocess.run(cmd, check=True, capture_output=True, text=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _wait_for_quiet(max_load: float, patience_s: float) -> float:
    """Wait (at most ``patience_s``) until the 1-minute load average is below ``max_load``."""
    deadline = time.monotonic() + patience_s
    while os.getloadavg()[0] >= max_load and time.monotonic() < deadline:
        time.sleep(5)
    return os.getloadavg()[0]


def _ratios(size: int, fast: dict[str, Any], slow: dict[str, Any]) -> dict[str, Any]:
    """Speed ratios by wall clock and by CPU time (the latter is robust to a busy machine)."""
    return {
        "respondents": size,
        "ratio_wall": round(fast["pages_per_s"] / slow["pages_per_s"], 2),
        "ratio_cpu": round(fast["pages_per_cpu_s"] / slow["pages_per_cpu_s"], 2),
    }


def summarise(cases: list[dict[str, Any]]) -> dict[str, Any]:
    """The summary of measured cases: per size, ratios, and the acceptance check."""
    fast = {c["respondents"]: c for c in cases if c["mode"] == "forms" and c["rl_accel"]}
    summary: dict[str, Any] = {
        str(size): {k: c[k] for k in ("pages_per_s", "peak_rss_mb", "pages_per_cpu_s")}
        for size, c in sorted(fast.items())
    }
    for c in cases:
        if c["mode"] == "naive":
            summary["speedup_vs_naive"] = _ratios(c["respondents"], fast[c["respondents"]], c)
        elif not c["rl_accel"]:
            summary["rl_accel_gain"] = _ratios(c["respondents"], fast[c["respondents"]], c)
    big = fast[max(fast)]
    memory_ok = big["peak_rss_mb"] < TARGET_PEAK_MB
    summary["acceptance"] = {
        "respondents": big["respondents"],
        "pages_per_s": big["pages_per_s"],
        "printed_pages_per_s": big["printed_pages_per_s"],
        "peak_rss_mb": big["peak_rss_mb"],
        "peak_pss_mb": big["peak_pss_mb"],
        "load_average_before_after": big["load_average_before_after"],
        "target_pages_per_s": TARGET_PAGES_PER_S,
        "target_peak_mb": TARGET_PEAK_MB,
        "pass_counting_all_pages": big["pages_per_s"] >= TARGET_PAGES_PER_S and memory_ok,
        "pass_counting_printed_pages": big["printed_pages_per_s"] >= TARGET_PAGES_PER_S
        and memory_ok,
    }
    return summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--no-baseline", action="store_true", help="skip the naive baseline")
    parser.add_argument("--workers", type=int, default=None, help="default: all cores")
    parser.add_argument(
        "--quiet-load",
        type=float,
        default=None,
        metavar="X",
        help="before each case wait (up to --patience seconds) for a 1-minute load average below X",
    )
    parser.add_argument("--patience", type=float, default=300.0, metavar="S")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    parser.add_argument("--case", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--naive", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-accel", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.case:
        print(json.dumps(run_case(args.case, args.naive, not args.no_accel, args.workers)))
        return 0

    cases: list[dict[str, Any]] = []

    def measure(size: int, naive: bool = False, accel: bool = True) -> dict[str, Any]:
        if args.quiet_load is not None:
            _wait_for_quiet(args.quiet_load, args.patience)
        result = _subprocess_case(size, naive, accel, args.workers)
        cases.append(result)
        print(
            f"{size:>6} respondents, {result['mode']:<5} accel={result['rl_accel']!s:<5} "
            f"{result['pages']:>7} pages in {result['seconds']:7.2f} s: "
            f"{result['pages_per_s']:7.1f} pages/s ({result['printed_pages_per_s']:.1f} printed), "
            f"peak {result['peak_rss_mb']:.0f} MB RSS / {result['peak_pss_mb']:.0f} MB PSS, "
            f"{result['pages_per_cpu_s']:.0f} pages per CPU-second",
            flush=True,
        )
        return result

    for size in args.sizes:
        measure(size)
    if not args.no_baseline:
        measure(min(args.sizes), naive=True)
        measure(min(args.sizes), accel=False)
    summary = summarise(cases)
    result = {
        "benchmark": "bench_print",
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "note": "pages count every page of the batch PDFs, blank backs included; "
        "printed_pages leaves the blank backs out; the acceptance is shown for both",
        "summary": summary,
        "cases": cases,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
