"""omr.ocr_code: repairing OCR readings of page codes without ever accepting a wrong one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from omr.ocr_code import code_candidates
from survey.codes import CodeStatus, decode_page_code, encode_page_code
from survey.pseudonym import ALPHABET, check_character

KEY = bytes(range(32))
SURVEY = "KBO-2027-LV"

bodies = st.text(alphabet=ALPHABET, min_size=8, max_size=8)


def _verified(text: str) -> set[str]:
    return {
        c
        for c in code_candidates(text, SURVEY)
        if decode_page_code(c, KEY, SURVEY).status is CodeStatus.OK
    }


def test_literal_reading_comes_first() -> None:
    code = encode_page_code(KEY, SURVEY, "ABCDEFGH" + check_character("ABCDEFGH"), 3)
    assert code_candidates(code, SURVEY)[0] == code


@settings(max_examples=25, deadline=None)
@given(body=bodies, page=st.integers(1, 12), data=st.data())
def test_look_alike_misreads_are_repaired_to_the_true_code(
    body: str, page: int, data: st.DataObject
) -> None:
    code = encode_page_code(KEY, SURVEY, body + check_character(body), page)
    swaps = {
        "0": "O",
        "D": "0",
        "5": "S",
        "8": "B",
        "1": "I",
        "2": "Z",
        "6": "G",
        "O": "0",
        "B": "8",
    }
    misread = "".join(swaps.get(c, c) if data.draw(st.booleans()) else c for c in code)
    assert _verified(misread) <= {code}
    if misread.split(":")[1] == SURVEY or misread.count(":") == 4:
        assert code in _verified(misread) or len(misread) != len(code)


@settings(max_examples=25, deadline=None)
@given(body=bodies, other=bodies, page=st.integers(1, 12))
def test_a_code_with_another_pseudonym_never_verifies_as_this_one(
    body: str, other: str, page: int
) -> None:
    true = encode_page_code(KEY, SURVEY, body + check_character(body), page)
    forged = true.replace(body + check_character(body), other + check_character(other))
    assert _verified(forged) <= ({true} if forged == true else set())


def test_one_extra_or_missing_character_is_repaired() -> None:
    body = "86D3D549"
    code = encode_page_code(KEY, SURVEY, body + check_character(body), 5)
    who = body + check_character(body)
    assert code in _verified(code.replace(who, who[:4] + "0" + who[4:]))
    assert code in _verified(code.replace(who, who[:3] + who[4:]))
