"""omr.opentext: writing in open-text areas, printed lines excluded.

The false positives this guards against came from 1-bit and 150-dpi scans:
binarisation turns the light gray writing lines into dashes of varying
thickness, which a reading by ink share took for writing. The misses it
guards against are short answers (one small word, in pencil, sitting on a
printed line) and writing under a fold's shadow.
"""

from __future__ import annotations

from collections.abc import Callable

import cv2
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from omr.opentext import crop_area, measure_text_area, print_rows, read_text_areas
from omr.params import DEFAULT_PARAMS, OmrParams
from papersurvey.simulate.pens import Canvas, Pen, draw_writing
from survey.formmap import FormMap
from survey.units import rects_to_page

PAGE = 7
BALLPOINT = Pen("ballpoint", 70, 0.35)
PENCIL = Pen("pencil", 120, 0.4, 0.35)
# The layout rules a writing area every 8 mm, the first line 8 mm below its top.
PITCH_PT = 8 * 72 / 25.4

Rect = tuple[float, float, float, float]


def _areas(form_map: FormMap) -> list[tuple[str, Rect]]:
    page = form_map.page(PAGE)
    rects = rects_to_page(
        np.array([t.rect.as_tuple() for t in page.text_areas]), form_map.page_height
    )
    return [
        (t.question, (float(r[0]), float(r[1]), float(r[2]), float(r[3])))
        for t, r in zip(page.text_areas, rects, strict=True)
    ]


def _scale(dpi: float) -> np.ndarray:
    return np.diag([dpi / 72, dpi / 72, 1.0])


def _writing(
    image: np.ndarray, form_map: FormMap, homography: np.ndarray | None = None
) -> list[bool]:
    """Whether each text area of the page holds writing (an upright 300 dpi scan by default)."""
    h = _scale(300) if homography is None else homography
    return [t.has_writing for t in read_text_areas(image, h, _areas(form_map), black=0.0)]


def _px(rect: Rect, dpi: float) -> Rect:
    k = dpi / 72
    return (rect[0] * k, rect[1] * k, rect[2] * k, rect[3] * k)


def _word(
    image: np.ndarray,
    dpi: float,
    *,
    x_pt: float,
    baseline_pt: float,
    x_height_mm: float,
    loops: int,
    pen: Pen,
    seed: int = 0,
) -> None:
    """One short handwritten word (``loops`` letter strokes) with its baseline at ``baseline_pt``."""
    canvas = Canvas(image, dpi)
    rng = np.random.default_rng(seed)
    x_height = canvas.px(x_height_mm)
    t = np.arange(loops * 4) / 4.0
    xs = x_pt * dpi / 72 + t * x_height * 0.55
    ys = baseline_pt * dpi / 72 - x_height * (0.5 + 0.5 * np.sin(t * np.pi))
    canvas.strokes([np.stack([xs, ys], 1)], pen, rng)


