"""Fixtures for the analysis tests: project folders with paper and online answers in the store.

``make_round(project, ...)`` puts invented respondents into a project's store:
paper answers as the scan ingest writes them (``answers``, ``source =
'paper'``) and online answers through the real LimeSurvey import, all drawn
by :class:`papersurvey.simulate.online.Simulator` from a seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.online_store import OnlineImportOptions, import_online
from papersurvey.simulate.online import SimulatedResponse, Simulator, write_limesurvey_csv
from survey.project import Project
from survey.pseudonym import new_pseudonyms
from survey.store import Store, utc_now

SUBGROUPS = ("Leidschendam", "Voorburg", "Stompwijk")


@dataclass(frozen=True)
class Round:
    """What :func:`make_round` put in the store."""

    pseudonyms: list[str]
    paper: dict[str, dict[str, str]]
    online: dict[str, dict[str, str]]


def add_respondents(
    store: Store, codes: list[str], channel: str = "paper", subgroup: str = ""
) -> None:
    with store.transaction():
        for i, p in enumerate(codes):
            store.insert(
                "respondents",
                {
                    "pseudonym": p,
                    "channel": channel,
                    "subgroup": subgroup or SUBGROUPS[i % len(SUBGROUPS)],
                    "imported_at": utc_now(),
                },
            )


def add_paper(
    store: Store, pseudonym: str, answers: dict[str, str | None], source: str = "paper"
) -> None:
    with store.transaction():
        for q, v in answers.items():
            store.insert(
                "answers",
                {
                    "pseudonym": pseudonym,
                    "question": q,
                    "value": v,
                    "source": source,
                    "confidence": 0.99,
                },
            )


def add_online(
    project: Project, tmp: Path, responses: list[SimulatedResponse], name: str = "online.csv"
) -> None:
    q = project.load_questionnaire()
    path = write_limesurvey_csv(tmp / name, q, responses)
    import_online(project.store, q, OnlineImportOptions(path))


def make_round(
    project: Project,
    tmp: Path,
    *,
    n: int = 60,
    paper: float = 0.4,
    online: float = 0.35,
    seed: int = 7,
) -> Round:
    """``n`` respondents; a share answers on paper, another share online, the rest not."""
    rng = random.Random(seed)
    q = project.load_questionnaire()
    sim = Simulator(q)
    codes = sorted(new_pseudonyms(n))
    add_respondents(project.store, codes[: n // 2], "paper")
    add_respondents(project.store, codes[n // 2 :], "email")
    paper_answers: dict[str, dict[str, str]] = {}
    online_answers: dict[str, dict[str, str]] = {}
    responses = []
    for i, p in enumerate(codes):
        u = rng.random()
        if u < paper:
            paper_answers[p] = sim.answers(rng)
            add_paper(project.store, p, dict(paper_answers[p]))
        elif u < paper + online:
            online_answers[p] = sim.answers(rng)
            stamp = f"2027-03-{1 + i % 20:02d} 10:00:00"
            responses.append(SimulatedResponse(p, online_answers[p], stamp, 10))
    add_online(project, tmp, responses)
    return Round(codes, paper_answers, online_answers)


def simulated_texts(r: Round, question: str) -> list[str]:
    """The distinct answers to ``question`` of the round's simulated respondents, sorted.

    Safe to quote: none holds a phone number or an e-mail address. They depend
    on the seed alone, whereas the dataset's row order follows the pseudonyms,
    which are drawn at random: the first answer in the dataset may be one of
    the flagged texts that :func:`open_round` adds.
    """
    given = {a[question] for a in (*r.paper.values(), *r.online.values()) if question in a}
    return sorted(given)


@pytest.fixture
def round_project(project: Project, tmp_path: Path) -> Iterator[tuple[Project, Round]]:
    """The shared ``project`` with a small round of paper and online answers."""
    yield project, make_round(project, tmp_path)


@pytest.fixture
def closed_round(round_project: tuple[Project, Round]) -> tuple[Path, Round]:
    """The folder of ``round_project`` and its round, the project closed for the CLI to open."""
    project, r = round_project
    project.close()
    return project.paths.root, r


MakeRound = Callable[..., Round]


# ---------------------------------------------------------------- open answers

PHONE_TEXT = "Bel me terug op 06-12345678, dat is sneller."
EMAIL_TEXT = "Mail mij gerust: piet.jansen@example.nl"
BOTH_TEXT = "Ik gaf 070-123 45 67 en piet.jansen@example.nl op, niemand reageerde."
PAPER_TWICE = "Op papier schreef ik dit, maar online telde."
ONLINE_TWICE = "Online schreef ik iets anders."


@dataclass(frozen=True)
class OpenRound:
    """A closed project folder with a round whose open answers are known.

    Attributes:
        root: the project folder.
        round: what :func:`make_round` put in the store.
        extra: open answers added on paper: pseudonym -> answers (flagged texts).
        twice: the respondent who answered on paper and online (the online one counts).
    """

    root: Path
    round: Round
    extra: dict[str, dict[str, str]]
    twice: str


@pytest.fixture(scope="module")
def open_round(tmp_path_factory: pytest.TempPathFactory) -> OpenRound:
    """A round (built once per test module) with flagged open answers and a duplicate.

    Three extra paper respondents wrote a phone number, an e-mail address and
    both; one more answered on paper (no scan time) and online (a submit
    date), so the online response wins and the paper text must not count.
    """
    from survey.project import NewProjectOptions, create_project

    tmp = tmp_path_factory.mktemp("open")
    root = tmp / "kbo-open"
    create_project(NewProjectOptions(root, municipality="Leidschendam-Voorburg")).close()
    with Project.open(root) as project:
        r = make_round(project, tmp, n=60)
        codes = sorted(new_pseudonyms(4, existing=r.pseudonyms))
        add_respondents(project.store, codes, "paper", "Voorburg")
        extra = {
            codes[0]: {"q01_grade_overall": "7", "q58_improve_point_explain": PHONE_TEXT},
            codes[1]: {"q01_grade_overall": "8", "q56_good_point_explain": EMAIL_TEXT},
            codes[2]: {"q01_grade_overall": "5", "q58_improve_point_explain": BOTH_TEXT},
        }
        for p, answers in extra.items():
            add_paper(project.store, p, dict(answers))
        twice = codes[3]
        add_paper(project.store, twice, {"q56_good_point_explain": PAPER_TWICE})
        online = {"q01_grade_overall": "6", "q56_good_point_explain": ONLINE_TWICE}
        add_online(
            project, tmp, [SimulatedResponse(twice, online, "2027-03-02 09:00:00", 10)], "twice.csv"
        )
    return OpenRound(root, r, extra, twice)
