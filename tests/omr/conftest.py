"""Shared fixtures of the OMR tests: the real default questionnaire, laid out and rendered.

Pages are rendered once per test session (pypdfium2, 300 dpi) by the same
``layout/`` code that prints real questionnaires; tests get copies to mark
and damage with the scan simulator's pens.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from papersurvey.simulate.forms import TEST_KEY, TEST_SURVEY, default_layout, render_questionnaire
from papersurvey.simulate.pens import Canvas, Pen, draw_mark
from survey.formmap import FormMap
from survey.pseudonym import check_character
from survey.units import POINTS_PER_INCH, rects_to_page

PSEUDONYM = "7K3M9QXR" + check_character("7K3M9QXR")
BALLPOINT = Pen("ballpoint", 60, 0.4)


@functools.cache
def _pages(dpi: float) -> tuple[np.ndarray, ...]:
    return tuple(render_questionnaire(default_layout(), PSEUDONYM, TEST_KEY, dpi))


@pytest.fixture(scope="session")
def layout() -> Any:
    return default_layout()


@pytest.fixture(scope="session")
def form_map(layout: Any) -> FormMap:
    return layout.form_map


@pytest.fixture
def page_image() -> Callable[..., np.ndarray]:
    """``page_image(page, dpi=300)``: a fresh copy of a rendered page of respondent ``PSEUDONYM``."""

    def get(page: int, dpi: float = 300.0) -> np.ndarray:
        return _pages(dpi)[page - 1].copy()

    return get


def box_px(
    form_map: FormMap, page: int, index: int, dpi: float = 300.0
) -> tuple[float, float, float, float]:
    """Box ``index`` of ``page`` in pixels of an upright rendering at ``dpi``."""
    rects = rects_to_page(form_map.page(page).box_rects(), form_map.page_height) * (
        dpi / POINTS_PER_INCH
    )
    left, top, right, bottom = rects[index]
    return (float(left), float(top), float(right), float(bottom))


@pytest.fixture
def mark(form_map: FormMap) -> Callable[..., None]:
    """``mark(image, page, index, style="cross", dpi=300, pen=BALLPOINT, seed=0)``: draw in a box."""

    def draw(
        image: np.ndarray,
        page: int,
        index: int,
        style: str = "cross",
        dpi: float = 300.0,
        pen: Pen = BALLPOINT,
        seed: int = 0,
    ) -> None:
        draw_mark(
            Canvas(image, dpi),
            box_px(form_map, page, index, dpi),
            style,
            pen,
            np.random.default_rng(seed),
        )

    return draw


@pytest.fixture(scope="session")
def read_args() -> dict[str, Any]:
    """Keyword arguments every ``read_page`` call of the tests shares."""
    return {"key": TEST_KEY, "survey": TEST_SURVEY}
