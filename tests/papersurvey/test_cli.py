"""The papersurvey command: each command end to end, and exceptions as exit codes."""

from __future__ import annotations

import importlib
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

import papersurvey.commands.status as status_command
from papersurvey.cli import COMMANDS, build_parser, main
from papersurvey.demo.addresses import FakePerson, write_address_csv
from survey.errors import ConflictError
from survey.intake import read_key
from survey.project import Project

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_every_option_of_every_command_says_what_it_does() -> None:
    import argparse

    parser = build_parser()
    missing = [
        f"{name} {'/'.join(a.option_strings) or a.dest}"
        for name, sub in parser._subparsers._group_actions[0].choices.items()  # type: ignore[union-attr]
        for a in sub._actions
        if not isinstance(a, argparse._HelpAction) and a.help is None
        and a.dest not in ("directory", "file")  # the folder and file say themselves
    ]  # fmt: skip
    assert missing == []


def test_every_listed_command_registers_a_parser() -> None:
    parser = build_parser()
    names = set(parser._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    assert {"new", "import-addresses", "status"} <= names
    for name in COMMANDS:
        module = importlib.import_module(f"papersurvey.commands.{name}")
        assert callable(module.register), name


def test_help_and_usage_errors(capsys: Capture) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "import-addresses" in out
    code, _, err = run(capsys)
    assert code == 2 and "required: COMMAND" in err
    code, _, err = run(capsys, "import-addresses", "dir", "file", "--mapping", "nonsense")
    assert code == 2 and "'nonsense' is not COLUMN=field" in err


def test_new_import_status(
    capsys: Capture, tmp_path: Path, address_csv: Path, people: list[FakePerson]
) -> None:
    project = tmp_path / "kbo-2027-lv"
    code, out, _ = run(
        capsys,
        "new",
        project,
        "--municipality",
        "Leidschendam-Voorburg",
        "--survey-id",
        "kbo-2027-lv",
    )
    assert code == 0
    assert out.startswith(f"Created survey round kbo-2027-lv (code KBO-2027-LV) in {project}\n")
    assert f"papersurvey import-addresses {project} ADDRESS_FILE" in out

    code, out, _ = run(capsys, "import-addresses", project, address_csv)
    with_email = sum(1 for p in people if p.email)
    assert code == 0
    assert out.splitlines()[0] == (
        f"Imported {len(people)} people from adressen.csv "
        f"({with_email} email, {len(people) - with_email} paper)."
    )
    assert f"papersurvey participants {project} --out FILE" in out
    assert "Note: adressen.csv was not encrypted" in out and "age -r age1" in out

    code, out, _ = run(capsys, "import-addresses", project, address_csv)
    assert (code, out) == (
        0,
        f"Nothing changed: adressen.csv holds the same {len(people)} people as before.\n",
    )

    code, out, _ = run(capsys, "status", project)
    out_text = out
    assert code == 0
    assert "Municipality:  Leidschendam-Voorburg; bureau (not set)" in out
    assert f"Respondents:   {len(people)} ({len(people)} active); active by channel: " in out
    assert "Questionnaire: kbo_werk_inkomen version" in out

    code, out, _ = run(capsys, "status", project, "--json")
    data = json.loads(out)
    assert code == 0
    assert set(data) == {
        "project", "survey", "questionnaire", "respondents", "mailings", "scans", "responses", "review", "store",
        "scan",  # ingest: batch reports (issue 6)
        "audit_log", "pii",  # privacy (issue 12)
    }  # fmt: skip
    assert data["audit_log"]["chain_ok"] and data["audit_log"]["entries"] >= 2
    assert data["pii"] == {"files": 2, "plaintext": []}
    assert "Personal data: 2 files in pii/, all age-encrypted" in out_text
    assert "hash chain intact" in out_text
    assert data["survey"] == {
        "id": "kbo-2027-lv", "code": "KBO-2027-LV", "title": "Klantbelevingsonderzoek Werk en Inkomen",
        "municipality": "Leidschendam-Voorburg", "bureau": "", "send": "", "close": "",
    }  # fmt: skip
    assert set(data["questionnaire"]) == {"path", "form_id", "version", "version_hash", "error"}
    assert data["questionnaire"]["form_id"] == "kbo_werk_inkomen"
    assert data["respondents"] == {
        "total": len(people),
        "by_channel": {"email": with_email, "paper": len(people) - with_email},
        "by_status": {"active": len(people)},
    }
    assert data["mailings"] == {"letters": 0, "batches": 0}
    assert data["scans"] == {"files": 0, "pages": 0, "pages_by_status": {}, "files_not_read": []}
    assert data["responses"] == {"paper": 0, "online": 0, "total": 0, "both": 0}
    assert data["review"] == {"open": 0, "questions": 0, "pages": 0, "texts_open": 0}


def test_changed_file_needs_force(
    capsys: Capture, project_dir: Path, address_csv: Path, people: list[FakePerson], tmp_path: Path
) -> None:
    assert run(capsys, "import-addresses", project_dir, address_csv)[0] == 0
    fewer = write_address_csv(tmp_path / "fewer.csv", people[1:])
    code, out, err = run(capsys, "import-addresses", project_dir, fewer)
    assert (code, out) == (ConflictError.exit_code, "")
    assert err.startswith("papersurvey: fewer.csv differs from the addresses imported before:\n")
    assert f"  1 removed: {people[0].client_number}\n" in err
    code, out, _ = run(capsys, "import-addresses", project_dir, fewer, "--force")
    assert code == 0
    assert f"  1 removed: {people[0].client_number}\n" in out


def test_mapping_option(capsys: Capture, project_dir: Path, write_csv) -> None:  # type: ignore[no-untyped-def]
    header = ["Klant ID", "achternaam", "straat", "nr", "postcode", "woonplaats"]
    path = write_csv(
        "a.csv", [header, ["K1", "Dijk", "Kerkstraat", "3", "2261 AB", "Leidschendam"]]
    )
    code, _, err = run(capsys, "import-addresses", project_dir, path)
    assert (
        code == 3
        and "required columns missing: clientnummer (client_number), huisnummer (house_number)"
        in err
    )
    # one pair per --mapping, and it may stand before the folder and the file
    code, _, err = run(
        capsys,
        "import-addresses",
        "--mapping",
        "Klant ID=client_number",
        "--mapping",
        "nr=house_number",
        project_dir,
        path,
    )
    assert code == 0, err
    with Project.open(project_dir) as project:
        assert list(read_key(project)) == ["K1"]


def test_broken_file_exit_code_message_and_nothing_written(
    capsys: Capture, project_dir: Path, tmp_path: Path
) -> None:
    before = sorted(p.name for p in (project_dir / "pii").iterdir())
    bad = tmp_path / "adressen.csv"
    bad.write_bytes(b"clientnummer\tachternaam\r\nC1\tDijk\r\n")
    code, out, err = run(capsys, "import-addresses", project_dir, bad)
    assert (code, out) == (3, "")
    assert err == (
        "papersurvey: adressen.csv cannot be read; nothing was imported.\n"
        "  - adressen.csv: the columns are separated by tabs; expected semicolons (;) or commas (,). "
        "Fix: In Excel choose Save As 'CSV (gescheiden door lijstscheidingsteken)', or use .xlsx.\n"
    )
    assert sorted(p.name for p in (project_dir / "pii").iterdir()) == before == []
    with Project.open(project_dir) as p:
        assert p.store.pseudonyms() == set()


def test_project_errors(capsys: Capture, tmp_path: Path, project_dir: Path) -> None:
    code, _, err = run(capsys, "status", tmp_path / "nowhere")
    assert code == 4 and "is not a folder" in err
    code, _, err = run(capsys, "new", project_dir)
    assert code == 5 and "already exists and is not empty" in err


def test_unexpected_errors_and_interrupts(
    capsys: Capture, project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(project: Project) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(status_command, "round_status", boom)
    code, _, err = run(capsys, "status", project_dir)
    assert code == 1
    assert (
        err
        == "papersurvey: unexpected error: RuntimeError: boom\nrun with --debug for the traceback\n"
    )
    code, _, err = run(capsys, "status", project_dir, "--debug")
    assert (
        code == 1
        and "Traceback (most recent call last)" in err
        and 'raise RuntimeError("boom")' in err
    )

    def interrupt(project: Project) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(status_command, "round_status", interrupt)
    code, _, err = run(capsys, "status", project_dir)
    assert code == 130
    assert err == "\npapersurvey: interrupted; run the same command again to resume\n"


def test_verbose_before_or_after_the_command(
    capsys: Capture, project_dir: Path, address_csv: Path, tmp_path: Path
) -> None:
    code, _, err = run(capsys, "import-addresses", project_dir, address_csv)
    assert code == 0 and "papersurvey: imported" not in err
    other = tmp_path / "other"
    run(capsys, "new", other)
    code, _, err = run(capsys, "-v", "import-addresses", other, address_csv)
    assert code == 0 and "papersurvey: imported adressen.csv: 40 people" in err
    third = tmp_path / "third"
    run(capsys, "new", third)
    code, _, err = run(capsys, "import-addresses", third, address_csv, "--verbose")
    assert code == 0 and "papersurvey: imported adressen.csv: 40 people" in err


@pytest.mark.parametrize("flags", [["-v"], ["--debug"], []])
def test_a_command_leaves_the_logging_as_it_found_it(
    capsys: Capture, project_dir: Path, flags: list[str]
) -> None:
    """Regression: ``-v`` left the ``papersurvey`` logger at INFO for every later caller.

    The demo and the tests run :func:`main` in-process; a later test that
    expected no log records then saw INFO records of its own setup.
    """
    logger = logging.getLogger("papersurvey")
    before = (logger.level, list(logger.handlers))
    code, _, _ = run(capsys, *flags, "status", project_dir)
    assert code == 0
    assert (logger.level, list(logger.handlers)) == before


def test_installed_entry_point_runs(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "papersurvey.cli", "status", str(tmp_path)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 4
    assert "not a papersurvey project folder" in done.stderr


def test_status_names_respondents_who_answered_on_both_channels():
    import dataclasses

    from survey.status import QuestionnaireInfo, RoundStatus
    from survey.store import StoreCounts

    counts = StoreCounts(3, {}, {}, 0, 0, 1, 8, {"ok": 8}, 1, 3, 3, 0, responses_both=1)
    st = RoundStatus("p", "id", "CODE", "t", "m", "b", "", "", QuestionnaireInfo("q"), counts, 4)
    line = next(
        x for x in status_command.format_status(st).splitlines() if x.startswith("Responses:")
    )
    assert line.endswith("(1 paper, 3 online; 1 on both, counted once: see docs/analysis.md)")
    none = dataclasses.replace(st, counts=dataclasses.replace(counts, responses_both=0))
    assert "on both" not in status_command.format_status(none)
    assert st.to_dict()["responses"]["both"] == 1
