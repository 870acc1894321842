"""The form map: where everything is on each printed questionnaire page (contract).

layout/ writes one form map per questionnaire version; omr/ needs nothing but
this map and a page image. All rectangles are in PDF points, origin
bottom-left (see :mod:`survey.units`). The JSON form is documented in
``docs/formats.md`` and validated against ``survey/schemas/formmap.schema.json``.

Registration marks are ArUco markers from ``aruco_dictionary``; their ids say
which corner they belong to (``MARK_IDS``), so the page orientation follows
from which id is found where.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

SCHEMA_VERSION = 1
ARUCO_DICTIONARY = "DICT_4X4_50"
# Corner -> ArUco id. Distinct ids make the orientation unambiguous.
MARK_IDS: dict[str, int] = {"tl": 0, "tr": 1, "br": 2, "bl": 3}


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle in PDF points, origin bottom-left, ``x0 < x1``, ``y0 < y1``."""

    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def center(self) -> tuple[float, float]:
        return ((self.x0 + self.x1) / 2, (self.y0 + self.y1) / 2)

    def as_tuple(self) -> tuple[float, float, float, float]:
        return (self.x0, self.y0, self.x1, self.y1)

    def overlaps(self, other: Rect) -> bool:
        return not (
            self.x1 <= other.x0 or other.x1 <= self.x0 or self.y1 <= other.y0 or other.y1 <= self.y0
        )


@dataclass(frozen=True)
class Mark:
    """A registration mark: the ArUco marker's outer black square."""

    corner: str  # tl, tr, br, bl (as printed, page upright)
    aruco_id: int
    rect: Rect


@dataclass(frozen=True)
class QrArea:
    """A page QR code and the human-readable code printed next to it."""

    corner: str
    rect: Rect  # the QR symbol including its quiet zone
    text_rect: Rect  # the printed code, for OCR


@dataclass(frozen=True)
class Box:
    """One checkbox: the printed square (outer edge of its outline)."""

    question: str
    choice: str
    rect: Rect


@dataclass(frozen=True)
class TextArea:
    """The writing area of an open question."""

    question: str
    rect: Rect


@dataclass(frozen=True)
class QuestionSpec:
    """What omr/ must know of a question to resolve its boxes into a value."""

    name: str
    type: str  # select_one | select_multiple | text | integer
    page: int
    choices: tuple[str, ...] = ()
    number: int = 0  # the question number printed on paper


@dataclass(frozen=True)
class PageMap:
    """Everything machine-readable on one page."""

    number: int  # 1-based
    marks: tuple[Mark, ...]
    qr_areas: tuple[QrArea, ...]
    boxes: tuple[Box, ...] = ()
    text_areas: tuple[TextArea, ...] = ()

    def box_rects(self) -> np.ndarray:
        """All box rectangles as a float64 array of shape ``(n, 4)``, PDF points."""
        if not self.boxes:
            return np.zeros((0, 4), dtype=np.float64)
        return np.array([b.rect.as_tuple() for b in self.boxes], dtype=np.float64)

    def mark_centers(self) -> dict[int, tuple[float, float]]:
        """ArUco id -> mark centre in PDF points."""
        return {m.aruco_id: m.rect.center for m in self.marks}


