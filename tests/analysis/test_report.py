"""The report end to end on a small simulated round, and the suppression guarantee."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pikepdf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analysis import document as d
from analysis.chapters import ChapterBuilder, ReportContext
from analysis.dataset import build_dataset
from analysis.indicators import DEFAULT, Config
from analysis.metrics import Comparison, OtherFigure, Share
from analysis.render_pdf import block_label
from analysis.report import ReportOptions, build_document, make_report
from analysis.results import Figure, compute_results
from analysis.texts import DASH, Texts
from papersurvey.cli import main
from papersurvey.simulate.online import simulate_previous_round, simulate_reference
from survey.errors import ExitCode
from survey.project import Project
from tests.analysis.conftest import Round


def test_report_end_to_end(round_project: tuple[Project, Round], tmp_path: Path) -> None:
    project, r = round_project
    q = project.load_questionnaire()
    previous = simulate_previous_round(q, tmp_path / "vorige.csv", respondents=60, seed=3)
    reference = simulate_reference(q, tmp_path / "referentie.csv", respondents=200, seed=4)
    out = make_report(project, ReportOptions(previous=previous, reference=reference, dpi=40))
    pdf, html = out.files
    assert out.metrics == project.paths.out / "report" / "metrics.csv"
    assert pdf == project.paths.out / "report" / "rapport.pdf"
    with pikepdf.open(pdf) as doc:
        assert len(doc.pages) > 15
    text = html.read_text(encoding="utf-8")
    for chapter in (
        "Samenvatting",
        "1. Inleiding",
        "Uw klantmanager",
        "Bijlage A. Respons",
        "Onderzoeksverantwoording",
    ):
        assert chapter in text
    assert "Vorige meting" in text and "Referentiegroep" in text
    assert f"{len(r.paper) + len(r.online)} klanten de vragenlijst ingevuld" in text
    assert out.figures >= 20 and out.tables >= 15
    assert text.count("data:image/png;base64,") == out.figures
    # without --quotes no open answer is printed, only counted
    assert "<blockquote" not in text and out.quotes == 0
    assert "De toelichtingen staan in de export en niet in dit rapport" in text


def test_nothing_below_the_minimum_reaches_the_page(
    round_project: tuple[Project, Round], tmp_path: Path
) -> None:
    project, _ = round_project
    q = project.load_questionnaire()
    ds = build_dataset(project.store, q)
    k = len(ds.data) + 1  # every figure rests on fewer answers than this
    results = compute_results(ds, k)
    assert all(f.hidden for f in results.figures.values())
    doc = build_document(
        results, ReportContext("KBO", "Leidschendam-Voorburg", "2027"), Texts(), tmp_path, dpi=30
    )
    counts = {Texts().integer(n) for n in range(0, 200)}
    for table in doc.tables():
        response_table = table.caption.startswith(("Respons", "Aantal respondenten"))
        for row in table.rows:
            for j, cell in enumerate(row[1:], start=1):
                if cell in ("", DASH):
                    continue
                # only response figures of the whole round (the base of the report, not a
                # figure about answers) and the number invited per group may show
                assert response_table, (table.caption, row, cell)
                if row[0] not in ("Totaal", "Respondenten"):
                    assert table.header[j] == "Aangeschreven" and cell in counts
    for chapter in doc.chapters:
        for block in chapter.blocks:
            text = getattr(block, "text", "")
            assert (
                "rapportcijfer voor" not in text
                or "te weinig antwoorden" in text
                or "toont" in text
            )


@pytest.mark.parametrize("k", [5, 12, 20])
def test_every_figure_under_the_minimum_is_hidden(
    round_project: tuple[Project, Round], k: int
) -> None:
    project, _ = round_project
    results = compute_results(build_dataset(project.store, project.load_questionnaire()), k)
    for f in results.figures.values():
        if f.n < k:
            assert f.hidden
    for question, statistic, group in results.figures:
        if group:  # subgroups of one figure never leave a single hidden cell
            cells = [results.get(question, statistic, g) for g in results.subgroups]
            assert sum(1 for c in cells if c is not None and c.hidden) != 1


figures = st.builds(
    Figure,
    question=st.just("q01_grade_overall"),
    statistic=st.sampled_from(["mean", "agree"]),
    group=st.just(""),
    stat=st.builds(lambda n, c: Share(n, min(c, n)), st.integers(1, 40), st.integers(0, 40)),
    hidden=st.booleans(),
    previous=st.just(OtherFigure(0.4, 100)),
    previous_test=st.just(Comparison(0.1, 0.01, "chi2")),
)


@settings(max_examples=60)
@given(figure=figures, k=st.integers(1, 40))
def test_cells_show_a_dash_for_hidden_figures(
    figure: Figure, k: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    builder = ChapterBuilder.__new__(ChapterBuilder)
    builder.t, builder.k, builder.hid_any = Texts(), k, False
    builder.indicative_any = builder.none_any = False
    builder.r = SimpleNamespace(registry=DEFAULT, config=Config())  # type: ignore[assignment]
    if figure.hidden:
        assert {
            builder.cell(figure),
            builder.margin(figure),
            builder.n(figure),
            builder.other(figure, "previous"),
        } == {DASH}
    else:
        assert DASH not in (builder.cell(figure), builder.n(figure))


def test_cli_report_html_only(
    closed_round: tuple[Path, Round], capsys: pytest.CaptureFixture[str]
) -> None:
    root, _ = closed_round
    assert main(["report", str(root), "--format", "html", "--dpi", "30", "--language", "en"]) == 0
    assert "figures" in capsys.readouterr().out
    html = (root / "out" / "report" / "report.html").read_text(encoding="utf-8")
    assert "Summary" in html and not (root / "out" / "report" / "report.pdf").exists()


def test_a_round_without_answers_is_refused(
    project_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(project_dir)]) == ExitCode.PROJECT
    err = capsys.readouterr().err
    assert "no answers yet, so there is nothing to report" in err and "papersurvey scan" in err
    assert not (project_dir / "out" / "report").exists()


def test_pdf_captions_take_the_words_of_their_own_document() -> None:
    """No label is left behind by an earlier report (an English one, say) in the same process."""
    table = d.TableBlock(3, "Respons", ("Groep", "n"), ())
    figure = d.FigureBlock(2, "Rapportcijfer", Path("fig.png"))
    assert block_label(table, {"table": "Table", "figure": "Figure"}) == "Table 3"
    assert block_label(table, {}) == "Tabel 3"
    assert block_label(figure, {}) == "Figuur 2"


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_significance_marker_stands_next_to_this_rounds_figure(language: str) -> None:
    # "6,8 ▲" next to the previous value reads as if the previous round scored higher
    builder = ChapterBuilder.__new__(ChapterBuilder)
    builder.t, builder.k, builder.hid_any = Texts(language), 5, False
    builder.indicative_any = builder.none_any = False
    builder.r = SimpleNamespace(  # type: ignore[assignment]
        registry=DEFAULT,
        config=Config(reliable_n=1),
        previous=SimpleNamespace(label="Meting 2025"),
        reference=SimpleNamespace(label=""),
    )
    figure = Figure(
        question="q19_intake_rights",
        statistic="agree",
        group="",
        stat=Share(40, 32),
        hidden=False,
        previous=OtherFigure(0.5, 100),
        previous_test=Comparison(0.3, 0.001, "chi2"),
        reference=OtherFigure(0.9, 500),
        reference_test=Comparison(-0.1, 0.001, "chi2"),
    )
    assert builder.marked(figure) == f"{builder.cell(figure)} \u25b2 \u25bd"
    assert builder.marked(figure, ["previous"]) == f"{builder.cell(figure)} \u25b2"
    assert builder.other(figure, "previous") == builder.t.percent(0.5)  # no marker there
    assert builder.other(figure, "reference") == builder.t.percent(0.9)
    note = builder.sig_note()
    assert "Meting 2025" in note and "\u25b2 / \u25bc" in note and "\u25b3 / \u25bd" in note
    same = replace(figure, previous_test=Comparison(0.0, 0.8, "chi2"), reference_test=None)
    assert builder.marked(same) == builder.cell(same)
