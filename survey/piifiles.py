"""Files under ``pii/``: always age-encrypted, decrypted only in memory.

Every file papersurvey writes under ``pii/`` ends in ``.age`` and is encrypted
to the round's public key (:mod:`survey.roundkeys`); writing needs only that
public key, reading needs the private key. A file is replaced in one step
(written next to its place, then renamed) and is readable by its owner only.

A plaintext file left by a papersurvey that did not encrypt ``pii/`` yet is
encrypted by ``papersurvey keys DIR`` (:func:`encrypt_plaintext_files`); until
then the commands that read ``pii/`` refuse to run, so plaintext never stays
unnoticed.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from survey.agecrypt import decrypt, encrypt, is_encrypted
from survey.roundkeys import PrivateKeyError

if TYPE_CHECKING:
    from pyrage.x25519 import Identity

SUFFIX = ".age"


def write_encrypted(path: Path, data: bytes, public_key: str) -> None:
    """Encrypt ``data`` to ``public_key`` and write it to ``path`` (mode 0600), in one step."""
    sealed = encrypt(data, [public_key])
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(sealed)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read_encrypted(path: Path, identity: Identity) -> bytes | None:
    """The decrypted content of ``path``; ``None`` when it does not exist.

    Raises:
        PrivateKeyError: a file in the same folder is not encrypted (left by an
            older papersurvey, or put there by hand), so ``papersurvey keys``
            must encrypt it first.
        EncryptedFileError: the file is damaged or encrypted for another key.
    """
    plain = plaintext_files(path.parent)
    if plain:
        raise PrivateKeyError(
            f"{plain[0]} is not encrypted, and pii/ may hold personal data only encrypted. "
            f"Encrypt it first: papersurvey keys {path.parent.parent}"
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    return decrypt(data, identity, str(path))


def plaintext_files(pii: Path) -> list[Path]:
    """Files under ``pii/`` that are not age-encrypted, by content (not by name)."""
    if not pii.is_dir():
        return []
    out = []
    for f in sorted(pii.rglob("*")):
        if f.is_file():
            with f.open("rb") as fh:
                head = fh.read(64)
            if not is_encrypted(head):
                out.append(f)
    return out


def encrypt_plaintext_files(pii: Path, public_key: str) -> list[Path]:
    """Encrypt every plaintext file under ``pii/`` in place (``X`` becomes ``X.age``).

    Returns:
        The plaintext files that were encrypted and removed.
    """
    done = []
    for f in plaintext_files(pii):
        target = f if f.name.endswith(SUFFIX) else f.with_name(f.name + SUFFIX)
        if target != f and target.exists():
            raise PrivateKeyError(
                f"both {f} and {target} exist; keep the right one and remove the other."
            )
        write_encrypted(target, f.read_bytes(), public_key)
        if target != f:
            f.unlink()
        done.append(f)
    return done
