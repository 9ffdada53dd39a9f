"""An in-memory store: the smallest implementation of the ``Store`` protocol.

It keeps everything in lists, for tests, simulations written straight to
JSON Lines, and as a readable model for integrators writing their own store.

>>> import datetime as dt
>>> store = MemoryStore()
>>> with store.write(by="delegado-01") as tx:
...     stored = tx.append(Record("event", "c-1", dt.date(2025, 3, 1), {"kind": "breach"}))
>>> stored.id, store.verify().ok
(1, True)
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import attrs

from rnr.errors import HistoryError, StoreError
from rnr.store.access import Access, AccessEntry, chain_access, restore_access_problem
from rnr.store.audit import check, next_entry, restore_problem
from rnr.store.caseindex import (
    IndexGroup,
    IndexQuery,
    IndexRow,
    Settled,
    baseline_rows,
    column_rows,
    dues_rows,
    group_rows,
    select_rows,
    settled_rows,
    stale_row,
    untrusted_rows,
)
from rnr.store.head import Head
from rnr.store.protocol import Verification, utc_now
from rnr.store.records import (
    GENESIS,
    AuditEntry,
    CaseDerived,
    CaseRecords,
    Derived,
    Record,
    Stored,
    record_hash,
)
from rnr.store.totals import Held, Totals, add_counts, counted_totals

__all__ = ["MemoryStore"]

#: Records checked between two calls of a verification's ``progress``.
_STEP = 1000


@attrs.define
class _Block:
    """The appends of one write block, visible to reads inside it."""

    store: MemoryStore
    by: str
    pending: list[Stored] = attrs.Factory(list)
    entries: list[AuditEntry] = attrs.Factory(list)
    kept: dict[int, Derived] = attrs.Factory(dict)
    kept_cases: dict[tuple[int, str], tuple[str, Derived]] = attrs.Factory(dict)
    index: dict[str, IndexRow] = attrs.Factory(dict)
    counts: dict[str, str | None] = attrs.Factory(dict)

    def records(self, *, case_id: str | None = None, kind: str | None = None) -> Iterator[Stored]:
        for stored in (*self.store._rows(case_id), *self.pending):
            if (case_id is None or stored.case_id == case_id) and (
                kind is None or stored.kind == kind
            ):
                yield stored

    def unchanged(self, rows: Sequence[Stored]) -> bool:
        """Whether ``rows``, every record of one case read before this block, are still all."""
        if not rows or any(s.case_id == rows[-1].case_id for s in self.pending):
            return False
        held = self.store._rows(rows[-1].case_id)
        return len(held) == len(rows) and held[-1].id == rows[-1].id

    def append(self, record: Record) -> Stored:
        last = self.pending[-1].id if self.pending else len(self.store._records)
        at = self.store._clock()
        stored = Stored(last + 1, record, at, self.by, record_hash(record))
        previous = self.entries[-1] if self.entries else self.store._last_entry()
        self.entries.append(
            next_entry(
                previous, at=at, by=self.by, record_id=stored.id, record_sha256=stored.sha256
            )
        )
        self.pending.append(stored)
        return stored

    def derive(self, derived: Derived) -> None:
        last = self.pending[-1].id if self.pending else len(self.store._records)
        if not 1 <= derived.record_id <= last:
            msg = f"derived values of record {derived.record_id}: no such record"
            raise StoreError(msg, path=self.store.name, code="store.integrity")
        if derived.record_id not in self.store._derived:
            self.kept.setdefault(derived.record_id, derived)

    def derive_case(self, case_id: str, derived: Derived) -> None:
        last = self.pending[-1].id if self.pending else len(self.store._records)
        if not 1 <= derived.record_id <= last:
            msg = f"derived values of case {case_id} on record {derived.record_id}: no such record"
            raise StoreError(msg, path=self.store.name, code="store.integrity")
        key = (derived.record_id, derived.basis)
        if key not in self.store._case_derived:
            self.kept_cases.setdefault(key, (case_id, derived))

    def kept_case(
        self, case_id: str, record_id: int, bases: Collection[str]
    ) -> Mapping[str, Derived]:
        """The values of ``bases`` kept for ``case_id`` on its record ``record_id``, by basis."""
        held, kept = self.store._case_derived, self.kept_cases
        found = {b: held.get((record_id, b)) or kept.get((record_id, b)) for b in bases}
        return {basis: f[1] for basis, f in found.items() if f is not None and f[0] == case_id}

    def index_case(self, row: IndexRow, counts: str | None = None) -> None:
        """Keep ``row`` as its case's row of the index (see :mod:`rnr.store.caseindex`)."""
        last = self.pending[-1].id if self.pending else len(self.store._records)
        if not 1 <= row.record_id <= last:
            msg = f"index row of case {row.case_id} on record {row.record_id}: no such record"
            raise StoreError(msg, path=self.store.name, code="store.integrity")
        self.index[row.case_id] = row
        self.counts[row.case_id] = counts

    def sealed_index(self) -> dict[str, IndexRow]:
        """The block's index rows, and a stale row on each case appended to without one."""
        rows = dict(self.index)
        for stored in self.pending:
            kept = rows.get(stored.case_id)
            if kept is None or kept.record_id < stored.id:
                rows[stored.case_id] = stale_row(stored.case_id, stored.id)
                self.counts[stored.case_id] = None
        return rows

    def derived(self, case_id: str) -> Mapping[int, Derived]:
        """The derived values of the records of ``case_id`` (see ``Transaction.derived``)."""
        kept = {**self.store._derived, **self.kept}
        return {s.id: kept[s.id] for s in self.records(case_id=case_id) if s.id in kept}


