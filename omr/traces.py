"""Traces of ink in and around a box that the ink measure cannot see, and what explains them.

The ink measure of a box (:mod:`omr.checkboxes`) subtracts a noise floor, so
a thin or light pen line can read as zero. The trace measures here keep
every bit of darkness: the strongest short straight run inside the box (four
directions), its darkest spot, and the strongest run in the ring just
outside. :mod:`omr.noise` then compares them with the page's empty boxes.

A marked *neighbour* leaves traces that are not marks of this box: the arm
of an overshooting cross in a tight vertical list reaches into the next
box's ring (:func:`neighbour_ink`). Where the strongest run lies and which
way it runs is kept too, so that a fold's crease can be recognised as one
straight line through several boxes (:func:`omr.noise.creases`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

DIRECTIONS = ("horizontal", "vertical", "down-right", "up-right")
"""The directions of the short runs, as seen on the upright page."""
_NEIGHBOUR_SIZES = 2.2  # boxes closer than this many box sizes are neighbours (a vertical list)


@dataclass(frozen=True)
class Traces:
    """The traces of ``n`` boxes; darkness in gray levels against the surroundings (``float64``).

    Attributes:
        line: the strongest short straight run inside the box.
        speck: the darkest 2x2 spot inside the box.
        outside: the strongest run in the ring just outside the outline.
        row: patch row of the strongest inner run (samples, ``float64``).
        col: patch column of it.
        direction: its direction, an index into :data:`DIRECTIONS` (``int64``).
    """

    line: np.ndarray
    speck: np.ndarray
    outside: np.ndarray
    row: np.ndarray
    col: np.ndarray
    direction: np.ndarray


def stroke_response(
    raw: np.ndarray,
    rows: np.ndarray,
    cols: np.ndarray,
    length: int,
    edge: tuple[np.ndarray, ...],
    ring: tuple[np.ndarray, ...],
) -> Traces:
    """The traces of every box, from its darkness against the surroundings.

    Args:
        raw: darkness against the surroundings ``(n, p, p)`` ``uint8``, no floor.
        rows: the inner window's sample rows per box ``(n, k)``.
        cols: its sample columns ``(n, k)``.
        length: the run length in samples.
        edge: ``(top, bottom, left, right)`` per box, samples: the outline and its blur.
        ring: the same for the outer edge of the ring just outside the box.

    Returns:
        The traces. Inner runs are centred at least half their length inside
        the window, so the printed outline is never part of one.
    """
    n, p, _ = raw.shape
    flat = np.ascontiguousarray(raw.reshape(n * p, p))
    diagonal = np.eye(length, dtype=np.float32) / length
    each = np.stack(
        [
            cv2.blur(flat, (length, 1)),
            cv2.blur(flat, (1, length)),
            cv2.filter2D(flat, -1, diagonal, borderType=cv2.BORDER_REPLICATE),
            cv2.filter2D(flat, -1, np.ascontiguousarray(diagonal[::-1])),
        ]
    ).reshape(4, n, p, p)
    runs = each.max(axis=0)
    spot = cv2.blur(flat, (2, 2)).reshape(n, p, p)
    margin = length // 2
    inner = max(1, rows.shape[1] - 2 * margin)
    index = np.arange(n)[:, None, None]

    def peak(stack: np.ndarray, r: np.ndarray, c: np.ndarray) -> np.ndarray:
        r, c = np.clip(r, 0, p - 1), np.clip(c, 0, p - 1)
        return stack[index, r[:, :, None], c[:, None, :]].max(axis=(1, 2)).astype(np.float64)

    # The ring between the outline's edge and the ring's outer edge, as four strips.
    top, bottom, left, _ = ring
    e_top, e_bottom, _, e_right = edge
    width = int(np.max(bottom - top, initial=1))
    deep = max(1, int(np.max(e_top - top, initial=1)))
    along_r = top[:, None] + np.arange(width)
    along_c = left[:, None] + np.arange(width)
    outside = np.maximum.reduce(
        [
            peak(runs, top[:, None] + np.arange(deep), along_c),
            peak(runs, e_bottom[:, None] + np.arange(deep), along_c),
            peak(runs, along_r, left[:, None] + np.arange(deep)),
            peak(runs, along_r, e_right[:, None] + np.arange(deep)),
        ]
    )
    wr, wc = rows[:, margin : margin + inner], cols[:, margin : margin + inner]
    window = runs[index, wr[:, :, None], wc[:, None, :]].reshape(n, -1)
    at = np.argmax(window, axis=1)
    everywhere = np.arange(n)
    row, col = wr[everywhere, at // inner], wc[everywhere, at % inner]
    return Traces(
        line=window[everywhere, at].astype(np.float64),
        speck=peak(spot, rows, cols),
        outside=outside,
        row=row.astype(np.float64),
        col=col.astype(np.float64),
        direction=np.argmax(each[:, everywhere, row, col], axis=0).astype(np.int64),
    )


def neighbour_ink(centre: np.ndarray, size: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """The most ink of any other box within :data:`_NEIGHBOUR_SIZES` box sizes of each box.

    A cross whose arms overshoot reaches into the ring just outside the next
    box of a tight vertical list: that trace is the neighbour's mark, not a
    mark beside this box.
    """
    n = centre.shape[0]
    if n < 2:
        return np.zeros(n, dtype=np.float32)
    reach = _NEIGHBOUR_SIZES * float(np.max(size))
    dx = centre[:, 0, None] - centre[None, :, 0]
    dy = centre[:, 1, None] - centre[None, :, 1]
    near = dx * dx + dy * dy < reach * reach
    np.fill_diagonal(near, False)
    return np.where(near, ink[None, :].astype(np.float32), np.float32(0)).max(axis=1)