def _scan(
    image: np.ndarray,
    *,
    shrink: int = 1,
    blur: float = 0.5,
    threshold: int = 0,
    angle_deg: float = 0.0,
    shift: tuple[float, float] = (0.0, 0.0),
) -> tuple[np.ndarray, np.ndarray]:
    """A scanner's view of an upright 300-dpi page: resolution, skew, blur, 1-bit.

    Returns:
        ``(scan, homography)``: the image and the page-to-image matrix.
    """
    page = np.asarray(
        cv2.resize(
            image,
            (image.shape[1] // shrink, image.shape[0] // shrink),
            interpolation=cv2.INTER_AREA,
        )
        if shrink > 1
        else image
    )
    dpi = 300 / shrink
    h, w = page.shape
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle_deg, 1.0)
    turn[:, 2] += np.asarray(shift)
    page = cv2.warpAffine(page, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    if blur > 0:
        page = cv2.GaussianBlur(page, (0, 0), blur / shrink)
    if threshold:
        page = np.where(page >= threshold, 255, 0).astype(np.uint8)
    return page, np.vstack([turn, [0, 0, 1]]) @ _scale(dpi)


def test_written_and_empty_areas(page_image: Callable[..., np.ndarray], form_map: FormMap) -> None:
    image = page_image(PAGE)
    areas = _areas(form_map)
    empty = read_text_areas(image, _scale(300), areas, black=0.0)
    assert [t.has_writing for t in empty] == [False, False]
    assert max(t.ink for t in empty) == 0.0
    left, top, right, bottom = _px(areas[1][1], 300)
    draw_writing(
        Canvas(image, 300),
        (left, top, right, bottom),
        BALLPOINT,
        np.random.default_rng(4),
        lines=2,
    )
    written = read_text_areas(image, _scale(300), areas, black=0.0)
    assert [t.has_writing for t in written] == [False, True]
    assert written[1].question == "q58_improve_point_explain"
    assert 0.005 < written[1].ink < 0.1
    x0, _y0, _x1, y1 = written[1].rect_image
    assert abs(x0 - left) <= 2 and abs(y1 - bottom) <= 2


def test_an_injected_ocr_engine_gives_a_draft(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    image = page_image(PAGE)
    areas = _areas(form_map)[:1]
    draw_writing(
        Canvas(image, 300),
        _px(areas[0][1], 300),
        Pen("gel", 40, 0.5),
        np.random.default_rng(5),
        lines=1,
    )
    seen: list[tuple[int, ...]] = []

    def ocr(image: np.ndarray) -> str:
        seen.append(image.shape)
        return "Ik word goed geholpen."

    result = read_text_areas(image, _scale(300), areas, black=0.0, ocr=ocr)
    assert result[0].draft == "Ik word goed geholpen."
    assert len(seen) == 1


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    threshold=st.integers(130, 200),
    shrink=st.sampled_from([1, 2]),
    blur=st.floats(0.3, 1.8),
    angle=st.floats(-2.0, 2.0),
    dx=st.floats(-3.0, 3.0),
)
def test_blank_areas_of_a_1_bit_scan_read_as_empty(
    page_image: Callable[..., np.ndarray],
    form_map: FormMap,
    threshold: int,
    shrink: int,
    blur: float,
    angle: float,
    dx: float,
) -> None:
    """Binarisation leaves dashes of the printed lines, of any length and thickness: not writing."""
    scan, homography = _scan(
        page_image(PAGE),
        shrink=shrink,
        blur=blur,
        threshold=threshold,
        angle_deg=angle,
        shift=(dx, 0),
    )
    assert _writing(scan, form_map, homography) == [False, False]


@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    threshold=st.integers(150, 200),
    shrink=st.sampled_from([1, 2]),
    line=st.integers(1, 3),
    x_pt=st.floats(5.0, 400.0),
    x_height_mm=st.floats(1.5, 2.5),
    loops=st.integers(2, 6),
    on_line=st.booleans(),
)
def test_a_short_word_in_a_1_bit_scan_reads_as_written(
    page_image: Callable[..., np.ndarray],
    form_map: FormMap,
    threshold: int,
    shrink: int,
    line: int,
    x_pt: float,
    x_height_mm: float,
    loops: int,
    on_line: bool,
) -> None:
    """One small word, above a line or sitting on it, is an answer whatever the binarisation."""
    image = page_image(PAGE)
    _, (_, second) = _areas(form_map)
    line_pt = second[1] + line * PITCH_PT
    baseline = line_pt if on_line else line_pt - 7.0
    _word(
        image,
        300,
        x_pt=second[0] + x_pt,
        baseline_pt=baseline,
        x_height_mm=x_height_mm,
        loops=loops,
        pen=BALLPOINT,
    )
    scan, homography = _scan(image, shrink=shrink, threshold=threshold)
    assert _writing(scan, form_map, homography) == [False, True]


@pytest.mark.parametrize("pen", [BALLPOINT, PENCIL], ids=["ballpoint", "pencil"])
@pytest.mark.parametrize("shrink", [1, 2], ids=["300dpi", "150dpi"])
def test_a_short_word_on_a_gray_scan_reads_as_written(
    page_image: Callable[..., np.ndarray], form_map: FormMap, pen: Pen, shrink: int
) -> None:
    image = page_image(PAGE)
    (_, area), _ = _areas(form_map)
    _word(
        image,
        300,
        x_pt=area[0] + 150,
        baseline_pt=area[1] + PITCH_PT,
        x_height_mm=1.5,
        loops=2,
        pen=pen,
    )
    scan, homography = _scan(image, shrink=shrink, blur=1.0)
    assert _writing(scan, form_map, homography) == [True, False]


def _fold(image: np.ndarray, row: float, *, width: float, depth: float) -> np.ndarray:
    """A horizontal crease's shadow across the page (as the scan simulator draws it)."""
    axis = np.arange(image.shape[0], dtype=np.float32)
    profile = 1 - depth * np.exp(-((axis - row) ** 2) / (2 * width**2))
    return np.clip(image * profile[:, None], 0, 255).astype(np.uint8)


