"""The store: one conformance suite for memory, SQLite and PostgreSQL; verify, migrations, export.

Every test of the protocol runs against each backend (``BACKENDS``); those
that edit a database as its owner could run against SQLite and PostgreSQL
(``DATABASES``). The PostgreSQL runs use the session's own server
(tests/pgserver.py), each test in a schema of its own, as the role rnr
writes with.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import itertools
import json
import os
import sqlite3
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test
from storekit import BACKENDS, DATABASES, Place, Places, problem_lines

from rnr.dates import EARLIEST, LATEST
from rnr.errors import HistoryError, StoreError, StoreIntegrityError
from rnr.store.jsonl import export_jsonl, import_jsonl
from rnr.store.memory import MemoryStore
from rnr.store.protocol import Store, Transaction, Verification
from rnr.store.records import (
    GENESIS,
    KINDS,
    Derived,
    Record,
    Stored,
    canonical,
    entry_hash,
    record_hash,
)
from rnr.store.sqlite import SQLiteStore, default_db_path

DAY = dt.date(2025, 3, 1)
APPLICATION_ID = int.from_bytes(b"rnr1", "big")
SCHEMA_VERSION = 10
GUARDS = tuple(
    f"{t}_no_{v}"
    for t in ("records", "audit", "derived", "case_derived")
    for v in ("update", "delete")
)

#: The version-1 schema exactly as the first rnr with a store wrote it.
V1_DDL = """
CREATE TABLE records (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, case_id TEXT NOT NULL,
    on_date TEXT NOT NULL, data TEXT NOT NULL, corrects INTEGER,
    recorded_at TEXT NOT NULL, recorded_by TEXT NOT NULL, sha256 TEXT NOT NULL
);
CREATE INDEX records_case ON records (case_id, id);
CREATE TABLE audit (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, by TEXT NOT NULL, action TEXT NOT NULL,
    record_id INTEGER NOT NULL REFERENCES records (id), record_sha256 TEXT NOT NULL,
    prev TEXT NOT NULL, sha256 TEXT NOT NULL
);
CREATE TRIGGER records_no_update BEFORE UPDATE ON records
    BEGIN SELECT RAISE(ABORT, 'rnr records are append-only: UPDATE refused'); END;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records
    BEGIN SELECT RAISE(ABORT, 'rnr records are append-only: DELETE refused'); END;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'rnr audit are append-only: UPDATE refused'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'rnr audit are append-only: DELETE refused'); END;
"""


class BoomError(Exception):
    """Raised inside a write block to make it fail."""


def failing_block(store: Store, block: list[Record]) -> None:
    """Append ``block`` in one write block, then fail."""
    with store.write(by="w") as tx:
        for record in block:
            tx.append(record)
        raise BoomError


def ticking() -> Callable[[], str]:
    """A clock one second per call from 2025-03-01 09:00 UTC, so runs repeat exactly."""
    start = dt.datetime(2025, 3, 1, 9, tzinfo=dt.UTC)
    ticks = itertools.count()
    return lambda: (start + dt.timedelta(seconds=next(ticks))).isoformat(timespec="microseconds")


def a_record(n: int, *, case_id: str | None = None, kind: str = "event") -> Record:
    """A small valid record numbered ``n``."""
    data: dict[str, Any] = {"kind": "attendance", "n": n, "note": "sesión ñ"}
    return Record(kind, case_id or f"c-{n % 2}", DAY + dt.timedelta(days=n), data)


def fill(store: Store, count: int, *, by: str = "delegado-01") -> list[Stored]:
    """Append ``count`` records in one block."""
    with store.write(by=by) as tx:
        return [tx.append(a_record(n)) for n in range(count)]


def sqlite_of(path: Path) -> SQLiteStore:
    """An SQLite store at ``path`` with the repeatable clock."""
    return SQLiteStore(path, clock=ticking())


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, places: Places) -> Store:
    """Each implementation of the protocol, empty, with the repeatable clock."""
    return places(request.param).open(clock=ticking())


@pytest.fixture(params=DATABASES)
def stored(request: pytest.FixtureRequest, places: Places) -> Place:
    """A database store (SQLite, PostgreSQL) holding five records of two cases, closed."""
    place = places(request.param)
    db = place.open(clock=ticking())
    fill(db, 5)
    db.close()
    return place


@pytest.fixture
def stored_file(tmp_path: Path) -> Path:
    """A closed SQLite store holding five records of two cases."""
    path = tmp_path / "rnr.sqlite3"
    with sqlite_of(path) as db:
        fill(db, 5)
    return path


def tamper(path: Path, *statements: tuple[str, tuple[Any, ...]]) -> None:
    """Edit the file as anyone holding it could: drop the guards, then run SQL."""
    conn = sqlite3.connect(path)
    try:
        for name in GUARDS:
            conn.execute(f"DROP TRIGGER IF EXISTS {name}")
        for sql, args in statements:
            conn.execute(sql, args)
        conn.commit()
    finally:
        conn.close()


def pragma(path: Path, name: str) -> Any:
    """One PRAGMA of the file, read with plain sqlite3."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"PRAGMA {name}").fetchone()[0]
    finally:
        conn.close()


def read_everything(path: Path) -> Verification:
    """Open the file, read every record and verify it."""
    with SQLiteStore(path) as db:
        list(db.records())
        return db.verify()


def export_text(store: Store) -> str:
    """The store's export as text."""
    out = io.StringIO()
    export_jsonl(store, out)
    return out.getvalue()


# -- the protocol, for every implementation ----------------------------------


