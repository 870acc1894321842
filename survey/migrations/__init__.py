"""The store's schema, as an ordered list of forward migrations.

Migration *n* (1-based) brings a store from schema version *n-1* to *n*
(SQLite: ``PRAGMA user_version``; PostgreSQL: the table ``papersurvey_schema``).
To change the schema, add a module ``vNNN_<what>.py`` with a ``SQL``
string (and, rarely, a Python step) and append one line to :data:`MIGRATIONS`. Never edit a migration that
has shipped: project folders in the field already ran it.

The same SQL runs on both engines (``docs/store.md``, "Portable SQL"): write
types in capitals (``TEXT``, ``INTEGER``, ``REAL``, ``BLOB``; an id is
``INTEGER PRIMARY KEY``), no triggers, no ``PRAGMA``; PostgreSQL gets the
DDL through :func:`survey.pgstore.translate_ddl`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from survey.auditlog import chain_existing
from survey.migrations import (
    v001_initial,
    v002_scan_ingest,
    v003_review_operators,
    v004_transcriptions_undo,
    v005_audit_chain,
    v006_review_leases,
)


@dataclass(frozen=True)
class Migration:
    """One forward step of the schema.

    Attributes:
        name: a short description, recorded in the audit log.
        sql: SQL statements run in one transaction.
        then: a Python step run after ``sql``, in the same transaction (for
            what SQL cannot compute, such as hashes). It gets the
            :class:`~survey.store.Store` (``execute`` with ``?`` placeholders).
    """

    name: str
    sql: str
    then: Callable[[Any], None] | None = None


MIGRATIONS: tuple[Migration, ...] = (
    Migration("initial schema", v001_initial.SQL),
    Migration("scan batches, page positions, box measures, clips", v002_scan_ingest.SQL),
    Migration("review operators", v003_review_operators.SQL),
    Migration("transcriptions and undo of page decisions", v004_transcriptions_undo.SQL),
    Migration("hash chain over the audit log", v005_audit_chain.SQL, chain_existing),
    Migration("review sessions, login failures and item leases", v006_review_leases.SQL),
)
"""Every migration, oldest first; the schema version is the length of this tuple."""
