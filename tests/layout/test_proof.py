"""``papersurvey proof DIR``: the sign-off bundle."""

from __future__ import annotations

import json
from pathlib import Path

import zxingcpp

from layout.preview import render_pages
from layout.proof import example_addressee, make_proof
from papersurvey.cli import main
from survey import codes
from survey import pseudonym as pseudonyms
from survey.project import Project


def test_make_proof_writes_questionnaire_letter_previews_and_form_map(project_dir: Path):
    with Project.open(project_dir) as project:
        result = make_proof(project, letters=("invitation_paper", "reminder"), dpi=40)
        key, survey = project.key, project.settings.survey.code
    folder = project_dir / "out" / "proof"
    assert result.folder == folder
    assert {p.name for p in result.pdfs} == {
        "questionnaire.pdf",
        "letter-invitation_paper.pdf",
        "letter-reminder.pdf",
    }
    assert len([p for p in result.pngs if p.name.startswith("questionnaire-")]) == result.pages
    form_map = json.loads(result.form_map.read_text(encoding="utf-8"))
    assert len(form_map["pages"]) == result.pages
    first = render_pages((folder / "questionnaire.pdf").read_bytes(), dpi=150)[0]
    texts = {b.text for b in zxingcpp.read_barcodes(first)}
    assert texts == {codes.encode_page_code(key, survey, None, 1)}
    assert any(n.startswith("warning:") and "base_url" in n for n in result.notes)


def test_example_addressee_is_valid_and_invented():
    a = example_addressee()
    assert pseudonyms.is_valid(a.pseudonym)
    assert "Voorbeeld" in a.name


def test_proof_command(project_dir: Path, capsys):
    assert main(["proof", str(project_dir), "--letter", "invitation_online", "--dpi", "30"]) == 0
    out = capsys.readouterr().out
    assert "letter-invitation_online.pdf" in out
    assert (project_dir / "out" / "proof" / "letter-invitation_online-1.png").is_file()


def test_proof_command_on_a_missing_folder(tmp_path: Path, capsys):
    assert main(["proof", str(tmp_path / "nope")]) != 0
    assert "papersurvey new" in capsys.readouterr().err
