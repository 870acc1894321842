"""The name-to-code mapping between the questionnaire and its LimeSurvey survey (contract).

LimeSurvey's codes are stricter than questionnaire names: a question code
starts with a letter, then letters and digits, at most 20 characters, unique
in the survey; a subquestion code is 1-20 letters or digits, unique in its
question; an answer code is 1-5 letters or digits, unique in its list. Its
structure import does not refuse a bad code: it renames invalid question codes,
drops invalid answer codes, stops half-way on a code over 20 characters and
merges repeated codes. So papersurvey never leaves the codes to chance: every
question, grid, grid row, multiple-choice option and answer has an explicit
code in ``questionnaire/limesurvey_codes.csv``, checked before anything is
written, and the same file maps the response exports back.

The file has the columns ``kind,name,code``:

========== ============================== ===============================
kind       name                           code
========== ============================== ===============================
question   a question (not in a grid)     its LimeSurvey question code
array      a grid group                   the array question's code
row        a question in a grid           the array's subquestion code
option     ``QUESTION/CHOICE``            the multiple-choice subquestion
answer     ``LIST/CHOICE``                the answer code
========== ============================== ===============================

Codes are derived once (letters and digits of the name, at most 20
characters, numbered on a clash) and then kept: a later round, or a
questionnaire that gained a question, keeps every code already in the file,
so exports of different rounds have the same headings.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from survey.errors import Problem, QuestionnaireError
from survey.model import Group, Item, Question, Questionnaire, QuestionType

FILE_NAME = "limesurvey_codes.csv"
KINDS = ("question", "array", "row", "option", "answer")
QUESTION_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,19}$")
SUBQUESTION_CODE = re.compile(r"^[A-Za-z0-9]{1,20}$")
ANSWER_CODE = re.compile(r"^[A-Za-z0-9]{1,5}$")
RESERVED = frozenset(
    {
        "id",
        "token",
        "submitdate",
        "lastpage",
        "startlanguage",
        "seed",
        "startdate",
        "datestamp",
        "ipaddr",
        "refurl",
        "other",
        "comment",
    }
)
"""Codes that would collide with LimeSurvey's own response columns or special subquestions."""


@dataclass(frozen=True)
class CodeMap:
    """Every LimeSurvey code of one questionnaire.

    Attributes:
        codes: ``(kind, name) -> code``, in file order.
    """

    codes: Mapping[tuple[str, str], str]

    def get(self, kind: str, name: str) -> str:
        return self.codes[(kind, name)]

    def question(self, q: Question) -> str:
        """The code of a question outside a grid, or of a grid row."""
        return self.codes.get(("question", q.name)) or self.codes[("row", q.name)]

    def answer(self, list_name: str, choice: str) -> str:
        return self.codes[("answer", f"{list_name}/{choice}")]

    def option(self, question: str, choice: str) -> str:
        return self.codes[("option", f"{question}/{choice}")]


def grid_of(questionnaire: Questionnaire) -> dict[str, Group]:
    """Question name -> the grid (table-list group) it is a row of."""
    out: dict[str, Group] = {}
    for g in questionnaire.groups():
        if g.is_grid:
            for q in g.questions():
                out[q.name] = g
    return out


def _wanted(questionnaire: Questionnaire) -> Iterator[tuple[str, str, Item | None]]:
    """Every ``(kind, name, item)`` the questionnaire needs a code for, in order."""
    grids = grid_of(questionnaire)
    done: set[str] = set()
    for q in questionnaire.questions():
        if q.other_of:
            continue  # LimeSurvey's own "other" of its question: no code of its own
        grid = grids.get(q.name)
        if grid is not None:
            if grid.name not in done:
                done.add(grid.name)
                yield "array", grid.name, grid
            yield "row", q.name, q
        else:
            yield "question", q.name, q
        if q.type is QuestionType.SELECT_MULTIPLE and q.choices:
            for c in q.own_choices():
                yield "option", f"{q.name}/{c.name}", q
    for cl in questionnaire.choice_lists:
        for c in cl.choices:
            yield "answer", f"{cl.name}/{c.name}", None


def _scope(kind: str, name: str, grids: Mapping[str, Group]) -> str:
    """The name space a code must be unique in."""
    if kind in ("question", "array"):
        return "survey"
    if kind == "row":
        return f"array {grids[name].name}"
    return f"{kind} {name.split('/', 1)[0]}"


def _derive(kind: str, name: str, taken: set[str]) -> str:
    text = name.split("/", 1)[1] if kind in ("option", "answer") else name
    code = re.sub(r"[^A-Za-z0-9]", "", text)
    limit = 5 if kind == "answer" else 20
    if kind in ("question", "array") and not code[:1].isalpha():
        code = "q" + code
    if kind == "answer" and not code:
        code = "A"
    code = code[:limit] or "X"
    n = 1
    candidate = code
    while candidate.lower() in taken or candidate.lower() in RESERVED:
        n += 1
        candidate = code[: limit - len(str(n))] + str(n)
    return candidate


