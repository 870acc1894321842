"""papersurvey.simulate.sheets: real pages, marked and scanned, with a consistent truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from papersurvey.simulate.damage import Damage
from papersurvey.simulate.forms import TEST_KEY
from papersurvey.simulate.sheets import Behaviour, simulate_respondent, write_sheets
from survey.model import Questionnaire
from survey.pageresult import BoxState

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
