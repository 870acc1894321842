"""Which of a respondent's form maps a sheet is read with, and reading it with that map.

A respondent's questionnaire may have been printed with another form map
than the round's default (another language, an earlier version of an edited
questionnaire), or with two (an invitation with the first version, then a
reminder with the edited one): they may return either copy. Where a
respondent's maps lay a page out alike, any of them reads it the same. Where
they differ, the sheet tells which one it is: the boxes of its version are
printed where that map puts them, those of the other version mostly are not
(:func:`choose_map`, the same evidence :func:`omr.refine.match_page_layout`
uses to tell pages apart). A sheet that does not clearly show which sends
every question of the page to review (:func:`doubt_questions`).

:func:`measure_sheet` is what a scan worker calls: it measures the page with
the default map (enough to read its page code), and when the code names a
respondent with other maps, measures it again with the one on the sheet.
Who was sent which map is bookkeeping of the round
(:mod:`survey.readingmaps`); this module only gets its answer as a mapping.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from omr.checkboxes import measure_boxes
from omr.form import PreparedForm
from omr.ocr_code import TextOcr
from omr.page import PageMeasurement, measure_page
from omr.params import OmrParams
from survey.pageresult import PageResult, ReviewReason

PRINTED_CONTRAST = 0.5  # a printed box: outline over ring at least this share of a typical box's
MAP_FIT_MIN = 0.75  # a clear choice between two maps: the best agrees on this share of boxes ...
MAP_FIT_LEAD = 0.25  # ... and this much more than the next best


@dataclass(frozen=True)
class MapChoice:
    """Which of a respondent's form maps a page was read with, and how clearly.

    Attributes:
        map_id: the map read with.
        fit: per candidate map id (only when the maps lay the page out
            differently), the share of the disputed box positions (printed
            by some candidates, not all) where the sheet agrees with it: a
            printed box where it has one, none where it has none.
        certain: the choice is clear (one layout, or one map fits clearly best).
    """

    map_id: str
    fit: dict[str, float] = field(default_factory=dict)
    certain: bool = True

    @property
    def note(self) -> str:
        """Why every question of the page goes to review, for the log and the quality record."""
        if self.certain:
            return ""
        fits = ", ".join(f"{c} {f:.2f}" for c, f in self.fit.items())
        return (
            f"the respondent was sent questionnaires that lay this page out differently, and the "
            f"sheet does not clearly show which one it is ({fits or 'no boxes tell them apart'}); "
            f"read with form map {self.map_id}; every question of the page goes to review"
        )


@dataclass(frozen=True)
class SheetReading:
    """A page measured with the form map it was printed with.

    Attributes:
        map_id: the id of the map it was measured with.
        form: that map, prepared.
        measurement: the first pass (:func:`omr.page.measure_page`).
        choice: how the map was chosen among the respondent's; ``None`` when
            the page was simply read with the default map.
    """

    map_id: str
    form: PreparedForm
    measurement: PageMeasurement
    choice: MapChoice | None = None


def page_layout(form: PreparedForm, page: int) -> tuple[object, ...] | None:
    """What reading page ``page`` depends on: its boxes, areas, marks and question types."""
    fm = form.form_map
    if not 1 <= page <= len(fm.pages):
        return None
    pm = fm.page(page)
    names = {b.question for b in pm.boxes}
    return (pm, tuple(sorted((q.name, q.type) for q in fm.questions if q.name in names)))


def _distinct_layouts(
    forms: Mapping[str, PreparedForm], candidates: Sequence[str], page: int
) -> list[str]:
    """The candidates that lay page ``page`` out differently from every earlier one."""
    kept: list[tuple[str, object]] = []
    for c in candidates:
        lay = page_layout(forms[c], page)
        if lay is not None and all(lay != other for _, other in kept):
            kept.append((c, lay))
    return [c for c, _ in kept]


def choose_map(
    gray: np.ndarray,
    measured: PageMeasurement,
    forms: Mapping[str, PreparedForm],
    candidates: Sequence[str],
    page: int,
    *,
    params: OmrParams,
) -> MapChoice:
    """The candidate map whose boxes are printed on this sheet (page ``page``).

    Candidates that lay the page out alike are one (the first named wins).
    Between different layouts, every box position on the page is measured
    once (with the registration of ``measured``) for its *contrast*: the ink
    of the printed outline band less that of the ring just outside it. A box
    printed there has the contrast of the boxes every candidate prints (their
    median); text, shading or blank paper have far less. A position counts as
    printed at :data:`PRINTED_CONTRAST` of that. Each candidate's fit is the
    share of the disputed positions (printed by some candidates, not all)
    where the sheet agrees with it: printed where it has a box, not where it
    has none. The best fit wins; the choice is certain when it fits at least
    :data:`MAP_FIT_MIN` and leads by :data:`MAP_FIT_LEAD`. Maps with the same
    boxes on the page (only a writing area moved) cannot be told apart; the
    first is taken, as its boxes are read alike.

    Args:
        gray: the page image, ``uint8`` ``(h, w)``.
        measured: the page measured with any map (its registration is used).
        forms: the round's prepared maps by map id; the first is the default.
        candidates: map ids, preferred first (ids not in ``forms`` are ignored).
        page: the page number (from the page code or the operator).
        params: OMR settings.
    """
    known = [c for c in candidates if c in forms]
    ids = _distinct_layouts(forms, known, page)
    if not ids:  # no candidate has the page: it is foreign whichever is used
        return MapChoice(known[0] if known else next(iter(forms)))
    if len(ids) == 1:
        return MapChoice(ids[0])
    reg, levels = measured.registration, measured.levels
    if reg is None or not reg.ok or levels is None:
        return MapChoice(ids[0], certain=False)
    rects = [np.round(forms[c].page(page).rects, 1) for c in ids]
    union, inverse = np.unique(np.concatenate(rects), axis=0, return_inverse=True)
    has = np.zeros((len(ids), len(union)), dtype=bool)
    starts = np.cumsum([0] + [len(r) for r in rects])
    for i in range(len(ids)):  # one row per candidate map, never per box
        has[i, inverse.ravel()[starts[i] : starts[i + 1]]] = True
    disputed = ~has.all(axis=0)
    if not disputed.any():  # the same boxes (writing areas or question types differ): the first
        return MapChoice(ids[0])
    m = measure_boxes(gray, reg.homography, union, black=levels.black, params=params)
    contrast = m.outline - m.spill
    if not disputed.all():
        typical = float(np.median(contrast[~disputed]))
    else:  # nothing printed by all: the best candidate's own boxes show what a box looks like
        typical = max(float(np.median(contrast[row & disputed])) for row in has if row.any())
    if typical < params.min_outline:
        return MapChoice(ids[0], certain=False)
    printed = contrast >= PRINTED_CONTRAST * typical
    agree = np.mean(printed[disputed] == has[:, disputed], axis=1)
    fit = {c: round(float(a), 3) for c, a in zip(ids, agree, strict=True)}
    ranked = sorted(ids, key=lambda c: -fit[c])  # stable: ties go to the preferred map
    best = fit[ranked[0]]
    certain = best >= MAP_FIT_MIN and best - fit[ranked[1]] >= MAP_FIT_LEAD
    return MapChoice(ranked[0], fit, certain)


def measure_sheet(
    gray: np.ndarray,
    forms: Mapping[str, PreparedForm],
    maps_of: Mapping[str, Sequence[str]],
    *,
    key: bytes,
    survey: str,
    params: OmrParams,
    ocr: TextOcr | None = None,
    candidates: Sequence[str] = (),
    page: int = 0,
) -> SheetReading:
    """Measure a page with the form map it was printed with.

    The page is measured with the first of ``candidates`` (default: the
    round's default map, the first of ``forms``), which reads its page code.
    When the code names a respondent in ``maps_of``, or ``candidates`` are
    given, the map whose boxes are on the sheet is chosen among them
    (:func:`choose_map`) and the page measured again only when that map lays
    the page out differently.

    Args:
        gray: the page image, ``uint8`` ``(h, w)``.
        forms: the round's prepared maps by map id; the first is the default.
        maps_of: pseudonym -> the ids of the maps their questionnaires were
            printed with, for respondents not read with the default map.
        key: the round's secret key.
        survey: the survey code of the round.
        params: OMR settings.
        ocr: OCR engine for the printed page code when both QR codes fail.
        candidates: the maps to choose among, when known beforehand (an
            operator assigned the page to a respondent); then ``page`` is
            the page number the operator gave.
        page: see ``candidates``.
    """
    known = [c for c in candidates if c in forms]
    first = known[0] if known else next(iter(forms))
    m = measure_page(gray, forms[first], key=key, survey=survey, params=params, ocr=ocr)
    if not known:
        code = m.code.code if m.code else None
        if code is None or not maps_of.get(code.pseudonym):
            return SheetReading(first, forms[first], m)
        known, page = [c for c in maps_of[code.pseudonym] if c in forms], code.page
        if not known:
            return SheetReading(first, forms[first], m)
    choice = choose_map(gray, m, forms, known, page, params=params)
    chosen = forms[choice.map_id]
    if choice.map_id != first and (
        page_layout(chosen, page) is None
        or page_layout(chosen, page) != page_layout(forms[first], page)
    ):
        m = measure_page(gray, chosen, key=key, survey=survey, params=params, ocr=ocr)
    return SheetReading(choice.map_id, chosen, m, choice)


def doubt_questions(result: PageResult) -> PageResult:
    """Every question of the page to review (``unreadable``): its boxes may be elsewhere.

    For a page read with one of a respondent's form maps when the sheet did
    not clearly show which (:attr:`MapChoice.certain`): never silently wrong.
    """
    doubted = tuple(
        q
        if ReviewReason.UNREADABLE in q.review
        else dataclasses.replace(q, review=(*q.review, ReviewReason.UNREADABLE))
        for q in result.questions
    )
    return dataclasses.replace(result, questions=doubted)
