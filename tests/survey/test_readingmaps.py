"""survey.readingmaps: which form maps a scan reads with: the printed ones, per language, with a warning where
they cannot be (a round printed before maps were kept) or where the questionnaire changed."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from layout.roundoptions import questionnaire_form_maps
from print_batches.formmaps import save_run_maps
from print_batches.invitations import PrintOptions, print_invitations
from print_batches.reminders import ReminderOptions, print_reminders
from survey.errors import ProjectError
from survey.executors import SerialExecutor
from survey.formmap import FormMap
from survey.formmaps_store import META_PREFIX, record_run_maps, run_maps, version_map_id
from survey.project import Project
from survey.readingmaps import ReadingMaps, reading_maps
from tests.print_batches.conftest import MakeProject, edit_questionnaire

SERIAL = SerialExecutor()


def maps_of(project: Project, *, compare: bool = True) -> ReadingMaps:
    """The reading maps, laying the questionnaire out with layout/ where nothing was saved."""
    return reading_maps(
        project, lambda languages: questionnaire_form_maps(project, languages), compare=compare
    )


def test_nothing_printed_builds_every_language_quietly(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture
) -> None:
    project = make_project(2, email_share=1.0)
    with caplog.at_level(logging.WARNING, logger="papersurvey"):
        got = maps_of(project)
    assert list(got.maps) == ["nl", "en"] and got.built == ("nl", "en") and got.files == {}
    assert got.maps == questionnaire_form_maps(project)
    assert got.warnings == () and not caplog.records


def test_printed_maps_per_language_default_first(make_project: MakeProject) -> None:
    project = make_project(3, email_share=0.0)
    first = sorted(project.store.pseudonyms())[0]
    project.store.execute("UPDATE respondents SET language = 'en' WHERE pseudonym = ?", (first,))
    report = print_invitations(project, PrintOptions(), executor=SERIAL)
    got = maps_of(project)
    assert list(got.maps) == ["nl", "en"] and got.built == () and got.warnings == ()
    assert got.files == report.form_maps
    for lang, fm in got.maps.items():
        assert fm == FormMap.from_json(project.paths.root / report.form_maps[lang])
    assert got.maps["nl"] != got.maps["en"]


def test_only_printed_languages_without_a_legacy_run(make_project: MakeProject) -> None:
    project = make_project(2, email_share=0.0)
    print_invitations(project, PrintOptions(), executor=SERIAL)
    got = maps_of(project, compare=False)
    assert list(got.maps) == ["nl"] and got.built == ()


def test_a_run_printed_before_maps_were_kept(make_project: MakeProject) -> None:
    """The invitation run has no record (an older papersurvey); a later reminder has one."""
    project = make_project(3, email_share=0.0)
    print_invitations(project, PrintOptions(), executor=SERIAL)
    project.store.execute("DELETE FROM meta WHERE key = ?", (META_PREFIX + "invitation",))
    got = maps_of(project)
    assert got.built == ("nl", "en") and got.files == {}
    (line,) = got.warnings
    assert line.startswith(
        "the invitation run(s) were printed before papersurvey kept the form maps"
    )
    assert "read with the form map of the questionnaire as it is now" in line

    later = print_reminders(project, ReminderOptions(with_questionnaire=True), executor=SERIAL)
    got = maps_of(project)
    assert got.files == later.form_maps and got.built == ("en",)
    (line,) = got.warnings
    assert line.startswith(
        "the invitation run(s) were printed before papersurvey kept the form maps it printed "
        "with; their questionnaires are read with the form maps saved by later runs (nl) and, "
        "for en, the form map of the questionnaire as it is now."
    )


def test_changed_questionnaire_forced_reminder_and_broken_questionnaire(
    make_project: MakeProject, caplog: pytest.LogCaptureFixture
) -> None:
    project = make_project(3, email_share=0.0)
    invitation = print_invitations(project, PrintOptions(), executor=SERIAL)
    printed = FormMap.from_json(project.paths.root / invitation.form_maps["nl"])
    record = run_maps(project.store, "invitation")
    assert record is not None
    sent_at = record.sent_at
    edit_questionnaire(project.paths.root)

    got = maps_of(project)
    assert got.maps["nl"] == printed  # not the questionnaire as it is now
    (line,) = got.warnings
    assert line.startswith("form map nl: the questionnaire now lays out differently")
    assert line.endswith(
        f"reading with the printed form map {invitation.form_maps['nl']} "
        f"(invitation run, {sent_at})"
    )

    forced = print_reminders(
        project, ReminderOptions(with_questionnaire=True, force=True), executor=SERIAL
    )
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="papersurvey"):
        got = maps_of(project)
    # the latest printed map is the language's; the invitation's stays, under its own id
    earlier = "nl@" + invitation.form_maps["nl"].rsplit("-", 1)[1][:12]
    assert got.files == {**forced.form_maps, earlier: invitation.form_maps["nl"]}
    assert list(got.maps) == ["nl", earlier]
    assert got.maps[earlier] == printed and got.maps["nl"] != printed
    assert got.maps["nl"] == FormMap.from_json(project.paths.root / forced.form_maps["nl"])
    # every respondent holds both questionnaires: the reminder's first
    everyone = sorted(project.store.pseudonyms())
    assert got.respondent_maps == dict.fromkeys(everyone, ("nl", earlier))
    assert got.warnings == ()  # nothing is read with the wrong map any more
    (line,) = [r.getMessage() for r in caplog.records if r.getMessage().startswith("form map")]
    assert line == (
        f"form map {earlier}: 3 respondent(s) were sent a nl questionnaire with an earlier form "
        f"map ({invitation.form_maps['nl']}, invitation run); their pages are read with it (3 "
        "were also sent the later one: each page is read with the form map whose boxes are on "
        "the sheet)"
    )

    (project.paths.root / "questionnaire" / "survey.csv").write_text(
        "type,name\n", encoding="utf-8"
    )
    got = maps_of(project)
    assert got.files == {**forced.form_maps, earlier: invitation.form_maps["nl"]}
    # (reading does not need the questionnaire)
    assert any(
        w.startswith("cannot compare the printed form maps with the questionnaire")
        for w in got.warnings
    )


def test_who_was_sent_which_map(make_project: MakeProject) -> None:
    """Recorded runs: an invitation with version 1, then reminders with version 2.

    ``a`` got version 1 only, ``b`` version 2 only (a letter-only invitation,
    then a reminder with the questionnaire), ``c`` both; a reminder whose map
    differs from version 2 only in its title adds no map of its own.
    """
    project = make_project(3, email_share=0.0)
    a, b, c = sorted(project.store.pseudonyms())
    v1 = questionnaire_form_maps(project, ["nl"])["nl"]
    (first,) = save_run_maps(project, {"nl": v1}, {"nl": [a, c]})
    edit_questionnaire(project.paths.root)
    v2 = questionnaire_form_maps(project, ["nl"])["nl"]
    (second,) = save_run_maps(project, {"nl": v2}, {"nl": [b, c]})
    retitled = dataclasses.replace(v2, meta={**v2.meta, "title": "Another title"})
    (third,) = save_run_maps(project, {"nl": retitled}, {"nl": [a]})
    assert len({first.sha256, second.sha256, third.sha256}) == 3
    with project.store.transaction():
        record_run_maps(project.store, "invitation", "2027-03-01T09:00:00Z", [first])
        record_run_maps(project.store, "reminder-1", "2027-03-20T09:00:00Z", [second])
        record_run_maps(project.store, "reminder-2", "2027-04-05T09:00:00Z", [third])

    got = maps_of(project)
    earlier = version_map_id("nl", first.sha256)
    assert list(got.maps) == ["nl", earlier] and got.warnings == ()
    assert got.maps["nl"] == v2 and got.maps[earlier] == v1
    assert got.files == {"nl": third.file, earlier: first.file}
    # latest run first; b got only the latest layout, so needs no entry
    assert got.respondent_maps == {a: ("nl", earlier), c: ("nl", earlier)}

    (project.paths.root / first.file).unlink()
    with pytest.raises(ProjectError, match=f"{first.file} is missing"):
        maps_of(project)