def derive_codes(questionnaire: Questionnaire, keep: CodeMap | None = None) -> CodeMap:
    """The codes of ``questionnaire``: those in ``keep`` as they are, new ones derived."""
    grids = grid_of(questionnaire)
    kept = dict(keep.codes) if keep else {}
    taken: dict[str, set[str]] = {}
    for kind, name, _ in _wanted(questionnaire):
        if (kind, name) in kept:
            taken.setdefault(_scope(kind, name, grids), set()).add(kept[(kind, name)].lower())
    codes = dict(kept)
    for kind, name, _ in _wanted(questionnaire):
        if (kind, name) not in codes:
            scope = taken.setdefault(_scope(kind, name, grids), set())
            codes[(kind, name)] = _derive(kind, name, scope)
            scope.add(codes[(kind, name)].lower())
    return CodeMap(codes)


def check_codes(
    questionnaire: Questionnaire, codes: CodeMap, where: str = FILE_NAME
) -> list[Problem]:
    """Every code LimeSurvey would rename, drop, cut or merge, naming the questionnaire row."""
    grids = grid_of(questionnaire)
    problems: list[Problem] = []
    seen: dict[tuple[str, str], str] = {}
    for kind, name, item in _wanted(questionnaire):
        row = item.row if item is not None else 0
        sheet = "choices" if kind == "answer" else "survey"
        code = codes.codes.get((kind, name))
        if code is None:
            problems.append(
                Problem(
                    where,
                    0,
                    "code",
                    f"{kind} {name} has no code.",
                    "Run papersurvey limesurvey DIR, which adds it.",
                )
            )
            continue
        rule, text = {
            "question": (QUESTION_CODE, "a letter, then letters and digits, at most 20 characters"),
            "array": (QUESTION_CODE, "a letter, then letters and digits, at most 20 characters"),
            "row": (SUBQUESTION_CODE, "1 to 20 letters or digits"),
            "option": (SUBQUESTION_CODE, "1 to 20 letters or digits"),
            "answer": (ANSWER_CODE, "1 to 5 letters or digits"),
        }[kind]
        label = f"{sheet} row {row} ({kind} {name})" if row else f"{sheet}: {kind} {name}"
        if not rule.match(code):
            problems.append(
                Problem(
                    where,
                    0,
                    "code",
                    f"{label}: code {code!r} is not {text}; LimeSurvey would change it.",
                    f"Give {name} a code of {text} in {where}.",
                )
            )
        if code.lower() in RESERVED:
            problems.append(
                Problem(
                    where,
                    0,
                    "code",
                    f"{label}: code {code!r} is a name LimeSurvey uses itself.",
                    f"Give {name} another code in {where}.",
                )
            )
        key = (_scope(kind, name, grids), code.lower())
        if key in seen:
            problems.append(
                Problem(
                    where,
                    0,
                    "code",
                    f"{label}: code {code!r} is also the code of {seen[key]} ({key[0]}); LimeSurvey would merge them.",
                    f"Give one of them another code in {where}.",
                )
            )
        seen.setdefault(key, name)
    return problems


def read_codes(path: Path) -> CodeMap:
    """The mapping file as written (not checked against a questionnaire).

    Raises:
        QuestionnaireError: the file is not a ``kind,name,code`` table.
    """
    text = Path(path).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or [h.strip() for h in rows[0]] != ["kind", "name", "code"]:
        raise QuestionnaireError(
            f"{path} is not a LimeSurvey code table.",
            [
                Problem(
                    path.name,
                    1,
                    "",
                    "the first row must be kind,name,code.",
                    "Restore the file, or delete it to derive the codes again.",
                )
            ],
        )
    codes: dict[tuple[str, str], str] = {}
    problems = []
    for r, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != 3 or row[0].strip() not in KINDS:
            problems.append(
                Problem(
                    path.name,
                    r,
                    "kind",
                    f"{row!r} is not kind,name,code with a kind of {', '.join(KINDS)}.",
                    "Correct or remove the row.",
                )
            )
            continue
        codes[(row[0].strip(), row[1].strip())] = row[2].strip()
    if problems:
        raise QuestionnaireError(f"{path} has {len(problems)} problems.", problems)
    return CodeMap(codes)


def render_codes(codes: CodeMap) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["kind", "name", "code"])
    for (kind, name), code in codes.codes.items():
        writer.writerow([kind, name, code])
    return buf.getvalue()


def load_codes(questionnaire: Questionnaire, path: Path) -> CodeMap:
    """The round's codes: the stored file with any missing codes derived, checked.

    Raises:
        QuestionnaireError: a code LimeSurvey would not keep as it is; every one is listed.
    """
    stored = read_codes(path) if Path(path).is_file() else None
    codes = derive_codes(questionnaire, stored)
    problems = check_codes(questionnaire, codes, Path(path).name)
    if problems:
        raise QuestionnaireError(
            f"{len(problems)} LimeSurvey codes would not survive LimeSurvey's import; nothing was written.",
            problems,
        )
    return codes
