"""Address intake: put the people of an address file into a project.

Stages: decrypt the municipality's file in memory when it is age-encrypted
(required when ``privacy.encrypted_intake`` is set), read and check the whole
file (:mod:`survey.addresses`), compare it with what was imported before,
then write. Personal data goes only to ``pii/``, encrypted to the round's
public key (:mod:`survey.piifiles`):

* ``pii/key.csv.age``: client number <-> pseudonym for everyone ever imported.
  Rows are only ever added, so a pseudonym is never reissued or changed.
* ``pii/addresses.csv.age``: name and address of the current respondents,
  with their pseudonym. People removed from the municipality's file are
  removed here too (their pseudonym stays in the key and the store, as
  withdrawn).

The LimeSurvey participant list is made from these on demand
(:mod:`survey.participants`), so it is not kept.

The store gets only ``(pseudonym, channel, subgroup, language, status)``. It
is brought in line with ``pii/`` on every import, so an import interrupted
between the two is completed by running it again.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from survey.addresses import FIELDS, AddressRecord, check_table, read_bytes, table_from_bytes
from survey.agecrypt import AgeProblem, EncryptedFileError, decrypt, is_encrypted
from survey.errors import AddressFileError, ConflictError, Problem, ProjectError
from survey.piifiles import SUFFIX, read_encrypted, write_encrypted
from survey.progress import NullProgressBar, ProgressFactory
from survey.pseudonym import new_pseudonyms
from survey.settings import ChannelsSection
from survey.store import Channel, RespondentStatus, Store, utc_now

if TYPE_CHECKING:
    from pyrage.x25519 import Identity

    from survey.project import Project

log = logging.getLogger("papersurvey.intake")

KEY_HEADER = ("client_number", "pseudonym", "issued_at")
ADDRESS_HEADER = ("pseudonym", *FIELDS)
PII_DELIMITER = ";"  # Dutch Excel opens these files directly


@dataclass(frozen=True)
class ImportOptions:
    """What ``papersurvey import-addresses`` needs.

    Attributes:
        file: the municipality's address file (.csv or .xlsx), or that file
            age-encrypted to the round's public key (``.age``).
        mapping: ``(heading, field)`` pairs for headings papersurvey does not know.
        force: apply the differences with an earlier import.
    """

    file: Path
    mapping: tuple[tuple[str, str], ...] = ()
    force: bool = False


@dataclass(frozen=True)
class AddressDiff:
    """How a new address file differs from the previous import, by client number."""

    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (client, changed fields)

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def describe(self, limit: int = 5) -> list[str]:
        """One line per kind of change: a count and the first ``limit`` client numbers."""

        def line(what: str, items: Sequence[str]) -> str:
            more = f" and {len(items) - limit} more" if len(items) > limit else ""
            return f"{len(items)} {what}: {', '.join(items[:limit])}{more}"

        out = []
        if self.added:
            out.append(line("added", self.added))
        if self.removed:
            out.append(line("removed", self.removed))
        if self.changed:
            out.append(line("changed", [f"{c} ({', '.join(f)})" for c, f in self.changed]))
        return out


@dataclass(frozen=True)
class ImportReport:
    """What an import did. ``nothing_changed`` is true for a re-import of the same file;
    ``encrypted`` says whether the file came age-encrypted."""

    file: str
    people: int
    diff: AddressDiff
    store_changes: int
    by_channel: dict[str, int]
    nothing_changed: bool
    encrypted: bool = False


def choose_channel(record: AddressRecord, rule: ChannelsSection) -> Channel:
    """The channel for one person under the round's channel rule."""
    if not record.email:
        return Channel.PAPER if rule.paper_if_no_email else Channel.NONE
    return Channel(rule.default)


def diff_addresses(
    old: Mapping[str, AddressRecord], new: Mapping[str, AddressRecord]
) -> AddressDiff:
    """Compare two imports keyed by client number (the new file's order first)."""
    names = [f.name for f in fields(AddressRecord)]
    changed = []
    for client, rec in new.items():
        before = old.get(client)
        if before is not None and before != rec:
            changed.append(
                (client, tuple(n for n in names if getattr(before, n) != getattr(rec, n)))
            )
    return AddressDiff(
        added=tuple(c for c in new if c not in old),
        removed=tuple(c for c in old if c not in new),
        changed=tuple(changed),
    )


