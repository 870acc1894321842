"""Simulated respondents for the demo and the tests: answers, and a LimeSurvey export.

Nothing here is used on real data. :func:`simulate_answers` fills in a
questionnaire the way a respondent would: it follows the routing (a question
or group whose ``relevant`` does not hold is skipped), leaves a few questions
open, and draws grades around a 7 and agree answers leaning to "mee eens".
:func:`write_limesurvey_csv` writes responses exactly as LimeSurvey's
*Export responses* does (UTF-8 BOM, every field quoted, question codes as
headings (the codes of :mod:`survey.limesurvey`), grids as ``ARRAY[SUBQUESTION]``, multiple choice as ``Q[choice]``
with ``Y``), and :func:`simulate_online_export` does both for the online
respondents of a project folder.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from analysis.scales import Kind, Scale, scales
from survey.limesurvey import derive_codes
from survey.limesurvey_structure import OTHER_VALUE, fields, structure
from survey.model import LANGUAGES, OTHER, Group, Item, Question, Questionnaire, QuestionType
from survey.project import Project
from survey.routing import evaluate
from survey.store import Channel

_OPEN_TEXTS = (
    "De medewerkers zijn vriendelijk en denken met mij mee.",
    "Ik word niet teruggebeld als dat is afgesproken.",
    "Mijn uitkering komt altijd op tijd.",
    "Ik krijg steeds een andere klantmanager.",
    "De brieven zijn moeilijk te begrijpen.",
    "Goed geholpen bij het zoeken naar werk.",
)


@dataclass(frozen=True)
class Tendency:
    """How positive the simulated respondents are.

    Attributes:
        grade_mean: the mean of the grades drawn (before rounding to 1-10).
        grade_sd: their standard deviation.
        agree_weights: relative weights of the agree codes, most negative first.
        dont_know: the chance of a *don't know* answer where one is offered.
        skip: the chance of leaving a question open.
    """

    grade_mean: float = 7.3
    grade_sd: float = 1.5
    agree_weights: tuple[float, ...] = (0.05, 0.09, 0.14, 0.47, 0.25)
    dont_know: float = 0.06
    skip: float = 0.04


def _single_weights(name: str, k: int) -> list[float]:
    """Fixed, uneven answer shares per question (seeded by its name), like real distributions."""
    r = random.Random(name)
    return [r.uniform(0.2, 1.0) ** 2 for _ in range(k)]


def _draw(q: Question, scale: Scale, rng: random.Random, t: Tendency) -> str | None:
    if rng.random() < t.skip:
        return None
    if scale.dont_know and rng.random() < t.dont_know:
        return rng.choice(scale.dont_know)
    if scale.kind is Kind.GRADE:
        return str(min(10, max(1, round(rng.gauss(t.grade_mean, t.grade_sd)))))
    if scale.kind is Kind.AGREE:
        weights = list(t.agree_weights[: len(scale.valid)])
        weights += [weights[-1]] * (len(scale.valid) - len(weights))
        return rng.choices(scale.valid, weights=weights)[0]
    if scale.kind is Kind.SINGLE:
        return rng.choices(scale.valid, weights=_single_weights(q.name, len(scale.valid)))[0]
    if scale.kind is Kind.MULTIPLE:
        chosen = [c for c in scale.valid if rng.random() < 0.3] or [rng.choice(scale.valid)]
        return " ".join(chosen)
    if scale.kind is Kind.INTEGER:
        return str(rng.randint(0, 10))
    return rng.choice(_OPEN_TEXTS) if rng.random() < 0.4 else None


class Simulator:
    """Fills in ``questionnaire`` like a respondent would (see :func:`simulate_answers`)."""

    def __init__(self, questionnaire: Questionnaire, tendency: Tendency | None = None) -> None:
        self.questionnaire = questionnaire
        self.tendency = tendency or Tendency()
        self.scales = scales(questionnaire)

    def answers(self, rng: random.Random) -> dict[str, str]:
        """One respondent's answers (question name -> stored value), following the routing."""
        answers: dict[str, str] = {}

        def walk(items: Iterable[Item]) -> None:
            for item in items:
                if item.relevant is not None and not evaluate(item.relevant, answers):
                    continue
                if isinstance(item, Group):
                    walk(item.items)
                elif item.other_of:  # "Anders, namelijk": whoever ticks it writes something
                    answers[item.name] = rng.choice(_OPEN_TEXTS)
                elif item.is_answerable:
                    value = _draw(item, self.scales[item.name], rng, self.tendency)
                    if value is not None:
                        answers[item.name] = value

        walk(self.questionnaire.items)
        return answers


