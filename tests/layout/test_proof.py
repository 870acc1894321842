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


def _letter_text(pdf: Path) -> str:
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(pdf.read_bytes())
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    return " ".join(text.replace("\xa0", " ").split())


def _set(project_dir: Path, **sections: dict[str, object]) -> None:
    from dataclasses import replace

    from survey.settings import load_settings, render_settings

    path = project_dir / "survey.toml"
    s = load_settings(path)
    for name, values in sections.items():
        s = replace(s, **{name: replace(getattr(s, name), **values)})
    path.write_text(render_settings(s), encoding="utf-8")


def test_helpdesk_reference_and_online_settings_reach_the_letter(project_dir: Path):
    _set(
        project_dir,
        online={"base_url": "https://enquete.example.nl"},
        helpdesk={"phone": "070 123 45 67", "email": "kbo@bureau.example.nl", "hours": "op werkdagen"},
        sender={"reference": "WI/KBO/2027-01"},
    )  # fmt: skip
    with Project.open(project_dir) as project:
        result = make_proof(project, dpi=20)
        code = project.settings.survey.code
    text = _letter_text(project_dir / "out" / "proof" / "letter-invitation_paper.pdf")
    assert "telefoon 070 123 45 67 (op werkdagen), of mail naar kbo@bureau.example.nl." in text
    assert "Ons kenmerk WI/KBO/2027-01" in text and code not in text
    assert "Ga naar https://enquete.example.nl" in text
    warnings = [n for n in result.notes if n.startswith("warning:")]
    assert not [w for w in warnings if "base_url" in w or "helpdesk" in w or "signature" in w]


def test_a_fresh_round_letter_has_no_reference_and_warns_it_points_nowhere(project_dir: Path):
    with Project.open(project_dir) as project:
        assert project.settings.sender.signature == ""  # none shipped: signed with the name
        result = make_proof(project, dpi=20)
    text = _letter_text(project_dir / "out" / "proof" / "letter-invitation_paper.pdf")
    assert "Ons kenmerk" not in text
    (url_warning,) = [n for n in result.notes if "base_url" in n]
    assert "'Ga naar' with no web address" in url_warning and "print' refuses" in url_warning


def test_a_signature_that_does_not_exist_is_a_warning(project_dir: Path):
    _set(project_dir, sender={"signature": "letters/signature.png"})
    with Project.open(project_dir) as project:
        notes = make_proof(project, dpi=20).notes
    (warning,) = [n for n in notes if "signature" in n]
    assert "letters/signature.png, which does not exist" in warning
    assert "without a signature" in warning
