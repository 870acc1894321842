"""``papersurvey keys DIR``: the round's key pair, and ``pii/`` encrypted to it.

A round made by ``papersurvey new`` has its key pair already; ``keys`` then
prints the public key for the municipality, with the command that encrypts
the address file. A folder made before ``pii/`` was encrypted gets a key
pair here, and its plaintext ``pii/`` files are encrypted and removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from survey.piifiles import encrypt_plaintext_files
from survey.roundkeys import PrivateKeyError, create_key_pair, private_key_path
from survey.settings import set_setting

if TYPE_CHECKING:
    from survey.project import Project


@dataclass(frozen=True)
class KeysReport:
    """What ``keys`` found and did.

    Attributes:
        public_key: the round's public key (``age1...``), to send to the municipality.
        private_key: where the private key is looked for (a file or an environment variable).
        created: a new key pair was made now.
        encrypted: plaintext files of ``pii/`` that were encrypted now.
        private_key_problem: why the private key cannot be used, or ``""``.
    """

    public_key: str
    private_key: str
    created: bool
    encrypted: tuple[str, ...]
    private_key_problem: str


def setup_keys(project: Project) -> KeysReport:
    """Make the round's key pair if it has none, and encrypt any plaintext ``pii/`` file.

    Raises:
        PrivateKeyError: a private key file exists but ``survey.toml`` has no
            public key (the file is never overwritten).
    """
    root = project.paths.root
    privacy = project.settings.privacy
    created = False
    if not privacy.public_key:
        path = private_key_path(root, project.settings)
        if privacy.private_key_env or path.exists():
            raise PrivateKeyError(
                f"survey.toml has no privacy.public_key, but a private key is configured "
                f"({privacy.private_key_env or path}). Copy its public key (the '# public key' "
                "line of the key file) into privacy.public_key in survey.toml."
            )
        public = create_key_pair(root, project.settings)
        project.settings = set_setting(project.paths.settings_file, "privacy", "public_key", public)
        with project.store.transaction() as store:
            store.audit("keys", {"created": True, "public_key": public})
        created = True
    public = project.public_key
    encrypted = encrypt_plaintext_files(project.paths.pii, public)
    if encrypted:
        with project.store.transaction() as store:
            store.audit("keys", {"encrypted_files": len(encrypted)})
    problem = ""
    try:
        project.identity()
    except PrivateKeyError as exc:
        problem = exc.message
    where = (
        f"environment variable {privacy.private_key_env}"
        if privacy.private_key_env
        else str(private_key_path(root, project.settings))
    )
    return KeysReport(public, where, created, tuple(f.name for f in encrypted), problem)
