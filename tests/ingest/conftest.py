"""Fixtures for the ingest tests: small synthetic pages and scan files made on the fly."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest


def synthetic_page(seed: int, dpi: float = 100.0) -> np.ndarray:
    """An A4 gray page at ``dpi`` with a few boxes and a line of text, different per seed."""
    h, w = round(11.69 * dpi), round(8.27 * dpi)
    img = np.full((h, w), 245, np.uint8)
    rng = np.random.default_rng(seed)
    scale = dpi / 100
    cv2.putText(
        img,
        f"page {seed}",
        (int(60 * scale), int(120 * scale)),
        cv2.FONT_HERSHEY_SIMPLEX,
        1.5 * scale,
        0,
        max(1, int(3 * scale)),
    )
    for _ in range(12):
        x, y = int(rng.integers(50, w - 100)), int(rng.integers(200, h - 100))
        s = int(18 * scale)
        cv2.rectangle(img, (x, y), (x + s, y + s), 0, max(1, int(2 * scale)))
        if rng.random() < 0.5:
            cv2.line(img, (x, y), (x + s, y + s), 20, max(1, int(2 * scale)))
    return img


@pytest.fixture
def page_images() -> list[np.ndarray]:
    return [synthetic_page(i) for i in range(4)]


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    d = tmp_path / "scans"
    d.mkdir()
    return d
