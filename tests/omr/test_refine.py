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
