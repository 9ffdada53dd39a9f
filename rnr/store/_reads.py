"""What a store in an SQL database reads and how a write block keeps its rows: written once.

SQLite (:mod:`rnr.store.sqlite`) and PostgreSQL (:mod:`rnr.store.postgres`)
hold the same tables and answer the same queries, so every read of the
:class:`~rnr.store.Store` protocol (pages of records, whole cases, the
timelines of every case, the audit chain, the access log) and every step of a
write block but the last (sending its rows to the database) live here. The
queries are written with ``?`` for a parameter; a store whose driver wants
another marker replaces it in its :meth:`SQLReads._query`.

Records are read a page at a time, up to the last id when the read starts:
ids only grow and a write block holds its ids until it commits, so a read
never sees half a block and never misses a committed row below its end.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import Any

from rnr.errors import HistoryError, StoreError, StoreIntegrityError
from rnr.store._rows import (
    ACCESS_COLUMNS,
    AUDIT_COLUMNS,
    RECORD_COLUMNS,
    entry_row,
    record_row,
    stored_from_row,
)
from rnr.store.access import AccessEntry
from rnr.store.audit import next_entry
from rnr.store.caseindex import IndexReads, IndexRow, stale_row
from rnr.store.records import (
    AuditEntry,
    CaseDerived,
    CaseRecords,
    Derived,
    Record,
    Stored,
    record_hash,
)
from rnr.store.totals import TotalReads, deltas
from rnr.untrusted import UntrustedInputError, check_text

__all__ = ["PAGE", "CaseOrder", "PendingBlock", "SQLReads"]

#: Rows read per query.
PAGE = 1000
#: Rows a write block holds before sending them to the database.
FLUSH = 5000

_LAST_ID = "SELECT coalesce(max(id), 0) FROM records"


def _first_of_last_case(page: list[Any]) -> int:
    """Where the rows of a page's last case start."""
    end = len(page)
    while end > 0 and page[end - 1][2] == page[-1][2]:
        end -= 1
    return end


class CaseOrder:
    """A store's case ids in order of their first records, brought up to date at each reading.

    Records are only appended, and their ids only grow (a block holds its
    ids until it commits), so a case's place never changes: a reading looks
    only at the records after the last one read before, and adds the cases
    they open. That record's hash is kept too: a store made again at the
    same place (a restored copy) is read whole again. Shared by the threads
    of one store object (a lock).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0
        self._sha = ""
        self._ids: list[str] = []
        self._known: set[str] = set()

    def ids(self, reads: SQLReads) -> list[str]:
        """Every case id of ``reads``' store, in order of its first record."""
        with self._lock:
            last = reads._last_id()
            if self._last and self._hash(reads, self._last) != self._sha:  # not those read
                self._last, self._ids, self._known = 0, [], set()
            if last > self._last:
                sql = "SELECT case_id FROM records GROUP BY case_id ORDER BY min(id)"
                if self._last:  # the records appended since: a range of the table's key
                    sql = (
                        "SELECT case_id FROM records WHERE id > ? AND id <= ?"
                        " GROUP BY case_id ORDER BY min(id)"
                    )
                args = (self._last, last) if self._last else ()
                for (case_id,) in reads._query(None, sql, args):
                    if case_id not in self._known:
                        self._known.add(case_id)
                        self._ids.append(case_id)
                self._last, self._sha = last, self._hash(reads, last)
            return list(self._ids)

    @staticmethod
    def _hash(reads: SQLReads, record_id: int) -> str:
        """The stored hash of a record ('' when the store holds no such record)."""
        found = reads._query(None, "SELECT sha256 FROM records WHERE id = ?", (record_id,))
        return str(found[0][0]) if found else ""


