"""Online answers: read a LimeSurvey response export and map it to the questionnaire.

Every export LimeSurvey writes is read (see :mod:`ingest.online_rows` for the
file and :mod:`ingest.online_headings` for the headings): CSV with ``,`` or
``;``, or JSON (the export page's JSON, and RemoteControl's
``export_responses``); headings as question codes, codes with text, full or
abbreviated texts; answers as *answer codes* or *full answers*. Answers map
back through the round's LimeSurvey codes (:mod:`survey.limesurvey`): an
answer code, or the answer text in any language of the survey; a
multiple-choice option is chosen with ``Y`` (codes) or ``Yes``/``Ja`` (full
answers) and not chosen when empty, ``N``, ``No``/``Nee`` or ``N/A``;
LimeSurvey's ``12.0000000000`` is 12. A question with ``or_other``: its
``CODE[other]`` column is the ``<name>_other`` text; a list answered with
"other" holds ``-oth-`` (full answers: the other text's label), and a
multiple choice has "other" ticked when that text is filled in.

Validation is lazy: every problem (unknown column, unknown answer, a token that
is no pseudonym, a row without token, a file of another survey) is collected
with its row and column before anything is written, and reported at once.
Storing the responses is :mod:`ingest.online_store`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ingest.online_headings import HeadingMap, map_headings
from ingest.online_rows import ExportRows, read_rows
from survey import pseudonym
from survey.errors import OnlineExportError, Problem
from survey.limesurvey import CodeMap, derive_codes
from survey.limesurvey_structure import OTHER_HEADINGS, OTHER_VALUE, Field, fields, flat, structure
from survey.model import LANGUAGES, OTHER, Question, Questionnaire, QuestionType

log = logging.getLogger("papersurvey.ingest.online")

META_COLUMNS = ("id", "submitdate", "lastpage", "startlanguage", "seed", "startdate", "datestamp")
"""LimeSurvey's response columns that are kept in the raw row (besides ``token``)."""

