"""Import a LimeSurvey response export into the store (``papersurvey import-online``).

:mod:`ingest.online` reads and maps the export; this module checks its tokens
against the round's respondents and writes ``online_responses``. The rules:

* a response is keyed by ``(token, submitted_at)``; re-importing the same
  file, or a later export holding the same responses, changes nothing;
* a partial response (no submit date) is stored with ``submitted_at = ""``;
  of several partial responses of one token only the one that got furthest
  (``lastpage``, then answers given, then response id) is kept, so a later
  export in which the respondent got further replaces it;
* a complete response whose stored row differs (edited in LimeSurvey) is
  replaced, and the audit log says so;
* several responses of one token are all kept: :mod:`analysis.duplicates`
  decides which one counts, and keeps the others for audit;
* a token that is not a respondent of this round is an error (all rows are
  listed), unless ``skip_unknown`` is set.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.online import OnlineExport, OnlineResponse, check_export, read_export
from survey import pseudonym
from survey.errors import Problem
from survey.model import Questionnaire
from survey.store import Store

log = logging.getLogger("papersurvey.ingest.online")


@dataclass(frozen=True)
class OnlineImportOptions:
    """What ``papersurvey import-online`` needs.

    Attributes:
        file: the LimeSurvey response export (CSV).
        ignore_columns: headings to read past although they match no question.
        skip_unknown: import the other rows when some tokens are not
            respondents of this round (test responses, another round), instead
            of refusing the file.
    """

    file: Path
    ignore_columns: tuple[str, ...] = ()
    skip_unknown: bool = False


@dataclass(frozen=True)
class OnlineImportReport:
    """What an import did. Re-importing the same file gives ``added == updated == 0``.

    Attributes:
        file: the file name.
        rows: response rows in the file.
        complete: rows with a submit date.
        partial: rows without one (kept as partial responses).
        added: responses new to the store.
        updated: stored responses replaced (a partial that got further, an
            edited response).
        unchanged: responses already stored as they are.
        skipped_unknown: rows skipped because their token is no respondent (``skip_unknown``).
        superseded: partial rows not kept because the same token has a
            partial response that got further.
        duplicate_tokens: tokens with more than one stored response after the
            import (resolved in the analysis).
        ignored_columns: headings read past.
        missing_questions: questions without a column in the export.
    """

    file: str
    rows: int
    complete: int
    partial: int
    added: int
    updated: int
    unchanged: int
    skipped_unknown: tuple[str, ...]
    superseded: int
    duplicate_tokens: tuple[str, ...]
    ignored_columns: tuple[str, ...]
    missing_questions: tuple[str, ...]

    @property
    def nothing_changed(self) -> bool:
        return self.added == 0 and self.updated == 0


def _unknown_problems(export: OnlineExport, known: set[str]) -> list[Problem]:
    return [
        Problem(
            export.file,
            r.row,
            "token",
            f"token {r.token} is not a respondent of this round.",
            "Check that the export is of this round's survey; run again with --skip-unknown "
            "to import the other rows.",
        )
        for r in export.responses
        if r.token and pseudonym.is_valid(r.token) and r.token not in known
    ]


def _furthest_partials(responses: Sequence[OnlineResponse]) -> tuple[list[OnlineResponse], int]:
    """Complete responses, plus per token the partial response that got furthest."""
    best: dict[str, OnlineResponse] = {}
    out = [r for r in responses if r.complete]
    partials = [r for r in responses if not r.complete]
    for r in partials:
        if r.token not in best or r.progress() > best[r.token].progress():
            best[r.token] = r
    return out + list(best.values()), len(partials) - len(best)


def import_online(
    store: Store, questionnaire: Questionnaire, options: OnlineImportOptions
) -> OnlineImportReport:
    """Import a LimeSurvey response export into ``online_responses`` (idempotent).

    Args:
        store: the round's :class:`survey.store.Store`.
        questionnaire: the round's questionnaire.
        options: the file and how strict to be.

    Raises:
        OnlineExportError: the file has problems; all are listed and nothing was written.
        CorruptInputError: the file is not CSV text.
    """
    export = read_export(options.file, questionnaire, ignore_columns=options.ignore_columns)
    known = store.pseudonyms()
    unknown = _unknown_problems(export, known)
    if unknown and not options.skip_unknown:
        export = replace(export, problems=export.problems + tuple(unknown))
    check_export(export)
    usable = [r for r in export.responses if r.token in known]
    skipped = tuple(sorted({r.token for r in export.responses if r.token not in known}))
    responses, superseded = _furthest_partials(usable)

    stored = {
        (row["pseudonym"], row["submitted_at"]): row["raw"]
        for row in store.query("SELECT pseudonym, submitted_at, raw FROM online_responses")
    }
    added = updated = unchanged = 0
    with store.transaction():
        for r in responses:
            raw = r.raw_json()
            old = stored.get((r.token, r.submitted_at))
            if old == raw:
                unchanged += 1
                continue
            if old is not None and not r.complete:
                previous = json.loads(old)
                old_progress = (
                    previous.get("lastpage") or 0,
                    len(previous.get("answers", {})),
                    previous.get("response_id") or 0,
                )
                if old_progress >= r.progress():
                    unchanged += 1
                    continue
            store.execute(
                "INSERT INTO online_responses (pseudonym, submitted_at, raw) VALUES (?, ?, ?) "
                "ON CONFLICT(pseudonym, submitted_at) DO UPDATE SET raw = excluded.raw",
                (r.token, r.submitted_at, raw),
            )
            if old is None:
                added += 1
            else:
                updated += 1
        duplicates = tuple(
            row[0]
            for row in store.query(
                "SELECT pseudonym FROM online_responses GROUP BY pseudonym HAVING count(*) > 1 "
                "ORDER BY pseudonym"
            )
        )
        if added or updated:
            store.audit(
                "import-online",
                {
                    "file": export.file,
                    "sha256": export.sha256,
                    "added": added,
                    "updated": updated,
                    "unchanged": unchanged,
                    "skipped_unknown": len(skipped),
                },
            )
    report = OnlineImportReport(
        file=export.file,
        rows=len(export.responses),
        complete=sum(r.complete for r in export.responses),
        partial=sum(not r.complete for r in export.responses),
        added=added,
        updated=updated,
        unchanged=unchanged,
        skipped_unknown=skipped,
        superseded=superseded,
        duplicate_tokens=duplicates,
        ignored_columns=export.ignored,
        missing_questions=export.missing,
    )
    log.info(
        "imported %s: %d added, %d updated, %d unchanged", export.file, added, updated, unchanged
    )
    return report
