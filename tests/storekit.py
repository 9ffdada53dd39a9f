"""Fresh stores of every backend for the conformance suite, and tampering as their owners could.

A :class:`Place` is where one fresh store lives (nothing for memory, a file
for SQLite, a schema of the session's PostgreSQL server for PostgreSQL): it
opens the store, opens it again, and edits its tables as whoever holds the
database could (SQLite: anyone with the file; PostgreSQL: the owner of the
tables, who can drop the guards; the role rnr writes with cannot).

The ``places`` fixture (tests/conftest.py) makes them; SQL given to
:meth:`Place.tamper` uses ``?`` for parameters, whatever the backend.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import attrs

from rnr.render.messages import say
from rnr.store.memory import MemoryStore
from rnr.store.protocol import Store, Verification
from rnr.store.sqlite import SQLiteStore
from rnr.store.totals import Totals

#: Every backend of the conformance suite.
BACKENDS = ("memory", "sqlite", "postgres")
#: The backends kept in a database someone can edit.
DATABASES = ("sqlite", "postgres")


def problem_lines(result: Verification) -> list[str]:
    """A verification's problems as ``rnr store verify --lang en`` words them."""
    return [say(p, "en") for p in result.problems]


class Owner:
    """A connection as the database's owner, taking ``?`` for parameters on either backend."""

    def __init__(self, conn: Any, *, postgres: bool) -> None:
        self.conn = conn
        self.postgres = postgres

    def execute(self, sql: str, args: tuple[Any, ...] = ()) -> Any:
        """Run one statement; the cursor it gives (``fetchone``, ``fetchall``)."""
        return self.conn.execute(sql.replace("?", "%s") if self.postgres else sql, args)

    def triggers(self) -> list[tuple[str, str]]:
        """Every trigger rnr's tables have, as ``(name, table)``."""
        if self.postgres:
            rows = self.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid"
                " WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal"
            ).fetchall()
        else:
            rows = self.execute(
                "SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'"
            ).fetchall()
        return [(name, table) for name, table in rows]

    def drop_guards(self) -> None:
        """Drop every trigger (the append-only guards), and PostgreSQL's foreign keys.

        SQLite checks foreign keys only on connections that ask (rnr's); the
        owner of PostgreSQL tables drops the constraints to delete a record.
        """
        for name, table in self.triggers():
            on = f" ON {table}" if self.postgres else ""
            self.execute(f"DROP TRIGGER {name}{on}")
        if self.postgres:
            for table, name in self.execute(
                "SELECT conrelid::regclass::text, conname FROM pg_constraint"
                " WHERE contype = 'f' AND connamespace = current_schema()::regnamespace"
            ).fetchall():
                self.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")

    def restore_guards(self) -> None:
        """Create rnr's guards again, as rnr wrote them."""
        if self.postgres:
            from rnr.store import _pgschema  # noqa: PLC0415

            for sql in _pgschema.MIGRATIONS[5]:
                if sql.startswith("CREATE TRIGGER"):
                    self.execute(sql)
        else:
            from rnr.store import _schema  # noqa: PLC0415

            for sql in _schema.GUARDS.values():
                self.execute(sql)


@attrs.define
class Place:
    """Where one fresh store lives, and how to open it (again)."""

    backend: str
    where: Path | str | None = None
    owner_url: str | None = None
    _opened: list[Store] = attrs.field(factory=list)

    def open(
        self,
        *,
        clock: Callable[[], str] | None = None,
        read_only: bool = False,
        timeout: float = 10.0,
    ) -> Store:
        """The store (a new MemoryStore each time, for memory)."""
        kw: dict[str, Any] = {} if clock is None else {"clock": clock}
        store: Store
        if self.backend == "memory":
            store = MemoryStore(**kw)
        elif self.backend == "sqlite":
            assert isinstance(self.where, Path)
            store = SQLiteStore(self.where, read_only=read_only, timeout=timeout, **kw)
        else:
            from rnr.store.postgres import PostgresStore  # noqa: PLC0415

            assert isinstance(self.where, str)
            store = PostgresStore(self.where, read_only=read_only, timeout=timeout, **kw)
        self._opened.append(store)
        return store

    @contextmanager
    def owner(self) -> Iterator[Owner]:
        """A connection as the owner, committed when the block ends."""
        if self.backend == "sqlite":
            assert isinstance(self.where, Path)
            conn = sqlite3.connect(self.where)
            try:
                with conn:
                    yield Owner(conn, postgres=False)
            finally:
                conn.close()
        elif self.backend == "postgres":
            import psycopg  # noqa: PLC0415

            assert self.owner_url is not None
            with psycopg.connect(self.owner_url) as conn:  # commits at the end
                yield Owner(conn, postgres=True)
        else:
            msg = "a memory store has no database to edit"
            raise AssertionError(msg)

    def tamper(self, *statements: tuple[str, tuple[Any, ...]]) -> None:
        """Edit the tables as their owner could: drop the guards, then run each statement."""
        with self.owner() as owner:
            owner.drop_guards()
            for sql, args in statements:
                owner.execute(sql, args)

    def close(self) -> None:
        """Close every store opened here."""
        for store in self._opened:
            store.close()


