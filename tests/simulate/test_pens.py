"""papersurvey.simulate.pens: marks land in their box and look like their pen."""

from __future__ import annotations

import numpy as np
import pytest

from papersurvey.simulate.pens import MARK_STYLES, Canvas, Pen, draw_mark, draw_stray

BOX = (100.0, 100.0, 153.0, 153.0)  # a 4.5 mm box at 300 dpi


@pytest.mark.parametrize("style", MARK_STYLES)
def test_every_style_puts_ink_in_the_box(style: str) -> None:
    image = np.full((260, 260), 250, np.uint8)
    draw_mark(Canvas(image, 300), BOX, style, Pen("ballpoint", 60, 0.4), np.random.default_rng(3))
    inside = image[105:148, 105:148]
    assert (inside < 150).mean() > (0.85 if style == "fill" else 0.02)
    assert image[:40].min() > 240  # nothing far above the box


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
