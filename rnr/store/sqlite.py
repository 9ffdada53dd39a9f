"""The default store: one SQLite file, append-only by construction, no server.

Records and audit entries live in two tables whose triggers abort any
``UPDATE`` or ``DELETE``; :meth:`SQLiteStore.verify` still recomputes every
hash, because someone with the file can drop the triggers. The file is in
WAL mode with ``synchronous=FULL``: readers never wait for a writer, a
committed block survives the process being killed, and write blocks of
several processes are serialised by ``BEGIN IMMEDIATE`` (each waits up to
``timeout`` seconds for the others). The log is checkpointed beside the
writes, not inside them (:mod:`rnr.store._wal`).

Every ``sqlite3.Error`` is reported as a one-line :class:`~rnr.errors.StoreError`
naming the file.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType
from typing import Any

import attrs

from rnr.errors import StoreError
from rnr.store._reads import CaseOrder, PendingBlock, SQLReads
from rnr.store._rows import (
    ACCESS_COLUMNS,
    AUDIT_COLUMNS,
    INSERT_ACCESS,
    INSERT_CASE_DERIVED,
    INSERT_DERIVED,
    INSERT_ENTRY,
    INSERT_RECORD,
    entry_row,
    record_row,
    verify_tables,
)
from rnr.store._schema import check_header, connect, describe_error, prepare, schema_problems
from rnr.store._wal import BULK, LOG, Checkpoints
from rnr.store._wal import NAME as CHECKPOINTS
from rnr.store.access import Access, AccessEntry, chain_access, restore_access_problem
from rnr.store.audit import restore_problem
from rnr.store.caseindex import STALE_EVERY_CASE, UPSERT_INDEX
from rnr.store.head import Head
from rnr.store.protocol import Verification, utc_now
from rnr.store.records import (
    GENESIS,
    AuditEntry,
    Stored,
)
from rnr.store.totals import UPSERT_TOTAL

__all__ = ["SQLiteStore", "default_db_path"]

_FILE_NAME = "rnr.sqlite3"


def default_db_path(environ: Mapping[str, str], *, home: Path, platform: str) -> Path:
    """Where rnr keeps its store when no ``--db`` is given.

    ``RNR_DB`` wins when set and not empty. Otherwise: on Linux and other
    Unix ``$XDG_DATA_HOME/rnr/rnr.sqlite3`` (an absolute ``XDG_DATA_HOME``
    only, as the XDG specification says) or ``~/.local/share/rnr/rnr.sqlite3``;
    on macOS ``~/Library/Application Support/rnr/rnr.sqlite3``; on Windows
    ``%LOCALAPPDATA%\\rnr\\rnr.sqlite3`` or ``~/AppData/Local/rnr/rnr.sqlite3``.

    Args:
        environ: the environment (pass ``os.environ``).
        home: the user's home folder (pass ``Path.home()``).
        platform: the platform (pass ``sys.platform``).

    Returns:
        The path of the store file (it may not exist yet).

    >>> default_db_path({}, home=Path("/home/ana"), platform="linux").as_posix()
    '/home/ana/.local/share/rnr/rnr.sqlite3'
    """
    if environ.get("RNR_DB"):
        return Path(environ["RNR_DB"])
    if platform == "darwin":
        return home / "Library" / "Application Support" / "rnr" / _FILE_NAME
    if platform == "win32":
        local = environ.get("LOCALAPPDATA")
        base = Path(local) if local else home / "AppData" / "Local"
        return base / "rnr" / _FILE_NAME
    xdg = environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else home / ".local" / "share"
    return base / "rnr" / _FILE_NAME


class _Block(PendingBlock):
    """One write block: a connection inside ``BEGIN IMMEDIATE`` and its pending rows."""

    _store: SQLiteStore

    def _send(
        self,
        rows: list[tuple[Any, ...]],
        entries: list[tuple[Any, ...]],
        derived: list[tuple[Any, ...]],
        case_derived: list[tuple[Any, ...]],
    ) -> None:
        with self._store._sqlite_errors("cannot write records"):
            self._conn.executemany(INSERT_RECORD, rows)
            self._conn.executemany(INSERT_ENTRY, entries)
            self._conn.executemany(INSERT_DERIVED, derived)
            self._conn.executemany(INSERT_CASE_DERIVED, case_derived)

    def _send_index(self, rows: list[tuple[Any, ...]]) -> None:
        with self._store._sqlite_errors("cannot write the case index"):
            self._conn.executemany(UPSERT_INDEX, rows)

    def _send_totals(self, changes: list[tuple[str, str, str, int]]) -> None:
        with self._store._sqlite_errors("cannot write the case index"):
            self._conn.executemany(UPSERT_TOTAL, changes)


class SQLiteStore(SQLReads):
    """An append-only store of case records in one SQLite file.

    Args:
        path: the database file; it and its folder are created if missing
            (unless ``read_only``).
        clock: gives the time stamp of each append (ISO 8601 text).
        timeout: seconds a writer waits for another process's write block.
        read_only: open an existing store for reading only: a missing file is
            an error (a mistyped path never reads as an empty store), a
            write-protected file can be read and verified, and any write
            block is refused.

    Raises:
        StoreError: ``store.unavailable``, the file is not an rnr store, has a
            newer schema than this rnr knows, is damaged, or cannot be created
            (with ``read_only``: has an older schema that only a write would
            bring up to date); ``store.missing``, with ``read_only``, the file
            does not exist; ``argument.invalid``, an empty path or ``:memory:``.

    Connections are pooled, so one store may be shared by threads; each
    write block holds its own connection until it ends.
    """

    #: SQLite's unary ``+``: without statistics it would find a page's rows by ``basis``.
    _plain = "+"

    def __init__(
        self,
        path: str | Path,
        *,
        clock: Callable[[], str] = utc_now,
        timeout: float = 30.0,
        read_only: bool = False,
    ) -> None:
        self._name = str(path)
        self._path = Path(path)
        self._clock = clock
        self._timeout = timeout
        self._read_only = read_only
        self._lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._case_order = CaseOrder()
        self._bulk_rows = 0
        self._writers: set[int] = set()
        self._closed = False
        self._pid = os.getpid()
        self._inherited: list[sqlite3.Connection] = []
        #: The log's checkpoints, made beside the writes (rnr.store._wal).
        self._checkpoints = Checkpoints(
            functools.partial(connect, self._path, timeout=timeout, read_only=False),
            name=f"{CHECKPOINTS} {self._name}",
        )
        if self._name in {"", ":memory:"}:
            msg = f"got {self._name!r}, expected the path of a file (use MemoryStore in memory)"
            raise StoreError(msg, path="store", code="argument.invalid")
        if read_only and not self._path.is_file():
            msg = (
                "no store at this path, expected an existing store file"
                " (a command that only reads never creates one)"
            )
            raise StoreError(msg, path=self._name, code="store.missing")
        if not read_only:
            try:
                self._path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                msg = f"cannot create the folder {self._path.parent} ({exc.strerror or exc})"
                raise StoreError(msg, path=self._name) from exc
        check_header(self._path, self._name)
        conn = self._connect()
        try:
            with self._sqlite_errors("cannot open the store"):
                prepare(conn, self._name, read_only=read_only)
        except BaseException:
            conn.close()
            raise
        self._idle.append(conn)

    @property
    def name(self) -> str:
        """The database file, as given."""
        return self._name

    @property
    def read_only(self) -> bool:
        """Whether the store was opened for reading only."""
        return self._read_only

    def __repr__(self) -> str:
        return f"SQLiteStore({self._name!r})"

    def __enter__(self) -> SQLiteStore:
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
    def _sqlite_errors(self, doing: str) -> Iterator[None]:
        """Turn any ``sqlite3.Error`` into a one-line :class:`StoreError`."""
        try:
            yield
        except (sqlite3.Error, OverflowError) as exc:  # OverflowError: an int beyond 64 bits
            raise StoreError(
                f"{doing}: {describe_error(exc, timeout=self._timeout)}", path=self._name
            ) from exc

    def _connect(self) -> sqlite3.Connection:
        with self._sqlite_errors("cannot open the store"):
            conn = connect(self._path, timeout=self._timeout, read_only=self._read_only)
            if not self._read_only:
                conn.execute("PRAGMA wal_autocheckpoint = 0")  # the checkpoints' thread does it
            return conn

    def _bulk(self, sent: int) -> bool:
        """Whether a block that sent ``sent`` rows checkpoints the log in its commit.

        A bulk block does (``BULK`` rows or more) once the bulk blocks since
        the last such checkpoint have sent ``LOG`` rows (:mod:`rnr.store._wal`).
        """
        if sent < BULK:
            return False
        with self._lock:
            self._bulk_rows += sent
            if self._bulk_rows < LOG:
                return False
            self._bulk_rows = 0
        return True

    def _commit(self, conn: sqlite3.Connection, *, bulk: bool = False) -> None:
        """Commit ``conn``'s transaction; the log is checkpointed soon after, beside the writes.

        With ``bulk`` the log is checkpointed here, before the next block
        begins, so that the next block starts it again: bulk blocks that
        follow one another without a pause would otherwise lengthen it by all
        they write (:mod:`rnr.store._wal`).
        """
        conn.execute("COMMIT")
        if bulk:
            with suppress(sqlite3.Error):  # the thread tries again; the log is whole
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        self._checkpoints.committed()

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A connection from the pool, returned to it afterwards (rolled back if need be)."""
        with self._lock:
            if self._closed:
                raise StoreError("the store is closed", path=self._name)
            self._after_fork()
            conn = self._idle.pop() if self._idle else None
        if conn is None:
            conn = self._connect()
        try:
            yield conn
        finally:
            self._release(conn)

    def _after_fork(self) -> None:
        """In a forked child, set the parent's connections aside, unused and open.

        SQLite connections must not cross ``fork()``; closing them in the child
        could release the parent's locks, so they are kept, never touched.
        Call with the lock held.
        """
        if os.getpid() != self._pid:
            self._pid = os.getpid()
            self._inherited += self._idle
            self._idle = []

    def _release(self, conn: sqlite3.Connection) -> None:
        try:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
        except sqlite3.Error:
            conn.close()
            return
        with self._lock:
            if not self._closed:
                self._idle.append(conn)
                return
        conn.close()

    # -- writing -----------------------------------------------------------

    @contextmanager
    def write(self, *, by: str) -> Iterator[_Block]:
        """An atomic block: appends are kept only if the block ends without an error.

        Raises:
            StoreError: another write block is open in this thread, the store is
                busy beyond ``timeout``, or the file cannot be written.
        """
        if self._read_only:
            raise StoreError(
                "the store was opened read-only: nothing can be written", path=self._name
            )
        me = threading.get_ident()
        with self._lock:
            if me in self._writers:
                msg = "write blocks cannot be nested: this thread is already inside store.write()"
                raise StoreError(msg, path=self._name)
            self._writers.add(me)
        try:
            with self._connection() as conn:
                with self._sqlite_errors("cannot start a write block"):
                    conn.execute("BEGIN IMMEDIATE")
                    last = conn.execute("SELECT coalesce(max(id), 0) FROM records").fetchone()[0]
                    row = conn.execute(
                        f"SELECT {AUDIT_COLUMNS} FROM audit ORDER BY seq DESC LIMIT 1"
                    ).fetchone()
                    block = _Block(self, conn, by, last, None if row is None else AuditEntry(*row))
                try:
                    yield block
                    block.seal()
                    with self._sqlite_errors("cannot commit the write block"):
                        self._commit(conn, bulk=self._bulk(block.sent))
                finally:
                    block.open = False
        finally:
            with self._lock:
                self._writers.discard(me)

    def restore(self, records: Iterable[Stored], audit: Iterable[AuditEntry]) -> None:
        """Load exported rows verbatim into this store, which must be empty.

        Raises:
            StoreError: ``store.not_empty``, the store holds records;
                ``store.integrity``, the rows do not verify.
        """
        rows, entries = list(records), list(audit)
        with self._connection() as conn:
            with self._sqlite_errors("cannot import"):
                conn.execute("BEGIN IMMEDIATE")
                held = conn.execute(
                    "SELECT EXISTS (SELECT 1 FROM records) OR EXISTS (SELECT 1 FROM audit)"
                    " OR EXISTS (SELECT 1 FROM access)"
                ).fetchone()[0]
            if held:
                raise StoreError(
                    "cannot import into a store that holds records",
                    path=self._name,
                    code="store.not_empty",
                )
            problem = restore_problem(rows, entries)
            if problem:
                raise StoreError(
                    "import refused: " + problem, path=self._name, code="store.integrity"
                )
            with self._sqlite_errors("cannot import"):
                conn.executemany(INSERT_RECORD, (record_row(s) for s in rows))
                conn.executemany(INSERT_ENTRY, (entry_row(e) for e in entries))
                conn.execute(STALE_EVERY_CASE)
                self._commit(conn, bulk=True)

    # -- reading (the queries: rnr.store._reads) ------------------------------

    def _query(self, conn: sqlite3.Connection | None, sql: str, args: tuple[Any, ...]) -> list[Any]:
        """All rows of one query, on ``conn`` or on a pooled connection."""
        with self._sqlite_errors("cannot read the store"):
            if conn is not None:
                return conn.execute(sql, args).fetchall()
            with self._connection() as pooled:
                return pooled.execute(sql, args).fetchall()

    def verify(
        self, *, expect: Head | None = None, progress: Callable[[int], None] | None = None
    ) -> Verification:
        """Check every record against its hash and the audit chain, and the file itself.

        Besides :func:`rnr.store.audit.check` (with ``expect``, a head taken
        earlier and kept elsewhere), it reports an unreadable row, a
        ``sha256`` column that no longer matches its row, a record whose time
        stamp or writer differ from its audit entry, an append-only trigger
        that is missing or no longer the one rnr wrote, any other trigger,
        and every complaint of ``PRAGMA integrity_check``. ``progress`` is
        called with the number of records just checked, every thousand.

        Raises:
            StoreError: the file is too damaged to be read.
        """
        with self._connection() as conn, self._sqlite_errors("cannot verify the store"):
            conn.execute("BEGIN")  # one snapshot for every read below
            result = verify_tables(conn.execute, expect=expect, progress=progress)
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
        if self._read_only:
            raise StoreError(
                "the store was opened read-only: nothing can be written", path=self._name
            )
        with self._connection() as conn, self._sqlite_errors("cannot write the access log"):
            conn.execute("BEGIN IMMEDIATE")
            try:
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
                conn.executemany(INSERT_ACCESS, [e.row() for e in entries])
                self._commit(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return entries[-1]

    def restore_access(self, entries: Iterable[AccessEntry]) -> None:
        """Load exported access entries verbatim into this store's empty access log.

        Raises:
            StoreError: ``store.not_empty``, the log holds entries;
                ``store.integrity``, they do not verify against the audit chain.
        """
        found = list(entries)
        with self._connection() as conn:
            with self._sqlite_errors("cannot import"):
                conn.execute("BEGIN IMMEDIATE")
                held = conn.execute("SELECT count(*) FROM access").fetchone()[0]
                chain = conn.execute("SELECT seq, sha256 FROM audit").fetchall()
            problem = restore_access_problem(found, chain, held)
            if problem is not None:
                conn.execute("ROLLBACK")
                code = "store.not_empty" if held else "store.integrity"
                raise StoreError("import refused: " + problem, path=self._name, code=code)
            with self._sqlite_errors("cannot import"):
                conn.executemany(INSERT_ACCESS, (e.row() for e in found))
                self._commit(conn)

    def close(self) -> None:
        """Close every connection; a write block still open closes its own when it ends."""
        self._checkpoints.stop()
        with self._lock:
            self._closed = True
            self._after_fork()
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