# ---------------------------------------------------------------- pii files


def _parse_pii_csv(data: bytes | None, path: Path, header: Sequence[str]) -> list[dict[str, str]]:
    if data is None:
        return []
    reader = csv.DictReader(
        io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=PII_DELIMITER
    )
    if tuple(reader.fieldnames or ()) != tuple(header):
        raise ProjectError(
            f"{path} has unexpected columns; it was changed outside papersurvey. "
            "Restore it from a backup before importing again."
        )
    return list(reader)


def _key_rows(project: Project, identity: Identity) -> list[dict[str, str]]:
    path = project.paths.key_file
    return _parse_pii_csv(read_encrypted(path, identity), path, KEY_HEADER)


def _address_rows(project: Project, identity: Identity) -> dict[str, tuple[str, AddressRecord]]:
    path = project.paths.addresses
    out = {}
    for r in _parse_pii_csv(read_encrypted(path, identity), path, ADDRESS_HEADER):
        pseudonym = r.pop("pseudonym")
        out[r["client_number"]] = (pseudonym, AddressRecord(**r))
    return out


def read_key(project: Project) -> dict[str, str]:
    """Client number -> pseudonym from ``pii/key.csv.age`` (decrypted in memory).

    Raises:
        PrivateKeyError: the round's private key is missing or wrong.
    """
    return {r["client_number"]: r["pseudonym"] for r in _key_rows(project, project.identity())}


def read_addresses(project: Project) -> dict[str, tuple[str, AddressRecord]]:
    """Client number -> (pseudonym, record) from ``pii/addresses.csv.age`` (decrypted in memory).

    Raises:
        PrivateKeyError: the round's private key is missing or wrong.
    """
    return _address_rows(project, project.identity())


