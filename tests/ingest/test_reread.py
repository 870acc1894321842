"""Assigning an unidentified page in review reads it with the respondent's form map.

(``ingest/reread.py`` and :class:`ingest.rereader.Rereader`, through the review
app.) The round is ``two_versions``: the questionnaire was edited
after the invitations and printed again for reminders, and the respondent
``late``, sent only the first version, returned page 1 without a readable
code. The scan read that sheet with the round's default map, version 2,
whose boxes on page 1 are elsewhere.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from ingest.codec import result_from_json
from ingest.reread import needs_reread
from ingest.worker import WorkContext
from omr.form import prepare_form
from omr.params import DEFAULT_PARAMS
from papersurvey.simulate.evaluate import score_sheet
from review import undo
from review.app import ReviewApp
from review.auth import add_operator
from review.decisions import page_questions
from review.items import NO_READING
from review.roundconfig import review_config
from survey.pageresult import PageStatus
from survey.pseudonym import new_pseudonym
from survey.store import Store
from tests.ingest.conftest import add_respondents, round_template  # noqa: F401  (the fixture two_versions uses)
from tests.ingest.test_scan_command import TwoVersions, two_versions  # noqa: F401
from tests.review.conftest import OPERATOR, PASSWORD, page_item
from tests.review.test_app import Client


@pytest.fixture
def round_copy(two_versions: TwoVersions, tmp_path: Path) -> Path:  # noqa: F811
    root = tmp_path / "round"
    shutil.copytree(two_versions.root, root)
    with Store.open(root / "store.sqlite") as store:
        add_operator(store, OPERATOR, PASSWORD)
    return root


def logged_in(root: Path) -> Client:
    config = dataclasses.replace(review_config(root), draft_ocr=None)
    client = Client(ReviewApp(config))
    assert client.login().status == 303
    return client


def assign_unidentified(root: Path, pseudonym: str) -> None:
    """Assign the round's unidentified page to ``pseudonym``'s page 1, as an operator in the UI."""
    client = logged_in(root)
    item_id = page_item(root, "unidentified")
    reply = client.post(
        f"/pages/{item_id}", {"action": "assign", "pseudonym": pseudonym, "page_no": "1"}
    )
    assert reply.status == 303, reply.text


def stored_page(root: Path, sha: str) -> tuple[dict, dict]:
    with Store.open(root / "store.sqlite") as store:
        row = store.query_one("SELECT result, quality FROM pages WHERE image_sha256 = ?", (sha,))
    assert row is not None
    return json.loads(row["result"]), json.loads(row["quality"])


def test_needs_reread_compares_the_page_layouts(two_versions: TwoVersions):  # noqa: F811
    t = two_versions
    ctx = WorkContext(
        {k: prepare_form(v) for k, v in t.maps.items()}, b"k" * 32, "S", DEFAULT_PARAMS, "/nowhere"
    )
    assert not needs_reread(ctx, "nl", ("nl",), 1)
    assert needs_reread(ctx, "nl", (t.v1,), 1)  # page 1 moved
    assert not needs_reread(ctx, "nl", (t.v1,), 2)  # page 2 is laid out alike
    assert needs_reread(ctx, "nl", ("nl", t.v1), 1)  # sent both: the sheet must tell
    assert needs_reread(ctx, t.v1, ("nl", t.v1), 1)
    assert not needs_reread(ctx, t.v1, ("nl", t.v1), 2)
    assert not needs_reread(ctx, "nl", ("nl",), 99)  # no such page: the assignment is refused


def test_assigning_reads_the_page_again_with_the_respondents_form_map(
    round_copy: Path,
    two_versions: TwoVersions,  # noqa: F811
):
    t = two_versions
    truth = t.truths[(t.late, 1)]
    before, quality = stored_page(round_copy, t.unidentified)
    assert quality["map"] == "nl"  # nobody knew whose it was: the default map, version 2
    stored = dataclasses.replace(result_from_json(json.dumps(before)), status=PageStatus.OK)
    misread = score_sheet(stored, dataclasses.replace(truth, pseudonym=stored.pseudonym))
    assert misread.silent + misread.reviewed > 3  # the control: version 2's boxes are elsewhere

    assign_unidentified(round_copy, t.late)

    after, quality = stored_page(round_copy, t.unidentified)
    assert quality["map"] == t.v1 and quality["reread_from"] == "nl"
    result = result_from_json(json.dumps(after))
    assert result.boxes == tuple((b.question, b.choice) for b in t.maps[t.v1].page(1).boxes)
    with Store.open(round_copy / "store.sqlite") as store:
        answers = {
            r[0]: r[1]
            for r in store.query(
                "SELECT question, value FROM answers WHERE pseudonym = ? AND source = 'paper'",
                (t.late,),
            )
        }
        flagged = {
            r[0]
            for r in store.query(
                "SELECT question FROM review_items WHERE pseudonym = ? AND question != '' "
                "AND state = 'open'",
                (t.late,),
            )
        }
        clips = {
            r[0]: r[1]
            for r in store.query(
                "SELECT question, path FROM clips WHERE page_sha256 = ? AND question != ''",
                (t.unidentified,),
            )
        }
    correct = 0
    for q in truth.questions:
        if q.name in flagged:
            continue
        meant = " ".join(sorted(q.value)) if isinstance(q.value, tuple) else q.value
        got = answers[q.name]
        got = " ".join(sorted(got.split())) if got and isinstance(q.value, tuple) else got
        assert not q.double and got == (meant or None), (q.name, got, meant)
        correct += 1
    assert correct >= len(truth.questions) - 1 >= 4
    # the review items it opened have their clips, cut where version 1 has the boxes
    assert flagged <= set(clips)
    for question in flagged:
        assert (round_copy / clips[question]).is_file()
    written = {x.question for x in result.texts if x.has_writing}
    assert written == {q for q, w in truth.texts if w}
    assert written <= set(clips)


def test_without_the_scan_file_every_question_goes_to_review(
    round_copy: Path,
    two_versions: TwoVersions,  # noqa: F811
):
    t = two_versions
    with Store.open(round_copy / "store.sqlite") as store, store.transaction():
        store.execute("UPDATE scan_files SET path = ?", (str(round_copy / "moved.pdf"),))
    assign_unidentified(round_copy, t.late)
    after, quality = stored_page(round_copy, t.unidentified)
    assert quality["map"] == t.v1 and "cannot be read again" in quality["map_note"]
    assert after["questions"] == [] and after["texts"] == []  # no misread box is left to show
    with Store.open(round_copy / "store.sqlite") as store:
        items = {
            r[0]: r[1]
            for r in store.query(
                "SELECT question, reason FROM review_items WHERE pseudonym = ? AND question != ''",
                (t.late,),
            )
        }
        paper = store.scalar(
            "SELECT count(*) FROM answers WHERE pseudonym = ? AND source = 'paper'", (t.late,)
        )
        text_clips = store.scalar(
            "SELECT count(*) FROM clips WHERE page_sha256 = ? AND kind = 'text'", (t.unidentified,)
        )
    assert items == dict.fromkeys(page_questions(t.maps[t.v1], 1), NO_READING)
    assert paper == 0 and text_clips == 0


def test_a_page_read_with_the_respondents_map_is_left_as_it_is(
    round_copy: Path,
    two_versions: TwoVersions,  # noqa: F811
):
    """Someone sent only version 2 (the default): the stored reading is theirs already."""
    t = two_versions
    newcomer = new_pseudonym()
    add_respondents(round_copy, [newcomer])
    before = stored_page(round_copy, t.unidentified)
    assign_unidentified(round_copy, newcomer)
    assert stored_page(round_copy, t.unidentified) == before


def test_undo_and_assign_again_reads_the_same(
    round_copy: Path,
    two_versions: TwoVersions,  # noqa: F811
):
    """The stored result and its map id change together, so an undo leaves them consistent."""
    t = two_versions
    client = logged_in(round_copy)
    item_id = page_item(round_copy, "unidentified")
    form = {"action": "assign", "pseudonym": t.late, "page_no": "1"}

    def answers() -> list[tuple]:
        with Store.open(round_copy / "store.sqlite") as store:
            return [
                tuple(r)
                for r in store.query(
                    "SELECT question, value, confidence FROM answers WHERE pseudonym = ? "
                    "ORDER BY question",
                    (t.late,),
                )
            ]

    assert client.post(f"/pages/{item_id}", form).status == 303
    first, page = answers(), stored_page(round_copy, t.unidentified)
    with Store.open(round_copy / "store.sqlite") as store:
        undo.undo_page(store, item_id, operator=OPERATOR)
        status = store.scalar("SELECT status FROM pages WHERE image_sha256 = ?", (t.unidentified,))
    assert status == "unidentified" and answers() == []
    assert stored_page(round_copy, t.unidentified) == page  # read with version 1, and says so
    assert client.post(f"/pages/{item_id}", form).status == 303
    assert answers() == first and stored_page(round_copy, t.unidentified) == page
