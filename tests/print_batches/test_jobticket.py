"""Job ticket: totals, per-file SHA-256, verification."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from print_batches.jobticket import (
    BatchSummary,
    build_ticket,
    read_ticket,
    verify_files,
    write_ticket,
)


def _summary(n: int, sets: int, pages: int) -> BatchSummary:
    return BatchSummary(
        batch=n,
        pdf=f"batch-{n:03d}.pdf",
        manifest=f"batch-{n:03d}.csv",
        sets=sets,
        pages=pages,
        sheets=pages // 2,
        blank_pages=sets,
        first_postcode="1000 AA",
        last_postcode="9999 ZZ",
        variants={"invitation_paper": sets - 1, "invitation_online": 1},
    )


def test_ticket_totals_and_hashes(tmp_path: Path) -> None:
    (tmp_path / "batch-001.pdf").write_bytes(b"%PDF-one")
    (tmp_path / "batch-001.csv").write_text("x\n")
    (tmp_path / "batch-002.pdf").write_bytes(b"%PDF-two")
    ticket = build_ticket(
        run_dir=tmp_path,
        run_name="invitation",
        survey={"id": "kbo-2027"},
        duplex=True,
        batches=[_summary(2, 3, 12), _summary(1, 4, 16)],
        created_at=datetime(2027, 3, 1, 9, 0, tzinfo=UTC),
        producer="papersurvey test",
    )
    assert ticket["totals"] == {
        "batches": 2,
        "sets": 7,
        "pages": 28,
        "sheets": 14,
        "blank_pages": 7,
        "by_variant": {"invitation_online": 2, "invitation_paper": 5},
    }
    assert [b["batch"] for b in ticket["batches"]] == [1, 2]
    assert ticket["paper"]["size"] == "A4" and ticket["paper"]["duplex"] is True
    assert ticket["files"]["batch-002.pdf"]["sha256"] == hashlib.sha256(b"%PDF-two").hexdigest()
    assert set(ticket["files"]) == {"batch-001.pdf", "batch-001.csv", "batch-002.pdf"}

    write_ticket(tmp_path, ticket)
    assert read_ticket(tmp_path) == ticket
    assert verify_files(tmp_path, ticket) == []
    (tmp_path / "batch-001.pdf").write_bytes(b"%PDF-changed")
    (tmp_path / "batch-002.pdf").unlink()
    assert verify_files(tmp_path, ticket) == ["batch-001.pdf", "batch-002.pdf"]


def test_missing_or_foreign_ticket_reads_as_none(tmp_path: Path) -> None:
    assert read_ticket(tmp_path) is None
    (tmp_path / "jobticket.json").write_text('{"format": "other"}')
    assert read_ticket(tmp_path) is None
