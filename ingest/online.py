"""Online answers: read a LimeSurvey response export and import it into the store.

LimeSurvey's *Export responses* (CSV, headings as *question code*, answers as
*answer codes*) writes one row per response: the columns ``id``,
``submitdate``, ``lastpage``, ``startlanguage``, ``seed``, ``token`` (and,
depending on the survey, ``startdate``, ``datestamp``, participant fields and
timings), then one column per question code. Subquestions are headed
``CODE[SQ]`` (or ``CODE_SQ`` with *Expression Manager codes*): the options of a
multiple-choice question, with ``Y`` for chosen and empty otherwise, and the
rows of an array (a grid). LimeSurvey writes a UTF-8 BOM, quotes every field,
separates with ``;`` or ``,`` and ends with a blank line.

Mapping headings to the questionnaire: a question code matches a question
name exactly, or after dropping case and every character that is not a letter
or digit (LimeSurvey codes cannot hold ``_``, so ``q01gradeoverall`` is
``q01_grade_overall``). ``GRID[q04...]`` maps to the row question whatever the
array's own code; ``Q[choice]`` of a ``select_multiple`` maps to that choice.

Validation is lazy: every problem (unknown column, unknown answer code, a
token that is no pseudonym of this round, a row without token) is collected
with its row and column before anything is written, and reported at once.

Storing the responses is :mod:`ingest.online_import`.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from survey import pseudonym
from survey.errors import CorruptInputError, OnlineExportError, Problem
from survey.model import Question, Questionnaire, QuestionType

log = logging.getLogger("papersurvey.ingest.online")

META_COLUMNS = ("id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp")
"""LimeSurvey's response columns that are kept in the raw row (besides ``token``)."""

PII_COLUMNS = frozenset(
    {"firstname", "lastname", "email", "emailstatus", "ipaddr", "refurl", "participant_id"}
)
"""Participant and network columns that are read past and never stored."""

_TOKEN_TABLE_COLUMNS = frozenset(
    {
        "tid",
        "language",
        "sent",
        "remindersent",
        "remindercount",
        "completed",
        "usesleft",
        "validfrom",
        "validuntil",
        "mpid",
        "blacklisted",
    }
)
_SKIPPED = re.compile(r"^(attribute_\d+|interviewtime|grouptime\d+|.+time)$", re.IGNORECASE)
_SUB = re.compile(r"^(?P<base>[^\[\]]+)\[(?P<sub>[^\[\]]+)\]$")
_DELIMITERS = (";", ",", "\t")
_CHOSEN = frozenset({"y", "yes", "1", "ja", "j"})
_NOT_CHOSEN = frozenset({"", "n", "no", "0", "nee"})
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


@dataclass(frozen=True)
class Column:
    """Where one export column goes.

    Attributes:
        heading: the heading as written in the export.
        question: the questionnaire question it feeds.
        choice: for a ``select_multiple`` option column, the choice name; else ``""``.
    """

    heading: str
    question: str
    choice: str = ""


@dataclass(frozen=True)
class OnlineResponse:
    """One response row of the export, mapped to the questionnaire.

    Attributes:
        row: the 1-based row number in the file as a spreadsheet shows it (heading = 1).
        token: the normalised token (a pseudonym), or ``""``.
        response_id: LimeSurvey's response id, or ``None``.
        submitted_at: ISO 8601 time of submission (the LimeSurvey server's
            clock), ``""`` for a partial response.
        lastpage: the last page the respondent reached, or ``None``.
        language: the language the respondent started in.
        answers: question name -> answer as the store keeps it (a choice
            code; choice codes separated by spaces for ``select_multiple``;
            text; a whole number). Unanswered questions are absent.
        kept: the row's columns that are stored as received (metadata and
            question columns; never participant data).
    """

    row: int
    token: str
    response_id: int | None
    submitted_at: str
    lastpage: int | None
    language: str
    answers: Mapping[str, str]
    kept: Mapping[str, str]

    @property
    def complete(self) -> bool:
        return bool(self.submitted_at)

    def progress(self) -> tuple[int, int, int]:
        """How far the respondent got: (lastpage, answers given, response id)."""
        return (self.lastpage or 0, len(self.answers), self.response_id or 0)

    def raw_json(self) -> str:
        """The canonical JSON stored in ``online_responses.raw``."""
        record = {
            "response_id": self.response_id,
            "complete": self.complete,
            "lastpage": self.lastpage,
            "language": self.language,
            "answers": dict(self.answers),
            "row": dict(self.kept),
        }
        return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


@dataclass(frozen=True)
class OnlineExport:
    """A LimeSurvey export, read and mapped, before any store lookup.

    Attributes:
        file: the file name (for messages).
        sha256: hex digest of the file's bytes.
        delimiter: the field separator found.
        columns: every mapped question column.
        ignored: headings read past (timings, participant data, ``[other]`` texts).
        missing: answerable questions with no column in the export.
        responses: every response row.
        problems: everything wrong, in file order; empty when the export is usable.
    """

    file: str
    sha256: str
    delimiter: str
    columns: tuple[Column, ...]
    ignored: tuple[str, ...]
    missing: tuple[str, ...]
    responses: tuple[OnlineResponse, ...]
    problems: tuple[Problem, ...] = field(default=())


