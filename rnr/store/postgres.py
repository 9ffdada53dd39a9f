"""A store in a PostgreSQL database: many writers on many machines, append-only inside the server.

:class:`PostgresStore` keeps the SQLite store's tables, columns and
guarantees (:mod:`rnr.store._pgschema`): records, the audit chain, the
derived values, the timelines and the access log are append-only by
triggers *and* by privileges (the role rnr writes with holds only
``SELECT`` and ``INSERT``), and :meth:`PostgresStore.verify` recomputes every
hash all the same.

**Concurrency.** The audit chain is one chain for the whole store, so its
tail is a single point every write goes through: each write block (and each
access-log entry) starts by taking a transaction-level advisory lock on the
store (``pg_advisory_xact_lock``), reads the last record id and audit entry
inside it, and releases it when it commits or rolls back. Blocks of every
process on every machine thus run one after the other, as SQLite's
``BEGIN IMMEDIATE`` makes them, and the chain never forks. The transactions
are ``READ COMMITTED``: each statement sees every block committed before
it, so what a block reads after taking the lock is the latest chain (a
``REPEATABLE READ`` snapshot would be taken before the lock is granted, and
be stale). The primary keys on ids and sequence numbers would refuse a
duplicate all the same. A lock per case would not do: two cases written at
once would still race for the same audit tail. A writer waits up to
``timeout`` seconds for the lock (``lock_timeout``), then gets a
``StoreError`` saying the store is busy.

Reads need no lock: ids only grow and a block holds its ids until it
commits, so each read goes up to the last id committed when it starts.
``verify`` reads one ``REPEATABLE READ`` snapshot.

Connections come from a pool (``psycopg_pool``), so one store may be
shared by the threads of a service. Every ``psycopg`` error is reported as
a one-line :class:`~rnr.errors.StoreError` naming the store, never with its
password.
"""

from __future__ import annotations

import itertools
import os
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

import attrs
import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool

from rnr.errors import StoreError
from rnr.store._pgschema import LOCK_CLASS, prepare, schema_problems
from rnr.store._reads import CaseOrder, PendingBlock, SQLReads
from rnr.store._rows import (
    ACCESS_COLUMNS,
    AUDIT_COLUMNS,
    CASE_DERIVED_COLUMNS,
    DERIVED_COLUMNS,
    RECORD_COLUMNS,
    entry_row,
    insert,
    record_row,
    verify_tables,
)
from rnr.store.access import Access, AccessEntry, chain_access, restore_access_problem
from rnr.store.audit import restore_problem
from rnr.store.caseindex import STALE_EVERY_CASE, UPSERT_INDEX
from rnr.store.head import Head
from rnr.store.protocol import Verification, utc_now
from rnr.store.records import GENESIS, AuditEntry, Record, Stored
from rnr.store.totals import UPSERT_TOTAL

__all__ = ["PostgresStore", "display_name"]


def _insert_all(table: str, columns: str, types: str, keep_first: str | None = None) -> str:
    """One ``INSERT`` of many rows, given as one array per column, in the arrays' order.

    A block's kept values go in one statement (not one per row), and the
    first of two with the same key stays (``ON CONFLICT ... DO NOTHING``).
    """
    names = [c.strip() for c in columns.split(",")]
    arrays = ", ".join(f"%b::{t}[]" for t in types.split(","))  # binary: no escaping
    sql = (
        f"INSERT INTO {table} ({columns}) SELECT {', '.join(f'u.{n}' for n in names)}"
        f" FROM unnest({arrays}) WITH ORDINALITY AS u ({columns}, n) ORDER BY u.n"
    )
    return sql if keep_first is None else f"{sql} ON CONFLICT ({keep_first}) DO NOTHING"