@dataclass(frozen=True)
class FormMap:
    """The form map of one questionnaire version."""

    form_id: str
    version_hash: str
    page_width: float
    page_height: float
    pages: tuple[PageMap, ...]
    questions: tuple[QuestionSpec, ...] = ()
    aruco_dictionary: str = ARUCO_DICTIONARY
    schema_version: int = SCHEMA_VERSION
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def page(self, number: int) -> PageMap:
        return self.pages[number - 1]

    def question(self, name: str) -> QuestionSpec:
        for q in self.questions:
            if q.name == name:
                return q
        raise KeyError(name)

    # --- JSON -----------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self, path: Path | None = None) -> str:
        text = json.dumps(self.to_dict(), indent=1, ensure_ascii=False)
        if path is not None:
            path.write_text(text + "\n", encoding="utf-8")
        return text

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FormMap:
        def rect(r: dict[str, float]) -> Rect:
            return Rect(r["x0"], r["y0"], r["x1"], r["y1"])

        pages = tuple(
            PageMap(
                number=p["number"],
                marks=tuple(Mark(m["corner"], m["aruco_id"], rect(m["rect"])) for m in p["marks"]),
                qr_areas=tuple(
                    QrArea(q["corner"], rect(q["rect"]), rect(q["text_rect"]))
                    for q in p["qr_areas"]
                ),
                boxes=tuple(Box(b["question"], b["choice"], rect(b["rect"])) for b in p["boxes"]),
                text_areas=tuple(TextArea(t["question"], rect(t["rect"])) for t in p["text_areas"]),
            )
            for p in d["pages"]
        )
        questions = tuple(
            QuestionSpec(q["name"], q["type"], q["page"], tuple(q["choices"]), q.get("number", 0))
            for q in d.get("questions", [])
        )
        return cls(
            form_id=d["form_id"],
            version_hash=d["version_hash"],
            page_width=d["page_width"],
            page_height=d["page_height"],
            pages=pages,
            questions=questions,
            aruco_dictionary=d.get("aruco_dictionary", ARUCO_DICTIONARY),
            schema_version=d.get("schema_version", SCHEMA_VERSION),
            meta=d.get("meta", {}),
        )

    @classmethod
    def from_json(cls, text_or_path: str | Path) -> FormMap:
        if isinstance(text_or_path, Path):
            text_or_path = text_or_path.read_text(encoding="utf-8")
        return cls.from_dict(json.loads(text_or_path))


# --- how two maps differ ---------------------------------------------------------------------------
_LIST_AT_MOST = 5


def _boxes(fm: FormMap) -> dict[tuple[str, str], tuple[int, Any]]:
    return {(b.question, b.choice): (p.number, b.rect) for p in fm.pages for b in p.boxes}


def _areas(fm: FormMap) -> dict[str, tuple[int, Any]]:
    return {t.question: (p.number, t.rect) for p in fm.pages for t in p.text_areas}


def _furniture(p: PageMap) -> tuple[Any, ...]:
    return (p.marks, p.qr_areas)


def _names(items: Iterable[str]) -> str:
    names = sorted(items)
    more = f" and {len(names) - _LIST_AT_MOST} more" if len(names) > _LIST_AT_MOST else ""
    return ", ".join(names[:_LIST_AT_MOST]) + more


def describe_difference(printed: FormMap, now: FormMap) -> str:
    """How two form maps differ, for a person: pages, boxes, writing areas, questions, version."""
    parts: list[str] = []
    if printed.form_id != now.form_id:
        parts.append(f"form id {printed.form_id} became {now.form_id}")
    if printed.version_hash != now.version_hash:
        parts.append(f"questionnaire version {printed.version_hash} became {now.version_hash}")
    if (printed.page_width, printed.page_height) != (now.page_width, now.page_height):
        parts.append("the page size changed")
    if len(printed.pages) != len(now.pages):
        parts.append(f"{len(printed.pages)} pages became {len(now.pages)}")
    old, new = _boxes(printed), _boxes(now)
    moved = [k for k in old.keys() & new.keys() if old[k] != new[k]]
    if moved:
        pages = sorted({new[k][0] for k in moved})
        parts.append(
            f"{len(moved)} of {len(old)} checkboxes moved on page {', '.join(map(str, pages))}"
        )
    if new.keys() - old.keys():
        parts.append(f"{len(new.keys() - old.keys())} checkboxes added")
    if old.keys() - new.keys():
        parts.append(f"{len(old.keys() - new.keys())} checkboxes removed")
    old_areas, new_areas = _areas(printed), _areas(now)
    if old_areas != new_areas:
        changed = {
            q for q in old_areas.keys() | new_areas.keys() if old_areas.get(q) != new_areas.get(q)
        }
        parts.append(f"writing areas of {_names(changed)} moved, added or removed")
    if any(_furniture(a) != _furniture(b) for a, b in zip(printed.pages, now.pages, strict=False)):
        parts.append("registration marks or page-code areas moved")
    old_q = {q.name: q for q in printed.questions}
    new_q = {q.name: q for q in now.questions}
    changed_q = {n for n in old_q.keys() | new_q.keys() if old_q.get(n) != new_q.get(n)}
    if changed_q:
        parts.append(f"question(s) {_names(changed_q)} changed")
    if not parts:
        return "the form maps differ"
    if len(parts) == 1 and parts[0].startswith("questionnaire version"):
        parts.append("the boxes are where they were; only the questionnaire's content changed")
    return "; ".join(parts)
