"""Report labels name the questions, and negatively worded statements stand apart."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest

from analysis import document as d
from analysis.chapters import ReportContext
from analysis.dataset import build_dataset
from analysis.exports import codebook
from analysis.report import ReportOptions, build_document, make_report
from analysis.results import compute_results
from analysis.texts import Texts
from survey.model import Group, Item, Question, Questionnaire, Text
from survey.project import Project
from tests.analysis.conftest import Round

OVERALL = "Welk rapportcijfer geeft u de dienstverlening van Werk en Inkomen als geheel?"
NEGATIVE = ("Vaak een andere klantmanager", "Vooroordelen over wat ik kan")


def _without_report_labels(q: Questionnaire) -> Questionnaire:
    def strip(items: tuple[Item, ...]) -> tuple[Item, ...]:
        return tuple(
            dataclasses.replace(i, items=strip(i.items))
            if isinstance(i, Group)
            else dataclasses.replace(i, report_label=Text())
            if isinstance(i, Question)
            else i
            for i in items
        )

    return dataclasses.replace(q, items=strip(q.items))


def _document(project: Project, tmp_path: Path, *, labels: bool = True) -> d.Document:
    q = project.load_questionnaire()
    ds = build_dataset(project.store, q if labels else _without_report_labels(q))
    results = compute_results(ds, 1)
    return build_document(
        results, ReportContext("KBO", "Leidschendam-Voorburg", "2027"), Texts(), tmp_path, dpi=30
    )


def _paragraphs(doc: d.Document) -> list[str]:
    return [b.text for c in doc.chapters for b in c.blocks if isinstance(b, d.Paragraph)]


def test_tables_captions_and_sentences_use_the_report_label(
    round_project: tuple[Project, Round], tmp_path: Path
) -> None:
    project, _ = round_project
    doc = _document(project, tmp_path)

    key = next(t for t in doc.tables() if t.caption == "Kerncijfers")
    assert [r[0] for r in key.rows][:2] == [
        "Dienstverlening als geheel",
        "Balie, bereikbaarheid en informatie samen",
    ]
    assert not any(OVERALL in cell for cell in doc.cells())
    assert not any(OVERALL in f.caption for f in doc.figures())
    assert not any(OVERALL in p for p in _paragraphs(doc))
    assert any("‘Dienstverlening als geheel’" in p for p in _paragraphs(doc))


def test_without_report_labels_the_question_text_is_used(
    round_project: tuple[Project, Round], tmp_path: Path
) -> None:
    project, _ = round_project
    doc = _document(project, tmp_path, labels=False)

    key = next(t for t in doc.tables() if t.caption == "Kerncijfers")
    assert key.rows[0][0] == OVERALL


def test_negative_statements_get_figures_and_a_table_of_their_own(
    round_project: tuple[Project, Round], tmp_path: Path
) -> None:
    project, _ = round_project
    doc = _document(project, tmp_path)

    statements = [t for t in doc.tables() if t.header and t.header[0] == "Stelling"]
    with_negative = [t for t in statements if any(r[0] in NEGATIVE for r in t.rows)]
    assert len(with_negative) == 1
    negative = with_negative[0]
    assert {r[0] for r in negative.rows} == {*NEGATIVE, "Vooroordelen over wat ik wil"}
    assert "negatief geformuleerde stellingen" in negative.caption
    assert any("lager percentage (helemaal) mee eens is gunstiger" in n for n in negative.notes)
    positive = statements[statements.index(negative) - 1]
    assert "positief geformuleerde stellingen" in positive.caption
    assert "Werken snel en efficiënt" in {r[0] for r in positive.rows}
    # the trajectory grid holds one negative statement: it stands apart too
    assert any(t.rows == (t.rows[0],) and t.rows[0][0] == "Zwaar om te volgen" for t in statements)
    captions = [f.caption for f in doc.figures() if "negatief geformuleerde" in f.caption]
    assert len(captions) == 4  # a bar and a stacked figure for each of the two grids
    # "the most agreement" is never a negative statement: that is a point for attention
    for p in _paragraphs(doc):
        if p.startswith("De meeste instemming"):
            assert not any(n in p for n in (*NEGATIVE, "Zwaar om te volgen"))


def test_the_report_label_reaches_the_pdf_and_the_html(
    round_project: tuple[Project, Round], tmp_path: Path
) -> None:
    project, _ = round_project
    out = make_report(project, ReportOptions(out_dir=tmp_path, dpi=30))
    pdf, html = out.files

    text = html.read_text(encoding="utf-8")
    assert "<td>Dienstverlening als geheel</td>" in text
    assert "<td>Vaak een andere klantmanager</td>" in text
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    pdf_text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Dienstverlening als geheel" in pdf_text
    assert "negatief geformuleerde stellingen" in " ".join(pdf_text.split())


def test_the_codebook_shows_the_report_label_and_the_polarity(
    round_project: tuple[Project, Round],
) -> None:
    project, _ = round_project
    q = project.load_questionnaire()

    book = codebook(q).set_index("column")
    plain = codebook(_without_report_labels(q)).set_index("column")

    assert book.loc["q01_grade_overall", "label"] == OVERALL
    assert book.loc["q01_grade_overall", "report_label"] == "Dienstverlening als geheel"
    assert book.loc["q34_cm_changes_often", "polarity"] == "negative"
    assert book.loc["q33_cm_privacy", "polarity"] == ""
    assert plain.loc["q01_grade_overall", "report_label"] == OVERALL
    assert codebook(q, "en").loc[
        lambda f: f.column == "q01_grade_overall", "report_label"
    ].item() == ("Service as a whole")
