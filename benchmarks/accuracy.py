"""The OMR round-trip suite: simulated returned questionnaires through the real OMR.

Respondents of the default KBO questionnaire answer plausibly (routing
respected), their real questionnaire PDFs are rendered page by page, marked
with pens and damaged like mail and scanners do (``papersurvey.simulate``);
every page goes through ``omr`` in two passes per batch (measure, fit the
batch calibration, classify) and is scored against the truth. Two damage
profiles: ``moderate`` (an office scan plus some damage kinds) and ``hard``
(tight, careless scans that cut registration marks off, 200 dpi and 1-bit
pages, light and thin pens, thin ticks and slashes, crosses far beyond the
box; see ``papersurvey/simulate/damage.py``).

Usage::

    python benchmarks/accuracy.py --pages 2000 --profile both  # make accuracy
    python benchmarks/accuracy.py --pages 200 --seed 7 --profile hard  # a quick look

Writes ``benchmarks/results/accuracy.json`` with a section per profile:
figures overall (box and question level, review rate, silent errors, double
marks, refused pages), per condition and per mark style, and the profile's
acceptance criteria. Exit status 1 when a criterion fails:

* both profiles: no silent error apart from marks whose ink the scan lost
  (those are counted and reported: no reader can see them), every genuine
  double mark flagged;
* ``moderate``: review rate with quarantine at most 2 %, at most 0.5 % of
  the pages refused;
* ``hard``: at most 1 % of the pages with a readable QR code refused.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from papersurvey.simulate.evaluate import summarize  # noqa: E402
from papersurvey.simulate.roundtrip import RoundTrip, run_roundtrip  # noqa: E402
from survey.executors import available_cores  # noqa: E402


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
        page=np.concatenate([np.full(len(t.box_states), i) for i, (t, _) in enumerate(kept)]),
        dpi=np.concatenate([np.full(len(t.box_states), t.damage.dpi) for t, _ in kept]),
        threshold=np.concatenate(
            [np.full(len(t.box_states), t.damage.binary_threshold) for t, _ in kept]
        ),
        seen=np.concatenate([np.array(t.box_ink or (True,) * len(t.box_states)) for t, _ in kept]),
    )


def criteria(profile: str, total: dict[str, Any]) -> dict[str, bool]:
    """The acceptance criteria of a profile, from its overall figures (name -> met)."""
    # Every silent error counts, also where the scan lost the ink (a light pen on a 1-bit
    # scan): the OMR cannot see those marks, but it knows where ink can be lost and sends
    # unanswered questions there to review (ink_may_be_lost). They are reported apart.
    met = {
        "zero_silent_errors": total["silent_errors"] == 0,
        "all_doubles_flagged": total["doubles_flagged"] == total["doubles"],
    }
    if profile == "hard":
        met["quarantine_rate_qr_readable_at_most_1pct"] = (
            total["quarantine_rate_qr_readable"] <= 0.01
        )
    else:
        met["review_rate_with_quarantine_at_most_2pct"] = (
            total["review_rate_with_quarantine"] <= 0.02
        )
        met["pages_refused_at_most_0_5pct"] = total["pages_refused"] <= 0.005 * total["pages"]
    return met


def run_profile(profile: str, args: argparse.Namespace) -> tuple[dict[str, Any], RoundTrip]:
    """One profile's round trip and its section of the JSON."""
    start = time.perf_counter()
    trip = run_roundtrip(args.pages, args.seed, workers=args.workers, profile=profile)
    report = trip.report()
    section: dict[str, Any] = {
        "pages": len(trip.pairs),
        "seconds": round(time.perf_counter() - start, 1),
        "omr_ms_per_page": round(1000 * trip.omr_seconds / max(1, len(trip.pairs)), 2),
        "criteria": criteria(profile, report["total"]),
        "total": report["total"],
        "by_condition": report["by_condition"],
        "by_style": report["by_style"],
        "by_damage": report["by_damage"],
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
        "default_thresholds": {"total": summarize(trip.defaults)["total"]},
    }
    return section, trip


