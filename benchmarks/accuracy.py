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
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from papersurvey.simulate.evaluate import summarize  # noqa: E402
from papersurvey.simulate.roundtrip import RoundTrip, run_roundtrip  # noqa: E402


def dump_measures(path: Path, trip: RoundTrip) -> None:
    """Per-box measures with their truth, for tuning thresholds."""
    from dataclasses import fields

    from omr.checkboxes import BoxMeasures

    kept = [(t, m) for t, m in trip.measured if len(m.boxes) == len(t.box_states)]
    boxes = BoxMeasures.concat([m.boxes for _, m in kept])
    np.savez_compressed(
        path,
        **{f.name: getattr(boxes, f.name) for f in fields(BoxMeasures)},
        truth=np.concatenate([np.array(t.box_states) for t, _ in kept]),
        style=np.concatenate([np.array(t.box_styles) for t, _ in kept]),
        kinds=np.concatenate(
            [np.array([",".join(t.damage.kinds)] * len(t.box_states)) for t, _ in kept]
        ),
        pen=np.concatenate([np.array([t.pen] * len(t.box_states)) for t, _ in kept]),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "accuracy.json"
    )
    parser.add_argument("--dump", type=Path, help="write per-box ink and truth (.npz) for tuning")
    args = parser.parse_args(argv)

    start = time.perf_counter()
    trip = run_roundtrip(args.pages, args.seed, workers=args.workers)
    report = trip.report()
    total = report["total"]
    criteria = {
        "zero_silent_errors": total["silent_errors"] == 0,
        "review_rate_at_most_2pct": total["review_rate"] <= 0.02,
        "all_doubles_flagged": total["doubles_flagged"] == total["doubles"],
    }
    out: dict[str, Any] = {
        "pages": len(trip.pairs),
        "seed": args.seed,
        "workers": args.workers,
        "seconds": round(time.perf_counter() - start, 1),
        "omr_ms_per_page": round(1000 * trip.omr_seconds / max(1, len(trip.pairs)), 2),
        "calibration_batches": [
            {
                "empty_max_ink": round(c.empty_max_ink, 4),
                "mark_min_ink": round(c.mark_min_ink, 4),
                "empty_max_core": round(c.empty_max_core, 4),
                "mark_min_core": round(c.mark_min_core, 4),
                "source": c.source,
            }
            for c in trip.calibrations
        ],
        "criteria": criteria,
        "calibrated": report,
        "default_thresholds": {"total": summarize(trip.defaults)["total"]},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    if args.dump:
        dump_measures(args.dump, trip)
    print(
        f"{out['pages']} pages in {out['seconds']} s: silent errors {total['silent_errors']}, "
        f"review rate {100 * total['review_rate']:.2f}%, doubles flagged "
        f"{total['doubles_flagged']}/{total['doubles']}, box errors {total['box_errors']}/{total['boxes']}, "
        f"refused pages {total['pages_refused']}; open-text areas {total['texts']}: "
        f"empty read as written {total['text_errors'] - total['text_missed']}, "
        f"written read as empty {total['text_missed']}"
    )
    for kind, f in report["by_damage"].items():
        print(
            f"  {kind:13s} pages {f['pages']:5d}  refused {f['pages_refused']:3d}  silent {f['silent_errors']:3d}  "
            f"review {100 * f['review_rate']:5.2f}%  box err {100 * f['box_error_rate']:.3f}%  "
            f"texts {f['texts']:4d} (false {f['text_errors'] - f['text_missed']:3d}, missed {f['text_missed']})"
        )
    for example in total["silent_examples"]:
        print("  silent:", example)
    print(f"wrote {args.out}")
    return 0 if all(criteria.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
