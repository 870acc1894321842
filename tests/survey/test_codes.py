"""Page codes: round trip, and every kind of wrong code is recognised, never guessed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from survey import codes, pseudonym
from survey.codes import CodeStatus, decode_page_code, encode_page_code

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
SURVEY = "KBO-2027-LV"

survey_codes = st.from_regex(r"[A-Z0-9][A-Z0-9-]{0,22}[A-Z0-9]", fullmatch=True)
pseudonyms = st.text(alphabet=pseudonym.ALPHABET, min_size=8, max_size=8).map(
    lambda b: b + pseudonym.check_character(b)
)
pages = st.integers(1, 99)


@given(st.binary(min_size=32, max_size=32), survey_codes, pseudonyms, pages)
def test_encode_decode_round_trip(key: bytes, survey: str, who: str, page: int) -> None:
    text = encode_page_code(key, survey, who, page)
    assert decode_page_code(text, key, survey) == codes.PageCode(CodeStatus.OK, survey, who, page)


@given(pseudonyms, pages)
def test_ocr_variants_of_the_printed_code_still_verify(who: str, page: int) -> None:
    text = encode_page_code(KEY, SURVEY, who, page)
    spaced = " ".join(text[i : i + 5] for i in range(0, len(text), 5)).lower()
    assert decode_page_code(spaced, KEY, SURVEY).status is CodeStatus.OK


def test_payload_format() -> None:
    who = pseudonym.new_pseudonym()
    text = encode_page_code(KEY, SURVEY, who, 3)
    prefix, survey, p, page, mac = text.split(":")
    assert (prefix, survey, p, page) == ("PS1", SURVEY, who, "03")
    assert len(mac) == codes.MAC_LENGTH


def test_page_of_another_survey_is_foreign() -> None:
    text = encode_page_code(KEY, "KBO-2026-XY", pseudonym.new_pseudonym(), 1)
    result = decode_page_code(text, KEY, SURVEY)
    assert result.status is CodeStatus.FOREIGN
    assert result.reason == "page of another survey (KBO-2026-XY)"


def test_page_made_with_another_key_is_foreign() -> None:
    text = encode_page_code(OTHER_KEY, SURVEY, pseudonym.new_pseudonym(), 1)
    result = decode_page_code(text, KEY, SURVEY)
    assert result.status is CodeStatus.FOREIGN
    assert result.reason == "code does not verify: another round, or altered"


@given(pseudonyms, pages, st.integers(0, 8), st.sampled_from(pseudonym.ALPHABET))
def test_altered_pseudonym_or_page_never_verifies(who: str, page: int, pos: int, c: str) -> None:
    text = encode_page_code(KEY, SURVEY, who, page)
    other = who[:pos] + c + who[pos + 1 :]
    edited = text.replace(f":{who}:", f":{other}:")
    result = decode_page_code(edited, KEY, SURVEY)
    if other == who:
        assert result.status is CodeStatus.OK
    else:
        assert result.status is CodeStatus.FOREIGN
    page_edited = text.replace(f":{page:02d}:", f":{page % 99 + 1:02d}:")
    assert decode_page_code(page_edited, KEY, SURVEY).status is CodeStatus.FOREIGN


def test_signed_code_with_a_bad_check_character_is_damaged() -> None:
    who = pseudonym.new_pseudonym()
    bad = who[:-1] + next(c for c in pseudonym.ALPHABET if c != who[-1])
    result = decode_page_code(encode_page_code(KEY, SURVEY, bad, 2), KEY, SURVEY)
    assert result.status is CodeStatus.DAMAGED
    assert result.reason == "pseudonym check character is wrong"


def test_template_code() -> None:
    text = encode_page_code(KEY, SURVEY, None, 4)
    assert codes.TEMPLATE_PSEUDONYM in text
    result = decode_page_code(text, KEY, SURVEY)
    assert (result.status, result.page, result.pseudonym) == (CodeStatus.TEMPLATE, 4, "TEMPLATE00")


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "PS1:",
        "hello world",
        "https://example.nl/x",
        "PS1:KBO:ABC:01:ABCDEFGH",
        "PS2:" + "A" * 30,
    ],
)
def test_garbage_is_damaged(garbage: str) -> None:
    result = decode_page_code(garbage, KEY, SURVEY)
    assert result.status is CodeStatus.DAMAGED
    assert result.reason == "not a papersurvey page code"


@given(st.text())
def test_decoding_never_raises_and_never_accepts_random_text(text: str) -> None:
    assert decode_page_code(text, KEY, SURVEY).status is not CodeStatus.OK


def test_encode_rejects_pages_out_of_range() -> None:
    for page in (0, 100):
        with pytest.raises(ValueError, match="out of range"):
            encode_page_code(KEY, SURVEY, pseudonym.new_pseudonym(), page)


def test_survey_code_from_id() -> None:
    assert codes.survey_code("kbo 2027 / Leidschendam-Voorburg") == "KBO-2027-LEIDSCHENDAM-VO"
    assert codes.survey_code("kbo-2027-lv") == "KBO-2027-LV"
    with pytest.raises(ValueError, match="no usable characters"):
        codes.survey_code("!!!")


def test_round_keys_are_fresh() -> None:
    a, b = codes.new_round_key(), codes.new_round_key()
    assert len(a) == codes.KEY_BYTES and a != b


def test_limesurvey_url() -> None:
    url = codes.limesurvey_url("https://enquete.example.nl/", "123456", "ABCD1234X", "en")
    assert (
        url
        == "https://enquete.example.nl/index.php/survey/index/sid/123456/token/ABCD1234X/lang/en"
    )