class TestProtocol:
    """MemoryStore and SQLiteStore behave the same through the Store protocol."""

    def test_is_a_store(self, store: Store) -> None:
        """Both satisfy the runtime-checkable protocols."""
        assert isinstance(store, Store)
        with store.write(by="x") as tx:
            assert isinstance(tx, Transaction)

    def test_cases_give_each_case_whole_in_case_order(self, store: Store) -> None:
        """Every record once, grouped by case in case id order, with its kept values.

        12,000 records in 7 cases cross the pages the SQLite store reads in;
        a record appended while the reading goes on is left out of it.
        """
        with store.write(by="d") as tx:
            rows = [tx.append(Record("event", f"c-{n % 7}", DAY, {"n": n})) for n in range(12_000)]
            tx.derive(Derived(rows[3].id, "base", {"total": 3}))
        reading = store.cases()
        first = next(reading)
        with store.write(by="d") as tx:
            tx.append(Record("event", "c-6", DAY, {"n": "later"}))
        groups = [first, *reading]
        assert [f"c-{n}" for n in range(7)] == [g.case_id for g in groups]
        for group in groups:
            assert [r for r in rows if r.case_id == group.case_id] == list(group.records)
        kept = {k: dict(v.values) for g in groups for k, v in g.derived.items()}
        assert {rows[3].id: {"total": 3}} == kept
        assert 12_001 == sum(len(g.records) for g in store.cases())

    def test_cases_only_reads_those_cases(self, store: Store) -> None:
        """``only`` gives just the cases named (unknown ids skipped), in case id order."""
        with store.write(by="d") as tx:
            rows = [tx.append(Record("event", f"c-{n % 3}", DAY, {"n": n})) for n in range(9)]
            tx.derive(Derived(rows[4].id, "base", {"total": 4}))
        groups = list(store.cases(only=["c-2", "nobody", "c-1"]))
        assert ["c-1", "c-2"] == [g.case_id for g in groups]
        assert [r for r in rows if r.case_id == "c-1"] == list(groups[0].records)
        assert {rows[4].id: {"total": 4}} == {
            k: dict(v.values) for k, v in groups[0].derived.items()
        }

    def test_case_derived_is_kept_on_the_last_record(self, store: Store) -> None:
        """Values kept for a case are read while they are on its last record, and only then.

        Inside the block, ``derived(case_id)`` gives the kept values of that
        case's records, this block's included.
        """
        with store.write(by="d") as tx:
            a = [tx.append(Record("event", "a", DAY, {"n": n})) for n in range(3)]
            b = tx.append(Record("event", "b", DAY, {"n": 9}))
            tx.derive(Derived(a[1].id, "base", {"total": 1}))
            tx.derive(Derived(b.id, "base", {"total": 9}))
            assert {a[1].id: {"total": 1}} == {
                k: dict(v.values) for k, v in tx.derived("a").items()
            }
            tx.derive_case("a", Derived(a[2].id, "timeline", {"seen": 3}))
            tx.derive_case("b", Derived(b.id, "timeline", {"seen": 1}))
            tx.derive_case("b", Derived(b.id, "timeline", {"seen": 2}))  # the first kept stays
            tx.derive_case("b", Derived(b.id, "timeline/2", {"seen": 5}))  # another basis
        found = {c.case_id: c for c in store.case_derived("timeline")}
        assert ["a", "b"] == list(found)
        assert (a[0].id, a[2].id) == (found["a"].first, found["a"].last)
        assert {"seen": 3} == dict(found["a"].derived.values)  # type: ignore[union-attr]
        assert {"seen": 1} == dict(found["b"].derived.values)  # type: ignore[union-attr]
        other = {c.case_id: c.derived for c in store.case_derived("timeline/2")}
        assert other["a"] is None
        assert {"seen": 5} == dict(other["b"].values)  # type: ignore[union-attr]
        with store.write(by="d") as tx:
            tx.append(Record("event", "a", DAY, {"n": 3}))  # a later record, nothing kept on it
            with pytest.raises(StoreError, match="no such record"):
                tx.derive_case("b", Derived(99, "timeline", {}))
        found = {c.case_id: c for c in store.case_derived("timeline")}
        assert found["a"].derived is None
        assert found["b"].derived is not None
        for basis in ("timeline", "timeline/2", "other"):  # the index names the same last records
            assert _ends(store, basis) == list(store.index_derived(basis))  # type: ignore[attr-defined]

    def test_case_derived_pages(self, store: Store) -> None:
        """Every case once, in case id order, across the pages the SQLite store reads in."""
        with store.write(by="d") as tx:
            for n in range(2_500):
                row = tx.append(Record("event", f"c-{n:05d}", DAY, {"n": n}))
                if n % 2:
                    tx.derive_case(row.case_id, Derived(row.id, "timeline", {"n": n}))
        found = list(store.case_derived("timeline"))
        assert [f"c-{n:05d}" for n in range(2_500)] == [c.case_id for c in found]
        assert [n % 2 == 1 for n in range(2_500)] == [c.derived is not None for c in found]
        assert _ends(store, "timeline") == list(store.index_derived("timeline"))  # type: ignore[attr-defined]
        skip = {c.case_id: c.last for c in found[::3]} | {"c-00001": 1}  # not c-00001's last
        wanted = _ends(store, "timeline", skip)
        assert 2_500 - 834 == len(wanted)
        assert wanted == list(store.index_derived("timeline", skip))  # type: ignore[attr-defined]

    def test_append_stamps_and_numbers(self, store: Store) -> None:
        """Appends get ids 1..n, the clock's time, the writer and the record's hash."""
        written = fill(store, 3)
        assert [1, 2, 3] == [s.id for s in written]
        assert ["delegado-01"] * 3 == [s.recorded_by for s in written]
        assert "2025-03-01T09:00:00.000000+00:00" == written[0].recorded_at
        assert [record_hash(a_record(n)) for n in range(3)] == [s.sha256 for s in written]
        assert written == list(store.records())
        assert written[1] == store.get(2)

    def test_filters_and_case_ids(self, store: Store) -> None:
        """records() filters by case and kind, in id order; case_ids() keeps first-seen order."""
        with store.write(by="x") as tx:
            tx.append(a_record(1, case_id="b"))
            tx.append(a_record(2, case_id="a", kind="case"))
            tx.append(a_record(3, case_id="b", kind="case"))
            tx.append(a_record(4, case_id="a"))
        assert [1, 3] == [s.id for s in store.records(case_id="b")]
        assert [2, 3] == [s.id for s in store.records(kind="case")]
        assert [3] == [s.id for s in store.records(case_id="b", kind="case")]
        assert [] == list(store.records(case_id="zz"))
        assert ["b", "a"] == store.case_ids()
        with store.write(by="x") as tx:  # the cases a later block opens come after, once
            tx.append(a_record(5, case_id="c"))
            tx.append(a_record(6, case_id="a"))
        assert ["b", "a", "c"] == store.case_ids()
        with pytest.raises(BoomError):
            failing_block(store, [a_record(7, case_id="d")])
        assert ["b", "a", "c"] == store.case_ids()

    def test_get_unknown_id(self, store: Store) -> None:
        """An unknown id is a HistoryError saying which ids exist."""
        fill(store, 3)
        with pytest.raises(
            HistoryError, match=r"^record 9: no such record \(the store holds 1 to 3\)$"
        ) as info:
            store.get(9)
        assert "history.record.unknown" == info.value.code

    def test_failed_block_keeps_nothing(self, store: Store) -> None:
        """An exception inside write() is re-raised and none of the block's appends is kept."""
        fill(store, 2)
        with pytest.raises(BoomError):
            failing_block(store, [a_record(7), a_record(8)])
        assert [1, 2] == [s.id for s in store.records()]
        assert 2 == len(list(store.audit()))
        assert 3 == fill(store, 1)[0].id
        assert store.verify().ok

    def test_block_reads_its_own_appends(self, store: Store) -> None:
        """Reads through the block see its appends; reads through the store see only commits."""
        fill(store, 1)
        with store.write(by="x") as tx:
            tx.append(a_record(5, case_id="new"))
            assert [1, 2] == [s.id for s in tx.records()]
            assert [2] == [s.id for s in tx.records(case_id="new")]
            assert [1] == [s.id for s in store.records()]
        assert [1, 2] == [s.id for s in store.records()]

    def test_a_block_takes_a_case_read_before_it_while_it_is_whole(self, store: Store) -> None:
        """``unchanged``: a case's records read before a block stand for it while they are all."""
        with store.write(by="x") as tx:
            for n, case_id in enumerate(("a", "b", "a"), start=1):
                tx.append(a_record(n, case_id=case_id))
        read = list(store.records(case_id="a"))
        with store.write(by="x") as tx:
            assert not tx.unchanged([])
            assert not tx.unchanged(read[:1]), "a part of the case is not the case"
            assert not tx.unchanged(read[1:])
            assert tx.unchanged(read)
            assert [2] == [s.id for s in tx.records(case_id="b")]
            tx.append(a_record(4, case_id="a"))
            assert [1, 3, 4] == [s.id for s in tx.records(case_id="a")]
            tx.append(a_record(5, case_id="b"))
            assert [4] == [s.id for s in tx.records(case_id="a")][2:]
            assert [2, 5] == [s.id for s in tx.records(case_id="b")]
            assert [] == list(tx.records(case_id="a", kind="case"))
            assert not tx.unchanged(read), "the block appended to the case"
        with store.write(by="x") as tx:
            assert not tx.unchanged(read), "a block appended to the case since it was read"
            assert tx.unchanged(list(store.records(case_id="a")))
            assert [1, 3, 4] == [s.id for s in tx.records(case_id="a")]
        assert store.verify().ok

    def test_corrections_and_data_round_trip(self, store: Store) -> None:
        """A correction keeps what it corrects; nested and non-ASCII data come back equal."""
        data = {"a": [1, 2.5, None, True], "b": {"ñ": "día", "z": -0.0}, "c": 10**20}
        with store.write(by="x") as tx:
            first = tx.append(Record("assessment", "c-1", DAY, data))
            tx.append(Record("assessment", "c-1", DAY, {**data, "a": []}, corrects=first.id))
        assert 1 == store.get(2).record.corrects
        assert data == dict(store.get(1).data)

    def test_audit_chain(self, store: Store) -> None:
        """One entry per append, chained from GENESIS; verify reports counts and head."""
        fill(store, 3)
        entries = list(store.audit())
        assert [1, 2, 3] == [e.seq for e in entries]
        assert [1, 2, 3] == [e.record_id for e in entries]
        assert GENESIS == entries[0].prev
        assert [e.sha256 for e in entries[:-1]] == [e.prev for e in entries[1:]]
        assert Verification(3, 3, entries[-1].sha256) == store.verify()

    def test_empty_store_verifies(self, store: Store) -> None:
        """An empty store verifies with no records, no entries and the genesis head."""
        assert Verification(0, 0, GENESIS) == store.verify()
        assert [] == store.case_ids()

    def test_restore_into_non_empty_store_is_refused(self, store: Store) -> None:
        """restore() only loads into an empty store."""
        rows = fill(store, 1)
        with pytest.raises(
            StoreError, match="cannot import into a store that holds records"
        ) as info:
            store.restore(rows, store.audit())
        assert "store.not_empty" == info.value.code


