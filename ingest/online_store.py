"""Store a LimeSurvey response export in the round's store (``papersurvey import-online``).

:mod:`ingest.online_reader` reads and maps the export; this module checks its
tokens against the round's respondents, decides which rows count, and writes
``online_responses``. The rules (also in ``docs/analysis.md``):

* a row repeated in the file (same response id, same cells) counts once;
* of several rows of one token in one file, one is kept: a complete response
  beats a partial one, then the latest submit date, then (partial ones) the one
  that got furthest (``lastpage``, answers given), then the highest response
  id. The others are set aside, counted and named in the report and the audit
  log, with the reason;
* a response is keyed by ``(token, submitted_at)``; re-importing the same file,
  or a later export holding the same responses, changes nothing. A partial
  response (no submit date) is stored with ``submitted_at = ""`` and replaced
  only by a partial one of the same token that got further;
* a complete response whose stored row differs (edited in LimeSurvey) is
  replaced, and the audit log says so; a row with the same token and submit
  date but *another response id* is not the same response: it never replaces
  the stored one silently but is set aside and reported;
* complete responses of one token from different exports (different submit
  dates) are all kept: :mod:`analysis.duplicates` decides which one counts;
* a token that is not a respondent of this round is an error (all rows are
  listed), unless ``skip_unknown`` is set.

What is printed, what is stored and what is audited are the same numbers:
``rows == repeated + len(set_aside) + skipped + added + updated + unchanged``.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.limesurvey_rpc import Credentials, export_responses
from ingest.online_reader import OnlineExport, OnlineResponse, check_export, map_export
from survey import pseudonym
from survey.errors import Problem, ProjectError
from survey.limesurvey import CodeMap
from survey.model import Questionnaire
from survey.store import Store

log = logging.getLogger("papersurvey.ingest.online")


@dataclass(frozen=True)
class OnlineImportOptions:
    """What ``papersurvey import-online`` needs.

    Attributes:
        file: the LimeSurvey response export (CSV or JSON).
        ignore_columns: headings to read past although they match no question.
        skip_unknown: import the other rows when some tokens are not
            respondents of this round (test responses, another round), instead
            of refusing the file.
        codes: the round's LimeSurvey codes; ``None`` for those derived from the questionnaire.
        survey_id: the round's LimeSurvey survey id (``online.limesurvey_sid``).
    """

    file: Path
    ignore_columns: tuple[str, ...] = ()
    skip_unknown: bool = False
    codes: CodeMap | None = None
    survey_id: str = ""


@dataclass(frozen=True)
class SetAside:
    """A row that was read but not stored, and why."""

    row: int
    token: str
    reason: str


@dataclass(frozen=True)
class OnlineImportReport:
    """What an import did. Re-importing the same file gives ``added == updated == 0``.

    Attributes:
        file: the file name.
        rows: response rows in the file.
        complete: rows with a submit date; ``partial``: rows without one.
        repeated: rows that repeat an earlier row of the file exactly (counted once).
        set_aside: rows not stored by the rules of the module docstring.
        skipped_unknown: tokens skipped because they are no respondent (``skip_unknown``).
        skipped: rows of those tokens.
        added: responses new to the store; ``updated``: stored responses replaced
            (a partial that got further, an edited response); ``unchanged``:
            responses already stored as they are.
        duplicate_tokens: tokens with more than one stored response after the
            import (resolved in the analysis).
        ignored_columns: headings read past.
        missing_questions: questions without a column in the export.
        headings: the kind of headings the export has (``code``, ``codetext``, ``text``).
    """

    file: str
    rows: int
    complete: int
    partial: int
    repeated: int
    set_aside: tuple[SetAside, ...]
    skipped_unknown: tuple[str, ...]
    skipped: int
    added: int
    updated: int
    unchanged: int
    duplicate_tokens: tuple[str, ...]
    ignored_columns: tuple[str, ...]
    missing_questions: tuple[str, ...]
    headings: str = "code"

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


def _rank(r: OnlineResponse) -> tuple[bool, str, int, int, int]:
    lastpage, answered, rid = r.progress()
    return (r.complete, r.submitted_at, lastpage, answered, rid)


def _reason(winner: OnlineResponse, loser: OnlineResponse) -> str:
    if winner.complete and not loser.complete:
        why = "a complete response of the same token"
    elif winner.complete:
        why = "a later complete response of the same token"
    else:
        why = "a partial response of the same token that got further"
    return f"set aside for row {winner.row}: {why} (rule: complete, then latest submit date)"


def choose_rows(
    responses: Sequence[OnlineResponse],
) -> tuple[list[OnlineResponse], int, list[SetAside]]:
    """One row per token: the kept rows, the number of exact repeats, and the rows set aside."""
    seen: set[tuple[str, int | None, str]] = set()
    unique: list[OnlineResponse] = []
    repeated = 0
    for r in responses:
        key = (r.token, r.response_id, r.raw_json())
        if key in seen:
            repeated += 1
            continue
        seen.add(key)
        unique.append(r)
    best: dict[str, OnlineResponse] = {}
    for r in unique:
        if r.token not in best or _rank(r) > _rank(best[r.token]):
            best[r.token] = r
    aside = [
        SetAside(r.row, r.token, _reason(best[r.token], r))
        for r in unique
        if best[r.token] is not r
    ]
    kept = [r for r in unique if best[r.token] is r]
    return kept, repeated, aside


def import_online(
    store: Store, questionnaire: Questionnaire, options: OnlineImportOptions
) -> OnlineImportReport:
    """Import a LimeSurvey response export file into ``online_responses`` (idempotent).

    Raises:
        OnlineExportError: the file has problems; all are listed and nothing was written.
        CorruptInputError: the file is not CSV or JSON text, or it is cut off.
    """
    path = Path(options.file)
    return import_online_data(store, questionnaire, path.name, path.read_bytes(), options)


def import_online_data(
    store: Store, questionnaire: Questionnaire, name: str, data: bytes, options: OnlineImportOptions
) -> OnlineImportReport:
    """Import an export held in memory (a file's bytes, or what RemoteControl returned)."""
    export = map_export(
        name,
        data,
        questionnaire,
        options.codes,
        ignore_columns=options.ignore_columns,
        survey_id=options.survey_id,
    )
    known = store.pseudonyms()
    unknown = _unknown_problems(export, known)
    if unknown and not options.skip_unknown:
        export = replace(export, problems=export.problems + tuple(unknown))
    check_export(export)
    usable = [r for r in export.responses if r.token in known]
    skipped = tuple(sorted({r.token for r in export.responses if r.token not in known}))
    responses, repeated, aside = choose_rows(usable)
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
            if old is not None:
                previous = json.loads(old)
                old_id = previous.get("response_id")
                if old_id is not None and r.response_id is not None and old_id != r.response_id:
                    aside.append(
                        SetAside(
                            r.row,
                            r.token,
                            f"another response (id {r.response_id}) with the same token and "
                            f"submit time as the stored response id {old_id}, which is kept",
                        )
                    )
                    continue
                old_progress = (
                    previous.get("lastpage") or 0,
                    len(previous.get("answers", {})),
                    previous.get("response_id") or 0,
                )
                if not r.complete and old_progress >= r.progress():
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
        skipped_rows = len(export.responses) - len(usable)
        if added or updated or aside or repeated:
            store.audit(
                "import-online",
                {
                    "file": export.file,
                    "sha256": export.sha256,
                    "rows": len(export.responses),
                    "added": added,
                    "updated": updated,
                    "unchanged": unchanged,
                    "repeated": repeated,
                    "set_aside": [{"row": a.row, "reason": a.reason} for a in aside],
                    "skipped_unknown": skipped_rows,
                },
            )
    aside.sort(key=lambda a: a.row)
    report = OnlineImportReport(
        file=export.file,
        rows=len(export.responses),
        complete=sum(r.complete for r in export.responses),
        partial=sum(not r.complete for r in export.responses),
        repeated=repeated,
        set_aside=tuple(aside),
        skipped_unknown=skipped,
        skipped=skipped_rows,
        added=added,
        updated=updated,
        unchanged=unchanged,
        duplicate_tokens=duplicates,
        ignored_columns=export.ignored,
        missing_questions=export.missing,
        headings=export.headings,
    )
    log.info(
        "imported %s: %d added, %d updated, %d unchanged, %d set aside",
        export.file,
        added,
        updated,
        unchanged,
        len(aside),
    )
    return report


def pull_online(
    store: Store,
    questionnaire: Questionnaire,
    url: str,
    credentials: Credentials,
    options: OnlineImportOptions,
) -> OnlineImportReport:
    """Export every response from a running LimeSurvey (RemoteControl) and import it.

    Raises:
        ProjectError: the round has no survey id (``online.limesurvey_sid``).
        OnlineServerError: the server cannot be reached or refuses.
        OnlineExportError: the responses have problems; nothing was written.
    """
    if not options.survey_id:
        raise ProjectError(
            "survey.toml has no online.limesurvey_sid, so papersurvey does not know which "
            "LimeSurvey survey to export. Set it to the id LimeSurvey shows for this round."
        )
    data = export_responses(url, int(options.survey_id), credentials)
    name = f"results-survey{options.survey_id}.json"
    return import_online_data(store, questionnaire, name, data, options)
