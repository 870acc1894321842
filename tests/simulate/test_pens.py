"""papersurvey.simulate.pens: marks land in their box and look like their pen."""

from __future__ import annotations

import numpy as np
import pytest

from papersurvey.simulate.pens import MARK_STYLES, Canvas, Pen, draw_mark, draw_stray

BOX = (100.0, 100.0, 153.0, 153.0)  # a 4.5 mm box at 300 dpi
BOX_200 = (100.0, 100.0, 135.4, 135.4)  # the same box at 200 dpi
THIN = ("thin_tick", "thin_slash")


def _marked(style: str, seed: int, dpi: float = 300, box: tuple = BOX) -> np.ndarray:
    image = np.full((300, 300), 250, np.uint8)
    draw_mark(
        Canvas(image, dpi), box, style, Pen("ballpoint", 60, 0.4), np.random.default_rng(seed)
    )
    return image


@pytest.mark.parametrize("style", MARK_STYLES)
def test_every_style_puts_ink_in_the_box(style: str) -> None:
    image = _marked(style, 3)
    inside = image[105:148, 105:148]
    assert (inside < 150).mean() > (0.85 if style == "fill" else 0.004 if style in THIN else 0.02)
    assert image[:40].min() > 240  # nothing far above the box


def _stroke_width(image: np.ndarray) -> float:
    """Ink pixels per pixel of length (a straight stroke)."""
    ys, xs = np.nonzero(image < 170)
    return len(xs) / np.hypot(np.ptp(xs), np.ptp(ys))


def test_thin_marks_are_thin_small_and_sometimes_beside_the_box() -> None:
    thin = [_stroke_width(_marked("thin_slash", s, 200, BOX_200)) for s in range(40)]
    wide = [_stroke_width(_marked("slash", s, 200, BOX_200)) for s in range(40)]
    assert np.median(thin) < 0.75 * np.median(wide)
    beside = 0
    for seed in range(60):
        ink = _marked("thin_tick", seed, 200, BOX_200) < 170
        assert ink[100:136, 100:136].any()  # always partly in the box
        outside = ink.sum() - ink[98:138, 98:138].sum()
        beside += outside > 0.2 * ink.sum()
    assert 5 <= beside <= 35


def test_far_overshooting_crosses_reach_well_beyond_the_box() -> None:
    mm = 300 / 25.4
    for seed in range(20):
        ys, xs = np.nonzero(_marked("overshoot_far", seed) < 170)
        beyond = max(100 - xs.min(), xs.max() - 153, 100 - ys.min(), ys.max() - 153) / mm
        # Beyond the box by 2 mm or more, short of the next box (5 mm away and offset).
        assert 2.0 <= beyond <= 6.5


def test_pencil_is_lighter_than_ballpoint_and_unknown_styles_fail() -> None:
    dark = np.full((260, 260), 250, np.uint8)
    light = dark.copy()
    draw_mark(Canvas(dark, 300), BOX, "cross", Pen("ballpoint", 50, 0.4), np.random.default_rng(1))
    draw_mark(
        Canvas(light, 300), BOX, "cross", Pen("pencil", 160, 0.4, 0.35), np.random.default_rng(1)
    )
    assert light.min() > dark.min() + 50
    with pytest.raises(ValueError):
        draw_mark(
            Canvas(dark, 300), BOX, "circle", Pen("ballpoint", 50, 0.4), np.random.default_rng(1)
        )


def test_pens_and_strays_are_reproducible() -> None:
    assert Pen.draw(np.random.default_rng(5)) == Pen.draw(np.random.default_rng(5))
    a, b = np.full((600, 600), 250, np.uint8), np.full((600, 600), 250, np.uint8)
    la = draw_stray(Canvas(a, 100), Pen("felt", 30, 0.8), np.random.default_rng(9))
    lb = draw_stray(Canvas(b, 100), Pen("felt", 30, 0.8), np.random.default_rng(9))
    assert np.array_equal(a, b) and np.allclose(la, lb)
    assert (a < 150).sum() > 50


def test_moderate_pens_are_unchanged_and_hard_pens_are_often_light_or_thin() -> None:
    pen = Pen.draw(np.random.default_rng(5))  # pinned from before the hard profile
    assert (pen.name, pen.ink) == ("gel", 48) and pen.width_mm == pytest.approx(0.45716027601)
    rng = np.random.default_rng(21)
    pens = [Pen.draw_hard(rng) for _ in range(300)]
    again = np.random.default_rng(21)
    assert pens[:5] == [Pen.draw_hard(again) for _ in range(5)]
    light = [p for p in pens if p.light]
    assert 0.25 <= len(light) / 300 <= 0.5
    assert all(120 <= p.ink <= 190 for p in light) and {p.name for p in light} >= {
        "pencil",
        "ballpoint",
    }
    assert 0.25 <= sum(p.width_mm < 0.3 for p in pens) / 300 <= 0.5
    assert all(0.15 <= p.width_mm <= 0.9 for p in pens)
    assert not any(p.light for p in (Pen.draw(np.random.default_rng(s), 0.0) for s in range(50)))
