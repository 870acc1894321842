"""Talk to a running LimeSurvey through its RemoteControl 2 API (JSON-RPC).

The calls are LimeSurvey's own: ``get_session_key`` (login), then
``export_responses`` (survey id, ``json``, all responses, headings as
question codes, answers as codes; the file comes back base64-encoded) or
``add_participants`` (with ``bCreateToken`` false, so LimeSurvey keeps the
pseudonyms as tokens), and ``release_session_key`` at the end. The JSON-RPC
work is citric's (a maintained client for this API); this module only
translates its errors into plain words. The URL is the site's
``.../index.php/admin/remotecontrol``; RemoteControl must be switched on under
*Configuration > Global settings > Interfaces* (JSON-RPC).

Credentials are never a command-line argument (they would land in the shell
history and the process list): :func:`credentials_from_env` reads
``LIMESURVEY_USER`` and ``LIMESURVEY_PASSWORD``; the CLI asks for what is missing.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from survey.errors import OnlineServerError

USER_VARIABLE = "LIMESURVEY_USER"
PASSWORD_VARIABLE = "LIMESURVEY_PASSWORD"


@dataclass(frozen=True)
class Credentials:
    """A LimeSurvey login. The password is left out of ``repr``."""

    username: str
    password: str = field(repr=False)


def credentials_from_env(
    environ: Mapping[str, str] | None = None, ask: Callable[[str, bool], str] | None = None
) -> Credentials:
    """The login from ``LIMESURVEY_USER``/``LIMESURVEY_PASSWORD``, asking ``ask`` for what is missing.

    Args:
        ask: ``ask(prompt, secret)`` returns what the user typed; ``None`` to refuse instead.

    Raises:
        OnlineServerError: a value is missing and there is no one to ask.
    """
    env = os.environ if environ is None else environ
    user = env.get(USER_VARIABLE, "")
    password = env.get(PASSWORD_VARIABLE, "")
    if not user and ask is not None:
        user = ask("LimeSurvey user name: ", False)
    if not password and ask is not None:
        password = ask(f"LimeSurvey password for {user}: ", True)
    if not user or not password:
        raise OnlineServerError(
            f"No LimeSurvey login: set {USER_VARIABLE} and {PASSWORD_VARIABLE} in the "
            "environment, or run the command in a terminal to be asked."
        )
    return Credentials(user, password)


def _client(url: str, credentials: Credentials) -> Any:
    import citric
    import requests

    try:
        return citric.Client(url, credentials.username, credentials.password)
    except requests.RequestException as exc:
        raise OnlineServerError(
            f"Cannot reach LimeSurvey at {url}: {exc}. Check the address "
            "(…/index.php/admin/remotecontrol) and the network."
        ) from exc
    except citric.exceptions.LimeSurveyError as exc:
        raise OnlineServerError(
            f"LimeSurvey at {url} refused the login: {exc}. Check the user name and password, "
            "and that RemoteControl (JSON-RPC) is switched on."
        ) from exc


def _call(url: str, what: str, fn: Callable[[], Any]) -> Any:
    import citric
    import requests

    try:
        return fn()
    except requests.RequestException as exc:
        raise OnlineServerError(
            f"LimeSurvey at {url} stopped answering while {what}: {exc}."
        ) from exc
    except citric.exceptions.LimeSurveyError as exc:
        raise OnlineServerError(
            f"LimeSurvey at {url} refused {what}: {exc}. Check the survey id in survey.toml "
            "(online.limesurvey_sid) and the user's permissions."
        ) from exc


def export_responses(url: str, sid: int, credentials: Credentials) -> bytes:
    """Every response of survey ``sid`` as LimeSurvey's JSON export (question codes, answer codes).

    Raises:
        OnlineServerError: the server cannot be reached, or refuses the login or the export.
    """
    with _client(url, credentials) as client:
        data: bytes = _call(
            url,
            f"the response export of survey {sid}",
            lambda: client.export_responses(
                sid,
                file_format="json",
                completion_status="all",
                heading_type="code",
                response_type="short",
            ),
        )
    return data


def add_participants(
    url: str, sid: int, credentials: Credentials, participants: Sequence[Mapping[str, str]]
) -> int:
    """Add participants (with their own tokens) to survey ``sid``; the number LimeSurvey added.

    Raises:
        OnlineServerError: the server cannot be reached, or refuses the login or the upload.
    """
    with _client(url, credentials) as client:
        added = _call(
            url,
            f"adding participants to survey {sid}",
            lambda: client.add_participants(
                sid, participant_data=list(participants), create_tokens=False
            ),
        )
    return len(added)
