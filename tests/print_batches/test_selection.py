"""Who gets an envelope: invitations per channel, reminders only for non-responders."""

from __future__ import annotations

import pytest

from print_batches.batches import INVITATION_RUN
from print_batches.manifest import ManifestRow
from print_batches.recipients import (
    INVITED_BY_EMAIL,
    NOT_MAILED,
    RESPONDED,
    WITHDRAWN,
    select_invitations,
)
from print_batches.records import record_run, responded
from print_batches.reminders import select_reminders
from print_batches.variants import PrintChannel
from survey.errors import ProjectError
from survey.mailings import Variant
from survey.store import Channel, Store, utc_now
from tests.print_batches.conftest import MakeProject


def test_auto_channel_follows_the_store(make_project: MakeProject) -> None:
    project = make_project(12, email_share=0.5)
    by_channel = {r.pseudonym: r.channel for r in project.store.respondents()}
    paper = {p for p, c in by_channel.items() if c is Channel.PAPER}
    email = {p for p, c in by_channel.items() if c is Channel.EMAIL}
    assert paper and email

    auto = select_invitations(project, PrintChannel.AUTO)
    assert {r.pseudonym for r in auto.recipients} == paper
    assert {r.variant for r in auto.recipients} == {Variant.INVITATION_PAPER}
    assert auto.left_out == {INVITED_BY_EMAIL: len(email)}

    letter = select_invitations(project, PrintChannel.LETTER)
    assert {r.pseudonym for r in letter.recipients} == set(by_channel)
    assert {r.variant for r in letter.recipients} == {Variant.INVITATION_ONLINE}
    first = letter.recipients[0]
    assert first.address.postcode == first.postcode
    assert first.sort_key[0] == first.postcode.replace(" ", "")


def _mail_everyone(store: Store, pseudonyms: list[str]) -> None:
    rows = [
        ManifestRow(1, i, p, "2261 AB", 2 * i - 1, 2, 1, Variant.INVITATION_ONLINE.value)
        for i, p in enumerate(pseudonyms, start=1)
    ]
    record_run(store, INVITATION_RUN, rows, utc_now(), replace=False)


def _add_page(store: Store, sha: str, pseudonym: str | None, status: str) -> None:
    store.insert(
        "scan_files",
        {"sha256": "f" * 64, "path": "scan.pdf", "pages": 9, "added_at": utc_now()},
        or_ignore=True,
    )
    store.insert(
        "pages",
        {
            "image_sha256": sha,
            "file_sha256": "f" * 64,
            "page_index": 0,
            "pseudonym": pseudonym,
            "page_no": 1,
            "status": status,
            "processed_at": utc_now(),
        },
    )


def test_reminders_exclude_exactly_those_who_answered(make_project: MakeProject) -> None:
    project = make_project(10, email_share=0.0)
    store = project.store
    everyone = sorted(store.pseudonyms())
    with pytest.raises(ProjectError, match="no printed invitations"):
        select_reminders(project, with_questionnaire=False)

    mailed_to = everyone[:9]  # the last one was never mailed
    _mail_everyone(store, mailed_to)
    paper_page, paper_answers, online, foreign_page, withdrawn = mailed_to[:5]
    _add_page(store, "a" * 64, paper_page, "ok")
    _add_page(store, "b" * 64, foreign_page, "foreign")  # names them, but is not theirs
    _add_page(store, "c" * 64, None, "unidentified")
    store.insert(
        "answers", {"pseudonym": paper_answers, "question": "q1", "value": "3", "source": "paper"}
    )
    store.insert("online_responses", {"pseudonym": online, "submitted_at": utc_now(), "raw": "{}"})
    store.execute("UPDATE respondents SET status = 'withdrawn' WHERE pseudonym = ?", (withdrawn,))
    assert responded(store) == {paper_page, paper_answers, online}

    selection = select_reminders(project, with_questionnaire=True)
    expected = set(mailed_to) - {paper_page, paper_answers, online, withdrawn}
    assert foreign_page in expected
    assert {r.pseudonym for r in selection.recipients} == expected
    assert {r.variant for r in selection.recipients} == {Variant.REMINDER_PAPER}
    assert selection.left_out == {RESPONDED: 3, WITHDRAWN: 1, NOT_MAILED: 1}
    plain = select_reminders(project, with_questionnaire=False)
    assert {r.variant for r in plain.recipients} == {Variant.REMINDER}
