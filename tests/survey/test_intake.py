"""Address intake: pseudonyms, pii/ files, store rows, re-imports and changed files."""

from __future__ import annotations

import csv
import dataclasses
import io
import stat
from pathlib import Path

import pytest

import survey.intake as intake
from papersurvey.demo.addresses import FakePerson, fake_people, write_address_csv
from survey import pseudonym
from survey.errors import AddressFileError, ConflictError
from survey.intake import AddressDiff, ImportOptions, import_addresses, read_addresses, read_key
from survey.participants import participant_list
from survey.project import Project
from survey.settings import ChannelsSection
from survey.store import Channel, RespondentStatus

both_stores = pytest.mark.parametrize("project_dir", ["sqlite", "postgresql"], indirect=True)


def snapshot(project: Project) -> dict[str, object]:
    """Everything an import may write: pii/ files (bytes) and the store's rows."""
    files = {p.name: p.read_bytes() for p in sorted(project.paths.pii.iterdir())}
    tables = {
        t: [tuple(r) for r in project.store.query(f"SELECT * FROM {t} ORDER BY 1")]
        for t in ("respondents", "audit_log", "meta")
    }
    return {"files": files, "tables": tables}


def participants(project: Project) -> list[dict[str, str]]:
    """The LimeSurvey participant list as ``papersurvey participants`` writes it."""
    data = participant_list(project).data.decode("utf-8")
    return list(csv.DictReader(io.StringIO(data, newline="")))


def with_settings(project: Project, **channels: object) -> Project:
    s = project.settings
    project.settings = dataclasses.replace(s, channels=dataclasses.replace(s.channels, **channels))
    return project


@both_stores
def test_first_import(project: Project, address_csv: Path, people: list[FakePerson]) -> None:
    report = import_addresses(project, ImportOptions(address_csv))
    n = len(people)
    with_email = sum(1 for p in people if p.email)
    assert (report.people, len(report.diff.added), report.nothing_changed) == (n, n, False)
    assert report.by_channel == {"email": with_email, "paper": n - with_email}

    respondents = {r.pseudonym: r for r in project.store.respondents()}
    assert len(respondents) == n
    assert all(pseudonym.is_valid(p) for p in respondents)
    key = read_key(project)
    assert set(key) == {p.client_number for p in people}
    assert set(key.values()) == set(respondents)
    addresses = read_addresses(project)
    for person in people:
        p, record = addresses[person.client_number]
        assert p == key[person.client_number]
        assert (record.last_name, record.postcode) == (person.last_name, person.postcode)
        expected = Channel.EMAIL if person.email else Channel.PAPER
        assert respondents[p].channel is expected
        assert respondents[p].subgroup == person.subgroup
    assert sorted(f.name for f in project.paths.pii.iterdir()) == [
        "addresses.csv.age",
        "key.csv.age",
    ]
    for f in project.paths.pii.iterdir():
        assert stat.S_IMODE(f.stat().st_mode) == 0o600
        assert f.read_bytes().startswith(b"age-encryption.org/v1\n")
    assert sorted(p.name for p in project.paths.out.iterdir()) == []


@pytest.mark.parametrize("project_dir", ["postgresql"], indirect=True)
def test_the_postgresql_store_holds_no_personal_data(
    project: Project, address_csv: Path, people: list[FakePerson]
) -> None:
    from survey.storecopy import tables

    import_addresses(project, ImportOptions(address_csv))
    store = project.store
    text = "\n".join(
        repr(tuple(r)) for t in tables(store) for r in store.query(f"SELECT * FROM {t}")
    )
    assert store.scalar("SELECT count(*) FROM respondents") == len(people)
    for person in people:
        for value in (person.client_number, person.postcode, person.email, person.street):
            if value:
                assert value not in text, value


def test_limesurvey_participants(
    project: Project, address_csv: Path, people: list[FakePerson]
) -> None:
    import_addresses(project, ImportOptions(address_csv))
    rows = participants(project)
    key = read_key(project)
    assert list(rows[0]) == ["firstname", "lastname", "email", "token", "language", "attribute_1"]
    by_token = {r["token"]: r for r in rows}
    assert len(by_token) == len(people)  # paper people log in with the token too
    for person in people:
        r = by_token[key[person.client_number]]
        assert r["firstname"] == person.first_name
        assert r["lastname"] == f"{person.infix} {person.last_name}".strip()
        assert (r["email"], r["language"], r["attribute_1"]) == (
            person.email,
            "nl",
            person.subgroup,
        )


