"""Fit the OMR's confidence map on the round-trip suite, then check it on another seed.

The reader's raw confidence (0.5 at a threshold, below 0.5 under review) is
mapped to the probability of being right by :mod:`omr.reliability`. This
script measures that probability: it reads simulated pages of both damage
profiles (``moderate`` and ``hard``) with seed ``--seed``, fits a monotone
(isotonic, ``scipy.optimize.isotonic_regression``) map from raw score to the
share of right readings, for questions and for boxes, and writes the knots
into ``omr/reliability.py``. Then it reads pages of another seed
(``--check-seed``) with the new map and prints the reliability table: the
stated confidence in bins against the measured error rate (written to
``benchmarks/results/reliability.json``; the table in ``docs/omr.md``).

Usage::

    python benchmarks/fit_confidence.py --pages 2000           # fit + check
    python benchmarks/fit_confidence.py --pages 600 --check-only
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from omr.calibration import fit_calibration  # noqa: E402
from omr.checkboxes import BoxMeasures  # noqa: E402
from omr.classify import classify  # noqa: E402
from omr.form import prepare_form  # noqa: E402
from omr.resolve import resolve_questions  # noqa: E402
from papersurvey.simulate.forms import default_layout  # noqa: E402
from papersurvey.simulate.roundtrip import BATCH_PAGES, SURVEY, run_roundtrip  # noqa: E402
from survey.executors import available_cores  # noqa: E402
from survey.pageresult import PageStatus  # noqa: E402

PROFILES = ("moderate", "hard")
BINS = (0.0, 0.5, 0.9, 0.99, 0.999, 1.0000001)
MODULE = ROOT / "omr" / "reliability.py"


def raw_readings(pages: int, seed: int, workers: int) -> dict[str, np.ndarray]:
    """Raw confidences and rightness of every question and box read, both profiles.

    Returns:
        ``question_raw``, ``question_right``, ``box_raw``, ``box_right``
        (float64 and bool arrays) over the pages read as ``ok`` and identified
        right, leaving out marks whose ink the scan erased.
    """
    form = prepare_form(default_layout(SURVEY).form_map)
    q_raw: list[float] = []
    q_right: list[bool] = []
    b_raw: list[np.ndarray] = []
    b_right: list[np.ndarray] = []
    for profile in PROFILES:
        trip = run_roundtrip(pages, seed, workers=workers, profile=profile)
        for start in range(0, len(trip.measured), BATCH_PAGES):
            batch = trip.measured[start : start + BATCH_PAGES]
            cal = fit_calibration(BoxMeasures.concat([m.boxes for _, m in batch]))
            for truth, m in batch:
                if m.status is not PageStatus.OK or m.page != truth.page:
                    continue
                tables = form.page(m.page)
                bilevel = m.levels is not None and m.levels.bilevel
                classes = classify(m.boxes, cal, bilevel=bilevel)
                results = resolve_questions(tables.questions, classes)
                meant = {q.name: q for q in truth.questions}
                # Marks whose ink the scan erased (a light pen on a 1-bit scan) are
                # not readings anyone can get right: they are counted by accuracy.py.
                visible = np.array(truth.box_ink or [True] * len(truth.box_states), dtype=bool)
                marked = np.array(truth.box_states) != 0
                lost = {tables.boxes[j][0] for j in np.flatnonzero(marked & ~visible)}
                for r in results:
                    t = meant.get(r.name)
                    if t is None or r.name in lost:
                        continue
                    value = tuple(sorted(r.value)) if isinstance(r.value, tuple) else r.value
                    q_raw.append(r.confidence)
                    q_right.append(not t.double and value == t.value)
                seen = visible | ~marked
                b_raw.append(classes.confidence.astype(np.float64)[seen])
                b_right.append((classes.states == np.array(truth.box_states))[seen])
    return {
        "question_raw": np.array(q_raw),
        "question_right": np.array(q_right, dtype=bool),
        "box_raw": np.concatenate(b_raw),
        "box_right": np.concatenate(b_right),
    }


def fit_knots(raw: np.ndarray, right: np.ndarray) -> tuple[tuple[float, float], ...]:
    """A monotone map from raw score to the probability of being right, as knots."""
    from scipy.optimize import isotonic_regression

    x = np.round(raw, 3)
    values, inverse = np.unique(x, return_inverse=True)
    n = np.bincount(inverse).astype(np.float64)
    good = np.bincount(inverse, weights=right.astype(np.float64))
    fitted = isotonic_regression(good / n, weights=n, increasing=True).x
    knots: list[tuple[float, float]] = []
    start = 0
    for stop in range(1, len(values) + 1):
        if stop == len(values) or not np.isclose(fitted[stop], fitted[start]):
            total, errors = n[start:stop].sum(), (n[start:stop] - good[start:stop]).sum()
            p = 1.0 - (errors + 0.5) / (total + 1.0)
            knots += [(float(values[start]), p), (float(values[stop - 1]), p)]
            start = stop
    ys = np.maximum.accumulate([k[1] for k in knots])
    out = [(round(k[0], 3), round(float(y), 6)) for k, y in zip(knots, ys, strict=True)]
    if out[0][0] > 0.0:
        out.insert(0, (0.0, out[0][1]))
    if out[-1][0] < 1.0:
        out.append((1.0, out[-1][1]))
    return tuple(out)


def write_knots(question: tuple, box: tuple, source: str) -> None:
    """Replace the knot block of ``omr/reliability.py``."""
    text = MODULE.read_text(encoding="utf-8")
    block = (
        "# BEGIN KNOTS (written by benchmarks/fit_confidence.py; do not edit by hand)\n"
        f"QUESTION_KNOTS: tuple[tuple[float, float], ...] = {question!r}\n"
        f"BOX_KNOTS: tuple[tuple[float, float], ...] = {box!r}\n"
        f"KNOTS_SOURCE = {source!r}\n"
        "# END KNOTS"
    )
    text = re.sub(r"# BEGIN KNOTS.*?# END KNOTS", lambda _: block, text, flags=re.S)
    MODULE.write_text(text, encoding="utf-8")


def reliability_table(stated: np.ndarray, right: np.ndarray) -> list[dict[str, Any]]:
    """Stated confidence in bins against the measured error rate."""
    rows = []
    for lo, hi in itertools.pairwise(BINS):
        inside = (stated >= lo) & (stated < hi)
        n = int(inside.sum())
        errors = int((~right[inside]).sum())
        rows.append(
            {
                "bin": f"[{lo:g}, {min(hi, 1.0):g}{']' if hi > 1 else ')'}",
                "readings": n,
                "mean_stated": round(float(stated[inside].mean()), 6) if n else None,
                "errors": errors,
                "error_rate": round(errors / n, 6) if n else None,
                "stated_error": round(1 - float(stated[inside].mean()), 6) if n else None,
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="pages per profile")
    parser.add_argument("--seed", type=int, default=4041)
    parser.add_argument("--check-seed", type=int, default=4242)
    parser.add_argument("--check-only", action="store_true", help="do not fit, only check")
    parser.add_argument("--workers", type=int, default=available_cores())
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "reliability.json"
    )
    args = parser.parse_args(argv)
    start = time.perf_counter()
    if not args.check_only:
        fit = raw_readings(args.pages, args.seed, args.workers)
        question = fit_knots(fit["question_raw"], fit["question_right"])
        box = fit_knots(fit["box_raw"], fit["box_right"])
        source = f"{args.pages} pages per profile ({', '.join(PROFILES)}), seed {args.seed}"
        write_knots(question, box, source)
        print(f"fitted on {fit['question_raw'].size} questions, {fit['box_raw'].size} boxes")
    # Check with the map as written (a fresh import: the module may just have changed).
    import importlib

    import omr.reliability as reliability

    importlib.reload(reliability)
    check = raw_readings(args.pages, args.check_seed, args.workers)
    q_stated = reliability.question_probability(check["question_raw"])
    b_stated = reliability.box_probability(check["box_raw"])
    out = {
        "pages_per_profile": args.pages,
        "profiles": list(PROFILES),
        "fit": reliability.KNOTS_SOURCE,
        "check_seed": args.check_seed,
        "seconds": round(time.perf_counter() - start, 1),
        "questions": reliability_table(q_stated, check["question_right"]),
        "boxes": reliability_table(b_stated, check["box_right"]),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    for kind in ("questions", "boxes"):
        print(f"{kind}: stated confidence vs measured error rate (seed {args.check_seed})")
        for row in out[kind]:
            if row["readings"]:
                print(
                    f"  {row['bin']:14s} n {row['readings']:7d}  stated error "
                    f"{row['stated_error']:.5f}  measured {row['error_rate']:.5f} ({row['errors']})"
                )
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
