"""Encrypted intake and pii/ at rest: age files in, age files kept, clear refusals, nothing written."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from papersurvey.demo.addresses import FakePerson
from survey.agecrypt import encrypt, new_key_pair
from survey.errors import AddressFileError
from survey.intake import ImportOptions, import_addresses, read_addresses
from survey.project import Project
from survey.roundkeys import PrivateKeyError
from tests.survey.test_intake import snapshot


def encrypted_copy(path: Path, public_key: str) -> Path:
    out = path.with_name(path.name + ".age")
    out.write_bytes(encrypt(path.read_bytes(), [public_key]))
    return out


def require_encryption(project: Project) -> None:
    s = project.settings
    project.settings = dataclasses.replace(
        s, privacy=dataclasses.replace(s.privacy, encrypted_intake=True)
    )


def test_an_encrypted_address_file_is_read_in_memory(
    project: Project, address_csv: Path, people: list[FakePerson]
) -> None:
    require_encryption(project)
    sealed = encrypted_copy(address_csv, project.public_key)
    address_csv.unlink()  # the plaintext is not needed
    report = import_addresses(project, ImportOptions(sealed))
    assert report.file == "adressen.csv" and report.people == len(people)
    addresses = read_addresses(project)
    assert set(addresses) == {p.client_number for p in people}
    for f in project.paths.pii.iterdir():  # nothing but age files, no plaintext left anywhere
        assert f.read_bytes().startswith(b"age-encryption.org/v1\n"), f
    assert not [f for f in project.paths.root.rglob("*.csv") if "questionnaire" not in f.parts]


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda data, own: encrypt(data, [new_key_pair()[1]]), "encrypted for another key"),
        (lambda data, own: encrypt(data, [own])[:-40], "damaged or incomplete"),
        (lambda data, own: encrypt(data, [own])[:60], "damaged or incomplete"),
        (lambda data, own: data, "is not encrypted"),
    ],
    ids=["other-key", "truncated-body", "truncated-header", "plaintext-when-required"],
)
def test_bad_encrypted_input_is_refused_and_nothing_written(
    project: Project, address_csv: Path, make, match: str
) -> None:
    require_encryption(project)
    import_addresses(project, ImportOptions(encrypted_copy(address_csv, project.public_key)))
    before = snapshot(project)
    bad = address_csv.with_name("nieuw.csv.age")
    bad.write_bytes(make(address_csv.read_bytes(), project.public_key))
    with pytest.raises(AddressFileError, match=match) as caught:
        import_addresses(project, ImportOptions(bad, force=True))
    assert caught.value.problems[0].fix  # says what to do
    assert snapshot(project) == before


def test_a_plaintext_file_is_still_accepted_when_not_required(
    project: Project, address_csv: Path
) -> None:
    assert not import_addresses(project, ImportOptions(address_csv)).encrypted
    sealed = encrypted_copy(address_csv, project.public_key)
    report = import_addresses(project, ImportOptions(sealed))
    assert report.encrypted and report.nothing_changed


def test_without_the_private_key_nothing_is_read_or_written(
    project: Project, address_csv: Path
) -> None:
    import_addresses(project, ImportOptions(address_csv))
    before = snapshot(project)
    key = project.paths.secret / "age.key"
    saved = key.read_bytes()
    key.unlink()
    with pytest.raises(PrivateKeyError, match=r"age\.key not found"):
        import_addresses(project, ImportOptions(address_csv, force=True))
    with pytest.raises(PrivateKeyError, match="not available"):
        read_addresses(project)
    other_private, _ = new_key_pair()
    key.write_text(other_private + "\n")
    with pytest.raises(PrivateKeyError, match="is not this round's key"):
        read_addresses(project)
    assert snapshot(project) == before
    key.write_bytes(saved)
    assert read_addresses(project)


def test_the_private_key_may_live_in_an_environment_variable(
    project: Project, address_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_addresses(project, ImportOptions(address_csv))
    key = project.paths.secret / "age.key"
    text = key.read_text()
    key.unlink()
    s = project.settings
    project.settings = dataclasses.replace(
        s, privacy=dataclasses.replace(s.privacy, private_key_env="PS_TEST_AGE_KEY")
    )
    monkeypatch.delenv("PS_TEST_AGE_KEY", raising=False)
    with pytest.raises(
        PrivateKeyError, match=r"PS_TEST_AGE_KEY \(privacy.private_key_env\) is not set"
    ):
        read_addresses(project)
    monkeypatch.setenv("PS_TEST_AGE_KEY", text)
    assert read_addresses(project)


def test_the_private_key_file_is_owner_only_and_apart_from_pii(project: Project) -> None:
    key = project.paths.secret / "age.key"
    assert key.stat().st_mode & 0o077 == 0
    assert project.settings.privacy.public_key in key.read_text()  # the '# public key' line
    assert not list(project.paths.pii.iterdir())
