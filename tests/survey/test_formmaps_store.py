"""Saving and loading the form maps a round was printed with, and their record in the store."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from survey.errors import ProjectError, ValidationError
from survey.formmap import MARK_IDS, Box, FormMap, Mark, PageMap, QrArea, QuestionSpec, Rect
from survey.formmaps_store import (
    META_PREFIX,
    PrintedMap,
    all_run_maps,
    file_name,
    form_map_bytes,
    latest_maps,
    load_form_map,
    record_run_maps,
    run_maps,
    save_form_map,
    schema_problems,
)
from survey.project import Project, ProjectPaths

W, H = 595.276, 841.89


def make_map(
    boxes: tuple[tuple[str, str, Rect], ...] = (), version: str = "0123456789ab"
) -> FormMap:
    """A valid one-page form map with the given checkboxes."""
    corners = {"tl": (20, H - 40), "tr": (W - 40, H - 40), "br": (W - 40, 20), "bl": (20, 20)}
    marks = tuple(Mark(c, MARK_IDS[c], Rect(x, y, x + 20, y + 20)) for c, (x, y) in corners.items())
    qr = (QrArea("tr", Rect(480, 740, 540, 800), Rect(480, 728, 540, 738)),)
    names = sorted({q for q, _, _ in boxes})
    return FormMap(
        form_id="test",
        version_hash=version,
        page_width=W,
        page_height=H,
        pages=(PageMap(1, marks, qr, tuple(Box(q, c, r) for q, c, r in boxes)),),
        questions=tuple(
            QuestionSpec(n, "select_one", 1, tuple(c for q, c, _ in boxes if q == n), i)
            for i, n in enumerate(names, start=1)
        ),
        meta={"title": "Test", "language": "nl"},
    )


BOXES = (("q1", "1", Rect(100, 500, 110, 510)), ("q1", "2", Rect(120, 500, 130, 510)))


def test_save_is_idempotent_and_content_addressed(project: Project) -> None:
    paths = project.paths
    fm = make_map(BOXES)
    saved = save_form_map(paths, "kbo 2027/lv", "nl", fm)
    data = form_map_bytes(fm)
    sha = hashlib.sha256(data).hexdigest()
    assert saved.sha256 == sha and saved.language == "nl"
    assert (
        saved.file
        == f"formmaps/kbo-2027-lv-nl-{sha[:12]}.json"
        == f"formmaps/{file_name('kbo 2027/lv', 'nl', sha)}"
    )
    assert (saved.form_id, saved.version_hash, saved.pseudonyms) == ("test", "0123456789ab", ())
    path = saved.path(paths)
    assert path.read_bytes() == data and path.read_text(encoding="utf-8").endswith("}\n")
    assert schema_problems(json.loads(data), path.name) == []
    stamp = path.stat().st_mtime_ns

    assert save_form_map(paths, "kbo 2027/lv", "nl", fm) == saved
    assert path.stat().st_mtime_ns == stamp  # not rewritten
    other = save_form_map(paths, "kbo 2027/lv", "nl", make_map(BOXES, version="ba9876543210"))
    assert other.file != saved.file
    assert sorted(p.name for p in paths.formmaps.iterdir()) == sorted(
        Path(f).name for f in (saved.file, other.file)
    )
    assert load_form_map(paths, saved) == fm


def test_a_damaged_file_with_the_right_name_is_written_again(project: Project) -> None:
    fm = make_map(BOXES)
    saved = save_form_map(project.paths, "kbo", "nl", fm)
    saved.path(project.paths).write_text("{}", encoding="utf-8")
    assert save_form_map(project.paths, "kbo", "nl", fm) == saved
    assert load_form_map(project.paths, saved) == fm


def test_a_map_that_breaks_the_schema_is_not_written(project: Project) -> None:
    bad = dataclasses.replace(make_map(BOXES), version_hash="not-hex")
    with pytest.raises(ValidationError) as refused:
        save_form_map(project.paths, "kbo", "nl", bad)
    assert "breaks its JSON Schema" in str(refused.value)
    assert any(p.column == "version_hash" for p in refused.value.problems)
    assert not project.paths.formmaps.exists() or not any(project.paths.formmaps.iterdir())


def test_load_refuses_a_changed_or_missing_file(project: Project) -> None:
    saved = save_form_map(project.paths, "kbo", "nl", make_map(BOXES))
    path = saved.path(project.paths)
    path.write_text(path.read_text(encoding="utf-8").replace('"x0": 100', '"x0": 101'))
    with pytest.raises(ProjectError, match=r"was changed after printing.*Restore it from a backup"):
        load_form_map(project.paths, saved)
    path.unlink()
    with pytest.raises(ProjectError, match="is missing: it is the form map the nl questionnaires"):
        load_form_map(project.paths, saved)


def test_run_records(project: Project) -> None:
    store = project.store
    nl = dataclasses.replace(
        save_form_map(project.paths, "kbo", "nl", make_map(BOXES)), pseudonyms=("B", "A")
    )
    en = dataclasses.replace(
        save_form_map(project.paths, "kbo", "en", make_map(BOXES[:1])), pseudonyms=("C",)
    )
    assert run_maps(store, "invitation") is None and all_run_maps(store) == []
    with store.transaction():
        record_run_maps(store, "reminder-1", "2027-03-15T08:00:00Z", [])
        record_run_maps(store, "invitation", "2027-03-01T08:00:00Z", [nl, en])
    invitation = run_maps(store, "invitation")
    assert invitation is not None
    assert invitation.maps == (en, dataclasses.replace(nl, pseudonyms=("A", "B")))
    assert invitation.get("nl") is not None and invitation.get("fr") is None
    assert [r.run for r in all_run_maps(store)] == ["invitation", "reminder-1"]  # by sent_at

    newer = dataclasses.replace(nl, sha256="f" * 64, pseudonyms=("A",))
    with store.transaction():
        record_run_maps(store, "reminder-1", "2027-03-15T08:00:00Z", [newer])  # replaces
    latest = latest_maps(all_run_maps(store))
    assert {lang: (r.run, m.sha256) for lang, (r, m) in latest.items()} == {
        "nl": ("reminder-1", "f" * 64),
        "en": ("invitation", en.sha256),
    }

    store.set_meta(META_PREFIX + "reminder-2", "{not json")
    with pytest.raises(
        ProjectError, match="'formmaps:reminder-2' of the printed form maps is damaged"
    ):
        all_run_maps(store)


rects = st.tuples(
    st.floats(0, 500, allow_nan=False),
    st.floats(0, 800, allow_nan=False),
    st.floats(1, 60, allow_nan=False),
    st.floats(1, 60, allow_nan=False),
).map(lambda t: Rect(t[0], t[1], t[0] + t[2], t[1] + t[3]))
names = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(names, names, rects), max_size=6, unique_by=lambda t: (t[0], t[1])))
def test_saved_maps_load_back_equal(boxes: list[tuple[str, str, Rect]]) -> None:
    fm = make_map(tuple(boxes))
    with tempfile.TemporaryDirectory() as tmp:
        paths = ProjectPaths(Path(tmp))
        saved = save_form_map(paths, "kbo", "nl", fm)
        assert load_form_map(paths, saved) == fm
        again = save_form_map(paths, "kbo", "nl", FormMap.from_json(saved.path(paths)))
        assert again == saved  # loading and saving again gives the same bytes


def test_printed_map_path(tmp_path: Path) -> None:
    m = PrintedMap("nl", "a" * 64, "formmaps/x.json", "f", "0" * 12)
    assert m.path(ProjectPaths(tmp_path)) == tmp_path / "formmaps" / "x.json"
