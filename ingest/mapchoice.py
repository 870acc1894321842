"""Which of a respondent's form maps a scanned page is read with.

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
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from omr.checkboxes import measure_boxes
from omr.form import PreparedForm, prepare_form
from omr.ocr_code import TesseractOcr
from omr.page import PageMeasurement, measure_page
from survey.formmap import FormMap
from survey.pageresult import PageResult, ReviewReason

if TYPE_CHECKING:
    from ingest.worker import WorkContext

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


def page_layout(form_map: FormMap | PreparedForm, page: int) -> tuple[object, ...] | None:
    """What reading page ``page`` depends on: its boxes, areas, marks and question types."""
    fm = form_map.form_map if isinstance(form_map, PreparedForm) else form_map
    if not 1 <= page <= len(fm.pages):
        return None
    pm = fm.page(page)
    names = {b.question for b in pm.boxes}
    return (pm, tuple(sorted((q.name, q.type) for q in fm.questions if q.name in names)))


def choose_map(
    ctx: WorkContext,
    gray: np.ndarray,
    measured: PageMeasurement,
    candidates: Sequence[str],
    page: int,
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
        ctx: the work context (maps, OMR settings).
        gray: the page image.
        measured: the page measured with any map (its registration is used).
        candidates: map ids, preferred first.
        page: the page number (from the page code or the operator).
    """
    known = [c for c in candidates if c in ctx.form_maps]
    layouts: list[tuple[str, object]] = []
    for c in known:
        lay = page_layout(ctx.form_map(c), page)
        if lay is not None and all(lay != other for _, other in layouts):
            layouts.append((c, lay))
    if not layouts:  # no candidate has the page: it is foreign whichever is used
        return MapChoice(known[0] if known else ctx.default_language)
    if len(layouts) == 1:
        return MapChoice(layouts[0][0])
    reg, levels = measured.registration, measured.levels
    if reg is None or not reg.ok or levels is None:
        return MapChoice(layouts[0][0], certain=False)
    ids = [c for c, _ in layouts]
    positions = {
        c: {tuple(np.round(r, 1)) for r in prepare_form(ctx.form_map(c)).page(page).rects}
        for c in ids
    }
    everywhere = set.intersection(*positions.values())
    union = sorted(set.union(*positions.values()))
    disputed = np.array([pos not in everywhere for pos in union])
    if not disputed.any():  # the same boxes (writing areas or question types differ): the first
        return MapChoice(ids[0])
    m = measure_boxes(
        gray,
        reg.homography,
        np.array(union, dtype=np.float64),
        black=levels.black,
        params=ctx.params,
    )
    contrast = m.outline - m.spill
    has = {c: np.array([pos in positions[c] for pos in union]) for c in ids}
    if not disputed.all():
        typical = float(np.median(contrast[~disputed]))
    else:  # nothing printed by all: the best candidate's own boxes show what a box looks like
        typical = max(float(np.median(contrast[has[c] & disputed])) for c in ids if has[c].any())
    if typical < ctx.params.min_outline:
        return MapChoice(ids[0], certain=False)
    printed = contrast >= PRINTED_CONTRAST * typical
    fit = {c: round(float(np.mean(printed[disputed] == has[c][disputed])), 3) for c in ids}
    ranked = sorted(ids, key=lambda c: -fit[c])  # stable: ties go to the preferred map
    best = fit[ranked[0]]
    certain = best >= MAP_FIT_MIN and best - fit[ranked[1]] >= MAP_FIT_LEAD
    return MapChoice(ranked[0], fit, certain)


def measure_with(
    ctx: WorkContext,
    gray: np.ndarray,
    candidates: Sequence[str],
    page: int,
    measured: PageMeasurement,
    map_id: str,
    ocr: TesseractOcr | None,
) -> tuple[str, FormMap | PreparedForm, PageMeasurement, MapChoice]:
    """The page measured with the best of ``candidates`` (``measured``: with ``map_id``).

    The page is measured again only when the chosen map lays page ``page``
    out differently from ``map_id``.

    Returns:
        ``(map id, form map, measurement, choice)``.
    """
    choice = choose_map(ctx, gray, measured, candidates, page)
    form_map = ctx.form_map(map_id)
    if choice.map_id == map_id:
        return map_id, form_map, measured, choice
    chosen = ctx.form_map(choice.map_id)
    if page_layout(chosen, page) is None or page_layout(chosen, page) != page_layout(
        form_map, page
    ):
        measured = measure_page(
            gray, chosen, key=ctx.key, survey=ctx.survey, params=ctx.params, ocr=ocr
        )
    return choice.map_id, chosen, measured, choice


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


def map_note(choice: MapChoice) -> str:
    """A line for the log when the choice between a respondent's form maps was not clear."""
    fits = ", ".join(f"{c} {f:.2f}" for c, f in choice.fit.items())
    return (
        f"the respondent was sent questionnaires that lay this page out differently, and the "
        f"sheet does not clearly show which one it is ({fits or 'no boxes tell them apart'}); "
        f"read with form map {choice.map_id}; every question of the page goes to review"
    )
