"""survey.toml: written with comments, read back exactly, and every wrong key named."""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.errors import ProjectError
from survey.settings import (
    OmrSection,
    Settings,
    default_settings,
    load_settings,
    render_settings,
    settings_from_mapping,
)


def test_defaults() -> None:
    s = default_settings("kbo-2027-lv", "Leidschendam-Voorburg")
    assert (s.survey.id, s.survey.code) == ("kbo-2027-lv", "KBO-2027-LV")
    assert s.survey.municipality == "Leidschendam-Voorburg"
    assert s.survey.languages == ("nl", "en") and s.default_language == "nl"
    assert (s.channels.default, s.channels.paper_if_no_email) == ("email", True)
    assert (s.print.batch_size, s.print.duplex) == (500, True)
    assert s.privacy.min_cell_size == 10
    assert s.dates.send is None and s.dates.close is None


def test_rendered_file_documents_every_key() -> None:
    text = render_settings(default_settings("x"))
    data = tomllib.loads(text)
    lines = text.splitlines()
    for section in dataclasses.fields(Settings):
        assert section.name in data
        if section.name == "omr":
            assert data["omr"] == {}  # overrides only; the defaults live in omr.params
            continue
        for f in dataclasses.fields(getattr(Settings(), section.name)):
            assert f.name in data[section.name]
            i = lines.index(next(li for li in lines if li.startswith(f"{f.name} = ")))
            assert lines[i - 1].startswith("# ")  # the comment above each key


def test_render_then_load_round_trip(tmp_path: Path) -> None:
    s = default_settings("kbo-2027-lv")
    s = dataclasses.replace(
        s,
        dates=dataclasses.replace(s.dates, send=dt.date(2027, 3, 1), close=dt.date(2027, 3, 29)),
        print=dataclasses.replace(s.print, batch_size=250, duplex=False),
        sender=dataclasses.replace(s.sender, reply_address=("Antwoordnummer 1", "2260 VB Plaats")),
        omr=OmrSection((("fill_min_coverage", 0.8), ("review_filled_only", False))),
    )
    path = tmp_path / "survey.toml"
    path.write_text(render_settings(s), encoding="utf-8")
    assert load_settings(path) == s


@given(st.text(), st.text())
def test_any_text_survives_the_round_trip(municipality: str, title: str) -> None:
    s = default_settings("kbo")
    s = dataclasses.replace(
        s, survey=dataclasses.replace(s.survey, municipality=municipality, title=title)
    )
    assert settings_from_mapping(tomllib.loads(render_settings(s))) == s


def test_missing_keys_take_defaults_and_code_follows_id() -> None:
    s = settings_from_mapping({"survey": {"id": "kbo 2027"}})
    assert s.survey.code == "KBO-2027"
    assert s.print == Settings().print


def test_dates_may_be_strings() -> None:
    s = settings_from_mapping({"survey": {"id": "k"}, "dates": {"send": "2027-03-01", "close": ""}})
    assert s.dates.send == dt.date(2027, 3, 1) and s.dates.close is None


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (
            {"print": {"batch_size": "many"}},
            "key 'print.batch_size' must be a whole number, found 'many'",
        ),
        ({"print": {"batch_size": 0}}, "key 'print.batch_size' must be 1 or more, found 0"),
        ({"print": {"duplex": "yes"}}, "key 'print.duplex' must be true or false, found 'yes'"),
        (
            {"print": {"batchsize": 5}},
            "unknown key 'print.batchsize'; did you mean 'print.batch_size'?",
        ),
        ({"prnt": {}}, "unknown table '[prnt]'; did you mean '[print]'?"),
        (
            {"survey": {"id": "k", "languages": ["nl", "de"]}},
            "key 'survey.languages' unknown language 'de'; use nl and en, found ['nl', 'de']",
        ),
        (
            {"survey": {"id": "k", "languages": "nl"}},
            "key 'survey.languages' must be a list of texts, like [\"a\", \"b\"], found 'nl'",
        ),
        (
            {"survey": {"id": "k", "code": "kbo/27"}},
            "key 'survey.code' must be A-Z, 0-9 and - only, at most 24 characters, found 'kbo/27'",
        ),
        ({"survey": {"id": " "}}, "key 'survey.id' must not be empty, found ' '"),
        ({"survey": {}}, "key 'survey.id' is missing"),
        (
            {"channels": {"default": "sms"}},
            "key 'channels.default' must be one of email, paper, found 'sms'",
        ),
        (
            {"dates": {"send": "1 maart"}},
            "key 'dates.send' must be a date like 2027-03-01, or \"\" when not known yet, found '1 maart'",
        ),
        (
            {"dates": {"send": dt.date(2027, 3, 2), "close": dt.date(2027, 3, 1)}},
            "key 'dates.close' (2027-03-01) is before 'dates.send' (2027-03-02)",
        ),
        (
            {"omr": {"review_below": "high"}},
            "key 'omr.review_below' must be a number or true/false, found 'high'",
        ),
        (
            {"omr": {"Review Below": 0.5}},
            "key 'omr.Review Below' is not an OMR setting name; see docs/omr.md",
        ),
        (
            {"online": {"base_url": "enquete.nl"}},
            "key 'online.base_url' must start with https:// (or be empty until the online survey exists), found 'enquete.nl'",
        ),
        (
            {"online": {"limesurvey_sid": "12a"}},
            "key 'online.limesurvey_sid' must be digits only, found '12a'",
        ),
        (
            {"format": 2},
            "key 'format' is 2; this papersurvey reads format 1. Use the papersurvey version that created the folder.",
        ),
    ],
)
def test_wrong_values_name_the_key(data: dict[str, object], problem: str) -> None:
    data = {"survey": {"id": "kbo"}} | data
    with pytest.raises(ProjectError) as info:
        settings_from_mapping(data, where="survey.toml")
    assert str(info.value) == (
        f"survey.toml has problems; correct them and try again:\n  - {problem}"
    )


def test_all_problems_are_listed_at_once() -> None:
    with pytest.raises(ProjectError) as info:
        settings_from_mapping({"survey": {"id": "k"}, "print": {"batch_size": -1, "duplex": 1}})
    assert str(info.value).count("\n  - ") == 2


def test_load_missing_or_broken_file(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="not a papersurvey project folder"):
        load_settings(tmp_path / "survey.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[survey\nid = 1\n", encoding="utf-8")
    with pytest.raises(ProjectError, match="is not valid TOML"):
        load_settings(bad)


def test_every_key_is_documented() -> None:
    docs = (Path(__file__).parents[2] / "docs" / "project-folder.md").read_text(encoding="utf-8")
    for section in dataclasses.fields(Settings):
        assert f"### [{section.name}]" in docs
        if section.name == "omr":
            continue
        for f in dataclasses.fields(getattr(Settings(), section.name)):
            assert f"| `{section.name}.{f.name}` |" in docs, f"{section.name}.{f.name}"
