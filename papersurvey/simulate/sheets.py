"""Simulated returned questionnaires: real layout pages, pen marks, scanner damage, truth.

One respondent: plausible answers (:func:`fill_answers`), the real PDF of
their questionnaire (``layout.render``), each page rendered with pypdfium2 at
the scan resolution, marked like a person with one pen would mark it, damaged
like paper in the mail and a scanner would damage it. The truth of every
sheet (what was meant, box by box and question by question) is kept next to
the image and can be written out as JSON.

Behaviour mixed in, per question, at realistic rates: crosses, ticks,
overshooting crosses, slashes, scribbles and dots; a correction (the wrong
box filled in, the right one crossed); a genuine double mark on a
single-choice question; stray strokes; writing in open-text areas.

A damage profile (``moderate``, the default, or ``hard``; see
:mod:`.damage`) decides the scans and, through :meth:`Behaviour.for_profile`,
the people: the hard profile's respondents often use light or thin pens,
make small thin ticks, short thin slashes and crosses far beyond the box, and
leave stray strokes on more sheets. The truth also says, from the scan's
geometry, how many registration marks are entirely on the image and whether
a page QR code is, and per box whether the pen's ink survived the scan.
"""

from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from papersurvey.simulate.answers import fill_answers
from papersurvey.simulate.damage import Damage, check_profile, draw_damage, paper_damage
from papersurvey.simulate.pens import Canvas, Pen, draw_mark, draw_stray, draw_writing
from papersurvey.simulate.scanner import scan_with_ink, visible_features
from survey.formmap import FormMap, PageMap
from survey.model import Questionnaire
from survey.pageresult import BoxState
from survey.routing import Answer
from survey.units import POINTS_PER_INCH, rects_to_page

MODERATE_STYLES = (
    ("cross", 0.56),
    ("overshoot", 0.12),
    ("tick", 0.16),
    ("slash", 0.06),
    ("scribble", 0.06),
    ("dot", 0.04),
)
HARD_STYLES = (
    ("cross", 0.25),
    ("overshoot", 0.06),
    ("overshoot_far", 0.12),
    ("tick", 0.10),
    ("thin_tick", 0.20),
    ("slash", 0.06),
    ("thin_slash", 0.11),
    ("scribble", 0.05),
    ("dot", 0.05),
)


@dataclass(frozen=True)
class Behaviour:
    """Rates of the less common things respondents do (per answered question or per sheet).

    Attributes:
        correction: fill the wrong box, cross the right one (per answer).
        double: a second cross on a single-choice question (per question).
        stray: sheets with stray strokes.
        stray_count: how many stray strokes, when there are, ``[lo, hi]``.
        pencil: respondents using pencil.
        light_pen: respondents with a light ballpoint (gray 120-190); the
            hard profile's pen draw only (:meth:`Pen.draw_hard`).
        thin_pen: respondents with a 0.15-0.3 mm pen; hard profile only.
        styles: ``(mark style, weight)`` pairs people mark boxes with.
    """

    correction: float = 0.025
    double: float = 0.012
    stray: float = 0.08
    stray_count: tuple[int, int] = (1, 2)
    pencil: float = 0.04
    light_pen: float = 0.0
    thin_pen: float = 0.0
    styles: tuple[tuple[str, float], ...] = MODERATE_STYLES

    @classmethod
    def for_profile(cls, profile: str) -> Behaviour:
        """The respondents of a damage profile (``moderate``: the defaults)."""
        if check_profile(profile) == "moderate":
            return cls()
        return cls(
            stray=0.25,
            stray_count=(1, 3),
            pencil=0.12,
            light_pen=0.25,
            thin_pen=0.35,
            styles=HARD_STYLES,
        )


@dataclass(frozen=True)
class QuestionTruth:
    """What a respondent meant for one select question on a sheet.

    Attributes:
        name: the question name.
        value: the intended choice (``select_one``), tuple of choices
            (``select_multiple``) or ``None`` (not answered).
        double: two boxes genuinely marked on a single-choice question (no
            single value is right; the OMR must flag it).
    """

    name: str
    value: str | tuple[str, ...] | None
    double: bool = False


