"""omr.qr, omr.ocr_code, omr.pagecode: identifying a page, never guessing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

from omr.image import to_gray
from omr.marks import find_marks
from omr.ocr_code import TesseractOcr
from omr.pagecode import qr_areas, read_code
from omr.registration import register
from papersurvey.simulate.forms import TEST_KEY, TEST_SURVEY, default_layout, render_questionnaire
from survey.codes import CodeStatus
from survey.formmap import FormMap
from survey.units import POINTS_PER_INCH, rects_to_page
from tests.omr.conftest import PSEUDONYM


def _homography(image: np.ndarray, form_map: FormMap, dpi: float = 300) -> np.ndarray:
    reg = register(
        find_marks(to_gray(image), dpi=dpi),
        form_map.pages[0].marks,
        page_width=form_map.page_width,
        page_height=form_map.page_height,
    )
    assert reg.ok
    return reg.homography


def _cover_qr_codes(image: np.ndarray, form_map: FormMap, dpi: float = 300) -> None:
    for area in qr_areas(form_map):
        left, top, right, bottom = (
            rects_to_page(np.array([area.rect.as_tuple()]), form_map.page_height)[0]
            * dpi
            / POINTS_PER_INCH
        ).astype(int)
        image[top + 10 : bottom - 10, left + 10 : right - 10] = (
            250  # a label over most of the symbol
        )


def test_qr_identifies_the_page(page_image: Callable[..., np.ndarray], form_map: FormMap) -> None:
    image = page_image(4)
    reading = read_code(
        image, _homography(image, form_map), form_map, key=TEST_KEY, survey=TEST_SURVEY
    )
    assert reading.code is not None and reading.code.status is CodeStatus.OK
    assert (reading.code.pseudonym, reading.code.page) == (PSEUDONYM, 4)
    assert reading.source == "qr:tr" and reading.attempts == 1


def test_the_second_qr_is_read_when_the_first_is_covered(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    image = page_image(2)
    first = qr_areas(form_map)[0]
    left, top, right, bottom = (
        rects_to_page(np.array([first.rect.as_tuple()]), form_map.page_height)[0] * 300 / 72
    ).astype(int)
    image[top:bottom, left:right] = 255
    reading = read_code(
        image, _homography(image, form_map), form_map, key=TEST_KEY, survey=TEST_SURVEY
    )
    assert reading.code is not None and reading.code.status is CodeStatus.OK
    assert reading.source == f"qr:{qr_areas(form_map)[1].corner}"


def test_ocr_of_the_printed_code_when_both_qr_codes_fail(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    image = page_image(5)
    _cover_qr_codes(image, form_map)
    h = _homography(image, form_map)
    without = read_code(image, h, form_map, key=TEST_KEY, survey=TEST_SURVEY)
    assert without.code is None
    reading = read_code(image, h, form_map, key=TEST_KEY, survey=TEST_SURVEY, ocr=TesseractOcr())
    assert reading.code is not None and reading.code.status is CodeStatus.OK
    assert (reading.code.pseudonym, reading.code.page) == (PSEUDONYM, 5)
    assert reading.source.startswith("ocr:")


def test_an_ocr_engine_that_misreads_never_identifies_a_page(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    image = page_image(5)
    _cover_qr_codes(image, form_map)

    def liar(crop: np.ndarray) -> str:
        return f"PS1:{TEST_SURVEY}:ABCDEFGHJ:05:AAAAAAAA"

    reading = read_code(
        image, _homography(image, form_map), form_map, key=TEST_KEY, survey=TEST_SURVEY, ocr=liar
    )
    assert reading.code is not None and reading.code.status is CodeStatus.DAMAGED


@pytest.mark.parametrize(
    ("survey", "key", "reason"),
    [("OTHER-SURVEY", TEST_KEY, "another survey"), (TEST_SURVEY, bytes(32), "does not verify")],
)
def test_a_foreign_page_is_recognised(
    form_map: FormMap, survey: str, key: bytes, reason: str
) -> None:
    image = render_questionnaire(default_layout(survey), PSEUDONYM, key, 300, pages=(1,))[0]
    reading = read_code(
        image, _homography(image, form_map), form_map, key=TEST_KEY, survey=TEST_SURVEY
    )
    assert reading.code is not None and reading.code.status is CodeStatus.FOREIGN
    assert reason in reading.code.reason


def test_the_blank_template_is_recognised(form_map: FormMap, layout: Any) -> None:
    image = render_questionnaire(layout, None, TEST_KEY, 300, pages=(3,))[0]
    reading = read_code(
        image, _homography(image, form_map), form_map, key=TEST_KEY, survey=TEST_SURVEY
    )
    assert reading.code is not None and reading.code.status is CodeStatus.TEMPLATE
