"""The project folder: one survey round on disk.

::

    kbo-2027-lv/
      survey.toml        settings (survey.settings)
      questionnaire/     the questionnaire definition, copied in at creation
      letters/           letter templates, logo, signature
      pii/               personal data only (mode 0700), age-encrypted: addresses, pseudonym key
      secret/round.key   the round's secret key for page codes (dir 0700, file 0600)
      secret/age.key     the round's age private key for pii/ (privacy.private_key)
      store.sqlite       everything else, by pseudonym (survey.store); or a PostgreSQL
                         database named by [store] url in survey.toml (docs/store.md)
      formmaps/          the form maps the questionnaires were printed with (survey.formmaps_store)
      print/ scans/ clips/ out/

:func:`create_project` makes such a folder; :meth:`Project.open` opens one and
gives its paths, settings, key and store. The folder is documented in
``docs/project-folder.md``.
"""

from __future__ import annotations

import logging
import os
import secrets
import shutil
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from survey.codes import KEY_BYTES, new_round_key
from survey.errors import ConflictError, ProjectError
from survey.questionnaire import DEFAULT_QUESTIONNAIRE, load_questionnaire
from survey.roundkeys import create_key_pair, load_identity, round_public_key
from survey.settings import (
    Settings,
    check_online_url,
    check_store_url,
    default_settings,
    load_settings,
    render_settings,
)
from survey.store import Store

if TYPE_CHECKING:
    from pyrage.x25519 import Identity

    from survey.model import Questionnaire

log = logging.getLogger("papersurvey.project")

DEFAULT_LETTERS = Path(__file__).parent / "data" / "letters"
STORE_ENV = "PAPERSURVEY_STORE"
"""An environment variable that overrides ``[store] url`` (the CLI's ``--store URL`` sets it)."""


@dataclass(frozen=True)
class ProjectPaths:
    """Where everything of one round lives. Only :attr:`pii` holds personal data."""

    root: Path

    @property
    def settings_file(self) -> Path:
        return self.root / "survey.toml"

    @property
    def questionnaire(self) -> Path:
        return self.root / "questionnaire"

    @property
    def letters(self) -> Path:
        return self.root / "letters"

    @property
    def pii(self) -> Path:
        return self.root / "pii"

    @property
    def online(self) -> Path:
        """Response exports of the online survey as downloaded (they hold the free text)."""
        return self.root / "online"

    @property
    def addresses(self) -> Path:
        """Names and addresses of the current respondents, with their pseudonyms (encrypted)."""
        return self.pii / "addresses.csv.age"

    @property
    def key_file(self) -> Path:
        """Client number <-> pseudonym, for everyone ever imported (encrypted)."""
        return self.pii / "key.csv.age"

    @property
    def secret(self) -> Path:
        return self.root / "secret"

    @property
    def round_key(self) -> Path:
        return self.secret / "round.key"

    @property
    def store(self) -> Path:
        """The embedded store: used unless ``[store] url`` names a PostgreSQL database."""
        return self.root / "store.sqlite"

    @property
    def formmaps(self) -> Path:
        """The form maps the round's questionnaires were printed with (made by ``print``)."""
        return self.root / "formmaps"

    @property
    def print(self) -> Path:
        return self.root / "print"

    @property
    def scans(self) -> Path:
        return self.root / "scans"

    @property
    def clips(self) -> Path:
        return self.root / "clips"

    @property
    def out(self) -> Path:
        return self.root / "out"


