"""The LimeSurvey login for commands that talk to a server: environment, else a prompt."""

from __future__ import annotations

import getpass
import sys

from ingest.limesurvey_rpc import Credentials, credentials_from_env


def _ask(prompt: str, secret: bool) -> str:
    return getpass.getpass(prompt) if secret else input(prompt)


def ask_login() -> Credentials:
    """``LIMESURVEY_USER``/``LIMESURVEY_PASSWORD``, asking on a terminal for what is missing."""
    return credentials_from_env(ask=_ask if sys.stdin.isatty() else None)
