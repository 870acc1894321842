"""papersurvey.simulate.damage: reproducible damage profiles, moderate and hard."""

from __future__ import annotations

import numpy as np
import pytest

from papersurvey.simulate.damage import (
    DAMAGE_KINDS,
    PROFILES,
    Damage,
    check_profile,
    draw_damage,
    paper_damage,
)
from papersurvey.simulate.scanner import rects_on_image, scan_geometry

# Registration marks and QR codes of the default layout, upright page points
# (left, top, right, bottom): 8 mm marks 8 mm from the edges, 17 mm QR codes.
MM = 72 / 25.4
MARKS_PT = np.array([[8, 8, 16, 16], [194, 8, 202, 16], [194, 281, 202, 289], [8, 281, 16, 289]])
QRS_PT = np.array([[155, 8, 172, 25], [38, 272, 55, 289]])
A4_PT = (297 * MM, 210 * MM)


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


def test_moderate_draws_are_unchanged() -> None:
    # Pinned from the code before the hard profile existed: seeds must keep their pages.
    assert draw_damage(np.random.default_rng(5)) == draw_damage(
        np.random.default_rng(5), profile="moderate"
    )
    d = draw_damage(np.random.default_rng(5))
    assert (d.kinds, d.dpi, d.quarter, d.jpeg_quality, d.stains, d.background) == (
        ("rotation", "stain"),
        300,
        0,
        75,
        1,
        75,
    )
    assert d.rotation_deg == pytest.approx(0.15325561042141977, abs=1e-12)
    assert d.shift_mm == pytest.approx((0.4204452380655215, 1.1360465324896427), abs=1e-12)
    assert (d.overscan_mm, d.binary_threshold) == (12.0, 0)
    d = draw_damage(np.random.default_rng(6))
    assert (d.kinds, d.jpeg_quality, d.background) == (("jpeg",), 41, 246)
    assert d.noise == pytest.approx(2.3598353223280446, abs=1e-12)


def _hard(seed: int, n: int) -> list[Damage]:
    rng = np.random.default_rng(seed)
    return [draw_damage(rng, profile="hard") for _ in range(n)]


def test_hard_profile_draws_tight_careless_scans() -> None:
    pages = _hard(11, 200)
    assert pages == _hard(11, 200)
    binary = [d for d in pages if d.binary_threshold]
    assert 0.2 <= len(binary) / 200 <= 0.4
    assert all(140 <= d.binary_threshold <= 200 and d.jpeg_quality == 0 for d in binary)
    assert all(d.blur_px >= 0.8 for d in binary)  # smoothed before the threshold
    assert {d.dpi for d in pages} == {200, 300}
    assert 0.4 <= sum(d.dpi == 200 for d in pages) / 200 <= 0.6
    assert all(abs(d.rotation_deg) <= 4.5 and max(map(abs, d.shift_mm)) <= 8 for d in pages)
    assert sum(abs(d.rotation_deg) > 2 for d in pages) >= 30
    assert all(-2 <= d.overscan_mm <= 2 for d in pages)
    assert 0.1 <= sum(d.overscan_mm < 0 for d in pages) / 200 <= 0.4
    assert 0.08 <= sum(d.quarter == 2 for d in pages) / 200 <= 0.22
    assert all(d.quarter in (0, 2) and set(d.kinds) <= set(DAMAGE_KINDS) for d in pages)
    assert all((d.quarter == 2) == ("upside_down" in d.kinds) for d in pages)
    assert all(d.perspective <= 0.02 for d in pages)
    for kind in ("fold", "stain", "perspective", "jpeg", "noise", "blur"):
        assert any(kind in d.kinds for d in pages), kind
    assert not any(d.torn_corner or d.qr_covered for d in pages)


def test_hard_scans_cut_marks_off_but_keep_a_qr_code() -> None:
    cut = qr_lost = 0
    for d in _hard(12, 200):
        scale = d.dpi / 72
        m, shape = scan_geometry((round(A4_PT[0] * scale), round(A4_PT[1] * scale)), d)
        cut += rects_on_image(MARKS_PT * MM * scale, m, shape).sum() < 4
        qr_lost += not rects_on_image(QRS_PT * MM * scale, m, shape).any()
    assert 0.15 <= cut / 200 <= 0.5
    assert qr_lost <= 4


def test_profiles_are_checked() -> None:
    assert PROFILES == ("moderate", "hard") and check_profile("hard") == "hard"
    with pytest.raises(ValueError, match="profile"):
        draw_damage(np.random.default_rng(0), profile="extreme")


def test_paper_damage_darkens() -> None:
    page = np.full((400, 300), 250, np.uint8)
    d = Damage(kinds=("stain", "fold"), dpi=50, stains=2, folds=1)
    before = page.copy()
    paper_damage(page, d, np.random.default_rng(2), mark_rects={}, qr_rects=[])
    assert page.mean() < before.mean()
