"""Stored forms round-trip exactly: page results as JSON, box measures as bytes."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from ingest.codec import (
    arrays_from_bytes,
    arrays_to_bytes,
    result_from_json,
    result_to_dict,
    result_to_json,
)
from survey.codes import CodeStatus, PageCode
from survey.pageresult import (
    PageResult,
    PageStatus,
    Quality,
    QuestionResult,
    ReviewReason,
    TextResult,
)

names = st.text("abcdefghij_0123456789", min_size=1, max_size=8)
values = st.one_of(st.none(), names, st.lists(names, max_size=3).map(tuple))
rects = st.tuples(*[st.integers(0, 5000)] * 4)
floats = st.floats(-1e6, 1e6, allow_nan=False)

questions = st.builds(
    QuestionResult,
    name=names,
    value=values,
    review=st.lists(st.sampled_from(list(ReviewReason)), max_size=2).map(tuple),
    confidence=st.floats(0, 1),
    clip_image=rects,
)
texts = st.builds(
    TextResult,
    question=names,
    has_writing=st.booleans(),
    ink=st.floats(0, 1),
    rect_page=st.tuples(*[floats] * 4),
    rect_image=rects,
    draft=st.text(max_size=20),
)
results = st.builds(
    PageResult,
    status=st.sampled_from(list(PageStatus)),
    reason=st.text(max_size=30),
    code=st.one_of(
        st.none(),
        st.builds(
            PageCode,
            st.sampled_from(list(CodeStatus)),
            names,
            names,
            st.integers(0, 99),
            st.text(max_size=10),
        ),
    ),
    code_source=st.sampled_from(["", "qr:tr", "ocr:bl"]),
    page=st.integers(0, 12),
    orientation=st.sampled_from([0, 90, 180, 270]),
    homography=st.lists(floats, min_size=9, max_size=9).map(tuple) | st.just(()),
    boxes=st.lists(st.tuples(names, names), max_size=4).map(tuple),
    box_states=st.lists(st.integers(0, 2), max_size=4).map(tuple),
    box_confidences=st.lists(st.floats(0, 1), max_size=4).map(tuple),
    box_ink=st.lists(st.floats(0, 1), max_size=4).map(tuple),
    questions=st.lists(questions, max_size=4).map(tuple),
    texts=st.lists(texts, max_size=2).map(tuple),
    quality=st.builds(Quality, marks_found=st.integers(0, 4), dpi=st.floats(0, 700)),
)


@given(results)
def test_page_results_round_trip_through_json(result):
    assert result_from_json(result_to_json(result)) == result
    assert json.loads(result_to_json(result)) == json.loads(json.dumps(dataclasses.asdict(result)))


def test_every_field_of_a_page_result_is_written():
    d = result_to_dict(PageResult(PageStatus.OK))
    assert set(d) == {f.name for f in dataclasses.fields(PageResult)}
    q = QuestionResult("q", None)
    t = TextResult("t", False, 0.0, (0, 0, 0, 0), (0, 0, 0, 0))
    d = result_to_dict(PageResult(PageStatus.OK, questions=(q,), texts=(t,)))
    assert set(d["questions"][0]) == {f.name for f in dataclasses.fields(QuestionResult)}
    assert set(d["texts"][0]) == {f.name for f in dataclasses.fields(TextResult)}


@dataclasses.dataclass(frozen=True)
class Measures:
    ink: np.ndarray
    shift: np.ndarray
    note: str = "not an array"


@given(st.integers(0, 50))
def test_measure_arrays_round_trip(n):
    rng = np.random.default_rng(n)
    m = Measures(rng.random(n, dtype=np.float32), rng.random((n, 2)).astype(np.float32))
    back = arrays_from_bytes(Measures, arrays_to_bytes(m))
    np.testing.assert_array_equal(back.ink, m.ink)
    np.testing.assert_array_equal(back.shift, m.shift)
    assert back.ink.dtype == np.float32 and back.shift.shape == (n, 2)
