"""Privacy flags on open answers: Dutch phone numbers and e-mail addresses, never altered."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey.privacy_flags import Flag, flags, looks_like_email, looks_like_phone

WORDS = st.sampled_from(
    ["de", "wachttijd", "was", "te", "lang", "bel", "mij", "op", "of", "mail", "naar", "graag"]
)


@pytest.mark.parametrize(
    "text",
    [
        "bel me even: 06-12345678",
        "0612345678",
        "06 1234 5678",
        "070-123 45 67",
        "(070) 1234567",
        "+31 6 12345678",
        "+31 (0)70 1234567",
        "0031 6 1234 5678",
        "tel.nr 010.123.45.67.",
        "gratis: 0800-1234",
        "bel 06 12345678 of 06 87654321",
        "06-12345678/070-1234567",
    ],
)
def test_ways_of_writing_a_dutch_phone_number_are_flagged(text):
    assert looks_like_phone(text)
    assert flags(text) == (Flag.PHONE,)


@pytest.mark.parametrize(
    "text",
    [
        "op 01-03-2027 was ik er om 10:30",
        "het kostte € 1.250,00",
        "postcode 2271 AB",
        "mijn dossier 123456789",
        "ik wachtte 10 tot 20 minuten, 3 keer",
        "06-1234567",  # one digit short
        "0012345678",  # not a Dutch area code
        "1e en 2e keer 3 4 5 6 7 8 9 0",
        "",
    ],
)
def test_dates_amounts_and_short_numbers_are_not_phone_numbers(text):
    assert not looks_like_phone(text)


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("mail j.devries@example.nl", True),
        ("Mail: J.de.Vries+kbo@gemeente-lv.nl!", True),
        ("info at gemeente punt nl", False),
        ("@gemeente", False),
        ("a@b", False),
    ],
)
def test_e_mail_addresses(text, found):
    assert looks_like_email(text) is found


def test_both_flags_and_none():
    assert flags("bel 06-12345678 of mail a.b@example.com") == (Flag.PHONE, Flag.EMAIL)
    assert flags("prima geholpen") == ()
    assert flags(None) == ()


@st.composite
def written_phone_numbers(draw) -> tuple[str, str]:
    """A Dutch number as people write it, and its ten digits."""
    mobile = draw(st.booleans())
    area = "6" if mobile else draw(st.sampled_from(["10", "20", "70", "71", "79", "348"]))
    rest = draw(st.text("0123456789", min_size=9 - len(area), max_size=9 - len(area)))
    national = "0" + area + rest
    prefix = draw(st.sampled_from(["0", "+31 ", "+31 (0)", "0031 ", "+31"]))
    body = area + rest
    seps = draw(
        st.lists(st.sampled_from(["", " ", "-", "."]), min_size=len(body), max_size=len(body))
    )
    sep_after_area = draw(st.sampled_from(["", "-", " "]))
    written = "".join(
        c + (sep_after_area if i == len(area) - 1 else (seps[i] if i > len(area) else ""))
        for i, c in enumerate(body)
    )
    return prefix + written.strip(" -."), national


@given(written_phone_numbers(), st.lists(WORDS, max_size=4), st.lists(WORDS, max_size=4))
def test_any_written_phone_number_in_a_sentence_is_flagged(number, before, after):
    written, _ = number
    text = " ".join([*before, written, *after])
    assert Flag.PHONE in flags(text)


@given(st.lists(WORDS, max_size=12), st.integers(0, 999_999))
def test_words_and_small_numbers_are_not_flagged_and_never_changed(words, n):
    text = " ".join(words) + f" {n}"
    copy = str(text)
    assert flags(text) == ()
    assert text == copy