@dataclass(frozen=True)
class SheetTruth:
    """The truth of one simulated sheet.

    Attributes:
        pseudonym: the respondent.
        page: the 1-based page number.
        damage: what the mail and the scanner did.
        pen: the pen's name.
        box_states: intended :class:`BoxState` per box of the page (form-map order).
        box_styles: the mark style per box (``""`` for an empty box).
        questions: the intended answers of the page's select questions.
        texts: ``(question, has_writing)`` per open-text area.
        stray: stray strokes on the sheet.
        transform: 3x3 transform (row-major) from upright page pixels to scan pixels.
        profile: the damage profile the sheet was drawn under.
        marks_on_image: registration marks entirely within the scanned image
            (0-4), from the transform; a mark on a torn-off corner is not.
        qr_readable: at least one page QR symbol lies entirely within the
            image and no label covers it (geometry only: blur or stains may
            still make it unreadable).
        pen_ink: the pen's gray value on white paper (0 = black).
        pen_width_mm: the pen's stroke width.
        box_ink: per box, whether at least 0.1 mm2 of the pen's ink in the
            box (or within 0.5 mm of it, away from the printed line) survived
            the scan: the scan against a scan of the page without the pen
            (:func:`~.scanner.ink_in_rects`). A marked box without ink cannot
            be read by anyone (a light pen on a 1-bit scan, a thin stroke
            blurred away); empty for truths made without.
    """

    pseudonym: str
    page: int
    damage: Damage
    pen: str
    box_states: tuple[int, ...]
    box_styles: tuple[str, ...]
    questions: tuple[QuestionTruth, ...]
    texts: tuple[tuple[str, bool], ...]
    stray: int
    transform: tuple[float, ...]
    profile: str = "moderate"
    marks_on_image: int = 4
    qr_readable: bool = True
    pen_ink: int = 0
    pen_width_mm: float = 0.0
    box_ink: tuple[bool, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SimulatedSheet:
    """A scanned sheet as the OMR gets it, and its truth."""

    image: np.ndarray
    truth: SheetTruth


def render_page(document: Any, page: int, dpi: float) -> np.ndarray:
    """One page of an open pypdfium2 document as a ``uint8`` gray image."""
    pdf_page = document[page - 1]
    try:
        bitmap = pdf_page.render(scale=dpi / POINTS_PER_INCH, grayscale=True)
        array = np.array(bitmap.to_numpy(), copy=True)
    finally:
        pdf_page.close()
    return array[:, :, 0] if array.ndim == 3 else array


def _page_rects_px(rects_pdf: np.ndarray, page_height: float, dpi: float) -> np.ndarray:
    return rects_to_page(rects_pdf, page_height) * (dpi / POINTS_PER_INCH)


def mark_page(
    image: np.ndarray,
    dpi: float,
    form_map: FormMap,
    page: PageMap,
    answers: dict[str, Answer],
    pen: Pen,
    rng: np.random.Generator,
    behaviour: Behaviour = Behaviour(),
) -> tuple[list[int], list[str], list[QuestionTruth], list[tuple[str, bool]], int]:
    """Mark one upright page image in place; returns the truth parts.

    Returns:
        ``(box_states, box_styles, questions, texts, stray)``.
    """
    canvas = Canvas(image, dpi)
    rects = _page_rects_px(page.box_rects(), form_map.page_height, dpi)
    states = [int(BoxState.EMPTY)] * len(page.boxes)
    styles = [""] * len(page.boxes)
    by_question: dict[str, list[int]] = {}
    for i, b in enumerate(page.boxes):
        by_question.setdefault(b.question, []).append(i)
    types = {q.name: q.type for q in form_map.questions}
    names = [name for name, _ in behaviour.styles]
    weights = np.array([weight for _, weight in behaviour.styles])
    weights /= weights.sum()
    habit = str(rng.choice(names, p=weights))  # people mostly keep one way of marking

    def style() -> str:
        return habit if rng.random() < 0.8 else str(rng.choice(names, p=weights))

    def cross(i: int, how: str) -> None:
        draw_mark(canvas, tuple(rects[i]), how, pen, rng)
        states[i], styles[i] = int(BoxState.MARKED), how

    truths = []
    for name, boxes in by_question.items():
        answer = answers.get(name)
        multiple = types.get(name) == "select_multiple"
        choices = [page.boxes[i].choice for i in boxes]
        chosen = sorted(answer) if isinstance(answer, frozenset) else [answer] if answer else []
        chosen = [c for c in chosen if c in choices]
        double = False
        for c in chosen:
            i = boxes[choices.index(c)]
            others = [j for j in boxes if j != i and states[j] == BoxState.EMPTY]
            if others and rng.random() < behaviour.correction:
                wrong = int(rng.choice(others))
                draw_mark(canvas, tuple(rects[wrong]), "fill", pen, rng)
                states[wrong], styles[wrong] = int(BoxState.FILLED), "fill"
            cross(i, style())
        if not multiple and len(chosen) == 1 and rng.random() < behaviour.double:
            others = [j for j in boxes if states[j] == BoxState.EMPTY]
            if others:
                cross(int(rng.choice(others)), style())
                double = True
        value: str | tuple[str, ...] | None
        value = tuple(sorted(chosen)) if multiple else None if double or not chosen else chosen[0]
        truths.append(QuestionTruth(name, value, double))
    texts = []
    for area in page.text_areas:
        written = bool(answers.get(area.question))
        if written:
            r = _page_rects_px(np.array([area.rect.as_tuple()]), form_map.page_height, dpi)[0]
            draw_writing(canvas, tuple(r), pen, rng, lines=int(rng.integers(1, 4)))
        texts.append((area.question, written))
    stray = 0
    if rng.random() < behaviour.stray:
        stray = int(rng.integers(behaviour.stray_count[0], behaviour.stray_count[1] + 1))
        for _ in range(stray):
            draw_stray(canvas, pen, rng)
    return states, styles, truths, texts, stray


def simulate_respondent(
    layout: Any,
    questionnaire: Questionnaire,
    key: bytes,
    pseudonym: str,
    rng: np.random.Generator,
    *,
    damage: Damage | None = None,
    behaviour: Behaviour | None = None,
    pages: tuple[int, ...] | None = None,
    profile: str = "moderate",
) -> list[SimulatedSheet]:
    """The scanned sheets of one respondent's returned questionnaire.

    Args:
        layout: a ``layout.questionnaire.QuestionnaireLayout`` of ``questionnaire``.
        questionnaire: the questionnaire.
        key: the round's secret key (the page codes are printed with it).
        pseudonym: the respondent's pseudonym.
        rng: the random generator (all randomness comes from it).
        damage: one damage for every page, or ``None`` to draw one per page
            under ``profile``.
        behaviour: rates of corrections, double marks, stray strokes, pens
            and mark styles; ``None``: :meth:`Behaviour.for_profile`.
        pages: only these pages (default all).
        profile: the damage profile, ``moderate`` or ``hard`` (see
            :mod:`.damage`); it decides the pen draw and is kept in the truth.

    Returns:
        One :class:`SimulatedSheet` per page.
    """
    import pypdfium2 as pdfium

    form_map: FormMap = layout.form_map
    check_profile(profile)
    if behaviour is None:
        behaviour = Behaviour.for_profile(profile)
    answers = fill_answers(questionnaire, rng)
    if profile == "moderate":
        pen = Pen.draw(rng, pencil_share=behaviour.pencil)
    else:
        pen = Pen.draw_hard(
            rng,
            pencil_share=behaviour.pencil,
            light_share=behaviour.light_pen,
            thin_share=behaviour.thin_pen,
        )
    document = pdfium.PdfDocument(layout.render(pseudonym, key))
    sheets = []
    try:
        for number in pages or tuple(range(1, len(form_map.pages) + 1)):
            page = form_map.page(number)
            d = damage if damage is not None else draw_damage(rng, profile=profile)
            image = render_page(document, number, d.dpi)
            blank = image.copy()  # scanned alike without the pen: what of the ink survives
            states, styles, truths, texts, stray = mark_page(
                image, d.dpi, form_map, page, answers, pen, rng, behaviour
            )
            scale = d.dpi / POINTS_PER_INCH
            marks = {
                m.corner: tuple(
                    _page_rects_px(np.array([m.rect.as_tuple()]), form_map.page_height, d.dpi)[0]
                )
                for m in page.marks
            }
            qrs = [
                tuple(rects_to_page(np.array([q.rect.as_tuple()]), form_map.page_height)[0] * scale)
                for q in page.qr_areas
            ]
            twin = copy.deepcopy(rng)  # the same paper damage for the blank page
            paper_damage(image, d, rng, mark_rects=marks, qr_rects=qrs)
            paper_damage(blank, d, twin, mark_rects=marks, qr_rects=qrs)
            box_rects = _page_rects_px(page.box_rects(), form_map.page_height, d.dpi)
            scanned, transform, box_ink = scan_with_ink(image, blank, box_rects, d, rng)
            marks_on_image, qr_readable = visible_features(marks, qrs, d, transform, scanned.shape)
            truth = SheetTruth(
                pseudonym=pseudonym,
                page=number,
                damage=d,
                pen=pen.name,
                box_states=tuple(states),
                box_styles=tuple(styles),
                questions=tuple(truths),
                texts=tuple(texts),
                stray=stray,
                transform=tuple(float(v) for v in transform.ravel()),
                profile=profile,
                marks_on_image=marks_on_image,
                qr_readable=qr_readable,
                pen_ink=pen.ink,
                pen_width_mm=pen.width_mm,
                box_ink=tuple(bool(v) for v in box_ink),
            )
            sheets.append(SimulatedSheet(scanned, truth))
    finally:
        document.close()
    return sheets


def write_sheets(sheets: list[SimulatedSheet], folder: Path, stem: str = "sheet") -> list[Path]:
    """Write sheets as image files (JPEG, or PNG for 1-bit scans) plus ``truth.json``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths, truths = [], []
    for n, sheet in enumerate(sheets, start=1):
        binary = sheet.image.dtype == np.bool_
        path = folder / f"{stem}-{n:04d}.{'png' if binary else 'jpg'}"
        image = sheet.image.astype(np.uint8) * 255 if binary else sheet.image
        params = [] if binary else [cv2.IMWRITE_JPEG_QUALITY, 95]
        cv2.imwrite(str(path), image, params)
        paths.append(path)
        truths.append({"file": path.name, **sheet.truth.to_dict()})
    (folder / "truth.json").write_text(
        json.dumps(truths, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return paths
