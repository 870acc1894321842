"""``papersurvey print`` and ``papersurvey reminders`` through the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from papersurvey.cli import main
from survey.errors import ExitCode
from tests.print_batches.conftest import MakeFolder, MakeProject, edit_questionnaire


def test_print_then_refuse_then_force_then_remind(
    make_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(make_folder(3, email_share=0.0))

    assert main(["print", folder, "--batch-size", "2", "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert "Made invitation: 3 sets in 2 batch(es)" in out
    assert "3 invitation_paper" in out and "jobticket.json" in out

    assert main(["print", folder, "--workers", "1"]) == ExitCode.CONFLICT
    err = capsys.readouterr().err
    assert "already holds the invitation run" in err and "--force" in err

    assert main(["print", folder, "--channel", "letter", "--force", "--workers", "1"]) == 0
    assert "Replaced invitation: 3 sets" in capsys.readouterr().out

    assert main(["reminders", folder, "--workers", "1"]) == 0
    assert "Made reminder-1: 3 sets" in capsys.readouterr().out


def test_print_refuses_letters_that_point_nowhere_and_warns_of_a_missing_signature(
    make_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = make_folder(2, email_share=0.0)
    toml = folder / "survey.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('base_url = "https://enquete.example.nl"', 'base_url = ""')
    toml.write_text(text.replace('signature = ""', 'signature = "letters/handtekening.png"'))

    assert main(["print", str(folder), "--workers", "1"]) == ExitCode.PROJECT
    err = capsys.readouterr().err
    assert "[online] base_url is empty" in err and "'Ga naar' with no web address" in err
    assert not list((folder / "print").iterdir())

    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('base_url = ""', 'base_url = "https://enquete.example.nl"'))
    assert main(["print", str(folder), "--workers", "1"]) == 0
    err = capsys.readouterr().err
    assert "letters/handtekening.png, which does not exist" in err
    assert "without a signature" in err


def test_usage_errors(make_project: MakeProject, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(1, email_share=0.0)
    folder = str(project.paths.root)
    assert main(["print", folder, "--batch-size", "0"]) == ExitCode.USAGE
    assert "must be a whole number of 1 or more" in capsys.readouterr().err
    assert main(["print", folder, "--channel", "fax"]) == ExitCode.USAGE
    assert main(["reminders", folder, "--workers", "1"]) == ExitCode.PROJECT
    assert "Print the invitations first" in capsys.readouterr().err


def test_reminder_with_a_changed_questionnaire_through_the_cli(
    make_project: MakeProject, capsys: pytest.CaptureFixture[str]
) -> None:
    project = make_project(2, email_share=0.0)
    folder = str(project.paths.root)
    survey_id = project.settings.survey.id
    project.close()
    assert main(["print", folder, "--workers", "1"]) == 0
    out = capsys.readouterr().out
    assert f"  form maps: formmaps/{survey_id}-nl-" in out and "(scans are read with these" in out

    edit_questionnaire(project.paths.root)
    argv = ["reminders", folder, "--with-questionnaire", "--workers", "1"]
    assert main(argv) == ExitCode.CONFLICT
    err = capsys.readouterr().err
    assert "papersurvey: The nl questionnaire now lays out differently" in err
    assert "run again with --force" in err

    assert main([*argv, "--force"]) == 0
    out, err = capsys.readouterr()
    assert "Made reminder-1: 2 sets" in out and "form maps: formmaps/" in out
    assert "--force: both versions are in circulation; each returned nl page is read" in err


def test_proof_warns_when_the_questionnaire_changed_since_printing(
    make_folder: MakeFolder, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = str(make_folder(2, email_share=0.0))
    assert main(["proof", folder, "--dpi", "30"]) == 0
    assert "warning" not in capsys.readouterr().err  # nothing printed yet
    assert main(["print", folder, "--workers", "1"]) == 0
    capsys.readouterr()
    assert main(["proof", folder, "--dpi", "30"]) == 0
    assert "warning" not in capsys.readouterr().err  # the same questionnaire
    edit_questionnaire(Path(folder))
    assert main(["proof", folder, "--dpi", "30"]) == 0
    err = capsys.readouterr().err
    assert "warning: The nl questionnaire now lays out differently" in err
    assert "refuse it unless --force" in err