class MemoryStore:
    """Records and audit entries in memory; thread-safe, gone when dropped."""

    def __init__(self, *, clock: Callable[[], str] = utc_now, name: str = "<memory>") -> None:
        self._records: list[Stored] = []
        self._by_case: dict[str, list[Stored]] = {}
        self._audit: list[AuditEntry] = []
        self._derived: dict[int, Derived] = {}
        self._case_derived: dict[tuple[int, str], tuple[str, Derived]] = {}
        self._access: list[AccessEntry] = []
        self._index: dict[str, IndexRow] = {}
        #: The counts of each case's row (:mod:`rnr.store.totals`), added up when read.
        self._counts: dict[str, str | None] = {}
        self._lock = threading.RLock()
        self._writing = threading.local()
        self._clock = clock
        self._name = name

    @property
    def name(self) -> str:
        """``<memory>`` unless named."""
        return self._name

    def _last_entry(self) -> AuditEntry | None:
        return self._audit[-1] if self._audit else None

    @contextmanager
    def write(self, *, by: str) -> Iterator[_Block]:
        """An atomic block: appends are kept only if the block ends without an error.

        Raises:
            StoreError: a block is opened inside another block of the same thread.
        """
        if getattr(self._writing, "active", False):
            raise StoreError("a write block is already open in this thread", path=self.name)
        with self._lock:
            self._writing.active = True
            try:
                block = _Block(self, by)
                yield block
                index = block.sealed_index()
                self._keep(block.pending)
                for case_id, row in index.items():
                    held = self._index.get(case_id)
                    if held is None or held.record_id <= row.record_id:
                        self._index[case_id] = row
                        self._counts[case_id] = block.counts.get(case_id)
                self._audit += block.entries
                self._derived.update(block.kept)
                self._case_derived.update(block.kept_cases)
            finally:
                self._writing.active = False

    def _keep(self, rows: list[Stored]) -> None:
        self._records += rows
        for stored in rows:
            self._by_case.setdefault(stored.case_id, []).append(stored)

    def _rows(self, case_id: str | None) -> list[Stored]:
        """The records of one case (or all), a snapshot."""
        with self._lock:
            return list(self._records if case_id is None else self._by_case.get(case_id, ()))

    def records(self, *, case_id: str | None = None, kind: str | None = None) -> Iterator[Stored]:
        """Every record (of a case, of a kind), in id order."""
        for stored in self._rows(case_id):
            if (case_id is None or stored.case_id == case_id) and (
                kind is None or stored.kind == kind
            ):
                yield stored

    def derived(self) -> Iterator[Derived]:
        """Every set of derived values, in record id order."""
        with self._lock:
            kept = sorted(self._derived.items())
        for _, derived in kept:
            yield derived

    def cases(self, only: Collection[str] | None = None) -> Iterator[CaseRecords]:
        """Every case's records and derived values (of ``only`` those cases), in case id order."""
        with self._lock:
            last = len(self._records)
            ids = sorted(self._by_case if only is None else set(only) & self._by_case.keys())
            derived = dict(self._derived)
        for case_id in ids:
            rows = tuple(s for s in self._rows(case_id) if s.id <= last)
            kept = {s.id: derived[s.id] for s in rows if s.id in derived}
            yield CaseRecords(case_id, rows, kept)

    def case_derived(
        self,
        basis: str,
        skip: Mapping[str, int] | None = None,
        only: Collection[str] | None = None,
    ) -> Iterator[CaseDerived]:
        """Every case's first and last record ids and the values of ``basis`` on its last record."""
        with self._lock:
            ends = {c: (rows[0].id, rows[-1].id) for c, rows in self._by_case.items()}
            kept = dict(self._case_derived)
        for case_id in sorted(ends if only is None else ends.keys() & set(only)):
            first, last = ends[case_id]
            if skip is not None and skip.get(case_id) == last:
                continue
            found = kept.get((last, basis))
            derived = found[1] if found is not None and found[0] == case_id else None
            yield CaseDerived(case_id, first, last, derived)

    def index_derived(
        self, basis: str, skip: Mapping[str, int] | None = None
    ) -> Iterator[tuple[str, int, Derived | None]]:
        """Each case's last record id, as its index row names it, and the values of ``basis``."""
        with self._lock:
            ends = {c: row.record_id for c, row in self._index.items()}
            kept = dict(self._case_derived)
        for case_id in sorted(ends):
            last = ends[case_id]
            if skip is not None and skip.get(case_id) == last:
                continue
            found = kept.get((last, basis))
            yield case_id, last, found[1] if found is not None and found[0] == case_id else None

    def index_rows(self, only: Collection[str] | None = None) -> Iterator[IndexRow]:
        """Every row of the case index (of ``only`` those cases), in case id order."""
        with self._lock:
            rows = dict(self._index)
        for case_id in sorted(rows if only is None else set(only) & rows.keys()):
            yield rows[case_id]

    def index_baselines(self) -> Iterator[tuple[Any, ...]]:
        """Every row's case, record, basis, latest day (ISO text) and baseline, by case id."""
        with self._lock:
            rows = list(self._index.values())
        return baseline_rows(rows)

    def index_unit(self, unit: str) -> list[IndexRow]:
        """The rows naming ``unit``, and every stale row (it names none), in case id order."""
        with self._lock:
            rows = list(self._index.values())
        return sorted((r for r in rows if r.unit == unit or r.stale), key=lambda r: r.case_id)

    def index_bases(self) -> frozenset[str]:
        """The distinct bases of the index's rows."""
        with self._lock:
            return frozenset(r.basis for r in self._index.values())

    def index_page(self, query: IndexQuery) -> tuple[list[IndexRow], int]:
        """The page of trusted rows ``query`` selects, and how many it selects in all."""
        with self._lock:
            rows = list(self._index.values())
        return select_rows(rows, query)

    def index_columns(self, query: IndexQuery, names: Sequence[str]) -> list[tuple[Any, ...]]:
        """The trusted rows ``query`` selects, as their columns ``names``, by case id."""
        with self._lock:
            rows = list(self._index.values())
        return column_rows(rows, query, names)

    def index_groups(self, query: IndexQuery, horizon: dt.date) -> list[IndexGroup]:
        """The trusted rows ``query`` selects, counted by instrument, level, sanction, standing."""
        found, _ = self.index_page(attrs.evolve(query, offset=0, limit=None))
        return group_rows(found, horizon, query.as_of)

    def index_untrusted(self, query: IndexQuery) -> list[IndexRow]:
        """Every row ``query`` would not trust, in case id order."""
        with self._lock:
            rows = list(self._index.values())
        return untrusted_rows(rows, query)

    def index_dues(self, query: IndexQuery) -> list[tuple[str, int, str]]:
        """The case, record and ``dues`` of each row that answers from them, by case id."""
        with self._lock:
            rows = list(self._index.values())
        return dues_rows(rows, query)

    def index_settled(self, bases: frozenset[str], before: dt.date) -> Settled:
        """The cases of rows of ``bases`` closed with every record dated before ``before``."""
        with self._lock:
            rows = list(self._index.values())
        return settled_rows(rows, bases, before)

    def index_totals(self, bases: frozenset[str], group: str) -> Totals:
        """The totals of ``group`` over the rows of ``bases``, and how many rows there are."""
        return counted_totals(self.index_counts(), bases, group)[0]

    def index_uncounted(self, bases: frozenset[str], group: str) -> dict[str, int]:
        """The rows not of ``bases`` or without counts of ``group``: each case, and its record."""
        return counted_totals(self.index_counts(), bases, group)[1]

    def index_counts(self) -> Iterator[Held]:
        """Every row's case, record, basis and counts (``None``: none), in case id order."""
        with self._lock:
            rows = [(c, r.record_id, r.basis, self._counts.get(c)) for c, r in self._index.items()]
        yield from sorted(rows)

    def index_total_rows(self) -> dict[tuple[str, str, str], int]:
        """Every total, by basis, group and key: the rows' counts added up when asked."""
        found: Counter[tuple[str, str, str]] = Counter()
        for row in self.index_counts():
            add_counts(found, row, self.name)
        return {key: n for key, n in found.items() if n}

    def get(self, record_id: int) -> Stored:
        """The record with that id (ids count from 1)."""
        if 1 <= record_id <= len(self._records):
            return self._records[record_id - 1]
        msg = f"record {record_id}: no such record (the store holds 1 to {len(self._records)})"
        raise HistoryError(
            msg,
            field="record",
            value=record_id,
            expected="a stored record id",
            code="history.record.unknown",
        )

    def case_ids(self) -> list[str]:
        """Every case id, in order of its first record."""
        with self._lock:
            return list(self._by_case)

    def count(self) -> int:
        """How many records the store holds."""
        with self._lock:
            return len(self._records)

    def audit(self) -> Iterator[AuditEntry]:
        """Every audit entry, in order."""
        with self._lock:
            yield from list(self._audit)

    def verify(
        self, *, expect: Head | None = None, progress: Callable[[int], None] | None = None
    ) -> Verification:
        """Check every record against the audit chain, and the chain against ``expect``.

        ``progress`` is called with the number of records just checked, every thousand.
        """
        with self._lock:
            records, audit, access = list(self._records), list(self._audit), list(self._access)
        rows: list[tuple[int, str | None]] = []
        for start in range(0, len(records), _STEP):
            step = records[start : start + _STEP]
            rows += [(s.id, record_hash(s.record)) for s in step]
            if progress is not None:
                progress(len(step))
        return check(rows, audit, expect=expect, access=access)

    def log_access(self, *accesses: Access) -> AccessEntry:
        """Append ``accesses`` to the access log, anchored at the audit chain's head.

        Returns the last one's entry.
        """
        with self._lock:
            last = self._last_entry()
            entries = chain_access(
                self._access[-1] if self._access else None,
                accesses,
                at=self._clock(),
                anchor_seq=0 if last is None else last.seq,
                anchor=GENESIS if last is None else last.sha256,
            )
            self._access += entries
            return entries[-1]

    def restore_access(self, entries: Iterable[AccessEntry]) -> None:
        """Load exported access entries verbatim into this store's empty access log."""
        found = list(entries)
        with self._lock:
            chain = [(e.seq, e.sha256) for e in self._audit]
            problem = restore_access_problem(found, chain, len(self._access))
            if problem is not None:
                code = "store.not_empty" if self._access else "store.integrity"
                raise StoreError("import refused: " + problem, path=self.name, code=code)
            self._access = found

    def access_log(self, *, actions: Collection[str] | None = None) -> Iterator[AccessEntry]:
        """Every access entry (of those actions), in order."""
        with self._lock:
            entries = list(self._access)
        for entry in entries:
            if actions is None or entry.access.action in actions:
                yield entry

    def restore(self, records: Iterable[Stored], audit: Iterable[AuditEntry]) -> None:
        """Load exported rows verbatim into this store, which must be empty."""
        rows, entries = list(records), list(audit)
        with self._lock:
            if self._records or self._audit or self._access:
                raise StoreError(
                    "cannot import into a store that holds records",
                    path=self.name,
                    code="store.not_empty",
                )
            problem = restore_problem(rows, entries)
            if problem is not None:
                raise StoreError(
                    "import refused: " + problem, path=self.name, code="store.integrity"
                )
            self._keep(rows)
            self._audit = entries
            self._index = {c: stale_row(c, mine[-1].id) for c, mine in self._by_case.items()}
            self._counts = {}

    def close(self) -> None:
        """Nothing to release."""
