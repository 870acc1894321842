"""The form map as arrays: each page's boxes, questions and text areas, derived once.

Reading a page needs the page's box rectangles in page coordinates, the
box-to-question index and the names to report. They depend only on the form
map, so :func:`prepare_form` computes them once; pass the :class:`PreparedForm`
to :func:`omr.page.read_page` for every scan of a batch (a batch has
thousands) and no Python loop over boxes runs per page. Passing a plain
:class:`~survey.formmap.FormMap` works too: it is prepared on the fly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from omr.resolve import PageQuestions
from survey.formmap import FormMap, QrArea
from survey.units import rects_to_page


@dataclass(frozen=True)
class PageTables:
    """One page of a form map as arrays.

    Attributes:
        rects: box rectangles ``(n, 4)`` in page coordinates ``(left, top, right, bottom)``.
        questions: the page's select questions and the box-to-question index.
        boxes: ``(question, choice)`` per box, in form-map order.
        text_areas: ``(question, rect)`` per open-text area, page coordinates.
    """

    rects: np.ndarray
    questions: PageQuestions
    boxes: tuple[tuple[str, str], ...]
    text_areas: tuple[tuple[str, tuple[float, float, float, float]], ...]


def _build(form_map: FormMap, number: int) -> PageTables:
    """The arrays of one page."""
    page = form_map.page(number)
    names: list[str] = []
    for b in page.boxes:
        if b.question not in names:
            names.append(b.question)
    types = {q.name: q.type for q in form_map.questions}
    position = {n: i for i, n in enumerate(names)}
    questions = PageQuestions(
        names=tuple(names),
        multiple=np.array(
            [types.get(n, "select_one") == "select_multiple" for n in names], dtype=bool
        ),
        index=np.array([position[b.question] for b in page.boxes], dtype=np.int64),
        choices=tuple(b.choice for b in page.boxes),
    )
    areas = rects_to_page(
        np.array([t.rect.as_tuple() for t in page.text_areas]).reshape(-1, 4), form_map.page_height
    )
    return PageTables(
        rects=rects_to_page(page.box_rects(), form_map.page_height),
        questions=questions,
        boxes=tuple((b.question, b.choice) for b in page.boxes),
        text_areas=tuple(
            (t.question, (float(r[0]), float(r[1]), float(r[2]), float(r[3])))
            for t, r in zip(page.text_areas, areas, strict=True)
        ),
    )


@dataclass(frozen=True)
class PreparedForm:
    """A form map with the arrays of every page (see :func:`prepare_form`).

    Attributes:
        form_map: the form map itself.
        pages: the arrays of each page, page 1 first.
        qr_areas: the distinct QR areas over all pages.
    """

    form_map: FormMap
    pages: tuple[PageTables, ...]
    qr_areas: tuple[QrArea, ...]

    def page(self, number: int) -> PageTables:
        """The arrays of page ``number`` (1-based)."""
        return self.pages[number - 1]


def prepare_form(form_map: FormMap | PreparedForm) -> PreparedForm:
    """Derive the per-page arrays of a form map once (a prepared form is returned as is)."""
    if isinstance(form_map, PreparedForm):
        return form_map
    seen: dict[tuple[str, tuple[float, ...]], QrArea] = {}
    for page in form_map.pages:
        for area in page.qr_areas:
            seen.setdefault((area.corner, area.rect.as_tuple()), area)
    return PreparedForm(
        form_map=form_map,
        pages=tuple(_build(form_map, p.number) for p in form_map.pages),
        qr_areas=tuple(seen.values()),
    )


def page_questions(form_map: FormMap | PreparedForm, page: int) -> PageQuestions:
    """The select questions of page ``page`` and the box-to-question index."""
    if isinstance(form_map, PreparedForm):
        return form_map.page(page).questions
    return _build(form_map, page).questions
