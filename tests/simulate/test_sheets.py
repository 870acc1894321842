"""papersurvey.simulate.sheets: real pages, marked and scanned, with a consistent truth."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np

from papersurvey.simulate.damage import Damage
from papersurvey.simulate.forms import TEST_KEY
from papersurvey.simulate.pens import MARK_STYLES
from papersurvey.simulate.scanner import rects_on_image
from papersurvey.simulate.sheets import Behaviour, SheetTruth, simulate_respondent, write_sheets
from survey.model import Questionnaire
from survey.pageresult import BoxState
from survey.units import POINTS_PER_INCH, rects_to_page

PSEUDONYM = "ABCDEFGH2"


def test_same_seed_same_sheets(layout: Any, questionnaire: Questionnaire) -> None:
    a = simulate_respondent(
        layout, questionnaire, TEST_KEY, PSEUDONYM, np.random.default_rng(4), pages=(2, 3)
    )
    b = simulate_respondent(
        layout, questionnaire, TEST_KEY, PSEUDONYM, np.random.default_rng(4), pages=(2, 3)
    )
    assert [s.truth for s in a] == [s.truth for s in b]
    assert all(np.array_equal(x.image, y.image) for x, y in zip(a, b, strict=True))


def test_truth_matches_the_boxes(layout: Any, questionnaire: Questionnaire) -> None:
    behaviour = Behaviour(correction=0.3, double=0.3, stray=0.0)
    for seed in range(3):
        for sheet in simulate_respondent(
            layout,
            questionnaire,
            TEST_KEY,
            PSEUDONYM,
            np.random.default_rng(seed),
            damage=Damage(),
            behaviour=behaviour,
        ):
            page = layout.form_map.page(sheet.truth.page)
            assert len(sheet.truth.box_states) == len(page.boxes)
            for q in sheet.truth.questions:
                idx = [i for i, b in enumerate(page.boxes) if b.question == q.name]
                marked = [
                    page.boxes[i].choice
                    for i in idx
                    if sheet.truth.box_states[i] == BoxState.MARKED
                ]
                if q.double:
                    assert len(marked) == 2 and q.value is None
                elif q.value is None:
                    assert marked == []
                else:
                    assert marked == [q.value]
            styles = sheet.truth.box_styles
            # A clean scan keeps every mark's ink.
            assert all(
                ink
                for ink, st in zip(sheet.truth.box_ink, sheet.truth.box_states, strict=True)
                if st
            )
            assert all(
                (s == "") == (st == BoxState.EMPTY)
                for s, st in zip(styles, sheet.truth.box_states, strict=True)
            )


def test_sheets_and_truth_are_written(
    tmp_path: Path, layout: Any, questionnaire: Questionnaire
) -> None:
    sheets = simulate_respondent(
        layout, questionnaire, TEST_KEY, PSEUDONYM, np.random.default_rng(8), pages=(1,)
    )
    paths = write_sheets(sheets, tmp_path)
    assert paths[0].exists()
    truth = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert truth[0]["file"] == paths[0].name and truth[0]["pseudonym"] == PSEUDONYM


def _digest(truth: SheetTruth) -> str:
    d = truth.to_dict()
    part = {k: d[k] for k in ("page", "pen", "box_states", "box_styles", "questions", "texts")}
    part |= {"stray": d["stray"], "kinds": d["damage"]["kinds"], "dpi": d["damage"]["dpi"]}
    return hashlib.sha256(json.dumps(part, sort_keys=True).encode()).hexdigest()[:20]


def test_moderate_sheets_are_unchanged(layout: Any, questionnaire: Questionnaire) -> None:
    # Pinned from the code before the hard profile existed (seed 5, pages 1-3).
    sheets = simulate_respondent(
        layout, questionnaire, TEST_KEY, PSEUDONYM, np.random.default_rng(5), pages=(1, 2, 3)
    )
    assert [_digest(s.truth) for s in sheets] == [
        "822ba3cebc40f7844afb",
        "0ec14c51b49e0dfdd70b",
        "205ddc77f1d37be3b108",
    ]
    assert all(s.truth.profile == "moderate" for s in sheets)
    assert Behaviour.for_profile("moderate") == Behaviour()


def test_hard_sheets_record_what_the_scan_kept(layout: Any, questionnaire: Questionnaire) -> None:
    form_map = layout.form_map
    seen_cut = False
    for seed in (3, 4):
        sheets = simulate_respondent(
            layout, questionnaire, TEST_KEY, PSEUDONYM, np.random.default_rng(seed), profile="hard"
        )
        styles = {s for sheet in sheets for s in sheet.truth.box_styles}
        assert styles <= set(MARK_STYLES) | {""}
        for sheet in sheets:
            t = sheet.truth
            assert t.profile == "hard" and t.damage.dpi in (200, 300)
            assert sheet.image.dtype == (np.bool_ if t.damage.binary_threshold else np.uint8)
            # The truth's geometry agrees with the form map through the recorded transform.
            page = form_map.page(t.page)
            scale = t.damage.dpi / POINTS_PER_INCH
            marks = rects_to_page(
                np.array([m.rect.as_tuple() for m in page.marks]), form_map.page_height
            )
            transform = np.array(t.transform).reshape(3, 3)
            on = rects_on_image(marks * scale, transform, sheet.image.shape)
            assert t.marks_on_image == on.sum()
            seen_cut |= t.marks_on_image < 4
            assert t.pen_ink > 0 and t.pen_width_mm > 0
            assert len(t.box_ink) == len(page.boxes)
    assert seen_cut
    hard = Behaviour.for_profile("hard")
    assert hard.stray > Behaviour().stray and dict(hard.styles)["thin_tick"] >= 0.15
