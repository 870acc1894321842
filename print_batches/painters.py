"""The seam between print_batches/ and layout/: draw one part of a set onto a shared canvas.

layout/ owns what a questionnaire page and a letter look like; this module
only decides *how often* their static parts are drawn. In the fast path the
static content is defined once per canvas as form XObjects and each page
stamps it plus the personal parts. In the ``naive`` path (the benchmark's
baseline) every page is drawn in full for every respondent.

Layouts are built lazily per language, once per worker process.
"""

from __future__ import annotations

from typing import Any

from layout.address import Addressee
from layout.letter import LetterLayout
from layout.questionnaire import LayoutOptions, QuestionnaireLayout
from layout.roundoptions import letter_options, questionnaire_options
from layout.templates import template_path
from print_batches.batches import Recipient
from survey.model import Questionnaire
from survey.project import Project


def round_language(project: Project, wanted: str) -> str:
    """``wanted`` if the round offers it, else the round's default language.

    The language a respondent's letter and questionnaire are printed in.
    """
    languages = project.settings.survey.languages
    return wanted if wanted in languages else project.settings.default_language


def layout_options(project: Project, language: str) -> LayoutOptions:
    """The round's questionnaire layout options for a respondent's language.

    The same options ``papersurvey proof`` uses (:mod:`layout.roundoptions`),
    with a language the round does not offer replaced by its default.
    """
    return questionnaire_options(project, round_language(project, language))


class QuestionnairePainter:
    """Draws a respondent's personalised questionnaire, one page per ``showPage``."""

    def __init__(self, project: Project, *, naive: bool = False) -> None:
        self.project = project
        self.key = project.key
        self.naive = naive
        self._questionnaire: Questionnaire | None = None
        self._layouts: dict[str, QuestionnaireLayout] = {}

    def layout(self, language: str) -> QuestionnaireLayout:
        """The questionnaire layout for ``language`` (built on first use)."""
        lang = round_language(self.project, language)
        found = self._layouts.get(lang)
        if found is None:
            if self._questionnaire is None:
                self._questionnaire = self.project.load_questionnaire()
            found = QuestionnaireLayout(self._questionnaire, layout_options(self.project, lang))
            self._layouts[lang] = found
        return found

    def draw(self, canvas: Any, r: Recipient) -> int:
        """Draw every questionnaire page for ``r``, each followed by ``showPage``.

        Returns:
            The number of pages drawn.
        """
        layout = self.layout(r.language)
        n = layout.page_count
        if self.naive:
            for page in range(1, n + 1):
                layout.draw_static(canvas, page)
                layout.qr.draw(canvas, layout.page_code(page, r.pseudonym, self.key))
                canvas.showPage()
            return n
        layout.define_static_forms(canvas)  # once per canvas; a no-op afterwards
        for page in range(1, n + 1):
            layout.draw_page(canvas, page, r.pseudonym, self.key)
            canvas.showPage()
        return n


class LetterPainter:
    """Draws a respondent's letter; the caller ends its last page with ``showPage``.

    The letterhead and the other fixed texts are one form XObject per canvas
    (layout/letter.py); the address, salutation, login code, letter QR and the
    merged body are drawn per respondent. The naive baseline draws letters the
    same way: their static part is small, the questionnaire pages are the bulk.
    """

    def __init__(self, project: Project, *, naive: bool = False) -> None:
        self.project = project
        self.naive = naive
        self._layouts: dict[tuple[str, str], LetterLayout] = {}

    def layout(self, variant: str, language: str) -> LetterLayout:
        """The letter layout of ``variant`` (``invitation_paper`` ...) in ``language``."""
        lang = round_language(self.project, language)
        found = self._layouts.get((variant, lang))
        if found is None:
            template = template_path(self.project.paths.letters, variant, lang)
            found = LetterLayout(template, letter_options(self.project, lang))
            self._layouts[(variant, lang)] = found
        return found

    def draw(self, canvas: Any, r: Recipient) -> int:
        """Draw the letter for ``r`` onto the current page.

        Returns:
            The number of pages drawn (pages after the first are started with
            ``showPage``; the last one is left open for the caller).
        """
        layout = self.layout(r.variant.letter, r.language)
        layout.define_static_forms(canvas)  # once per canvas; a no-op afterwards
        addressee = Addressee.from_record(
            r.address, r.pseudonym, round_language(self.project, r.language)
        )
        return layout.draw(canvas, addressee)
