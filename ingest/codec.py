"""Stored forms of what the OMR returns: page results as JSON, box measures as bytes.

The ``pages`` table keeps each page's :class:`~survey.pageresult.PageResult`
as JSON (``result``) so the review UI and the analysis can read it without
importing the OMR, and the box measures as a compact binary blob
(``measures``) from which a batch calibration is fitted. Both forms round-trip
exactly; the tests check it.

JSON form of a page result: the dataclass fields by name; enums as their
values; tuples as lists; ``code`` as an object or ``null``.
"""

from __future__ import annotations

import dataclasses
import json
import struct
from typing import Any, TypeVar

import numpy as np

from survey.codes import CodeStatus, PageCode
from survey.pageresult import (
    PageResult,
    PageStatus,
    Quality,
    QuestionResult,
    ReviewReason,
    TextResult,
)

T = TypeVar("T")
_MAGIC = b"PSM1"


def _code_dict(code: PageCode | None) -> dict[str, Any] | None:
    if code is None:
        return None
    return {
        "status": code.status.value,
        "survey": code.survey,
        "pseudonym": code.pseudonym,
        "page": code.page,
        "reason": code.reason,
    }


def result_to_dict(result: PageResult) -> dict[str, Any]:
    """A page result as plain JSON-ready data.

    Written out field by field (``dataclasses.asdict`` deep-copies and costs
    a few milliseconds a page in the worker); a test checks no field is missed.
    """
    r = result
    return {
        "status": r.status.value,
        "reason": r.reason,
        "code": _code_dict(r.code),
        "code_source": r.code_source,
        "page": r.page,
        "orientation": r.orientation,
        "homography": list(r.homography),
        "boxes": [list(b) for b in r.boxes],
        "box_states": [int(s) for s in r.box_states],
        "box_confidences": list(r.box_confidences),
        "box_ink": list(r.box_ink),
        "questions": [
            {
                "name": q.name,
                "value": list(q.value) if isinstance(q.value, tuple) else q.value,
                "review": [x.value for x in q.review],
                "confidence": q.confidence,
                "clip_image": list(q.clip_image),
            }
            for q in r.questions
        ],
        "texts": [
            {
                "question": t.question,
                "has_writing": t.has_writing,
                "ink": t.ink,
                "rect_page": list(t.rect_page),
                "rect_image": list(t.rect_image),
                "draft": t.draft,
            }
            for t in r.texts
        ],
        "quality": dataclasses.asdict(r.quality),
    }


def result_to_json(result: PageResult) -> str:
    """A page result as compact JSON text."""
    return json.dumps(result_to_dict(result), separators=(",", ":"), ensure_ascii=False)


def _value(v: Any) -> str | tuple[str, ...] | None:
    return tuple(v) if isinstance(v, list) else v


def result_from_dict(d: dict[str, Any]) -> PageResult:
    """The inverse of :func:`result_to_dict`."""
    code = d.get("code")
    return PageResult(
        status=PageStatus(d["status"]),
        reason=d.get("reason", ""),
        code=None
        if code is None
        else PageCode(
            CodeStatus(code["status"]),
            code.get("survey", ""),
            code.get("pseudonym", ""),
            int(code.get("page", 0)),
            code.get("reason", ""),
        ),
        code_source=d.get("code_source", ""),
        page=int(d.get("page", 0)),
        orientation=int(d.get("orientation", 0)),
        homography=tuple(float(x) for x in d.get("homography", ())),
        boxes=tuple((str(q), str(c)) for q, c in d.get("boxes", ())),
        box_states=tuple(int(s) for s in d.get("box_states", ())),
        box_confidences=tuple(float(c) for c in d.get("box_confidences", ())),
        box_ink=tuple(float(c) for c in d.get("box_ink", ())),
        questions=tuple(
            QuestionResult(
                name=q["name"],
                value=_value(q.get("value")),
                review=tuple(ReviewReason(r) for r in q.get("review", ())),
                confidence=float(q.get("confidence", 1.0)),
                clip_image=_rect(q.get("clip_image", (0, 0, 0, 0))),
            )
            for q in d.get("questions", ())
        ),
        texts=tuple(
            TextResult(
                question=t["question"],
                has_writing=bool(t["has_writing"]),
                ink=float(t["ink"]),
                rect_page=_rect_f(t["rect_page"]),
                rect_image=_rect(t["rect_image"]),
                draft=t.get("draft", ""),
            )
            for t in d.get("texts", ())
        ),
        quality=_known(Quality, d.get("quality", {})),
    )


def result_from_json(text: str) -> PageResult:
    """The inverse of :func:`result_to_json`."""
    return result_from_dict(json.loads(text))


def _rect(r: Any) -> tuple[int, int, int, int]:
    a, b, c, d = (int(x) for x in r)
    return (a, b, c, d)


def _rect_f(r: Any) -> tuple[float, float, float, float]:
    a, b, c, d = (float(x) for x in r)
    return (a, b, c, d)


def _known(cls: type[T], d: dict[str, Any]) -> T:
    """``cls(**d)`` keeping only the fields ``cls`` has (older or newer stored forms)."""
    names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    return cls(**{k: v for k, v in d.items() if k in names})


def arrays_to_bytes(obj: Any) -> bytes:
    """The numpy-array fields of a dataclass (e.g. OMR box measures) as one blob.

    Layout: ``PSM1``, a 4-byte header length, a JSON header listing
    ``[field, dtype, shape]`` in order, then the raw little-endian arrays.
    """
    fields = []
    chunks = []
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, np.ndarray):
            arr = np.ascontiguousarray(value)
            arr = arr.astype(arr.dtype.newbyteorder("<"), copy=False)
            fields.append([f.name, arr.dtype.str, list(arr.shape)])
            chunks.append(arr.tobytes())
    header = json.dumps(fields, separators=(",", ":")).encode()
    return b"".join([_MAGIC, struct.pack("<I", len(header)), header, *chunks])


def arrays_from_bytes(cls: type[T], blob: bytes) -> T:
    """Rebuild a dataclass written by :func:`arrays_to_bytes`."""
    if blob[:4] != _MAGIC:
        raise ValueError("not a papersurvey measures blob")
    (n,) = struct.unpack("<I", blob[4:8])
    fields = json.loads(blob[8 : 8 + n])
    pos = 8 + n
    values: dict[str, np.ndarray] = {}
    for name, dtype, shape in fields:
        dt = np.dtype(dtype)
        size = int(np.prod(shape)) * dt.itemsize
        values[name] = np.frombuffer(blob, dtype=dt, count=int(np.prod(shape)), offset=pos).reshape(
            shape
        )
        pos += size
    return _known(cls, values)