# -- SQLite specifics -----------------------------------------------------------


class TestSQLiteStore:
    """The SQLite file: creation, pragmas, guards, errors."""

    def test_creates_folder_and_file(self, tmp_path: Path) -> None:
        """The file and its folders are created; the name is the path as given."""
        path = tmp_path / "a" / "b" / "rnr.sqlite3"
        with SQLiteStore(str(path)) as db:
            assert str(path) == db.name
        assert path.is_file()
        assert APPLICATION_ID == pragma(path, "application_id")
        assert SCHEMA_VERSION == pragma(path, "user_version")
        assert "wal" == pragma(path, "journal_mode")

    def test_tables_are_append_only(self, stored_file: Path) -> None:
        """The triggers abort UPDATE and DELETE on both tables."""
        conn = sqlite3.connect(stored_file)
        try:
            for sql in ("UPDATE records SET kind = 'case'", "DELETE FROM audit"):
                with pytest.raises(sqlite3.IntegrityError, match="append-only"):
                    conn.execute(sql)
        finally:
            conn.close()

    def test_memory_path_is_refused(self) -> None:
        """':memory:' is not a file: each connection would see another database."""
        with pytest.raises(StoreError, match="expected the path of a file") as info:
            SQLiteStore(":memory:")
        assert "argument.invalid" == info.value.code

    def test_folder_that_cannot_be_made(self, tmp_path: Path) -> None:
        """A parent that is a file gives a StoreError naming the folder."""
        (tmp_path / "file").write_text("x", encoding="utf-8")
        with pytest.raises(StoreError, match="cannot create the folder"):
            SQLiteStore(tmp_path / "file" / "rnr.sqlite3")


