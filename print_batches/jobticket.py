"""The job ticket: one JSON file that tells the print shop what a run is.

It lists the survey, the paper (size, duplex), the totals (sets, pages,
sheets, per variant), every batch with its first and last postcode, the
form map of every language printed with a questionnaire (its file under
``formmaps/`` and SHA-256), and the SHA-256 of every file in the run folder,
so the print shop can confirm it
received exactly what was produced and papersurvey can notice a file that was
changed afterwards. The format is documented in ``docs/printing.md``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from survey.units import A4_HEIGHT_PT, A4_WIDTH_PT, pt_to_mm

FORMAT = "papersurvey-jobticket"
FORMAT_VERSION = 1
FILE_NAME = "jobticket.json"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class BatchSummary:
    """What one rendered batch holds (returned by the worker that rendered it)."""

    batch: int
    pdf: str  # file name, relative to the run folder
    manifest: str
    sets: int
    pages: int
    sheets: int
    blank_pages: int
    first_postcode: str
    last_postcode: str
    variants: Mapping[str, int]


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file, read in chunks (batch PDFs can be large)."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def build_ticket(
    *,
    run_dir: Path,
    run_name: str,
    survey: Mapping[str, Any],
    duplex: bool,
    batches: Iterable[BatchSummary],
    created_at: datetime,
    producer: str,
    options: Mapping[str, Any] | None = None,
    form_maps: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The job ticket as a JSON-ready dict.

    Args:
        run_dir: the run folder; every file in it except the ticket is hashed.
        run_name: ``invitation`` or ``reminder-N``.
        survey: survey id, code, municipality, title, questionnaire version.
        duplex: whether sheets are printed on both sides.
        batches: the rendered batches, in order.
        created_at: when the run was made (timezone-aware).
        producer: the program and version, e.g. ``papersurvey 0.1.0``.
        options: the options the run was made with (batch size, channel ...).
        form_maps: per language printed with a questionnaire, the saved form
            map (``file``, ``sha256``, ``form_id``, ``version_hash``, ``sets``);
            see :func:`print_batches.formmaps.ticket_entry`.
    """
    batch_list = sorted(batches, key=lambda b: b.batch)
    by_variant: Counter[str] = Counter()
    for b in batch_list:
        by_variant.update(b.variants)
    files = {
        p.name: {"sha256": sha256_file(p), "bytes": p.stat().st_size}
        for p in sorted(run_dir.iterdir())
        if p.is_file() and p.name != FILE_NAME
    }
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "run": run_name,
        "created_at": created_at.isoformat(timespec="seconds"),
        "producer": producer,
        "survey": dict(survey),
        "options": dict(options or {}),
        "paper": {
            "size": "A4",
            "width_mm": round(pt_to_mm(A4_WIDTH_PT), 1),
            "height_mm": round(pt_to_mm(A4_HEIGHT_PT), 1),
            "duplex": duplex,
            "orientation": "portrait",
        },
        "totals": {
            "batches": len(batch_list),
            "sets": sum(b.sets for b in batch_list),
            "pages": sum(b.pages for b in batch_list),
            "sheets": sum(b.sheets for b in batch_list),
            "blank_pages": sum(b.blank_pages for b in batch_list),
            "by_variant": dict(sorted(by_variant.items())),
        },
        "batches": [
            {
                "batch": b.batch,
                "pdf": b.pdf,
                "manifest": b.manifest,
                "sets": b.sets,
                "pages": b.pages,
                "sheets": b.sheets,
                "blank_pages": b.blank_pages,
                "first_postcode": b.first_postcode,
                "last_postcode": b.last_postcode,
                "variants": dict(sorted(b.variants.items())),
            }
            for b in batch_list
        ],
        "form_maps": {lang: dict(v) for lang, v in sorted((form_maps or {}).items())},
        "files": files,
    }


def write_ticket(run_dir: Path, ticket: Mapping[str, Any]) -> Path:
    """Write ``jobticket.json`` into the run folder and return its path."""
    path = run_dir / FILE_NAME
    path.write_text(json.dumps(ticket, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def read_ticket(run_dir: Path) -> dict[str, Any] | None:
    """The job ticket of a run folder, or ``None`` when there is none (or it is unreadable)."""
    path = run_dir / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def verify_files(run_dir: Path, ticket: Mapping[str, Any]) -> list[str]:
    """Files whose SHA-256 no longer matches the ticket, or that are missing."""
    bad = []
    for name, info in ticket.get("files", {}).items():
        p = run_dir / name
        if not p.is_file() or sha256_file(p) != info.get("sha256"):
            bad.append(name)
    return bad
