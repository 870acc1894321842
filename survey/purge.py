"""The end of a round's personal data: what ``papersurvey purge`` removes, and when.

Personal data is kept only as long as the round needs it. After the close
date plus ``privacy.retention_days`` (survey.toml), purge removes:

* ``pii/``: the address file, the pseudonym key, the LimeSurvey participant
  list and any address file the municipality delivered;
* ``print/``: batch PDFs and manifests (the letters carry names and addresses);
* ``scans/`` and ``clips/``: scanned questionnaires and clips of handwriting,
  which may hold personal details a respondent wrote down (``--keep-scans``
  keeps them, for a bureau whose contract says so).

What stays: the store (pseudonymous answers), ``out/`` (exports and reports)
and the settings. Afterwards nobody can link an answer to a person. Every
purge is written to the audit log with counts (never file contents).
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from survey.errors import ConflictError
from survey.project import Project

log = logging.getLogger("papersurvey.purge")


@dataclass(frozen=True)
class PurgeOptions:
    """Options of :func:`purge`.

    Attributes:
        today: the date to judge the retention period against.
        force: purge before the retention period has ended.
        dry_run: only say what would be removed.
        keep_scans: keep ``scans/`` and ``clips/``.
    """

    today: dt.date
    force: bool = False
    dry_run: bool = False
    keep_scans: bool = False


@dataclass(frozen=True)
class PurgePlan:
    """What a purge removes: files, by folder, and whether it may go ahead."""

    due: dt.date | None
    files: tuple[Path, ...]
    folders: tuple[Path, ...]
    bytes: int


def retention_end(project: Project) -> dt.date | None:
    """The first day purge may run without ``--force``; ``None`` without a close date."""
    close = project.settings.dates.close
    if close is None:
        return None
    return close + dt.timedelta(days=project.settings.privacy.retention_days)


def plan_purge(project: Project, *, keep_scans: bool = False) -> PurgePlan:
    """The files and folders a purge would empty (the folders themselves stay)."""
    p = project.paths
    folders = [p.pii, p.print] + ([] if keep_scans else [p.scans, p.clips])
    files = tuple(
        sorted(f for folder in folders if folder.exists() for f in folder.rglob("*") if f.is_file())
    )
    size = sum(f.stat().st_size for f in files)
    return PurgePlan(retention_end(project), files, tuple(folders), size)


def purge(project: Project, options: PurgeOptions) -> PurgePlan:
    """Remove the round's personal data; the plan that was carried out.

    Raises:
        ConflictError: the retention period has not ended (or no close date is
            set) and ``options.force`` is not given.
    """
    plan = plan_purge(project, keep_scans=options.keep_scans)
    if not options.force:
        if plan.due is None:
            raise ConflictError(
                "survey.toml has no 'dates.close', so the retention period is unknown. "
                "Set dates.close, or run purge with --force to remove personal data now."
            )
        if options.today < plan.due:
            raise ConflictError(
                f"the retention period ends on {plan.due.isoformat()} (dates.close + "
                f"privacy.retention_days); personal data is kept until then. "
                "Run purge with --force to remove it now."
            )
    if options.dry_run:
        return plan
    for folder in plan.folders:
        if not folder.exists():
            continue
        for child in folder.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    with project.store.transaction() as store:
        store.audit(
            "purge",
            {
                "files": len(plan.files),
                "folders": [f.name for f in plan.folders],
                "forced": options.force,
                "today": options.today.isoformat(),
            },
        )
    log.info("purged %d files from %s", len(plan.files), ", ".join(f.name for f in plan.folders))
    return plan
