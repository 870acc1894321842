"""Benchmark ``papersurvey scan``: pages per second, peak memory, ratio to decode-only.

For 500 and 2,000 simulated returned questionnaire pages (300 dpi, gray, an
ordinary office scan: slight skew and shift, mild noise; stored as JPEG in
scanner PDFs of 250 pages, as a document scanner writes them), this runs the
whole command (``python -m papersurvey.cli scan DIR FILE... --workers N``) in
a subprocess and measures:

* wall-clock time and pages per second of the whole command (start-up, form
  map, inspection and hashing, reading, classification, assembly, clips and
  report included), and the rate the command itself reports;
* the peak resident memory of the process tree (the command and its worker
  processes, summed, sampled every 20 ms): it must not grow with the batch;
* the decode-only rate of the same pages with the same number of worker
  processes in the same run (extract the JPEG from the PDF and decode it,
  nothing else), and the ratio of the two: the share of the decode limit the
  whole command reaches;
* the load average before and after, so a run slowed by other work on a
  shared machine can be recognised;
* the same command on a Dask cluster (``scan --dask``): a local cluster of
  as many single-threaded worker processes as the pool has, started before
  the run (as a bureau's cluster would be running already), the store
  written by the command: its pages per second and the ratio to the process
  pool's rate, with ``--dask`` (Dask installed: the ``dask`` extra).

The pages come from a document scanner with a feeder (``--scanner adf``, the
default: a bureau's scanner crops each image to the sheet, here A4 plus a
1 mm margin, 8.8 Mpx a page) or from a flatbed's glass (``--scanner
flatbed``: the sheet plus 12 mm on every side, 10.5 Mpx a page; the blank
margin adds little to the decoding, about 3 % in one run of both). The
simulated pages are made once and kept in a cache folder per scanner (about
0.5 MB a page), with the project whose key they were printed with. Results go to
``benchmarks/results/bench_scan.json``.

Usage::

    python benchmarks/bench_scan.py                 # 500 and 2,000 pages
    python benchmarks/bench_scan.py --sizes 200 --workers 2
    python benchmarks/bench_scan.py --sizes 2000 --scanner flatbed --out flatbed.json
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "benchmarks" / "results" / "bench_scan.json"
TARGET_PAGES_PER_S = 80  # issue 10: at least 80 pages/s on 2 cores
PAGES_PER_FILE = 250
CACHE_VERSION = 2
OVERSCAN_MM = {"adf": 1.0, "flatbed": 12.0}
"""How far beyond the sheet each scanner's image reaches, on every side."""


