"""Page codes: what the QR in the corner of every questionnaire page says (contract).

Payload (QR alphanumeric mode, so the code stays small)::

    PS1:<SURVEY>:<PSEUDONYM>:<PAGE>:<MAC>

* ``SURVEY``: the survey code, upper case ``A-Z 0-9 -`` (from ``survey.toml``).
* ``PSEUDONYM``: the respondent's 9-character pseudonym, or ``TEMPLATE00``
  on the blank reference print (never a valid pseudonym).
* ``PAGE``: the 1-based page number, two digits.
* ``MAC``: the first 8 base32 characters (40 bits) of
  HMAC-SHA256(round key, ``SURVEY:PSEUDONYM:PAGE``).

A page of another survey or another round (other key), a hand-edited
photocopy or a damaged code fails the MAC and is reported as foreign, never
guessed. The same payload is printed as text under the QR for OCR.

Letter QR codes carry the online URL instead (see :func:`limesurvey_url`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum

from survey import entropy
from survey import pseudonym as pseudonyms

PREFIX = "PS1"
TEMPLATE_PSEUDONYM = "TEMPLATE00"
MAC_LENGTH = 8
KEY_BYTES = 32
_SURVEY_RE = re.compile(r"^[A-Z0-9-]{1,24}$")
_PAYLOAD_RE = re.compile(
    r"^PS1:(?P<survey>[A-Z0-9-]{1,24}):(?P<pseudonym>[0-9A-Z]{9,10}):(?P<page>\d{2}):(?P<mac>[A-Z2-7]{8})$"
)


class CodeStatus(StrEnum):
    OK = "ok"
    TEMPLATE = "template"  # a valid code of the blank reference print
    FOREIGN = "foreign"  # well-formed, but another survey, another round or forged
    DAMAGED = "damaged"  # not a papersurvey page code at all, or a bad check character


@dataclass(frozen=True)
class PageCode:
    """What a page code says, once checked."""

    status: CodeStatus
    survey: str = ""
    pseudonym: str = ""
    page: int = 0
    reason: str = ""


def new_round_key() -> bytes:
    """A fresh random secret for one survey round."""
    return entropy.token_bytes(KEY_BYTES)


def survey_code(survey_id: str) -> str:
    """The survey id as it appears in codes: upper case, ``A-Z 0-9 -`` only."""
    code = re.sub(r"[^A-Z0-9-]+", "-", survey_id.upper()).strip("-")[:24]
    if not _SURVEY_RE.match(code):
        raise ValueError(f"survey id {survey_id!r} has no usable characters")
    return code


def _mac(key: bytes, survey: str, pseudonym: str, page: int) -> str:
    digest = hmac.new(key, f"{survey}:{pseudonym}:{page:02d}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:MAC_LENGTH]


def encode_page_code(key: bytes, survey: str, pseudonym: str | None, page: int) -> str:
    """The QR payload for one page.

    Args:
        key: the round's secret key.
        survey: the survey code (see :func:`survey_code`).
        pseudonym: the respondent, or ``None`` for the blank template.
        page: 1-based page number (1-99).
    """
    who = TEMPLATE_PSEUDONYM if pseudonym is None else pseudonyms.normalize(pseudonym)
    if not 1 <= page <= 99:
        raise ValueError(f"page number {page} out of range 1-99")
    return f"{PREFIX}:{survey}:{who}:{page:02d}:{_mac(key, survey, who, page)}"


def decode_page_code(text: str, key: bytes, survey: str) -> PageCode:
    """Check a QR payload or OCR'd code against this round's key and survey.

    Never raises on bad input: the result's status says what was wrong.
    """
    t = "".join(text.split()).upper()
    m = _PAYLOAD_RE.match(t)
    if not m:
        return PageCode(CodeStatus.DAMAGED, reason="not a papersurvey page code")
    s, who, page, mac = m["survey"], m["pseudonym"], int(m["page"]), m["mac"]
    if s != survey:
        return PageCode(CodeStatus.FOREIGN, s, who, page, f"page of another survey ({s})")
    if not hmac.compare_digest(mac, _mac(key, s, who, page)):
        return PageCode(
            CodeStatus.FOREIGN, s, who, page, "code does not verify: another round, or altered"
        )
    if who == TEMPLATE_PSEUDONYM:
        return PageCode(CodeStatus.TEMPLATE, s, who, page, "blank reference print")
    if not pseudonyms.is_valid(who):
        return PageCode(CodeStatus.DAMAGED, s, who, page, "pseudonym check character is wrong")
    return PageCode(CodeStatus.OK, s, who, page)


def limesurvey_url(base_url: str, survey_sid: str, token: str, language: str = "nl") -> str:
    """The online questionnaire URL with the token, as LimeSurvey itself emits it."""
    base = base_url.rstrip("/")
    return f"{base}/index.php/survey/index/sid/{survey_sid}/token/{token}/lang/{language}"
