"""``papersurvey status DIR``: where the survey round stands."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from papersurvey.commands.parsers import project_command
from survey.errors import ExitCode

if TYPE_CHECKING:
    from survey.project import Project
    from survey.status import RoundStatus


def register(subparsers: Any) -> None:
    p = project_command(
        subparsers,
        "status",
        run,
        help="show where the survey round stands",
        description="Summarise the round: respondents, letters, scans, responses and review.",
    )
    p.add_argument("--json", action="store_true", help="print JSON with stable keys")


def _counts(d: dict[str, int]) -> str:
    return ", ".join(f"{n} {k}" for k, n in d.items()) or "none"


def _review(questions: int, pages: int) -> str:
    """``7 questions to settle, 1 page to assign``: the review UI's two lists."""
    if not (questions or pages):
        return "nothing to review"
    parts = [f"{questions} question{'' if questions == 1 else 's'} to settle"]
    if pages:
        parts.append(f"{pages} page{'' if pages == 1 else 's'} to assign or resolve")
    return ", ".join(parts)


def format_status(st: RoundStatus) -> str:
    """The status as text for a person."""
    c, q = st.counts, st.questionnaire
    dates = f"send {st.send or '(not set)'}, close {st.close or '(not set)'}"
    if q.error:
        qline = f"{q.path} ({q.error})"
    else:
        qline = f"{q.form_id} version {q.version} ({q.version_hash})"
    lines = [
        f"Survey:        {st.survey_id} (code {st.survey_code}); {dates}",
        f"Municipality:  {st.municipality or '(not set)'}; bureau {st.bureau or '(not set)'}",
        f"Questionnaire: {qline}",
        f"Respondents:   {c.respondents} ({_counts(c.respondents_by_status)}); "
        f"active by channel: {_counts(c.respondents_by_channel)}",
        f"Letters sent:  {c.letters} in {c.batches} batch{'' if c.batches == 1 else 'es'}",
        f"Scanned:       {c.pages} pages from {c.scan_files} file{'' if c.scan_files == 1 else 's'}"
        + (f" ({_counts(c.pages_by_status)})" if c.pages else "")
        + (f"; {c.scan_files_unread} more could not be read" if c.scan_files_unread else ""),
        f"Responses:     {c.responses_total} ({c.responses_paper} paper, "
        f"{c.responses_online} online"
        + (
            f"; {c.responses_both} on both, counted once: see docs/analysis.md)"
            if c.responses_both
            else ")"
        ),
        f"Review:        {_review(c.review_questions, c.review_pages)}"
        + (
            f"; {c.texts_open} open answer{'' if c.texts_open == 1 else 's'} to transcribe"
            if c.texts_open
            else ""
        ),
        f"Personal data: {st.pii_files} file{'' if st.pii_files == 1 else 's'} in pii/, "
        + (
            f"NOT ENCRYPTED: {', '.join(st.pii_plaintext)} (run papersurvey keys DIR)"
            if st.pii_plaintext
            else "all age-encrypted"
        ),
        _audit_line(st),
    ]
    scanned = next(i for i, line in enumerate(lines) if line.startswith("Scanned:"))
    lines[scanned + 1 : scanned + 1] = [f"  not read:    {n}: {why}" for n, why in st.unread_files]
    return "\n".join(lines)


def _audit_line(st: RoundStatus) -> str:
    a = st.audit
    if a.ok:
        return f"Audit log:     {a.entries} entries, hash chain intact (head {a.head[:16]})"
    return (
        f"Audit log:     TAMPERED: entry {a.broken_at} does not fit the hash chain ({a.reason}); "
        "restore the store from a backup and report it (docs/privacy.md)"
    )


def round_status(project: Project) -> RoundStatus:
    """The round's status: :func:`survey.status.round_status`, imported only when run."""
    from survey.status import round_status as compute

    return compute(project)


def run(args: argparse.Namespace) -> int:
    from survey.project import Project

    with Project.open(args.directory) as project:
        st = round_status(project)
        scan = _scan_status(project) if args.json else {}
    if args.json:
        print(json.dumps({**st.to_dict(), **scan}, indent=2, ensure_ascii=False))
    else:
        print(format_status(st))
    return 0 if st.audit.ok else int(ExitCode.CORRUPT_INPUT)


# --- scan batches (ingest, issue 6) ------------------------------------------------------
# The JSON gets a "scan" key: batches, pages, review items and quarantine by reason,
# duplicates, per-page quality and the open review items (see docs/scanning.md).
def _scan_status(project: Project) -> dict[str, Any]:
    from ingest.report import status_summary

    return {"scan": status_summary(project)}
