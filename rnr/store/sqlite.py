"""The default store: one SQLite file, append-only by construction, no server.

Records and audit entries live in two tables whose triggers abort any
``UPDATE`` or ``DELETE``; :meth:`SQLiteStore.verify` still recomputes every
hash, because someone with the file can drop the triggers. The file is in
WAL mode with ``synchronous=FULL``: readers never wait for a writer, a
committed block survives the process being killed, and write blocks of
several processes are serialised by ``BEGIN IMMEDIATE`` (each waits up to
``timeout`` seconds for the others).

Every ``sqlite3.Error`` is reported as a one-line :class:`~rnr.errors.StoreError`
naming the file.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Any

from rnr.errors import HistoryError, StoreError, StoreIntegrityError
from rnr.store._rows import (
    AUDIT_COLUMNS,
    INSERT_CASE_DERIVED,
    INSERT_DERIVED,
    INSERT_ENTRY,
    INSERT_RECORD,
    RECORD_COLUMNS,
    entry_row,
    record_row,
    stored_from_row,
    verify_rows,
)
from rnr.store._schema import check_header, connect, describe_error, prepare
from rnr.store.audit import next_entry, restore_problem
from rnr.store.head import Head
from rnr.store.protocol import Verification, utc_now
from rnr.store.records import (
    AuditEntry,
    CaseDerived,
    CaseRecords,
    Derived,
    Record,
    Stored,
    record_hash,
)
from rnr.untrusted import UntrustedInputError, check_text

__all__ = ["SQLiteStore", "default_db_path"]

_PAGE = 1000
_FLUSH = 5000
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


class _Block:
    """One write block: a connection inside ``BEGIN IMMEDIATE`` and its pending rows."""

    def __init__(self, store: SQLiteStore, conn: sqlite3.Connection, by: str, last_id: int) -> None:
        self._store = store
        self._conn = conn
        self._by = by
        self._last_id = last_id
        self._entry: AuditEntry | None = None
        self._rows: list[tuple[Any, ...]] = []
        self._entries: list[tuple[Any, ...]] = []
        self._derived: list[tuple[Any, ...]] = []
        self._case_derived: list[tuple[Any, ...]] = []
        self.open = True

    def start(self) -> None:
        """Read the last audit entry (inside the lock)."""
        row = self._conn.execute(
            f"SELECT {AUDIT_COLUMNS} FROM audit ORDER BY seq DESC LIMIT 1"
        ).fetchone()
        self._entry = None if row is None else AuditEntry(*row)

    def _check_open(self) -> None:
        if not self.open:
            msg = "the write block has ended; open a new one with store.write()"
            raise StoreError(msg, path=self._store.name)

    def flush(self) -> None:
        """Insert the pending rows (still inside the transaction)."""
        if self._rows or self._derived or self._case_derived:
            with self._store._sqlite_errors("cannot write records"):
                self._conn.executemany(INSERT_RECORD, self._rows)
                self._conn.executemany(INSERT_ENTRY, self._entries)
                self._conn.executemany(INSERT_DERIVED, self._derived)
                self._conn.executemany(INSERT_CASE_DERIVED, self._case_derived)
            for pending in (self._rows, self._entries, self._derived, self._case_derived):
                pending.clear()

    def records(self, *, case_id: str | None = None, kind: str | None = None) -> Iterator[Stored]:
        """Committed records and this block's appends (of a case, of a kind), in id order."""
        self._check_open()
        self.flush()
        yield from self._store._stream_records(self._conn, case_id, kind)

    def append(self, record: Record) -> Stored:
        """Append ``record``; it is stored when the block ends without an error."""
        self._check_open()
        at = self._store._clock()
        self._last_id += 1
        stored = Stored(self._last_id, record, at, self._by, record_hash(record))
        entry = next_entry(
            self._entry, at=at, by=self._by, record_id=stored.id, record_sha256=stored.sha256
        )
        self._entry = entry
        self._rows.append(record_row(stored))
        self._entries.append(entry_row(entry))
        if len(self._rows) >= _FLUSH:
            self.flush()
        return stored

    def derive(self, derived: Derived) -> None:
        """Keep values derived from a record; the first kept for a record stays."""
        self._check_open()
        if not 1 <= derived.record_id <= self._last_id:
            msg = f"derived values of record {derived.record_id}: no such record"
            raise StoreError(msg, path=self._store.name, code="store.integrity")
        self._derived.append((derived.record_id, derived.basis, derived.text))
        if len(self._derived) >= _FLUSH:
            self.flush()

    def derived(self, case_id: str) -> Mapping[int, Derived]:
        """The derived values kept for the records of ``case_id`` (committed, and this block's)."""
        self._check_open()
        self.flush()
        sql = (
            "SELECT d.record_id, d.basis, d.data FROM records r JOIN derived d"
            " ON d.record_id = r.id WHERE r.case_id = ? ORDER BY r.id"
        )
        rows = self._store._query(self._conn, sql, (case_id,))
        return {row[0]: self._store._derived_row(*row) for row in rows}

    def derive_case(self, case_id: str, derived: Derived) -> None:
        """Keep values derived from a case's records up to ``derived.record_id``."""
        self._check_open()
        if not 1 <= derived.record_id <= self._last_id:
            msg = f"derived values of case {case_id} on record {derived.record_id}: no such record"
            raise StoreError(msg, path=self._store.name, code="store.integrity")
        self._case_derived.append((derived.record_id, case_id, derived.basis, derived.text))
        if len(self._case_derived) >= _FLUSH:
            self.flush()