class SQLReads(IndexReads, TotalReads):
    """The reads of the ``Store`` protocol over rnr's tables, for any SQL database.

    A subclass sets ``_name``, ``_clock`` and ``_case_order`` and runs
    queries in :meth:`_query`.
    """

    _name: str
    _clock: Callable[[], str]
    _case_order: CaseOrder

    def _query(self, conn: Any, sql: str, args: tuple[Any, ...]) -> list[Any]:
        """All rows of one query, on ``conn`` (a write block's) or on a connection of its own."""
        raise NotImplementedError

    def _last_id(self, conn: Any = None) -> int:
        last: int = self._query(conn, _LAST_ID, ())[0][0]
        return last

    def _stream_records(
        self, conn: Any, case_id: str | None, kind: str | None, last: int | None = None
    ) -> Iterator[Stored]:
        """Records up to ``last`` (default: the last id at the start), a page at a time."""
        where, args = "", []
        for column, value in (("case_id", case_id), ("kind", kind)):
            if value is not None:
                where += f" AND {column} = ?"
                args.append(value)
        sql = (
            f"SELECT {RECORD_COLUMNS} FROM records WHERE id > ? AND id <= ?{where}"
            f" ORDER BY id LIMIT {PAGE}"
        )
        if last is None:
            last = self._last_id(conn)
        after = 0
        while True:
            page = self._query(conn, sql, (after, last, *args))
            for row in page:
                yield stored_from_row(row, self._name)
            if len(page) < PAGE:
                return
            after = page[-1][0]

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
            f" ORDER BY record_id LIMIT {PAGE * 10}"
        )
        after = 0
        while True:
            page = self._query(None, sql, (after,))
            for record_id, basis, text in page:
                yield self._derived_row(record_id, basis, text)
            if len(page) < PAGE * 10:
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
        last = self._last_id()
        if only is not None:
            one = f"{select} AND r.case_id = ? ORDER BY r.id"
            for case_id in sorted(set(only)):
                rows = self._query(None, one, (last, case_id))
                if rows:
                    yield from self._grouped(rows)
            return
        # a row value: an index search
        sql = f"{select} AND (r.case_id, r.id) > (?, ?) ORDER BY r.case_id, r.id LIMIT {PAGE * 5}"
        case_id, after = "", 0
        held: list[Any] = []
        while True:
            page = self._query(None, sql, (last, case_id, after))
            if page:
                # the last case of a page may go on in the next: hold it back
                end = len(page) if len(page) < PAGE * 5 else _first_of_last_case(page)
                held += page[:end]
                if end:
                    yield from self._grouped(held)
                    held = []
                held += page[end:]
            if len(page) < PAGE * 5:
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

    def case_derived(
        self,
        basis: str,
        skip: Mapping[str, int] | None = None,
        only: Collection[str] | None = None,
    ) -> Iterator[CaseDerived]:
        """Every case's first and last record ids and the values of ``basis`` on its last record.

        One scan of the ``(case_id, id)`` index gives every case's ends (no
        record is read; of ``only``, a look-up per case); the kept values
        follow, a page of cases at a time. A case of ``skip`` whose last
        record is the one it names is left out.

        Raises:
            StoreIntegrityError: kept values cannot be read (verify names them).
        """
        last = self._last_id()
        sql = "SELECT case_id, min(id), max(id) FROM records WHERE id <= ?{} GROUP BY case_id"
        if only is None:
            ends = self._query(None, sql.format("") + " ORDER BY case_id", (last,))
        else:
            ids = sorted(set(only))
            ends = []
            for start in range(0, len(ids), PAGE):
                part = ids[start : start + PAGE]
                where = f" AND case_id IN ({', '.join('?' * len(part))})"
                ends += self._query(None, sql.format(where) + " ORDER BY case_id", (last, *part))
        if skip:
            ends = [end for end in ends if skip.get(end[0]) != end[2]]
        for start in range(0, len(ends), PAGE):
            page = ends[start : start + PAGE]
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

    def index_derived(
        self, basis: str, skip: Mapping[str, int] | None = None
    ) -> Iterator[tuple[str, int, Derived | None]]:
        """Each case's last record id, as its index row names it, and the values of ``basis`` there.

        Pages of the case index in case id order, each joined to the values
        kept on its rows' records: no scan of the records. A case of ``skip``
        whose last record is the one it names is left out.

        Raises:
            StoreIntegrityError: kept values cannot be read (verify names them).
        """
        sql = (
            "SELECT i.case_id, i.record_id, d.data FROM case_index i"
            " LEFT JOIN case_derived d"
            " ON d.record_id = i.record_id AND d.basis = ? AND d.case_id = i.case_id"
            f" WHERE i.case_id > ? ORDER BY i.case_id LIMIT {PAGE}"
        )
        after = ""
        while True:
            page = self._query(None, sql, (basis, after))
            for case_id, last, text in page:
                if skip is None or skip.get(case_id) != last:
                    kept = None if text is None else self._derived_row(last, basis, text)
                    yield case_id, last, kept
            if len(page) < PAGE:
                return
            after = page[-1][0]

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
        last = self._last_id()
        msg = f"record {record_id}: no such record (the store holds 1 to {last})"
        raise HistoryError(
            msg,
            field="record",
            value=record_id,
            expected="a stored record id",
            code="history.record.unknown",
        )

    def case_ids(self) -> list[str]:
        """Every case id, in order of its first record.

        Kept between calls (:class:`CaseOrder`): each reads only the records
        appended since the one before.
        """
        return self._case_order.ids(self)

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
            page = self._query(None, f"{sql} LIMIT {PAGE}", (after, last))
            for row in page:
                yield AuditEntry(*row)
            if len(page) < PAGE:
                return
            after = page[-1][0]

    def access_log(self, *, actions: Collection[str] | None = None) -> Iterator[AccessEntry]:
        """Every access entry (of those actions), in order, a page at a time."""
        where, args = "", tuple(sorted(actions)) if actions is not None else ()
        if actions is not None:
            where = f" AND action IN ({', '.join('?' * len(args))})" if args else " AND 1 = 0"
        sql = f"SELECT {ACCESS_COLUMNS} FROM access WHERE seq > ?{where} ORDER BY seq LIMIT {PAGE}"
        after = 0
        while True:
            page = self._query(None, sql, (after, *args))
            for row in page:
                yield AccessEntry.from_row(row)
            if len(page) < PAGE:
                return
            after = page[-1][0]