_INSERT_RECORDS = _insert_all(
    "records", RECORD_COLUMNS, "bigint,text,text,text,text,bigint,text,text,text"
)
_INSERT_ENTRIES = _insert_all("audit", AUDIT_COLUMNS, "bigint,text,text,text,bigint,text,text,text")
_INSERT_DERIVED = _insert_all("derived", DERIVED_COLUMNS, "bigint,text,text", "record_id")
_INSERT_CASE_DERIVED = _insert_all(
    "case_derived", CASE_DERIVED_COLUMNS, "bigint,text,text,text", "record_id, basis"
)
_INSERT_ACCESS = insert("access", ACCESS_COLUMNS, mark="%s")
_UPSERT_INDEX = UPSERT_INDEX.replace("?", "%s")
_UPSERT_TOTAL = UPSERT_TOTAL.replace("?", "%s")
#: Below this many records a block's rows go in one INSERT of arrays; from it on, by COPY.
_COPY_FROM = 64
#: Rows a verification fetches at a time from its server-side cursors.
_FETCH = 5000


def display_name(conninfo: str) -> str:
    """The store's name in messages: the connection URL without its password.

    ``user``, ``host``, ``port``, ``dbname`` and ``options`` (which may name
    the schema) are kept; any password, in the URL or as a parameter, is not.

    >>> display_name("postgresql://ana:secreto@db.example/rnr?options=-csearch_path%3Dcasos")
    'postgresql://ana@db.example/rnr?options=-csearch_path%3Dcasos'

    Raises:
        StoreError: ``argument.invalid``, not a connection string libpq reads.
    """
    try:
        params = conninfo_to_dict(conninfo)
    except psycopg.Error as exc:
        msg = f"not a PostgreSQL connection URL ({_one_line(exc)})"
        raise StoreError(msg, path="postgresql", code="argument.invalid") from None
    user = f"{params['user']}@" if params.get("user") else ""
    host = urllib.parse.quote(str(params.get("host", "")), safe="")
    port = f":{params['port']}" if params.get("port") else ""
    text = f"postgresql://{user}{host}{port}/{params.get('dbname', '')}"
    if params.get("options"):
        text += "?" + urllib.parse.urlencode({"options": params["options"]})
    return text


def _one_line(exc: BaseException) -> str:
    """The first line of an error's message (libpq adds DETAIL and HINT lines)."""
    lines = str(exc).strip().splitlines()
    return " ".join(lines[0].split()) if lines else type(exc).__name__


def describe_error(exc: psycopg.Error, *, timeout: float) -> str:
    """What a psycopg error means for the person who runs rnr, on one line."""
    text = _one_line(exc)
    state = getattr(exc, "sqlstate", None)
    if state == "55P03":  # lock_not_available: lock_timeout
        return (
            f"the store is busy ({text}): another writer held its write lock"
            f" for more than {timeout:g} s"
        )
    if state == "42501":  # insufficient_privilege
        return (
            f"permission denied ({text}): this role may only read and append; the owner"
            " of rnr's tables creates and migrates them (rnr store init, docs/store.md)"
        )
    if state == "25006":  # read_only_sql_transaction
        return f"cannot write ({text}): the store was opened read-only"
    if state is None and isinstance(exc, psycopg.OperationalError):
        return f"cannot reach the database ({text})"
    return text


def _refuse_nul(name: str, **texts: str) -> None:
    """Refuse a text PostgreSQL cannot hold (the character U+0000), naming what holds it.

    SQLite and the memory store keep such a text; a PostgreSQL store says
    so at once rather than fail at commit.
    """
    for what, text in texts.items():
        if "\x00" in text:
            msg = f"{what.replace('_', ' ')} {text!r}: PostgreSQL text cannot hold U+0000"
            raise StoreError(msg, path=name, code="argument.invalid")


