"""Recipients in postal order, cut into batches for the print shop.

A *run* is one mailing round (``invitation``, ``reminder-1``, ...) with its own
folder under ``print/``. A run is cut into batches of N recipients in postal
order; each batch becomes one PDF and one manifest. Batch jobs are small and
picklable: they go to worker processes as they are.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from print_batches.sorting import SortKey, normalize_postcode, postal_key, postal_sort
from survey.mailings import Variant

INVITATION_RUN = "invitation"
_RUN_RE = re.compile(r"^(invitation|reminder-[1-9][0-9]?)$")


@dataclass(frozen=True)
class Recipient:
    """One envelope to print: who, what, and where it goes.

    Attributes:
        pseudonym: the respondent's login code.
        variant: what goes into the envelope.
        postcode: normalised postcode (``1234 AB``), for sorting and the manifest.
        sort_key: the postal sort key (see :func:`print_batches.sorting.postal_key`).
        address: the address record from ``pii/`` that the letter prints; opaque here.
        language: the language of the letter and questionnaire.
    """

    pseudonym: str
    variant: Variant
    postcode: str
    sort_key: SortKey
    address: Any
    language: str = "nl"


def make_recipient(
    pseudonym: str,
    variant: Variant,
    *,
    postcode: str,
    house_number: str | int,
    addition: str = "",
    address: Any = None,
    language: str = "nl",
) -> Recipient:
    """A recipient with its postal sort key worked out."""
    return Recipient(
        pseudonym=pseudonym,
        variant=variant,
        postcode=normalize_postcode(postcode),
        sort_key=postal_key(postcode, house_number, addition, pseudonym),
        address=address,
        language=language,
    )


@dataclass(frozen=True)
class BatchJob:
    """Everything a worker needs to render one batch.

    Attributes:
        run: the run name (``invitation``, ``reminder-1``).
        batch: the batch number, from 1.
        batch_count: the number of batches in the run.
        recipients: the sets of this batch, in print order.
        out_dir: where the worker writes the batch PDF and manifest.
    """

    run: str
    batch: int
    batch_count: int
    recipients: tuple[Recipient, ...]
    out_dir: Path

    @property
    def stem(self) -> str:
        return f"batch-{self.batch:03d}"

    @property
    def pdf_name(self) -> str:
        return f"{self.stem}.pdf"

    @property
    def manifest_name(self) -> str:
        return f"{self.stem}.csv"

    @property
    def batch_id(self) -> str:
        return batch_id(self.run, self.batch)


def batch_id(run: str, batch: int) -> str:
    """The batch as recorded in the store (``mailings.batch``): ``invitation/003``."""
    return f"{run}/{batch:03d}"


def check_run_name(run: str) -> str:
    """``run`` if it is a valid run name, else ``ValueError``."""
    if not _RUN_RE.match(run):
        raise ValueError(f"not a run name: {run!r} (invitation or reminder-N)")
    return run


def reminder_run(number: int) -> str:
    """The run name of the ``number``-th reminder round."""
    return check_run_name(f"reminder-{number}")


def plan_batches(
    recipients: Sequence[Recipient], batch_size: int, run: str, out_dir: Path
) -> list[BatchJob]:
    """Sort ``recipients`` for the post and cut them into batches of ``batch_size``.

    The last batch holds the remainder. Every batch but the last is full, so
    batch and sequence number give every set a fixed place in the run.
    """
    if batch_size < 1:
        raise ValueError("batch size must be at least 1")
    check_run_name(run)
    ordered = postal_sort(recipients, key=lambda r: r.sort_key)
    seen: set[str] = set()
    for r in ordered:
        if r.pseudonym in seen:
            raise ValueError(f"pseudonym {r.pseudonym} twice in one run")
        seen.add(r.pseudonym)
    chunks = [tuple(ordered[i : i + batch_size]) for i in range(0, len(ordered), batch_size)]
    return [
        BatchJob(run=run, batch=n, batch_count=len(chunks), recipients=chunk, out_dir=out_dir)
        for n, chunk in enumerate(chunks, start=1)
    ]