def test_the_store_holds_no_personal_data(
    project: Project, address_csv: Path, people: list[FakePerson]
) -> None:
    import_addresses(project, ImportOptions(address_csv))
    project.close()  # checkpoints the WAL into store.sqlite
    blob = b"".join(p.read_bytes() for p in project.paths.root.glob("store.sqlite*"))
    for person in people:
        for value in (person.client_number, person.postcode, person.email, person.street):
            if value:
                assert value.encode() not in blob, value


def test_channel_rules(project: Project, address_csv: Path, people: list[FakePerson]) -> None:
    with_settings(project, paper_if_no_email=False)
    report = import_addresses(project, ImportOptions(address_csv))
    without = sum(1 for p in people if not p.email)
    assert report.by_channel == {"email": len(people) - without, "none": without}
    tokens = {r["token"] for r in participants(project)}
    assert len(tokens) == len(people) - without  # people who are not invited are not listed

    record = read_addresses(project)[people[0].client_number][1]
    assert intake.choose_channel(record, ChannelsSection(default="paper")) is Channel.PAPER
    no_mail = dataclasses.replace(record, email="")
    assert intake.choose_channel(no_mail, ChannelsSection(paper_if_no_email=True)) is Channel.PAPER
    assert intake.choose_channel(no_mail, ChannelsSection(paper_if_no_email=False)) is Channel.NONE


@both_stores
def test_reimporting_the_same_file_changes_nothing(project: Project, address_csv: Path) -> None:
    import_addresses(project, ImportOptions(address_csv))
    before = snapshot(project)
    report = import_addresses(project, ImportOptions(address_csv))
    assert report.nothing_changed and not report.diff and report.store_changes == 0
    assert snapshot(project) == before


def test_a_new_channel_rule_applies_on_reimport(
    project: Project, address_csv: Path, people: list[FakePerson]
) -> None:
    import_addresses(project, ImportOptions(address_csv))
    addresses_before = project.paths.addresses.read_bytes()
    without = sum(1 for p in people if not p.email)
    with_settings(project, paper_if_no_email=False)
    report = import_addresses(project, ImportOptions(address_csv))
    assert not report.nothing_changed and not report.diff
    assert report.store_changes == without
    assert project.store.counts().respondents_by_channel["none"] == without
    rows = participants(project)
    assert len(rows) == len(people) - without
    assert project.paths.addresses.read_bytes() == addresses_before


def test_reimporting_the_same_people_as_xlsx_changes_nothing(
    project: Project, address_csv: Path, people: list[FakePerson], tmp_path: Path
) -> None:
    import openpyxl

    import_addresses(project, ImportOptions(address_csv))
    before = snapshot(project)
    wb = openpyxl.Workbook()
    wb.active.append(["Cliëntnummer", "Voornaam", "Tussenvoegsel", "Achternaam", "Straat", "Huisnummer",
                      "Toevoeging", "Postcode", "Woonplaats", "E-mail", "Gemeente",
                      "Subgroep"])  # fmt: skip
    for p in people:
        wb.active.append([*p.row()[:7], p.postcode.replace(" ", "").lower(), *p.row()[8:]])
    wb.save(tmp_path / "adressen.xlsx")
    assert import_addresses(project, ImportOptions(tmp_path / "adressen.xlsx")).nothing_changed
    assert snapshot(project) == before


def changed_file(folder: Path, people: list[FakePerson]) -> tuple[Path, list[FakePerson]]:
    """The address file again with two people dropped, one moved and three added; its people."""
    kept = people[2:]
    kept[0] = dataclasses.replace(kept[0], street="Nieuwe Gracht", house_number=99)
    new_people = kept + fake_people(3, seed=99)
    return write_address_csv(folder / "adressen-2.csv", new_people), new_people


def test_a_changed_file_is_explained_and_refused(
    project: Project, address_csv: Path, people: list[FakePerson], tmp_path: Path
) -> None:
    import_addresses(project, ImportOptions(address_csv))
    before = snapshot(project)
    changed, new_people = changed_file(tmp_path, people)
    with pytest.raises(ConflictError) as info:
        import_addresses(project, ImportOptions(changed))
    added = ", ".join(p.client_number for p in new_people[-3:])
    assert str(info.value) == (
        "adressen-2.csv differs from the addresses imported before:\n"
        f"  3 added: {added}\n"
        f"  2 removed: {people[0].client_number}, {people[1].client_number}\n"
        f"  1 changed: {people[2].client_number} (street, house_number)\n"
        "Nothing was changed. To apply these changes run the command again with --force: "
        "new people get new pseudonyms, removed people are marked withdrawn, "
        "and nobody's pseudonym changes."
    )
    assert snapshot(project) == before


