"""docs/omr.md lists every OMR setting with its current default."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

from omr.params import DEFAULT_PARAMS, OmrParams

DOC = Path(__file__).resolve().parents[2] / "docs" / "omr.md"


def test_every_setting_is_documented_with_its_default() -> None:
    rows = dict(
        re.findall(r"^\| `(\w+)` \| ([^|]+) \|", DOC.read_text(encoding="utf-8"), flags=re.M)
    )
    names = {f.name for f in fields(OmrParams)}
    assert names <= set(rows), f"undocumented: {sorted(names - set(rows))}"
    for name in names:
        assert rows[name].strip() == str(getattr(DEFAULT_PARAMS, name)), name