class TestDatabaseStores:
    """SQLite and PostgreSQL alike: reopening, closing, blocks, waiting, threads, altered rows."""

    def test_reopen_keeps_records(self, stored: Place) -> None:
        """Committed records are there when the store is opened again."""
        db = stored.open(clock=ticking())
        assert 5 == len(list(db.records()))
        assert 6 == fill(db, 1)[0].id
        assert db.verify().ok

    def test_closed_store_refuses_use(self, stored: Place) -> None:
        """After close(), reads and writes give a StoreError."""
        db = stored.open()
        db.close()
        with pytest.raises(StoreError, match="the store is closed"):
            list(db.records())
        with pytest.raises(StoreError, match="the store is closed"), db.write(by="x"):
            pass

    def test_nested_blocks_are_refused(self, stored: Place) -> None:
        """A second write block in the same thread is an error, not a deadlock."""
        db = stored.open()
        with db.write(by="x") as tx:
            tx.append(a_record(1))
            with pytest.raises(StoreError, match="cannot be nested"), db.write(by="x"):
                pass

    def test_ended_block_refuses_appends(self, stored: Place) -> None:
        """A transaction used after its block ended is an error, not a lost write."""
        db = stored.open()
        with db.write(by="x") as tx:
            pass
        with pytest.raises(StoreError, match="the write block has ended"):
            tx.append(a_record(1))

    def test_busy_store_times_out_with_a_clear_error(self, stored: Place) -> None:
        """A writer that waits longer than timeout for another's block gets a one-line error."""
        holding, done = threading.Event(), threading.Event()

        def hold() -> None:
            with stored.open().write(by="holder") as tx:
                tx.append(a_record(9))
                holding.set()
                done.wait(30)

        holder = threading.Thread(target=hold)
        holder.start()
        try:
            assert holding.wait(30)
            db = stored.open(timeout=0.2)
            with pytest.raises(StoreError, match="the store is busy") as info, db.write(by="x"):
                pass
            assert "\n" not in str(info.value)
        finally:
            done.set()
            holder.join()
        assert 6 == stored.open().count()

    @pytest.mark.parametrize("backend", DATABASES)
    def test_large_block_and_reads_inside_it(self, places: Places, backend: str) -> None:
        """A block larger than the insert batch is committed whole and readable inside."""
        db = places(backend).open(clock=ticking())
        with db.write(by="x") as tx:
            for n in range(6_000):
                tx.append(a_record(n))
            assert 6_000 == sum(1 for _ in tx.records())
        assert list(range(1, 6_001)) == [s.id for s in db.records()]
        assert 6_000 == db.verify().records

    @pytest.mark.parametrize("backend", DATABASES)
    def test_threads_share_one_store(self, places: Places, backend: str) -> None:
        """Write blocks from several threads are serialised; nothing is lost."""
        db = places(backend).open(clock=ticking())

        def writer(name: str) -> None:
            for n in range(25):
                with db.write(by=name) as tx:
                    tx.append(a_record(n, case_id=name))

        threads = [threading.Thread(target=writer, args=(f"t{i}",)) for i in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert list(range(1, 101)) == [s.id for s in db.records()]
        assert 25 == len(list(db.records(case_id="t3")))
        assert db.verify().ok

    def test_reading_an_altered_row_is_refused(self, stored: Place) -> None:
        """A row whose content no longer has its SHA-256 is never returned."""
        stored.tamper(("UPDATE records SET data = '{\"n\":99}' WHERE id = 2", ()))
        db = stored.open()
        with pytest.raises(StoreIntegrityError, match="record 2: altered") as info:
            list(db.records())
        assert 2 == info.value.record
        with pytest.raises(StoreIntegrityError, match="record 2: altered"):
            db.get(2)


# -- verify -------------------------------------------------------------------

_INSERT = "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
_SNEAKED = Record("event", "c-9", DAY, {"kind": "breach"})
_STAMP = ("2025-03-01T10:00:00+00:00", "mallory", record_hash(_SNEAKED))

TAMPERING: dict[str, tuple[list[tuple[str, tuple[Any, ...]]], str]] = {
    "edited record": (
        [("UPDATE records SET data = '{\"n\":99}' WHERE id = 3", ())],
        "record 3: altered since it was written",
    ),
    "edited sha256 column": (
        [(f"UPDATE records SET sha256 = '{'f' * 64}' WHERE id = 2", ())],
        "record 2: sha256 column altered (holds ffffffffffff…",
    ),
    "edited record and its sha256 column": (
        [
            (
                "UPDATE records SET data = ?, sha256 = ? WHERE id = 3",
                ('{"n":99}', record_hash(Record("event", "c-0", DAY, {"n": 99}))),
            )
        ],
        "record 3: altered since it was written",
    ),
    "deleted record": (
        [("DELETE FROM records WHERE id = 4", ())],
        "record 4: missing (deleted?); audit entry 4 names it",
    ),
    "record inserted without audit": (
        [
            (
                _INSERT,
                (6, "event", "c-9", DAY.isoformat(), '{"kind":"breach"}', None, *_STAMP),
            )
        ],
        "record 6: not in the audit log (written outside rnr?)",
    ),
    "edited audit entry": (
        [("UPDATE audit SET at = '2020-01-01' WHERE seq = 2", ())],
        "audit entry 2: altered since it was written",
    ),
    "deleted audit entry": (
        [("DELETE FROM audit WHERE seq = 3", ())],
        "record 3: not in the audit log (written outside rnr?)",
    ),
    "edited writer": (
        [("UPDATE records SET recorded_by = 'mallory' WHERE id = 1", ())],
        "record 1: recorded_at or recorded_by differ from audit entry 1",
    ),
    "data that is not JSON": (
        [("UPDATE records SET data = '{oops' WHERE id = 5", ())],
        "record 5: unreadable (Expecting property name",
    ),
    "malformed date": (
        [("UPDATE records SET on_date = '2025-02-30' WHERE id = 1", ())],
        "record 1: unreadable (",
    ),
    "guards dropped": ([], "schema: trigger records_no_update is missing"),
}


class TestVerify:
    """verify() names every kind of tampering with the database (SQLite and PostgreSQL)."""

    def test_clean_store(self, stored: Place) -> None:
        """A store written only by rnr verifies with its counts and head."""
        db = stored.open()
        head = list(db.audit())[-1].sha256
        assert Verification(5, 5, head) == db.verify()

    @pytest.mark.parametrize("case", sorted(TAMPERING))
    def test_tampering_is_named(self, stored: Place, case: str) -> None:
        """Each edit shows as a problem naming the row, without raising."""
        statements, expected = TAMPERING[case]
        stored.tamper(*statements)
        result = stored.open().verify()
        assert not result.ok
        assert any(p.startswith(expected) for p in problem_lines(result)), problem_lines(result)

    def test_edited_record_is_reported_once(self, stored: Place) -> None:
        """An edited row is one 'altered' problem, not also a sha256-column one."""
        stored.tamper(("UPDATE records SET data = '{\"n\":99}' WHERE id = 3", ()))
        problems = problem_lines(stored.open().verify())
        assert [p for p in problems if p.startswith("record 3")] == [
            "record 3: altered since it was written"
        ]


# -- schema and migrations -------------------------------------------------------


class TestSchema:
    """Recognising rnr files, migrating old ones, refusing everything else."""

    def test_version_1_file_is_migrated(self, tmp_path: Path) -> None:
        """A version-1 file opens at the current version with its rows intact and verifying."""
        source = MemoryStore(clock=ticking())
        fill(source, 4)
        path = tmp_path / "v1.sqlite3"
        conn = sqlite3.connect(path)
        conn.executescript(V1_DDL)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute("PRAGMA user_version = 1")
        for s in source.records():
            row = (s.id, s.kind, s.case_id, s.on.isoformat(), s.record.text)
            conn.execute(_INSERT, (*row, None, s.recorded_at, s.recorded_by, s.sha256))
        for e in source.audit():
            conn.execute(
                "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?, ?, ?)", tuple(e.to_dict().values())
            )
        conn.commit()
        conn.close()
        with sqlite_of(path) as db:
            assert list(source.records()) == list(db.records())
            assert list(source.audit()) == list(db.audit())
            assert db.verify().ok
        assert SCHEMA_VERSION == pragma(path, "user_version")
        conn = sqlite3.connect(path)
        indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        conn.close()
        assert {"records_case", "records_kind_on"} <= indexes
        assert "derived" in tables

    def test_newer_schema_is_refused(self, stored_file: Path) -> None:
        """A file from a newer rnr is not opened."""
        conn = sqlite3.connect(stored_file)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
        conn.close()
        newer = rf"schema version {SCHEMA_VERSION + 1} is newer than this rnr supports"
        with pytest.raises(StoreError, match=rf"{newer} \({SCHEMA_VERSION}\); upgrade rnr"):
            SQLiteStore(stored_file)

    def test_random_bytes_are_refused(self, tmp_path: Path) -> None:
        """A file that is not SQLite is not an rnr store, and is left untouched."""
        path = tmp_path / "notes.sqlite3"
        content = bytes(range(256)) * 20
        path.write_bytes(content)
        with pytest.raises(StoreError, match="not an rnr store") as info:
            SQLiteStore(path)
        assert "store.unavailable" == info.value.code
        assert content == path.read_bytes()

    def test_other_programs_database_is_refused(self, tmp_path: Path) -> None:
        """An SQLite file with other tables and no rnr application id is refused."""
        path = tmp_path / "crm.sqlite3"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE people (name TEXT)")
        conn.close()
        with pytest.raises(
            StoreError, match="not an rnr store: an SQLite database with tables people"
        ):
            SQLiteStore(path)

    def test_other_application_id_is_refused(self, tmp_path: Path) -> None:
        """An SQLite file stamped by another application is refused."""
        path = tmp_path / "other.sqlite3"
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA application_id = 42")
        conn.execute("CREATE TABLE t (x)")
        conn.close()
        with pytest.raises(StoreError, match="not an rnr store: application id 0x0000002a"):
            SQLiteStore(path)

    def test_empty_file_becomes_a_store(self, tmp_path: Path) -> None:
        """An empty file (e.g. made by touch) is initialised."""
        path = tmp_path / "rnr.sqlite3"
        path.touch()
        with SQLiteStore(path) as db:
            assert db.verify().ok

    def test_truncated_file_gives_one_line(self, tmp_path: Path) -> None:
        """A truncated store gives a one-line StoreError naming the file, never a traceback."""
        path = tmp_path / "rnr.sqlite3"
        with sqlite_of(path) as db, db.write(by="x") as tx:
            for n in range(2000):
                tx.append(a_record(n))
        os.truncate(path, path.stat().st_size // 2)
        with pytest.raises(StoreError, match="the file is damaged") as info:
            read_everything(path)
        assert str(info.value).startswith(f"{path}: ")
        assert "\n" not in str(info.value)

    def test_garbage_pages_give_store_errors(self, tmp_path: Path) -> None:
        """Overwritten pages are reported as StoreError or verify problems, never sqlite3 errors."""
        path = tmp_path / "rnr.sqlite3"
        with sqlite_of(path) as db, db.write(by="x") as tx:
            for n in range(2000):
                tx.append(a_record(n))
        with path.open("r+b") as file:
            file.seek(4096 * 5)
            file.write(b"\xa5" * 4096 * 3)
        outcome: str | Verification
        try:
            outcome = read_everything(path)
        except StoreError as exc:
            outcome = str(exc)
        if isinstance(outcome, str):
            assert "\n" not in outcome
        else:
            assert not outcome.ok


# -- the default path ----------------------------------------------------------------

HOME = Path("/home/ana")


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({}, "linux", HOME / ".local/share/rnr/rnr.sqlite3"),
        ({"XDG_DATA_HOME": "/data"}, "linux", Path("/data/rnr/rnr.sqlite3")),
        ({"XDG_DATA_HOME": "relative"}, "linux", HOME / ".local/share/rnr/rnr.sqlite3"),
        ({"XDG_DATA_HOME": "/data"}, "freebsd14", Path("/data/rnr/rnr.sqlite3")),
        ({}, "darwin", HOME / "Library/Application Support/rnr/rnr.sqlite3"),
        (
            {"LOCALAPPDATA": "C:/Users/ana/AppData/Local"},
            "win32",
            Path("C:/Users/ana/AppData/Local/rnr/rnr.sqlite3"),
        ),
        ({}, "win32", HOME / "AppData/Local/rnr/rnr.sqlite3"),
        ({"RNR_DB": "/srv/rnr.db", "XDG_DATA_HOME": "/data"}, "linux", Path("/srv/rnr.db")),
        ({"RNR_DB": "x.db"}, "win32", Path("x.db")),
        ({"RNR_DB": ""}, "darwin", HOME / "Library/Application Support/rnr/rnr.sqlite3"),
    ],
)
def test_default_db_path(environ: dict[str, str], platform: str, expected: Path) -> None:
    """RNR_DB wins; otherwise each platform's per-user data folder."""
    assert expected == default_db_path(environ, home=HOME, platform=platform)