class Places:
    """Makes places for one test; closes their stores when it ends."""

    def __init__(self, folder: Path, server: Callable[[], Any]) -> None:
        self._folder = folder
        self._server = server
        self._made: list[Place] = []
        self._count = itertools.count(1)

    def __call__(self, backend: str) -> Place:
        """A new empty place of ``backend`` (for PostgreSQL: its tables made by the owner)."""
        if backend == "memory":
            place = Place("memory")
        elif backend == "sqlite":
            place = Place("sqlite", self._folder / f"db{next(self._count)}" / "rnr.sqlite3")
        else:
            from rnr.store.postgres import PostgresStore  # noqa: PLC0415

            server = self._server()
            schema = server.new_schema()
            owner = server.url("rnr_owner", schema=schema)
            PostgresStore(owner).close()  # the owner makes the tables (rnr store init)
            place = Place("postgres", server.url("rnr_writer", schema=schema), owner)
        self._made.append(place)
        return place

    def close(self) -> None:
        """Close every store the test opened."""
        for place in self._made:
            place.close()


class WithoutIndex:
    """A store seen without its case index: every read takes the path of a store that keeps none."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        if name.startswith("index_"):
            raise AttributeError(name)
        return getattr(self._store, name)


def rewrite_kept(path: Path, record_id: int, basis: str, values: Any) -> None:
    """Edit, in an SQLite file, the values kept for a case on ``record_id`` under ``basis``.

    As whoever holds the file could: the guard against updates dropped first.
    """
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("DROP TRIGGER case_derived_no_update")
        conn.execute(
            "UPDATE case_derived SET data = ? WHERE record_id = ? AND basis = ?",
            (json.dumps(values), record_id, basis),
        )
    conn.close()


class WithoutShares:
    """A store seen without the report shares its writes kept: reports read every timeline.

    ``timelines`` counts the kept timelines read through it; ``shares=True`` lets the
    shares through (to count what a report still reads).
    """

    def __init__(self, store: Store, *, shares: bool = False) -> None:
        self._store = store
        self._shares = shares
        self.timelines = 0

    def case_derived(self, basis: str, skip: Any = None, only: Any = None) -> Iterator[Any]:
        from rnr.history.programme import SHARES  # noqa: PLC0415
        from rnr.history.timeline import FORMAT  # noqa: PLC0415

        hide = basis.startswith(SHARES) and not self._shares
        for found in self._store.case_derived(basis, skip, only):
            seen = attrs.evolve(found, derived=None) if hide else found
            self.timelines += basis == FORMAT and seen.derived is not None
            yield seen

    def index_totals(self, bases: frozenset[str], group: str) -> Totals:
        """The store's totals; without shares, none (:meth:`index_uncounted`: every case)."""
        found: Totals = self._store.index_totals(bases, group)  # type: ignore[attr-defined]
        return found if self._shares else Totals({}, found.rows)

    def index_uncounted(self, bases: frozenset[str], group: str) -> dict[str, int]:
        """The store's uncounted cases; without shares, every case."""
        if self._shares:
            found: dict[str, int] = self._store.index_uncounted(bases, group)  # type: ignore[attr-defined]
            return found
        return {row.case_id: row.record_id for row in self._store.index_rows()}  # type: ignore[attr-defined]

    def index_derived(self, basis: str, skip: Any = None) -> Iterator[Any]:
        from rnr.history.programme import SHARES  # noqa: PLC0415

        hide = basis.startswith(SHARES) and not self._shares
        for case_id, last, derived in self._store.index_derived(basis, skip):  # type: ignore[attr-defined]
            yield case_id, last, None if hide else derived

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)
