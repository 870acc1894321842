"""The review UI's re-reader: a round's printed maps per respondent, one worker context, clips."""

from __future__ import annotations

from pathlib import Path

from ingest.rereader import Rereader
from survey.project import Project
from tests.ingest.conftest import add_respondents, round_template  # noqa: F401  (the fixture two_versions uses)
from tests.ingest.test_scan_command import TwoVersions, two_versions  # noqa: F401


def test_the_rereader_knows_who_was_sent_which_map(two_versions: TwoVersions):  # noqa: F811
    t = two_versions
    with Project.open(t.root) as project:
        rereader = Rereader.for_project(project)
        store = project.store
        assert list(rereader.maps) == list(t.maps)  # default language first
        assert rereader.default_map == t.maps["nl"]
        assert rereader.map_ids(store, t.only_v1) == (t.v1,)
        assert rereader.form_map(store, t.late) == t.maps[t.v1]
        assert set(rereader.map_ids(store, t.both_old)) == {"nl", t.v1}
        assert rereader.form_map(store, "NOBODY") == t.maps["nl"]
    ctx = rereader.context
    assert not ctx.ocr and Path(ctx.root) == t.root.absolute() == rereader.root
    assert set(ctx.form_maps) == set(t.maps)  # one context, prepared once, for both jobs
