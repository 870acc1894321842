"""Options of a round's letters."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from layout.address import DEFAULT_WINDOW, Window
from layout.styles import DEFAULT_STYLE, Style
from survey.dates import format_date

NBSP = "\u00a0"


@dataclass(frozen=True)
class LetterOptions:
    """Everything about a round's letters that is the same for every addressee.

    Attributes:
        language: ``nl`` or ``en`` (labels, date format).
        municipality: for ``{gemeente}``, e.g. ``Leidschendam-Voorburg``.
        organisation: letterhead name; default ``Gemeente <municipality>``.
        department: a second letterhead line, e.g. ``Werk en Inkomen``.
        sender_address: letterhead address lines.
        return_address: a small return-address line at the top of the window (optional).
        website: letterhead web address.
        logo: logo image, or ``None`` (the organisation name is set in type).
        signature: image of the signature, or ``None``.
        online_url: the questionnaire URL for ``{url}``.
        limesurvey_sid: the LimeSurvey survey id; the QR then holds the token URL.
        limesurvey_base: the LimeSurvey site for the token URL (default: ``online_url``).
        closing_date: for ``{einddatum}``.
        letter_date: the date printed on the letter (default: today).
        reference: "Ons kenmerk" (no reference line when empty).
        phone: for ``{telefoon}``; bureau: for ``{bureau}``.
        helpdesk_email: for ``{email}``; helpdesk_hours: for ``{tijden}``.
        sender_name: for ``{afzender_naam}``; sender_role: for ``{afzender_functie}``.
        window: the envelope window.
        kix: print the KIX line under Dutch addresses.
        style: colours and type sizes shared with the questionnaire.
    """

    language: str = "nl"
    municipality: str = ""
    organisation: str = ""
    department: str = ""
    sender_address: tuple[str, ...] = ()
    return_address: str = ""
    website: str = ""
    logo: Path | None = None
    signature: Path | None = None
    online_url: str = ""
    limesurvey_sid: str = ""
    limesurvey_base: str = ""
    closing_date: dt.date | None = None
    letter_date: dt.date | None = None
    reference: str = ""
    phone: str = ""
    helpdesk_email: str = ""
    helpdesk_hours: str = ""
    bureau: str = ""
    sender_name: str = ""
    sender_role: str = ""
    window: Window = field(default=DEFAULT_WINDOW)
    kix: bool = True
    style: Style = field(default=DEFAULT_STYLE)

    def static_fields(self) -> dict[str, str]:
        """The merge fields that are the same for every addressee."""
        day = format_date(self.closing_date, self.language) if self.closing_date else ""
        return {
            "gemeente": self.municipality,
            "url": self.online_url,
            "einddatum": day.replace(" ", NBSP),
            "telefoon": self.phone.replace(" ", NBSP),
            "email": self.helpdesk_email,
            "tijden": self.helpdesk_hours,
            "bureau": self.bureau,
            "afzender_naam": self.sender_name,
            "afzender_functie": self.sender_role,
        }
