"""Append-only, audited storage of case histories.

Records are written, never rewritten: a correction is a new record that
names what it corrects. Every write is chained into an audit log that
:meth:`Store.verify` checks. :class:`SQLiteStore` (one file, no server) is the
default; :class:`MemoryStore` keeps everything in memory; any object with the
methods of :class:`Store` can stand in for them.
"""

from rnr.store.jsonl import export_jsonl, import_jsonl
from rnr.store.memory import MemoryStore
from rnr.store.protocol import Store, Transaction, Verification
from rnr.store.records import (
    CLOSING_EVENTS,
    EVENT_KINDS,
    KINDS,
    AuditEntry,
    Record,
    Stored,
    canonical,
    record_hash,
)
from rnr.store.sqlite import SQLiteStore, default_db_path

__all__ = [
    "CLOSING_EVENTS",
    "EVENT_KINDS",
    "KINDS",
    "AuditEntry",
    "MemoryStore",
    "Record",
    "SQLiteStore",
    "Store",
    "Stored",
    "Transaction",
    "Verification",
    "canonical",
    "default_db_path",
    "export_jsonl",
    "import_jsonl",
    "record_hash",
]
