"""What print_batches/ reads from and writes to the store.

Writes: one ``mailings`` row per printed set (pseudonym, batch, sequence,
variant, sent_at) and one audit-log entry per run. ``mailings.batch`` is
``<run>/<batch>``, for example ``invitation/003`` or ``reminder-1/001``, so
every run has its own batches and ``(batch, sequence)`` stays unique across
runs. ``mailings.variant`` is the envelope's contents
(:class:`print_batches.variants.Variant`). ``sent_at`` is the time the run was
produced for the print shop.

Reads: who has responded, on paper (an identified scanned page or answers
read from paper) or online (an imported online response).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from print_batches.batches import batch_id
from print_batches.manifest import ManifestRow
from survey.pageresult import PageStatus
from survey.store import Store


@dataclass(frozen=True)
class RunRecord:
    """A run as the store remembers it."""

    run: str
    sets: int
    batches: int
    sent_at: str


def run_record(store: Store, run: str) -> RunRecord | None:
    """The run's mailings summary, or ``None`` if the store has none for it."""
    row = store.query_one(
        "SELECT count(*) AS sets, count(DISTINCT batch) AS batches, max(sent_at) AS sent_at "
        "FROM mailings WHERE batch LIKE ?",
        (f"{run}/%",),
    )
    if row is None or not row["sets"]:
        return None
    return RunRecord(run, int(row["sets"]), int(row["batches"]), str(row["sent_at"] or ""))


def record_run(
    store: Store, run: str, rows: Iterable[ManifestRow], sent_at: str, *, replace: bool
) -> int:
    """Record every set of a run in ``mailings``, in one transaction.

    Args:
        store: the open store.
        run: the run name.
        rows: the manifest rows of all batches.
        sent_at: when the run was produced (ISO 8601 UTC).
        replace: delete the run's earlier mailings first (``--force``).

    Returns:
        The number of sets recorded.
    """
    with store.transaction():
        replaced = 0
        if replace:
            replaced = store.execute(
                "DELETE FROM mailings WHERE batch LIKE ?", (f"{run}/%",)
            ).rowcount
        n = store.insert_many(
            "mailings",
            (
                {
                    "pseudonym": r.pseudonym,
                    "batch": batch_id(run, r.batch),
                    "sequence": r.sequence,
                    "variant": r.variant,
                    "sent_at": sent_at,
                }
                for r in rows
            ),
        )
        store.audit("print", {"run": run, "sets": n, "replaced": replaced, "sent_at": sent_at})
    return n


def mailed(store: Store, run: str) -> dict[str, str]:
    """Pseudonym -> envelope variant for every set of ``run``."""
    return {
        r["pseudonym"]: r["variant"]
        for r in store.query(
            "SELECT pseudonym, variant FROM mailings WHERE batch LIKE ?", (f"{run}/%",)
        )
    }


def responded(store: Store) -> set[str]:
    """Pseudonyms that answered on any channel so far.

    Paper: a scanned page identified as theirs (status ``ok``), or answers
    read from paper or entered in review. Online: an imported online response.
    """
    rows = store.query(
        "SELECT pseudonym FROM pages WHERE status = ? AND pseudonym IS NOT NULL "
        "UNION SELECT pseudonym FROM answers "
        "UNION SELECT pseudonym FROM online_responses",
        (PageStatus.OK.value,),
    )
    return {r[0] for r in rows}
