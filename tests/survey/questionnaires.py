"""Small questionnaires written out as their CSV files, for tests of one odd definition."""

from __future__ import annotations

from pathlib import Path

from survey.model import Questionnaire
from survey.questionnaire import load_questionnaire


def questionnaire_from_csv(
    folder: Path, survey: str, choices: str, *, title: str = "T"
) -> Questionnaire:
    """The questionnaire whose ``survey.csv`` and ``choices.csv`` hold these texts.

    Its settings are the least there can be (form ``t``, version 1, Dutch), so
    a test states only the rows it is about. ``folder`` must not exist yet.
    """
    folder.mkdir()
    (folder / "survey.csv").write_text(survey, encoding="utf-8")
    (folder / "choices.csv").write_text(choices, encoding="utf-8")
    (folder / "settings.csv").write_text(
        f"form_id,version,title::nl,default_language\nt,1,{title},nl\n", encoding="utf-8"
    )
    return load_questionnaire(folder)
