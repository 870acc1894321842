"""Fixtures for the review tests: a real round scanned through the real pipeline.

The round is the ingest tests' round (three respondents, simulated scans;
``tests.ingest.conftest.round_template``) plus a second scan file that puts
something on every list of the review UI:

* a page of a stranger's questionnaire printed with another round's key (``foreign``);
* a sheet that is not a questionnaire at all (``unregistrable``);
* page 3 of the blank reference print, filled in (``unidentified``; the box
  layout says it is page 3, so the machine read its boxes);
* a second, differently filled copy of page 2 of the first respondent
  (``returned_twice``);
* page 1 of a fourth respondent who often crossed two answers on one question
  (question items that do not depend on the ingest round's chance marks);
* and a fifth respondent with no pages yet, to assign the reference page to.

The question items come from the simulated respondents' unclear marks.
Built once per test session; every test gets a fresh copy.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from papersurvey.simulate.scanfiles import encode_jpeg
from review.app import ReviewApp, ReviewConfig
from review.auth import add_operator
from survey.entropy import now, seeded
from survey.pseudonym import new_pseudonym
from survey.questionnaire import load_questionnaire
from survey.store import Store
from tests.ingest.conftest import (
    ROUND_DPI,
    RoundTemplate,
    add_respondents,
    move_store_to,
    round_store,
    round_template,
    run,
    simulate_pages,
    synthetic_page,
    write_pdf,
)

__all__ = ["round_template"]  # the ingest fixture, used here

OPERATOR = "anna"
PASSWORD = "correct horse battery"


@dataclass(frozen=True)
class ReviewRound:
    """The scanned review round (a template: copy it with ``review_dir``).

    Attributes:
        root: the project folder.
        template: the ingest round it was made from (form maps, pseudonyms).
        newcomer: the respondent with no pages, to assign a page to.
    """

    root: Path
    template: RoundTemplate
    newcomer: str

    @property
    def form_map(self):
        return self.template.form_maps["nl"]


def doubled_page(root: Path, pseudonym: str, page_no: int, seed: int) -> np.ndarray:
    """Page ``page_no`` of a respondent who crosses two answers on a third of the questions."""
    from layout.questionnaire import QuestionnaireLayout
    from papersurvey.simulate.damage import draw_damage
    from papersurvey.simulate.sheets import Behaviour, simulate_respondent
    from print_batches.painters import layout_options
    from survey.project import Project

    with Project.open(root) as project:
        q = project.load_questionnaire()
        layout = QuestionnaireLayout(q, layout_options(project, project.settings.default_language))
        rng = np.random.default_rng(seed)
        damage = dataclasses.replace(draw_damage(rng, extra_kinds=(0, 0)), dpi=ROUND_DPI)
        (sheet,) = simulate_respondent(
            layout,
            q,
            project.key,
            pseudonym,
            rng,
            damage=damage,
            behaviour=Behaviour(double=0.35, stray=0.0),
            pages=(page_no,),
        )
    return sheet.image


def page_item(where: Path | Store, reason: str) -> int:
    """The id of the (first) page item with ``reason``, in a round's folder or an open store."""
    sql = "SELECT id FROM review_items WHERE question = '' AND reason = ? ORDER BY id"
    if isinstance(where, Store):
        row = where.query_one(sql, (reason,))
    else:
        with round_store(where) as store:
            row = store.query_one(sql, (reason,))
    assert row is not None, f"the review round has no page item {reason!r}"
    return int(row[0])


@pytest.fixture(scope="session")
def review_round(round_template: RoundTemplate, tmp_path_factory) -> ReviewRound:
    root = tmp_path_factory.mktemp("review") / "round"
    shutil.copytree(round_template.root, root)
    first = round_template.pseudonyms[0]
    with seeded(120, now()):  # the same pseudonyms, so the same pages, on every run
        newcomer, doubler = new_pseudonym(), new_pseudonym()
    add_respondents(root, [newcomer, doubler])
    foreign = simulate_pages(root, first, seed=5, key=bytes(32))[0]
    reference = simulate_pages(root, None, seed=11)[2]  # type: ignore[arg-type]
    second_copy = simulate_pages(root, first, seed=12)[1]
    extra = [
        encode_jpeg(foreign),
        encode_jpeg(synthetic_page(7, dpi=150)),
        encode_jpeg(reference),
        encode_jpeg(second_copy),
        encode_jpeg(doubled_page(root, doubler, 1, seed=13)),
    ]
    batch = write_pdf(root / "scans" / "batch.pdf", round_template.pages)
    late = write_pdf(root / "scans" / "late.pdf", extra)
    run(root, [batch, late], round_template)
    with Store.open(root / "store.sqlite") as store:
        add_operator(store, OPERATOR, PASSWORD)
        reasons = {
            r[0]: r[1]
            for r in store.query(
                "SELECT reason, count(*) FROM review_items WHERE question = '' GROUP BY reason"
            )
        }
        questions = store.scalar("SELECT count(*) FROM review_items WHERE question != ''")
    expected = {"foreign", "unregistrable", "unidentified", "returned_twice"}
    assert set(reasons) == expected, reasons
    assert questions >= 2, "the simulated respondents made too few unclear marks"
    return ReviewRound(root, round_template, newcomer)


@pytest.fixture
def review_dir(review_round: ReviewRound, tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    """A fresh copy of the scanned review round.

    Its store is ``store.sqlite``; a module that parametrises this fixture
    indirectly with ``"postgresql"`` gets it moved to a fresh PostgreSQL schema.
    """
    dest = tmp_path / "round"
    shutil.copytree(review_round.root, dest)
    if getattr(request, "param", "sqlite") == "postgresql":
        move_store_to(dest, request.getfixturevalue("pg_url"))
    return dest


@pytest.fixture
def store(review_dir: Path) -> Iterator[Store]:
    with round_store(review_dir) as s:
        yield s


@pytest.fixture(scope="session")
def questionnaire(review_round: ReviewRound):
    return load_questionnaire(review_round.root / "questionnaire")


class FakeOcr:
    """A draft engine that answers at once with a fixed text and records its calls."""

    def __init__(self, text: str = "de wachttijd aan de telefoon was te lang") -> None:
        self.text = text
        self.calls: list[tuple[str, str]] = []
        self._lock = threading.Lock()

    def __call__(self, clip: Path, language: str) -> str:
        with self._lock:
            self.calls.append((clip.name, language))
        return self.text


@pytest.fixture
def ocr() -> FakeOcr:
    return FakeOcr()


@pytest.fixture
def config(review_dir: Path, review_round: ReviewRound, questionnaire, ocr) -> ReviewConfig:
    return ReviewConfig(review_dir, questionnaire, review_round.form_map, draft_ocr=ocr)


@pytest.fixture
def app(config: ReviewConfig) -> ReviewApp:
    return ReviewApp(config)
