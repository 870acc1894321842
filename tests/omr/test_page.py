"""omr.page: whole pages through read_page, including every failure the issue names."""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import cv2
import numpy as np
import pytest

from omr.calibration import fit_calibration
from omr.page import finish_page, measure_page, read_page
from papersurvey.simulate.forms import TEST_SURVEY, default_layout, render_questionnaire
from survey.formmap import FormMap
from survey.pageresult import BoxState, PageResult, PageStatus, ReviewReason
from tests.omr.conftest import PSEUDONYM
from tests.omr.test_pagecode import _cover_qr_codes

PAGE = 2


@pytest.fixture
def marked(
    page_image: Callable[..., np.ndarray], mark: Callable[..., None]
) -> Callable[..., np.ndarray]:
    """``marked(dpi=300)``: a fresh page ``PAGE`` with the marks :func:`_check_answers` expects."""

    def make(dpi: float = 300) -> np.ndarray:
        image = page_image(PAGE, dpi)
        mark(image, PAGE, 3, "cross", dpi)  # q06 -> 4
        mark(image, PAGE, 11, "tick", dpi)  # q07 -> 2
        mark(image, PAGE, 24, "fill", dpi)  # q08: 5 cancelled ...
        mark(image, PAGE, 27, "cross", dpi, seed=1)  # ... and 8 chosen
        mark(image, PAGE, 30, "cross", dpi)  # q09: 1 and ...
        mark(image, PAGE, 35, "overshoot", dpi)  # ... 6: a double mark
        return image

    return make


@pytest.fixture
def read(form_map: FormMap, read_args: dict[str, Any]) -> Callable[..., PageResult]:
    """``read(image, **more)``: :func:`read_page` with the round's form map, key and survey."""

    def run(image: np.ndarray, **more: Any) -> PageResult:
        return read_page(image, form_map, **read_args, **more)

    return run


def _check_answers(result: Any, *, bilevel: bool = False) -> None:
    assert result.status is PageStatus.OK, result.reason
    assert (result.pseudonym, result.page) == (PSEUDONYM, PAGE)
    values = result.values()
    assert values["q06_reach_phone"] == "4"
    assert values["q07_reach_email"] == "2"
    assert values["q08_reach_opening_hours"] == "8"
    q09 = result.question("q09_reach_client_manager")
    assert q09.value is None and ReviewReason.MULTIPLE_MARKS in q09.review
    assert all(v is None for k, v in values.items() if k >= "q10")
    queue = [q.name for q in result.review_queue()]
    assert queue == ["q09_reach_client_manager"] and result.quality.bilevel == bilevel
    assert result.box_states[24] == BoxState.FILLED


@pytest.mark.parametrize("dpi", [150, 300, 600])
def test_a_marked_page_at_any_resolution(
    marked: Callable[..., np.ndarray],
    read: Callable[..., PageResult],
    dpi: float,
) -> None:
    result = read(marked(dpi))
    _check_answers(result)
    assert result.quality.dpi == pytest.approx(dpi, rel=0.01)
    assert result.quality.marks_found == 4


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_a_page_in_any_orientation(
    marked: Callable[..., np.ndarray], read: Callable[..., PageResult], turns: int
) -> None:
    image = np.ascontiguousarray(np.rot90(marked(), turns))
    result = read(image)
    _check_answers(result)
    assert result.orientation == 90 * turns


def test_one_bit_and_colour_scans(
    marked: Callable[..., np.ndarray], read: Callable[..., PageResult]
) -> None:
    gray = marked()
    _check_answers(read(gray >= 170), bilevel=True)
    colour = cv2.cvtColor(gray, cv2.COLOR_GRAY2BGR)
    _check_answers(read(colour))


def test_a_blank_sheet(read: Callable[..., PageResult]) -> None:
    rng = np.random.default_rng(0)
    blank = np.clip(rng.normal(242, 3, (3508, 2480)), 0, 255).astype(np.uint8)
    result = read(blank)
    assert result.status is PageStatus.BLANK
    assert result.questions == () and result.homography == ()


