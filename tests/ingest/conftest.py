"""Fixtures for the ingest tests: small synthetic pages and scan files made on the fly."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import pytest

from ingest.pipeline import ScanOptions, scan
from papersurvey.simulate.scanfiles import write_scanner_pdf
from survey.executors import SerialExecutor


def synthetic_page(seed: int, dpi: float = 100.0) -> np.ndarray:
    """An A4 gray page at ``dpi`` with a few boxes and a line of text, different per seed."""
    h, w = round(11.69 * dpi), round(8.27 * dpi)
    img = np.full((h, w), 245, np.uint8)
    rng = np.random.default_rng(seed)
    scale = dpi / 100
    cv2.putText(
        img,
        f"page {seed}",
        (int(60 * scale), int(120 * scale)),
        cv2.FONT_HERSHEY_SIMPLEX,
        1.5 * scale,
        0,
        max(1, int(3 * scale)),
    )
    for _ in range(12):
        x, y = int(rng.integers(50, w - 100)), int(rng.integers(200, h - 100))
        s = int(18 * scale)
        cv2.rectangle(img, (x, y), (x + s, y + s), 0, max(1, int(2 * scale)))
        if rng.random() < 0.5:
            cv2.line(img, (x, y), (x + s, y + s), 20, max(1, int(2 * scale)))
    return img


@pytest.fixture
def page_images() -> list[np.ndarray]:
    return [synthetic_page(i) for i in range(4)]


@pytest.fixture
def scans(tmp_path: Path) -> Path:
    d = tmp_path / "scans"
    d.mkdir()
    return d


# ---------------------------------------------------------------------------------------------
# A survey round with simulated returned questionnaires (built once per test session).

ROUND_RESPONDENTS = 3
ROUND_DPI = 150  # lower than a real scanner: the tests are about ingest, not about the OMR


@dataclass(frozen=True)
class RoundTemplate:
    """A project folder with respondents, and the JPEG pages of their returned questionnaires.

    Attributes:
        root: the template project folder (copy it; never scan into it).
        form_maps: the round's form maps per language.
        pseudonyms: the respondents, in the order their pages appear in ``pages``.
        pages: JPEG bytes of every page, respondent after respondent.
        page_count: pages per questionnaire.
    """

    root: Path
    form_maps: dict
    pseudonyms: tuple[str, ...]
    pages: tuple[bytes, ...]
    page_count: int


def simulate_pages(
    root: Path, pseudonym: str, seed: int, *, dpi: int = ROUND_DPI, key: bytes | None = None
) -> list[np.ndarray]:
    """Gray page images of one respondent's returned questionnaire (ordinary office scan)."""
    from layout.questionnaire import QuestionnaireLayout
    from papersurvey.simulate.damage import draw_damage
    from papersurvey.simulate.sheets import simulate_respondent
    from print_batches.painters import layout_options
    from survey.project import Project

    with Project.open(root) as project:
        q = project.load_questionnaire()
        layout = QuestionnaireLayout(q, layout_options(project, project.settings.default_language))
        rng = np.random.default_rng(seed)
        damage = dataclasses.replace(draw_damage(rng, extra_kinds=(0, 0)), dpi=dpi)
        sheets = simulate_respondent(layout, q, key or project.key, pseudonym, rng, damage=damage)
    return [s.image for s in sheets]


def round_store(root: Path):
    """The round's store, wherever ``survey.toml`` puts it (SQLite or PostgreSQL)."""
    from survey.project import ProjectPaths, store_location
    from survey.store import Store

    return Store.open(store_location(ProjectPaths(root)))


def add_respondents(root: Path, pseudonyms) -> None:
    with round_store(root) as store, store.transaction():
        for p in pseudonyms:
            store.insert(
                "respondents",
                {"pseudonym": p, "channel": "paper", "imported_at": "2027-01-01T00:00:00Z"},
            )


def new_respondents(project, n: int, channel: str = "email", **columns: str) -> list[str]:
    """Put ``n`` new respondents in the project's store, for the online-import tests.

    The online tests of this folder each need a few invited respondents whose
    tokens a LimeSurvey export can name; this is the one place that adds them.

    Args:
        project: the open project (``survey.project.Project``) whose store gets them.
        n: how many respondents.
        channel: how they were invited (``email`` or ``paper``).
        **columns: further ``respondents`` columns, the same for each.

    Returns:
        Their pseudonyms, in insertion order.
    """
    from survey.pseudonym import new_pseudonyms
    from survey.store import utc_now

    codes = new_pseudonyms(n)
    with project.store.transaction():
        for p in codes:
            project.store.insert(
                "respondents",
                {"pseudonym": p, "channel": channel, **columns, "imported_at": utc_now()},
            )
    return codes


@pytest.fixture
def questionnaire():
    """The built-in questionnaire (``default_questionnaire()``), which the online tests import into."""
    from survey.questionnaire import default_questionnaire

    return default_questionnaire()


@pytest.fixture(scope="session")
def round_template(tmp_path_factory) -> RoundTemplate:
    from ingest.pipeline import round_maps
    from papersurvey.simulate.scanfiles import encode_jpeg
    from survey.entropy import now, seeded
    from survey.project import NewProjectOptions, create_project
    from survey.pseudonym import new_pseudonyms

    root = tmp_path_factory.mktemp("template") / "kbo-test"
    # The key and the pseudonyms are drawn from a seed: every run prints and reads the same pages.
    with seeded(100, now()):
        with create_project(NewProjectOptions(root, municipality="Testdorp")) as project:
            maps = round_maps(project).maps
        pseudonyms = tuple(sorted(new_pseudonyms(ROUND_RESPONDENTS)))
    add_respondents(root, pseudonyms)
    pages = []
    for i, p in enumerate(pseudonyms):
        pages += [encode_jpeg(img, 85) for img in simulate_pages(root, p, seed=100 + i)]
    return RoundTemplate(root, maps, pseudonyms, tuple(pages), len(maps["nl"].pages))