@pytest.mark.parametrize(("depth", "width"), [(0.15, 45.0), (0.2, 30.0), (0.25, 20.0)])
def test_a_fold_shadow_is_paper_and_the_writing_under_it_stays(
    page_image: Callable[..., np.ndarray], form_map: FormMap, depth: float, width: float
) -> None:
    """A crease's shadow across the writing is a long dark band, but paper, not a printed line."""
    image = page_image(PAGE)
    (_, first), (_, second) = _areas(form_map)
    draw_writing(Canvas(image, 300), _px(second, 300), BALLPOINT, np.random.default_rng(1), lines=1)
    for area in (first, second):
        # Through the first line of writing (or where it would be).
        image = _fold(image, (area[1] + 12) * 300 / 72, width=width, depth=depth)
    assert _writing(image, form_map) == [False, True]


def test_noise_specks_beside_a_printed_line_are_not_writing(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    """A speck a little off a line must not join the line into a shape of writing height."""
    image = page_image(PAGE)
    (_, area), _ = _areas(form_map)
    rng = np.random.default_rng(3)
    for k in (1, 2, 3):
        row = (area[1] + k * PITCH_PT) * 300 / 72
        for x in rng.uniform(area[0] + 5, area[2] - 5, 12) * 300 / 72:
            y = int(row + rng.choice([-1, 1]) * rng.uniform(4, 10))
            image[y : y + 2, int(x) : int(x) + 2] = 150
    assert _writing(image, form_map) == [False, False]


def test_a_mark_of_less_than_the_writing_height_is_not_writing(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    """A dash 2 pt high is not an answer by default, and is one when the setting allows."""
    image = page_image(PAGE)
    (_, area), _ = _areas(form_map)
    k = 300 / 72
    x0, y0 = int((area[0] + 100) * k), int((area[1] + 10) * k)
    image[y0 : y0 + int(2 * k), x0 : x0 + int(20 * k)] = 40
    homography = _scale(300)
    assert measure_text_area(image, homography, area, black=0.0).shapes == 0
    low = OmrParams(text_min_height_pt=1.5)
    assert measure_text_area(image, homography, area, black=0.0, params=low).shapes == 1


def test_a_written_area_needs_the_minimum_ink(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    image = page_image(PAGE)
    (_, area), _ = _areas(form_map)
    _word(
        image,
        300,
        x_pt=area[0] + 50,
        baseline_pt=area[1] + 15,
        x_height_mm=2,
        loops=3,
        pen=BALLPOINT,
    )
    m = measure_text_area(image, _scale(300), area, black=0.0)
    assert m.shapes == 1 and m.ink_pt2 > DEFAULT_PARAMS.text_min_ink_pt2
    strict = OmrParams(text_min_ink_pt2=m.ink_pt2 + 1)
    assert [
        t.has_writing
        for t in read_text_areas(image, _scale(300), [("q", area)], black=0.0, params=strict)
    ] == [False]


def test_a_1_bit_area_is_recognised_and_averaged(
    page_image: Callable[..., np.ndarray], form_map: FormMap
) -> None:
    """At 600 dpi a 1-bit speck is a sixteenth of a sample: averaging keeps it, a sample may not."""
    image = cv2.resize(page_image(PAGE), None, fx=2, fy=2, interpolation=cv2.INTER_LINEAR)
    (_, area), _ = _areas(form_map)
    binary = np.where(image >= 170, 255, 0).astype(np.uint8)
    assert measure_text_area(binary, _scale(600), area, black=0.0).binary
    assert not measure_text_area(image, _scale(600), area, black=0.0).binary
    crop = crop_area(binary, _scale(600), area, margin_pt=0.0)
    assert crop.shape == (round((area[3] - area[1]) * 2), round((area[2] - area[0]) * 2))
    # Three printed lines of about 0.5 pt (one sample each): every column keeps their darkness.
    darkness = (1 - crop.astype(np.float64) / 255).sum(axis=0)
    assert 1.5 < np.median(darkness) < 6


def test_print_rows_are_thin_bands_across_the_width() -> None:
    ink = np.zeros((120, 900), np.uint8)
    ink[20, ::3] = 1  # a dashed line (a third of the width)
    ink[60:62, :] = 1  # a solid line, two rows
    ink[63, 300:330] = 1  # a short step of it
    ink[80:96, 100:700:4] = 1  # a band of writing across most of the width
    ink[100:104, 40:70] = 1  # a small dense word: a tiny share of the width
    rows = np.flatnonzero(print_rows(ink))
    assert rows.tolist() == [20, 60, 61]
