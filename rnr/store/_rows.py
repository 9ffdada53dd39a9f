"""Rows of the SQLite store: from records to columns and back, and what ``verify`` checks.

Reading a row checks it: :func:`stored_from_row` refuses a row whose
content no longer has the SHA-256 stored with it. :func:`verify_rows` reads
raw rows instead and reports every problem without raising.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from typing import Any

from rnr.errors import StoreIntegrityError
from rnr.store._schema import GUARDS
from rnr.store.audit import check
from rnr.store.head import Head
from rnr.store.protocol import Verification
from rnr.store.records import KINDS, AuditEntry, Record, Stored, record_hash

__all__ = [
    "AUDIT_COLUMNS",
    "INSERT_CASE_DERIVED",
    "INSERT_DERIVED",
    "INSERT_ENTRY",
    "INSERT_RECORD",
    "RECORD_COLUMNS",
    "entry_row",
    "record_row",
    "stored_from_row",
    "verify_rows",
]

RECORD_COLUMNS = "id, kind, case_id, on_date, data, corrects, recorded_at, recorded_by, sha256"
AUDIT_COLUMNS = "seq, at, by, action, record_id, record_sha256, prev, sha256"
INSERT_RECORD = f"INSERT INTO records ({RECORD_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
INSERT_ENTRY = f"INSERT INTO audit ({AUDIT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
#: The first values of a basis kept on a record for its case stay (the table is append-only).
INSERT_CASE_DERIVED = (
    "INSERT INTO case_derived (record_id, case_id, basis, data) VALUES (?, ?, ?, ?)"
    " ON CONFLICT (record_id, basis) DO NOTHING"
)
#: The first derived values kept for a record stay (the table is append-only).
INSERT_DERIVED = (
    "INSERT INTO derived (record_id, basis, data) VALUES (?, ?, ?)"
    " ON CONFLICT (record_id) DO NOTHING"
)
#: Records checked between two calls of a verification's ``progress``.
PROGRESS_STEP = 1000


def record_row(stored: Stored) -> tuple[Any, ...]:
    """The columns of ``records`` for one stored record."""
    record = stored.record
    return (
        stored.id,
        record.kind,
        record.case_id,
        record.on.isoformat(),
        record.text,
        record.corrects,
        stored.recorded_at,
        stored.recorded_by,
        stored.sha256,
    )


def _row_record(
    kind: Any,
    case_id: Any,
    on: Any,
    data: Any,
    corrects: Any,
    *,
    source: tuple[str, int] | None = None,
) -> Record:
    """The record held in one row's columns (its data decoded when used, with ``source``).

    Raises:
        ValueError, TypeError: a column does not hold what rnr wrote there.
    """
    if not isinstance(on, str) or dt.date.fromisoformat(on).isoformat() != on:
        msg = f"on_date: got {on!r}, expected an ISO date YYYY-MM-DD"
        raise ValueError(msg)
    if not isinstance(data, str):
        msg = f"data: got {data!r}, expected JSON text"
        raise TypeError(msg)
    if corrects is not None and (not isinstance(corrects, int) or isinstance(corrects, bool)):
        msg = f"corrects: got {corrects!r}, expected a record id or NULL"
        raise TypeError(msg)
    if kind not in KINDS or not isinstance(case_id, str):
        msg = f"kind or case_id: got {kind!r}, {case_id!r}, expected a record kind and a case id"
        raise ValueError(msg)
    record = Record.read_back(
        kind, case_id, dt.date.fromisoformat(on), data, corrects, source=source
    )
    if source is None:  # verify: every row is looked into now
        len(record.data)
    return record


def stored_from_row(row: tuple[Any, ...], name: str) -> Stored:
    """A row of ``records`` as a :class:`Stored`, its hash checked."""
    record_id, kind, case_id, on, data, corrects, at, by, sha256 = row
    try:
        record = _row_record(kind, case_id, on, data, corrects, source=(name, record_id))
    except (TypeError, ValueError) as exc:
        msg = f"record {record_id}: unreadable ({exc}); run verify"
        raise StoreIntegrityError(msg, path=name, record=record_id) from exc
    if record_hash(record) != sha256:
        msg = (
            f"record {record_id}: altered since it was written (its content no longer has"
            f" the SHA-256 stored with it, {str(sha256)[:12]}…); run verify"
        )
        raise StoreIntegrityError(msg, path=name, record=record_id)
    return Stored(record_id, record, at, by, sha256)


def entry_row(e: AuditEntry) -> tuple[Any, ...]:
    """The columns of ``audit`` for one entry."""
    return (e.seq, e.at, e.by, e.action, e.record_id, e.record_sha256, e.prev, e.sha256)


def _trigger_problems(conn: sqlite3.Connection) -> list[str]:
    """The append-only guards, each exactly as rnr wrote it, and no other trigger."""
    found = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    problems = []
    for name, sql in GUARDS.items():
        if name not in found:
            problems.append(
                f"schema: trigger {name} is missing (the append-only guard was removed)"
            )
        elif " ".join(str(found[name]).split()) != " ".join(sql.split()):
            problems.append(
                f"schema: trigger {name} is not the one rnr wrote (the append-only guard was"
                " replaced)"
            )
    problems += [
        f"schema: trigger {name} is not rnr's (a trigger was added)"
        for name in sorted(found)
        if name not in GUARDS
    ]
    return problems


def verify_rows(
    conn: sqlite3.Connection,
    *,
    expect: Head | None = None,
    progress: Callable[[int], None] | None = None,
) -> Verification:
    """Every problem of the store behind ``conn`` (inside one read transaction).

    ``progress`` is called with the number of records just checked, every
    :data:`PROGRESS_STEP` records and once more at the end.
    """
    rows: list[tuple[int, str | None]] = []
    unreadable: list[str] = []
    columns: dict[int, str] = {}
    for row in conn.execute(f"SELECT {RECORD_COLUMNS} FROM records ORDER BY id"):
        record_id, sha256 = row[0], row[8]
        try:
            digest: str | None = record_hash(_row_record(*row[1:6]))
        except (TypeError, ValueError) as exc:
            unreadable.append(f"record {record_id}: unreadable ({exc})")
            digest = None
        if digest is not None and digest != sha256:
            columns[record_id] = (
                f"record {record_id}: sha256 column altered (holds {str(sha256)[:12]}…,"
                f" the content hashes to {digest[:12]}…)"
            )
        rows.append((record_id, digest))
        if progress is not None and len(rows) % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP)
    if progress is not None and len(rows) % PROGRESS_STEP:
        progress(len(rows) % PROGRESS_STEP)
    entries = (
        AuditEntry(*row) for row in conn.execute(f"SELECT {AUDIT_COLUMNS} FROM audit ORDER BY seq")
    )
    result = check(rows, entries, unreadable=unreadable, expect=expect)
    problems = list(result.problems)
    altered = set(problems)
    problems += [
        text
        for record_id, text in columns.items()
        if f"record {record_id}: altered since it was written" not in altered
    ]
    problems += [
        f"record {record_id}: recorded_at or recorded_by differ from audit entry {seq}"
        for record_id, seq in conn.execute(
            "SELECT r.id, a.seq FROM records r JOIN audit a ON a.record_id = r.id"
            " WHERE r.recorded_at IS NOT a.at OR r.recorded_by IS NOT a.by ORDER BY r.id"
        )
    ]
    problems += _trigger_problems(conn)
    problems += [
        f"database: {row[0]}" for row in conn.execute("PRAGMA integrity_check") if row[0] != "ok"
    ]
    return Verification(result.records, result.entries, result.head, tuple(problems))