def simulate_answers(
    questionnaire: Questionnaire, rng: random.Random, tendency: Tendency | None = None
) -> dict[str, str]:
    """One respondent's answers (question name -> stored value), following the routing."""
    return Simulator(questionnaire, tendency).answers(rng)


@dataclass(frozen=True)
class SimulatedResponse:
    """One simulated online response: a token, its answers and how far it got."""

    token: str
    answers: Mapping[str, str]
    submitted_at: str  # "YYYY-MM-DD HH:MM:SS", "" for a partial response
    lastpage: int
    language: str = "nl"


def _columns(questionnaire: Questionnaire) -> list[tuple[str, Question, str]]:
    """(heading, question, choice) per export column, in LimeSurvey's order, by the round's codes."""
    codes = derive_codes(questionnaire)
    cols = fields(structure(questionnaire, codes), LANGUAGES)
    return [(f.code, questionnaire.question(f.question), f.choice) for f in cols if f.question]


def write_limesurvey_csv(
    path: Path,
    questionnaire: Questionnaire,
    responses: Sequence[SimulatedResponse],
    *,
    delimiter: str = ",",
    extra_columns: Mapping[str, str] | None = None,
) -> Path:
    """Write ``responses`` as LimeSurvey's CSV response export (question codes, answer codes).

    Args:
        extra_columns: more columns with one value for every row (for tests:
            participant fields such as ``email`` that must never be stored).
    """
    cols = _columns(questionnaire)
    extra = dict(extra_columns or {})
    head = ["id", "token", "submitdate", "lastpage", "startlanguage", "seed", *extra]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(head + [h for h, _, _ in cols])
    for i, r in enumerate(responses, start=1):
        row = [str(i), r.token, r.submitted_at, str(r.lastpage), r.language, str(1000 + i)]
        row += list(extra.values())
        for _, q, choice in cols:
            value = r.answers.get(q.name, "")
            if choice:
                row.append("Y" if choice in value.split() else "")
            elif q.or_other and q.type is QuestionType.SELECT_ONE and value == OTHER:
                row.append(OTHER_VALUE)  # LimeSurvey's answer for its "other"
            else:
                row.append(value)
        writer.writerow(row)
    path.write_bytes(b"\xef\xbb\xbf" + (buf.getvalue() + "\r\n").encode("utf-8"))
    return path


def _truncate(
    questionnaire: Questionnaire, answers: Mapping[str, str], rng: random.Random
) -> tuple[dict[str, str], int]:
    """Answers of a respondent who stopped part way, and the page (top-level group) reached."""
    groups = [i for i in questionnaire.items if isinstance(i, Group)]
    stop = rng.randint(1, max(1, len(groups) - 1))
    kept = {q.name for g in groups[:stop] for q in g.questions()}
    return {k: v for k, v in answers.items() if k in kept}, stop


