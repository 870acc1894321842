"""Write the questionnaire as a LimeSurvey 6 survey structure file (``.lss``).

Why ``.lss`` and not the tab-separated ``.txt`` structure: ``.lss`` is
LimeSurvey's own survey export, read by its ``XMLImportSurvey`` (also through
RemoteControl's ``import_survey``). Every row carries an id, so questions,
subquestions and answers are linked by id, not by repeating a code in a
spreadsheet row where the tab importer merges what it cannot tell apart; and
the survey settings papersurvey needs (not anonymised, closed access with
participants, tokens of 9 characters, group by group, Dutch with English) travel
in the same file.

The file follows LimeSurvey's layout: ``<document>`` with
``LimeSurveyDocType`` ``Survey``, ``DBVersion``, ``languages``, then one element
per table (``answers``, ``answer_l10ns``, ``groups``, ``group_l10ns``,
``questions``, ``subquestions``, ``question_l10ns``, ``question_attributes``,
``surveys``, ``surveys_languagesettings``), each holding ``fields`` (the column
names) and ``rows``. Texts are HTML, so they are escaped.
"""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from pathlib import Path

from survey.limesurvey_structure import THEMES, LsGroup
from survey.model import Questionnaire, Text

DB_VERSION = "631"
"""The ``DBVersion`` of LimeSurvey 6.13, whose layout this file follows."""

QUESTION_FIELDS = (
    "qid", "parent_qid", "sid", "gid", "type", "title", "preg", "other", "mandatory",
    "encrypted", "question_order", "scale_id", "same_default", "relevance",
    "question_theme_name", "modulename", "same_script",
)  # fmt: skip
SURVEY_SETTINGS: Mapping[str, str] = {
    "gsid": "1",
    "admin": "",
    "adminemail": "",
    "anonymized": "N",  # responses keep the token: the only link to the respondent
    "format": "G",  # group by group: lastpage counts groups
    "savetimings": "N",
    "template": "inherit",
    "datestamp": "Y",
    "usecookie": "N",
    "allowregister": "N",
    "allowsave": "N",
    "autonumber_start": "0",
    "autoredirect": "N",
    "allowprev": "Y",
    "printanswers": "N",
    "ipaddr": "N",  # no IP addresses, no referrer: no personal data in the responses
    "ipanonymize": "Y",
    "refurl": "N",
    "showsurveypolicynotice": "0",
    "publicstatistics": "N",
    "publicgraphs": "N",
    "listpublic": "N",
    "htmlemail": "Y",
    "sendconfirmation": "N",
    "tokenanswerspersistence": "Y",  # a respondent who comes back continues where they stopped
    "assessments": "N",
    "usecaptcha": "N",
    "tokenlength": "9",  # the pseudonym: 8 characters and a check character
    "showxquestions": "N",
    "showgroupinfo": "B",
    "shownoanswer": "N",
    "showqnumcode": "X",
    "showwelcome": "Y",
    "showprogress": "Y",
    "questionindex": "0",
    "navigationdelay": "0",
    "nokeyboard": "N",
    "alloweditaftercompletion": "N",
    "access_mode": "C",  # closed: only invited participants, by token
}


def _html(text: str) -> str:
    return html.escape(text, quote=False).replace("\n", "<br />\n")


class _Table:
    def __init__(self, root: ET.Element, name: str, fields: Sequence[str]) -> None:
        table = ET.SubElement(root, name)
        names = ET.SubElement(table, "fields")
        for f in fields:
            ET.SubElement(names, "fieldname").text = f
        self.rows = ET.SubElement(table, "rows")
        self.fields = tuple(fields)

    def add(self, **values: object) -> None:
        row = ET.SubElement(self.rows, "row")
        for f in self.fields:
            value = values.get(f, "")
            element = ET.SubElement(row, f)
            if value != "":
                element.text = str(value)


def _text(t: Text, language: str) -> str:
    return dict(t.values).get(language) or t.get(language)


