"""Re-running print: refused unless forced, pseudonyms never reissued; reminders end to end;
the process pool gives the same batches as the serial renderer."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from print_batches.invitations import PrintOptions, print_invitations
from print_batches.manifest import read_manifest
from print_batches.reminders import ReminderOptions, print_reminders
from print_batches.variants import PrintChannel
from survey.errors import ConflictError, ProjectError, ValidationError
from survey.executors import ProcessExecutor, SerialExecutor
from survey.store import utc_now
from tests.print_batches.conftest import MakeProject

SERIAL = SerialExecutor()


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


def _manifest_pseudonyms(folder: Path) -> list[str]:
    return [r.pseudonym for m in sorted(folder.glob("batch-*.csv")) for r in read_manifest(m)]


def test_rerun_is_refused_and_force_replaces(make_project: MakeProject) -> None:
    project = make_project(4, email_share=0.0)
    before = project.store.pseudonyms()
    first = print_invitations(project, PrintOptions(batch_size=3), executor=SERIAL)
    assert first.sets == 4 and first.not_printed == {}
    files = _digests(first.folder)

    with pytest.raises(ConflictError) as refused:
        print_invitations(project, PrintOptions(batch_size=3), executor=SERIAL)
    message = str(refused.value)
    assert "already holds the invitation run" in message
    assert "2 batch PDF(s), 4 set(s) recorded" in message
    assert "--force" in message and "Nothing was changed" in message
    assert _digests(first.folder) == files
    assert project.store.scalar("SELECT count(*) FROM mailings") == 4

    second = print_invitations(project, PrintOptions(batch_size=2, force=True), executor=SERIAL)
    assert second.replaced and second.batches == 2
    assert _digests(second.folder) != files
    assert sorted(_manifest_pseudonyms(second.folder)) == sorted(before)
    assert project.store.pseudonyms() == before  # nobody got a new pseudonym
    rows = project.store.query("SELECT pseudonym, batch FROM mailings ORDER BY batch, sequence")
    assert [r["batch"] for r in rows] == ["invitation/001"] * 2 + ["invitation/002"] * 2
    assert sorted(r["pseudonym"] for r in rows) == sorted(before)


def test_nobody_to_print(make_project: MakeProject) -> None:
    project = make_project(3, email_share=1.0)  # everyone is invited by e-mail
    with pytest.raises(ProjectError, match=r"nobody to print for.*3 invited by e-mail"):
        print_invitations(project, PrintOptions(), executor=SERIAL)
    assert not (project.paths.print / "invitation").exists()
    assert not list(project.paths.print.iterdir())


def test_letter_channel_prints_letters_only(make_project: MakeProject) -> None:
    project = make_project(3, email_share=0.5)
    report = print_invitations(project, PrintOptions(channel=PrintChannel.LETTER), executor=SERIAL)
    rows = [r for m in report.folder.glob("*.csv") for r in read_manifest(m)]
    assert {r.variant for r in rows} == {"invitation_online"}
    assert all(r.questionnaire_first_page == 0 for r in rows)
    assert all(r.sheet_count * 2 == r.page_count for r in rows)


def test_reminders_end_to_end(make_project: MakeProject) -> None:
    project = make_project(6, email_share=0.0)
    invitation = print_invitations(project, PrintOptions(), executor=SERIAL)
    order = _manifest_pseudonyms(invitation.folder)
    on_paper, online = order[0], order[3]
    store = project.store
    store.insert(
        "answers", {"pseudonym": on_paper, "question": "q1", "value": "1", "source": "paper"}
    )
    store.insert("online_responses", {"pseudonym": online, "submitted_at": utc_now(), "raw": "{}"})

    report = print_reminders(project, ReminderOptions(with_questionnaire=True), executor=SERIAL)
    assert report.folder == project.paths.print / "reminder-1"
    assert report.not_printed == {"already responded": 2}
    reminded = _manifest_pseudonyms(report.folder)
    assert sorted(reminded) == sorted(set(order) - {on_paper, online})
    rows = [r for m in report.folder.glob("*.csv") for r in read_manifest(m)]
    assert {r.variant for r in rows} == {"reminder_paper"}
    assert all(r.questionnaire_first_page > r.first_page for r in rows)
    recorded = store.query("SELECT DISTINCT variant FROM mailings WHERE batch LIKE 'reminder-1/%'")
    assert [r[0] for r in recorded] == ["reminder_paper"]

    with pytest.raises(ConflictError, match="use --round 2"):
        print_reminders(project, ReminderOptions(), executor=SERIAL)
    second = print_reminders(project, ReminderOptions(round=2), executor=SERIAL)
    assert second.folder.name == "reminder-2" and second.by_variant == {"reminder": 4}


def test_process_pool_gives_the_same_batches(make_project: MakeProject) -> None:
    serial = make_project(5, email_share=0.0, name="serial")
    pooled = make_project(5, email_share=0.0, name="pooled")
    a = print_invitations(serial, PrintOptions(batch_size=2), executor=SERIAL)
    b = print_invitations(pooled, PrintOptions(batch_size=2), executor=ProcessExecutor(2))
    assert (a.batches, a.sets, a.pages, a.sheets) == (b.batches, b.sets, b.pages, b.sheets)
    layout_a = [
        (r.batch, r.sequence, r.page_count, r.questionnaire_first_page)
        for m in sorted(a.folder.glob("*.csv"))
        for r in read_manifest(m)
    ]
    layout_b = [
        (r.batch, r.sequence, r.page_count, r.questionnaire_first_page)
        for m in sorted(b.folder.glob("*.csv"))
        for r in read_manifest(m)
    ]
    assert layout_a == layout_b


def test_broken_letter_template_is_reported_before_rendering(make_project: MakeProject) -> None:
    project = make_project(2, email_share=0.0)
    template = project.paths.letters / "invitation_paper.nl.txt"
    template.write_text(
        template.read_text(encoding="utf-8").replace("{aanhef}", "{aanhef} {klantnummer}"),
        encoding="utf-8",
    )
    with pytest.raises(ValidationError, match=r"invitation_paper\.nl\.txt has problems") as err:
        print_invitations(project, PrintOptions(), executor=ProcessExecutor(2))
    assert "Unknown merge field {klantnummer}" in str(err.value)
    assert not list(project.paths.print.iterdir())
    assert project.store.scalar("SELECT count(*) FROM mailings") == 0
