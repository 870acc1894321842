"""Pseudonyms: random, well-formed, and the check character catches typing errors."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from survey import pseudonym
from survey.pseudonym import ALPHABET, BODY_LENGTH, LENGTH

bodies = st.text(alphabet=ALPHABET, min_size=BODY_LENGTH, max_size=BODY_LENGTH)


def with_check(body: str) -> str:
    return body + pseudonym.check_character(body)


@given(bodies, st.integers(0, LENGTH - 1), st.sampled_from(ALPHABET))
def test_check_character_catches_every_single_substitution(body: str, pos: int, new: str) -> None:
    code = with_check(body)
    altered = code[:pos] + new + code[pos + 1 :]
    assert pseudonym.is_valid(code)
    assert pseudonym.is_valid(altered) == (altered == code)


@given(bodies, st.integers(0, LENGTH - 2))
def test_check_character_catches_every_adjacent_transposition(body: str, pos: int) -> None:
    code = with_check(body)
    swapped = code[:pos] + code[pos + 1] + code[pos] + code[pos + 2 :]
    assert pseudonym.is_valid(swapped) == (code[pos] == code[pos + 1])


def test_every_substitution_and_transposition_of_one_code_exhaustively() -> None:
    code = pseudonym.new_pseudonym()
    for pos in range(LENGTH):
        for c in ALPHABET:
            if c != code[pos]:
                assert not pseudonym.is_valid(code[:pos] + c + code[pos + 1 :])
        if pos < LENGTH - 1 and code[pos] != code[pos + 1]:
            assert not pseudonym.is_valid(code[:pos] + code[pos + 1] + code[pos] + code[pos + 2 :])


@given(bodies)
def test_typing_variants_normalise_to_the_same_code(body: str) -> None:
    code = with_check(body)
    assert pseudonym.is_valid(pseudonym.grouped(code))
    assert pseudonym.is_valid(code.lower())
    assert pseudonym.is_valid(" ".join(code))
    assert pseudonym.normalize(code.replace("0", "O").replace("1", "I")) == code
    assert pseudonym.normalize(code.replace("1", "l")) == code


def test_wrong_length_and_foreign_characters_are_invalid() -> None:
    code = pseudonym.new_pseudonym()
    assert not pseudonym.is_valid(code[:-1])
    assert not pseudonym.is_valid(code + "0")
    assert not pseudonym.is_valid("")
    assert not pseudonym.is_valid(code[:4] + "U" + code[5:])  # U is not in the alphabet


def test_new_pseudonyms_are_valid_distinct_and_avoid_existing() -> None:
    existing = pseudonym.new_pseudonyms(500)
    fresh = pseudonym.new_pseudonyms(2000, existing=existing)
    assert len(set(existing)) == 500
    assert len(set(fresh)) == 2000
    assert not set(fresh) & set(existing)
    assert all(len(p) == LENGTH and pseudonym.is_valid(p) for p in existing + fresh)
    assert all(set(p) <= set(ALPHABET) for p in fresh)
