"""Lazy validation: every failing check of every row lands in one table."""

from __future__ import annotations

import pandas as pd

from analysis.dataset import long_schema
from analysis.schema import FrameSchema, isin, not_null, unique, validate
from survey.pseudonym import new_pseudonyms
from survey.questionnaire import default_questionnaire


def test_all_failures_are_collected() -> None:
    df = pd.DataFrame({"id": [1, 1, 2, None], "mode": ["paper", "fax", None, "online"]})
    schema = FrameSchema(
        "t",
        ("id", "mode", "missing"),
        (not_null("id"), isin("mode", ["paper", "online"]), not_null("mode"), unique(["id"])),
    )
    failures = validate(df, schema)
    assert sorted(zip(failures["check"], failures["row"], strict=True), key=str) == sorted(
        [("column_present", None), ("not_null", 3), ("isin", 1), ("not_null", 2), ("unique", 1)],
        key=str,
    )


def test_long_schema_checks_codes_per_question() -> None:
    a, b = new_pseudonyms(2)
    long = pd.DataFrame(
        {
            "pseudonym": [a, a, a, b, b, "NOPE"],
            "question": [
                "q01_grade_overall",
                "q19_intake_rights",
                "q99",
                "q01_grade_overall",
                "q01_grade_overall",
                "q01_grade_overall",
            ],
            "value": ["7", "6", "1", "11", "8", "7"],
            "mode": ["paper", "paper", "paper", "online", "online", "post"],
        }
    )
    failures = validate(long, long_schema(default_questionnaire()))
    got = set(zip(failures["check"], failures["row"], strict=True))
    assert got == {
        ("value_valid", 1),  # 6 is not an agree code
        ("isin", 2),  # unknown question
        ("value_valid", 3),  # grade 11
        ("unique", 4),  # second grade of b
        ("pseudonym_valid", 5),
        ("isin", 5),  # mode 'post'
    }
