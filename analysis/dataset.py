"""The merged dataset: paper and online answers, one row per respondent.

Built from the store in four stages:

1. **collect** every response: paper answers from ``answers`` (``source =
   'paper'``, overridden per question by ``source = 'review'``: an operator's
   decision wins over the machine's reading), online answers from
   ``online_responses``;
2. **resolve duplicates** (:mod:`analysis.duplicates`): one response per pseudonym;
3. **validate** the long format (pseudonym, question, value, mode) against a
   declared schema (:mod:`analysis.schema`), lazily: every failing value is
   listed in :attr:`Dataset.problems` and left out of the data;
4. **apply the routing**: an answer to a question the respondent should have
   skipped (a paper respondent who ignored "ga door naar vraag 23") is left
   out and listed as a problem of kind ``routing``, so that every figure is
   based on the respondents the question was meant for;
5. **check the rules paper cannot enforce** (:func:`rule_problems`): a
   paper response whose answer breaks the question's ``constraint`` is listed
   as ``constraint`` (the answer is kept: it is what the respondent wrote),
   and a complete paper response without an answer to a ``required``
   question the routing asks is listed as ``required``. Online, LimeSurvey
   enforces both.

The wide frame :attr:`Dataset.data` has the columns ``pseudonym``, ``mode``
(``paper``/``online``), ``status`` (``complete``/``partial``), ``channel``
(how the respondent was invited), ``subgroup``, ``language``, ``open_review``
(review items and open answers to transcribe still open for this respondent's
paper pages), then one column per question with the stored codes as text
(``select_multiple``: codes separated by spaces). Nothing in it identifies a person.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd

from analysis.duplicates import MODES, Candidate, Loser, resolve
from analysis.schema import (
    FAILURE_COLUMNS,
    Check,
    FrameSchema,
    empty_failures,
    isin,
    not_null,
    unique,
    validate,
)
from survey import opentexts
from survey import pseudonym as pseudonyms
from survey.model import Questionnaire, QuestionType
from survey.routing import evaluate
from survey.skips import asked
from survey.store import Store

META_COLUMNS = ("pseudonym", "mode", "status", "channel", "subgroup", "language", "open_review")
"""The columns before the question columns in :attr:`Dataset.data`."""

STATUSES = ("complete", "partial")


@dataclass(frozen=True)
class Dataset:
    """The merged dataset of a round.

    Attributes:
        questionnaire: the questionnaire the columns follow.
        data: one row per respondent (see the module docstring).
        long: the validated long format: pseudonym, question, value, mode.
        problems: the data-quality table: every value left out, and why
            (columns of :data:`analysis.schema.FAILURE_COLUMNS`).
        duplicates: responses that did not count: pseudonym, mode, ref,
            complete, time, winner_mode, winner_ref, reason.
        population: every respondent invited or responding: pseudonym,
            channel, subgroup, status, responded, mode.
    """

    questionnaire: Questionnaire
    data: pd.DataFrame
    long: pd.DataFrame
    problems: pd.DataFrame
    duplicates: pd.DataFrame
    population: pd.DataFrame

    @property
    def question_columns(self) -> list[str]:
        return [q.name for q in self.questionnaire.answerable()]


# ---------------------------------------------------------------- collect


def paper_candidates(store: Store) -> list[Candidate]:
    """The paper response of every pseudonym with paper (or review) answers."""
    answers: dict[str, dict[str, str | None]] = {}
    for source in ("paper", "review"):
        for row in store.query(
            "SELECT pseudonym, question, value FROM answers WHERE source = ? ORDER BY pseudonym",
            (source,),
        ):
            answers.setdefault(row["pseudonym"], {})[row["question"]] = row["value"]
    pages: dict[str, set[int]] = {}
    first_scan: dict[str, str] = {}
    for row in store.query(
        "SELECT pseudonym, page_no, processed_at FROM pages "
        "WHERE status = 'ok' AND pseudonym IS NOT NULL"
    ):
        p = row["pseudonym"]
        pages.setdefault(p, set()).add(int(row["page_no"] or 0))
        t = row["processed_at"] or ""
        if t and (p not in first_scan or t < first_scan[p]):
            first_scan[p] = t
    page_count = max((max(s) for s in pages.values() if s), default=0)
    out = []
    for p, values in answers.items():
        seen = pages.get(p)
        complete = seen is None or seen >= set(range(1, page_count + 1))
        given = {q: v for q, v in values.items() if v is not None and v != ""}
        out.append(Candidate(p, "paper", complete, first_scan.get(p, ""), "paper", 0, given))
    return out


def online_candidates(store: Store) -> list[Candidate]:
    """Every stored online response (several per pseudonym are possible)."""
    out = []
    for row in store.query(
        "SELECT pseudonym, submitted_at, raw FROM online_responses ORDER BY pseudonym, submitted_at"
    ):
        raw = json.loads(row["raw"])
        out.append(
            Candidate(
                pseudonym=row["pseudonym"],
                mode="online",
                complete=bool(row["submitted_at"]),
                time=row["submitted_at"],
                ref=f"online:{row['submitted_at'] or 'partial'}",
                order=int(raw.get("response_id") or 0),
                answers={str(k): str(v) for k, v in raw.get("answers", {}).items()},
            )
        )
    return out


# ---------------------------------------------------------------- validate


def _value_ok(questionnaire: Questionnaire) -> Check:
    allowed: dict[str, frozenset[str]] = {}
    multi: set[str] = set()
    integers: set[str] = set()
    for q in questionnaire.answerable():
        if q.choices is not None:
            allowed[q.name] = frozenset(q.choices.names())
        if q.type is QuestionType.SELECT_MULTIPLE:
            multi.add(q.name)
        if q.type is QuestionType.INTEGER:
            integers.add(q.name)

    def ok(question: str, value: object) -> bool:
        if not isinstance(value, str):
            return False
        if question in multi:
            codes = value.split()
            return bool(codes) and len(set(codes)) == len(codes) and set(codes) <= allowed[question]
        if question in allowed:
            return value in allowed[question]
        if question in integers:
            return value.lstrip("-").isdigit()
        return bool(value.strip())

    def predicate(df: pd.DataFrame) -> pd.Series:
        return pd.Series(
            [ok(q, v) for q, v in zip(df["question"], df["value"], strict=True)],
            index=df.index,
            dtype=bool,
        )

    return Check(
        "value_valid", "value", predicate, "the answer is not a valid code for the question"
    )


def _valid_pseudonyms(df: pd.DataFrame) -> pd.Series:
    good = {p for p in df["pseudonym"].unique() if isinstance(p, str) and pseudonyms.is_valid(p)}
    return df["pseudonym"].isin(list(good))


def long_schema(questionnaire: Questionnaire) -> FrameSchema:
    """The declared schema of the long format."""
    names = [q.name for q in questionnaire.answerable()]
    return FrameSchema(
        "answers",
        ("pseudonym", "question", "value", "mode"),
        (
            Check(
                "pseudonym_valid",
                "pseudonym",
                _valid_pseudonyms,
                "not a well-formed pseudonym",
            ),
            not_null("mode"),
            isin("mode", MODES),
            isin("question", names),
            not_null("value"),
            _value_ok(questionnaire),
            unique(("pseudonym", "question")),
        ),
    )


def _routing_failures(long: pd.DataFrame, questionnaire: Questionnaire) -> pd.Series:
    """True for rows answering a question the routing skips."""
    answers: dict[str, dict[str, str]] = {}
    for p, q, v in zip(long["pseudonym"], long["question"], long["value"], strict=True):
        answers.setdefault(p, {})[q] = v
    allowed = {p: asked(questionnaire, a) for p, a in answers.items()}
    flags = [q not in allowed[p] for p, q in zip(long["pseudonym"], long["question"], strict=True)]
    return pd.Series(flags, index=long.index, dtype=bool)


# ---------------------------------------------------------------- build


def rule_problems(
    long: pd.DataFrame,
    winners: Mapping[str, Candidate],
    questionnaire: Questionnaire,
    reported: Collection[tuple[object, object]] = (),
) -> pd.DataFrame:
    """Paper answers that break a ``constraint``, and ``required`` questions left blank.

    Online, LimeSurvey enforces both rules; on paper nothing can, so they are
    checked here, on the validated and routed long format. A constraint is
    checked only for an answer given (as in XLSForm); ``required`` only for a
    complete paper response (every page scanned) and only for a question the
    routing asks that respondent, and not when an answer was read but left
    out as invalid (``reported``: its problem is listed already). Nothing is
    left out of the data.

    Returns:
        Failure rows (:data:`analysis.schema.FAILURE_COLUMNS`): ``check`` is
        ``constraint`` or ``required``; ``message`` names the rule.
    """
    questions = questionnaire.answerable()
    ruled = [q for q in questions if q.constraint is not None or q.required]
    rows: list[dict[str, object]] = []
    if not ruled:
        return pd.DataFrame(rows, columns=list(FAILURE_COLUMNS))
    answers: dict[str, dict[str, str]] = {}
    index: dict[tuple[str, str], int] = {}
    for i, p, q, v in zip(
        long.index, long["pseudonym"], long["question"], long["value"], strict=True
    ):
        answers.setdefault(p, {})[q] = v
        index[(p, q)] = i
    multi = {q.name for q in questions if q.type is QuestionType.SELECT_MULTIPLE}
    for p in sorted(winners):
        c = winners[p]
        if c.mode != "paper":
            continue
        given = answers.get(p, {})
        seen = {k: frozenset(v.split()) if k in multi else v for k, v in given.items()}
        routed = asked(questionnaire, seen) if any(q.required for q in ruled) else set()
        for q in ruled:
            value = given.get(q.name)
            if q.constraint is not None and value is not None and not evaluate(q.constraint, seen):
                told = q.constraint_message.get()
                rows.append(
                    {
                        "check": "constraint",
                        "column": "value",
                        "row": index[(p, q.name)],
                        "pseudonym": p,
                        "question": q.name,
                        "value": value,
                        "message": f"breaks the constraint {q.constraint_source}"
                        + (f" ({told})" if told else "")
                        + "; kept, as written on paper",
                    }
                )
            if (
                q.required
                and value is None
                and c.complete
                and q.name in routed
                and (p, q.name) not in reported
            ):
                rows.append(
                    {
                        "check": "required",
                        "column": "value",
                        "row": None,
                        "pseudonym": p,
                        "question": q.name,
                        "value": None,
                        "message": "required question not answered on paper, "
                        "although the routing asks it",
                    }
                )
    return pd.DataFrame(rows, columns=list(FAILURE_COLUMNS)).astype(object)


def _respondents(store: Store) -> pd.DataFrame:
    rows = store.query("SELECT pseudonym, channel, subgroup, language, status FROM respondents")
    return pd.DataFrame(
        [dict(r) for r in rows], columns=["pseudonym", "channel", "subgroup", "language", "status"]
    ).astype(object)


def build_dataset(
    store: Store, questionnaire: Questionnaire, *, apply_routing: bool = True
) -> Dataset:
    """Merge, resolve, validate and route: the dataset of the round as the store holds it now."""
    winners, losers = resolve(paper_candidates(store) + online_candidates(store))
    records = [
        {"pseudonym": c.pseudonym, "question": q, "value": v, "mode": c.mode}
        for c in winners.values()
        for q, v in c.answers.items()
    ]
    long = pd.DataFrame(records, columns=["pseudonym", "question", "value", "mode"]).astype(object)
    problems = validate(long, long_schema(questionnaire))
    failing = set(problems["row"].dropna().to_list())
    long = long.loc[~long.index.isin(list(failing))]
    if apply_routing and not long.empty:
        routed = _routing_failures(long, questionnaire)
        if routed.any():
            bad = long.loc[routed]
            problems = pd.concat(
                [
                    problems,
                    pd.DataFrame(
                        {
                            "check": "routing",
                            "column": "value",
                            "row": bad.index.to_list(),
                            "pseudonym": bad["pseudonym"].to_list(),
                            "question": bad["question"].to_list(),
                            "value": bad["value"].to_list(),
                            "message": "answered although the routing skips this question; left out",
                        }
                    ).astype(object),
                ],
                ignore_index=True,
            )
            long = long.loc[~routed]
    long = long.reset_index(drop=True)
    reported = set(zip(problems["pseudonym"], problems["question"], strict=True))
    rules = rule_problems(long, winners, questionnaire, reported)
    if len(rules):
        problems = pd.concat([problems, rules], ignore_index=True)
    people = _respondents(store).set_index("pseudonym")
    open_review = {
        r[0]: int(r[1])
        for r in store.query(
            "SELECT pseudonym, count(*) FROM review_items WHERE state = 'open' AND pseudonym IS NOT NULL "
            "GROUP BY pseudonym"
        )
    }
    for pseudonym, n in opentexts.untranscribed(store).items():
        open_review[pseudonym] = open_review.get(pseudonym, 0) + n
    data = _wide(long, winners, people, open_review, questionnaire)
    population = _population(people, winners)
    return Dataset(
        questionnaire,
        data,
        long,
        problems if len(problems) else empty_failures(),
        _losers(losers),
        population,
    )


def _wide(
    long: pd.DataFrame,
    winners: Mapping[str, Candidate],
    people: pd.DataFrame,
    open_review: Mapping[str, int],
    questionnaire: Questionnaire,
) -> pd.DataFrame:
    names = [q.name for q in questionnaire.answerable()]
    rows = []
    values: dict[str, dict[str, str]] = {}
    for p, q, v in zip(long["pseudonym"], long["question"], long["value"], strict=True):
        values.setdefault(p, {})[q] = v
    info = people.to_dict("index")
    for p in sorted(winners):
        c = winners[p]
        person = info.get(p, {})
        row: dict[str, object] = {
            "pseudonym": p,
            "mode": c.mode,
            "status": "complete" if c.complete else "partial",
            "channel": person.get("channel", ""),
            "subgroup": person.get("subgroup", ""),
            "language": person.get("language", ""),
            "open_review": open_review.get(p, 0),
        }
        answers = values.get(p, {})
        row.update({n: answers.get(n) for n in names})
        rows.append(row)
    frame = pd.DataFrame(rows, columns=[*META_COLUMNS, *names]).astype(object)
    frame["open_review"] = frame["open_review"].astype("int64")
    return frame


def _population(people: pd.DataFrame, winners: Mapping[str, Candidate]) -> pd.DataFrame:
    invited = people[(people["channel"] != "none") & (people["status"] == "active")]
    keep = people.loc[people.index.isin(list(invited.index)) | people.index.isin(list(winners))]
    frame = keep.reset_index()[["pseudonym", "channel", "subgroup", "status"]].copy()
    frame["responded"] = frame["pseudonym"].isin(list(winners))
    frame["mode"] = frame["pseudonym"].map(lambda p: winners[p].mode if p in winners else None)
    return frame.sort_values("pseudonym").reset_index(drop=True)


def _losers(losers: list[Loser]) -> pd.DataFrame:
    columns = [
        "pseudonym",
        "mode",
        "ref",
        "complete",
        "time",
        "winner_mode",
        "winner_ref",
        "reason",
    ]
    return pd.DataFrame(
        [
            {
                "pseudonym": x.candidate.pseudonym,
                "mode": x.candidate.mode,
                "ref": x.candidate.ref,
                "complete": x.candidate.complete,
                "time": x.candidate.time,
                "winner_mode": x.winner.mode,
                "winner_ref": x.winner.ref,
                "reason": x.reason,
            }
            for x in losers
        ],
        columns=columns,
    ).astype(object)
