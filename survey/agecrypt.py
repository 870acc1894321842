"""age encryption of personal data: key pairs, encrypting, decrypting in memory.

Personal data is encrypted with `age <https://age-encryption.org>`_ (X25519
recipients), through pyrage, the Python binding of the well-kept rage
implementation. A municipality encrypts its address file with the round's
public key using any age tool (``age -r age1... -o adressen.csv.age
adressen.csv``); papersurvey decrypts it in memory and keeps everything under
``pii/`` encrypted to the same key. Nothing here touches the disk.

A file that cannot be decrypted is refused with the reason a person can act
on: it is not an age file, it was encrypted for another key, or it is
damaged or cut short (:class:`EncryptedFileError`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from survey.errors import CorruptInputError, ProjectError

if TYPE_CHECKING:
    from pyrage.x25519 import Identity

AGE_MAGIC = b"age-encryption.org/v1\n"
"""How a binary age file starts."""
AGE_ARMOR = b"-----BEGIN AGE ENCRYPTED FILE-----"
"""How an ASCII-armoured age file starts (``age -a``)."""


class AgeProblem(StrEnum):
    """Why an age file could not be decrypted."""

    NOT_AGE = "not_age"
    OTHER_KEY = "other_key"
    DAMAGED = "damaged"


class EncryptedFileError(CorruptInputError):
    """An age-encrypted file that cannot be decrypted with the round's key.

    Attributes:
        problem: which of the :class:`AgeProblem` it is.
    """

    def __init__(self, message: str, problem: str = AgeProblem.DAMAGED.value) -> None:
        super().__init__(message, problem)

    @property
    def problem(self) -> AgeProblem:
        return AgeProblem(self.args[1])


def is_encrypted(data: bytes) -> bool:
    """Whether ``data`` is an age file (binary or armoured)."""
    return data.startswith(AGE_MAGIC) or data.lstrip().startswith(AGE_ARMOR)


def new_key_pair() -> tuple[str, str]:
    """A fresh X25519 key pair: ``(private key text, public key text)``.

    The private key reads ``AGE-SECRET-KEY-1...``, the public key ``age1...``.
    """
    from pyrage import x25519

    identity = x25519.Identity.generate()
    return str(identity), str(identity.to_public())


def parse_identity(text: str, where: str) -> Identity:
    """The private key in ``text`` (the first ``AGE-SECRET-KEY-`` line; ``#`` lines are comments).

    Raises:
        ProjectError: there is no valid private key in the text.
    """
    import pyrage
    from pyrage import x25519

    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    try:
        return x25519.Identity.from_str(lines[0])
    except (IndexError, pyrage.IdentityError) as exc:
        raise ProjectError(
            f"{where} holds no valid age private key (a line starting AGE-SECRET-KEY-1). "
            "Restore the round's private key from its backup."
        ) from exc


def public_key_of(identity: Identity) -> str:
    """The public key (``age1...``) that belongs to a private key."""
    return str(identity.to_public())


def check_public_key(text: str, where: str) -> str | None:
    """Why ``text`` is not an age public key, or ``None`` when it is one."""
    import pyrage
    from pyrage import x25519

    try:
        x25519.Recipient.from_str(text.strip())
    except pyrage.RecipientError:
        return f"{where}: {text!r} is not an age public key (age1... )"
    return None


def encrypt(data: bytes, public_keys: list[str] | tuple[str, ...]) -> bytes:
    """``data`` encrypted (binary age format) so that each of ``public_keys`` can read it.

    Raises:
        ProjectError: a public key is not valid.
    """
    import pyrage
    from pyrage import x25519

    try:
        recipients = [x25519.Recipient.from_str(k.strip()) for k in public_keys]
    except pyrage.RecipientError as exc:
        raise ProjectError(
            f"not a valid age public key among {', '.join(public_keys)}: {exc}. "
            "A public key starts with age1."
        ) from exc
    return bytes(pyrage.encrypt(data, recipients))


def decrypt(data: bytes, identity: Identity, name: str) -> bytes:
    """Decrypt an age file in memory.

    Args:
        data: the file's bytes.
        identity: the round's private key.
        name: the file, for messages.

    Raises:
        EncryptedFileError: not an age file, encrypted for another key, or
            damaged or truncated.
    """
    import pyrage

    if not is_encrypted(data):
        raise EncryptedFileError(f"{name} is not an age-encrypted file.", AgeProblem.NOT_AGE.value)
    try:
        return bytes(pyrage.decrypt(data, [identity]))
    except pyrage.DecryptError as exc:
        if "no matching keys" in str(exc).lower():
            raise EncryptedFileError(
                f"{name} was encrypted for another key, not for this round's public key "
                f"{public_key_of(identity)}; nothing was read.",
                AgeProblem.OTHER_KEY.value,
            ) from exc
        raise EncryptedFileError(
            f"{name} is a damaged or incomplete age file ({exc}); nothing was read.",
            AgeProblem.DAMAGED.value,
        ) from exc