def print_section(profile: str, section: dict[str, Any]) -> None:
    """A compact table of one profile: totals, criteria, conditions, styles, problems."""
    total = section["total"]
    print(
        f"== {profile}: {section['pages']} pages in {section['seconds']} s: "
        f"silent errors {total['silent_errors']} ({total['silent_errors_ink_lost']} with the "
        f"ink lost in the scan), doubles flagged "
        f"{total['doubles_flagged']}/{total['doubles']}, review rate "
        f"{100 * total['review_rate']:.2f}% ({100 * total['review_rate_with_quarantine']:.2f}% "
        f"with quarantine), refused pages {total['pages_refused']} (of the QR-readable: "
        f"{total['pages_refused_qr_readable']}/{total['pages_qr_readable']} = "
        f"{100 * total['quarantine_rate_qr_readable']:.2f}%), box errors "
        f"{total['box_errors']}/{total['boxes']}; open-text areas {total['texts']}: empty read "
        f"as written {total['text_errors'] - total['text_missed']}, written read as empty "
        f"{total['text_missed']}"
    )
    print(
        "  criteria: "
        + ", ".join(f"{k} {'ok' if v else 'FAILED'}" for k, v in section["criteria"].items())
    )
    print(
        f"  {'condition':15s} {'pages':>5s} {'refused':>7s} {'silent':>6s} {'(lost)':>6s} "
        f"{'review':>7s} {'w/ quar':>7s} {'box err':>7s}"
    )
    for name, f in section["by_condition"].items():
        print(
            f"  {name:15s} {f['pages']:5d} {f['pages_refused']:7d} {f['silent_errors']:6d} "
            f"{f['silent_errors_ink_lost']:6d} "
            f"{100 * f['review_rate']:6.2f}% {100 * f['review_rate_with_quarantine']:6.2f}% "
            f"{100 * f['box_error_rate']:6.3f}%"
        )
    print(
        f"  {'style':15s} {'questions':>9s} {'silent':>6s} {'(lost)':>6s} {'review':>7s} "
        f"{'doubles':>9s}"
    )
    for name, f in section["by_style"].items():
        print(
            f"  {name:15s} {f['questions']:9d} {f['silent_errors']:6d} "
            f"{f['silent_errors_ink_lost']:6d} "
            f"{100 * f['review_rate']:6.2f}% {f['doubles_flagged']:4d}/{f['doubles']:<4d}"
        )
    for reason, n in sorted(total["refused_reasons"].items(), key=lambda kv: -kv[1]):
        print(f"  refused {n:3d}x {reason}")
    for example in total["silent_examples"]:
        print("  silent:", example)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--pages", type=int, default=2000, help="pages per profile")
    parser.add_argument("--seed", type=int, default=2027)
    parser.add_argument("--profile", choices=("moderate", "hard", "both"), default="both")
    parser.add_argument("--workers", type=int, default=available_cores())
    parser.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "accuracy.json"
    )
    parser.add_argument(
        "--dump",
        type=Path,
        help="write per-box ink and truth (.npz) for tuning; <name>-<profile>.npz for both",
    )
    args = parser.parse_args(argv)

    profiles = ("moderate", "hard") if args.profile == "both" else (args.profile,)
    out: dict[str, Any] = {
        "pages_per_profile": args.pages,
        "seed": args.seed,
        "workers": args.workers,
        "profiles": {},
    }
    for profile in profiles:
        section, trip = run_profile(profile, args)
        out["profiles"][profile] = section
        print_section(profile, section)
        if args.dump:
            path = args.dump
            if len(profiles) > 1:
                path = path.with_name(f"{path.stem}-{profile}{path.suffix or '.npz'}")
            dump_measures(path, trip)
    passed = all(all(s["criteria"].values()) for s in out["profiles"].values())
    out["criteria_met"] = passed
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
