"""The project folder: creation, refusal, and opening with clear errors."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from survey import codes
from survey.errors import ConflictError, ProjectError, QuestionnaireError
from survey.project import DEFAULT_LETTERS, NewProjectOptions, Project, create_project
from survey.questionnaire import (
    DEFAULT_QUESTIONNAIRE,
    default_questionnaire,
    questionnaire_to_workbook,
)
from survey.store import SCHEMA_VERSION


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_new_creates_the_documented_folder(project_dir: Path) -> None:
    for d in ("questionnaire", "letters", "pii", "secret", "print", "scans", "clips", "out"):
        assert (project_dir / d).is_dir(), d
    assert (project_dir / "survey.toml").is_file()
    assert (project_dir / "store.sqlite").is_file()
    assert mode(project_dir / "pii") == 0o700
    assert mode(project_dir / "secret") == 0o700
    assert mode(project_dir / "secret" / "round.key") == 0o600
    assert list((project_dir / "pii").iterdir()) == []
    shipped = sorted(p.name for p in DEFAULT_QUESTIONNAIRE.iterdir() if p.is_file())
    assert sorted(p.name for p in (project_dir / "questionnaire").iterdir()) == shipped
    letters = sorted(p.name for p in DEFAULT_LETTERS.iterdir() if p.is_file())
    assert letters and sorted(p.name for p in (project_dir / "letters").iterdir()) == letters
    assert not list(project_dir.parent.glob(".*.new-*"))  # no building folder left behind


def test_open_gives_paths_settings_key_and_store(project: Project, project_dir: Path) -> None:
    assert project.paths.root == project_dir
    s = project.settings.survey
    assert (s.id, s.code, s.municipality) == (
        "kbo-2027-test",
        "KBO-2027-TEST",
        "Leidschendam-Voorburg",
    )
    assert len(project.key) == codes.KEY_BYTES
    assert project.store.schema_version == SCHEMA_VERSION
    assert project.questionnaire_path == project_dir / "questionnaire"
    assert project.load_questionnaire().version_hash == default_questionnaire().version_hash


def test_every_project_gets_its_own_key(tmp_path: Path) -> None:
    keys = set()
    for name in ("a", "b"):
        with create_project(NewProjectOptions(tmp_path / name)) as p:
            keys.add(p.key)
    assert len(keys) == 2


def test_options_set_survey_id_and_xlsx_questionnaire(tmp_path: Path) -> None:
    workbook = tmp_path / "vragenlijst.xlsx"
    questionnaire_to_workbook(default_questionnaire(), workbook)
    options = NewProjectOptions(
        tmp_path / "p", questionnaire=workbook, survey_id="KBO 2027 Rijswijk"
    )
    with create_project(options) as p:
        assert (p.settings.survey.id, p.settings.survey.code) == (
            "KBO 2027 Rijswijk",
            "KBO-2027-RIJSWIJK",
        )
        assert p.settings.questionnaire.path == "questionnaire/vragenlijst.xlsx"
        assert (p.paths.questionnaire / "vragenlijst.xlsx").is_file()
        assert p.load_questionnaire().version_hash == default_questionnaire().version_hash


def test_an_existing_empty_folder_is_used(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    create_project(NewProjectOptions(tmp_path / "p")).close()
    assert (tmp_path / "p" / "survey.toml").is_file()


def test_refuses_a_non_empty_folder(tmp_path: Path) -> None:
    target = tmp_path / "p"
    target.mkdir()
    (target / "notes.txt").write_text("mine")
    with pytest.raises(ConflictError) as info:
        create_project(NewProjectOptions(target))
    assert str(info.value) == (
        f"{target} already exists and is not empty. "
        "Choose a new folder name, or open the existing project."
    )
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    file_target = tmp_path / "file"
    file_target.write_text("x")
    with pytest.raises(ConflictError):
        create_project(NewProjectOptions(file_target))


def test_a_bad_questionnaire_creates_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    for f in DEFAULT_QUESTIONNAIRE.iterdir():
        (broken / f.name).write_bytes(f.read_bytes())
    survey_csv = broken / "survey.csv"
    survey_csv.write_text(survey_csv.read_text().replace("select_one ", "select_one zz_", 1))
    with pytest.raises(QuestionnaireError):
        create_project(NewProjectOptions(tmp_path / "p", questionnaire=broken))
    with pytest.raises(QuestionnaireError):
        create_project(NewProjectOptions(tmp_path / "p", questionnaire=tmp_path / "missing.xlsx"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken"]


def test_survey_id_without_letters_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="has no letters or digits; give one with --survey-id"):
        create_project(NewProjectOptions(tmp_path / "p", survey_id="!!!"))
    assert not (tmp_path / "p").exists()


def test_the_online_address_is_set_at_new_or_refused_when_unusable(tmp_path: Path) -> None:
    options = NewProjectOptions(tmp_path / "a", online_url="https://enquete.example.nl")
    with create_project(options) as project:
        assert project.settings.online.base_url == "https://enquete.example.nl"
    with create_project(NewProjectOptions(tmp_path / "b")) as project:
        assert project.settings.online.base_url == ""
    with pytest.raises(ProjectError, match=r"--online-url 'enquete\.nl' must start with https://"):
        create_project(NewProjectOptions(tmp_path / "c", online_url="enquete.nl"))
    assert not (tmp_path / "c").exists()


def test_new_says_when_the_letters_point_nowhere(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from papersurvey.cli import main

    assert main(["new", str(tmp_path / "a")]) == 0  # stdin is no terminal: nothing asked
    assert "fill in\n  [online] base_url in survey.toml before printing" in capsys.readouterr().out
    assert main(["new", str(tmp_path / "b"), "--online-url", "https://enquete.example.nl"]) == 0
    assert "base_url" not in capsys.readouterr().out


def test_open_names_what_is_wrong(project_dir: Path, tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="is not a folder"):
        Project.open(tmp_path / "nowhere")
    with pytest.raises(ProjectError, match="not a papersurvey project folder"):
        Project.open(tmp_path)
    toml = project_dir / "survey.toml"
    original = toml.read_text()
    toml.write_text(original.replace("batch_size = 500", 'batch_size = "500"'))
    with pytest.raises(
        ProjectError, match=r"key 'print.batch_size' must be a whole number, found '500'"
    ):
        Project.open(project_dir)
    toml.write_text(original)

    key = project_dir / "secret" / "round.key"
    key.chmod(0o600)
    key.write_text("not hex\n")
    with pytest.raises(
        ProjectError, match=r"round\.key is damaged: it must hold the key as hex text"
    ):
        Project.open(project_dir)
    key.write_text("abcd\n")
    with pytest.raises(ProjectError, match="the key must be 32 bytes"):
        Project.open(project_dir)
    key.unlink()
    with pytest.raises(ProjectError, match=r"round\.key not found"):
        Project.open(project_dir)


def test_missing_store_is_reported_when_used(project_dir: Path) -> None:
    (project_dir / "store.sqlite").unlink()
    with (
        Project.open(project_dir) as p,
        pytest.raises(ProjectError, match=r"store\.sqlite not found"),
    ):
        _ = p.store
