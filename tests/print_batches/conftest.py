"""Fixtures for print_batches: small project folders with imported addresses."""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from papersurvey.demo.addresses import fake_people, write_address_csv
from survey.intake import ImportOptions, import_addresses
from survey.project import NewProjectOptions, Project, create_project

MakeProject = Callable[..., Project]
MakeFolder = Callable[..., Path]
ONLINE = {"base_url": "https://enquete.example.nl", "limesurvey_sid": "123456"}


def new_project(
    root: Path, n: int, *, email_share: float = 0.4, seed: int = 7, name: str = "kbo"
) -> Path:
    """A project folder under ``root`` with ``n`` invented people imported.

    ``email_share`` of them have an e-mail address; with the default settings
    they get channel ``email``, the others ``paper``.
    """
    directory = root / name
    create_project(NewProjectOptions(directory, municipality="Leidschendam-Voorburg")).close()
    toml = directory / "survey.toml"
    text = toml.read_text(encoding="utf-8")
    for key, value in ONLINE.items():
        text = text.replace(f'{key} = ""', f'{key} = "{value}"', 1)
    toml.write_text(text, encoding="utf-8")
    people = fake_people(n, seed=seed, email_share=email_share)
    csv_path = write_address_csv(root / f"{name}-adressen.csv", people)
    with Project.open(directory) as project:
        import_addresses(project, ImportOptions(csv_path))
    return directory


@pytest.fixture
def make_project(tmp_path: Path) -> Iterator[MakeProject]:
    """Make an opened project with ``n`` people imported (closed after the test)."""
    opened: list[Project] = []

    def make(n: int = 7, **kwargs: object) -> Project:
        project = Project.open(new_project(tmp_path, n, **kwargs))  # type: ignore[arg-type]
        opened.append(project)
        return project

    yield make
    for p in opened:
        p.close()


@pytest.fixture
def make_folder(tmp_path: Path) -> MakeFolder:
    """Make a project folder with ``n`` people imported, not left open (see :func:`new_project`).

    For the tests of the commands, which open the folder themselves.
    """
    return functools.partial(new_project, tmp_path)


def edit_questionnaire(
    root: Path, name: str = "note_intro", column: str = "label::nl", text: str = "Korte inleiding."
) -> None:
    """Change one cell of the project's questionnaire (``survey.csv``) after printing.

    The default shortens the Dutch introduction on page 1, which moves the
    boxes below it: a questionnaire that now lays out differently.
    """
    path = root / "questionnaire" / "survey.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    col, key = rows[0].index(column), rows[0].index("name")
    hits = [row for row in rows[1:] if row[key] == name]
    assert hits, f"no row {name!r} in {path}"
    for row in hits:
        row[col] = text
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
