"""The indicator registry: NPS, CES and top lists by hand, and a new indicator added in one place."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from analysis import metrics
from analysis.chapters import ReportContext
from analysis.comparisons import dataset_figures
from analysis.dataset import Dataset
from analysis.indicators import DEFAULT, Config, Display, display_of, easy_codes
from analysis.report import build_document
from analysis.results import compute_results
from analysis.scales import Scale, scales
from analysis.texts import INDICATIVE, Texts
from survey.model import Question, Questionnaire
from survey.questionnaire import load_questionnaire


def _write(folder: Path, name: str, rows: list[list[str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def questionnaire(tmp_path_factory: pytest.TempPathFactory) -> Questionnaire:
    """A small questionnaire with a grade, a 0-10 recommendation, an effort question and points."""
    folder = tmp_path_factory.mktemp("q")
    _write(folder, "settings.csv", [["form_id", "version", "title", "default_language"],
                                    ["test_ind", "1", "Test", "nl"]])  # fmt: skip
    _write(
        folder,
        "survey.csv",
        [
            ["type", "name", "label::nl", "label::en"],
            ["begin group", "sec_main", "Algemeen", "General"],
            ["select_one grade10", "q_grade", "Welk rapportcijfer geeft u?", "Which grade?"],
            ["select_one zero10", "q_nps", "Zou u ons aanbevelen bij vrienden?", "Recommend?"],
            ["select_one effort", "q_effort", "Hoe makkelijk was het?", "How easy was it?"],
            ["select_one point", "q_point", "Wat is het beste?", "What is best?"],
            ["end group", "", "", ""],
        ],
    )
    choices = [["list_name", "name", "label::nl", "label::en"]]
    choices += [["grade10", str(i), str(i), str(i)] for i in range(1, 11)]
    choices += [["zero10", str(i), str(i), str(i)] for i in range(11)]
    effort = ["Heel moeilijk", "Moeilijk", "Niet makkelijk, niet moeilijk", "Makkelijk",
              "Heel makkelijk"]  # fmt: skip
    choices += [["effort", str(i), lab, lab] for i, lab in enumerate(effort, start=1)]
    points = ["Vriendelijk", "Snel", "Duidelijk", "Bereikbaar", "Anders"]
    choices += [["point", str(i), lab, lab] for i, lab in enumerate(points, start=1)]
    _write(folder, "choices.csv", choices)
    return load_questionnaire(folder)


def _dataset(questionnaire: Questionnaire, columns: dict[str, list[str | None]]) -> Dataset:
    n = len(next(iter(columns.values())))
    people = [f"P{i:04d}" for i in range(n)]
    data = pd.DataFrame(
        {
            "pseudonym": people,
            "mode": "online",
            "status": "complete",
            "channel": "email",
            "subgroup": "",
            "language": "nl",
            "open_review": 0,
            **columns,
        }
    )
    population = pd.DataFrame(
        {
            "pseudonym": people,
            "channel": "email",
            "subgroup": "",
            "status": "active",
            "responded": True,
            "mode": "online",
        }
    )
    empty = pd.DataFrame()
    return Dataset(questionnaire, data, empty, empty, empty, population)


def test_nps_by_hand(questionnaire: Questionnaire) -> None:
    # 50 promoters (9-10), 30 passives (7-8), 20 detractors (0-6) of 100: NPS +30,
    # se = sqrt((0.5 + 0.2 - 0.3^2) / 100) = 0.0781, interval 0.30 ± 1.96 * 0.0781
    values = ["10"] * 25 + ["9"] * 25 + ["8"] * 30 + ["3"] * 20
    ds = _dataset(questionnaire, {"q_nps": values})
    config = Config(population=None)
    f = compute_results(ds, 10, config=config).get("q_nps", "nps")
    assert f is not None and f.value == pytest.approx(0.30)
    se = math.sqrt((0.5 + 0.2 - 0.09) / 100)
    assert (f.stat.low, f.stat.high) == (
        pytest.approx(0.30 - 1.959964 * se, abs=1e-6),
        pytest.approx(0.30 + 1.959964 * se, abs=1e-6),
    )
    # against a reference NPS of +10 on 400 answers: z = 0.2 / sqrt(se^2 + (1 - 0.01) / 400)
    other = metrics.OtherFigure(0.10, 400)
    z = 0.2 / math.sqrt(se**2 + 0.99 / 400)
    assert metrics.compare(f.stat, other).p_value == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert Texts().points(f.value) == "+30"


@pytest.mark.parametrize(
    ("definition", "display"),
    [("agree", Display.PERCENT), ("mean", Display.NUMBER), ("net", Display.POINTS)],
)
def test_ces_follows_its_definition(
    questionnaire: Questionnaire, definition: str, display: Display
) -> None:
    # 10 heel makkelijk, 10 makkelijk, 12 neutraal, 6 moeilijk, 2 heel moeilijk (n = 40)
    values = ["5"] * 10 + ["4"] * 10 + ["3"] * 12 + ["2"] * 6 + ["1"] * 2
    q = questionnaire.question("q_effort")
    assert easy_codes(q, scales(questionnaire)["q_effort"]) == (("4", "5"), ("1", "2"))
    config = Config(ces_questions=("q_effort",), ces_definition=definition)
    ds = _dataset(questionnaire, {"q_effort": values})
    f = compute_results(ds, 5, config=config).get("q_effort", "ces")
    mean = (50 + 40 + 36 + 12 + 2) / 40  # 3.5
    want = {"agree": 20 / 40, "mean": mean, "net": (20 - 8) / 40}[definition]
    assert f is not None and f.value == pytest.approx(want)
    assert display_of(DEFAULT.get("ces"), config) is display  # type: ignore[arg-type]


def test_top_list_ranks_the_points_and_leaves_out_anders(
    questionnaire: Questionnaire, tmp_path: Path
) -> None:
    values = ["2"] * 30 + ["1"] * 20 + ["3"] * 12 + ["4"] * 11 + ["5"] * 40
    ds = _dataset(questionnaire, {"q_point": values})
    config = Config(top_questions=("q_point",), top_n=3)
    results = compute_results(ds, 10, config=config)
    assert results.get("q_point", "share:2") is None  # a top list, not a distribution
    assert results.get("q_point", "top:2").value == pytest.approx(30 / 113)  # type: ignore[union-attr]
    doc = build_document(results, ReportContext("Test"), Texts(), tmp_path, dpi=30)
    (table,) = [t for t in doc.tables() if t.caption.startswith("De 3 meest gekozen")]
    assert [row[0] for row in table.rows] == ["Snel", "Vriendelijk", "Duidelijk", "n"]
    assert any("‘Anders’ staat niet in de lijst" in n for n in table.notes)


def test_indicatief_between_the_minimum_and_a_reliable_n(
    questionnaire: Questionnaire, tmp_path: Path
) -> None:
    ds = _dataset(questionnaire, {"q_grade": ["7", "8", "6", "9", "7"] * 4})  # n = 20
    results = compute_results(ds, 10, config=Config(reliable_n=30))
    f = results.get("q_grade", "mean")
    assert f is not None and f.indicative and not f.hidden
    doc = build_document(results, ReportContext("Test"), Texts(), tmp_path, dpi=30)
    cells = doc.cells()
    assert "7,4" + INDICATIVE in cells
    assert any("indicatief" in n for t in doc.tables() for n in t.notes)
    assert (
        not compute_results(ds, 10, config=Config(reliable_n=20)).get("q_grade", "mean").indicative
    )  # type: ignore[union-attr]


def test_a_new_indicator_is_added_in_the_registry_only(
    questionnaire: Questionnaire, tmp_path: Path
) -> None:
    """The median grade, added in one place, reaches the figures, metrics.csv, comparisons and report."""

    def median(
        q: Question, values: pd.Series, scale: Scale, config: Config, code: str
    ) -> metrics.Stat:
        x = metrics.numbers(values, scale)
        m = float(x.median()) if len(x) else math.nan
        return metrics.Mean(len(x), m, math.nan, math.nan, math.nan)

    mean = DEFAULT.get("mean")
    assert mean is not None
    # shown like the mean, on the same questions: only the key, name and computation are new
    registry = DEFAULT.with_indicator(
        replace(mean, key="median", label={"nl": "Mediaan", "en": "Median"}, compute=median),
        before="fail",
    )
    ds = _dataset(questionnaire, {"q_grade": ["6", "7", "7", "8", "10"] * 4})
    results = compute_results(ds, 10, registry=registry, config=Config())
    assert results.get("q_grade", "median").value == 7.0  # type: ignore[union-attr]
    frame = results.frame()
    assert (frame["statistic"] == "median").sum() == 1
    assert dataset_figures(ds.data, questionnaire, registry)[("q_grade", "median")].value == 7.0
    doc = build_document(results, ReportContext("Test"), Texts(), tmp_path, dpi=30)
    (key,) = [t for t in doc.tables() if t.caption == "Kerncijfers"]
    assert "Mediaan" in key.header or any("Mediaan" in t.header for t in doc.tables())