# -- export and import ---------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)
records = st.builds(
    Record,
    kind=st.sampled_from(KINDS),
    case_id=st.text(min_size=1, max_size=8).filter(lambda t: t.strip() and "\x00" not in t),
    on=st.dates(min_value=EARLIEST, max_value=LATEST),
    data=st.dictionaries(st.text(max_size=8), json_values, max_size=4),
    corrects=st.none() | st.integers(min_value=1, max_value=50),
)


def test_no_case_id_holds_u0000() -> None:
    """No database text type holds U+0000 (PostgreSQL's refuses it): refused on every backend."""
    with pytest.raises(HistoryError, match="U\\+0000") as info:
        Record("event", "c-\x00", DAY, {})
    assert "case_id" == info.value.field


@pytest.mark.parametrize("depth", [40, 100_000])
def test_record_data_nested_too_deep_is_refused(depth: int) -> None:
    """Data nested beyond what a record holds is a HistoryError however deep, never a crash."""
    data: dict[str, Any] = {}
    inner = data
    for _ in range(depth):
        inner["a"] = {}
        inner = inner["a"]
    with pytest.raises(HistoryError, match="nested more than 32 levels deep") as info:
        Record("event", "c-1", DAY, data)
    assert "data" == info.value.field


@given(
    st.fixed_dictionaries(
        {
            "seq": st.integers(min_value=1, max_value=2**53) | st.booleans(),
            "at": st.text(max_size=12),
            "by": st.text(max_size=12),
            "action": st.sampled_from(["append", "restore"]) | st.text(max_size=4),
            "record_id": st.integers(min_value=-5, max_value=2**53),
            "record_sha256": st.text("0123456789abcdef", min_size=64, max_size=64),
            "prev": st.text("0123456789abcdef", min_size=64, max_size=64) | st.text(max_size=3),
        }
    )
)
def test_an_entry_hash_is_the_sha256_of_its_canonical_content(content: dict[str, Any]) -> None:
    """The audit entry's text, written out field by field, is its content's canonical JSON."""
    expected = hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()
    assert expected == entry_hash(**content)


@given(records)
def test_a_record_hash_is_the_sha256_of_its_canonical_content(record: Record) -> None:
    """The hash, assembled from the parts, is the SHA-256 of the content's canonical JSON."""
    assert canonical(dict(record.data)) == record.text
    expected = hashlib.sha256(canonical(record.content()).encode("utf-8")).hexdigest()
    assert expected == record_hash(record)
    back = Record.read_back(record.kind, record.case_id, record.on, record.text, record.corrects)
    assert (record, expected) == (back, record_hash(back))


@given(st.recursive(st.text(st.sampled_from('aé\u2028\u2029\x85\n"\\')), st.lists, max_leaves=8))
def test_canonical_text_escapes_every_line_end_but_the_newline(value: Any) -> None:
    """U+0085, U+2028 and U+2029 are escaped, with or without other text beyond ASCII."""
    text = canonical({"v": value})
    assert len(text.splitlines()) == 1
    assert json.loads(text) == {"v": value}
    encoded = json.dumps({"v": value}, separators=(",", ":"), ensure_ascii=False)
    table = {0x85: "\\u0085", 0x2028: "\\u2028", 0x2029: "\\u2029"}
    assert encoded.translate(table) == text


