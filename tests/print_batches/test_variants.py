"""Envelope variants and sheet arithmetic."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from print_batches.variants import PrintChannel, blanks_after, invitation_variant, sheets
from survey.mailings import Variant


def test_variants() -> None:
    assert invitation_variant(PrintChannel.PAPER) is Variant.INVITATION_PAPER
    assert invitation_variant(PrintChannel.LETTER) is Variant.INVITATION_ONLINE
    with pytest.raises(ValueError):
        invitation_variant(PrintChannel.AUTO)
    assert Variant.REMINDER_PAPER.letter == "reminder"
    assert Variant.REMINDER_PAPER.with_questionnaire and Variant.REMINDER_PAPER.is_reminder
    assert not Variant.INVITATION_ONLINE.with_questionnaire


@given(st.integers(1, 40), st.booleans())
def test_blank_backs_make_whole_sheets(pages: int, duplex: bool) -> None:
    padded = pages + blanks_after(pages, duplex)
    assert sheets(padded, duplex) == sheets(pages, duplex)
    if duplex:
        assert padded % 2 == 0 and padded - pages in (0, 1)
        assert sheets(padded, duplex) * 2 == padded
    else:
        assert padded == pages == sheets(pages, duplex)
