"""omr.mapchoice: a sheet is read with the one of a respondent's form maps whose boxes it shows."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import numpy as np

from omr.form import prepare_form
from omr.mapchoice import MapChoice, choose_map, doubt_questions, measure_sheet
from omr.page import finish_page, measure_page
from omr.params import DEFAULT_PARAMS
from survey.formmap import Box, FormMap
from survey.pageresult import ReviewReason
from tests.omr.conftest import PSEUDONYM


def with_boxes(form_map: FormMap, page_no: int, keep: Callable[[Box], bool]) -> FormMap:
    """``form_map`` with only the boxes of page ``page_no`` that ``keep(box)`` accepts."""
    pages = tuple(
        dataclasses.replace(p, boxes=tuple(b for b in p.boxes if keep(b)))
        if p.number == page_no
        else p
        for p in form_map.pages
    )
    return dataclasses.replace(form_map, pages=pages)


def test_choose_map_sees_which_boxes_are_on_the_sheet(
    form_map: FormMap, page_image: Callable[..., np.ndarray], read_args: dict[str, Any]
) -> None:
    """Page 1 is printed with every box of the map; ``fewer`` lacks the first question's."""
    gray = page_image(1)
    first = form_map.page(1).boxes[0].question
    fewer = with_boxes(form_map, 1, lambda box: box.question != first)
    forms = {
        "nl": prepare_form(form_map),
        "fewer": prepare_form(fewer),
        "same": prepare_form(form_map),
    }
    m = measure_page(gray, forms["nl"], **read_args)
    # the preferred map lacks boxes that are printed: the full map fits
    choice = choose_map(gray, m, forms, ("fewer", "nl"), 1, params=DEFAULT_PARAMS)
    assert choice.map_id == "nl" and choice.certain and not choice.note
    assert choice.fit == {"fewer": 0.0, "nl": 1.0}
    # alike on a page: the preferred one, without measuring anything
    assert choose_map(gray, m, forms, ("same", "nl"), 1, params=DEFAULT_PARAMS) == MapChoice("same")
    assert choose_map(gray, m, forms, ("fewer", "nl"), 2, params=DEFAULT_PARAMS) == MapChoice(
        "fewer"
    )
    # no candidate has the page; unknown ids are ignored
    assert choose_map(gray, m, forms, ("x", "nl"), 99, params=DEFAULT_PARAMS) == MapChoice("nl")


def test_a_blank_sheet_shows_no_version(
    form_map: FormMap, page_image: Callable[..., np.ndarray], read_args: dict[str, Any]
) -> None:
    """Boxes whited out: neither map fits clearly, and the note says why every question is doubted."""
    gray = page_image(1)
    rects = prepare_form(form_map).page(1).rects * 300 / 72
    gray[int(rects[:, 1].min()) - 15 : int(rects[:, 3].max()) + 15, 150:-150] = 255
    first = form_map.page(1).boxes[0].question
    forms = {
        "nl": prepare_form(form_map),
        "fewer": prepare_form(with_boxes(form_map, 1, lambda box: box.question != first)),
    }
    m = measure_page(gray, forms["nl"], **read_args)
    choice = choose_map(gray, m, forms, ("nl", "fewer"), 1, params=DEFAULT_PARAMS)
    assert not choice.certain and "does not clearly show which" in choice.note


def test_measure_sheet_reads_a_respondent_with_their_map(
    form_map: FormMap, page_image: Callable[..., np.ndarray], read_args: dict[str, Any]
) -> None:
    gray = page_image(1)
    first = form_map.page(1).boxes[0].question
    fewer = prepare_form(with_boxes(form_map, 1, lambda box: box.question != first))
    forms = {"fewer": fewer, "nl": prepare_form(form_map)}  # the default lacks printed boxes
    plain = measure_sheet(gray, forms, {}, params=DEFAULT_PARAMS, **read_args)
    assert plain.map_id == "fewer" and plain.choice is None
    assert len(plain.measurement.boxes) == len(fewer.page(1).rects)
    # the page code names a respondent sent both versions: the one on the sheet is read with
    sheet = measure_sheet(
        gray, forms, {PSEUDONYM: ("fewer", "nl")}, params=DEFAULT_PARAMS, **read_args
    )
    assert sheet.map_id == "nl" and sheet.choice is not None and sheet.choice.certain
    assert len(sheet.measurement.boxes) == len(forms["nl"].page(1).rects)
    # known beforehand (an operator assigned the page): the page number is the operator's
    given = measure_sheet(
        gray, forms, {}, params=DEFAULT_PARAMS, candidates=("nl",), page=1, **read_args
    )
    assert given.map_id == "nl" and given.choice == MapChoice("nl")


def test_doubt_questions_sends_every_question_to_review_once(
    form_map: FormMap, page_image: Callable[..., np.ndarray], read_args: dict[str, Any]
) -> None:
    form = prepare_form(form_map)
    result = finish_page(
        measure_page(page_image(1), form, **read_args), form, params=DEFAULT_PARAMS
    )
    doubted = doubt_questions(doubt_questions(result))
    assert doubted.questions and all(
        q.review.count(ReviewReason.UNREADABLE) == 1 for q in doubted.questions
    )
