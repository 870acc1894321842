"""Which questionnaire question each heading of a LimeSurvey response export feeds.

LimeSurvey offers four kinds of heading (``Writer::write``):

* *Question code*: ``CODE`` or ``CODE[SUB]`` (``CODE_SUB`` with *Expression
  Manager codes*): matched exactly against the codes of the round's mapping
  (:mod:`survey.limesurvey`).
* *Question code & question text*: the code, the separator chosen on the export
  page (default ``. ``), then the text: matched by the code.
* *Full headings*: the question text in the export language, ``[subquestion
  text]`` after it; the metadata columns get LimeSurvey's own names
  (``Response ID``, ``Date submitted``, ``Access code``, ...).
* *Abbreviated headings*: the same, each part cut to a number of characters
  (15 by default) with ``..`` after it.

Texts are not unique (many grid rows start with the same words), so text
headings are matched through the structure, not by searching: LimeSurvey writes
the columns in the order of its field map, which is the order of
:func:`survey.limesurvey_structure.fields`, so each text heading is the next
field, in that order, whose text (in any language of the survey) it matches.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from survey.limesurvey_structure import Field

META = {
    "id": "id",
    "response id": "id",
    "submitdate": "submitdate",
    "date submitted": "submitdate",
    "lastpage": "lastpage",
    "last page": "lastpage",
    "startlanguage": "startlanguage",
    "start language": "startlanguage",
    "seed": "seed",
    "token": "token",
    "access code": "token",
    "startdate": "startdate",
    "date started": "startdate",
    "datestamp": "datestamp",
    "date last action": "datestamp",
}
"""Metadata headings (field names and LimeSurvey's full headings) -> the field."""

SKIPPED = frozenset(
    {
        "ipaddr", "ip address", "refurl", "referrer url", "firstname", "first name",
        "lastname", "last name", "email", "email address", "emailstatus", "participant_id",
        "tid", "language", "sent", "remindersent", "remindercount", "completed", "usesleft",
        "validfrom", "validuntil", "mpid", "blacklisted", "interviewtime", "total time",
    }
)  # fmt: skip
"""Participant, network and timing headings: read past, never stored."""
_SKIPPED_RE = re.compile(
    r"^(attribute_\d+|grouptime\d+|.+time|group time: .*|question time: .*)$", re.IGNORECASE
)
_SPECIAL_SUB = re.compile(r"^(?P<code>[A-Za-z][A-Za-z0-9]*)(\[|_)(other|comment)\]?$")


@dataclass(frozen=True)
class HeadingMap:
    """Where every heading goes.

    Attributes:
        meta: metadata field (``token``, ``submitdate``, ...) -> column index.
        fields: column index -> the field it holds.
        ignored: headings read past.
        unknown: ``(index, heading)`` of headings that match nothing.
        duplicates: ``(index, heading, earlier heading)`` of a second column for one field.
        style: ``code``, ``codetext`` or ``text`` (the most used kind).
    """

    meta: dict[str, int]
    fields: dict[int, Field]
    ignored: tuple[str, ...]
    unknown: tuple[tuple[int, str], ...]
    duplicates: tuple[tuple[int, str, str], ...]
    style: str


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


def _part_ok(part: str, text: str) -> bool:
    part, text = part.strip(), text.casefold()
    if part == text:
        return True
    return part.endswith("..") and len(part) > 2 and text.startswith(part[:-2])


_FIELDNAME_SUFFIX = re.compile(r"^(?P<heading>.+) \([A-Za-z0-9_]+\)$")


def text_matches(heading: str, f: Field) -> bool:
    """Whether a full or abbreviated heading is the heading of ``f`` (in any language).

    The JSON export makes repeated headings unique with `` (fieldname)`` after
    them (``JsonWriter::outputRecord``); such a heading matches without it.
    """
    candidates = {_norm(heading), _norm(heading.replace("_", " "))}
    m = _FIELDNAME_SUFFIX.match(heading)
    if m:
        candidates.add(_norm(m["heading"]))
    for h in candidates:
        for _, question, sub in f.parts:
            q, s = _norm(question), _norm(sub)
            if not sub:
                if _part_ok(h, q):
                    return True
                continue
            if h.endswith("]") and " [" in h:
                head, _, tail = h[:-1].rpartition(" [")
                if _part_ok(head, q) and _part_ok(tail, s):
                    return True
    return False


def _meta_key(heading: str) -> str | None:
    h = _norm(heading).replace("_", " ")
    return META.get(_norm(heading)) or META.get(h)


def _skipped(heading: str) -> bool:
    h = _norm(heading)
    return h in SKIPPED or h.replace("_", " ") in SKIPPED or bool(_SKIPPED_RE.match(h))


def map_headings(
    headings: Sequence[str], fields: Sequence[Field], ignore: Sequence[str] = ()
) -> HeadingMap:
    """Map every heading (see the module docstring)."""
    by_code: dict[str, Field] = {}
    for one in fields:
        by_code[one.code.casefold()] = one
        by_code[one.em_code.casefold()] = one
        if one.code.endswith("[other]"):  # "other" of or_other: also CODEother
            by_code[one.code.removesuffix("[other]").casefold() + "other"] = one
    codes_longest = sorted(by_code, key=len, reverse=True)
    ignore_keys = {_norm(i) for i in ignore}
    index_of = {id(f): i for i, f in enumerate(fields)}
    meta: dict[str, int] = {}
    mapped: dict[int, Field] = {}
    ignored: list[str] = []
    unknown: list[tuple[int, str]] = []
    styles = {"code": 0, "codetext": 0, "text": 0}
    cursor = 0
    for i, heading in enumerate(headings):
        key = _meta_key(heading)
        if key is not None:
            meta.setdefault(key, i)
            continue
        special = _SPECIAL_SUB.match(heading) and heading.casefold() not in by_code
        if _skipped(heading) or _norm(heading) in ignore_keys or special:
            ignored.append(heading)
            continue
        f: Field | None = by_code.get(heading.casefold())
        style = "code"
        if f is None:
            for code in codes_longest:
                rest = heading[len(code) :]
                if (
                    heading.casefold().startswith(code)
                    and rest[:1]
                    and not rest[0].isalnum()
                    and rest[0] not in "[_"
                ):
                    f, style = by_code[code], "codetext"
                    break
        if f is None:
            style = "text"
            for j in range(cursor, len(fields)):
                if text_matches(heading, fields[j]):
                    f = fields[j]
                    break
        if f is None:
            unknown.append((i, heading))
            continue
        styles[style] += 1
        if style == "text":
            cursor = index_of[id(f)] + 1
        mapped[i] = f
    seen: dict[str, str] = {}
    duplicates = []
    for i, f in mapped.items():
        if f.code in seen:
            duplicates.append((i, headings[i], seen[f.code]))
        seen.setdefault(f.code, headings[i])
    style = max(styles, key=lambda s: styles[s])
    for i, _, _ in duplicates:
        del mapped[i]
    return HeadingMap(meta, mapped, tuple(ignored), tuple(unknown), tuple(duplicates), style)
