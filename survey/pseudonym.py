"""Pseudonyms: random respondent codes with a check character (contract).

A pseudonym is 8 characters of Crockford base32 (no I, L, O, U) drawn with
:mod:`secrets` (through :mod:`survey.entropy`, which the demo seeds), followed by one check character from the same alphabet. It is
the LimeSurvey token, the login code in the letter and the key of every answer.
It is never derived from a client number.

The check character is a weighted sum over GF(32) (the field with 32 elements,
reduction polynomial x^5 + x^2 + 1) with weights alpha^i. Because every weight
is non-zero, any single-character substitution changes the sum; because
alpha != 1, any transposition of two adjacent, different characters changes it
too. Unlike Crockford's own mod-37 check it needs no symbols outside the
alphabet (``*~$=``), so the code stays URL-safe and easy to type.
"""

from __future__ import annotations

from collections.abc import Iterable

from survey import entropy

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 8
LENGTH = BODY_LENGTH + 1
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
# Crockford's forgiving decoding of look-alike characters.
_ALIASES = {"O": "0", "I": "1", "L": "1"}
_POLY = 0b100101  # x^5 + x^2 + 1, primitive over GF(2)


def _gf_mul(a: int, b: int) -> int:
    result = 0
    while b:
        if b & 1:
            result ^= a
        b >>= 1
        a <<= 1
        if a & 0b100000:
            a ^= _POLY
    return result


_ALPHA_POWERS = [1]
for _ in range(LENGTH):
    _ALPHA_POWERS.append(_gf_mul(_ALPHA_POWERS[-1], 2))


def check_character(body: str) -> str:
    """The check character for an 8-character body (already normalised)."""
    acc = 0
    for i, ch in enumerate(body):
        acc ^= _gf_mul(_ALPHA_POWERS[i + 1], _VALUE[ch])
    return ALPHABET[acc]


def normalize(code: str) -> str:
    """Upper-case, drop spaces and hyphens, map look-alikes (O->0, I/L->1)."""
    cleaned = "".join(code.split()).replace("-", "").upper()
    return "".join(_ALIASES.get(c, c) for c in cleaned)


def is_valid(code: str) -> bool:
    """Whether ``code`` (after :func:`normalize`) is a well-formed pseudonym."""
    c = normalize(code)
    if len(c) != LENGTH or any(ch not in _VALUE for ch in c):
        return False
    return check_character(c[:BODY_LENGTH]) == c[BODY_LENGTH]


def new_pseudonym() -> str:
    """One fresh random pseudonym."""
    body = "".join(entropy.choice(ALPHABET) for _ in range(BODY_LENGTH))
    return body + check_character(body)


def new_pseudonyms(count: int, existing: Iterable[str] = ()) -> list[str]:
    """``count`` fresh pseudonyms, distinct from each other and from ``existing``."""
    taken = set(existing)
    out: list[str] = []
    while len(out) < count:
        p = new_pseudonym()
        if p not in taken:
            taken.add(p)
            out.append(p)
    return out


def grouped(code: str) -> str:
    """The code grouped for reading aloud and typing: ``ABCD-EFGH-K``."""
    c = normalize(code)
    return f"{c[:4]}-{c[4:8]}-{c[8:]}"
