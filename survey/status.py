"""The state of a survey round at a glance (``papersurvey status``)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from survey.auditlog import ChainCheck
from survey.errors import PaperSurveyError
from survey.piifiles import plaintext_files
from survey.project import Project
from survey.store import StoreCounts


@dataclass(frozen=True)
class QuestionnaireInfo:
    """Form id and version hash of the questionnaire; ``error`` says why they are unknown."""

    path: str
    form_id: str = ""
    version: str = ""
    version_hash: str = ""
    error: str = ""


@dataclass(frozen=True)
class RoundStatus:
    """Everything ``status`` reports. :meth:`to_dict` gives the stable JSON form."""

    project: str
    survey_id: str
    survey_code: str
    title: str
    municipality: str
    bureau: str
    send: str
    close: str
    questionnaire: QuestionnaireInfo
    counts: StoreCounts
    schema_version: int
    audit: ChainCheck = field(default_factory=lambda: ChainCheck(0, ""))
    pii_files: int = 0
    pii_plaintext: tuple[str, ...] = ()
    unread_files: tuple[tuple[str, str], ...] = ()
    """``(file name, why)`` of every scan file refused as unreadable, not counted as scanned."""
    store_engine: str = "sqlite"
    """Where the store is: ``sqlite`` (``store.sqlite``) or ``postgresql`` (``[store] url``)."""

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready; keys are only ever added, never renamed."""
        c = self.counts
        return {
            "project": self.project,
            "survey": {
                "id": self.survey_id,
                "code": self.survey_code,
                "title": self.title,
                "municipality": self.municipality,
                "bureau": self.bureau,
                "send": self.send,
                "close": self.close,
            },
            "questionnaire": asdict(self.questionnaire),
            "respondents": {
                "total": c.respondents,
                "by_channel": c.respondents_by_channel,
                "by_status": c.respondents_by_status,
            },
            "mailings": {"letters": c.letters, "batches": c.batches},
            "scans": {
                "files": c.scan_files,
                "files_not_read": [{"file": n, "problem": p} for n, p in self.unread_files],
                "pages": c.pages,
                "pages_by_status": c.pages_by_status,
            },
            "responses": {
                "paper": c.responses_paper,
                "online": c.responses_online,
                "total": c.responses_total,
                "both": c.responses_both,
            },
            "review": {
                "open": c.review_open,
                "questions": c.review_questions,
                "pages": c.review_pages,
                "texts_open": c.texts_open,
            },
            "store": {"schema_version": self.schema_version, "engine": self.store_engine},
            "audit_log": {
                "entries": self.audit.entries,
                "chain_ok": self.audit.ok,
                "head": self.audit.head,
                "broken_at": self.audit.broken_at,
                "reason": self.audit.reason,
            },
            "pii": {"files": self.pii_files, "plaintext": list(self.pii_plaintext)},
        }


def questionnaire_info(project: Project) -> QuestionnaireInfo:
    """Form id and version hash of the round's questionnaire, or why they are unknown."""
    rel = project.settings.questionnaire.path
    try:
        q = project.load_questionnaire()
    except PaperSurveyError as exc:
        return QuestionnaireInfo(rel, error=exc.message)
    return QuestionnaireInfo(rel, q.form_id, q.version, q.version_hash)


def round_status(project: Project) -> RoundStatus:
    """The round's figures so far, read from the settings, questionnaire and store."""
    s = project.settings
    d = s.dates
    pii = project.paths.pii
    return RoundStatus(
        project=str(project.paths.root),
        survey_id=s.survey.id,
        survey_code=s.survey.code,
        title=s.survey.title,
        municipality=s.survey.municipality,
        bureau=s.survey.bureau,
        send=d.send.isoformat() if d.send else "",
        close=d.close.isoformat() if d.close else "",
        questionnaire=questionnaire_info(project),
        counts=project.store.counts(),
        schema_version=project.store.schema_version,
        audit=project.store.verify_audit_log(),
        store_engine=project.store.engine,
        pii_files=sum(1 for f in pii.rglob("*") if f.is_file()) if pii.is_dir() else 0,
        pii_plaintext=tuple(f.name for f in plaintext_files(pii)),
        unread_files=tuple(
            (Path(r["path"]).name, r["problem"])
            for r in project.store.query(
                "SELECT f.path, i.problem FROM scan_file_info i "
                "JOIN scan_files f ON f.sha256 = i.sha256 WHERE i.problem != '' "
                "ORDER BY i.batch, i.seq"
            )
        ),
    )
