"""The round's age key pair: where the private key lives, and loading it only when needed.

``papersurvey new`` (or ``papersurvey keys`` for an older folder) makes one
X25519 key pair per round. The public key is written into ``survey.toml``
(``privacy.public_key``): it is not secret, it is what the municipality
encrypts the address file to, and it is enough to write ``pii/``. The
private key is apart from the project's data: by default in
``secret/age.key`` (mode 0600), or in a file elsewhere
(``privacy.private_key``, for example on a removable volume), or in an
environment variable (``privacy.private_key_env``).

Only the commands that need names and addresses load it (``import-addresses``,
``print``, ``reminders``, ``participants``), and they decrypt in memory. A
missing private key, or one that does not belong to the round's public key,
is refused with a message that says where papersurvey looked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from survey.agecrypt import new_key_pair, parse_identity, public_key_of
from survey.errors import ProjectError

if TYPE_CHECKING:
    from pyrage.x25519 import Identity

    from survey.settings import Settings

KEY_FILE_HEADER = "# papersurvey: the round's age private key. Keep it secret; back it up apart.\n"


class PrivateKeyError(ProjectError):
    """The round's private key is missing, unreadable, or not the round's."""


def private_key_path(root: Path, settings: Settings) -> Path:
    """Where the private key file is (``privacy.private_key``, relative to the folder)."""
    path = Path(settings.privacy.private_key).expanduser()
    return path if path.is_absolute() else root / path


def write_key_file(path: Path, private_key: str, public_key: str) -> None:
    """Write a private key file readable by its owner only; refuse to overwrite one."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise PrivateKeyError(
            f"{path} already exists; papersurvey never overwrites a private key."
        ) from exc
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(f"{KEY_FILE_HEADER}# public key: {public_key}\n{private_key}\n")
    path.chmod(0o600)


def create_key_pair(root: Path, settings: Settings) -> str:
    """Make the round's key pair: the private key at its configured path; returns the public key."""
    private, public = new_key_pair()
    write_key_file(private_key_path(root, settings), private, public)
    return public


def round_public_key(settings: Settings) -> str:
    """The round's public key from ``survey.toml``.

    Raises:
        PrivateKeyError: the round has none yet.
    """
    key = settings.privacy.public_key
    if not key:
        raise PrivateKeyError(
            "survey.toml has no 'privacy.public_key': this round has no key pair yet, so "
            "personal data cannot be stored encrypted. Run: papersurvey keys DIR"
        )
    return key


def load_identity(root: Path, settings: Settings) -> Identity:
    """The round's private key, from the environment variable or the key file.

    Raises:
        PrivateKeyError: the key is missing, unreadable, or belongs to another
            public key than the round's.
    """
    public = round_public_key(settings)
    env = settings.privacy.private_key_env
    if env:
        text = os.environ.get(env, "")
        where = f"environment variable {env} (privacy.private_key_env)"
        if not text.strip():
            raise PrivateKeyError(
                f"the round's private key is not available: {where} is not set. Set it to the "
                "key (AGE-SECRET-KEY-1...) and run the command again. Names and addresses in "
                "pii/ cannot be read without it; nothing was changed."
            )
    else:
        path = private_key_path(root, settings)
        where = str(path)
        try:
            text = path.read_text(encoding="ascii")
        except FileNotFoundError as exc:
            raise PrivateKeyError(
                f"the round's private key is not available: {path} not found "
                "(privacy.private_key in survey.toml). Mount the volume that holds it or "
                "restore it from its backup. Names and addresses in pii/ cannot be read "
                "without it; nothing was changed."
            ) from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise PrivateKeyError(f"the round's private key {path} cannot be read: {exc}.") from exc
    identity = parse_identity(text, where)
    if public_key_of(identity) != public:
        raise PrivateKeyError(
            f"the private key in {where} is not this round's key: it belongs to "
            f"{public_key_of(identity)}, but survey.toml's privacy.public_key is {public}. "
            "Use the round's own private key; nothing was changed."
        )
    return identity
