"""The SQLite store's schema: its versions, the steps between them, and how a file is opened.

A store file is recognised by ``PRAGMA application_id`` (:data:`APPLICATION_ID`)
and versioned by ``PRAGMA user_version``. :data:`MIGRATIONS` holds one step
per version: step ``n`` takes a file from version ``n - 1`` to ``n``. Opening
a file applies the missing steps in one ``BEGIN IMMEDIATE`` transaction, so
two processes opening an old file at once migrate it once.

Step 1 is frozen: files written by the first rnr with a store have exactly
this DDL. Change the schema by adding a step, never by editing one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import attrs

from rnr.errors import StoreError
from rnr.store.caseindex import (
    CASE_INDEX_V7,
    CASE_INDEX_V8,
    CASE_INDEX_V10,
    STALE_EVERY_CASE,
)
from rnr.store.totals import CASE_TOTALS_V9
from rnr.text import Message

__all__ = [
    "APPLICATION_ID",
    "GUARDS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "check_header",
    "connect",
    "describe_error",
    "prepare",
    "schema_problems",
]

#: ``PRAGMA application_id`` of an rnr store: the bytes ``rnr1``.
APPLICATION_ID = int.from_bytes(b"rnr1", "big")


def _guards(*tables: str) -> dict[str, str]:
    return {
        f"{table}_no_{verb.lower()}": (
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table}"
            f" BEGIN SELECT RAISE(ABORT, 'rnr {table} are append-only: {verb} refused'); END"
        )
        for table in tables
        for verb in ("UPDATE", "DELETE")
    }


_GUARDS_V1 = _guards("records", "audit")
_GUARDS_V3 = _guards("derived")
_GUARDS_V4 = _guards("case_derived")
_GUARDS_V5 = _guards("access")

#: The triggers that make every table append-only, by name (``verify`` checks each one's SQL).
GUARDS: Mapping[str, str] = MappingProxyType(
    {**_GUARDS_V1, **_GUARDS_V3, **_GUARDS_V4, **_GUARDS_V5}
)

_V1 = (
    """CREATE TABLE records (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    case_id TEXT NOT NULL,
    on_date TEXT NOT NULL,
    data TEXT NOT NULL,
    corrects INTEGER,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    sha256 TEXT NOT NULL
)""",
    "CREATE INDEX records_case ON records (case_id, id)",
    """CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    action TEXT NOT NULL,
    record_id INTEGER NOT NULL REFERENCES records (id),
    record_sha256 TEXT NOT NULL,
    prev TEXT NOT NULL,
    sha256 TEXT NOT NULL
)""",
    *_GUARDS_V1.values(),
)

_V2 = ("CREATE INDEX records_kind_on ON records (kind, on_date)",)

#: Values the service derived from a record (a score, a level), outside the audit chain.
_V3 = (
    """CREATE TABLE derived (
    record_id INTEGER PRIMARY KEY REFERENCES records (id),
    basis TEXT NOT NULL,
    data TEXT NOT NULL
)""",
    *_GUARDS_V3.values(),
)

#: Values the service derived from a case's records up to one of them (its timeline).
_V4 = (
    """CREATE TABLE case_derived (
    record_id INTEGER NOT NULL REFERENCES records (id),
    case_id TEXT NOT NULL,
    basis TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (record_id, basis)
)""",
    *_GUARDS_V4.values(),
)

#: The service's access log (:mod:`rnr.store.access`): its own chain, anchored in the audit.
_V5 = (
    """CREATE TABLE access (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    by TEXT NOT NULL,
    role TEXT NOT NULL,
    unit TEXT,
    action TEXT NOT NULL,
    case_id TEXT,
    status INTEGER NOT NULL,
    detail TEXT NOT NULL,
    anchor_seq INTEGER NOT NULL,
    anchor TEXT NOT NULL,
    prev TEXT NOT NULL,
    sha256 TEXT NOT NULL
)""",
    "CREATE INDEX access_action ON access (action, seq)",
    *_GUARDS_V5.values(),
)

#: The case index (:mod:`rnr.store.caseindex`): one row per case, derived, upserted at each
#: write; a store of version 5 gets a stale row per case, which ``rnr store init`` fills.
_V6 = (
    """CREATE TABLE case_index (
    case_id TEXT PRIMARY KEY,
    record_id INTEGER NOT NULL,
    basis TEXT NOT NULL,
    folded TEXT NOT NULL,
    unit TEXT,
    regime TEXT,
    instrument TEXT,
    sanction TEXT,
    risk_level TEXT,
    rank INTEGER,
    opened_on TEXT,
    assessed_on TEXT,
    latest_on TEXT,
    closed_on TEXT,
    due_on TEXT,
    due TEXT,
    replay INTEGER NOT NULL DEFAULT 0
)""",
    "CREATE INDEX case_index_basis ON case_index (basis)",
    "CREATE INDEX case_index_unit ON case_index (unit, case_id)",
    "CREATE INDEX case_index_due ON case_index (due_on, case_id)",
    STALE_EVERY_CASE,
)

#: Each case index row's ``baseline`` (what a validity study reads), and indexes of the open
#: cases, so that a caseload page walks an index instead of sorting every case
#: (:data:`rnr.store.caseindex.CASE_INDEX_V7`).
_V7 = CASE_INDEX_V7

#: Each case index row's last change and its reliable change category, which the index of the
#: open cases holds too (:data:`rnr.store.caseindex.CASE_INDEX_V8`); rows of the index's
#: earlier format are remade by ``rnr store init``.
_V8 = CASE_INDEX_V8

#: Each case index row's counts, and the running totals the store keeps of them
#: (:data:`rnr.store.totals.CASE_TOTALS_V9`); rows of the index's earlier format carry none,
#: and ``rnr store init`` remakes them.
_V9 = CASE_TOTALS_V9

#: Each case index row's dues (:data:`rnr.store.caseindex.CASE_INDEX_V10`); rows of the
#: index's earlier format carry none, and ``rnr store init`` remakes them.
_V10 = CASE_INDEX_V10

#: Step ``n`` (``MIGRATIONS[n - 1]``) takes a store from version ``n - 1`` to ``n``.
MIGRATIONS: tuple[tuple[str, ...], ...] = (_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10)

#: The schema version this rnr writes.
SCHEMA_VERSION = len(MIGRATIONS)

_SQLITE_HEADER = b"SQLite format 3\x00"


@attrs.frozen
class _State:
    """What a file says about itself before rnr touches it."""

    application_id: int
    version: int
    tables: tuple[str, ...]


def _read_state(conn: sqlite3.Connection) -> _State:
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = tuple(
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    )
    return _State(app, version, tables)


def _check_state(state: _State, path: str) -> None:
    """Refuse a file that is not an rnr store, or is newer than this rnr."""
    if state.application_id != APPLICATION_ID:
        if state.application_id != 0:
            msg = (
                f"not an rnr store: application id {state.application_id:#010x},"
                f" expected {APPLICATION_ID:#010x} (another program's database)"
            )
            raise StoreError(msg, path=path)
        if state.tables:
            msg = (
                f"not an rnr store: an SQLite database with tables {', '.join(state.tables)}"
                " and no rnr application id (another program's database)"
            )
            raise StoreError(msg, path=path)
    if state.version > SCHEMA_VERSION:
        msg = (
            f"schema version {state.version} is newer than this rnr supports"
            f" ({SCHEMA_VERSION}); upgrade rnr"
        )
        raise StoreError(msg, path=path)


def check_header(path: Path, name: str) -> None:
    """Refuse a file that exists, is not empty and is not an SQLite database.

    Raises:
        StoreError: the file starts with something else than SQLite's header.
    """
    try:
        with path.open("rb") as file:
            head = file.read(len(_SQLITE_HEADER))
    except FileNotFoundError:
        return
    except OSError as exc:
        msg = f"cannot read the store file ({exc.strerror or exc})"
        raise StoreError(msg, path=name) from exc
    if head and head != _SQLITE_HEADER[: len(head)]:
        msg = f"not an rnr store: got a file starting {head[:8]!r}, expected an SQLite database"
        raise StoreError(msg, path=name)


def connect(path: Path, *, timeout: float, read_only: bool = False) -> sqlite3.Connection:
    """A connection to ``path`` in autocommit mode, durable, waiting up to ``timeout`` s.

    ``read_only`` opens the file with SQLite's ``mode=ro``; when even that
    cannot work (a WAL file in a write-protected folder, where SQLite cannot
    create its shared-memory file), as ``immutable``: nobody can be writing a
    file nobody may write.

    Raises:
        sqlite3.Error: the file cannot be opened (the caller words it).
    """
    if read_only:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        conn = connect_uri(uri, timeout=timeout)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError:
            conn.close()
            conn = connect_uri(uri + "&immutable=1", timeout=timeout)
    else:
        conn = connect_uri(str(path), timeout=timeout, uri=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {max(0, int(timeout * 1000))}")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def connect_uri(target: str, *, timeout: float, uri: bool = True) -> sqlite3.Connection:
    """A bare connection to ``target`` (a file name, or a ``file:`` URI)."""
    return sqlite3.connect(
        target, timeout=timeout, isolation_level=None, check_same_thread=False, uri=uri
    )


def describe_error(exc: Exception, *, timeout: float) -> str:
    """What an sqlite3 error means for the person who runs rnr, on one line."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    lowered = text.lower()
    if "malformed" in lowered or "not a database" in lowered:
        return (
            f"the file is damaged ({text}), expected an intact SQLite database;"
            " restore it from a backup or an export"
        )
    if "locked" in lowered or "busy" in lowered:
        return (
            f"the store is busy ({text}): another process held its write lock"
            f" for more than {timeout:g} s"
        )
    if "readonly" in lowered or "read-only" in lowered:
        return f"cannot write ({text}): the file or its folder is read-only"
    if "unable to open" in lowered:
        return f"cannot open the file ({text}); check the path and its folder's permissions"
    return text