@dataclass(frozen=True)
class NewProjectOptions:
    """What ``papersurvey new`` needs.

    Attributes:
        directory: the folder to create; it must not exist or be empty.
        questionnaire: an .xlsx workbook or a folder of CSVs; ``None`` for the
            shipped KBO Werk & Inkomen questionnaire.
        municipality: the municipality's name, for letters and reports.
        survey_id: the round's id; ``None`` for the folder's name.
        online_url: the web address of the LimeSurvey site (``online.base_url``),
            which every letter points to; ``None`` to fill it in later (``print``
            refuses letters without it).
    """

    directory: Path
    questionnaire: Path | None = None
    municipality: str | None = None
    survey_id: str | None = None
    online_url: str | None = None
    store_url: str | None = None
    """A PostgreSQL database for the store (``[store] url``); ``None``: ``$PAPERSURVEY_STORE``
    when set (``papersurvey --store URL new``, ``demo``), else ``store.sqlite``."""


def store_location(paths: ProjectPaths, settings: Settings | None = None) -> Path | str:
    """Where the round's store is: ``$PAPERSURVEY_STORE``, else ``[store] url``, else the file.

    Args:
        paths: the project folder.
        settings: its settings; ``None`` to read ``survey.toml`` (when there is one).
    """
    override = os.environ.get(STORE_ENV, "").strip()
    if override:
        return override
    if settings is None and paths.settings_file.is_file():
        settings = load_settings(paths.settings_file)
    if settings is not None and settings.store.url:
        return settings.store.url
    return paths.store


def _mkdir_private(path: Path) -> None:
    path.mkdir(mode=0o700)
    path.chmod(0o700)  # mkdir's mode is filtered by the umask


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    path.chmod(0o600)


def _populate(root: Path, options: NewProjectOptions, source: Path, survey_id: str) -> None:
    paths = ProjectPaths(root)
    settings = default_settings(survey_id, options.municipality or "")
    if options.online_url:
        settings = replace(settings, online=replace(settings.online, base_url=options.online_url))
    if source.is_dir():
        shutil.copytree(source, paths.questionnaire, ignore=shutil.ignore_patterns("__pycache__"))
        qpath = "questionnaire"
    else:
        paths.questionnaire.mkdir()
        shutil.copy2(source, paths.questionnaire / source.name)
        qpath = f"questionnaire/{source.name}"
    settings = _replace_questionnaire_path(settings, qpath)
    if DEFAULT_LETTERS.is_dir():
        shutil.copytree(
            DEFAULT_LETTERS, paths.letters, ignore=shutil.ignore_patterns("__pycache__")
        )
    else:
        paths.letters.mkdir()
        log.warning("no letter templates shipped in %s; letters/ is empty", DEFAULT_LETTERS)
    for d in (paths.print, paths.scans, paths.clips, paths.out):
        d.mkdir()
    _mkdir_private(paths.pii)
    _mkdir_private(paths.secret)
    _write_private(paths.round_key, new_round_key().hex().encode() + b"\n")
    public_key = create_key_pair(root, settings)
    settings = replace(settings, privacy=replace(settings.privacy, public_key=public_key))
    store_url = options.store_url or os.environ.get(STORE_ENV, "").strip()
    if store_url:
        settings = replace(settings, store=replace(settings.store, url=store_url))
    paths.settings_file.write_text(render_settings(settings), encoding="utf-8")
    with Store.open(store_location(paths, settings), create=True) as store:
        if store.scalar("SELECT count(*) FROM audit_log WHERE action != 'migrate'"):
            raise ConflictError(
                f"the store at {store.location} already holds a survey round. "
                "Give each round its own database or schema (docs/store.md)."
            )
        store.audit("new", {"survey_id": survey_id, "questionnaire": qpath})


def _replace_questionnaire_path(settings: Settings, qpath: str) -> Settings:
    return replace(settings, questionnaire=replace(settings.questionnaire, path=qpath))