CHOSEN = frozenset({"y", "yes", "ja", "1"})
NOT_CHOSEN = frozenset({"", "n", "no", "nee", "0", "n/a", "n.v.t.", "nvt"})
_SURVEY_IN_NAME = re.compile(r"(?:results-survey|survey[_-]?|sid[_-]?)(\d{3,})", re.IGNORECASE)
_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%d-%m-%Y %H:%M:%S",
    "%d-%m-%Y %H:%M",
)


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
        format: ``csv`` or ``json``.
        delimiter: the CSV field separator found (``""`` for JSON).
        headings: ``code``, ``codetext`` or ``text``.
        columns: every mapped question column.
        ignored: headings read past (timings, participant data, ``[other]`` texts).
        missing: answerable questions with no column in the export.
        responses: every response row.
        problems: everything wrong, in file order; empty when the export is usable.
    """

    file: str
    sha256: str
    format: str
    delimiter: str
    headings: str
    columns: tuple[Column, ...]
    ignored: tuple[str, ...]
    missing: tuple[str, ...]
    responses: tuple[OnlineResponse, ...]
    problems: tuple[Problem, ...] = field(default=())


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


class _Values:
    """Answer cells -> stored values, by answer code or by answer text in any language."""

    def __init__(self, questionnaire: Questionnaire, codes: CodeMap) -> None:
        self.by_code: dict[str, dict[str, str]] = {}
        self.by_text: dict[str, dict[str, str]] = {}
        for cl in questionnaire.choice_lists:
            self.by_code[cl.name] = {
                codes.answer(cl.name, c.name).casefold(): c.name for c in cl.choices
            }
            texts: dict[str, str] = {}
            for c in cl.choices:
                for _, label in c.label.values:
                    texts.setdefault(flat(label).casefold(), c.name)
            self.by_text[cl.name] = texts

    def value(self, q: Question, text: str) -> tuple[str | None, str]:
        """The stored value of one answer cell, or a message why it is not valid."""
        if q.type is QuestionType.SELECT_ONE and q.choices and q.or_other:
            other = q.choices.choice(OTHER)
            labels = {flat(t).casefold().rstrip(":") for _, t in other.label.values}
            said = flat(text).casefold().rstrip(":")
            if text == OTHER_VALUE or said in labels or said in _OTHER_WORDS:
                return OTHER, ""
        if q.type is QuestionType.SELECT_ONE and q.choices:
            key = text.casefold()
            name = self.by_code[q.choices.name].get(key) or self.by_text[q.choices.name].get(
                flat(text).casefold()
            )
            number = _int(text)
            if name is None and number is not None:
                name = self.by_code[q.choices.name].get(str(number))
            if name is not None:
                return name, ""
            codes = ", ".join(self.by_code[q.choices.name])
            return (
                None,
                f"{text!r} is neither an answer code ({codes}) nor an answer text of {q.name}",
            )
        if q.type is QuestionType.INTEGER:
            number = _int(text)
            if number is None:
                return None, f"{text!r} is not a whole number"
            return str(number), ""
        return text, ""


_OTHER_WORDS = frozenset(w.casefold() for w in OTHER_HEADINGS)


def survey_id_in_name(name: str) -> str:
    """The survey id in a file name as LimeSurvey gives it (``results-survey123456.csv``), or ``""``."""
    m = _SURVEY_IN_NAME.search(name)
    return m.group(1) if m else ""


def map_export(
    name: str,
    data: bytes,
    questionnaire: Questionnaire,
    codes: CodeMap | None = None,
    *,
    ignore_columns: Sequence[str] = (),
    survey_id: str = "",
) -> OnlineExport:
    """Read and map an export held in memory; problems are collected, not raised.

    Args:
        survey_id: the round's LimeSurvey survey id; a file named for another is refused.

    Raises:
        CorruptInputError: the file is not CSV or JSON text, or it is cut off.
    """
    codes = codes or derive_codes(questionnaire)
    rows = read_rows(name, data)
    languages = LANGUAGES
    all_fields = fields(structure(questionnaire, codes), languages)
    heads = map_headings(rows.headings, all_fields, ignore_columns)
    problems = _heading_problems(name, rows, heads)
    named = survey_id_in_name(name)
    if named and named != survey_id:
        problems.insert(
            0,
            Problem(
                name,
                0,
                "",
                f"the file is an export of LimeSurvey survey {named}, not of this round's survey "
                f"{survey_id or '(online.limesurvey_sid is not set)'}.",
                "Export the responses of this round's survey; or set online.limesurvey_sid in "
                "survey.toml to the survey id LimeSurvey gave this round's survey.",
            ),
        )
    columns = {
        i: Column(rows.headings[i], f.question, f.choice)
        for i, f in heads.fields.items()
        if f.question
    }
    mapped = {c.question for c in columns.values()}
    missing = tuple(q.name for q in questionnaire.answerable() if q.name not in mapped)
    values = _Values(questionnaire, codes)
    responses = tuple(
        _response(name, number, cells, rows, heads, columns, questionnaire, values, problems)
        for number, cells in rows.rows
    )
    return OnlineExport(
        file=name,
        sha256=hashlib.sha256(data).hexdigest(),
        format=rows.format,
        delimiter=rows.delimiter,
        headings=heads.style,
        columns=tuple(columns.values()),
        ignored=heads.ignored,
        missing=missing,
        responses=responses,
        problems=tuple(problems),
    )


def read_export(
    path: Path,
    questionnaire: Questionnaire,
    codes: CodeMap | None = None,
    *,
    ignore_columns: Sequence[str] = (),
    survey_id: str = "",
) -> OnlineExport:
    """Read and map a LimeSurvey response export file (see :func:`map_export`)."""
    path = Path(path)
    return map_export(
        path.name,
        path.read_bytes(),
        questionnaire,
        codes,
        ignore_columns=ignore_columns,
        survey_id=survey_id,
    )


def _heading_problems(name: str, rows: ExportRows, heads: HeadingMap) -> list[Problem]:
    problems = [
        Problem(
            name,
            1,
            heading,
            "this column matches no question of the questionnaire.",
            "Check that the online survey was made with 'papersurvey limesurvey' from this "
            "round's questionnaire; or read past the column with --ignore-column.",
        )
        for _, heading in heads.unknown
    ]
    problems += [
        Problem(
            name,
            1,
            heading,
            f"holds the same question as column {earlier!r}.",
            "Remove one of the two columns.",
        )
        for _, heading, earlier in heads.duplicates
    ]
    if "token" not in heads.meta:
        problems.append(
            Problem(
                name,
                1,
                "token",
                "the export has no token (access code) column, so answers cannot be linked to "
                "respondents.",
                "Export again with the participant 'token' column; the survey must not be "
                "anonymised.",
            )
        )
    return problems


def _response(
    name: str,
    r: int,
    cells: tuple[str | None, ...],
    rows: ExportRows,
    heads: HeadingMap,
    columns: Mapping[int, Column],
    questionnaire: Questionnaire,
    values: _Values,
    problems: list[Problem],
) -> OnlineResponse:
    def cell(key: str) -> str:
        return (cells[heads.meta[key]] or "").strip() if key in heads.meta else ""

    token_text = cell("token")
    token = pseudonym.normalize(token_text) if token_text else ""
    if "token" in heads.meta and not token:
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
    kept = {rows.headings[i]: cells[i] or "" for i in heads.meta.values()}
    for i, col in columns.items():
        text = (cells[i] or "").strip()
        kept[col.heading] = cells[i] or ""
        q = questionnaire.question(col.question)
        if col.choice:
            low = text.casefold()
            if low in CHOSEN:
                chosen.setdefault(q.name, set()).add(col.choice)
            elif low not in NOT_CHOSEN:
                problems.append(
                    Problem(
                        name,
                        r,
                        col.heading,
                        f"{text!r} is not Y, Yes or empty.",
                        "Export with answer codes.",
                    )
                )
            continue
        if not text:
            continue
        value, message = values.value(q, text)
        if value is None:
            problems.append(
                Problem(
                    name,
                    r,
                    col.heading,
                    message + ".",
                    "Export with 'Answer codes' from this round's survey.",
                )
            )
        else:
            answers[q.name] = value
    for q in questionnaire.answerable():
        if q.or_other and q.type is QuestionType.SELECT_MULTIPLE and q.other_name in answers:
            chosen.setdefault(q.name, set()).add(OTHER)
    for qname, names in chosen.items():
        q = questionnaire.question(qname)
        order = q.choices.names() if q.choices else ()
        answers[qname] = " ".join(n for n in order if n in names)
    order_of = {q.name: i for i, q in enumerate(questionnaire.answerable())}
    rid = _int(cell("id")) if cell("id") else None
    return OnlineResponse(
        row=r,
        token=token,
        response_id=rid,
        submitted_at=submitted,
        lastpage=_int(cell("lastpage")) if cell("lastpage") else None,
        language=cell("startlanguage"),
        answers={
            k: answers[k] for k in sorted(answers, key=lambda n: order_of.get(n, len(order_of)))
        },
        kept=kept,
    )


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


__all__ = [
    "Column",
    "Field",
    "OnlineExport",
    "OnlineResponse",
    "check_export",
    "map_export",
    "read_export",
]
