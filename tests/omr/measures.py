"""Hand-made box measures for the classification tests."""

from __future__ import annotations

import numpy as np

from omr.checkboxes import BoxMeasures


def measures(n: int = 1, **values: object) -> BoxMeasures:
    """``n`` boxes of an empty, clean, readable form, with some measures overridden."""
    base: dict[str, np.ndarray] = {
        "ink": np.zeros(n),
        "core": np.zeros(n),
        "coverage": np.zeros(n),
        "spill": np.zeros(n),
        "outline": np.full(n, 0.35),
        "shift": np.zeros((n, 2)),
        "elongation": np.ones(n),
        "axis": np.zeros(n),
        "centroid": np.zeros((n, 2)),
        "reach": np.zeros((n, 2)),
        "line": np.full(n, 0.01),
        "speck": np.full(n, 0.015),
        "line_out": np.full(n, 0.01),
        "neighbour_ink": np.zeros(n),
        "position_doubt": np.zeros(n),
        "run_out": np.zeros(n),
        "crossings": np.zeros(n),
    }
    for name, value in values.items():
        base[name] = np.broadcast_to(np.asarray(value, dtype=np.float64), base[name].shape).copy()
    return BoxMeasures(**{k: v.astype(np.float32) for k, v in base.items()})