def create_project(options: NewProjectOptions) -> Project:
    """Create the folder of a new survey round and open it.

    The folder is built next to its destination and moved into place at the
    end, so a failure leaves nothing behind.

    Raises:
        ConflictError: the folder exists and is not empty.
        ProjectError: the survey id has no usable characters.
        QuestionnaireError: the questionnaire is missing or has problems.
    """
    target = Path(options.directory).absolute()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConflictError(
            f"{target} already exists and is not empty. "
            "Choose a new folder name, or open the existing project."
        )
    survey_id = (options.survey_id or target.name).strip()
    try:
        default_settings(survey_id)
    except ValueError as exc:
        raise ProjectError(
            f"survey id {survey_id!r} has no letters or digits; give one with --survey-id."
        ) from exc
    url_problem = check_online_url(options.online_url or "")
    if url_problem:
        raise ProjectError(f"--online-url {options.online_url!r} {url_problem}.")
    store_problem = check_store_url(options.store_url or os.environ.get(STORE_ENV, "").strip())
    if store_problem:
        raise ProjectError(f"--store {store_problem}.")
    source = Path(options.questionnaire) if options.questionnaire else DEFAULT_QUESTIONNAIRE
    load_questionnaire(source)  # raises QuestionnaireError listing every problem

    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.parent / f".{target.name}.new-{secrets.token_hex(4)}"
    building.mkdir()
    try:
        _populate(building, options, source, survey_id)
        if target.exists():
            target.rmdir()
        building.replace(target)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    log.info("created project %s", target)
    return Project.open(target)


def read_round_key(path: Path) -> bytes:
    """The round's secret key from ``secret/round.key`` (hex text)."""
    try:
        text = path.read_text(encoding="ascii").strip()
        key = bytes.fromhex(text)
    except FileNotFoundError as exc:
        raise ProjectError(
            f"{path} not found: without the round's key, printed pages cannot be verified. "
            "Restore it from a backup."
        ) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProjectError(f"{path} is damaged: it must hold the key as hex text.") from exc
    if len(key) != KEY_BYTES:
        raise ProjectError(f"{path} is damaged: the key must be {KEY_BYTES} bytes.")
    if path.stat().st_mode & 0o077:
        log.warning("%s can be read by other users; run: chmod 600 %s", path, path)
    return key


class Project:
    """An open survey round: paths, settings, key and (opened on first use) the store.

    Use :meth:`open`; close it when done, or use it in a ``with`` block.
    """

    def __init__(self, paths: ProjectPaths, settings: Settings, key: bytes) -> None:
        self.paths = paths
        self.settings = settings
        self.key = key
        self._store: Store | None = None

    @classmethod
    def open(cls, directory: Path) -> Project:
        """Open a project folder, checking ``survey.toml`` and the key.

        Raises:
            ProjectError: the folder, its settings or its key is missing or wrong.
        """
        root = Path(directory).absolute()
        if not root.is_dir():
            raise ProjectError(
                f"{root} is not a folder. Create a project with 'papersurvey new {directory}'."
            )
        paths = ProjectPaths(root)
        settings = load_settings(paths.settings_file)
        return cls(paths, settings, read_round_key(paths.round_key))

    @property
    def store(self) -> Store:
        """The round's store, opened (and migrated) on first use."""
        if self._store is None:
            self._store = Store.open(self.store_location)
        return self._store

    @property
    def store_location(self) -> Path | str:
        """The store's file or URL (see :func:`store_location`)."""
        return store_location(self.paths, self.settings)

    @property
    def questionnaire_path(self) -> Path:
        return self.paths.root / self.settings.questionnaire.path

    @property
    def public_key(self) -> str:
        """The round's age public key: what ``pii/`` is encrypted to.

        Raises:
            PrivateKeyError: the round has no key pair yet (``papersurvey keys``).
        """
        return round_public_key(self.settings)

    def identity(self) -> Identity:
        """The round's age private key, for the commands that read names and addresses.

        Raises:
            PrivateKeyError: the key is missing or is not the round's.
        """
        return load_identity(self.paths.root, self.settings)

    def load_questionnaire(self) -> Questionnaire:
        """The round's questionnaire.

        Raises:
            QuestionnaireError: the definition has problems.
        """
        return load_questionnaire(self.questionnaire_path)

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
