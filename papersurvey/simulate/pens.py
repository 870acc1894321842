"""Pen marks drawn like real pens on a page image.

Every mark is a set of slightly curved, jittered strokes rendered
anti-aliased into a small alpha mask and laid over the page multiplicatively
(ink darkens what is under it, also a shaded table row). Pens differ in
darkness and width; pencil adds grain. Sizes are in millimetres and turned
into pixels with the page's dpi, so marks look the same at 150 and 600 dpi.

The hard scan profile adds pens and marks that test the OMR's limits: light
pens (ballpoint or pencil, gray 120-190) and thin ones (0.15-0.3 mm) from
:meth:`Pen.draw_hard`; small thin ticks (``thin_tick``: a 1-2 pixel stroke
at 200 dpi, sometimes only partly in the box), short thin slashes
(``thin_slash``) and crosses whose arms reach far beyond the box
(``overshoot_far``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np

from survey.units import MM_PER_INCH

MARK_STYLES = (
    "cross",
    "tick",
    "overshoot",
    "dot",
    "scribble",
    "slash",
    "fill",
    "thin_tick",
    "thin_slash",
    "overshoot_far",
)
LIGHT_INK = 120  # pens at least this light (gray value of a stroke) count as light pens


@dataclass(frozen=True)
class Pen:
    """A writing instrument.

    Attributes:
        name: ``ballpoint``, ``gel``, ``felt`` or ``pencil``.
        ink: gray value of a stroke on white paper (0 = black).
        width_mm: stroke width.
        grain: share of the stroke left out at random (pencil on paper texture).
    """

    name: str
    ink: int
    width_mm: float
    grain: float = 0.0

    @classmethod
    def draw(cls, rng: np.random.Generator, pencil_share: float = 0.04) -> Pen:
        """A pen as people use them: mostly blue or black ballpoint, sometimes pencil."""
        if rng.random() < pencil_share:
            return cls("pencil", int(rng.integers(120, 175)), float(rng.uniform(0.3, 0.5)), 0.35)
        kind = rng.choice(["ballpoint", "gel", "felt"], p=[0.7, 0.2, 0.1])
        if kind == "ballpoint":
            return cls(
                "ballpoint", int(rng.integers(40, 115)), float(rng.uniform(0.28, 0.45)), 0.08
            )
        if kind == "gel":
            return cls("gel", int(rng.integers(20, 80)), float(rng.uniform(0.4, 0.6)))
        return cls("felt", int(rng.integers(10, 50)), float(rng.uniform(0.6, 0.9)))

    @classmethod
    def draw_hard(
        cls,
        rng: np.random.Generator,
        *,
        pencil_share: float = 0.12,
        light_share: float = 0.25,
        thin_share: float = 0.35,
    ) -> Pen:
        """A pen of the hard profile: many light pens (gray 120-190), many thin ones.

        Args:
            rng: the random generator (its own draws: :meth:`draw` is unchanged).
            pencil_share: respondents with a (light) pencil.
            light_share: respondents with a light ballpoint.
            thin_share: respondents whose pen, whatever it is, draws 0.15-0.3 mm lines.
        """
        kind = rng.random()
        if kind < pencil_share:
            pen = cls("pencil", int(rng.integers(120, 191)), float(rng.uniform(0.25, 0.45)), 0.35)
        elif kind < pencil_share + light_share:
            pen = cls("ballpoint", int(rng.integers(120, 191)), float(rng.uniform(0.25, 0.4)), 0.08)
        else:
            pen = cls.draw(rng, pencil_share=0.0)
        if rng.random() < thin_share:
            pen = replace(pen, width_mm=float(rng.uniform(0.15, 0.3)))
        return pen

    @property
    def light(self) -> bool:
        """A light pen: strokes at least :data:`LIGHT_INK` gray."""
        return self.ink >= LIGHT_INK


class Canvas:
    """A page image (``uint8`` gray, modified in place) and its resolution."""

    def __init__(self, image: np.ndarray, dpi: float) -> None:
        self.image = image
        self.dpi = dpi

    def px(self, mm_value: float) -> float:
        return mm_value * self.dpi / MM_PER_INCH

    def strokes(
        self, lines: list[np.ndarray], pen: Pen, rng: np.random.Generator, filled: bool = False
    ) -> None:
        """Lay polylines (``(k, 2)`` float pixel points each) on the image with ``pen``."""
        pts = np.concatenate(lines)
        pad = self.px(pen.width_mm) + 3
        h, w = self.image.shape
        x0, y0 = (
            int(max(0, np.floor(pts[:, 0].min() - pad))),
            int(max(0, np.floor(pts[:, 1].min() - pad))),
        )
        x1, y1 = (
            int(min(w, np.ceil(pts[:, 0].max() + pad))),
            int(min(h, np.ceil(pts[:, 1].max() + pad))),
        )
        if x1 <= x0 or y1 <= y0:
            return
        mask = np.zeros((y1 - y0, x1 - x0), dtype=np.uint8)
        shift = 4  # sub-pixel precision for anti-aliasing
        width = max(1, round(self.px(pen.width_mm)))
        for line in lines:
            p = np.round((line - (x0, y0)) * (1 << shift)).astype(np.int32).reshape(-1, 1, 2)
            if filled:
                cv2.fillPoly(mask, [p], 255, cv2.LINE_AA, shift)
            else:
                cv2.polylines(mask, [p], False, 255, width, cv2.LINE_AA, shift)
        alpha = mask.astype(np.float32) / 255.0
        if pen.grain:
            grain = rng.random(alpha.shape, dtype=np.float32)
            alpha *= np.where(grain < pen.grain, 0.35, 1.0).astype(np.float32)
        # Pressure varies along a stroke: a little darkness noise, smoothed.
        pressure = cv2.GaussianBlur(
            rng.normal(1.0, 0.12, alpha.shape).astype(np.float32), (0, 0), 2.0
        )
        region = self.image[y0:y1, x0:x1].astype(np.float32)
        ink = region * (pen.ink / 255.0)
        out = region - np.clip(alpha * pressure, 0, 1) * (region - ink)
        self.image[y0:y1, x0:x1] = np.clip(out, 0, 255).astype(np.uint8)


def _curve(
    a: np.ndarray, b: np.ndarray, rng: np.random.Generator, bend: float, n: int = 9
) -> np.ndarray:
    """A slightly curved, hand-drawn stroke from ``a`` to ``b``."""
    t = np.linspace(0.0, 1.0, n)[:, None]
    d = b - a
    normal = np.array([-d[1], d[0]]) / max(np.hypot(*d), 1e-6)
    sag = rng.normal(0.0, bend) * np.sin(np.pi * t)
    wobble = rng.normal(0.0, bend * 0.15, (n, 2))
    return a + t * d + sag * normal + wobble


def draw_mark(
    canvas: Canvas,
    rect: tuple[float, float, float, float],
    style: str,
    pen: Pen,
    rng: np.random.Generator,
) -> None:
    """Draw one mark in a box.

    Args:
        canvas: the page.
        rect: the box in image pixels ``(left, top, right, bottom)``, upright page.
        style: one of :data:`MARK_STYLES`.
        pen: the pen.
        rng: the random generator.
    """
    left, top, right, bottom = rect
    size = min(right - left, bottom - top)
    centre = np.array([(left + right) / 2, (top + bottom) / 2]) + rng.normal(
        0.0, canvas.px(0.35), 2
    )
    bend = size * 0.05
    if style in ("cross", "overshoot", "overshoot_far"):
        if style == "cross":
            reach = rng.uniform(0.28, 0.45)
        elif style == "overshoot":
            reach = rng.uniform(0.55, 0.85)
        else:  # arms ending 1.5-3.2 mm beyond a 4.5 mm box, short of the next box
            reach = rng.uniform(0.85, 1.2)
        half = size * reach
        tilt = rng.normal(0.0, 0.12)
        rot = np.array([[np.cos(tilt), -np.sin(tilt)], [np.sin(tilt), np.cos(tilt)]])
        ends = (
            np.array([[-1, -1], [1, 1], [1, -1], [-1, 1]]) * half * rng.uniform(0.85, 1.15, (4, 2))
        ) @ rot.T
        canvas.strokes(
            [
                _curve(centre + ends[0], centre + ends[1], rng, bend),
                _curve(centre + ends[2], centre + ends[3], rng, bend),
            ],
            pen,
            rng,
        )
    elif style == "tick":
        s = size * rng.uniform(0.8, 1.3)
        a = centre + np.array([-0.40, 0.0]) * s
        b = centre + np.array([-0.08, 0.32]) * s
        c = centre + np.array([0.45, -0.55]) * s * rng.uniform(0.8, 1.2)
        canvas.strokes([_curve(a, b, rng, bend * 0.5, 5), _curve(b, c, rng, bend)], pen, rng)
    elif style in ("thin_tick", "thin_slash"):
        _thin_mark(canvas, size, centre, style, pen, rng)
    elif style == "slash":
        half = size * rng.uniform(0.3, 0.5)
        a = centre + np.array([-half, half]) * rng.uniform(0.8, 1.2, 2)
        b = centre + np.array([half, -half]) * rng.uniform(0.8, 1.2, 2)
        canvas.strokes([_curve(a, b, rng, bend)], pen, rng)
    elif style == "dot":
        radius = canvas.px(rng.uniform(0.45, 0.8))
        angles = np.linspace(0, 2 * np.pi, 12, endpoint=False)
        ring = centre + radius * np.stack([np.cos(angles), np.sin(angles)], 1) * rng.uniform(
            0.85, 1.15, (12, 1)
        )
        canvas.strokes([ring], pen, rng, filled=True)
    elif style == "scribble":
        k = int(rng.integers(4, 8))
        xs = np.linspace(-0.3, 0.3, k) * size
        ys = np.where(np.arange(k) % 2 == 0, -0.25, 0.25) * size * rng.uniform(0.7, 1.2, k)
        canvas.strokes(
            [centre + np.stack([xs, ys], 1) + rng.normal(0, size * 0.04, (k, 2))], pen, rng
        )
    elif style == "fill":
        inset = size * rng.uniform(0.0, 0.06)
        grow = size * rng.uniform(0.0, 0.1)
        quad = np.array(
            [
                [left + inset - grow, top + inset - grow],
                [right - inset + grow, top + inset - grow],
                [right - inset + grow, bottom - inset + grow],
                [left + inset - grow, bottom - inset + grow],
            ]
        ) + rng.normal(0, size * 0.03, (4, 2))
        canvas.strokes([quad], pen, rng, filled=True)
        # The zigzag of the filling hand, slightly beyond the fill here and there.
        k = int(rng.integers(6, 11))
        ys = np.linspace(top, bottom, k)
        xs = np.where(np.arange(k) % 2 == 0, left - grow, right + grow)
        canvas.strokes([np.stack([xs, ys], 1) + rng.normal(0, size * 0.03, (k, 2))], pen, rng)
    else:
        raise ValueError(f"unknown mark style {style!r}")


def _thin_mark(
    canvas: Canvas, size: float, centre: np.ndarray, style: str, pen: Pen, rng: np.random.Generator
) -> None:
    """A small thin tick or a short thin slash: a 1-2 pixel line at 200 dpi."""
    thin = replace(pen, width_mm=min(pen.width_mm, float(rng.uniform(0.13, 0.25))))
    bend = size * 0.04
    if style == "thin_slash":
        half = size * rng.uniform(0.15, 0.3)
        a = centre + np.array([-half, half]) * rng.uniform(0.8, 1.2, 2)
        b = centre + np.array([half, -half]) * rng.uniform(0.8, 1.2, 2)
        canvas.strokes([_curve(a, b, rng, bend)], thin, rng)
        return
    s = size * rng.uniform(0.45, 0.75)
    if rng.random() < 0.3:  # a hasty tick, partly beside the box
        angle = rng.uniform(0, 2 * np.pi)
        centre = centre + size * rng.uniform(0.3, 0.5) * np.array([np.cos(angle), np.sin(angle)])
    a = centre + np.array([-0.40, 0.0]) * s
    b = centre + np.array([-0.08, 0.32]) * s
    c = centre + np.array([0.45, -0.55]) * s * rng.uniform(0.8, 1.2)
    canvas.strokes([_curve(a, b, rng, bend * 0.5, 5), _curve(b, c, rng, bend)], thin, rng)


def draw_stray(canvas: Canvas, pen: Pen, rng: np.random.Generator) -> np.ndarray:
    """A stray stroke somewhere on the page (a slip of the pen, a doodle); returns its points."""
    h, w = canvas.image.shape
    start = np.array([rng.uniform(0.1, 0.9) * w, rng.uniform(0.1, 0.9) * h])
    length = canvas.px(rng.uniform(8, 60))
    angle = rng.uniform(0, 2 * np.pi)
    end = start + length * np.array([np.cos(angle), np.sin(angle)])
    line = _curve(start, end, rng, length * 0.08, 15)
    canvas.strokes([line], pen, rng)
    return line


def draw_writing(
    canvas: Canvas,
    rect: tuple[float, float, float, float],
    pen: Pen,
    rng: np.random.Generator,
    lines: int,
) -> None:
    """Handwriting-like scribbles on the first ``lines`` lines of a writing area."""
    left, top, right, bottom = rect
    pitch = canvas.px(7.0)
    x_height = canvas.px(rng.uniform(1.8, 2.8))
    strokes = []
    y = top + pitch * 0.8
    for _ in range(lines):
        if y > bottom - canvas.px(1.0):
            break
        x = left + canvas.px(rng.uniform(1, 6))
        end = rng.uniform(0.4, 0.95) * (right - left) + left
        while x < end:
            n = int(rng.integers(6, 20))
            t = np.arange(n * 4) / 4.0
            xs = x + t * x_height * 0.55
            ys = y - x_height * (0.5 + 0.5 * np.sin(t * np.pi + rng.normal(0, 0.3, t.size)))
            ys -= np.where(rng.random(t.size) < 0.08, x_height * 0.9, 0.0)  # ascenders
            strokes.append(np.stack([xs, ys], 1))
            x = xs[-1] + x_height * rng.uniform(1.0, 2.0)
        y += pitch
    if strokes:
        canvas.strokes(strokes, pen, rng)