def prepare(conn: sqlite3.Connection, path: str, *, read_only: bool = False) -> int:
    """Recognise the file behind ``conn``, switch it to WAL and apply missing steps.

    Args:
        conn: a fresh connection from :func:`connect`.
        path: the store's name, for messages.
        read_only: only recognise the file; an older schema is an error.

    Returns:
        The schema version the file had when opened (0 for a new file).

    Raises:
        StoreError: not an rnr store, or a newer schema than this rnr knows.
        sqlite3.Error: the file cannot be read (the caller words it).
    """
    _check_state(_read_state(conn), path)
    if read_only:
        version = _read_state(conn).version
        if version != SCHEMA_VERSION:
            msg = (
                f"the store has schema version {version}, expected {SCHEMA_VERSION}:"
                " run a command that writes to it once to bring it up to date"
            )
            raise StoreError(msg, path=path)
        return version
    conn.execute("PRAGMA journal_mode = WAL")
    first = _read_state(conn)
    if first.version == SCHEMA_VERSION:
        return first.version
    conn.execute("BEGIN IMMEDIATE")
    try:
        state = _read_state(conn)  # another process may have migrated meanwhile
        _check_state(state, path)
        if state.application_id == 0:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        for step in MIGRATIONS[state.version :]:
            for statement in step:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return first.version


def schema_problems(conn: sqlite3.Connection) -> list[Message]:
    """The append-only guards, each exactly as rnr wrote it, no other trigger, an intact file."""
    found = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"))
    problems: list[Message] = []
    for name, sql in GUARDS.items():
        if name not in found:
            problems.append(Message("verify.trigger_missing", {"trigger": name}))
        elif " ".join(str(found[name]).split()) != " ".join(sql.split()):
            problems.append(Message("verify.trigger_replaced", {"trigger": name}))
    problems += [
        Message("verify.trigger_added", {"trigger": name})
        for name in sorted(found)
        if name not in GUARDS
    ]
    problems += [
        Message("verify.database", {"detail": row[0]})
        for row in conn.execute("PRAGMA integrity_check")
        if row[0] != "ok"
    ]
    return problems
