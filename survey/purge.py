"""The end of a round's personal data: what ``papersurvey purge`` removes, and when.

Personal data is kept only as long as the round needs it. After the close
date plus ``privacy.retention_days`` (survey.toml), purge removes:

* ``pii/``: the address file, the pseudonym key, the LimeSurvey participant
  list and any address file the municipality delivered;
* ``print/``: batch PDFs and manifests (the letters carry names and addresses);
* ``scans/`` and ``clips/``: scanned questionnaires and clips of handwriting,
  which may hold personal details a respondent wrote down (``--keep-scans``
  keeps them, for a bureau whose contract says so);
* ``store.sqlite.before-vN``: the copies of the store made before a schema
  migration (they hold the free text below);
* ``online/``: the online survey's response exports as downloaded, whose
  open answers are free text like those in the store (exports kept outside
  the project folder are the bureau's to delete: purge names the files the
  round imported).

It also strips the **free text** from the store (:func:`strip_free_text`):
the answers to open (``text``) questions, paper and online, the
transcriptions and their drafts, and the journal snapshots of page decisions
that copy them (page decisions can no longer be undone afterwards). Open
answers may name people or hold phone numbers; after purge only the quotes
an analyst approved and anonymised for the report may stay, in place of the
answer they came from (``kept``), when the purge is asked to keep them.
Exports holding free text (``out/export/``) are made again from the stripped
store by the command (``papersurvey.purging``).

The store is then compacted (:meth:`survey.store.Store.compact`): a database
keeps deleted and overwritten rows in its free pages (SQLite, also in its
write-ahead log) until it is rewritten, and the removed text would still be
in the file.

What stays: the pseudonymous closed answers, the aggregates, the reports and
the settings. Afterwards nobody can link an answer to a person. Every purge
is written to the audit log with counts (never contents).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import shutil
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from survey.errors import ConflictError
from survey.model import QuestionType
from survey.project import Project
from survey.store import BACKUP_BEFORE, Store

log = logging.getLogger("papersurvey.purge")


@dataclass(frozen=True)
class PurgeOptions:
    """Options of :func:`purge`.

    Attributes:
        today: the date to judge the retention period against.
        force: purge before the retention period has ended.
        dry_run: only say what would be removed.
        keep_scans: keep ``scans/`` and ``clips/``.
        kept: ``(pseudonym, question) -> quote``: approved quotes that replace
            the open answer they were taken from; every other open answer is
            removed.
    """

    today: dt.date
    force: bool = False
    dry_run: bool = False
    keep_scans: bool = False
    kept: Mapping[tuple[str, str], str] = field(default_factory=dict)


@dataclass(frozen=True)
class FreeTextCounts:
    """What :func:`strip_free_text` removed (or would remove), by place."""

    answers: int = 0
    online_answers: int = 0
    transcriptions: int = 0
    journal_entries: int = 0
    kept_quotes: int = 0

    @property
    def total(self) -> int:
        return self.answers + self.online_answers + self.transcriptions + self.journal_entries


@dataclass(frozen=True)
class PurgePlan:
    """What a purge removes: files, by folder, and whether it may go ahead."""

    due: dt.date | None
    files: tuple[Path, ...]
    folders: tuple[Path, ...]
    bytes: int
    free_text: FreeTextCounts = field(default_factory=FreeTextCounts)
    backups: tuple[Path, ...] = ()


def retention_end(project: Project) -> dt.date | None:
    """The first day purge may run without ``--force``; ``None`` without a close date."""
    close = project.settings.dates.close
    if close is None:
        return None
    return close + dt.timedelta(days=project.settings.privacy.retention_days)


def plan_purge(project: Project, *, keep_scans: bool = False) -> PurgePlan:
    """The files and folders a purge would empty (the folders themselves stay)."""
    p = project.paths
    folders = [p.pii, p.print, p.online] + ([] if keep_scans else [p.scans, p.clips])
    # The copies of the store made before migrations hold it as it was, free text and all.
    store = p.store
    backups = tuple(
        sorted(f for f in store.parent.glob(f"{store.name}.{BACKUP_BEFORE}*") if f.is_file())
    )
    files = tuple(
        sorted(
            [f for folder in folders if folder.exists() for f in folder.rglob("*") if f.is_file()]
            + list(backups)
        )
    )
    size = sum(f.stat().st_size for f in files)
    return PurgePlan(retention_end(project), files, tuple(folders), size, backups=backups)


def imported_online_files(project: Project) -> list[str]:
    """The names of the online response exports the round imported (from the audit log).

    Copies kept in ``online/`` go with the purge; copies elsewhere are the
    bureau's to delete, so the command names them.
    """
    names = set()
    for (detail,) in project.store.query(
        "SELECT detail FROM audit_log WHERE action = 'import-online'"
    ):
        file = json.loads(detail).get("file")
        if file:
            names.add(str(file))
    return sorted(names)


def text_questions(project: Project) -> set[str]:
    """The names of the round's open (``text``) questions."""
    q = project.load_questionnaire()
    return {x.name for x in q.answerable() if x.type is QuestionType.TEXT}


