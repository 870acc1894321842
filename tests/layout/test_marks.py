"""Registration marks and page QR codes: the geometry agreed with omr/."""

from __future__ import annotations

import cv2
import numpy as np
import zxingcpp
from hypothesis import given, settings
from hypothesis import strategies as st

from layout import fonts
from layout.marks import (
    CODE_FONT,
    CODE_FONT_SIZE,
    PageQr,
    mark_rects,
    mark_windows,
    marks,
    qr_runs_operator,
)
from survey import codes
from survey import pseudonym as pseudonyms
from survey.formmap import MARK_IDS
from survey.units import A4_HEIGHT_PT, A4_WIDTH_PT, mm
from tests.layout.conftest import DPI, KEY, SURVEY

BODY = st.text(alphabet=pseudonyms.ALPHABET, min_size=8, max_size=8)


def test_marks_are_8_mm_squares_8_mm_from_the_edges():
    r = mark_rects()
    assert r["tl"].x0 == mm(8) and r["tl"].y1 == A4_HEIGHT_PT - mm(8)
    assert r["br"].x1 == A4_WIDTH_PT - mm(8) and r["br"].y0 == mm(8)
    for rect in r.values():
        assert abs(rect.width - mm(8)) < 1e-9 and abs(rect.height - mm(8)) < 1e-9
    assert {m.corner: m.aruco_id for m in marks()} == MARK_IDS


def test_qr_areas_sit_outside_the_mark_windows_where_agreed():
    qr = PageQr(SURVEY)
    top, bottom = qr.areas()
    assert top.corner == "tr" and bottom.corner == "bl"
    assert top.rect.x1 <= mm(172) + 1e-9 and abs(A4_HEIGHT_PT - top.rect.y1 - mm(8)) < 1e-9
    assert bottom.rect.x0 >= mm(38) - 1e-9 and abs(bottom.rect.y0 - mm(8)) < 1e-9
    for area in (top, bottom):
        assert mm(16) <= area.rect.width <= mm(18)
        for window in mark_windows():
            assert not area.rect.overlaps(window)
            assert not area.text_rect.overlaps(window)
        assert not area.text_rect.overlaps(area.rect)


def test_aruco_markers_are_found_where_the_map_says(default_layout, default_pages):
    detector = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(cv2.aruco.DICT_4X4_50))
    corners, ids, _ = detector.detectMarkers(default_pages[0])
    assert sorted(ids.ravel().tolist()) == [0, 1, 2, 3]
    scale = DPI / 72.0
    for mark in default_layout.form_map.page(1).marks:
        found = corners[list(ids.ravel()).index(mark.aruco_id)][0]  # tl, tr, br, bl in image
        x0, y0 = found[:, 0].min(), found[:, 1].min()
        assert abs(x0 / scale - mark.rect.x0) < mm(0.25)
        assert abs((A4_HEIGHT_PT - y0 / scale) - mark.rect.y1) < mm(0.25)


@settings(max_examples=40, deadline=None)
@given(body=BODY, page=st.integers(min_value=1, max_value=99))
def test_every_page_code_has_the_same_qr_size_and_fits_its_text_rect(body, page):
    qr = PageQr(SURVEY)
    who = body + pseudonyms.check_character(body)
    payload = codes.encode_page_code(KEY, SURVEY, who, page)
    matrix = qr.matrix(payload)
    assert len(matrix) == qr.modules
    width = fonts.string_width(payload, CODE_FONT, CODE_FONT_SIZE)
    assert width <= qr.top_text_rect.width and width <= qr.bottom_text_rect.width


def test_run_operators_rebuild_the_matrix():
    qr = PageQr(SURVEY)
    matrix = qr.matrix(codes.encode_page_code(KEY, SURVEY, None, 3))
    n = len(matrix)
    rebuilt = np.zeros((n, n), dtype=bool)
    for line in qr_runs_operator(matrix).splitlines():
        x, y, w, _h, _ = line.split()
        rebuilt[n - 1 - int(y), int(x) : int(x) + int(w)] = True
    assert (rebuilt == np.array([list(r) for r in matrix], dtype=bool)).all()


def test_a_long_survey_code_still_decodes(tmp_path):
    import io

    from reportlab.pdfgen.canvas import Canvas

    from layout.preview import render_pages

    survey = "GEMEENTE-LV-KBO-2027-NAJ"  # 24 characters, the maximum
    qr = PageQr(survey)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(A4_WIDTH_PT, A4_HEIGHT_PT), initialFontName=fonts.REGULAR)
    payload = codes.encode_page_code(KEY, survey, None, 12)
    qr.draw(canvas, payload)
    canvas.save()
    gray = render_pages(buffer.getvalue(), dpi=200)[0]
    assert [b.text for b in zxingcpp.read_barcodes(gray)] == [payload, payload]