class TreeSampler:
    """Peak summed resident memory, and CPU seconds, of a process and its descendants.

    Samples every ``interval`` seconds; the CPU time of each process is its last
    sample, so a process that ends loses at most one interval.
    """

    def __init__(self, pid: int, interval: float = 0.02) -> None:
        import psutil

        self._proc = psutil.Process(pid)
        self.interval = interval
        self.peak_bytes = 0
        self.peak_processes = 0
        self._cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    @property
    def cpu_seconds(self) -> float:
        return sum(self._cpu.values())

    @property
    def root_cpu_seconds(self) -> float:
        """CPU seconds of the process itself (for the command: the parent, which alone writes)."""
        return self._cpu.get(self._proc.pid, 0.0)

    def _run(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self._proc, *self._proc.children(recursive=True)]
            except psutil.Error:
                return
            total = 0
            for p in procs:
                with contextlib.suppress(psutil.Error):
                    total += p.memory_info().rss
                    t = p.cpu_times()
                    self._cpu[p.pid] = t.user + t.system
            if total > self.peak_bytes:
                self.peak_bytes, self.peak_processes = total, len(procs)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def sampled(cmd: list[str]) -> tuple[str, float, TreeSampler]:
    """Run ``cmd``; its stdout, wall seconds and tree samples. Exits on failure."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    with TreeSampler(proc.pid) as tree:
        out, err = proc.communicate()
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"{cmd[2:4]} failed ({proc.returncode}):\n{err[-3000:]}")
    return out, wall, tree


# ----------------------------------------------------------------------------- simulated pages


def _simulate(job: tuple[str, list[str], int, str, float]) -> list[str]:
    """Worker: the pages of some respondents as JPEG files; returns their names."""
    from dataclasses import replace

    import numpy as np

    from layout.questionnaire import QuestionnaireLayout
    from papersurvey.simulate.damage import draw_damage
    from papersurvey.simulate.scanfiles import encode_jpeg
    from papersurvey.simulate.sheets import simulate_respondent
    from print_batches.painters import layout_options
    from survey.project import Project

    root, pseudonyms, seed, out, overscan_mm = job
    names = []
    with Project.open(Path(root)) as project:
        q = project.load_questionnaire()
        layout = QuestionnaireLayout(q, layout_options(project, project.settings.default_language))
        for i, p in enumerate(pseudonyms):
            rng = np.random.default_rng(seed + i)
            # an ordinary office scan, 300 dpi, on the bench's scanner
            damage = replace(draw_damage(rng, extra_kinds=(0, 0)), overscan_mm=overscan_mm)
            for n, sheet in enumerate(
                simulate_respondent(layout, q, project.key, p, rng, damage=damage), 1
            ):
                name = f"{p}-{n:02d}.jpg"
                (Path(out) / name).write_bytes(encode_jpeg(sheet.image, 85))
                names.append(name)
    return names


def page_megapixels(page: Path) -> float:
    """The size of one cached page image, in millions of pixels."""
    import cv2

    image = cv2.imread(str(page), cv2.IMREAD_GRAYSCALE)
    return round(image.size / 1e6, 2)


def layout_key() -> str:
    """Hash of the form maps a fresh benchmark round gets with the code as it is now.

    Cached pages printed with another layout would be read against the wrong
    boxes (and measure something else than a real scan run), so a change of
    the questionnaire or of layout/ makes the cache be simulated again.
    """
    import tempfile

    from ingest.pipeline import round_maps
    from survey.formmaps_store import form_map_sha256
    from survey.project import NewProjectOptions, create_project

    with tempfile.TemporaryDirectory() as tmp:
        options = NewProjectOptions(Path(tmp) / "round", municipality="Benchmarkstad")
        with create_project(options) as project:
            maps = round_maps(project).maps
    return ",".join(f"{lang}:{form_map_sha256(fm)[:16]}" for lang, fm in maps.items())


def ensure_pages(
    cache: Path, count: int, workers: int, scanner: str = "adf"
) -> tuple[Path, list[Path]]:
    """The template project and at least ``count`` page files, made once and cached."""
    from survey.project import NewProjectOptions, create_project
    from survey.pseudonym import new_pseudonyms
    from survey.store import Store

    meta = cache / "pages.json"
    layout = layout_key()
    if meta.is_file():
        info = json.loads(meta.read_text())
        if (
            info.get("version") == CACHE_VERSION
            and info.get("layout") == layout
            and info.get("scanner") == scanner
            and len(info["pages"]) >= count
        ):
            return cache / "project", [cache / "pages" / n for n in info["pages"][:count]]
        if info.get("layout") != layout:
            print("the questionnaire's layout changed since the pages were simulated", flush=True)
    shutil.rmtree(cache, ignore_errors=True)
    (cache / "pages").mkdir(parents=True)
    root = cache / "project"
    from ingest.pipeline import round_maps

    with create_project(NewProjectOptions(root, municipality="Benchmarkstad")) as project:
        per = len(next(iter(round_maps(project).maps.values())).pages)
    people = sorted(new_pseudonyms(-(-count // per)))
    with Store.open(root / "store.sqlite") as store, store.transaction():
        for p in people:
            store.insert(
                "respondents",
                {"pseudonym": p, "channel": "paper", "imported_at": "2027-01-01T00:00:00Z"},
            )
    chunks = [people[i : i + 10] for i in range(0, len(people), 10)]
    print(
        f"simulating {len(people) * per} pages of {len(people)} respondents (once; cached in {cache})",
        flush=True,
    )
    t0 = time.perf_counter()
    names: list[str] = []
    with ProcessPoolExecutor(workers) as pool:
        overscan = OVERSCAN_MM[scanner]
        jobs = [
            (str(root), c, 1000 * i, str(cache / "pages"), overscan) for i, c in enumerate(chunks)
        ]
        for got in pool.map(_simulate, jobs):
            names += got
    print(f"  done in {time.perf_counter() - t0:.0f} s", flush=True)
    meta.write_text(
        json.dumps({"version": CACHE_VERSION, "layout": layout, "scanner": scanner, "pages": names})
    )
    return root, [cache / "pages" / n for n in names[:count]]


# ----------------------------------------------------------------------------- measurements


def _decode_task(context: None, task: Any) -> int:
    from ingest.decode import load_page

    for ref in task.refs:
        load_page(ref)
    return len(task.refs)


def decode_only(pdfs: list[str], workers: int, chunk: int = 4) -> dict[str, float]:
    """Extract and decode every page with the scan's pool and task size (run in a subprocess)."""
    from ingest.sources import inspect_paths, page_refs
    from ingest.worker import PageTask
    from ingest.worker_process import PRELOAD, start_worker
    from survey.executors import ProcessExecutor

    files = list(inspect_paths([Path(p) for p in pdfs]))
    refs = [r for f in files for r in page_refs(f)]
    tasks = [PageTask(tuple(refs[i : i + chunk])) for i in range(0, len(refs), chunk)]
    t0 = time.perf_counter()
    with ProcessExecutor(workers, preload=PRELOAD) as ex:
        outcomes = ex.map_unordered(_decode_task, None, tasks, init=start_worker)
        pages = sum(o.result or 0 for o in outcomes)
    seconds = time.perf_counter() - t0
    return {"pages": pages, "seconds": round(seconds, 3)}


