"""The print shop's delivery as one age-encrypted archive (``print --encrypt-to``).

A run folder holds the batch PDFs with names and addresses in the letters.
With ``--encrypt-to age1...`` (the print shop's public key; repeat it for
more readers) the folder is packed into ``<run>.tar.age``, encrypted to those
keys and to the round's own public key (so the bureau can open it again), and
the plaintext PDFs and manifests are removed. ``jobticket.json`` stays beside
the archive, unencrypted: it holds counts and checksums, no personal data, so
the print shop can check the delivery against it. The print shop unpacks it
with ``age -d -i printshop.key invitation.tar.age | tar x``.

The archive is written next to its place and renamed, so a failure leaves the
plaintext run as it was.
"""

from __future__ import annotations

import io
import os
import secrets
import tarfile
from pathlib import Path

from survey.agecrypt import check_public_key, encrypt
from survey.errors import ProjectError

KEEP = "jobticket.json"
"""The file that stays next to the archive."""


def check_keys(public_keys: tuple[str, ...]) -> None:
    """Refuse keys that are not age public keys, before any page is rendered.

    Raises:
        ProjectError: naming the first wrong key.
    """
    for key in public_keys:
        problem = check_public_key(key, "--encrypt-to")
        if problem:
            raise ProjectError(f"{problem}; ask the print shop for its age public key.")


def _tar(folder: Path) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for f in sorted(p for p in folder.rglob("*") if p.is_file()):
            info = tar.gettarinfo(str(f), arcname=f"{folder.name}/{f.relative_to(folder)}")
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            with f.open("rb") as fh:
                tar.addfile(info, fh)
    return buf.getvalue()


def seal_run(folder: Path, public_keys: tuple[str, ...]) -> Path:
    """Replace the run folder's files by ``<run>.tar.age`` (and its job ticket).

    Returns:
        The archive.
    """
    sealed = encrypt(_tar(folder), list(public_keys))
    archive = folder / f"{folder.name}.tar.age"
    tmp = folder / f".{archive.name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(sealed)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(archive)
    for entry in sorted(folder.rglob("*"), reverse=True):
        if entry == archive or (entry.name == KEEP and entry.parent == folder):
            continue
        if entry.is_dir():
            entry.rmdir()
        else:
            entry.unlink()
    return archive
