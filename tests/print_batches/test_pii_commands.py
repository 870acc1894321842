"""keys, participants, print --encrypt-to, and every command that needs names refusing without the key."""

from __future__ import annotations

import csv
import io
import subprocess
import tarfile
from pathlib import Path

import pyrage
import pytest
from pyrage import x25519

from papersurvey.cli import main
from survey.agecrypt import new_key_pair
from survey.errors import ExitCode
from survey.project import Project
from tests.print_batches.conftest import MakeFolder, MakeProject

Capture = pytest.CaptureFixture[str]


def run(capsys: Capture, *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_keys_prints_the_public_key_and_the_command_for_the_municipality(
    capsys: Capture, project_dir: Path
) -> None:
    with Project.open(project_dir) as p:
        public = p.public_key
    code, out, _ = run(capsys, "keys", project_dir)
    assert code == 0
    assert f"  {public}\n" in out and f"age -r {public} -o adressen.csv.age adressen.csv" in out
    assert "warning" not in out


def test_keys_gives_an_older_folder_a_key_pair_and_encrypts_its_plaintext_pii(
    capsys: Capture, project_dir: Path
) -> None:
    toml = project_dir / "survey.toml"
    text = toml.read_text(encoding="utf-8")
    with Project.open(project_dir) as p:
        old_public = p.public_key
    toml.write_text(
        text.replace(f'public_key = "{old_public}"', 'public_key = ""') + "# my own note\n",
        encoding="utf-8",
    )
    (project_dir / "secret" / "age.key").unlink()
    (project_dir / "pii" / "key.csv").write_text("client_number;pseudonym;issued_at\nC1;X;t\n")
    code, out, _ = run(capsys, "keys", project_dir)
    assert code == 0, out
    assert "Made the round's key pair" in out and "Encrypted pii/key.csv." in out
    assert sorted(f.name for f in (project_dir / "pii").iterdir()) == ["key.csv.age"]
    assert "# my own note" in toml.read_text(encoding="utf-8")  # comments kept (tomlkit)
    with Project.open(project_dir) as p:
        assert p.public_key != old_public
        data = pyrage.decrypt((project_dir / "pii" / "key.csv.age").read_bytes(), [p.identity()])
    assert data.endswith(b"C1;X;t\n")


def test_a_plaintext_pii_file_stops_the_commands_that_read_pii(
    make_folder: MakeFolder, capsys: Capture
) -> None:
    root = make_folder(2, email_share=0.0)
    (root / "pii" / "gemeente-adressen.csv").write_text("client_number;pseudonym;issued_at\n")
    code, _, err = run(capsys, "print", root, "--workers", "1")
    assert code == ExitCode.PROJECT and "is not encrypted" in err and "papersurvey keys" in err


@pytest.mark.parametrize(
    "argv",
    [
        ("print", "--workers", "1"),
        ("reminders", "--workers", "1"),
        ("participants", "--out", "{tmp}/p.csv"),
        ("import-addresses", "{tmp}/kbo-adressen.csv", "--force"),
    ],
    ids=lambda a: a[0],
)
@pytest.mark.parametrize("how", ["missing", "wrong"])
def test_without_the_right_private_key_a_command_stops_with_a_clear_message(
    make_folder: MakeFolder, capsys: Capture, tmp_path: Path, argv: tuple[str, ...], how: str
) -> None:
    root = make_folder(3, email_share=0.0)
    if argv[0] == "reminders":
        assert main(["print", str(root), "--workers", "1"]) == 0
        capsys.readouterr()
    key = root / "secret" / "age.key"
    if how == "missing":
        key.unlink()
    else:
        key.write_text(new_key_pair()[0] + "\n")
    before = {d: tree(root / d) for d in ("pii", "print", "out")}
    args = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code, out, err = run(capsys, args[0], root, *args[1:])
    assert code == ExitCode.PROJECT, (out, err)
    assert "Traceback" not in err and err.startswith("papersurvey: ")
    assert ("age.key not found" if how == "missing" else "is not this round's key") in err
    assert {d: tree(root / d) for d in ("pii", "print", "out")} == before
    assert not (tmp_path / "p.csv").exists()


def test_participants_writes_the_list_outside_the_project_only(
    make_project: MakeProject, capsys: Capture, tmp_path: Path
) -> None:
    project = make_project(5, email_share=0.6)
    root = project.paths.root
    tokens = {r.pseudonym for r in project.store.respondents()}
    project.close()
    code, _, err = run(capsys, "participants", root, "--out", root / "out" / "p.csv")
    assert code == ExitCode.CONFLICT and "inside the project folder" in err
    out_file = tmp_path / "deelnemers.csv"
    code, out, _ = run(capsys, "participants", root, "--out", out_file)
    assert code == 0 and "Wrote 5 participants" in out
    rows = list(csv.DictReader(io.StringIO(out_file.read_text(encoding="utf-8"))))
    assert {r["token"] for r in rows} == tokens
    assert out_file.stat().st_mode & 0o077 == 0


def test_print_encrypt_to_delivers_one_archive_for_the_print_shop(
    make_project: MakeProject, capsys: Capture
) -> None:
    project = make_project(3, email_share=0.0)
    root = project.paths.root
    identity = project.identity()
    project.close()
    shop = x25519.Identity.generate()
    code, out, err = run(
        capsys, "print", root, "--workers", "1", "--encrypt-to", str(shop.to_public())
    )
    assert code == 0, err
    folder = root / "print" / "invitation"
    assert sorted(f.name for f in folder.iterdir()) == ["invitation.tar.age", "jobticket.json"]
    assert "encrypted archive" in out
    sealed = (folder / "invitation.tar.age").read_bytes()
    for reader in (shop, identity):  # the print shop, and the bureau with the round's key
        with tarfile.open(fileobj=io.BytesIO(pyrage.decrypt(sealed, [reader]))) as tar:
            names = tar.getnames()
        assert any(n.endswith(".pdf") for n in names) and "invitation/jobticket.json" in names
    file_out = subprocess.run(["file", str(folder / "invitation.tar.age")], capture_output=True)
    assert b"PDF" not in file_out.stdout and b"text" not in file_out.stdout


def test_print_refuses_a_wrong_print_shop_key_before_rendering(
    make_folder: MakeFolder, capsys: Capture
) -> None:
    root = make_folder(2, email_share=0.0)
    code, _, err = run(capsys, "print", root, "--workers", "1", "--encrypt-to", "age1nonsense")
    assert code == ExitCode.PROJECT and "is not an age public key" in err
    assert not (root / "print" / "invitation").exists()