def run_decode_only(pdfs: list[Path], workers: int) -> dict[str, float]:
    """Decode-only in a subprocess, sampled like the command (start-up of the pool included)."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--decode-only", *map(str, pdfs),
           "--workers", str(workers)]  # fmt: skip
    out, _, tree = sampled(cmd)
    got = json.loads(out)
    return {
        "pages_per_second": got["pages"] / got["seconds"],
        "cpu_ms_per_page": 1000 * tree.cpu_seconds / got["pages"],
    }


def write_pdfs(pages: list[Path], folder: Path) -> list[Path]:
    from papersurvey.simulate.scanfiles import write_scanner_pdf

    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(0, len(pages), PAGES_PER_FILE):
        path = folder / f"scan-{i // PAGES_PER_FILE + 1:03d}.pdf"
        write_scanner_pdf(path, (p.read_bytes() for p in pages[i : i + PAGES_PER_FILE]), dpi=300)
        out.append(path)
    return out


def run_command(root: Path, pdfs: list[Path], workers: int) -> dict[str, Any]:
    """The whole ``papersurvey scan`` command in a subprocess, with its memory and CPU sampled."""
    cmd = [sys.executable, "-m", "papersurvey.cli", "scan", str(root), *map(str, pdfs),
           "--workers", str(workers), "--batch", "bench", "--json"]  # fmt: skip
    out, wall, tree = sampled(cmd)
    return {
        "wall_seconds": round(wall, 2),
        "cpu_seconds": round(tree.cpu_seconds, 2),
        "parent_cpu_seconds": round(tree.root_cpu_seconds, 2),
        "peak_rss_mb": round(tree.peak_bytes / 2**20, 1),
        "processes_at_peak": tree.peak_processes,
        "report": json.loads(out),
    }


def run_dask(root: Path, pdfs: list[Path], scheduler: str) -> dict[str, Any]:
    """The whole command against a running Dask scheduler (the workers are the cluster's)."""
    cmd = [sys.executable, "-m", "papersurvey.cli", "scan", str(root), *map(str, pdfs),
           "--dask", scheduler, "--batch", "bench", "--json"]  # fmt: skip
    out, wall, _ = sampled(cmd)
    return {"wall_seconds": round(wall, 2), "report": json.loads(out)}


def bench_dask(
    size: int, template: Path, pages: list[Path], workers: int, work: Path, scheduler: str
) -> dict[str, Any]:
    """``scan --dask`` on a fresh copy of the round: pages per second and what it stored."""
    root = work / f"round-{size}-dask"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(template, root)
    pdfs = write_pdfs(pages[:size], work / f"scans-{size}")
    got = run_dask(root, pdfs, scheduler)
    return {
        "pages": size,
        "workers": workers,
        "pages_per_second": round(size / got["wall_seconds"], 2),
        "wall_seconds": got["wall_seconds"],
        "pages_by_status": got["report"]["pages"],
        "review_items": got["report"]["review_items"],
    }


def bench(size: int, template: Path, pages: list[Path], workers: int, work: Path) -> dict[str, Any]:
    root = work / f"round-{size}"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(template, root)
    pdfs = write_pdfs(pages[:size], work / f"scans-{size}")
    before = run_decode_only(pdfs, workers)
    load = os.getloadavg()
    cmd = run_command(root, pdfs, workers)
    after = run_decode_only(pdfs, workers)
    decode_rate = (before["pages_per_second"] + after["pages_per_second"]) / 2
    decode_cpu = (before["cpu_ms_per_page"] + after["cpu_ms_per_page"]) / 2
    cmd_cpu = 1000 * cmd["cpu_seconds"] / size
    run = cmd["report"]["run"]
    whole = size / cmd["wall_seconds"]
    return {
        "pages": size,
        "files": len(pdfs),
        "workers": workers,
        "command_pages_per_second": round(whole, 2),
        "reported_pages_per_second": run["pages_per_second"],
        "decode_only_pages_per_second": round(decode_rate, 2),
        "decode_only_before_after": [
            round(before["pages_per_second"], 2),
            round(after["pages_per_second"], 2),
        ],
        "ratio_to_decode_only": round(whole / decode_rate, 3),
        "cpu_ms_per_page": round(cmd_cpu, 1),
        "parent_cpu_ms_per_page": round(1000 * cmd["parent_cpu_seconds"] / size, 1),
        "decode_only_cpu_ms_per_page": round(decode_cpu, 1),
        "cpu_ratio_to_decode_only": round(decode_cpu / cmd_cpu, 3),
        "wall_seconds": cmd["wall_seconds"],
        "peak_rss_mb": cmd["peak_rss_mb"],
        "processes_at_peak": cmd["processes_at_peak"],
        "worker_decode_ms_per_page": run["decode_ms"],
        "worker_total_ms_per_page": run["read_ms"],
        "phases_seconds": run.get("phases", {}),
        "pages_by_status": cmd["report"]["pages"],
        "review_items": cmd["report"]["review_items"],
        "load_average_before": [round(x, 2) for x in load],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "meets_target": whole >= TARGET_PAGES_PER_S,
    }


def _dask_runs(
    sizes: list[int], template: Path, pages: list[Path], workers: int, work: Path
) -> list[dict[str, Any]]:
    """Every size on a local Dask cluster; none when Dask is not installed."""
    try:
        from distributed import LocalCluster
    except ImportError:
        print("Dask is not installed (the dask extra): no Dask run", flush=True)
        return []
    with LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        return [
            bench_dask(size, template, pages, workers, work, cluster.scheduler_address)
            for size in sizes
        ]


def main(argv: list[str] | None = None) -> int:
    from survey.executors import available_cores

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--workers", type=int, default=available_cores())
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(os.environ.get("TMPDIR", "/tmp")) / "papersurvey-bench-scan",
    )
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--scanner",
        choices=sorted(OVERSCAN_MM),
        default="adf",
        help="pages as a feeder scanner crops them (adf) or as a flatbed's glass takes them",
    )
    parser.add_argument(
        "--no-dask", action="store_true", help="skip the run on a local Dask cluster"
    )
    parser.add_argument("--decode-only", nargs="+", metavar="PDF", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.decode_only:
        print(json.dumps(decode_only(args.decode_only, args.workers)))
        return 0
    template, pages = ensure_pages(
        args.cache / args.scanner, max(args.sizes), args.workers, args.scanner
    )
    work = args.cache / "work"
    results = []
    for size in args.sizes:
        r = bench(size, template, pages, args.workers, work)
        results.append(r)
        print(
            f"{size:>6} pages: {r['command_pages_per_second']:6.1f} pages/s whole command "
            f"(decode only {r['decode_only_pages_per_second']:.1f}, ratio {r['ratio_to_decode_only']:.2f}; "
            f"CPU {r['cpu_ms_per_page']:.0f} ms/page, decode only {r['decode_only_cpu_ms_per_page']:.0f}), "
            f"peak {r['peak_rss_mb']:.0f} MB in {r['processes_at_peak']} processes, "
            f"load {r['load_average_before'][0]:.1f}",
            flush=True,
        )
    if not args.no_dask:
        for r in _dask_runs(args.sizes, template, pages, args.workers, work):
            mine = next(x for x in results if x["pages"] == r["pages"])
            r["ratio_to_process_pool"] = round(
                r["pages_per_second"] / mine["command_pages_per_second"], 3
            )
            mine["dask"] = r
            print(
                f"{r['pages']:>6} pages on Dask ({r['workers']} local workers): "
                f"{r['pages_per_second']:6.1f} pages/s, x{r['ratio_to_process_pool']:.2f} "
                "of the process pool",
                flush=True,
            )
    shutil.rmtree(work, ignore_errors=True)
    peaks = [r["peak_rss_mb"] for r in results]
    summary = {
        "benchmark": "bench_scan",
        "target_pages_per_second": TARGET_PAGES_PER_S,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "scanner": args.scanner,
        "page_megapixels": page_megapixels(pages[0]),
        "results": results,
        "memory_growth": round(max(peaks) / min(peaks), 3) if peaks else None,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1) + "\n")
    print(
        f"memory growth from smallest to largest batch: x{summary['memory_growth']}; written {args.out}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