def strip_free_text(
    store: Store,
    questions: set[str],
    kept: Mapping[tuple[str, str], str],
    *,
    dry_run: bool = False,
) -> FreeTextCounts:
    """Remove every open answer from the store, except approved quotes in ``kept``.

    Call inside a transaction. With ``dry_run`` only count.
    """
    marks = ",".join("?" * len(questions))
    names = sorted(questions)
    rows = store.query(
        f"SELECT pseudonym, question, source FROM answers WHERE question IN ({marks}) "
        "AND value IS NOT NULL",
        names,
    )
    quotes = 0
    for r in rows:
        quote = kept.get((r["pseudonym"], r["question"]))
        quotes += quote is not None
        if not dry_run:
            store.execute(
                "UPDATE answers SET value = ? WHERE pseudonym = ? AND question = ? AND source = ?",
                (quote, r["pseudonym"], r["question"], r["source"]),
            )
    online = 0
    for r in store.query("SELECT pseudonym, submitted_at, raw FROM online_responses"):
        raw = json.loads(r["raw"])
        answers = raw.get("answers", {})
        hit = [q for q in answers if q in questions and answers[q] not in (None, "")]
        if not hit:
            continue
        online += len(hit)
        for q in hit:
            quote = kept.get((r["pseudonym"], q))
            quotes += quote is not None
            if quote is None:
                del answers[q]
            else:
                answers[q] = quote
        if not dry_run:
            store.execute(
                "UPDATE online_responses SET raw = ? WHERE pseudonym = ? AND submitted_at = ?",
                (
                    json.dumps(raw, sort_keys=True, ensure_ascii=False),
                    r["pseudonym"],
                    r["submitted_at"],
                ),
            )
    transcriptions = int(
        store.scalar(
            "SELECT count(*) FROM transcriptions WHERE value IS NOT NULL OR draft IS NOT NULL"
        )
    )
    journal = int(store.scalar("SELECT count(*) FROM page_decisions WHERE before != '{}'"))
    if not dry_run:
        store.execute("UPDATE transcriptions SET value = NULL, draft = NULL")
        store.execute(
            "UPDATE page_decisions SET before = '{}', after = '{}', "
            "undone_by = coalesce(undone_by, 'purge'), undone_at = coalesce(undone_at, 'purged') "
            "WHERE before != '{}'"
        )
    return FreeTextCounts(len(rows), online, transcriptions, journal, quotes)


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
    questions = text_questions(project)
    if options.dry_run:
        with project.store.transaction() as store:
            counts = strip_free_text(store, questions, options.kept, dry_run=True)
        return dataclasses.replace(plan, free_text=counts)
    for backup in plan.backups:
        backup.unlink(missing_ok=True)
    for folder in plan.folders:
        if not folder.exists():
            continue
        for child in folder.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    with project.store.transaction() as store:
        counts = strip_free_text(store, questions, options.kept)
        store.audit(
            "purge",
            {
                "files": len(plan.files),
                "folders": [f.name for f in plan.folders],
                "forced": options.force,
                "today": options.today.isoformat(),
                "free_text": dataclasses.asdict(counts),
            },
        )
    # The stripped text must not linger in the store's free pages or its WAL.
    project.store.compact()
    log.info(
        "purged %d files from %s and %d free texts (%d approved quotes kept)",
        len(plan.files),
        ", ".join(f.name for f in plan.folders),
        counts.total,
        counts.kept_quotes,
    )
    return dataclasses.replace(plan, free_text=counts)
