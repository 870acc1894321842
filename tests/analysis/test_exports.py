"""Exports round trip: the data read back from CSV, Parquet and SPSS, with labels."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pyreadstat
import pytest

from analysis.comparisons import dataset_figures, load_source
from analysis.dataset import build_dataset
from analysis.exports import export_all
from analysis.results import compute_results
from papersurvey.cli import main
from survey.project import Project
from tests.analysis.conftest import Round


@pytest.fixture
def exported(round_project: tuple[Project, Round], tmp_path: Path) -> tuple[Project, Round, Path]:
    project, r = round_project
    ds = build_dataset(project.store, project.load_questionnaire())
    export_all(compute_results(ds, 10), tmp_path / "export")
    return project, r, tmp_path / "export"


def test_spss_round_trip_has_labels_and_user_missing(exported: tuple[Project, Round, Path]) -> None:
    _, r, out = exported
    df, meta = pyreadstat.read_sav(str(out / "data.sav"), user_missing=True)
    assert set(df["pseudonym"]) == set(r.paper) | set(r.online)
    assert str(meta.column_names_to_labels["q01_grade_overall"]).startswith("Welk rapportcijfer")
    assert meta.variable_value_labels["q19_intake_rights"][5.0] == "Helemaal mee eens"
    assert meta.variable_value_labels["q19_intake_rights"][9.0] == "Weet niet / n.v.t."
    assert meta.missing_ranges["q19_intake_rights"] == [{"lo": 9.0, "hi": 9.0}]
    assert meta.variable_measure["q01_grade_overall"] == "scale"
    row = df.set_index("pseudonym").loc[next(iter(r.paper))]
    answers = r.paper[next(iter(r.paper))]
    assert int(row["q01_grade_overall"]) == int(answers["q01_grade_overall"])
    assert row["mode"] == "paper"


def test_csv_and_parquet_round_trip(exported: tuple[Project, Round, Path]) -> None:
    _, r, out = exported
    csv = pd.read_csv(out / "data.csv", sep=";", dtype=str, encoding="utf-8-sig")
    p = next(iter(r.online))
    row = csv.set_index("pseudonym").loc[p]
    assert {q: row[q] for q in r.online[p]} == r.online[p]
    table = pq.read_table(out / "data.parquet")
    meta = table.schema.metadata
    assert meta[b"papersurvey.form_id"] == b"kbo_werk_inkomen"
    book = json.loads(meta[b"papersurvey.codebook"])
    assert any(
        c["column"] == "q19_intake_rights" and "5=Helemaal mee eens" in c["codes"] for c in book
    )
    assert str(table.schema.field("q01_grade_overall").type) == "int64"
    for name in ("metrics.csv", "codebook.csv", "long.csv", "problems.csv", "duplicates.csv"):
        assert (out / name).is_file()


def test_an_export_compares_like_for_like_as_previous_round(
    exported: tuple[Project, Round, Path],
) -> None:
    project, _, out = exported
    q = project.load_questionnaire()
    current = dataset_figures(build_dataset(project.store, q).data, q)
    for name in ("data.csv", "data.parquet"):
        previous = load_source(out / name, q, "Vorige meting")
        assert previous.figures.keys() == current.keys()
        for key, figure in current.items():
            assert previous.figures[key].value == pytest.approx(figure.value, nan_ok=True)
            assert previous.figures[key].n == figure.n


def test_metrics_csv_leaves_suppressed_figures_empty(
    round_project: tuple[Project, Round], tmp_path: Path
) -> None:
    project, _ = round_project
    ds = build_dataset(project.store, project.load_questionnaire())
    export_all(compute_results(ds, 25), tmp_path, formats=("csv",))
    metrics = pd.read_csv(tmp_path / "metrics.csv", sep=";", encoding="utf-8-sig")
    hidden = metrics[metrics["suppressed"]]
    assert len(hidden) and hidden[["n", "value", "ci_low", "ci_high"]].isna().all().all()
    shown = metrics[~metrics["suppressed"]]
    assert (shown["n"] >= 25).all()


def test_cli_export(
    round_project: tuple[Project, Round], capsys: pytest.CaptureFixture[str]
) -> None:
    project, r = round_project
    root = project.paths.root
    project.close()
    assert main(["export", str(root), "--format", "spss"]) == 0
    assert f"Exported {len(r.paper) + len(r.online)} respondents" in capsys.readouterr().out
    assert (root / "out" / "export" / "data.sav").is_file()
    assert not (root / "out" / "export" / "data.csv").exists()
