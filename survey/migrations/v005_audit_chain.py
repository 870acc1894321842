"""Schema version 5: a hash chain over the audit log (tamper evidence).

Two new columns on ``audit_log``: ``prev_hash`` (the hash of the entry
before, ``''`` for the first) and ``hash`` (this entry's, see
:mod:`survey.auditlog`). The entries written before this version are chained
once, in id order, by :func:`survey.auditlog.chain_existing`, in the same
transaction.
"""

SQL = """
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
"""
