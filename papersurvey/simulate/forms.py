"""The real questionnaire forms the simulator, the tests and the benchmarks work on.

The default KBO questionnaire laid out by ``layout/`` (the same code that
prints real questionnaires) and its pages rendered with pypdfium2, as a scan
of a perfect print would look.
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from papersurvey.simulate.sheets import render_page

TEST_SURVEY = "KBO-TEST"
TEST_KEY = bytes(range(32))


@functools.cache
def default_layout(survey_code: str = TEST_SURVEY) -> Any:
    """The default questionnaire laid out for ``survey_code`` (cached per process).

    Returns:
        A ``layout.questionnaire.QuestionnaireLayout``; its ``form_map`` is what the OMR reads with.
    """
    from layout.questionnaire import LayoutOptions, QuestionnaireLayout
    from survey.questionnaire import default_questionnaire

    return QuestionnaireLayout(default_questionnaire(), LayoutOptions(survey_code=survey_code))


def render_questionnaire(
    layout: Any,
    pseudonym: str | None,
    key: bytes,
    dpi: float = 300.0,
    pages: tuple[int, ...] | None = None,
) -> list[np.ndarray]:
    """The pages of one respondent's questionnaire as ``uint8`` gray images at ``dpi``.

    Args:
        layout: a ``QuestionnaireLayout``.
        pseudonym: the respondent, or ``None`` for the blank template.
        key: the round's secret key (printed into the page codes).
        dpi: resolution.
        pages: only these pages (1-based); all by default.
    """
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(layout.render(pseudonym, key))
    try:
        numbers = pages or tuple(range(1, len(document) + 1))
        return [render_page(document, n, dpi) for n in numbers]
    finally:
        document.close()
