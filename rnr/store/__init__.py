"""Append-only, audited storage of case histories.

Records are written, never rewritten: a correction is a new record that
names what it corrects. Every write is chained into an audit log that
:meth:`Store.verify` checks. :class:`SQLiteStore` (one file, no server) is the
default; :class:`PostgresStore` keeps the same tables in a PostgreSQL database
(the ``postgres`` extra), :class:`MemoryStore` everything in memory; any object
with the methods of :class:`Store` can stand in for them. :func:`open_store`
opens the one a name means (a ``postgresql://`` URL, or a file's path).
"""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "AuditEntry": "rnr.store.records",
    "CaseDerived": "rnr.store.records",
    "CaseRecords": "rnr.store.records",
    "Derived": "rnr.store.records",
    "Head": "rnr.store.head",
    "KINDS": "rnr.store.records",
    "MemoryStore": "rnr.store.memory",
    "PostgresStore": "rnr.store.postgres",
    "Record": "rnr.store.records",
    "SQLiteStore": "rnr.store.sqlite",
    "Store": "rnr.store.protocol",
    "Stored": "rnr.store.records",
    "Transaction": "rnr.store.protocol",
    "Verification": "rnr.store.protocol",
    "canonical": "rnr.store.records",
    "copy_store": "rnr.store.copy",
    "default_db_path": "rnr.store.sqlite",
    "export_jsonl": "rnr.store.jsonl",
    "import_jsonl": "rnr.store.jsonl",
    "open_store": "rnr.store.locate",
    "record_hash": "rnr.store.records",
}

__all__ = [
    "KINDS",
    "AuditEntry",
    "CaseDerived",
    "CaseRecords",
    "Derived",
    "Head",
    "MemoryStore",
    "PostgresStore",
    "Record",
    "SQLiteStore",
    "Store",
    "Stored",
    "Transaction",
    "Verification",
    "canonical",
    "copy_store",
    "default_db_path",
    "export_jsonl",
    "import_jsonl",
    "open_store",
    "record_hash",
]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.store.copy import copy_store as copy_store
    from rnr.store.head import Head as Head
    from rnr.store.jsonl import export_jsonl as export_jsonl
    from rnr.store.jsonl import import_jsonl as import_jsonl
    from rnr.store.locate import open_store as open_store
    from rnr.store.memory import MemoryStore as MemoryStore
    from rnr.store.postgres import PostgresStore as PostgresStore
    from rnr.store.protocol import (
        Store as Store,
    )
    from rnr.store.protocol import (
        Transaction as Transaction,
    )
    from rnr.store.protocol import (
        Verification as Verification,
    )
    from rnr.store.records import (
        KINDS as KINDS,
    )
    from rnr.store.records import (
        AuditEntry as AuditEntry,
    )
    from rnr.store.records import (
        CaseRecords as CaseRecords,
    )
    from rnr.store.records import (
        Derived as Derived,
    )
    from rnr.store.records import (
        Record as Record,
    )
    from rnr.store.records import (
        Stored as Stored,
    )
    from rnr.store.records import (
        canonical as canonical,
    )
    from rnr.store.records import (
        record_hash as record_hash,
    )
    from rnr.store.sqlite import SQLiteStore as SQLiteStore
    from rnr.store.sqlite import default_db_path as default_db_path
