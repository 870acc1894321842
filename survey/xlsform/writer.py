"""Write a questionnaire back as an ``.xlsx`` workbook that reads back the same.

Used to hand the shipped questionnaire to an author as a workbook, and by the
tests to check that reading and writing keep the version hash.
"""

from __future__ import annotations

from pathlib import Path

from survey.model import Group, Item, Question, Questionnaire

__all__ = ["questionnaire_to_workbook"]


def _languages(q: Questionnaire) -> list[str]:
    texts = [q.title, *(t for g in q.groups() for t in (g.label, g.hint))]
    texts += [t for x in q.questions() for t in (x.label, x.hint, x.constraint_message)]
    texts += [c.label for cl in q.choice_lists for c in cl.choices]
    found = {language for t in texts for language, _ in t.values}
    return [q.default_language, *sorted(found - {q.default_language})]


def _flag(value: bool) -> str:
    return "yes" if value else ""


def _survey_rows(items: tuple[Item, ...], languages: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    for item in items:
        if isinstance(item, Question) and item.other_of:
            continue  # made by or_other on its question's row
        paper = [_flag(item.paper.page_break), item.paper.layout, str(item.paper.lines or "")]
        labels = [dict(item.label.values).get(lang, "") for lang in languages]
        hints = [dict(item.hint.values).get(lang, "") for lang in languages]
        if isinstance(item, Group):
            rows.append(
                [
                    "begin group",
                    item.name,
                    *labels,
                    *hints,
                    item.relevant_source,
                    "",
                    item.appearance,
                    *paper,
                    "",
                    *[""] * len(languages),
                ]
            )
            rows += _survey_rows(item.items, languages)
            rows.append(["end group", *[""] * (3 * len(languages) + 8)])
            continue
        kind = item.type.value + (f" {item.choices.name}" if item.choices else "")
        kind += " or_other" if item.or_other else ""
        messages = [dict(item.constraint_message.values).get(lang, "") for lang in languages]
        rows.append(
            [
                kind,
                item.name,
                *labels,
                *hints,
                item.relevant_source,
                _flag(item.required),
                item.appearance,
                *paper,
                item.constraint_source,
                *messages,
            ]
        )
    return rows


def questionnaire_to_workbook(q: Questionnaire, path: Path) -> None:
    """Write ``q`` as an ``.xlsx`` workbook that :func:`load_questionnaire` reads back.

    The workbook has one ``label::LANG`` and ``hint::LANG`` column per
    language in use, so the round trip keeps the version hash.
    """
    import openpyxl

    languages = _languages(q)
    workbook = openpyxl.Workbook()
    survey = workbook.active
    survey.title = "survey"
    survey.append(
        [
            "type",
            "name",
            *[f"label::{x}" for x in languages],
            *[f"hint::{x}" for x in languages],
            "relevant",
            "required",
            "appearance",
            "paper::page_break",
            "paper::layout",
            "paper::lines",
            "constraint",
            *[f"constraint_message::{x}" for x in languages],
        ]
    )
    for row in _survey_rows(q.items, languages):
        survey.append(row)
    choices = workbook.create_sheet("choices")
    choices.append(["list_name", "name", *[f"label::{x}" for x in languages]])
    for cl in q.choice_lists:
        for c in cl.choices:
            choices.append([cl.name, c.name, *[dict(c.label.values).get(x, "") for x in languages]])
    settings = workbook.create_sheet("settings")
    settings.append(["form_id", "version", *[f"title::{x}" for x in languages], "default_language"])
    settings.append(
        [
            q.form_id,
            q.version,
            *[dict(q.title.values).get(x, "") for x in languages],
            q.default_language,
        ]
    )
    workbook.save(path)
