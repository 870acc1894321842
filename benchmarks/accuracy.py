"""The OMR round-trip suite: simulated returned questionnaires through the real OMR.

Respondents of the default KBO questionnaire answer plausibly (routing
respected), their real questionnaire PDFs are rendered page by page, marked
with pens and damaged like mail and scanners do (``papersurvey.simulate``);
every page goes through ``omr`` in two passes per batch (measure, fit the
batch calibration, classify) and is scored against the truth.

Usage::

    python benchmarks/accuracy.py --pages 2000          # make accuracy
    python benchmarks/accuracy.py --pages 200 --seed 7  # a quick look

Writes ``benchmarks/results/accuracy.json``: box-level and question-level
figures, review rate, silent errors and double-mark detection, overall and
per damage kind. Exit status 1 when an acceptance criterion fails (any silent
error, review rate above 2 %, a genuine double mark not flagged).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from omr.calibration import fit_calibration  # noqa: E402
from omr.checkboxes import BoxMeasures  # noqa: E402
from omr.ocr_code import TesseractOcr  # noqa: E402
from omr.page import PageMeasurement, finish_page, measure_page  # noqa: E402
from papersurvey.simulate import SheetTruth, simulate_respondent  # noqa: E402
from papersurvey.simulate.evaluate import summarize  # noqa: E402
from survey.pseudonym import ALPHABET, check_character  # noqa: E402

SURVEY = "KBO-SIM"
KEY = bytes(range(32))
BATCH_PAGES = 250  # pages per calibration batch, as ingest would see a scan batch
_STATE: dict[str, Any] = {}


def _layout() -> tuple[Any, Any]:
    if "layout" not in _STATE:
        from layout.questionnaire import LayoutOptions, QuestionnaireLayout
        from survey.questionnaire import default_questionnaire

        q = default_questionnaire()
        _STATE["questionnaire"] = q
        _STATE["layout"] = QuestionnaireLayout(q, LayoutOptions(survey_code=SURVEY))
    return _STATE["layout"], _STATE["questionnaire"]


def pseudonym_for(rng: np.random.Generator) -> str:
    body = "".join(ALPHABET[i] for i in rng.integers(0, len(ALPHABET), 8))
    return body + check_character(body)


def run_respondent(seed: int, index: int) -> list[tuple[SheetTruth, PageMeasurement, float]]:
    """Simulate one respondent and measure their pages (first OMR pass)."""
    layout, questionnaire = _layout()
    rng = np.random.default_rng([seed, index])
    sheets = simulate_respondent(layout, questionnaire, KEY, pseudonym_for(rng), rng)
    ocr = TesseractOcr()
    out = []
    for sheet in sheets:
        start = time.perf_counter()
        m = measure_page(sheet.image, layout.form_map, key=KEY, survey=SURVEY, ocr=ocr)
        out.append((sheet.truth, m, time.perf_counter() - start))
    return out


def run(
    pages: int, seed: int, workers: int
) -> tuple[list[tuple[SheetTruth, PageMeasurement]], float]:
    layout, _ = _layout()
    per = len(layout.form_map.pages)
    respondents = (pages + per - 1) // per
    results: list[tuple[SheetTruth, PageMeasurement]] = []
    omr_seconds = 0.0
    if workers <= 1:
        chunks = (run_respondent(seed, i) for i in range(respondents))
        for chunk in chunks:
            results += [(t, m) for t, m, _ in chunk]
            omr_seconds += sum(s for *_, s in chunk)
    else:
        with ProcessPoolExecutor(workers) as pool:
            for chunk in pool.map(
                run_respondent, [seed] * respondents, range(respondents), chunksize=2
            ):
                results += [(t, m) for t, m, _ in chunk]
                omr_seconds += sum(s for *_, s in chunk)
    return results[:pages], omr_seconds


def dump_measures(path: Path, results: list[tuple[SheetTruth, PageMeasurement]]) -> None:
    """Per-box measures with their truth, for tuning thresholds."""
    rows: dict[str, list[Any]] = {
        k: [] for k in ("ink", "core", "coverage", "spill", "outline", "elongation")
    }
    truth_state, style, kinds, pen = [], [], [], []
    for truth, m in results:
        if len(m.boxes) != len(truth.box_states):
            continue
        for k in rows:
            rows[k].append(getattr(m.boxes, k))
        truth_state += truth.box_states
        style += truth.box_styles
        kinds += [",".join(truth.damage.kinds)] * len(truth.box_states)
        pen += [truth.pen] * len(truth.box_states)
    np.savez_compressed(
        path,
        **{k: np.concatenate(v) if v else np.zeros(0) for k, v in rows.items()},
        truth=np.array(truth_state),
        style=np.array(style),
        kinds=np.array(kinds),
        pen=np.array(pen),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "accuracy.json"
    )
    parser.add_argument(
        "--dump", type=Path, help="write per-box measures and truth (.npz) for tuning"
    )
    args = parser.parse_args(argv)

    start = time.perf_counter()
    results, omr_seconds = run(args.pages, args.seed, args.workers)
    layout, _ = _layout()
    form_map = layout.form_map
    pairs = []
    calibrations = []
    for b in range(0, len(results), BATCH_PAGES):
        batch = results[b : b + BATCH_PAGES]
        cal = fit_calibration(BoxMeasures.concat([m.boxes for _, m in batch]))
        calibrations.append(
            {
                "pages": len(batch),
                "empty_max_ink": round(cal.empty_max_ink, 4),
                "mark_min_ink": round(cal.mark_min_ink, 4),
                "source": cal.source,
            }
        )
        pairs += [(finish_page(m, form_map, calibration=cal), t) for t, m in batch]
    defaults = [(finish_page(m, form_map), t) for t, m in results]
    report = summarize([(r, t) for r, t in pairs])
    report_default = summarize([(r, t) for r, t in defaults])
    total = report["total"]
    criteria = {
        "zero_silent_errors": total["silent_errors"] == 0,
        "review_rate_at_most_2pct": total["review_rate"] <= 0.02,
        "all_doubles_flagged": total["doubles_flagged"] == total["doubles"],
    }
    out = {
        "pages": len(results),
        "seed": args.seed,
        "workers": args.workers,
        "seconds": round(time.perf_counter() - start, 1),
        "omr_ms_per_page": round(1000 * omr_seconds / max(1, len(results)), 2),
        "calibration_batches": calibrations,
        "criteria": criteria,
        "calibrated": report,
        "default_thresholds": {"total": report_default["total"]},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    if args.dump:
        dump_measures(args.dump, results)
    t = total
    print(
        f"{out['pages']} pages in {out['seconds']} s: silent errors {t['silent_errors']}, "
        f"review rate {100 * t['review_rate']:.2f}%, doubles flagged {t['doubles_flagged']}/{t['doubles']}, "
        f"box errors {t['box_errors']}/{t['boxes']}, refused pages {t['pages_refused']}"
    )
    for kind, f in report["by_damage"].items():
        print(
            f"  {kind:13s} pages {f['pages']:5d}  refused {f['pages_refused']:3d}  silent {f['silent_errors']:3d}  "
            f"review {100 * f['review_rate']:5.2f}%  box err {100 * f['box_error_rate']:.3f}%"
        )
    for example in t["silent_examples"]:
        print("  silent:", example)
    print(f"wrote {args.out}")
    return 0 if all(criteria.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
