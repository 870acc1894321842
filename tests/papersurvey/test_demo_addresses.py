"""The demo's invented people live at real places of its municipality; its closing words; fix texts."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from papersurvey.commands.demo import DEFAULT_RESPONDENTS, DEFAULT_SEED
from papersurvey.demo.addresses import MUNICIPALITY, PLACES, fake_people
from papersurvey.demo.run import next_steps
from survey.errors import Problem

NEIGHBOURS = ("Rijswijk", "Nootdorp", "Pijnacker", "Den Haag", "'s-Gravenhage", "Zoetermeer")


@pytest.mark.parametrize("seed", [DEFAULT_SEED, 1, 99])
def test_every_address_belongs_to_the_municipality(seed: int) -> None:
    towns = {p.postal_town: p for p in PLACES}
    for person in fake_people(300, seed=seed):
        assert person.municipality == MUNICIPALITY == "Leidschendam-Voorburg"
        assert person.town in towns and person.subgroup == person.town
        assert not any(n in f"{person.town} {person.street}" for n in NEIGHBOURS)
        # the street is one of a place with this postal town, and the postcode in its range
        places = [p for p in PLACES if p.postal_town == person.town and person.street in p.streets]
        assert places, person
        digits = int(person.postcode[:4])
        assert any(lo <= digits <= hi for lo, hi in (p.postcodes for p in places)), person


def test_the_default_demo_has_enough_people_per_area_for_the_report() -> None:
    # at the demo's ~55% response, 30 people per area leave more than
    # privacy.min_cell_size (10) answers per area: the area tables show figures
    areas = Counter(p.subgroup for p in fake_people(DEFAULT_RESPONDENTS, seed=DEFAULT_SEED))
    assert set(areas) == {"Leidschendam", "Voorburg"}
    assert min(areas.values()) >= 30


def test_the_demo_ends_by_saying_how_to_log_in_to_review(tmp_path: Path) -> None:
    text = "\n".join(next_steps(tmp_path / "demo"))
    assert f"papersurvey review {tmp_path / 'demo'} --add-operator demo" in text
    assert "log in as 'demo'" in text and "password" in text


@pytest.mark.parametrize("message", ["the heading is missing", "the heading is missing."])
def test_a_fix_follows_a_full_stop(message: str) -> None:
    problem = Problem("adressen.csv", 1, "", message, fix="Rename the heading.")
    assert str(problem) == "adressen.csv, row 1: the heading is missing. Fix: Rename the heading."


def test_the_license_is_an_spdx_string() -> None:
    # the table form (license = {text = ...}) makes setuptools >= 77 print a
    # deprecation warning in every `pip install -e .` (scripts/bootstrap.sh)
    import tomllib

    pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    assert project["license"] == "EUPL-1.2"
    assert not any(c.startswith("License ::") for c in project.get("classifiers", ()))
