"""Address intake: put the people of an address file into a project.

Stages: read and check the whole file (:mod:`survey.addresses`), compare it
with what was imported before, then write. Personal data goes only to
``pii/``:

* ``pii/key.csv``: client number <-> pseudonym for everyone ever imported.
  Rows are only ever added, so a pseudonym is never reissued or changed.
* ``pii/addresses.csv``: name and address of the current respondents, with
  their pseudonym. People removed from the municipality's file are removed
  here too (their pseudonym stays in the key and the store, as withdrawn).
* ``pii/limesurvey_participants.csv``: the participant list for LimeSurvey
  (first and last name, e-mail, token = pseudonym): personal data as well.

The store gets only ``(pseudonym, channel, subgroup, language, status)``. It
is brought in line with ``pii/`` on every import, so an import interrupted
between the two is completed by running it again.
"""

from __future__ import annotations

import csv
import logging
import os
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

from survey.addresses import FIELDS, AddressRecord, read_address_file
from survey.errors import ConflictError, ProjectError
from survey.progress import NullProgressBar, ProgressFactory
from survey.pseudonym import new_pseudonyms
from survey.settings import ChannelsSection
from survey.store import Channel, RespondentStatus, Store, utc_now

if TYPE_CHECKING:
    from survey.project import Project

log = logging.getLogger("papersurvey.intake")

KEY_HEADER = ("client_number", "pseudonym", "issued_at")
ADDRESS_HEADER = ("pseudonym", *FIELDS)
LIMESURVEY_HEADER = ("firstname", "lastname", "email", "token", "language", "attribute_1")
PII_DELIMITER = ";"  # Dutch Excel opens these files directly


@dataclass(frozen=True)
class ImportOptions:
    """What ``papersurvey import-addresses`` needs.

    Attributes:
        file: the municipality's address file (.csv or .xlsx).
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
    """What an import did. ``nothing_changed`` is true for a re-import of the same file."""

    file: str
    people: int
    diff: AddressDiff
    store_changes: int
    by_channel: dict[str, int]
    nothing_changed: bool


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


def _read_pii_csv(path: Path, header: Sequence[str]) -> list[dict[str, str]]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f, delimiter=PII_DELIMITER)
        if tuple(reader.fieldnames or ()) != tuple(header):
            raise ProjectError(
                f"{path} has unexpected columns; it was edited by hand. "
                "Restore it from a backup before importing again."
            )
        return list(reader)


def read_key(path: Path) -> dict[str, str]:
    """Client number -> pseudonym from ``pii/key.csv``."""
    return {r["client_number"]: r["pseudonym"] for r in _read_pii_csv(path, KEY_HEADER)}


def read_addresses(path: Path) -> dict[str, tuple[str, AddressRecord]]:
    """Client number -> (pseudonym, record) from ``pii/addresses.csv``."""
    out = {}
    for r in _read_pii_csv(path, ADDRESS_HEADER):
        pseudonym = r.pop("pseudonym")
        out[r["client_number"]] = (pseudonym, AddressRecord(**r))
    return out


def _csv_rows(path: Path, delimiter: str) -> list[list[str]] | None:
    """The data rows of a CSV file written by :func:`_write_private_csv`; ``None`` if absent."""
    if not path.exists():
        return None
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=delimiter))[1:]


def _write_private_csv(
    path: Path, header: Sequence[str], rows: Iterable[Sequence[str]], delimiter: str
) -> None:
    """Write a CSV readable by its owner only, replacing ``path`` in one step.

    Semicolon files get a BOM so that Dutch Excel opens them; the comma file is
    for LimeSurvey, which wants plain UTF-8.
    """
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    encoding = "utf-8-sig" if delimiter == PII_DELIMITER else "utf-8"
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as f:
            w = csv.writer(f, delimiter=delimiter)
            w.writerow(header)
            w.writerows(rows)
            f.flush()
            os.fsync(f.fileno())
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


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
    records = read_address_file(
        options.file,
        mapping=dict(options.mapping),
        languages=settings.survey.languages,
        progress=progress,
    )
    name = Path(options.file).name
    key_rows = [[r[h] for h in KEY_HEADER] for r in _read_pii_csv(paths.key_file, KEY_HEADER)]
    key = {client: p for client, p, _ in key_rows}
    current = read_addresses(paths.addresses)
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
    participants = [
        [rec.first_name, rec.full_last_name, rec.email, p, rec.language, rec.subgroup]
        for p, rec in people
        if channels[p] is not Channel.NONE
    ]

    written = []
    if added_rows:
        _write_private_csv(paths.key_file, KEY_HEADER, key_rows + added_rows, PII_DELIMITER)
        written.append(paths.key_file.name)
    if diff or not paths.addresses.exists():
        rows = [[p, *(getattr(rec, f) for f in FIELDS)] for p, rec in people]
        _write_private_csv(paths.addresses, ADDRESS_HEADER, rows, PII_DELIMITER)
        written.append(paths.addresses.name)
    if _csv_rows(paths.limesurvey_participants, ",") != participants:
        _write_private_csv(paths.limesurvey_participants, LIMESURVEY_HEADER, participants, ",")
        written.append(paths.limesurvey_participants.name)
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
    )