@pytest.fixture
def round_dir(
    round_template: RoundTemplate, tmp_path: Path, request: pytest.FixtureRequest
) -> Path:
    """A fresh copy of the template round, with a ``scans/`` folder to write scan files in.

    Parametrised indirectly with ``"postgresql"``, its store is in a fresh PostgreSQL schema.
    """
    dest = tmp_path / "round"
    shutil.copytree(round_template.root, dest)
    if getattr(request, "param", "sqlite") == "postgresql":
        move_store_to(dest, request.getfixturevalue("pg_url"))
    return dest


def move_store_to(root: Path, url: str) -> None:
    """Move a round's ``store.sqlite`` into the new PostgreSQL store ``url`` (``[store] url``)."""
    from survey.settings import set_setting
    from survey.store import Store
    from survey.storecopy import copy_store

    with Store.open(root / "store.sqlite") as src, Store.open(url, create=True) as dst:
        copy_store(src, dst)
    set_setting(root / "survey.toml", "store", "url", url)
    for f in root.glob("store.sqlite*"):
        f.unlink()


@pytest.fixture
def pg_round_dir(round_dir: Path, pg_url: str) -> Path:
    """``round_dir`` with its store in a fresh PostgreSQL schema."""
    move_store_to(round_dir, pg_url)
    return round_dir


@pytest.fixture(params=["sqlite", "postgresql"])
def any_round_dir(request: pytest.FixtureRequest, round_dir: Path) -> Path:
    """``round_dir`` on each engine in turn."""
    if request.param == "postgresql" and (round_dir / "store.sqlite").exists():
        move_store_to(round_dir, request.getfixturevalue("pg_url"))
    return round_dir


def store_snapshot(root: Path) -> dict[str, object]:
    """Everything a scan run decides, without timestamps, timings or file paths."""
    queries = {
        "files": "SELECT f.sha256, f.pages, i.batch, i.seq, i.kind, i.problem, i.warning "
        "FROM scan_files f JOIN scan_file_info i ON i.sha256 = f.sha256 ORDER BY 1",
        "positions": "SELECT file_sha256, page_index, image_sha256, outcome, reason FROM scan_pages ORDER BY 1, 2",
        "pages": "SELECT image_sha256, file_sha256, page_index, pseudonym, page_no, status, reason, result "
        "FROM pages ORDER BY 1",
        "measures": "SELECT image_sha256, batch, stage, measures, measurement FROM page_measures ORDER BY 1",
        "batches": "SELECT name, calibration FROM scan_batches ORDER BY 1",
        "answers": "SELECT * FROM answers ORDER BY pseudonym, question, source",
        "review": "SELECT pseudonym, question, page_sha256, reason, state FROM review_items ORDER BY 3, 2",
        "clips": "SELECT * FROM clips ORDER BY 1, 2",
    }
    with round_store(root) as store:
        snap: dict[str, object] = {
            k: [tuple(r) for r in store.query(q)] for k, q in queries.items()
        }
    clips = root / "clips"
    snap["clip_files"] = sorted(
        (p.relative_to(clips).as_posix(), hashlib.sha256(p.read_bytes()).hexdigest())
        for p in clips.rglob("*")
        if p.is_file() and ".candidates" not in p.parts
    )
    snap["candidates_left"] = sorted(p.name for p in (clips / ".candidates").glob("*"))
    return snap


BATCH = "b1"


def run(root: Path, paths, template: RoundTemplate, **kw):
    """A serial scan run of batch ``BATCH``."""
    kw.setdefault("batch", BATCH)
    options = ScanOptions(root, tuple(paths), template.form_maps, workers=1, **kw)
    return scan(options, executor=SerialExecutor())


def write_pdf(path: Path, pages, dpi: float = ROUND_DPI) -> Path:
    """A scanner PDF of JPEG pages."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_scanner_pdf(path, list(pages), dpi=dpi)
    return path


@pytest.fixture(scope="session")
def clean(round_template, tmp_path_factory):
    """The snapshot of a clean, uninterrupted serial run over the whole batch."""
    root = tmp_path_factory.mktemp("clean") / "round"
    shutil.copytree(round_template.root, root)
    pdf = write_pdf(root / "scans" / "batch.pdf", round_template.pages)
    report = run(root, [pdf], round_template)
    return store_snapshot(root), report


def assert_same_store(got: dict[str, object], want: dict[str, object]) -> None:
    """``got == want``, failing with the first differing table and row (readable for blobs)."""
    for key in want:
        g, w = got[key], want[key]
        if g == w:
            continue
        if isinstance(g, list) and isinstance(w, list):
            only_g = [r for r in g if r not in w]
            only_w = [r for r in w if r not in g]
            detail = f"{len(only_g)} rows only in the result, {len(only_w)} only in the reference"
            if only_g and only_w:
                a, b = only_g[0], only_w[0]
                cols = [i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]
                detail += (
                    f"; first pair differs in columns {cols}: {str(a)[:300]} vs {str(b)[:300]}"
                )
            raise AssertionError(f"store table {key!r} differs: {detail}")
        raise AssertionError(f"{key!r} differs: {g!r} vs {w!r}")
