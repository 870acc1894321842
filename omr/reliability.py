"""From the reader's raw confidence to the probability of being right.

The classification rules give each box and each question a raw score: 0.5 at
a threshold, rising to 1 a threshold's width away from it, below 0.5 for
anything sent to review. A score is not a probability. The round-trip suite
knows the truth of every box and question it reads, so the probability that
a reading with a given raw score is right can be measured:
``benchmarks/fit_confidence.py`` fits a monotone (isotonic) map from the raw
score to the share of right readings, over both damage profiles, and writes
the knots below. Each step's probability is ``1 - (errors + 0.5) / (n + 1)``
(Jeffreys-like), so a step that saw no error still says how many readings
back it, instead of claiming certainty. Between knots the map is linear.

The reliability table in ``docs/omr.md`` checks the map on a run with another
seed: stated confidence against the measured error rate.
"""

from __future__ import annotations

import numpy as np

# fmt: off
# BEGIN KNOTS (written by benchmarks/fit_confidence.py; do not edit by hand)
QUESTION_KNOTS: tuple[tuple[float, float], ...] = ((0.0, 0.357143), (0.001, 0.357143), (0.004, 0.357143), (0.005, 0.5), (0.009, 0.5), (0.01, 0.535503), (0.49, 0.535503), (0.5, 0.974576), (0.5, 0.974576), (0.501, 0.999927), (1.0, 0.999927))
BOX_KNOTS: tuple[tuple[float, float], ...] = ((0.0, 0.357143), (0.001, 0.357143), (0.004, 0.357143), (0.005, 0.5), (0.009, 0.5), (0.01, 0.543269), (0.143, 0.543269), (0.144, 0.596241), (0.45, 0.596241), (0.5, 0.988189), (0.5, 0.988189), (0.501, 0.988806), (0.548, 0.988806), (0.549, 0.997934), (0.677, 0.997934), (0.678, 0.999908), (0.943, 0.999908), (0.944, 0.999988), (1.0, 0.999988))
KNOTS_SOURCE = '500 pages per profile (moderate, hard), seed 4041'
# END KNOTS
# fmt: on


def _apply(raw: np.ndarray, knots: tuple[tuple[float, float], ...]) -> np.ndarray:
    xs = np.array([k[0] for k in knots], dtype=np.float64)
    ys = np.array([k[1] for k in knots], dtype=np.float64)
    return np.interp(np.asarray(raw, dtype=np.float64), xs, ys)


def question_probability(raw: np.ndarray) -> np.ndarray:
    """The probability that a question's reading is right, from its raw confidence."""
    return _apply(raw, QUESTION_KNOTS)


def box_probability(raw: np.ndarray) -> np.ndarray:
    """The probability that a box's state is right, from its raw confidence."""
    return _apply(raw, BOX_KNOTS)
