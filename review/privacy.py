"""Flags for personal data in open answers: Dutch phone numbers and e-mail addresses.

The detection itself lives in :mod:`survey.privacy_flags`, so the analysis
(``open_answers.csv``, quotes in the report) uses the same patterns without
importing the review UI. This module keeps the names the review UI and its
tests import.
"""

from __future__ import annotations

from survey.privacy_flags import Flag, flags, looks_like_email, looks_like_phone

__all__ = ["Flag", "flags", "looks_like_email", "looks_like_phone"]