class TestJsonl:
    """export_jsonl / import_jsonl: exact round trips and clear refusals."""

    @pytest.mark.parametrize("source", BACKENDS)
    @pytest.mark.parametrize("target", BACKENDS)
    def test_round_trip_is_exact(self, places: Places, source: str, target: str) -> None:
        """export → import → export gives the same bytes, across implementations."""
        first, second = places(source).open(clock=ticking()), places(target).open(clock=ticking())
        fill(first, 3)
        with first.write(by="supervisor") as tx:
            tx.append(Record("override", "c-1", DAY, {"reason": "x"}, corrects=2))
        out = io.StringIO()
        assert 9 == export_jsonl(first, out)
        result = import_jsonl(second, io.StringIO(out.getvalue()), name="backup.jsonl")
        assert Verification(4, 4, first.verify().head) == result
        assert out.getvalue() == export_text(second)
        first.close()
        second.close()

    def test_header_and_lines(self, store: Store) -> None:
        """A header with counts and head, then records, then audit entries, canonical JSON."""
        fill(store, 2)
        lines = export_text(store).splitlines()
        head = store.verify().head
        assert {
            "format": "rnr.store-export/1",
            "records": 2,
            "entries": 2,
            "head": head,
        } == json.loads(lines[0])
        assert ["record", "record", "audit", "audit"] == [json.loads(x)["type"] for x in lines[1:]]
        assert lines[1].startswith('{"case_id":"c-0","corrects":null,"data":{"kind":"attendance"')

    def test_empty_store_round_trips(self, store: Store) -> None:
        """An empty store exports a header only, which imports to an empty store."""
        text = export_text(store)
        assert (
            f'{{"entries":0,"format":"rnr.store-export/1","head":"{GENESIS}","records":0}}\n'
            == text
        )
        assert Verification(0, 0, GENESIS) == import_jsonl(MemoryStore(), [text], name="e.jsonl")

    @settings(max_examples=25)
    @given(blocks=st.lists(st.lists(records, min_size=1, max_size=4), max_size=4))
    def test_round_trip_property(self, blocks: list[list[Record]]) -> None:
        """Any records export, import into SQLite and memory, and export to the same bytes."""
        source = MemoryStore(clock=ticking())
        for block in blocks:
            with source.write(by="w") as tx:
                for record in block:
                    tx.append(record)
        text = export_text(source)
        with tempfile.TemporaryDirectory() as folder, sqlite_of(Path(folder) / "r.sqlite3") as db:
            assert import_jsonl(db, io.StringIO(text), name="x.jsonl").ok
            assert text == export_text(db)
            assert list(source.records()) == list(db.records())
            copy = MemoryStore()
            import_jsonl(copy, io.StringIO(export_text(db)), name="y.jsonl")
            assert text == export_text(copy)

    @settings(max_examples=15)
    @given(blocks=st.lists(st.lists(records, min_size=1, max_size=4), max_size=4))
    def test_round_trip_property_postgres(self, postgres: Any, blocks: list[list[Record]]) -> None:
        """Any records PostgreSQL can hold import into it and export to the same bytes.

        A case id holding U+0000 is refused whole (``argument.invalid``),
        nothing written.
        """
        from rnr.store.postgres import PostgresStore  # noqa: PLC0415

        source = MemoryStore(clock=ticking())
        for block in blocks:
            with source.write(by="w") as tx:
                for record in block:
                    tx.append(record)
        text = export_text(source)
        schema = postgres.new_schema()
        with PostgresStore(postgres.url("rnr_owner", schema=schema)) as db:
            assert import_jsonl(db, io.StringIO(text), name="x.jsonl").ok
            assert text == export_text(db)
            assert list(source.records()) == list(db.records())

    def test_line_separators_inside_texts(self, tmp_path: Path) -> None:
        """Texts holding U+2028 or U+0085 stay inside their line when read from a file."""
        source = MemoryStore(clock=ticking())
        with source.write(by="w") as tx:
            tx.append(Record("case", "c\u20281", DAY, {"note": "a\x85b\u2029c\rd"}))
        path = tmp_path / "export.jsonl"
        with path.open("w", encoding="utf-8") as out:
            export_jsonl(source, out)
        with path.open(encoding="utf-8") as lines:
            assert import_jsonl(MemoryStore(), lines, name=path.name).ok
        assert path.read_text(encoding="utf-8") == export_text(source)

    def test_blank_lines_are_skipped(self) -> None:
        """Blank lines carry nothing and are ignored."""
        source = MemoryStore(clock=ticking())
        fill(source, 2)
        lines = ["\n", *io.StringIO(export_text(source)), "  \n"]
        assert import_jsonl(MemoryStore(), lines, name="b.jsonl").ok

    def test_non_empty_store_is_refused(self, store: Store) -> None:
        """Importing into a store that holds records is refused and changes nothing."""
        source = MemoryStore(clock=ticking())
        fill(source, 2)
        fill(store, 1)
        with pytest.raises(
            StoreError, match="cannot import into a store that holds records"
        ) as info:
            import_jsonl(store, export_text(source).splitlines(), name="b.jsonl")
        assert "store.not_empty" == info.value.code
        assert 1 == len(list(store.records()))


def _edit(line: int, **changes: Any) -> Callable[[list[str]], list[str]]:
    """A change to one line's JSON: a value set, or removed when ``...``."""

    def apply(lines: list[str]) -> list[str]:
        value = json.loads(lines[line - 1])
        for key, new in changes.items():
            if new is ...:
                del value[key]
            else:
                value[key] = new
        return [*lines[: line - 1], json.dumps(value), *lines[line:]]

    return apply


def _replace(line: int, text: str) -> Callable[[list[str]], list[str]]:
    """Line ``line`` replaced by ``text``."""
    return lambda lines: [*lines[: line - 1], text, *lines[line:]]