class _Block(PendingBlock):
    """One write block: a connection inside a transaction holding the store's write lock."""

    _store: PostgresStore

    def _check_record(self, record: Record) -> None:
        _refuse_nul(self._store.name, case_id=record.case_id)

    def _send(
        self,
        rows: list[tuple[Any, ...]],
        entries: list[tuple[Any, ...]],
        derived: list[tuple[Any, ...]],
        case_derived: list[tuple[Any, ...]],
    ) -> None:
        with self._store._errors("cannot write records"), self._conn.cursor() as cur:
            for table, columns, insert_all, batch in (
                ("records", RECORD_COLUMNS, _INSERT_RECORDS, rows),
                ("audit", AUDIT_COLUMNS, _INSERT_ENTRIES, entries),
                ("derived", DERIVED_COLUMNS, _INSERT_DERIVED, derived),
                ("case_derived", CASE_DERIVED_COLUMNS, _INSERT_CASE_DERIVED, case_derived),
            ):
                if len(batch) >= _COPY_FROM and table in ("records", "audit"):
                    with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                        for row in batch:
                            copy.write_row(row)
                elif batch:
                    cur.execute(insert_all, [list(column) for column in zip(*batch, strict=True)])

    def _send_index(self, rows: list[tuple[Any, ...]]) -> None:
        for row in rows:
            _refuse_nul(self._store.name, case_id=row[0])
        with self._store._errors("cannot write the case index"), self._conn.cursor() as cur:
            cur.executemany(_UPSERT_INDEX, rows)

    def _send_totals(self, changes: list[tuple[str, str, str, int]]) -> None:
        with self._store._errors("cannot write the case index"), self._conn.cursor() as cur:
            cur.executemany(_UPSERT_TOTAL, changes)