def test_a_page_of_text_that_is_not_a_questionnaire(read: Callable[..., PageResult]) -> None:
    page = np.full((3508, 2480), 250, np.uint8)
    for n, y in enumerate(range(300, 3300, 70)):
        cv2.putText(
            page,
            f"Geachte heer, mevrouw, in regel {n} staat gewone tekst.",
            (250, y),
            cv2.FONT_HERSHEY_SIMPLEX,
            1.6,
            30,
            3,
        )
    result = read(page)
    assert result.status is PageStatus.UNREGISTRABLE
    assert "registration marks" in result.reason


def test_unanswered_questions_of_a_coarse_1bit_scan_go_to_review(
    marked: Callable[..., np.ndarray], read: Callable[..., PageResult]
) -> None:
    """At 200 dpi a thin stroke can blur away before the threshold: no reading is sure, an
    answer neither (a double's thin second mark may be gone)."""
    gray = marked(dpi=200)
    result = read(gray >= 170)
    assert result.quality.bilevel
    assert result.values()["q06_reach_phone"] == "4"
    others = [q for q in result.questions if q.name != "q09_reach_client_manager"]
    assert any(q.value for q in others) and any(not q.value for q in others)
    assert all(q.review == (ReviewReason.INK_MAY_BE_LOST,) for q in others)
    # the same page in gray: the unanswered questions are confident blanks
    gray_result = read(gray)
    assert [q.name for q in gray_result.review_queue()] == ["q09_reach_client_manager"]


def test_missing_marks(marked: Callable[..., np.ndarray], read: Callable[..., PageResult]) -> None:
    image = marked()
    image[:300, 2180:] = 255  # top-right mark torn off: three marks still register
    result = read(image)
    _check_answers(result)
    assert result.quality.marks_found == 3
    assert result.quality.registration == "marks+outlines"
    image[3200:, :300] = 255  # and the bottom-left one: two marks and the QR codes place it
    result = read(image)
    _check_answers(result)
    assert result.quality.marks_found == 2
    assert result.quality.registration == "marks+qr+outlines"
    image[:320, 1800:2060] = 255  # both QR codes gone too: nothing places the page
    image[3220:, 430:680] = 255
    result = read(image)
    assert result.status is PageStatus.UNREGISTRABLE
    assert "2 of 4" in result.reason and "QR" in result.reason


def test_a_foreign_page(read: Callable[..., PageResult]) -> None:
    other_round = render_questionnaire(
        default_layout(TEST_SURVEY), PSEUDONYM, bytes(32), 300, pages=(PAGE,)
    )[0]
    result = read(other_round)
    assert result.status is PageStatus.FOREIGN
    assert result.pseudonym == "" and result.questions == ()


def test_unreadable_codes_leave_the_page_unidentified_but_read(
    marked: Callable[..., np.ndarray], read: Callable[..., PageResult], form_map: FormMap
) -> None:
    image = marked()
    _cover_qr_codes(image, form_map)
    result = read(image)
    assert result.status is PageStatus.UNIDENTIFIED
    assert result.pseudonym == ""
    assert result.page == PAGE  # from the box layout
    assert result.values()["q06_reach_phone"] == "4"


def test_two_passes_give_the_same_result_and_results_are_small(
    marked: Callable[..., np.ndarray],
    read: Callable[..., PageResult],
    form_map: FormMap,
    read_args: dict,
) -> None:
    image = marked()
    before = image.copy()
    measured = measure_page(image, form_map, **read_args)
    assert np.array_equal(image, before)  # the input is never modified
    blob = pickle.dumps(measured)
    assert len(blob) < 60_000
    cal = fit_calibration(pickle.loads(blob).boxes)
    result = finish_page(pickle.loads(blob), form_map, calibration=cal)
    assert result == read(image, calibration=cal)
    encoded = pickle.dumps(result)
    assert len(encoded) < 30_000
    assert b"numpy" not in encoded  # plain tuples, never arrays or the image
