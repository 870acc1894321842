"""Cutting recipients into batches: complete, in postal order, full batches but the last."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from print_batches.batches import (
    batch_id,
    check_run_name,
    make_recipient,
    plan_batches,
    reminder_run,
)
from survey.mailings import Variant
from survey.pseudonym import new_pseudonyms

recipients = st.integers(0, 60).flatmap(
    lambda n: st.lists(
        st.tuples(st.integers(1000, 9999), st.sampled_from("ABCZ"), st.integers(1, 300)),
        min_size=n,
        max_size=n,
    )
)


@given(recipients, st.integers(1, 25))
def test_every_recipient_once_in_order(addresses: list, size: int) -> None:
    people = [
        make_recipient(p, Variant.INVITATION_PAPER, postcode=f"{d} A{c}", house_number=h)
        for p, (d, c, h) in zip(new_pseudonyms(len(addresses)), addresses, strict=True)
    ]
    jobs = plan_batches(people, size, "invitation", Path("out"))
    flat = [r for job in jobs for r in job.recipients]
    assert sorted(r.pseudonym for r in flat) == sorted(r.pseudonym for r in people)
    assert [r.sort_key for r in flat] == sorted(r.sort_key for r in people)
    assert [job.batch for job in jobs] == list(range(1, len(jobs) + 1))
    assert all(len(job.recipients) == size for job in jobs[:-1])
    assert all(0 < len(job.recipients) <= size for job in jobs)
    assert all(job.batch_count == len(jobs) for job in jobs)


def test_names() -> None:
    person = make_recipient("ABCD1234X", Variant.REMINDER, postcode="2261ab", house_number="4a")
    (job,) = plan_batches([person], 500, "reminder-2", Path("out"))
    assert (job.pdf_name, job.manifest_name, job.batch_id) == (
        "batch-001.pdf",
        "batch-001.csv",
        "reminder-2/001",
    )
    assert person.postcode == "2261 AB" and person.sort_key == ("2261AB", 4, "A", "ABCD1234X")
    assert batch_id("invitation", 12) == "invitation/012"
    assert reminder_run(3) == "reminder-3"
    for bad in ("reminder-0", "invitations", "../x"):
        with pytest.raises(ValueError):
            check_run_name(bad)


def test_refuses_duplicates_and_bad_sizes() -> None:
    person = make_recipient("ABCD1234X", Variant.REMINDER, postcode="2261 AB", house_number=1)
    with pytest.raises(ValueError, match="twice"):
        plan_batches([person, person], 10, "invitation", Path("out"))
    with pytest.raises(ValueError, match="at least 1"):
        plan_batches([person], 0, "invitation", Path("out"))