class PendingBlock:
    """One write block's appends and kept values, held until :meth:`flush` sends them.

    The store opens the block (its lock held, the last id and audit entry
    read inside it) and a subclass sends the rows in :meth:`_send`.
    """

    def __init__(
        self, store: SQLReads, conn: Any, by: str, last_id: int, entry: AuditEntry | None
    ) -> None:
        self._store = store
        self._conn = conn
        self._by = by
        self._last_id = last_id
        self._entry = entry
        self._clock = store._clock
        self._rows: list[tuple[Any, ...]] = []
        self._pending: list[Stored] = []
        self._pending_cases: dict[str, list[Stored]] = {}
        self._entries: list[tuple[Any, ...]] = []
        self._derived: list[tuple[Any, ...]] = []
        self._case_derived: list[tuple[Any, ...]] = []
        self._index: list[tuple[Any, ...]] = []
        #: Each case's last record appended in this block, and the record its kept index row names.
        self._appended: dict[str, int] = {}
        self._indexed: dict[str, int] = {}
        #: The records of the case read last in this block (its appends included): a write
        #: reads its case more than once, and nobody else can append to it meanwhile.
        self._case: tuple[str, list[Stored]] | None = None
        #: The rows sent to the database so far: records, kept values, index rows.
        self.sent = 0
        self.open = True

    def _send(
        self,
        rows: list[tuple[Any, ...]],
        entries: list[tuple[Any, ...]],
        derived: list[tuple[Any, ...]],
        case_derived: list[tuple[Any, ...]],
    ) -> None:
        """Insert the rows (still inside the block's transaction), in this order."""
        raise NotImplementedError

    def _check_open(self) -> None:
        if not self.open:
            msg = "the write block has ended; open a new one with store.write()"
            raise StoreError(msg, path=self._store._name)

    def _check_record(self, record: Record) -> None:
        """Refuse what this database cannot hold (nothing, unless a subclass says)."""

    def _send_index(self, rows: list[tuple[Any, ...]]) -> None:
        """Upsert rows of the case index (still inside the block's transaction)."""
        raise NotImplementedError

    def _send_totals(self, changes: list[tuple[str, str, str, int]]) -> None:
        """Add ``(basis, group, key, change)`` to the running totals (inside the transaction)."""
        raise NotImplementedError

    def flush(self) -> None:
        """Insert the pending rows (still inside the transaction)."""
        if self._rows or self._derived or self._case_derived:
            self._send(self._rows, self._entries, self._derived, self._case_derived)
            self.sent += len(self._rows) + len(self._derived) + len(self._case_derived)
            for pending in (self._rows, self._entries, self._derived, self._case_derived):
                pending.clear()
            self._pending.clear()
            self._pending_cases.clear()
        if self._index:
            # the totals lose the counts of the rows replaced and gain the new rows' (before
            # the upsert: the rows held are those it replaces)
            held = self._store._held(self._conn, [row[0] for row in self._index])
            changes = deltas(
                ((held.get(row[0]), (row[0], row[1], row[2], row[-1])) for row in self._index),
                self._store._name,
            )
            self._send_index(self._index)
            self.sent += len(self._index)
            if changes:
                self._send_totals(changes)
            self._index.clear()

    def seal(self) -> None:
        """Leave a stale index row on each case appended to without one, and flush.

        Called once, when the block ends without an error, before it commits.
        """
        for case_id, last in self._appended.items():
            if self._indexed.get(case_id) != last:
                self._index.append((*stale_row(case_id, last).row(), None))
        self.flush()

    def index_case(self, row: IndexRow, counts: str | None = None) -> None:
        """Keep ``row`` as its case's row of the index (it names the case's last record).

        ``counts``: what the row adds to the running totals (:mod:`rnr.store.totals`).
        """
        self._check_open()
        if not 1 <= row.record_id <= self._last_id:
            msg = f"index row of case {row.case_id} on record {row.record_id}: no such record"
            raise StoreError(msg, path=self._store._name, code="store.integrity")
        self._indexed[row.case_id] = row.record_id
        self._index.append((*row.row(), counts))

    def records(self, *, case_id: str | None = None, kind: str | None = None) -> Iterator[Stored]:
        """Committed records and this block's appends (of a case, of a kind), in id order.

        What the database holds (committed, or sent by this block) is read
        from it; the appends not sent yet come from the block itself, so a
        read costs one query however many appends wait (a block that reads
        each case before writing it does not send its rows case by case).
        The records of one case are read once in a block: the block holds
        the store's lock, so only the block itself adds to them.
        """
        self._check_open()
        if case_id is not None:
            yield from (r for r in self._records_of(case_id) if kind is None or r.kind == kind)
            return
        sent = self._last_id - len(self._pending)
        pending = list(self._pending)
        yield from self._store._stream_records(self._conn, None, kind, last=sent)
        for stored in pending:
            if kind is None or stored.kind == kind:
                yield stored

    def _records_of(self, case_id: str) -> list[Stored]:
        if self._case is None or self._case[0] != case_id:
            sent = self._last_id - len(self._pending)
            rows = list(self._store._stream_records(self._conn, case_id, None, last=sent))
            self._case = (case_id, rows + self._pending_cases.get(case_id, []))
        return self._case[1]

    def unchanged(self, rows: Sequence[Stored]) -> bool:
        """Whether ``rows``, every record of one case read before this block, are still all.

        When they are (the case's count and last id are theirs, and this
        block appended none), the block's reads of the case take them as
        they are instead of reading them again: records never change.
        """
        self._check_open()
        if not rows or rows[-1].case_id in self._appended:
            return False
        case_id = rows[-1].case_id
        sql = "SELECT count(*), max(id) FROM records WHERE case_id = ?"
        found = tuple(self._store._query(self._conn, sql, (case_id,))[0])
        if found != (len(rows), rows[-1].id):
            return False
        self._case = (case_id, list(rows))
        return True

    def append(self, record: Record) -> Stored:
        """Append ``record``; it is stored when the block ends without an error."""
        self._check_open()
        self._check_record(record)
        at = self._clock()
        self._last_id += 1
        stored = Stored(self._last_id, record, at, self._by, record_hash(record))
        entry = next_entry(
            self._entry, at=at, by=self._by, record_id=stored.id, record_sha256=stored.sha256
        )
        self._entry = entry
        self._rows.append(record_row(stored))
        self._pending.append(stored)
        self._pending_cases.setdefault(record.case_id, []).append(stored)
        self._appended[record.case_id] = stored.id
        if self._case is not None and self._case[0] == record.case_id:
            self._case[1].append(stored)
        self._entries.append(entry_row(entry))
        if len(self._rows) >= FLUSH:
            self.flush()
        return stored

    def derive(self, derived: Derived) -> None:
        """Keep values derived from a record; the first kept for a record stays."""
        self._check_open()
        if not 1 <= derived.record_id <= self._last_id:
            msg = f"derived values of record {derived.record_id}: no such record"
            raise StoreError(msg, path=self._store._name, code="store.integrity")
        self._derived.append((derived.record_id, derived.basis, derived.text))
        if len(self._derived) >= FLUSH:
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

    def kept_case(
        self, case_id: str, record_id: int, bases: Collection[str]
    ) -> Mapping[str, Derived]:
        """The values of ``bases`` kept for ``case_id`` on its record ``record_id``, by basis."""
        self._check_open()
        if not bases:
            return {}
        self.flush()
        marks = ", ".join("?" * len(bases))
        sql = (
            "SELECT record_id, basis, data FROM case_derived"
            f" WHERE record_id = ? AND case_id = ? AND basis IN ({marks})"
        )
        rows = self._store._query(self._conn, sql, (record_id, case_id, *bases))
        return {row[1]: self._store._derived_row(*row) for row in rows}

    def derive_case(self, case_id: str, derived: Derived) -> None:
        """Keep values derived from a case's records up to ``derived.record_id``."""
        self._check_open()
        if not 1 <= derived.record_id <= self._last_id:
            msg = f"derived values of case {case_id} on record {derived.record_id}: no such record"
            raise StoreError(msg, path=self._store._name, code="store.integrity")
        self._case_derived.append((derived.record_id, case_id, derived.basis, derived.text))
        if len(self._case_derived) >= FLUSH:
            self.flush()
