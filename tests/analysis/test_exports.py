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
    export_all(compute_results(ds, 3), tmp_path / "export")
    return project, r, tmp_path / "export"


def test_spss_round_trip_has_labels_and_user_missing(exported: tuple[Project, Round, Path]) -> None:
    _, r, out = exported
    df, meta = pyreadstat.read_sav(str(out / "data.sav"), user_missing=True)
    assert set(df["pseudonym"]) == set(r.paper) | set(r.online)
    assert str(meta.column_names_to_labels["q01_grade_overall"]).startswith("Welk rapportcijfer")
    assert meta.variable_value_labels["q19_intake_rights"][5.0] == "Helemaal mee eens"
    assert meta.variable_value_labels["q19_intake_rights"][9.0] == "Weet niet / n.v.t."
    # no answer (-2) and not asked by the routing (-1) apart from 'weet niet' (9), all missing
    assert meta.missing_ranges["q19_intake_rights"] == [
        {"lo": -2.0, "hi": -1.0},
        {"lo": 9.0, "hi": 9.0},
    ]
    assert meta.variable_value_labels["q19_intake_rights"][-1.0] == "niet gevraagd (routing)"
    assert meta.variable_value_labels["q19_intake_rights"][-2.0] == "geen antwoord"
    assert meta.variable_measure["q01_grade_overall"] == "scale"
    assert meta.variable_measure["q19_intake_rights"] == "ordinal"
    assert meta.variable_measure["q52_age_group"] == "ordinal"
    assert meta.variable_measure["q37_trajectory"] == "nominal"
    assert meta.original_variable_types["q01_grade_overall"] == "F2.0"
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
    # choice codes are categories: a 9 ('weet niet') can never enter a mean by accident
    frame = pd.read_parquet(out / "data.parquet")
    agree = frame["q19_intake_rights"]
    assert isinstance(agree.dtype, pd.CategoricalDtype) and agree.dtype.ordered
    assert list(agree.cat.categories) == ["1", "2", "3", "4", "5", "9"]
    with pytest.raises(TypeError):
        agree.mean()
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


def test_cli_export(closed_round: tuple[Path, Round], capsys: pytest.CaptureFixture[str]) -> None:
    root, r = closed_round
    assert main(["export", str(root), "--format", "spss"]) == 0
    assert f"Exported {len(r.paper) + len(r.online)} respondents" in capsys.readouterr().out
    assert (root / "out" / "export" / "data.sav").is_file()
    assert not (root / "out" / "export" / "data.csv").exists()


def test_missing_answers_keep_their_reason(exported: tuple[Project, Round, Path]) -> None:
    """Routing, no answer and 'weet niet' are distinct codes, as the questionnaire routes them."""
    _, r, out = exported
    df, _ = pyreadstat.read_sav(str(out / "data.sav"), user_missing=True)
    by = df.set_index("pseudonym")
    given = {**r.paper, **r.online}
    q38 = by["q38_grade_trajectory"]  # asked only of those in a trajectory (q37 = 1 or 2)
    for p, answers in given.items():
        if answers.get("q37_trajectory") == "3":
            assert q38[p] == -1
        elif "q38_grade_trajectory" not in answers and answers.get("q37_trajectory") in ("1", "2"):
            assert q38[p] == -2
    dk = [p for p, a in given.items() if a.get("q19_intake_rights") == "9"]
    assert all(by.loc[p, "q19_intake_rights"] == 9 for p in dk)
    assert (q38 == -1).any()


def test_excel_export_has_data_codebook_and_a_sheet_per_chapter(
    exported: tuple[Project, Round, Path],
) -> None:
    from openpyxl import load_workbook

    _, _, out = exported
    wb = load_workbook(out / "data.xlsx")
    assert wb.sheetnames[:3] == ["Gegevens", "Codeboek", "Cijfers"]
    assert "Uw klantmanager" in wb.sheetnames and "Over uzelf" in wb.sheetnames
    data = wb["Gegevens"]
    assert data.freeze_panes == "A2"
    header = [c.value for c in data[1]]
    grade = header.index("q01_grade_overall") + 1
    values = [data.cell(row=i, column=grade).value for i in range(2, data.max_row + 1)]
    assert all(v is None or isinstance(v, int) for v in values)
    agree = header.index("q19_intake_rights") + 1
    cells = {data.cell(row=i, column=agree).value for i in range(2, data.max_row + 1)}
    assert cells <= {None, 1, 2, 3, 4, 5, "Weet niet / n.v.t. (9)"}
    book = wb["Codeboek"]
    book_header = [c.value for c in book[1]]
    rows = {row[0]: row for row in book.iter_rows(min_row=2, values_only=True)}
    routing = book_header.index("routing")
    assert "${q37_trajectory} = '1'" in rows["q39_traj_start_speed"][routing]  # from its group
    assert rows["q01_grade_overall"][routing] in (None, "")
    sheet = wb["Uw klantmanager"]
    sheet_header = [c.value for c in sheet[1]]
    row = next(
        row
        for row in sheet.iter_rows(min_row=2)
        if row[0].value == "q25_grade_client_manager" and row[2].value == "Gemiddelde"
    )
    value = row[sheet_header.index("Waarde")]
    assert value.number_format == "0.0" and 1 <= value.value <= 10
    share = next(
        row
        for row in sheet.iter_rows(min_row=2)
        if row[2].value == "% (helemaal) mee eens" and row[5].value is not None
    )
    assert share[5].number_format == "0%"