def simulate_online_export(
    project_dir: Path,
    out: Path | None = None,
    *,
    email_rate: float = 0.5,
    paper_rate: float = 0.1,
    partial_rate: float = 0.08,
    seed: int = 2027,
    delimiter: str = ",",
) -> Path:
    """Simulate the online answers of a round and write them as a LimeSurvey export.

    Respondents invited by e-mail answer online with chance ``email_rate``;
    those who got a paper letter use its login code online with chance
    ``paper_rate`` (some of them return the paper questionnaire as well, which
    the analysis resolves as a duplicate). A share ``partial_rate`` stops part
    way and never submits.

    Each respondent's draws follow from ``seed`` and their place in the
    address file (:mod:`.draws`), not from their random pseudonym, so one seed
    gives the same people the same answers; the export lists them in that order.

    Returns:
        The export file (default ``DIR/online/limesurvey-responses.csv``).
    """
    from papersurvey.simulate.draws import Purpose, positions, python_rng

    with Project.open(project_dir) as project:
        questionnaire = project.load_questionnaire()
        position = positions(project)
        respondents = sorted(project.store.respondents(), key=lambda r: position[r.pseudonym])
        out = out or project.paths.online / "limesurvey-responses.csv"
    groups = sum(isinstance(i, Group) for i in questionnaire.items)
    start = dt.datetime(2027, 3, 1, 9, 0, 0)
    responses = []
    sim = Simulator(questionnaire)
    for r in respondents:
        rng = python_rng(seed, Purpose.ONLINE, position[r.pseudonym])
        rate = email_rate if r.channel is Channel.EMAIL else paper_rate
        if r.channel is Channel.NONE or rng.random() >= rate:
            continue
        answers = sim.answers(rng)
        when = start + dt.timedelta(minutes=rng.randint(0, 60 * 24 * 21))
        if rng.random() < partial_rate:
            partial, page = _truncate(questionnaire, answers, rng)
            responses.append(SimulatedResponse(r.pseudonym, partial, "", page, r.language))
        else:
            stamp = when.strftime("%Y-%m-%d %H:%M:%S")
            responses.append(SimulatedResponse(r.pseudonym, answers, stamp, groups, r.language))
    out.parent.mkdir(parents=True, exist_ok=True)
    return write_limesurvey_csv(out, questionnaire, responses, delimiter=delimiter)


# ---------------------------------------------------------------- comparison files


def _simulated_frame(
    questionnaire: Questionnaire, n: int, rng: random.Random, tendency: Tendency
) -> list[dict[str, str]]:
    from survey.pseudonym import ALPHABET, BODY_LENGTH, check_character

    rows = []
    sim = Simulator(questionnaire, tendency)
    for _ in range(n):
        body = "".join(rng.choice(ALPHABET) for _ in range(BODY_LENGTH))
        answers = sim.answers(rng)
        mode = "online" if rng.random() < 0.3 else "paper"
        rows.append(
            {"pseudonym": body + check_character(body), "mode": mode, "status": "complete"}
            | answers
        )
    return rows


def simulate_previous_round(
    questionnaire: Questionnaire, path: Path, *, respondents: int = 150, seed: int = 2025
) -> Path:
    """A previous round's ``data.csv`` as ``papersurvey export`` writes it (a bit less positive)."""
    import pandas as pd

    rng = random.Random(seed)
    tendency = Tendency(grade_mean=6.9, agree_weights=(0.07, 0.12, 0.16, 0.43, 0.22))
    names = [q.name for q in questionnaire.answerable()]
    frame = pd.DataFrame(_simulated_frame(questionnaire, respondents, rng, tendency))
    frame = frame.reindex(columns=["pseudonym", "mode", "status", *names])
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, sep=";", encoding="utf-8-sig", index=False)
    return path


def simulate_reference(
    questionnaire: Questionnaire, path: Path, *, respondents: int = 6000, seed: int = 2024
) -> Path:
    """A reference group as a table of figures (``question;statistic;value;n;sd``)."""
    import pandas as pd

    from analysis.comparisons import dataset_figures

    rng = random.Random(seed)
    tendency = Tendency(grade_mean=7.2, grade_sd=1.6, agree_weights=(0.05, 0.1, 0.15, 0.46, 0.24))
    frame = pd.DataFrame(_simulated_frame(questionnaire, respondents, rng, tendency))
    figures = dataset_figures(frame, questionnaire)
    lines = ["question;statistic;value;n;sd"]
    for (question, statistic), b in figures.items():
        sd = "" if b.sd is None else f"{b.sd:.3f}".replace(".", ",")
        lines.append(
            f"{question};{statistic};{b.value:.4f}".replace(".", ",") + f";{b.n or ''};{sd}"
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
