"""Figures of a round: population correction, small shares, Holm, comparisons and their labels."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from analysis import metrics
from analysis.comparisons import Source
from analysis.dataset import build_dataset
from analysis.indicators import Config
from analysis.report import ReportOptions, make_report
from analysis.results import compute_results
from analysis.stats import fpc
from papersurvey.simulate.online import simulate_previous_round, simulate_reference
from survey.errors import ConflictError
from survey.project import Project
from survey.store import utc_now
from tests.analysis.conftest import Round, make_round


def test_margins_use_the_population_of_the_round(round_project: tuple[Project, Round]) -> None:
    project, _ = round_project
    ds = build_dataset(project.store, project.load_questionnaire())
    invited = len(ds.population)
    corrected = compute_results(ds, 5).get("q01_grade_overall", "mean")
    plain = compute_results(ds, 5, config=Config(population=None)).get("q01_grade_overall", "mean")
    assert corrected is not None and plain is not None and corrected.n == plain.n
    assert corrected.stat.margin == pytest.approx(plain.stat.margin * fpc(plain.n, invited))
    assert corrected.stat.margin < plain.stat.margin


def test_shares_of_few_people_are_hidden_with_a_neighbour(
    round_project: tuple[Project, Round],
) -> None:
    project, _ = round_project
    results = compute_results(build_dataset(project.store, project.load_questionnaire()), 5)
    for (question, statistic, _), f in results.figures.items():
        small = isinstance(f.stat, metrics.Share) and 0 < f.stat.count < 5
        if statistic.startswith(("share:", "top:")) and small:
            assert f.hidden, (question, statistic)
    for question in results.scales:
        cells = [
            f
            for (q, s, _), f in results.figures.items()
            if q == question and s.startswith(("share:", "top:"))
        ]
        base_shown = cells and not metrics.hidden(cells[0].n, 5)
        if base_shown:  # one hidden share could be worked out from the others
            assert sum(1 for f in cells if f.hidden) != 1, question


def test_comparisons_are_holm_adjusted_per_chapter(round_project: tuple[Project, Round]) -> None:
    project, _ = round_project
    ds = build_dataset(project.store, project.load_questionnaire())
    grades = [q for q, s in compute_results(ds, 5).scales.items() if s.kind.value == "grade"]
    # a reference far below every grade: every raw p tiny, the adjusted ones never smaller
    source = Source("Laag", {(q, "mean"): metrics.OtherFigure(3.0, 500, 1.0) for q in grades})
    results = compute_results(ds, 5, reference=source)
    tests = [
        f.reference_test
        for f in results.figures.values()
        if f.statistic == "mean" and not f.group and f.reference_test
    ]
    assert tests and all(t.adjusted >= t.p_value for t in tests)
    in_chapter = [
        f.reference_test
        for f in results.figures.values()
        if f.question in ("q06_reach_phone", "q07_reach_email") and f.statistic == "mean"
    ]
    raw = sorted(t.p_value for t in in_chapter if t)
    assert min(t.adjusted for t in in_chapter if t) >= raw[0]
    assert all(t.significant for t in tests)


def test_metrics_csv_holds_the_comparisons(project: Project, tmp_path: Path) -> None:
    make_round(project, tmp_path, n=240, seed=11)  # enough people for a shown % fail
    q = project.load_questionnaire()
    prev = simulate_previous_round(q, tmp_path / "vorige" / "data.csv", respondents=80, seed=3)
    ref = simulate_reference(q, tmp_path / "ref.csv", respondents=300, seed=4)
    out = make_report(
        project,
        ReportOptions(
            formats=("html",),
            previous=(prev,),
            previous_label=("Meting 2025",),
            reference=ref,
            reference_label="Landelijk",
            out_dir=tmp_path / "r",
            dpi=30,
        ),
    )
    assert out.metrics is not None
    frame = pd.read_csv(out.metrics, sep=";", encoding="utf-8-sig")
    fail = frame[(frame["question"] == "q01_grade_overall") & (frame["statistic"] == "fail")]
    row = fail[fail["group"] == "Totaal"].iloc[0]
    assert row["reference_source"] == "Landelijk" and row["previous_source"] == "Meting 2025"
    assert row["reference_difference"] == pytest.approx(row["value"] - row["reference"])
    assert 0 <= row["reference_p"] <= row["reference_p_holm"] <= 1
    assert row["reference_test"] in ("chi2", "fisher")
    html = out.files[0].read_text(encoding="utf-8")
    assert "Meting 2025" in html and "Landelijk" in html  # the labels, not the defaults
    assert "een onvoldoende (Meting 2025 " in html  # % fail against both sources
    assert "; Landelijk " in html


def test_a_report_with_open_review_items_is_refused(
    round_project: tuple[Project, Round], tmp_path: Path
) -> None:
    project, r = round_project
    with project.store.transaction():
        project.store.insert(
            "review_items",
            {
                "pseudonym": next(iter(r.paper)),
                "question": "q37_trajectory",
                "page_sha256": "ab" * 32,
                "reason": "multiple",
                "created_at": utc_now(),
            },
        )
    with pytest.raises(ConflictError, match="--allow-open-review"):
        make_report(project, ReportOptions(formats=("html",), out_dir=tmp_path, dpi=30))
    out = make_report(
        project,
        ReportOptions(formats=("html",), out_dir=tmp_path, dpi=30, allow_open_review=True),
    )
    html = out.files[0].read_text(encoding="utf-8")
    assert out.open_items == 1 and "Voorlopig: 1 twijfelgevallen staan nog open" in html
    assert "terwijl er nog 1 twijfelgevallen" in html


def test_trend_over_several_rounds(round_project: tuple[Project, Round], tmp_path: Path) -> None:
    project, _ = round_project
    q = project.load_questionnaire()
    folder = tmp_path / "rondes"
    for year, seed in (("2021", 1), ("2023", 2), ("2025", 3)):
        simulate_previous_round(q, folder / year / "data.csv", respondents=80, seed=seed)
    out = make_report(
        project,
        ReportOptions(formats=("html",), previous=(folder,), out_dir=tmp_path / "r", dpi=30),
    )
    html = out.files[0].read_text(encoding="utf-8")
    assert "Bijlage D. Trend" in html or "Trend" in html
    assert "2021" in html and "2023" in html and "2025" in html
    assert "Trend: Gemiddelde" in html and "Trend van de rapportcijfers" in html