#: What an export no longer holding its hashes is (the rest: not an export at all).
INTEGRITY = {
    "header record count",
    "header entry count",
    "header head",
    "edited record",
}
MALFORMED: dict[str, tuple[Callable[[list[str]], list[str]], str]] = {
    "not JSON": (_replace(2, "{oops"), "b.jsonl:2: got '{oops', expected a JSON object"),
    "not an object": (_replace(3, "[1, 2]"), "b.jsonl:3: got '[1, 2]', expected a JSON object"),
    "duplicate key": (
        _replace(2, '{"id": 1, "id": 1}'),
        "b.jsonl:2: got '{\"id\": 1, \"id\": 1}', expected a JSON object (field 'id' given twice",
    ),
    "unknown type": (
        _edit(2, type="note"),
        "b.jsonl:2: type: got 'note', expected 'record', 'audit' or 'access'",
    ),
    "missing field": (
        _edit(2, case_id=...),
        "b.jsonl:2: case_id: missing, expected every field of a record",
    ),
    "extra field": (_edit(4, note="x"), "b.jsonl:4: note: got an unexpected field"),
    "bad date": (
        _edit(2, on="2025-02-30"),
        "b.jsonl:2: on: got '2025-02-30', expected a date YYYY-MM-DD",
    ),
    "compact date": (_edit(2, on="20250301"), "b.jsonl:2: on: got '20250301', expected a date"),
    "unknown kind": (_edit(3, kind="note"), "b.jsonl:3: kind: got 'note', expected one of case, "),
    "data not an object": (_edit(2, data=[1]), "b.jsonl:2: data: got [1], expected a JSON object"),
    "id not positive": (_edit(2, id=0), "b.jsonl:2: id: got 0, expected an integer ≥ 1"),
    "bad case id": (
        _edit(2, case_id=" "),
        "b.jsonl:2: case_id: got ' ', expected a non-empty text",
    ),
    "bad hash in audit": (
        _edit(5, prev="x"),
        "b.jsonl:5: prev: got 'x', expected 64 lowercase hex",
    ),
    "unknown action": (
        _edit(4, action="delete"),
        "b.jsonl:4: action: got 'delete', expected 'append'",
    ),
    "wrong format": (
        _edit(1, format="rnr.store-export/3"),
        (
            "b.jsonl:1: format: got 'rnr.store-export/3', expected 'rnr.store-export/1' or"
            " 'rnr.store-export/2'"
        ),
    ),
    "header record count": (_edit(1, records=3), "b.jsonl:1: records: got 3, expected 2"),
    "header entry count": (_edit(1, entries=1), "b.jsonl:1: entries: got 1, expected 2"),
    "header head": (_edit(1, head="0" * 64), "b.jsonl:1: head: got 000"),
    "header missing": (
        lambda lines: lines[1:],
        "b.jsonl:1: format: got a 'record' line, expected the header",
    ),
    "header not first": (
        lambda lines: [lines[1], lines[0], *lines[2:]],
        "b.jsonl:1: format: got a 'record' line, expected the header",
    ),
    "record after audit": (
        lambda lines: [lines[0], lines[1], lines[3], lines[2], lines[4]],
        "b.jsonl:4: type: got a record after audit entries, expected records first",
    ),
    "empty file": (lambda _: [], "b.jsonl: no header line, expected an export of an rnr store"),
    "edited record": (
        _edit(2, data={"n": 99}),
        "b.jsonl:2: sha256: got ",
    ),
}


class TestImportErrors:
    """Every malformed export is refused with the line, the field, the value and the expectation."""

    @pytest.fixture
    def lines(self) -> list[str]:
        """The export of two records: header, 2 records, 2 audit entries."""
        source = MemoryStore(clock=ticking())
        fill(source, 2)
        return export_text(source).splitlines()

    @pytest.mark.parametrize("case", sorted(MALFORMED))
    def test_malformed_line(self, lines: list[str], case: str) -> None:
        """The error names the file and line and what was expected; nothing is imported."""
        change, expected = MALFORMED[case]
        target = MemoryStore()
        with pytest.raises(StoreError) as info:
            import_jsonl(target, change(lines), name="b.jsonl")
        assert str(info.value).startswith(expected), str(info.value)
        code = "store.integrity" if case in INTEGRITY else "store.import.invalid"
        assert code == info.value.code
        assert [] == list(target.records())

    def test_edited_record_names_the_record(self, lines: list[str]) -> None:
        """An edited record line says which record was edited."""
        with pytest.raises(StoreError, match="record 1 was edited"):
            import_jsonl(MemoryStore(), _edit(2, data={"n": 99})(lines), name="b.jsonl")

    @pytest.mark.parametrize("kind", BACKENDS)
    def test_rehashed_record_breaks_the_chain(
        self, lines: list[str], places: Places, kind: str
    ) -> None:
        """A record edited with a fresh sha256 no longer matches its audit entry: refused."""
        forged = Record("event", "c-0", DAY, {"n": 99})
        edited = _edit(2, data={"n": 99}, sha256=record_hash(forged))(lines)
        target = places(kind).open()
        with pytest.raises(
            StoreError, match=r"import refused: verify.record_altered \(record 1\)"
        ) as info:
            import_jsonl(target, edited, name="b.jsonl")
        assert "store.integrity" == info.value.code
        assert [] == list(target.records())
        target.close()

    def test_edited_audit_entry_is_refused(self, lines: list[str]) -> None:
        """An edited audit line breaks the chain: refused."""
        with pytest.raises(
            StoreError, match=r"import refused: verify.entry_altered \(entry 1\)"
        ) as info:
            import_jsonl(MemoryStore(), _edit(4, by="mallory")(lines), name="b.jsonl")
        assert "store.integrity" == info.value.code


# -- a state machine over every backend ------------------------------------------------


class StoreMachine(RuleBasedStateMachine):
    """A store against a list: blocks commit or roll back whole, reopening loses nothing."""

    def __init__(self, place: Place) -> None:
        super().__init__()
        self.place = place
        self.db = place.open(clock=ticking())
        #: Another object on the same store, open throughout: it sees every block committed.
        self.reader = self.db if place.backend == "memory" else place.open()
        self.model: list[Record] = []

    @rule(block=st.lists(records, max_size=4))
    def append_block(self, block: list[Record]) -> None:
        """A block that ends normally keeps every append."""
        with self.db.write(by="w") as tx:
            for record in block:
                tx.append(record)
        self.model += block

    @rule(block=st.lists(records, min_size=1, max_size=4))
    def failing_block(self, block: list[Record]) -> None:
        """A block that raises keeps nothing."""
        with pytest.raises(BoomError):
            failing_block(self.db, block)

    @rule()
    def reopen(self) -> None:
        """Closing and opening the store again changes nothing (a memory store stays open)."""
        if self.place.backend != "memory":
            self.db.close()
            self.db = self.place.open(clock=ticking())

    @invariant()
    def contents_equal_the_model(self) -> None:
        """The store holds exactly the committed records, numbered 1..n."""
        stored = list(self.db.records())
        assert self.model == [s.record for s in stored]
        assert list(range(1, len(self.model) + 1)) == [s.id for s in stored]

    @invariant()
    def case_ids_follow_the_first_records(self) -> None:
        """Both objects list the cases in order of their first records, rolled-back ones out."""
        wanted = list(dict.fromkeys(r.case_id for r in self.model))
        assert wanted == self.db.case_ids()
        assert wanted == self.reader.case_ids()

    @invariant()
    def verifies(self) -> None:
        """The chain covers every record."""
        result = self.db.verify()
        assert result.ok, result.problems
        assert len(self.model) == result.records

    def teardown(self) -> None:
        """Close the store."""
        self.db.close()
        if self.reader is not self.db:
            self.reader.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_state_machine(places: Places, backend: str) -> None:
    """Each backend holds what a list would, through blocks, failures and reopening."""
    run_state_machine_as_test(
        lambda: StoreMachine(places(backend)),
        settings=settings(max_examples=15, stateful_step_count=12, deadline=None),
    )


class _Rows:
    """The records table as CaseOrder reads it: (id, case id, hash) rows that can be replaced."""

    def __init__(self, rows: list[tuple[int, str, str]]) -> None:
        self.rows = rows
        self.asked: list[str] = []

    def _last_id(self) -> int:
        return max((r[0] for r in self.rows), default=0)

    def _query(self, _conn: Any, sql: str, args: tuple[Any, ...]) -> list[Any]:
        self.asked.append(sql)
        if sql.startswith("SELECT sha256"):
            return [(r[2],) for r in self.rows if r[0] == args[0]]
        low, high = args if args else (0, self._last_id())
        firsts: dict[str, int] = {}
        for n, case_id, _ in self.rows:
            if low < n <= high:
                firsts.setdefault(case_id, n)
        return [(c,) for c in sorted(firsts, key=firsts.__getitem__)]


