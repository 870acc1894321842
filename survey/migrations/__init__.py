"""The store's schema, as an ordered list of forward migrations.

Migration *n* (1-based) brings a store from ``PRAGMA user_version`` *n-1* to
*n*. To change the schema, add a module ``vNNN_<what>.py`` with a ``SQL``
string (and, rarely, a Python step) and append one line to :data:`MIGRATIONS`. Never edit a migration that
has shipped: project folders in the field already ran it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

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
            what SQL cannot compute, such as hashes).
    """

    name: str
    sql: str
    then: Callable[[sqlite3.Connection], None] | None = None


MIGRATIONS: tuple[Migration, ...] = (
    Migration("initial schema", v001_initial.SQL),
    Migration("scan batches, page positions, box measures, clips", v002_scan_ingest.SQL),
    Migration("review operators", v003_review_operators.SQL),
    Migration("transcriptions and undo of page decisions", v004_transcriptions_undo.SQL),
    Migration("hash chain over the audit log", v005_audit_chain.SQL, chain_existing),
    Migration("review sessions, login failures and item leases", v006_review_leases.SQL),
)
"""Every migration, oldest first; the schema version is the length of this tuple."""
