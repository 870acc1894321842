"""Quotes from the open answers, chosen and anonymised by an analyst, for the report.

``papersurvey report DIR --quotes FILE`` prints a few open answers in the
chapter of their question, as the KBO reports do ("In de open antwoorden met
toelichtingen wordt met name aangestipt dat ..."). The report never picks
them itself: open answers may hold names and phone numbers, so a person
chooses them from ``open_answers.csv`` (:mod:`analysis.open_answers`) and
anonymises them (``[naam]``, ``[telefoonnummer]``, shortened with ``...``).

The file is a CSV with the header ``question;quote`` (or ``vraag;citaat``),
``;`` or ``,`` between fields, UTF-8 (Windows-1252 is read too). ``question``
is the question's name (``q56_good_point_explain``) or its printed number
(``56``), as in ``open_answers.csv``. The file is checked as a whole before
any page work, and every problem is listed at once
(:class:`~survey.errors.ValidationError`, exit code 3):

* an unknown question, or one that is not an open (text) question;
* an empty quote;
* a quote that looks like it holds a phone number or an e-mail address
  (:mod:`survey.privacy_flags`), unless ``allow_flagged``.

Warnings do not stop the report: a quote that does not occur in any counting
open answer of its question (compared case- and whitespace-insensitively;
the pieces between ``...``, ``…`` and ``[...]`` placeholders must occur in
order in one answer), the same quote twice, and a question with fewer open
answers than ``privacy.min_cell_size``, whose quotes are left out as every
other figure on so few answers is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from analysis.dataset import Dataset
from analysis.open_answers import counting_answers, open_questions, question_numbers
from survey.errors import CorruptInputError, Problem, ValidationError
from survey.model import Questionnaire, QuestionType
from survey.privacy_flags import Flag, flags

HEADERS = {("question", "quote"), ("vraag", "citaat")}
"""Accepted headers (case-insensitive)."""

_PAIRS = {'"': '"', "'": "'", "‘": "’", "“": "”", "„": "”", "‚": "’"}
_GAP = re.compile(r"\[[^\]]*\]|\.\.\.|…")
_SPACE = re.compile(r"\s+")
_WHY = {
    Flag.PHONE: "looks like it holds a phone number",
    Flag.EMAIL: "looks like it holds an e-mail address",
}
_FIX = {
    Flag.PHONE: "write [telefoonnummer] instead",
    Flag.EMAIL: "write [e-mail] instead",
}


@dataclass(frozen=True)
class Quotes:
    """The checked quotes of a round.

    Attributes:
        by_question: question name -> its quotes, in file order, without
            quotation marks (the report adds them).
        warnings: what the analyst should look at; the report is made anyway.
    """

    by_question: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_question.values())


def normalise(text: str) -> str:
    """``text`` for comparison: case-folded, every run of whitespace one space, stripped."""
    return _SPACE.sub(" ", text).strip().casefold()


def unquote(text: str) -> str:
    """``text`` stripped, without one pair of surrounding quotation marks."""
    text = text.strip()
    if len(text) >= 2 and _PAIRS.get(text[0]) == text[-1]:
        text = text[1:-1].strip()
    return text


def occurs(quote: str, answers: list[str]) -> bool:
    """Whether ``quote`` occurs in one of ``answers``.

    Case and whitespace do not matter, and the pieces of the quote between
    ``...``, ``…`` and bracketed placeholders (``[naam]``) must occur in that
    order in the same answer, so a shortened or anonymised quote still matches.
    """
    pieces = [p for p in (normalise(x) for x in _GAP.split(quote)) if p]
    if not pieces:
        return False
    for answer in answers:
        text, at = normalise(answer), 0
        for piece in pieces:
            found = text.find(piece, at)
            if found < 0:
                break
            at = found + len(piece)
        else:
            return True
    return False


def _decode(path: Path) -> str:
    if not path.is_file():
        raise CorruptInputError(f"{path} not found. Give the path of the quotes file.")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CorruptInputError(f"cannot read the quotes file {path}: {exc.strerror}.") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _rows(path: Path) -> list[tuple[int, str, str]]:
    """``(row number, question, quote)`` of every non-blank data row; row 1 is the header."""
    text = _decode(path)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    where = path.name
    header = tuple(c.strip().casefold() for c in rows[0][:2]) if rows else ()
    if header not in HEADERS or (rows and any(c.strip() for c in rows[0][2:])):
        raise ValidationError(
            f"{where} is not a quotes file.",
            [
                Problem(
                    where,
                    1,
                    "",
                    f"the header is {';'.join(rows[0]) if rows else 'missing'!r}",
                    "start the file with the line question;quote (or vraag;citaat).",
                )
            ],
        )
    out = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        cells = [*row, "", ""]
        quote = delimiter.join(row[1:]) if len(row) > 2 else cells[1]
        out.append((number, cells[0].strip(), quote))
    return out


def _question_name(ref: str, questionnaire: Questionnaire, numbers: Mapping[int, str]) -> str:
    """The question ``ref`` names (a name, case-insensitively, or a printed number), or ``""``."""
    names = {q.name.casefold(): q.name for q in questionnaire.answerable()}
    if ref.casefold() in names:
        return names[ref.casefold()]
    return numbers.get(int(ref), "") if ref.isdigit() else ""


def load_quotes(
    path: Path, dataset: Dataset, *, min_cell_size: int = 0, allow_flagged: bool = False
) -> Quotes:
    """Read and check the analyst's quotes file against the round's open answers.

    Args:
        path: the CSV file (``question;quote``).
        dataset: the merged dataset; its counting open answers are what quotes
            are compared with.
        min_cell_size: a question with fewer open answers gets none of its
            quotes printed (a warning says so).
        allow_flagged: accept quotes that look like they hold a phone number
            or an e-mail address (the analyst checked them: a case number, say).

    Returns:
        The quotes by question, and the warnings.

    Raises:
        ValidationError: the file's problems, every one of them.
        CorruptInputError: the file cannot be read.
    """
    q = dataset.questionnaire
    where = path.name
    numbers = question_numbers(q)
    by_number = {n: name for name, n in numbers.items()}
    open_names = [x.name for x in open_questions(q)]
    problems: list[Problem] = []
    warnings: list[str] = []
    found: dict[str, list[str]] = {}
    for row, ref, cell in _rows(path):
        name = _question_name(ref, q, by_number)
        quote = unquote(cell)
        if not ref:
            problems.append(Problem(where, row, "question", "no question given", _fix_name()))
        elif not name:
            problems.append(
                Problem(
                    where, row, "question", f"no question {ref!r} in the questionnaire", _fix_name()
                )
            )
        elif name not in open_names:
            kind = q.question(name).type
            what = "a choice question" if kind is not QuestionType.INTEGER else "a number question"
            problems.append(
                Problem(
                    where,
                    row,
                    "question",
                    f"{name} is {what}, not an open (text) question",
                    "quote only open questions: "
                    + ", ".join(f"{n} ({numbers[n]})" for n in open_names)
                    + ".",
                )
            )
        if not quote:
            problems.append(
                Problem(
                    where, row, "quote", "the quote is empty", "write the quote or remove the row."
                )
            )
            continue
        flagged = flags(quote)
        if flagged and not allow_flagged:
            for flag in flagged:
                problems.append(
                    Problem(
                        where,
                        row,
                        "quote",
                        f"the quote {_WHY[flag]}",
                        f"anonymise it ({_FIX[flag]}), or pass --allow-flagged-quotes if it "
                        "holds no personal data.",
                    )
                )
            continue
        if name not in open_names:
            continue
        answers = counting_answers(dataset, name)
        if not occurs(quote, answers):
            warnings.append(
                f"{where}, row {row}: the quote does not occur in any open answer to {name} "
                "that counts; check it (a shortened or anonymised quote is fine)."
            )
        if normalise(quote) in {normalise(x) for x in found.get(name, [])}:
            warnings.append(f"{where}, row {row}: the same quote for {name} twice; printed once.")
            continue
        found.setdefault(name, []).append(quote)
    if problems:
        raise ValidationError(
            f"{where}: {len(problems)} problem{'s' if len(problems) > 1 else ''} with the quotes; "
            "no report was written.",
            problems,
        )
    for name in list(found):
        n = len(counting_answers(dataset, name))
        if n < min_cell_size:
            warnings.append(
                f"{where}: {name} has {n} open answers, fewer than privacy.min_cell_size "
                f"({min_cell_size}); its quotes are not printed."
            )
            del found[name]
    if not found and not warnings:
        warnings.append(f"{where}: no quotes in the file.")
    return Quotes({k: tuple(v) for k, v in found.items()}, tuple(warnings))


def _fix_name() -> str:
    return "use the question's name or number as in open_answers.csv (e.g. q56_good_point_explain)."
