"""Response exports exactly as LimeSurvey 6 writes them, in every variant, for the tests.

Reproduces ``CsvWriter`` (UTF-8 BOM, every field quoted, NULL as an empty
unquoted field, ``\\n`` inside fields, records ended by CRLF, a closing blank
line), ``JsonWriter`` (``{"responses": [...]}``, null for NULL) and
``Writer::write`` headings: ``code`` (``Q[SUB]``), ``em`` (``Q_SUB``),
``codetext`` (code, separator, text), ``full`` and ``abbreviated`` (texts cut
to 15 characters with ``.. ``); answers ``short`` (codes, ``Y``) or ``long``
(answer texts, ``Yes``/``No``/``N/A``). Metadata headings in full style are
LimeSurvey's (``Response ID``, ``Access code``, ...).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from papersurvey.simulate.online import SimulatedResponse
from survey.limesurvey import CodeMap, derive_codes
from survey.limesurvey_structure import Field, fields, structure
from survey.model import LANGUAGES, Questionnaire

META = ("id", "submitdate", "lastpage", "startlanguage", "seed", "token")
META_FULL = ("Response ID", "Date submitted", "Last page", "Start language", "Seed", "Access code")
LONG_YES = {"en": ("Yes", "No", "N/A"), "nl": ("Ja", "Nee", "N.v.t.")}


def _ellipsize(text: str, n: int = 15) -> str:
    return text if len(text) <= n else text[:n] + ".. "


def heading(f: Field, style: str, language: str, sep: str = ". ") -> str:
    parts = {lang: (q, s) for lang, q, s in f.parts}
    q, s = parts[language]
    full = f"{q} [{s}]" if s else q
    if style == "code":
        return f.code
    if style == "em":
        return f.em_code
    if style == "codetext":
        return f.code + sep + full
    if style == "full":
        return full
    abbreviated = _ellipsize(q) + (" [" + _ellipsize(s) + "]" if s else "")
    return abbreviated


def _value(
    f: Field, q: Questionnaire, r: SimulatedResponse, answers: str, language: str, codes: CodeMap
) -> str | None:
    question = q.question(f.question)
    value = r.answers.get(f.question)
    if f.choice:
        yes, no, na = LONG_YES[language]
        if value is None:
            return None if answers == "short" else na
        chosen = f.choice in value.split()
        if answers == "short":
            return "Y" if chosen else ""
        return yes if chosen else no
    if value is None:
        return None
    if question.choices:
        if answers == "short":
            return codes.answer(question.choices.name, value)
        return question.choices.choice(value).label.get(language)
    if question.type.value == "integer" and answers == "short":
        return f"{value}.0000000000"
    return value


def ls_export(
    q: Questionnaire,
    responses: Sequence[SimulatedResponse],
    *,
    headings: str = "code",
    answers: str = "short",
    language: str = "nl",
    delimiter: str = ",",
    fmt: str = "csv",
    codes: CodeMap | None = None,
    ids: Sequence[int] | None = None,
) -> bytes:
    codes = codes or derive_codes(q)
    cols = [f for f in fields(structure(q, codes), LANGUAGES) if f.question]
    meta = META_FULL if headings in ("full", "abbreviated") else META
    head = [*meta, *(heading(f, headings, language) for f in cols)]
    rows: list[list[str | None]] = []
    for i, r in enumerate(responses):
        rid = ids[i] if ids else i + 1
        row: list[str | None] = [
            str(rid),
            r.submitted_at or None,
            str(r.lastpage),
            r.language,
            str(1000 + rid),
            r.token,
        ]
        row += [_value(f, q, r, answers, language, codes) for f in cols]
        rows.append(row)
    if fmt == "json":
        # JsonWriter: a heading seen before gets " (fieldname)" after it (its database column)
        seen: set[str] = set()
        for i, h in enumerate(head):
            if h in seen:
                head[i] = f"{h} (Q{1000 + i})"
            seen.add(h)
        return json.dumps(
            {"responses": [dict(zip(head, row, strict=True)) for row in rows]}
        ).encode()

    def esc(v: str | None) -> str:
        return "" if v is None else '"' + v.replace("\r\n", "\n").replace('"', '""') + '"'

    lines = [delimiter.join(esc(h) for h in head)] + [
        delimiter.join(esc(v) for v in row) for row in rows
    ]
    return b"\xef\xbb\xbf" + ("\r\n".join(lines) + "\r\n" + "\r\n").encode("utf-8")