class PostgresStore(SQLReads):
    """An append-only store of case records in a PostgreSQL database.

    Args:
        conninfo: a connection URL (``postgresql://user@host:5432/dbname``;
            ``?options=-csearch_path%3DSCHEMA`` picks the schema) or any
            connection string libpq reads. Keep passwords out of it: use
            ``~/.pgpass`` or ``PGPASSWORD``.
        clock: gives the time stamp of each append (ISO 8601 text).
        timeout: seconds to connect, and that a writer waits for another's
            write block.
        read_only: open an existing store for reading only: a schema without
            one is an error (``store.missing``), the connections are
            read-only and any write block is refused.
        pool_size: the most connections the store holds at once.

    Raises:
        StoreError: ``store.unavailable``, the database cannot be reached,
            the schema holds another program's tables, is newer than this
            rnr, or cannot be created by this role; ``store.missing``, with
            ``read_only``, no store in the schema; ``argument.invalid``, not
            a connection string.
    """

    _contains = "strpos(folded, ?) > 0"

    def __init__(
        self,
        conninfo: str,
        *,
        clock: Callable[[], str] = utc_now,
        timeout: float = 30.0,
        read_only: bool = False,
        pool_size: int = 8,
    ) -> None:
        self._name = display_name(conninfo)
        self._conninfo = conninfo
        self._clock = clock
        self._timeout = timeout
        self._read_only = read_only
        self._pool_size = pool_size
        self._lock = threading.Lock()
        self._writers: set[int] = set()
        self._case_order = CaseOrder()
        self._closed = False
        self._pid = os.getpid()
        self._inherited: list[ConnectionPool[Any]] = []
        extra: dict[str, Any] = {"autocommit": True, "application_name": "rnr"}
        if "connect_timeout" not in conninfo_to_dict(conninfo):
            extra["connect_timeout"] = max(2, int(timeout))
        self._kwargs = extra
        with self._errors("cannot open the store"):
            conn = psycopg.connect(conninfo, **extra)
        try:
            with self._errors("cannot open the store"):
                self._configure(conn)
                before = prepare(conn, self._name, read_only=read_only)
                self._created = before == 0
                # the write lock: one per store (the records table's oid names it)
                oid = conn.execute("SELECT 'records'::regclass::oid").fetchone()
                self._lock_key = (LOCK_CLASS << 32) | int(oid[0] if oid else 0)
        finally:
            conn.close()
        self._pool = self._new_pool()

    def _new_pool(self) -> ConnectionPool[Any]:
        pool: ConnectionPool[Any] = ConnectionPool(
            self._conninfo,
            min_size=1,
            max_size=max(1, self._pool_size),
            kwargs=self._kwargs,
            configure=self._configure,
            # a connection the server ended (a restart, a DBA's kill) is replaced, not lent
            check=ConnectionPool.check_connection,
            timeout=self._timeout,
            name="rnr",
            open=False,
        )
        with self._errors("cannot open the store"):
            pool.open(wait=True, timeout=self._timeout)
        return pool

    def _configure(self, conn: psycopg.Connection[Any]) -> None:
        """Settings of every connection: how long to wait for a lock, read-only or not."""
        conn.execute(f"SET lock_timeout = {max(1, int(self._timeout * 1000))}")
        if self._read_only:
            conn.execute("SET default_transaction_read_only = on")

    @property
    def name(self) -> str:
        """The connection URL, without its password."""
        return self._name

    @property
    def read_only(self) -> bool:
        """Whether the store was opened for reading only."""
        return self._read_only

    @property
    def created(self) -> bool:
        """Whether opening it created the store's tables (the schema held none)."""
        return self._created

    def __repr__(self) -> str:
        return f"PostgresStore({self._name!r})"

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- connections -------------------------------------------------------

    @contextmanager
    def _errors(self, doing: str) -> Iterator[None]:
        """Turn any ``psycopg`` error into a one-line :class:`StoreError`."""
        try:
            yield
        except psycopg.Error as exc:
            raise StoreError(
                f"{doing}: {describe_error(exc, timeout=self._timeout)}", path=self._name
            ) from exc

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[Any]]:
        """A connection from the pool, returned to it afterwards."""
        with self._lock:
            if self._closed:
                raise StoreError("the store is closed", path=self._name)
            if os.getpid() != self._pid:
                # connections must not cross fork(): the parent's stay untouched, open
                self._pid = os.getpid()
                self._inherited.append(self._pool)
                self._pool = self._new_pool()
            pool = self._pool
        with self._errors("cannot reach the database"), pool.connection() as conn:
            yield conn

    # -- writing -----------------------------------------------------------

    @contextmanager
    def write(self, *, by: str) -> Iterator[_Block]:
        """An atomic block: appends are kept only if the block ends without an error.

        Raises:
            StoreError: another write block is open in this thread, the store
                is read-only, busy beyond ``timeout``, or cannot be written.
        """
        if self._read_only:
            raise StoreError(
                "the store was opened read-only: nothing can be written", path=self._name
            )
        _refuse_nul(self._name, writer=by)
        me = threading.get_ident()
        with self._lock:
            if me in self._writers:
                msg = "write blocks cannot be nested: this thread is already inside store.write()"
                raise StoreError(msg, path=self._name)
            self._writers.add(me)
        try:
            with self._connection() as conn, self._errors("cannot write"), conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
                last = conn.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()
                row = conn.execute(
                    f"SELECT {AUDIT_COLUMNS} FROM audit ORDER BY seq DESC LIMIT 1"
                ).fetchone()
                block = _Block(
                    self,
                    conn,
                    by,
                    last[0] if last else 0,
                    None if row is None else AuditEntry(*row),
                )
                try:
                    yield block
                    block.seal()
                finally:
                    block.open = False
        finally:
            with self._lock:
                self._writers.discard(me)

    @contextmanager
    def _locked(self, doing: str) -> Iterator[psycopg.Connection[Any]]:
        """A transaction holding the store's write lock (for restores and the access log)."""
        if self._read_only:
            raise StoreError(
                "the store was opened read-only: nothing can be written", path=self._name
            )
        with self._connection() as conn, self._errors(doing), conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (self._lock_key,))
            yield conn

    def restore(self, records: Iterable[Stored], audit: Iterable[AuditEntry]) -> None:
        """Load exported rows verbatim into this store, which must be empty.

        Raises:
            StoreError: ``store.not_empty``, the store holds records;
                ``store.integrity``, the rows do not verify.
        """
        rows, entries = list(records), list(audit)
        with self._locked("cannot import") as conn:
            held = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM records) OR EXISTS (SELECT 1 FROM audit)"
                " OR EXISTS (SELECT 1 FROM access)"
            ).fetchone()
            if held and held[0]:
                raise StoreError(
                    "cannot import into a store that holds records",
                    path=self._name,
                    code="store.not_empty",
                )
            problem = restore_problem(rows, entries)
            for stored in rows:
                _refuse_nul(self._name, case_id=stored.case_id, writer=stored.recorded_by)
            if problem:
                raise StoreError(
                    "import refused: " + problem, path=self._name, code="store.integrity"
                )
            with conn.cursor() as cur:
                with cur.copy(f"COPY records ({RECORD_COLUMNS}) FROM STDIN") as copy:
                    for stored in rows:
                        copy.write_row(record_row(stored))
                with cur.copy(f"COPY audit ({AUDIT_COLUMNS}) FROM STDIN") as copy:
                    for entry in entries:
                        copy.write_row(entry_row(entry))
                cur.execute(STALE_EVERY_CASE)

    # -- reading (the queries: rnr.store._reads) ------------------------------

    def _query(
        self, conn: psycopg.Connection[Any] | None, sql: str, args: tuple[Any, ...]
    ) -> list[Any]:
        """All rows of one query, on ``conn`` or on a pooled connection."""
        sql = sql.replace("?", "%s")
        if conn is not None:
            with self._errors("cannot read the store"):
                return conn.execute(sql, args).fetchall()
        with self._connection() as pooled, self._errors("cannot read the store"):
            return pooled.execute(sql, args).fetchall()

    def verify(
        self, *, expect: Head | None = None, progress: Callable[[int], None] | None = None
    ) -> Verification:
        """Check every record against its hash and the audit chain, and the schema's guards.

        Besides :func:`rnr.store.audit.check` (with ``expect``, a head taken
        earlier and kept elsewhere), it reports an unreadable row, a
        ``sha256`` column that no longer matches its row, a record whose time
        stamp or writer differ from its audit entry, an append-only trigger
        that is missing, disabled or no longer the one rnr wrote, any other
        trigger, and any role but the owner that may rewrite a table. One
        ``REPEATABLE READ`` snapshot is read, through server-side cursors.
        """
        with (
            self._connection() as conn,
            self._errors("cannot verify the store"),
            conn.transaction(),
        ):
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            names = itertools.count()

            def query(sql: str) -> Iterator[tuple[Any, ...]]:
                with conn.cursor(name=f"rnr_verify_{next(names)}") as cur:
                    cur.itersize = _FETCH
                    cur.execute(sql)
                    yield from cur

            result = verify_tables(
                query, distinct="IS DISTINCT FROM", expect=expect, progress=progress
            )
            more = schema_problems(conn)
        return attrs.evolve(result, problems=(*result.problems, *more))

    # -- the access log ------------------------------------------------------

    def log_access(self, *accesses: Access) -> AccessEntry:
        """Append ``accesses`` to the access log in one write, anchored at the audit's head.

        Returns the last one's entry (several at once: a group commit).

        Raises:
            StoreError: the store is read-only, busy beyond ``timeout``, or
                cannot be written.
        """
        with self._locked("cannot write the access log") as conn:
            row = conn.execute(
                f"SELECT {ACCESS_COLUMNS} FROM access ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            head = conn.execute(
                "SELECT seq, sha256 FROM audit ORDER BY seq DESC LIMIT 1"
            ).fetchone()
            entries = chain_access(
                None if row is None else AccessEntry.from_row(row),
                accesses,
                at=self._clock(),
                anchor_seq=0 if head is None else head[0],
                anchor=GENESIS if head is None else head[1],
            )
            for entry in entries:
                conn.execute(_INSERT_ACCESS, entry.row())
        return entries[-1]

    def restore_access(self, entries: Iterable[AccessEntry]) -> None:
        """Load exported access entries verbatim into this store's empty access log.

        Raises:
            StoreError: ``store.not_empty``, the log holds entries;
                ``store.integrity``, they do not verify against the audit chain.
        """
        found = list(entries)
        with self._locked("cannot import") as conn:
            count = conn.execute("SELECT count(*) FROM access").fetchone()
            held = int(count[0]) if count else 0
            chain = conn.execute("SELECT seq, sha256 FROM audit").fetchall()
            problem = restore_access_problem(found, chain, held)
            for e in found:
                a = e.access
                _refuse_nul(self._name, who=a.by + a.role + (a.unit or "") + (a.case_id or ""))
            if problem is not None:
                code = "store.not_empty" if held else "store.integrity"
                raise StoreError("import refused: " + problem, path=self._name, code=code)
            with (
                conn.cursor() as cur,
                cur.copy(f"COPY access ({ACCESS_COLUMNS}) FROM STDIN") as copy,
            ):
                for e in found:
                    copy.write_row(e.row())

    def close(self) -> None:
        """Close every connection; a write block still open closes its own when it ends."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            pool = self._pool
        if os.getpid() == self._pid:
            pool.close()
