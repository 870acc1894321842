"""Print runs save the form maps they print, and refuse a questionnaire that now lays out
differently from the one printed before (unless forced)."""

from __future__ import annotations

import hashlib
import json
import logging

import pytest

from layout.roundoptions import questionnaire_form_maps
from print_batches.formmaps import (
    compare_with_printed,
)
from print_batches.invitations import PrintOptions, print_invitations
from print_batches.manifest import read_manifest
from print_batches.reminders import ReminderOptions, print_reminders
from print_batches.variants import PrintChannel
from survey.errors import ConflictError
from survey.executors import SerialExecutor
from survey.formmap import FormMap
from survey.formmaps_store import all_run_maps, run_maps, schema_problems
from tests.print_batches.conftest import MakeProject, edit_questionnaire

SERIAL = SerialExecutor()


def _ticket(folder) -> dict:
    return json.loads((folder / "jobticket.json").read_text(encoding="utf-8"))


def _questionnaire_sets(folder) -> dict[str, str]:
    """Pseudonym -> variant, for the sets of a run that hold a questionnaire."""
    rows = [r for m in sorted(folder.glob("batch-*.csv")) for r in read_manifest(m)]
    return {r.pseudonym: r.variant for r in rows if r.questionnaire_first_page}


def test_print_saves_every_printed_form_map(make_project: MakeProject) -> None:
    project = make_project(5, email_share=0.0)
    english = sorted(project.store.pseudonyms())[0]
    project.store.execute("UPDATE respondents SET language = 'en' WHERE pseudonym = ?", (english,))
    report = print_invitations(project, PrintOptions(batch_size=3), executor=SERIAL)

    files = sorted(project.paths.formmaps.iterdir())
    assert [f.name.rsplit("-", 1)[0] for f in files] == [
        f"{project.settings.survey.id}-en",
        f"{project.settings.survey.id}-nl",
    ]
    now = questionnaire_form_maps(project)
    ticket = _ticket(report.folder)
    record = run_maps(project.store, "invitation")
    assert record is not None and record.sent_at
    for f in files:
        lang = f.name.rsplit("-", 2)[1]
        sha = hashlib.sha256(f.read_bytes()).hexdigest()
        assert f.name.endswith(f"-{sha[:12]}.json")
        assert schema_problems(json.loads(f.read_bytes()), f.name) == []
        assert FormMap.from_json(f) == now[lang]  # the map of what was rendered
        assert ticket["form_maps"][lang]["sha256"] == sha
        assert ticket["form_maps"][lang]["file"] == f"formmaps/{f.name}"
        printed = record.get(lang)
        assert printed is not None and printed.sha256 == sha
        assert report.form_maps[lang] == printed.file
    assert ticket["form_maps"]["en"]["sets"] == 1 and ticket["form_maps"]["nl"]["sets"] == 4
    assert "formmaps" not in ticket["files"]  # the maps live outside print/ (purge removes it)
    en, nl = record.get("en"), record.get("nl")
    assert en is not None and nl is not None
    assert en.pseudonyms == (english,)
    assert set(nl.pseudonyms) | {english} == set(_questionnaire_sets(report.folder))

    # The same questionnaire printed again: the same files, not rewritten.
    stamps = {f.name: f.stat().st_mtime_ns for f in files}
    again = print_invitations(project, PrintOptions(force=True), executor=SERIAL)
    assert again.replaced and again.form_maps == report.form_maps
    assert {f.name: f.stat().st_mtime_ns for f in project.paths.formmaps.iterdir()} == stamps


def test_letters_only_print_no_form_map(make_project: MakeProject) -> None:
    project = make_project(3, email_share=0.0)
    report = print_invitations(project, PrintOptions(channel=PrintChannel.LETTER), executor=SERIAL)
    assert report.form_maps == {} and _ticket(report.folder)["form_maps"] == {}
    assert not project.paths.formmaps.exists()
    record = run_maps(project.store, "invitation")
    assert record is not None and record.maps == ()


def test_changed_questionnaire_is_refused_for_a_reminder_unless_forced(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture
) -> None:
    project = make_project(4, email_share=0.0)
    first = print_invitations(project, PrintOptions(), executor=SERIAL)
    edit_questionnaire(project.paths.root)

    # A reminder letter alone prints no questionnaire: nothing to refuse.
    letters = print_reminders(project, ReminderOptions(), executor=SERIAL)
    assert letters.form_maps == {}

    with pytest.raises(ConflictError) as refused:
        print_reminders(project, ReminderOptions(with_questionnaire=True, round=2), executor=SERIAL)
    message = str(refused.value)
    assert "The nl questionnaire now lays out differently from the one printed in the " in message
    invitation = run_maps(project.store, "invitation")
    assert invitation is not None and f"invitation run on {invitation.sent_at}" in message
    assert first.form_maps["nl"] in message and "checkboxes moved on page 1" in message
    assert (
        "two versions of the questionnaire in circulation" in message
        and "Nothing was changed" in message
    )
    assert "--force" in message
    assert not (project.paths.print / "reminder-2").exists()
    assert run_maps(project.store, "reminder-2") is None
    assert len(list(project.paths.formmaps.iterdir())) == 1

    with caplog.at_level(logging.WARNING, logger="papersurvey"):
        forced = print_reminders(
            project, ReminderOptions(with_questionnaire=True, round=2, force=True), executor=SERIAL
        )
    assert forced.form_maps["nl"] != first.form_maps["nl"]
    assert (project.paths.root / forced.form_maps["nl"]).is_file()
    assert (project.paths.root / first.form_maps["nl"]).is_file()  # still read for the others
    assert any("--force: both versions are in circulation" in r.message for r in caplog.records)
    assert [r.run for r in all_run_maps(project.store)] == [
        "invitation",
        "reminder-1",
        "reminder-2",
    ]

    # The forced map is now the one printed: a third reminder with it is not refused.
    third = print_reminders(
        project, ReminderOptions(with_questionnaire=True, round=3), executor=SERIAL
    )
    assert third.form_maps == forced.form_maps


def test_rerun_refusal_explains_the_changed_form_map(make_project: MakeProject) -> None:
    project = make_project(3, email_share=0.0)
    first = print_invitations(project, PrintOptions(), executor=SERIAL)
    edit_questionnaire(project.paths.root)
    with pytest.raises(ConflictError) as refused:
        print_invitations(project, PrintOptions(), executor=SERIAL)
    message = str(refused.value)
    assert "already holds the invitation run" in message
    assert "The nl questionnaire now lays out differently" in message
    replaced = print_invitations(project, PrintOptions(force=True), executor=SERIAL)
    assert replaced.form_maps["nl"] != first.form_maps["nl"]
    record = run_maps(project.store, "invitation")
    assert record is not None and record.get("nl") is not None
    assert record.maps[0].file == replaced.form_maps["nl"]


def test_title_only_change_is_not_a_different_form_map(make_project: MakeProject) -> None:
    """The map's ``meta`` (title, generator) is informative: it differs, the geometry does not."""
    project = make_project(2, email_share=0.0)
    print_invitations(project, PrintOptions(), executor=SERIAL)
    record = run_maps(project.store, "invitation")
    assert record is not None
    nl = record.get("nl")
    assert nl is not None
    path = project.paths.root / nl.file
    data = json.loads(path.read_bytes())
    data["meta"]["title"] = "Another title"
    changed = FormMap.from_dict(data)
    assert changed == FormMap.from_json(path)
    assert compare_with_printed(project, {"nl": changed}) == []