def lss_document(
    questionnaire: Questionnaire,
    groups: Sequence[LsGroup],
    *,
    sid: int,
    languages: Sequence[str],
) -> ET.Element:
    """The survey structure as an XML tree (see the module docstring)."""
    root = ET.Element("document")
    ET.SubElement(root, "LimeSurveyDocType").text = "Survey"
    ET.SubElement(root, "DBVersion").text = DB_VERSION
    langs = ET.SubElement(root, "languages")
    for lang in languages:
        ET.SubElement(langs, "language").text = lang
    answers = _Table(
        root, "answers", ("aid", "qid", "code", "sortorder", "assessment_value", "scale_id")
    )
    answer_l10ns = _Table(root, "answer_l10ns", ("id", "aid", "answer", "language"))
    group_rows = _Table(
        root, "groups", ("gid", "sid", "group_order", "randomization_group", "grelevance")
    )
    group_l10ns = _Table(
        root, "group_l10ns", ("id", "gid", "group_name", "description", "language")
    )
    questions = _Table(root, "questions", QUESTION_FIELDS)
    subquestions = _Table(root, "subquestions", QUESTION_FIELDS)
    question_l10ns = _Table(
        root, "question_l10ns", ("id", "qid", "question", "help", "script", "language")
    )
    attributes = _Table(root, "question_attributes", ("qid", "attribute", "value", "language"))
    ids = {"qid": 0, "aid": 0, "l10n": 0, "al10n": 0, "gl10n": 0}

    def next_id(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    for gid, g in enumerate(groups, start=1):
        group_rows.add(gid=gid, sid=sid, group_order=gid, grelevance=g.relevance)
        for lang in languages:
            group_l10ns.add(
                id=next_id("gl10n"), gid=gid, group_name=_html(_text(g.title, lang)), language=lang
            )
        for order, q in enumerate(g.questions, start=1):
            qid = next_id("qid")
            questions.add(
                qid=qid, parent_qid=0, sid=sid, gid=gid, type=q.type, title=q.code,
                other="Y" if q.other else "N",
                mandatory="Y" if q.mandatory else "N", encrypted="N", question_order=order,
                scale_id=0, same_default=0, relevance=q.relevance,
                question_theme_name=THEMES[q.type], same_script=0,
            )  # fmt: skip
            for lang in languages:
                question_l10ns.add(
                    id=next_id("l10n"), qid=qid, question=_html(_text(q.label, lang)),
                    help=_html(_text(q.hint, lang)) if q.hint else "", language=lang,
                )  # fmt: skip
            if q.type == "N":
                attributes.add(qid=qid, attribute="num_value_int_only", value="1")
            if q.other:  # "Anders, namelijk:" as on paper, instead of LimeSurvey's "Other:"
                for lang in languages:
                    attributes.add(
                        qid=qid,
                        attribute="other_replace_text",
                        value=_text(q.other_label, lang),
                        language=lang,
                    )
            if q.validation:  # the constraint; its message where the workbook has one
                attributes.add(qid=qid, attribute="em_validation_q", value=q.validation)
                for lang in languages:
                    if q.validation_tip:
                        attributes.add(
                            qid=qid,
                            attribute="em_validation_q_tip",
                            value=_text(q.validation_tip, lang),
                            language=lang,
                        )
            for sorder, s in enumerate(q.subquestions, start=1):
                sqid = next_id("qid")
                subquestions.add(
                    qid=sqid, parent_qid=qid, sid=sid, gid=gid, type="T", title=s.code, other="N",
                    mandatory="N", encrypted="N", question_order=sorder, scale_id=0,
                    same_default=0, relevance="1", same_script=0,
                )  # fmt: skip
                for lang in languages:
                    question_l10ns.add(
                        id=next_id("l10n"),
                        qid=sqid,
                        question=_html(_text(s.label, lang)),
                        language=lang,
                    )
            for aorder, a in enumerate(q.answers):
                aid = next_id("aid")
                answers.add(
                    aid=aid, qid=qid, code=a.code, sortorder=aorder, assessment_value=0, scale_id=0
                )
                for lang in languages:
                    answer_l10ns.add(
                        id=next_id("al10n"),
                        aid=aid,
                        answer=_html(_text(a.label, lang)),
                        language=lang,
                    )

    base, *extra = languages
    surveys = _Table(root, "surveys", ("sid", *SURVEY_SETTINGS, "language", "additional_languages"))
    surveys.add(sid=sid, **SURVEY_SETTINGS, language=base, additional_languages=" ".join(extra))
    settings = _Table(
        root,
        "surveys_languagesettings",
        ("surveyls_survey_id", "surveyls_language", "surveyls_title"),
    )
    for lang in languages:
        settings.add(
            surveyls_survey_id=sid,
            surveyls_language=lang,
            surveyls_title=_html(_text(questionnaire.title, lang)),
        )
    return root


def write_lss(path: Path, root: ET.Element) -> Path:
    """Write the tree as LimeSurvey writes ``.lss``: UTF-8 with an XML declaration, indented."""
    ET.indent(root, space=" ")
    data = ET.tostring(root, encoding="unicode", xml_declaration=False)
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n' + data + "\n", encoding="utf-8")
    return path
