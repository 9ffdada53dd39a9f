"""Rows of a database store, whatever the database: from records to columns and back, and verify.

SQLite (:mod:`rnr.store.sqlite`) and PostgreSQL (:mod:`rnr.store.postgres`)
keep the same tables with the same columns, so what turns a record into a
row, a row back into a record, and what ``verify`` checks over the raw rows,
is written once, here. Reading a row checks it: :func:`stored_from_row`
refuses a row whose content no longer has the SHA-256 stored with it.
:func:`verify_tables` reads raw rows instead and reports every problem
without raising; each store adds what only its database can say (its
triggers, its own consistency checks).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from rnr.errors import StoreIntegrityError
from rnr.store.access import ACCESS_FIELDS, AccessEntry
from rnr.store.audit import check
from rnr.store.head import Head
from rnr.store.protocol import Verification
from rnr.store.records import KINDS, AuditEntry, Record, Stored, record_hash
from rnr.text import Message

__all__ = [
    "ACCESS_COLUMNS",
    "AUDIT_COLUMNS",
    "CASE_DERIVED_COLUMNS",
    "DERIVED_COLUMNS",
    "INSERT_ACCESS",
    "INSERT_CASE_DERIVED",
    "INSERT_DERIVED",
    "INSERT_ENTRY",
    "INSERT_RECORD",
    "PROGRESS_STEP",
    "RECORD_COLUMNS",
    "Query",
    "entry_row",
    "insert",
    "record_row",
    "row_record",
    "stored_from_row",
    "verify_tables",
]

RECORD_COLUMNS = "id, kind, case_id, on_date, data, corrects, recorded_at, recorded_by, sha256"
AUDIT_COLUMNS = "seq, at, by, action, record_id, record_sha256, prev, sha256"
ACCESS_COLUMNS = ", ".join(ACCESS_FIELDS)
DERIVED_COLUMNS = "record_id, basis, data"
CASE_DERIVED_COLUMNS = "record_id, case_id, basis, data"

#: What runs one query and gives its rows (a cursor, or pages of one), for :func:`verify_tables`.
Query = Callable[[str], Iterable[Sequence[Any]]]


def insert(table: str, columns: str, *, mark: str = "?", keep_first: str | None = None) -> str:
    """The ``INSERT`` of one row of ``table`` with ``mark`` as the parameter marker.

    ``keep_first`` names the key whose first row stays: a later row with the
    same key is skipped (``ON CONFLICT (...) DO NOTHING``, the same in SQLite
    and PostgreSQL), never an error and never an update.

    >>> insert("derived", DERIVED_COLUMNS, mark="%s", keep_first="record_id")[-54:]
    'VALUES (%s, %s, %s) ON CONFLICT (record_id) DO NOTHING'
    """
    marks = ", ".join([mark] * len(columns.split(",")))
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
    return sql if keep_first is None else f"{sql} ON CONFLICT ({keep_first}) DO NOTHING"


INSERT_RECORD = insert("records", RECORD_COLUMNS)
INSERT_ENTRY = insert("audit", AUDIT_COLUMNS)
INSERT_ACCESS = insert("access", ACCESS_COLUMNS)
#: The first values of a basis kept on a record for its case stay (the table is append-only).
INSERT_CASE_DERIVED = insert("case_derived", CASE_DERIVED_COLUMNS, keep_first="record_id, basis")
#: The first derived values kept for a record stay (the table is append-only).
INSERT_DERIVED = insert("derived", DERIVED_COLUMNS, keep_first="record_id")
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


def row_record(
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


def stored_from_row(row: Sequence[Any], name: str) -> Stored:
    """A row of ``records`` as a :class:`Stored`, its hash checked."""
    record_id, kind, case_id, on, data, corrects, at, by, sha256 = row
    try:
        record = row_record(kind, case_id, on, data, corrects, source=(name, record_id))
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


def verify_tables(
    query: Query,
    *,
    distinct: str = "IS NOT",
    expect: Head | None = None,
    progress: Callable[[int], None] | None = None,
) -> Verification:
    """Every problem of the rows ``query`` reads (inside one snapshot of the database).

    ``query`` runs one ``SELECT`` and gives its rows; ``distinct`` is the
    database's "differs, NULL included" operator (SQLite ``IS NOT``,
    PostgreSQL ``IS DISTINCT FROM``). ``progress`` is called with the number
    of records just checked, every :data:`PROGRESS_STEP` records and once
    more at the end. The caller adds what only its database can check.
    """
    rows: list[tuple[int, str | None]] = []
    unreadable: list[Message] = []
    columns: dict[int, Message] = {}
    for row in query(f"SELECT {RECORD_COLUMNS} FROM records ORDER BY id"):
        record_id, sha256 = row[0], row[8]
        try:
            digest: str | None = record_hash(row_record(*row[1:6]))
        except (TypeError, ValueError) as exc:
            unreadable.append(
                Message("verify.record_unreadable", {"record": record_id, "detail": str(exc)})
            )
            digest = None
        if digest is not None and digest != sha256:
            held = {"record": record_id, "held": str(sha256)[:12], "found": digest[:12]}
            columns[record_id] = Message("verify.record_hash_column", held)
        rows.append((record_id, digest))
        if progress is not None and len(rows) % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP)
    if progress is not None and len(rows) % PROGRESS_STEP:
        progress(len(rows) % PROGRESS_STEP)
    entries = (AuditEntry(*row) for row in query(f"SELECT {AUDIT_COLUMNS} FROM audit ORDER BY seq"))
    access = (
        AccessEntry.from_row(row)
        for row in query(f"SELECT {ACCESS_COLUMNS} FROM access ORDER BY seq")
    )
    result = check(rows, entries, unreadable=unreadable, expect=expect, access=access)
    problems = list(result.problems)
    altered = {p.params["record"] for p in problems if p.code == "verify.record_altered"}
    problems += [found for record_id, found in columns.items() if record_id not in altered]
    problems += [
        Message("verify.record_stamp", {"record": record_id, "entry": seq})
        for record_id, seq in query(
            "SELECT r.id, a.seq FROM records r JOIN audit a ON a.record_id = r.id"
            f" WHERE r.recorded_at {distinct} a.at OR r.recorded_by {distinct} a.by ORDER BY r.id"
        )
    ]
    return Verification(
        result.records, result.entries, result.head, tuple(problems), access=result.access
    )
