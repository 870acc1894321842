"""Copy a round's store to another store, for instance ``store.sqlite`` to PostgreSQL.

The copy is row for row, ids and audit hashes included, so the audit chain
still verifies in the copy. The target must be new: a store that was just
created (and migrated) and holds nothing but the migration entries of its
audit log, which the source's log replaces.
"""

from __future__ import annotations

from survey.errors import ConflictError
from survey.store import Store


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
    names = tables(source)
    with target.transaction():
        for table in names:
            if table == "audit_log":
                continue
            if target.scalar(f"SELECT count(*) FROM {table}"):
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