def _first_of_last_case(page: list[Any]) -> int:
    """Where the rows of a page's last case start."""
    end = len(page)
    while end > 0 and page[end - 1][2] == page[-1][2]:
        end -= 1
    return end


class SQLiteStore:
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
        self._writers: set[int] = set()
        self._closed = False
        self._pid = os.getpid()
        self._inherited: list[sqlite3.Connection] = []
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
            return connect(self._path, timeout=self._timeout, read_only=self._read_only)

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
                    block = _Block(self, conn, by, last)
                    block.start()
                try:
                    yield block
                    block.flush()
                    with self._sqlite_errors("cannot commit the write block"):
                        conn.execute("COMMIT")
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
                conn.execute("COMMIT")

    # -- reading -----------------------------------------------------------

    def _stream_records(
        self, conn: sqlite3.Connection | None, case_id: str | None, kind: str | None
    ) -> Iterator[Stored]:
        """Records up to the last id at the start, a page at a time."""
        where, args = "", []
        for column, value in (("case_id", case_id), ("kind", kind)):
            if value is not None:
                where += f" AND {column} = ?"
                args.append(value)
        sql = (
            f"SELECT {RECORD_COLUMNS} FROM records WHERE id > ? AND id <= ?{where}"
            f" ORDER BY id LIMIT {_PAGE}"
        )
        last = self._query(conn, "SELECT coalesce(max(id), 0) FROM records", ())[0][0]
        after = 0
        while True:
            page = self._query(conn, sql, (after, last, *args))
            for row in page:
                yield stored_from_row(row, self._name)
            if len(page) < _PAGE:
                return
            after = page[-1][0]

    def _query(self, conn: sqlite3.Connection | None, sql: str, args: tuple[Any, ...]) -> list[Any]:
        """All rows of one query, on ``conn`` or on a pooled connection."""
        with self._sqlite_errors("cannot read the store"):
            if conn is not None:
                return conn.execute(sql, args).fetchall()
            with self._connection() as pooled:
                return pooled.execute(sql, args).fetchall()

    def records(self, *, case_id: str | None = None, kind: str | None = None) -> Iterator[Stored]:
        """Every committed record (of a case, of a kind), in id order.

        Raises:
            StoreIntegrityError: a row was altered (its content no longer has its
                SHA-256) or cannot be read; :meth:`verify` lists every such row.
        """
        if case_id is not None and not case_id.isascii():
            try:
                check_text(case_id)
            except UntrustedInputError:
                return  # no record can hold an id that is not text (as in MemoryStore)
        yield from self._stream_records(None, case_id, kind)

    def derived(self) -> Iterator[Derived]:
        """Every set of derived values, in record id order, a page at a time.

        Raises:
            StoreIntegrityError: a row cannot be read (verify names it).
        """
        sql = (
            "SELECT record_id, basis, data FROM derived WHERE record_id > ?"
            f" ORDER BY record_id LIMIT {_PAGE * 10}"
        )
        after = 0
        while True:
            page = self._query(None, sql, (after,))
            for record_id, basis, text in page:
                yield self._derived_row(record_id, basis, text)
            if len(page) < _PAGE * 10:
                return
            after = page[-1][0]

    def cases(self, only: Collection[str] | None = None) -> Iterator[CaseRecords]:
        """Every case's records and derived values, in case id order, a page of rows at a time.

        One query per page searches the ``(case_id, id)`` index from where
        the last page ended (a row-value comparison: written with ``OR``,
        SQLite would scan the index from its start for every page); each
        row comes with its derived values (a left join), so a case is
        complete when the next one starts. ``only`` reads those cases, one
        query each.

        Raises:
            StoreIntegrityError: a row was altered or cannot be read.
        """
        columns = ", ".join(f"r.{c.strip()}" for c in RECORD_COLUMNS.split(","))
        select = (
            f"SELECT {columns}, d.basis, d.data FROM records r"
            " LEFT JOIN derived d ON d.record_id = r.id WHERE r.id <= ?"
        )
        last = self._query(None, "SELECT coalesce(max(id), 0) FROM records", ())[0][0]
        if only is not None:
            one = f"{select} AND r.case_id = ? ORDER BY r.id"
            for case_id in sorted(set(only)):
                rows = self._query(None, one, (last, case_id))
                if rows:
                    yield from self._grouped(rows)
            return
        # a row value: an index search
        sql = f"{select} AND (r.case_id, r.id) > (?, ?) ORDER BY r.case_id, r.id LIMIT {_PAGE * 5}"
        case_id, after = "", 0
        held: list[Any] = []
        while True:
            page = self._query(None, sql, (last, case_id, after))
            if page:
                # the last case of a page may go on in the next: hold it back
                end = len(page) if len(page) < _PAGE * 5 else _first_of_last_case(page)
                held += page[:end]
                if end:
                    yield from self._grouped(held)
                    held = []
                held += page[end:]
            if len(page) < _PAGE * 5:
                break
            case_id, after = page[-1][2], page[-1][0]
        if held:
            yield from self._grouped(held)

    def _grouped(self, rows: list[Any]) -> Iterator[CaseRecords]:
        """The cases of consecutive rows of :meth:`cases` (each case whole)."""
        start = 0
        for end in range(1, len(rows) + 1):
            if end < len(rows) and rows[end][2] == rows[start][2]:
                continue
            mine = rows[start:end]
            records = tuple(stored_from_row(row[:9], self._name) for row in mine)
            kept = {
                row[0]: self._derived_row(row[0], row[9], row[10])
                for row in mine
                if row[9] is not None
            }
            yield CaseRecords(records[0].case_id, records, kept)
            start = end

    def case_derived(self, basis: str) -> Iterator[CaseDerived]:
        """Every case's first and last record ids and the values of ``basis`` on its last record.

        One scan of the ``(case_id, id)`` index gives every case's ends (no
        record is read); the kept values follow, a page of cases at a time.

        Raises:
            StoreIntegrityError: kept values cannot be read (verify names them).
        """
        last = self._query(None, "SELECT coalesce(max(id), 0) FROM records", ())[0][0]
        ends = self._query(
            None,
            "SELECT case_id, min(id), max(id) FROM records WHERE id <= ?"
            " GROUP BY case_id ORDER BY case_id",
            (last,),
        )
        for start in range(0, len(ends), _PAGE):
            page = ends[start : start + _PAGE]
            marks = ", ".join("?" * len(page))
            kept = {
                (record_id, case_id): text
                for record_id, case_id, text in self._query(
                    None,
                    "SELECT record_id, case_id, data FROM case_derived"
                    f" WHERE basis = ? AND record_id IN ({marks})",
                    (basis, *(end for _, _, end in page)),
                )
            }
            for case_id, first, end in page:
                found = kept.get((end, case_id))
                derived = None if found is None else self._derived_row(end, basis, found)
                yield CaseDerived(case_id, first, end, derived)

    def _derived_row(self, record_id: int, basis: Any, text: Any) -> Derived:
        try:
            return Derived.read_back(record_id, basis, text)
        except (TypeError, ValueError) as exc:
            msg = f"record {record_id}: derived values unreadable ({exc}); run verify"
            raise StoreIntegrityError(msg, path=self._name, record=record_id) from exc

    def get(self, record_id: int) -> Stored:
        """The record with that id (ids count from 1).

        Raises:
            HistoryError: ``history.record.unknown``, no such record.
            StoreIntegrityError: the row was altered or cannot be read.
        """
        rows = self._query(None, f"SELECT {RECORD_COLUMNS} FROM records WHERE id = ?", (record_id,))
        if rows:
            return stored_from_row(rows[0], self._name)
        last = self._query(None, "SELECT coalesce(max(id), 0) FROM records", ())[0][0]
        msg = f"record {record_id}: no such record (the store holds 1 to {last})"
        raise HistoryError(
            msg,
            field="record",
            value=record_id,
            expected="a stored record id",
            code="history.record.unknown",
        )

    def case_ids(self) -> list[str]:
        """Every case id, in order of its first record."""
        sql = "SELECT case_id FROM records GROUP BY case_id ORDER BY min(id)"
        return [row[0] for row in self._query(None, sql, ())]

    def count(self) -> int:
        """How many records the store holds (no record is read or checked)."""
        count: int = self._query(None, "SELECT count(*) FROM records", ())[0][0]
        return count

    def audit(self) -> Iterator[AuditEntry]:
        """Every audit entry, in order."""
        last = self._query(None, "SELECT coalesce(max(seq), 0) FROM audit", ())[0][0]
        sql = f"SELECT {AUDIT_COLUMNS} FROM audit WHERE seq > ? AND seq <= ? ORDER BY seq"
        after = 0
        while True:
            page = self._query(None, f"{sql} LIMIT {_PAGE}", (after, last))
            for row in page:
                yield AuditEntry(*row)
            if len(page) < _PAGE:
                return
            after = page[-1][0]

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
            return verify_rows(conn, expect=expect, progress=progress)

    def close(self) -> None:
        """Close every connection; a write block still open closes its own when it ends."""
        with self._lock:
            self._closed = True
            self._after_fork()
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