def test_force_applies_changes_without_reissuing(
    project: Project, address_csv: Path, people: list[FakePerson], tmp_path: Path
) -> None:
    import_addresses(project, ImportOptions(address_csv))
    key_before = read_key(project)
    changed, new_people = changed_file(tmp_path, people)
    report = import_addresses(project, ImportOptions(changed, force=True))
    assert (len(report.diff.added), len(report.diff.removed), len(report.diff.changed)) == (3, 2, 1)

    key = read_key(project)
    assert {c: key[c] for c in key_before} == key_before  # nobody's pseudonym changed
    assert len(set(key.values())) == len(people) + 3
    status = {r.pseudonym: r.status for r in project.store.respondents()}
    assert len(status) == len(people) + 3
    for gone in people[:2]:
        assert status[key[gone.client_number]] is RespondentStatus.WITHDRAWN
    addresses = read_addresses(project)
    assert set(addresses) == {p.client_number for p in new_people}  # the removed are gone from pii
    assert addresses[people[2].client_number][1].street == "Nieuwe Gracht"
    tokens = {r["token"] for r in participants(project)}
    assert tokens == {key[p.client_number] for p in new_people}

    # The first file again: the removed come back with their old pseudonym.
    report = import_addresses(project, ImportOptions(address_csv, force=True))
    assert read_key(project) == key
    status = {r.pseudonym: r.status for r in project.store.respondents()}
    assert status[key[people[0].client_number]] is RespondentStatus.ACTIVE
    assert status[key[new_people[-1].client_number]] is RespondentStatus.WITHDRAWN


@both_stores
def test_an_interrupted_import_completes_on_the_next_run(
    project: Project, address_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*args: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(intake, "_sync_store", crash)
    with pytest.raises(KeyboardInterrupt):
        import_addresses(project, ImportOptions(address_csv))
    assert project.store.pseudonyms() == set()
    key = read_key(project)
    monkeypatch.undo()
    report = import_addresses(project, ImportOptions(address_csv))
    assert report.store_changes == len(key) and not report.nothing_changed
    assert project.store.pseudonyms() == set(key.values())
    assert read_key(project) == key


@both_stores
def test_new_pseudonyms_avoid_those_in_the_store(
    project: Project, address_csv: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = pseudonym.new_pseudonyms(5)
    project.store.insert_many(
        "respondents",
        [
            {"pseudonym": p, "channel": "paper", "imported_at": "t", "status": "withdrawn"}
            for p in taken
        ],
    )
    script = iter(taken + pseudonym.new_pseudonyms(100, existing=taken))
    monkeypatch.setattr(pseudonym, "new_pseudonym", lambda: next(script))
    import_addresses(project, ImportOptions(address_csv))
    assert not set(read_key(project).values()) & set(taken)


BROKEN_FILES = {
    "empty.csv": b"",
    "binary.csv": bytes(range(256)) * 4,
    "tabs.csv": b"clientnummer\tachternaam\tstraat\r\nC1\tDijk\tKerkstraat\r\n",
    "columns.csv": b"clientnummer;naam\r\nC1;Dijk\r\n",
    "rows.csv": (
        b"clientnummer;achternaam;straat;huisnummer;postcode;woonplaats\r\n"
        b"C1;Dijk;Kerkstraat;1;2261 AB;Leidschendam\r\n"
        b"C1;Bos;Kerkstraat;2;0261 AB;Leidschendam\r\n"
    ),
}


@pytest.mark.parametrize("name", sorted(BROKEN_FILES))
@pytest.mark.parametrize("after_import", [False, True])
def test_a_broken_file_writes_nothing(
    project: Project, address_csv: Path, tmp_path: Path, name: str, after_import: bool
) -> None:
    if after_import:
        import_addresses(project, ImportOptions(address_csv))
    before = snapshot(project)
    broken = tmp_path / name
    broken.write_bytes(BROKEN_FILES[name])
    with pytest.raises(AddressFileError):
        import_addresses(project, ImportOptions(broken, force=True))
    assert snapshot(project) == before


def test_diff_description_is_short() -> None:
    diff = AddressDiff(added=tuple(f"C{i}" for i in range(8)), changed=(("C9", ("email",)),))
    assert diff.describe() == ["8 added: C0, C1, C2, C3, C4 and 3 more", "1 changed: C9 (email)"]
    assert not AddressDiff() and diff


@both_stores
def test_twenty_thousand_people(project: Project, tmp_path: Path) -> None:
    path = write_address_csv(tmp_path / "groot.csv", fake_people(20_000, seed=5))
    report = import_addresses(project, ImportOptions(path))
    assert report.people == 20_000
    pseudonyms = [r.pseudonym for r in project.store.respondents()]
    assert len(pseudonyms) == len(set(pseudonyms)) == 20_000
    assert all(pseudonym.is_valid(p) for p in pseudonyms)
