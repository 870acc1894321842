"""Copy a round's store to another store, for instance ``store.sqlite`` to PostgreSQL.

``papersurvey move-store DIR URL`` (:func:`move_store`) moves a round this way.

The copy is row for row, ids and audit hashes included, so the audit chain
still verifies in the copy. The target must be new: a store that was just
created (and migrated) and holds nothing but the migration entries of its
audit log, which the source's log replaces.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from survey.errors import ConflictError
from survey.settings import set_setting
from survey.store import Store

if TYPE_CHECKING:
    from survey.project import Project


def tables(store: Store) -> list[str]:
    """The store's tables in the order they were created (parents before children)."""
    if store.engine == "sqlite":
        sql = (
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid"
        )
    else:
        sql = (
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind = 'r' "
            "AND c.relname != 'papersurvey_schema' ORDER BY c.oid"
        )
    return [str(r[0]) for r in store.query(sql)]


def copy_store(source: Store, target: Store) -> dict[str, int]:
    """Copy every row of ``source`` into the new store ``target``; rows copied per table.

    Raises:
        ConflictError: the stores are at different schema versions, or the
            target already holds data.
    """
    if source.schema_version != target.schema_version:
        raise ConflictError(
            f"{source.location} is at schema version {source.schema_version} and "
            f"{target.location} at {target.schema_version}; open both with this papersurvey first."
        )
    if source.location == target.location:
        raise ConflictError(f"{source.location} is already the round's store.")
    names = tables(source)
    with target.transaction():
        for table in names:
            where = " WHERE action != 'migrate'" if table == "audit_log" else ""
            if target.scalar(f"SELECT count(*) FROM {table}{where}"):
                raise ConflictError(
                    f"{target.location} already holds rows in {table}: copy into a new store only."
                )
        target.execute("DELETE FROM audit_log")
        copied = {}
        for table in names:
            rows = [dict(r) for r in source.query(f"SELECT * FROM {table}")]
            copied[table] = target.insert_many(table, rows)
            target.reset_ids(table)
    return copied


@dataclass(frozen=True)
class MoveReport:
    """What :func:`move_store` did.

    Attributes:
        rows: rows copied per table.
        target: the new store's location (without a password).
        kept: the old SQLite file, renamed so that nothing opens it by mistake; ``None``
            when the old store was not a file.
    """

    rows: dict[str, int]
    target: str
    kept: Path | None


def move_store(project: Project, url: str) -> MoveReport:
    """Move the round's store into the new PostgreSQL store ``url`` and point ``survey.toml`` at it.

    The copy is checked (every table's row count, the audit chain) before
    ``[store] url`` is written; the old ``store.sqlite`` is then renamed to
    ``store.sqlite.before-move``, a backup to keep or delete.

    Raises:
        ConflictError: the target already holds data, or the copy does not check out.
        ProjectError: the target cannot be reached.
    """
    source = project.store
    busy = "a 'papersurvey scan' is reading into this round. Let it finish, then move the store."
    with (
        source.exclusive("scan", wait=False, busy=busy),
        source.transaction(),  # holds other writers off: the copy is of one moment
        Store.open(url, create=True) as target,
    ):
        rows = copy_store(source, target)
        for table, n in rows.items():
            if target.scalar(f"SELECT count(*) FROM {table}") != n:
                raise ConflictError(f"the copy of {table} in {target.location} is incomplete.")
        if not target.verify_audit_log().ok:
            raise ConflictError(f"the audit log copied to {target.location} does not verify.")
        target.audit("move-store", {"from": source.engine, "to": target.engine})
        where = target.location
    old = source.path
    project.close()
    set_setting(project.paths.settings_file, "store", "url", url)
    kept = None
    if old is not None and old.is_file():
        kept = old.with_name(f"{old.name}.before-move")
        old.replace(kept)
    return MoveReport(rows, where, kept)
