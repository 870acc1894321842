"""omr.refine: three marks and a perspective scan, corrected by the box outlines."""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np

from omr.page import read_page
from survey.formmap import FormMap


def test_a_photographed_page_with_a_lost_corner(
    page_image: Callable[..., np.ndarray],
    form_map: FormMap,
    mark: Callable[..., None],
    read_args: dict,
) -> None:
    image = page_image(2)
    mark(image, 2, 3, "cross")
    mark(image, 2, 118, "cross")  # the last row, in the corner far from the marks
    image[:300, 2180:] = 255  # the top-right mark is torn off: only an affine fit from the marks
    h, w = image.shape
    # A keystone: the top of the page further from the camera than the bottom.
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = np.float32([[70, 60], [w - 30, 20], [w, h], [0, h - 10]])
    warped = cv2.warpPerspective(
        image, cv2.getPerspectiveTransform(src, dst), (w, h), borderValue=255
    )
    result = read_page(warped, form_map, **read_args)
    assert result.status == "ok", result.reason
    assert result.quality.marks_found == 3
    values = result.values()
    assert values["q06_reach_phone"] == "4"
    assert values["q17_info_response_speed"] == "9"
    assert not result.review_queue()


def test_filled_in_pages_without_readable_codes_are_matched_to_their_page(
    layout, form_map: FormMap, read_args: dict
) -> None:
    """The box layout names the page, also when marks and damage put ink near other pages' boxes.

    Ink in the outline band alone used to let the wrong page score up to 0.94
    on such scans (within 0.3 of the right one, so the page stayed unknown).
    """
    from papersurvey.simulate.damage import Damage
    from papersurvey.simulate.forms import TEST_KEY
    from papersurvey.simulate.sheets import simulate_respondent
    from survey.pageresult import PageStatus
    from survey.pseudonym import new_pseudonyms
    from survey.questionnaire import default_questionnaire

    q = default_questionnaire()
    rng = np.random.default_rng(7)
    scans = [
        Damage(kinds=("scale",), dpi=150, scale=0.975, noise=2.0, jpeg_quality=85),
        Damage(kinds=("binary",), dpi=150, binary_threshold=175),
        Damage(kinds=("blur", "jpeg"), dpi=150, blur_px=1.6, jpeg_quality=40),
    ]
    for damage, pseudonym in zip(scans, new_pseudonyms(len(scans)), strict=True):
        damage = Damage(**{**damage.__dict__, "qr_covered": 2})
        for sheet in simulate_respondent(layout, q, TEST_KEY, pseudonym, rng, damage=damage):
            result = read_page(sheet.image, form_map, **{**read_args, "ocr": None})
            assert result.status is PageStatus.UNIDENTIFIED, (damage.kinds, result.reason)
            assert result.page == sheet.truth.page, (damage.kinds, sheet.truth.page, result.reason)