def _csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]]) -> bytes:
    """A semicolon CSV with a BOM, which Dutch Excel opens once decrypted."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, delimiter=PII_DELIMITER)
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def _intake_bytes(project: Project, file: Path, identity: Identity) -> tuple[str, bytes]:
    """The address file's name and plaintext, decrypted in memory when it is encrypted.

    Raises:
        AddressFileError: it cannot be decrypted with the round's key, or it is
            plaintext while ``privacy.encrypted_intake`` requires encryption.
    """
    data = read_bytes(file)
    name = Path(file).name
    public = project.public_key
    if not is_encrypted(data):
        if project.settings.privacy.encrypted_intake:
            raise AddressFileError(
                f"{name} is not encrypted; nothing was imported.",
                [
                    Problem(
                        name,
                        0,
                        "",
                        "survey.toml requires an encrypted address file "
                        "(privacy.encrypted_intake = true), and this file is plaintext.",
                        f"Ask the municipality to encrypt it with age to the round's public "
                        f"key: age -r {public} -o {name}{SUFFIX} {name}",
                    )
                ],
            )
        return name, data
    try:
        plain = decrypt(data, identity, name)
    except EncryptedFileError as exc:
        fix = {
            AgeProblem.OTHER_KEY: f"Ask the municipality to encrypt it to the round's public key "
            f"{public} (papersurvey keys DIR prints it).",
            AgeProblem.DAMAGED: "The file is cut short or damaged: ask for it again.",
        }.get(exc.problem, "")
        raise AddressFileError(
            f"{name} cannot be decrypted; nothing was imported.",
            [Problem(name, 0, "", exc.message, fix)],
        ) from exc
    return name.removesuffix(SUFFIX), plain


# ---------------------------------------------------------------- store


def _sync_store(
    store: Store, key: Mapping[str, str], wanted: Mapping[str, tuple[Channel, str, str]]
) -> int:
    """Bring the store's respondents in line with pii/; the number of rows changed.

    Args:
        key: client number -> pseudonym, everyone ever imported.
        wanted: pseudonym -> (channel, subgroup, language) for the current people.
    """
    now = utc_now()
    existing = {r.pseudonym: r for r in store.respondents()}
    inserts, updates = [], []
    for p, (channel, subgroup, language) in wanted.items():
        r = existing.get(p)
        if r is None:
            inserts.append((p, channel.value, subgroup, language, now))
        elif (r.channel, r.subgroup, r.language, r.status) != (
            channel,
            subgroup,
            language,
            RespondentStatus.ACTIVE,
        ):
            updates.append((channel.value, subgroup, language, p))
    withdraw = [
        (p,)
        for p in key.values()
        if p not in wanted and p in existing and existing[p].status is RespondentStatus.ACTIVE
    ]
    if not (inserts or updates or withdraw):
        return 0
    with store.transaction():
        store.executemany(
            "INSERT INTO respondents (pseudonym, channel, subgroup, language, imported_at, status)"
            " VALUES (?, ?, ?, ?, ?, 'active')",
            inserts,
        )
        store.executemany(
            "UPDATE respondents SET channel = ?, subgroup = ?, language = ?, status = 'active'"
            " WHERE pseudonym = ?",
            updates,
        )
        store.executemany(
            "UPDATE respondents SET status = 'withdrawn' WHERE pseudonym = ?", withdraw
        )
        store.audit(
            "import-addresses",
            {"added": len(inserts), "updated": len(updates), "withdrawn": len(withdraw)},
        )
        store.set_meta("addresses_imported_at", now)
    return len(inserts) + len(updates) + len(withdraw)


# ---------------------------------------------------------------- import


def import_addresses(
    project: Project, options: ImportOptions, *, progress: ProgressFactory = NullProgressBar
) -> ImportReport:
    """Import (or re-import) the municipality's address file into the project.

    Raises:
        AddressFileError: the file has problems; all are listed, nothing was written.
        ConflictError: the file differs from the previous import and ``force`` is off.
    """
    paths, settings = project.paths, project.settings
    identity = project.identity()  # before any work: without the key nothing can be written
    name, data = _intake_bytes(project, options.file, identity)
    encrypted = name != Path(options.file).name
    records = check_table(
        table_from_bytes(name, data),
        mapping=dict(options.mapping),
        languages=settings.survey.languages,
        progress=progress,
    )
    key_rows = [[r[h] for h in KEY_HEADER] for r in _key_rows(project, identity)]
    key = {client: p for client, p, _ in key_rows}
    current = _address_rows(project, identity)
    new = {r.client_number: r for r in records}
    diff = diff_addresses({c: rec for c, (_, rec) in current.items()}, new)
    if diff and current and not options.force:
        details = "\n".join(f"  {line}" for line in diff.describe())
        raise ConflictError(
            f"{name} differs from the addresses imported before:\n{details}\n"
            "Nothing was changed. To apply these changes run the command again with --force: "
            "new people get new pseudonyms, removed people are marked withdrawn, "
            "and nobody's pseudonym changes."
        )

    store = project.store
    missing = [c for c in new if c not in key]
    fresh = new_pseudonyms(len(missing), existing=store.pseudonyms() | set(key.values()))
    issued = utc_now()
    added_rows = [[c, p, issued] for c, p in zip(missing, fresh, strict=True)]
    key |= {c: p for c, p, _ in added_rows}
    people = [(key[c], rec) for c, rec in new.items()]
    channels = {p: choose_channel(rec, settings.channels) for p, rec in people}

    written = []
    public = project.public_key
    if added_rows:
        write_encrypted(paths.key_file, _csv_bytes(KEY_HEADER, key_rows + added_rows), public)
        written.append(paths.key_file.name)
    if diff or not paths.addresses.exists():
        rows = [[p, *(getattr(rec, f) for f in FIELDS)] for p, rec in people]
        write_encrypted(paths.addresses, _csv_bytes(ADDRESS_HEADER, rows), public)
        written.append(paths.addresses.name)
    wanted = {p: (channels[p], rec.subgroup, rec.language) for p, rec in people}
    store_changes = _sync_store(store, key, wanted)
    nothing = not (written or store_changes)
    if not nothing:
        log.info(
            "imported %s: %d people, %d added, %d removed, %d changed; wrote %s; "
            "%d store rows changed",
            name,
            len(people),
            len(diff.added),
            len(diff.removed),
            len(diff.changed),
            ", ".join(written) or "no pii files",
            store_changes,
        )
    return ImportReport(
        file=name,
        people=len(people),
        diff=diff,
        store_changes=store_changes,
        by_channel=dict(sorted(Counter(c.value for c in channels.values()).items())),
        nothing_changed=nothing,
        encrypted=encrypted,
    )
