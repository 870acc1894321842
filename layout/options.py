"""Options for laying out a questionnaire: what a municipality can change without code."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from layout.styles import DEFAULT_STYLE, Style
from survey import codes
from survey.errors import LayoutError
from survey.model import LANGUAGES


@dataclass(frozen=True)
class LayoutOptions:
    """How to print one questionnaire.

    Attributes:
        language: language of every printed text (``nl`` default, ``en``).
        survey_code: the survey code in the page QR codes (upper case
            ``A-Z 0-9 -``, see :func:`survey.codes.survey_code`).
        municipality: the name as printed at the top of every page, for
            example ``Gemeente Leidschendam-Voorburg``.
        logo: an image file (PNG/JPEG) printed on the first page, or ``None``.
        title: printed instead of the questionnaire's own title, if given.
        subtitle: a line under the title on the first page, e.g. ``Najaar 2027``.
        show_instructions: print the "how to fill in" panel with example
            boxes on the first page.
        style: typography and page geometry.
    """

    language: str = "nl"
    survey_code: str = "SURVEY"
    municipality: str = ""
    logo: Path | None = None
    title: str = ""
    subtitle: str = ""
    show_instructions: bool = True
    style: Style = field(default=DEFAULT_STYLE)

    def __post_init__(self) -> None:
        if self.language not in LANGUAGES:
            raise LayoutError(
                f"Unknown language {self.language!r}: choose one of {', '.join(LANGUAGES)}."
            )
        try:
            ok = codes.survey_code(self.survey_code) == self.survey_code
        except ValueError:
            ok = False
        if not ok:
            raise LayoutError(
                f"Survey code {self.survey_code!r} cannot be printed in page codes: use 1-24 "
                "upper-case letters, digits or hyphens, for example 'KBO-2027-LV'."
            )
        if self.logo is not None and not Path(self.logo).is_file():
            raise LayoutError(
                f"Logo file {self.logo} does not exist: fix the path or leave it out."
            )
