"""``papersurvey limesurvey``: the round's online survey, from the same questionnaire.

Writes, for the round's questionnaire:

* ``questionnaire/limesurvey_codes.csv``: the name-to-code mapping
  (:mod:`survey.limesurvey`), checked first; codes already in the file are
  kept, new questions get a code;
* ``out/limesurvey/limesurvey_survey_SID.lss``: the survey structure to import
  in LimeSurvey 6 (*Create survey > Import*), see :mod:`layout.limesurvey_lss`.

The participant list is personal data and is not kept in the project: it is
made on demand from ``pii/`` (:mod:`survey.participants`), by ``papersurvey
participants DIR --out FILE`` for an upload by hand, or sent straight to
LimeSurvey's participant table with ``--push-participants``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from layout.limesurvey_lss import lss_document, write_lss
from survey.limesurvey import FILE_NAME, load_codes, render_codes
from survey.limesurvey_structure import structure
from survey.project import Project


@dataclass(frozen=True)
class OnlineSurveyReport:
    """What ``papersurvey limesurvey`` wrote.

    Attributes:
        structure: the ``.lss`` file.
        codes: the code mapping file; ``codes_changed``: whether it was written anew.
        sid: the survey id in the structure; ``sid_set``: whether it came from ``survey.toml``.
        groups: question groups; ``questions``: LimeSurvey questions.
    """

    structure: Path
    codes: Path
    codes_changed: bool
    sid: int
    sid_set: bool
    groups: int
    questions: int


def codes_path(project: Project) -> Path:
    return project.paths.questionnaire / FILE_NAME


def round_sid(project: Project) -> tuple[int, bool]:
    """The survey id from ``survey.toml``, or a stable 6-digit one derived from the round's id."""
    sid = project.settings.online.limesurvey_sid
    if sid:
        return int(sid), True
    digest = int(hashlib.sha256(project.settings.survey.id.encode()).hexdigest(), 16)
    return 100000 + digest % 900000, False


def write_online_survey(project: Project, out: Path | None = None) -> OnlineSurveyReport:
    """Check the codes and write the mapping and the ``.lss`` structure.

    Raises:
        QuestionnaireError: the questionnaire, or a code LimeSurvey would not keep as it is.
    """
    questionnaire = project.load_questionnaire()
    path = codes_path(project)
    codes = load_codes(questionnaire, path)
    text = render_codes(codes)
    changed = not path.is_file() or path.read_text(encoding="utf-8") != text
    if changed:
        path.write_text(text, encoding="utf-8")
    sid, sid_set = round_sid(project)
    languages = tuple(project.settings.survey.languages)
    groups = structure(questionnaire, codes)
    target = out or project.paths.out / "limesurvey" / f"limesurvey_survey_{sid}.lss"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_lss(target, lss_document(questionnaire, groups, sid=sid, languages=languages))
    return OnlineSurveyReport(
        structure=target,
        codes=path,
        codes_changed=changed,
        sid=sid,
        sid_set=sid_set,
        groups=len(groups),
        questions=sum(len(g.questions) for g in groups),
    )
