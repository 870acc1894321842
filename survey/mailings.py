"""What goes into one envelope: the vocabulary of the store's ``mailings.variant`` column.

Print writes it, reminders and the scan's form-map bookkeeping
(:mod:`survey.readingmaps`) read it, so it lives with the store's other
contracts.
"""

from __future__ import annotations

from enum import StrEnum


class Variant(StrEnum):
    """The contents of one envelope, as recorded in the store's ``mailings.variant``."""

    INVITATION_PAPER = "invitation_paper"
    INVITATION_ONLINE = "invitation_online"
    REMINDER = "reminder"
    REMINDER_PAPER = "reminder_paper"

    @property
    def letter(self) -> str:
        """The letter variant layout/letter.py renders for this envelope."""
        return {
            Variant.INVITATION_PAPER: "invitation_paper",
            Variant.INVITATION_ONLINE: "invitation_online",
            Variant.REMINDER: "reminder",
            Variant.REMINDER_PAPER: "reminder",
        }[self]

    @property
    def with_questionnaire(self) -> bool:
        """Whether the personalised questionnaire follows the letter."""
        return self in (Variant.INVITATION_PAPER, Variant.REMINDER_PAPER)

    @property
    def is_reminder(self) -> bool:
        return self in (Variant.REMINDER, Variant.REMINDER_PAPER)
