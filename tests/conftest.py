"""Shared fixtures: temporary project folders and address files.

* ``project_dir``: a fresh project folder (``papersurvey new``) with the shipped
  questionnaire, closed again; ``project``: the same folder, opened.
* ``people``: 40 invented people (``papersurvey.demo.addresses``), with and
  without e-mail; ``address_csv``: them as a municipality delivers them.
* ``write_csv``: write rows as CSV bytes with a chosen delimiter and encoding.
* ``dask_cluster``: one small local Dask cluster for the session (executors, scan).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from papersurvey.demo.addresses import FakePerson, fake_people, write_address_csv
from survey.project import NewProjectOptions, Project, create_project

WriteCsv = Callable[..., Path]

pytest_plugins = ["tests.stores"]  # pg_url, store_location: the stores the tests run on


@pytest.fixture
def project_dir(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A new project folder, as ``papersurvey new`` makes it.

    Its store is ``store.sqlite``; parametrised indirectly with ``"postgresql"``
    it is a fresh PostgreSQL schema (``papersurvey new --store URL``).
    """
    directory = tmp_path / "kbo-2027-test"
    url = None
    if getattr(request, "param", "sqlite") == "postgresql":
        url = request.getfixturevalue("pg_url")
    create_project(
        NewProjectOptions(directory, municipality="Leidschendam-Voorburg", store_url=url)
    ).close()
    return directory


@pytest.fixture
def project(project_dir: Path) -> Iterator[Project]:
    """The new project folder, opened; closed after the test."""
    with Project.open(project_dir) as p:
        yield p


@pytest.fixture
def people() -> list[FakePerson]:
    """40 invented people with distinct client numbers; some have no e-mail."""
    return fake_people(40, seed=11)


@pytest.fixture
def address_csv(tmp_path: Path, people: list[FakePerson]) -> Path:
    """``people`` as Dutch Excel writes them: semicolons, UTF-8 with BOM."""
    return write_address_csv(tmp_path / "adressen.csv", people)


def csv_bytes(
    rows: Sequence[Sequence[object]], *, delimiter: str = ";", encoding: str = "utf-8-sig"
) -> bytes:
    """Rows as CSV bytes."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buf.getvalue().encode(encoding)


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """``write_csv(name, rows, delimiter=";", encoding="utf-8-sig") -> Path``."""

    def write(name: str, rows: Sequence[Sequence[object]], **kwargs: str) -> Path:
        path = tmp_path / name
        path.write_bytes(csv_bytes(rows, **kwargs))
        return path

    return write


@pytest.fixture(scope="session")
def dask_cluster():
    """One small local Dask cluster (two worker processes) for the whole session."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    yield cluster
    cluster.close()
