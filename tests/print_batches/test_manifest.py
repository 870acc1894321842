"""Manifest CSV round trip and rejection of foreign files."""

from __future__ import annotations

from pathlib import Path

import pytest

from print_batches.manifest import COLUMNS, ManifestRow, read_manifest, write_manifest
from survey.errors import CorruptInputError


def test_round_trip(tmp_path: Path) -> None:
    rows = [
        ManifestRow(1, 1, "ABCD1234X", "2261 AB", 1, 6, 3, "invitation_paper", 3, 1),
        ManifestRow(1, 2, "EFGH5678Y", "2261 AC", 7, 2, 1, "invitation_online", 0, 1),
    ]
    path = tmp_path / "batch-001.csv"
    write_manifest(path, rows)
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    assert text.splitlines()[0].startswith(
        "batch,sequence,pseudonym,postcode,first_page,page_count,sheet_count,variant"
    )
    assert read_manifest(path) == rows
    assert rows[0].last_page == 6


def test_foreign_csv_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(CorruptInputError, match="not a papersurvey batch manifest"):
        read_manifest(path)