# ---------------------------------------------------------------- reading


def _decode(name: str, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError as exc:  # pragma: no cover - cp1252 decodes nearly anything
            raise CorruptInputError(
                f"{name} is neither UTF-8 nor Windows-1252 text. Export the responses again "
                "from LimeSurvey as CSV."
            ) from exc


def _sniff(text: str) -> str:
    first = text.split("\n", 1)[0]
    counts = {d: len(next(csv.reader([first], delimiter=d))) for d in _DELIMITERS}
    return max(_DELIMITERS, key=lambda d: counts[d])


def _rows(name: str, data: bytes) -> tuple[str, list[list[str]]]:
    if data[:4] == b"PK\x03\x04" or b"\x00" in data[:4096]:
        raise CorruptInputError(
            f"{name} is not a CSV file. In LimeSurvey choose Responses > Export > CSV, "
            "with 'Question code' headings and 'Answer codes'."
        )
    text = _decode(name, data)
    delimiter = _sniff(text)
    rows = [
        row
        for row in csv.reader(io.StringIO(text), delimiter=delimiter)
        if any(c.strip() for c in row)
    ]
    if not rows:
        raise CorruptInputError(f"{name} is empty. Export the responses again from LimeSurvey.")
    return delimiter, rows


class _Mapper:
    """Maps headings to questions, collecting what it cannot map."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questions = {_key(q.name): q for q in questionnaire.answerable()}

    def question(self, code: str) -> Question | None:
        return self.questions.get(_key(code))

    def split(self, heading: str) -> list[tuple[str, str]]:
        m = _SUB.match(heading)
        if m:
            return [(m["base"], m["sub"])]
        parts = heading.split("_")
        return [("_".join(parts[:i]), "_".join(parts[i:])) for i in range(1, len(parts))]

    def map(self, heading: str) -> Column | str | None:
        """A column, ``"ignore"`` for a subcolumn read past, or ``None`` when unknown."""
        q = self.question(heading)
        if q is not None and not _SUB.match(heading):
            return Column(heading, q.name)
        for base, sub in self.split(heading):
            bq = self.question(base)
            if bq is not None and bq.type is QuestionType.SELECT_MULTIPLE and bq.choices:
                for c in bq.choices.choices:
                    if _key(c.name) == _key(sub):
                        return Column(heading, bq.name, c.name)
            if bq is not None and _key(sub) in ("other", "comment"):
                return "ignore"
            sq = self.question(sub)
            if sq is not None and sq.type is not QuestionType.SELECT_MULTIPLE:
                return Column(heading, sq.name)
        return None


def _meta_kind(heading: str) -> str:
    h = heading.strip().lower()
    if h == "token" or h in META_COLUMNS:
        return "meta"
    if h in PII_COLUMNS or h in _TOKEN_TABLE_COLUMNS or _SKIPPED.match(h):
        return "skip"
    return ""


def _date(text: str) -> str | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).strftime("%Y-%m-%dT%H:%M:%S")
        except ValueError:
            continue
    return None


def _int(text: str) -> int | None:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


def _value(q: Question, text: str) -> tuple[str | None, str]:
    """The stored value of one answer cell, or a message why it is not valid."""
    if q.type is QuestionType.SELECT_ONE and q.choices:
        names = q.choices.names()
        if text in names:
            return text, ""
        by_key = {_key(n): n for n in names}
        if _key(text) in by_key:
            return by_key[_key(text)], ""
        number = _int(text)
        if number is not None and str(number) in names:
            return str(number), ""
        return None, f"answer code {text!r} is not a choice of {q.name} ({', '.join(names)})"
    if q.type is QuestionType.INTEGER:
        number = _int(text)
        if number is None:
            return None, f"{text!r} is not a whole number"
        return str(number), ""
    return text, ""


def read_export(
    path: Path, questionnaire: Questionnaire, *, ignore_columns: Sequence[str] = ()
) -> OnlineExport:
    """Read and map a LimeSurvey response export; problems are collected, not raised.

    Raises:
        CorruptInputError: the file is not CSV text at all.
    """
    path = Path(path)
    data = path.read_bytes()
    name = path.name
    delimiter, rows = _rows(name, data)
    headings = [h.strip() for h in rows[0]]
    problems: list[Problem] = []
    mapper = _Mapper(questionnaire)
    ignore = {_key(c) for c in ignore_columns}
    columns: dict[int, Column] = {}
    meta: dict[str, int] = {}
    ignored: list[str] = []
    for i, heading in enumerate(headings):
        kind = _meta_kind(heading)
        if kind == "meta":
            meta.setdefault(heading.lower(), i)
            continue
        if kind == "skip" or _key(heading) in ignore:
            ignored.append(heading)
            continue
        mapped = mapper.map(heading)
        if mapped == "ignore":
            ignored.append(heading)
        elif isinstance(mapped, Column):
            columns[i] = mapped
        else:
            problems.append(
                Problem(
                    name,
                    1,
                    heading,
                    "this column matches no question of the questionnaire.",
                    "Check that the online survey and the round's questionnaire are the same "
                    "version; or read past the column with --ignore-column.",
                )
            )
    seen: dict[tuple[str, str], str] = {}
    for col in columns.values():
        k = (col.question, col.choice)
        if k in seen:
            problems.append(
                Problem(
                    name,
                    1,
                    col.heading,
                    f"maps to {col.question} like column {seen[k]!r}.",
                    "Remove one of the two columns.",
                )
            )
        seen[k] = col.heading
    if "token" not in meta:
        problems.append(
            Problem(
                name,
                1,
                "token",
                "the export has no token column, so answers cannot be linked to respondents.",
                "Export again with the participant 'token' column; the survey must use tokens.",
            )
        )
    mapped_questions = {c.question for c in columns.values()}
    missing = tuple(q.name for q in questionnaire.answerable() if q.name not in mapped_questions)

    responses = []
    for r, cells in enumerate(rows[1:], start=2):
        cells = cells + [""] * (len(headings) - len(cells))
        responses.append(
            _response(name, r, cells, headings, meta, columns, questionnaire, problems)
        )
    return OnlineExport(
        file=name,
        sha256=hashlib.sha256(data).hexdigest(),
        delimiter=delimiter,
        columns=tuple(columns.values()),
        ignored=tuple(ignored),
        missing=missing,
        responses=tuple(responses),
        problems=tuple(problems),
    )


def _response(
    name: str,
    r: int,
    cells: list[str],
    headings: list[str],
    meta: Mapping[str, int],
    columns: Mapping[int, Column],
    questionnaire: Questionnaire,
    problems: list[Problem],
) -> OnlineResponse:
    def cell(key: str) -> str:
        return cells[meta[key]].strip() if key in meta else ""

    token_text = cell("token")
    token = pseudonym.normalize(token_text) if token_text else ""
    if "token" in meta and not token:
        problems.append(
            Problem(
                name,
                r,
                "token",
                "this response has no token.",
                "Remove test responses made without a login code.",
            )
        )
    elif token and not pseudonym.is_valid(token):
        problems.append(
            Problem(
                name,
                r,
                "token",
                f"{token_text!r} is not a login code of papersurvey.",
                "Check the token; remove the row if it is a test response.",
            )
        )
    submitted = ""
    if cell("submitdate"):
        parsed = _date(cell("submitdate"))
        if parsed is None:
            problems.append(
                Problem(
                    name,
                    r,
                    "submitdate",
                    f"{cell('submitdate')!r} is not a date and time.",
                    "Export again from LimeSurvey without editing the file.",
                )
            )
        submitted = parsed or ""
    answers: dict[str, str] = {}
    chosen: dict[str, set[str]] = {}
    kept = {headings[i]: cells[i] for i in meta.values()}
    for i, col in columns.items():
        text = cells[i].strip()
        kept[col.heading] = cells[i]
        q = questionnaire.question(col.question)
        if col.choice:
            low = text.lower()
            if low in _CHOSEN:
                chosen.setdefault(q.name, set()).add(col.choice)
            elif low not in _NOT_CHOSEN:
                problems.append(
                    Problem(
                        name,
                        r,
                        col.heading,
                        f"{text!r} is not Y or empty.",
                        "Export with answer codes.",
                    )
                )
            continue
        if not text:
            continue
        value, message = _value(q, text)
        if value is None:
            problems.append(
                Problem(
                    name,
                    r,
                    col.heading,
                    message + ".",
                    "Export with 'Answer codes', not full answers.",
                )
            )
        else:
            answers[q.name] = value
    for qname, names in chosen.items():
        q = questionnaire.question(qname)
        order = q.choices.names() if q.choices else ()
        answers[qname] = " ".join(n for n in order if n in names)
    rid = _int(cell("id")) if cell("id") else None
    return OnlineResponse(
        row=r,
        token=token,
        response_id=rid,
        submitted_at=submitted,
        lastpage=_int(cell("lastpage")) if cell("lastpage") else None,
        language=cell("startlanguage"),
        answers={k: answers[k] for k in sorted(answers, key=_order(questionnaire))},
        kept=kept,
    )


def _order(questionnaire: Questionnaire) -> Any:
    index = {q.name: i for i, q in enumerate(questionnaire.answerable())}
    return lambda name: index.get(name, len(index))


def check_export(export: OnlineExport) -> None:
    """Raise when the export has problems.

    Raises:
        OnlineExportError: listing every problem.
    """
    if export.problems:
        n = len(export.problems)
        raise OnlineExportError(
            f"{export.file} has {n} problem{'s' if n != 1 else ''}; nothing was imported.",
            export.problems,
        )
