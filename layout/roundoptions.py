"""Layout and letter options of a survey round, read from its project folder.

``survey.toml`` holds the round's settings; ``letters/`` its templates, logo
(``letters/logo.png``) and signature. These two functions are the one place
where settings become :class:`~layout.options.LayoutOptions` and
:class:`~layout.letter.LetterOptions`, for ``papersurvey proof`` and for the
print batches alike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from layout.letter import LetterOptions
from layout.options import LayoutOptions
from survey import codes
from survey.formmap import FormMap

LOGO = "logo.png"


def municipality_name(municipality: str) -> str:
    """``Leidschendam-Voorburg`` -> ``Gemeente Leidschendam-Voorburg`` (left alone if it says so)."""
    m = municipality.strip()
    return m if not m or m.lower().startswith("gemeente") else f"Gemeente {m}"


def _logo(project: Any) -> Path | None:
    path = Path(project.paths.letters) / LOGO
    return path if path.is_file() else None


def questionnaire_options(project: Any, language: str = "") -> LayoutOptions:
    """The round's questionnaire layout options (``project``: a :class:`survey.project.Project`)."""
    s = project.settings.survey
    return LayoutOptions(
        language=language or project.settings.default_language,
        survey_code=s.code or codes.survey_code(s.id),
        municipality=municipality_name(s.municipality),
        logo=_logo(project),
    )


def questionnaire_form_maps(
    project: Any, languages: Iterable[str] | None = None
) -> dict[str, FormMap]:
    """The form maps the questionnaire gives now, per language (default: the round's, default first).

    ``project``: a :class:`survey.project.Project`. Print saves these maps;
    scan builds them only for a round printed before maps were saved.

    Raises:
        QuestionnaireError: the questionnaire has problems.
        LayoutError: it cannot be laid out.
    """
    from layout.questionnaire import QuestionnaireLayout

    questionnaire = project.load_questionnaire()
    wanted = project.settings.survey.languages if languages is None else tuple(languages)
    return {
        lang: QuestionnaireLayout(questionnaire, questionnaire_options(project, lang)).form_map
        for lang in wanted
    }


def online_url(base_url: str, sid: str) -> str:
    """The URL printed in letters (without token): the LimeSurvey survey's public address."""
    base = base_url.rstrip("/")
    if base and sid:
        return f"{base}/index.php/{sid}"
    return base


def letter_options(
    project: Any, language: str = "", letter_date: dt.date | None = None
) -> LetterOptions:
    """The round's letter options (``project``: a :class:`survey.project.Project`)."""
    st = project.settings
    sender = st.sender
    signature = (project.paths.root / sender.signature) if sender.signature else None
    municipality = st.survey.municipality.strip()
    if municipality.lower().startswith("gemeente "):
        municipality = municipality[len("gemeente ") :]
    return LetterOptions(
        language=language or st.default_language,
        municipality=municipality,
        organisation=sender.organisation or municipality_name(municipality),
        department="",
        sender_address=tuple(sender.reply_address),
        logo=_logo(project),
        signature=signature if signature is not None and signature.is_file() else None,
        online_url=online_url(st.online.base_url, st.online.limesurvey_sid),
        limesurvey_sid=st.online.limesurvey_sid,
        limesurvey_base=st.online.base_url,
        closing_date=st.dates.close,
        letter_date=letter_date or st.dates.send,
        reference=st.survey.code or codes.survey_code(st.survey.id),
        phone=st.helpdesk.phone,
        bureau=st.survey.bureau,
        sender_name=sender.name,
        sender_role=sender.role,
    )