def test_the_case_order_reads_only_what_was_appended_and_notices_another_store() -> None:
    """Appended records add their new cases at the end; a store made again is read whole."""
    from rnr.store._reads import CaseOrder  # noqa: PLC0415

    order, rows = CaseOrder(), _Rows([(1, "b", "h1"), (2, "a", "h2"), (3, "b", "h3")])
    assert ["b", "a"] == order.ids(rows)  # type: ignore[arg-type]
    rows.rows += [(4, "c", "h4"), (5, "a", "h5")]
    rows.asked.clear()
    assert ["b", "a", "c"] == order.ids(rows)  # type: ignore[arg-type]
    assert any("id > ?" in sql for sql in rows.asked)  # only the records after the last read
    assert ["b", "a", "c"] == order.ids(rows)  # type: ignore[arg-type]
    other = [(1, "x", "o1"), (2, "y", "o2"), (3, "x", "o3"), (4, "z", "o4"), (5, "w", "o5")]
    rows.rows = [*other, (6, "v", "o6")]  # another store at the same place, with more records
    assert ["x", "y", "z", "w", "v"] == order.ids(rows)  # type: ignore[arg-type]
    rows.rows = [(1, "q", "n1")]  # and one with fewer
    assert ["q"] == order.ids(rows)  # type: ignore[arg-type]


# -- the access log, on every backend -----------------------------------------------------


def access(n: int, **changes: Any) -> Any:
    """A small access of the service, numbered ``n``."""
    from rnr.store.access import Access  # noqa: PLC0415

    fields: dict[str, Any] = {
        "by": "ana",
        "role": "delegado",
        "unit": "crs-1",
        "action": "case.history",
        "case_id": f"c-{n}",
        "status": 200,
        "detail": {"n": n},
    }
    return Access(**{**fields, **changes})


class TestAccessLog:
    """log_access, access_log, restore_access: the same on every backend."""

    def test_chained_anchored_and_verified(self, store: Store) -> None:
        """Each entry follows the one before and is anchored at the audit head of its time."""
        log: Any = store
        first = log.log_access(access(1))
        fill(store, 2)
        second = log.log_access(access(2, action="case.event", unit=None, case_id=None))
        assert (1, 0, 2, 2) == (first.seq, first.anchor_seq, second.seq, second.anchor_seq)
        assert second.prev == first.sha256
        assert [first, second] == list(log.access_log())
        assert [second] == list(log.access_log(actions={"case.event"}))
        assert [] == list(log.access_log(actions=set()))
        result = store.verify()
        assert (True, 2) == (result.ok, result.access)

    @pytest.mark.parametrize("target", BACKENDS)
    def test_export_and_import_keep_it(self, store: Store, places: Places, target: str) -> None:
        """Export → import → export gives the same bytes, the access log's lines included."""
        log: Any = store
        log.log_access(access(1))
        fill(store, 3)
        log.log_access(access(2))
        text = export_text(store)
        copy = places(target).open()
        result = import_jsonl(copy, io.StringIO(text), name="copia.jsonl")
        assert (True, 2) == (result.ok, result.access)
        assert text == export_text(copy)

    @pytest.mark.parametrize(
        ("sql", "found"),
        [
            ("UPDATE access SET case_id = 'c-9' WHERE seq = 2", "access entry 2: altered"),
            ("DELETE FROM access WHERE seq = 2", "access entry 3: out of sequence"),
            ("DELETE FROM access WHERE seq = 3", None),  # the tail: only a copy kept elsewhere
            ("UPDATE audit SET sha256 = ? WHERE seq = 5", "access entry 1: anchored"),
        ],
    )
    def test_tampering_is_reported(self, stored: Place, sql: str, found: str | None) -> None:
        """An access entry edited or removed, or the audit cut under it: named by verify."""
        log: Any = stored.open(clock=ticking())
        for n in range(3):
            log.log_access(access(n))
        stored.tamper((sql, ("0" * 64,) if "?" in sql else ()))
        problems = problem_lines(stored.open().verify())
        if found is None:
            assert not any(p.startswith("access") for p in problems), problems
        else:
            assert any(p.startswith(found) for p in problems), problems

    def test_restore_into_a_log_that_holds_entries_is_refused(self, store: Store) -> None:
        """restore_access loads only into an empty log."""
        log: Any = store
        entry = log.log_access(access(1))
        with pytest.raises(StoreError, match="the access log is not empty") as info:
            log.restore_access([entry])
        assert "store.not_empty" == info.value.code


# -- the bulk reads of a whole store, on every backend --------------------------------------


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_bulk_reads_give_what_memory_gives(places: Places, backend: str) -> None:
    """A simulated cohort's summaries, due list, indicators and cases() are the same as memory's.

    The cohort is written through each backend's write blocks (scores and
    timelines kept as they go), then every bulk read of a whole store is
    compared with the memory store's; and the store verifies, every kept
    value recomputed.
    """
    from rnr.history.bulk import summarize  # noqa: PLC0415
    from rnr.history.definitions import Definitions  # noqa: PLC0415
    from rnr.history.due import due_list  # noqa: PLC0415
    from rnr.history.programme import programme_report  # noqa: PLC0415
    from rnr.history.upkeep import verify_store  # noqa: PLC0415
    from rnr.simulate.engine import simulate  # noqa: PLC0415
    from rnr.simulate.load import store_cohort  # noqa: PLC0415

    defs = Definitions.shipped()
    cohort = simulate(40, 2.0, seed=17)
    memory = MemoryStore(clock=ticking())
    other = places(backend).open(clock=ticking())
    for db in (memory, other):
        store_cohort(db, cohort, defs=defs, people_per_block=7)
    assert export_text(memory) == export_text(other)
    assert list(memory.cases()) == list(other.cases())
    assert list(memory.case_derived("rnr.timeline/1")) == list(other.case_derived("rnr.timeline/1"))
    day = dt.date(2025, 9, 30)
    assert summarize(memory, as_of=day, defs=defs) == summarize(other, as_of=day, defs=defs)
    assert due_list(memory, day, defs=defs) == due_list(other, day, defs=defs)
    report = programme_report(memory, period=2025, defs=defs)
    assert attrs.evolve(report, store=other.name) == programme_report(other, period=2025, defs=defs)
    result = verify_store(other, defs=defs)
    assert result.ok, result.problems
    assert (result.derived, result.timelines) > (0, 0)


def _ends(
    store: Store, basis: str, skip: dict[str, int] | None = None
) -> list[tuple[str, int, Derived | None]]:
    """What ``index_derived`` gives: ``case_derived`` without the first record ids."""
    return [(c.case_id, c.last, c.derived) for c in store.case_derived(basis, skip)]
