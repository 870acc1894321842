"""papersurvey.simulate.damage: reproducible scanner and mail damage with a known transform."""

from __future__ import annotations

import numpy as np
import pytest

from papersurvey.simulate.damage import DAMAGE_KINDS, Damage, draw_damage, paper_damage, scan


def test_damage_profiles_are_reproducible_and_consistent() -> None:
    for seed in range(60):
        d = draw_damage(np.random.default_rng(seed))
        assert d == draw_damage(np.random.default_rng(seed))
        assert set(d.kinds) <= set(DAMAGE_KINDS)
        assert not {"dpi150", "dpi600"} <= set(d.kinds)
        assert d.quarter == 2 if "upside_down" in d.kinds else d.quarter in (0, 1, 3)
        assert abs(d.rotation_deg) <= 5 and all(
            abs(v) <= 10 for v in d.shift_mm if "shift" in d.kinds
        )
        assert (d.binary_threshold > 0) == ("binary" in d.kinds)
    assert draw_damage(np.random.default_rng(1), clean=True) == Damage()


@pytest.mark.parametrize("quarter", [0, 1, 2, 3])
def test_the_transform_says_where_page_pixels_end_up(quarter: int) -> None:
    page = np.full((700, 500), 255, np.uint8)
    page[100:110, 300:310] = 0
    d = Damage(
        kinds=("rotation",),
        dpi=60,
        rotation_deg=3.0,
        quarter=quarter,
        shift_mm=(4.0, -2.0),
        scale=0.98,
    )
    out, m = scan(page, d, np.random.default_rng(0))
    assert out.dtype == np.uint8
    x, y, w = m @ np.array([304.5, 104.5, 1.0])
    assert out[round(y / w), round(x / w)] < 100
    margin = round(12 * 60 / 25.4)
    assert sorted(out.shape) == sorted((700 + 2 * margin, 500 + 2 * margin))


def test_binary_scans_are_bool_and_paper_damage_darkens() -> None:
    page = np.full((400, 300), 250, np.uint8)
    d = Damage(
        kinds=("binary", "stain", "fold"), dpi=50, binary_threshold=170, stains=2, folds=1, noise=3
    )
    before = page.copy()
    paper_damage(page, d, np.random.default_rng(2), mark_rects={}, qr_rects=[])
    assert page.mean() < before.mean()
    out, _ = scan(page, d, np.random.default_rng(2))
    assert out.dtype == np.bool_
