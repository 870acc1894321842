"""The form map: JSON Schema, round trip, geometry checks."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from layout.formmap_builder import geometry_problems
from survey.formmap import Box, FormMap, Rect
from survey.units import mm

SCHEMA = Path(__file__).parents[2] / "survey" / "schemas" / "formmap.schema.json"


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_default_form_map_validates_against_the_schema(default_layout, validator, tmp_path):
    path = default_layout.write_form_map(tmp_path / "formmap.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    errors = list(validator.iter_errors(data))
    assert errors == []
    for page in data["pages"]:
        for item in page["boxes"] + page["text_areas"] + page["marks"]:
            r = item["rect"]
            assert r["x0"] < r["x1"] and r["y0"] < r["y1"]


def test_schema_rejects_a_broken_map(default_layout, validator):
    data = default_layout.form_map.to_dict()
    data["pages"][0]["boxes"][0].pop("choice")
    data["questions"][0]["type"] = "ranking"
    assert len(list(validator.iter_errors(data))) == 2


def test_json_round_trip(default_layout, tmp_path):
    path = default_layout.write_form_map(tmp_path / "fm.json")
    again = FormMap.from_json(path)
    assert again == default_layout.form_map
    assert again.meta["survey_code"] == "KBO-2027-LV"


def test_default_layout_keeps_the_geometry(default_layout):
    assert geometry_problems(default_layout.form_map, default_layout.style) == []


def test_geometry_problems_are_found(default_layout):
    fm = default_layout.form_map
    page = fm.page(1)
    first = page.boxes[0]
    close = Box(
        first.question,
        "x",
        Rect(first.rect.x1 + mm(1), first.rect.y0, first.rect.x1 + mm(5.5), first.rect.y1),
    )
    cornered = Box(first.question, "y", Rect(mm(2), mm(2), mm(6.5), mm(6.5)))
    bad = replace(fm, pages=(replace(page, boxes=(*page.boxes, close, cornered)), *fm.pages[1:]))
    found = " ".join(geometry_problems(bad, default_layout.style))
    assert "mm apart" in found
    assert "mark window" in found
