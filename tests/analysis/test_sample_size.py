"""Sample-size advice against the textbook and the seeds' published examples."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.sample_size import (
    SampleSizeOptions,
    achieved_margin,
    advise,
    required_responses,
    sample_size,
)
from papersurvey.cli import main
from survey.errors import ValidationError
from survey.project import Project
from tests.analysis.conftest import add_respondents


@pytest.mark.parametrize(
    ("population", "needed"),
    # the seeds' examples (95% reliability, 5% margin): 4.000 -> 351, ..., 1.000 -> 278
    [(4000, 351), (2500, 334), (1500, 306), (1000, 278), (100, 80), (10, 10)],
)
def test_cochran_with_finite_population_correction(population: int, needed: int) -> None:
    assert required_responses(population) == needed


def test_without_the_correction_it_is_cochrans_384() -> None:
    # n0 = 1.96^2 * 0.25 / 0.05^2 = 384.16 for an (almost) infinite population
    assert required_responses(10**9) == 385
    assert required_responses(1000, margin=0.03) == 517  # 1067.1 / (1 + 1066.1 / 1000)


def test_the_advice_follows_from_the_response_rates() -> None:
    advice = advise(4000, {"email": 0.05, "letter": 0.15, "paper": 0.22})
    by = {o.option: o for o in advice.options}
    assert advice.needed == 351
    assert not by["email"].reaches and by["email"].expected == 200
    assert by["letter"].reaches and by["letter"].invitations == math.ceil(351 / 0.15)
    assert advice.advised is by["letter"]  # the cheapest option that reaches it
    text = advice.lines()
    assert "351 ingevulde vragenlijsten nodig" in text[0]
    assert any("Advies: nodig de klanten uit per brief met inlogcode." in t for t in text)
    # nothing reaches it: the option with the highest response, and the margin it gets
    short = advise(1000, {"email": 0.10, "paper": 0.22})
    assert short.advised is not None and short.advised.option == "paper"
    assert not short.advised.reaches and short.advised.expected == 220
    assert short.advised.margin == pytest.approx(1.96 * math.sqrt(0.25 / 220 * 780 / 999), 1e-3)
    assert "indicatief" in short.lines()[-2]


@given(st.integers(1, 20000))
def test_the_needed_responses_give_the_margin(population: int) -> None:
    n = required_responses(population)
    assert n <= population
    assert achieved_margin(n, population) <= 0.05 + 1e-9
    if n > 1:
        assert achieved_margin(n - 1, population) > 0.05 - 1e-9 or n == population


def test_population_from_the_round(project: Project) -> None:
    add_respondents(project.store, [f"P{i:03d}" for i in range(40)], "paper")
    assert sample_size(SampleSizeOptions(), project.store).population == 40
    with pytest.raises(ValidationError, match="between 0 and 1"):
        sample_size(SampleSizeOptions(rates={"paper": 1.5}), project.store)


def test_cli(project: Project, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample-size", "--population", "1000", "--rate", "paper=30%"]) == 0
    out = capsys.readouterr().out
    assert "278 ingevulde vragenlijsten nodig" in out
    assert "nodig ten minste 927 klanten uit" in out  # 278 / 0.30 = 926.7
    root = project.paths.root
    project.close()
    assert main(["sample-size", str(root)]) == 3  # no address file imported yet
    assert "import-addresses" in capsys.readouterr().err
