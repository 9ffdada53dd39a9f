"""The ``Store`` protocol: what rnr needs from a database of case histories.

A case-management system can back rnr with its own database by providing
these few methods; :class:`~rnr.store.SQLiteStore` is the reference
implementation and :class:`~rnr.store.MemoryStore` the smallest one.

The contract:

- records are **append-only**: nothing is updated or deleted; a correction
  is a new record whose ``corrects`` names the record it replaces;
- :meth:`Store.write` opens one atomic block: every record appended in it is
  committed together, or none is (an exception inside the block rolls back);
  blocks of concurrent writers are serialised, and reads inside a block see
  every committed record, so checks made there hold at commit;
- every append gets a record id (increasing), a time stamp, the writer's
  name and the record's SHA-256, and one :class:`~rnr.store.AuditEntry`
  chained to the previous entry;
- :meth:`Store.verify` checks the records against the audit chain and
  reports every edited, inserted or deleted row;
- beside a record, a block may keep :class:`~rnr.store.Derived` values the
  service computed from it (a score, a level), and on a case's last record
  values computed from the whole case up to it (its timeline), so that a
  whole store can be read without recomputing them; they are outside the
  audit chain, and the service checks each one against its records when a
  store is verified.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import attrs

from rnr.store.access import Access, AccessEntry
from rnr.store.caseindex import IndexGroup, IndexQuery, IndexRow, Settled
from rnr.store.records import AuditEntry, CaseDerived, CaseRecords, Derived, Record, Stored
from rnr.store.totals import Held, Totals
from rnr.text import Message

if TYPE_CHECKING:
    from rnr.store.head import Head

__all__ = [
    "AccessLog",
    "CaseIndex",
    "IndexingTransaction",
    "Store",
    "Transaction",
    "Verification",
    "utc_now",
]


def utc_now() -> str:
    """The current UTC time, ISO 8601 with microseconds (the default clock)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


@attrs.frozen
class Verification:
    """The result of checking a store's records against its audit chain.

    Attributes:
        records: records read.
        entries: audit entries read.
        head: the SHA-256 of the last audit entry (keep it elsewhere to detect
            a rewritten chain).
        problems: one coded message (``verify.*``, see the message catalogue)
            per edited, inserted or deleted row, broken link, or kept value
            that differs from its records.
        derived: records whose derived values were recomputed and compared
            (by :func:`rnr.history.upkeep.verify_store`; the store alone
            cannot, and leaves 0).
        timelines: cases whose kept timeline was built again and compared
            (the same).
        access: entries of the access log checked (a store that keeps one).
        index: cases whose row of the case index was made again from their
            records and compared (by the service, as ``derived``).
        shares: a case's shares of a year's reports made again and compared
            (the same).
    """

    records: int
    entries: int
    head: str
    problems: tuple[Message, ...] = ()
    derived: int = 0
    timelines: int = 0
    access: int = 0
    index: int = 0
    shares: int = 0

    @property
    def ok(self) -> bool:
        """Whether no problem was found."""
        return not self.problems


@runtime_checkable
class Transaction(Protocol):
    """One atomic block of reads and appends (see :meth:`Store.write`)."""

    def records(self, *, case_id: str | None = None, kind: str | None = None) -> Iterator[Stored]:
        """Committed records (and those appended in this block), in id order."""
        ...

    def unchanged(self, rows: Sequence[Stored]) -> bool:
        """Whether ``rows``, every record of one case read before this block, are still all.

        When they are, reads of the case in the block may take them as they are.
        """
        ...

    def append(self, record: Record) -> Stored:
        """Append ``record``; it is stored when the block ends without an error."""
        ...

    def derive(self, derived: Derived) -> None:
        """Keep values derived from a record (appended in this block or before).

        A record has at most one set of derived values: the first kept stays.
        """
        ...

    def derived(self, case_id: str) -> Mapping[int, Derived]:
        """The derived values kept for the records of ``case_id`` (committed, and this block's)."""
        ...

    def derive_case(self, case_id: str, derived: Derived) -> None:
        """Keep values derived from the records of ``case_id`` up to ``derived.record_id``.

        That record must be the case's (the service checks, verifying); a
        record keeps at most one such set per ``basis``: the first kept stays.
        """
        ...

    def kept_case(
        self, case_id: str, record_id: int, bases: Collection[str]
    ) -> Mapping[str, Derived]:
        """The values of ``bases`` kept for ``case_id`` on its record ``record_id``, by basis.

        Those not kept there are left out.
        """
        ...


@runtime_checkable
class Store(Protocol):
    """An append-only store of case records with a hash-chained audit log."""

    @property
    def name(self) -> str:
        """The store's name in messages (the database file, for SQLite)."""
        ...

    def write(self, *, by: str) -> AbstractContextManager[Transaction]:
        """An atomic block of appends made by ``by`` (a person or a system)."""
        ...

    def records(self, *, case_id: str | None = None, kind: str | None = None) -> Iterator[Stored]:
        """Every record (of a case, of a kind), in id order."""
        ...

    def derived(self) -> Iterator[Derived]:
        """Every set of derived values, in record id order."""
        ...

    def cases(self, only: Collection[str] | None = None) -> Iterator[CaseRecords]:
        """Every case's records and derived values, one case at a time, in case id order.

        A whole store is read this way holding one case (and a page of
        rows) at a time: what a bulk report keeps grows with its answer, not
        with the store. Records appended while it runs are not included.
        ``only`` reads just those cases (an unknown id is skipped).
        """
        ...

    def case_derived(
        self,
        basis: str,
        skip: Mapping[str, int] | None = None,
        only: Collection[str] | None = None,
    ) -> Iterator[CaseDerived]:
        """Every case's first and last record ids and the values of ``basis`` on its last record.

        In case id order, without reading any record: a whole store's
        timelines come in one pass over the cases. A case of ``skip`` whose
        last record is the one it names is left out (a reader that has
        what it needs of it already); ``only`` reads just those cases (an
        unknown id is skipped).
        """
        ...

    def get(self, record_id: int) -> Stored:
        """The record with that id.

        Raises:
            HistoryError: ``history.record.unknown``, no such record.
        """
        ...

    def case_ids(self) -> list[str]:
        """Every case id, in order of the case's first record."""
        ...

    def count(self) -> int:
        """How many records the store holds (cheap: no record is read)."""
        ...

    def audit(self) -> Iterator[AuditEntry]:
        """Every audit entry, in order."""
        ...

    def verify(
        self, *, expect: Head | None = None, progress: Callable[[int], None] | None = None
    ) -> Verification:
        """Check every record against the audit chain, and the chain against ``expect``.

        ``progress`` is called with the number of records just checked, every
        thousand or so (a command line draws a bar with it).
        """
        ...

    def restore(self, records: Iterable[Stored], audit: Iterable[AuditEntry]) -> None:
        """Load exported records and audit entries verbatim into an *empty* store.

        Raises:
            StoreError: ``store.not_empty``, the store is not empty;
                ``store.integrity``, the rows do not verify.
        """
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...


@runtime_checkable
class AccessLog(Protocol):
    """A store that also keeps the service's access log (:mod:`rnr.store.access`).

    The HTTP service needs it; the command line and the library do not.
    """

    def log_access(self, *accesses: Access) -> AccessEntry:
        """Append ``accesses`` in one write, chained and anchored at the audit's head.

        Returns the last one's entry.
        """
        ...

    def access_log(self, *, actions: Collection[str] | None = None) -> Iterator[AccessEntry]:
        """Every entry (of those actions), in order."""
        ...

    def restore_access(self, entries: Iterable[AccessEntry]) -> None:
        """Load exported access entries verbatim into an *empty* access log (after :meth:`restore`).

        Raises:
            StoreError: ``store.not_empty``, the log holds entries;
                ``store.integrity``, the entries do not verify against the audit chain.
        """
        ...


@runtime_checkable
class IndexingTransaction(Protocol):
    """A write block that also keeps the case index (:mod:`rnr.store.caseindex`)."""

    def index_case(self, row: IndexRow, counts: str | None = None) -> None:
        """Keep ``row`` as its case's row of the index, replacing the one before.

        ``row.record_id`` must be the case's last record when the block ends:
        a block that appends to a case and keeps no row on its last record
        leaves a stale row there. ``counts``: what the row adds to the
        store's running totals (:mod:`rnr.store.totals`), which lose the
        counts of the row it replaces; a stale row carries none.
        """
        ...


@runtime_checkable
class CaseIndex(Protocol):
    """A store that keeps the case index: one row per case, upserted by each write block.

    The SQLite, PostgreSQL and memory stores do (their write blocks are
    :class:`IndexingTransaction`); a store that does not is read case by case.
    """

    @property
    def name(self) -> str:
        """The store's name in messages (as :attr:`Store.name`)."""
        ...

    def index_rows(self, only: Collection[str] | None = None) -> Iterator[IndexRow]:
        """Every row of the index (of ``only`` those cases), in case id order."""
        ...

    def index_unit(self, unit: str) -> list[IndexRow]:
        """The rows naming ``unit``, and every stale row (it names none), in case id order."""
        ...

    def index_derived(
        self, basis: str, skip: Mapping[str, int] | None = None
    ) -> Iterator[tuple[str, int, Derived | None]]:
        """Each case's last record id, as its index row names it, and the values of ``basis`` there.

        In case id order, read from the index without a scan of the records;
        a case of ``skip`` whose last record is the one it names is left out.
        """
        ...

    def index_baselines(self) -> Iterator[tuple[Any, ...]]:
        """Every row's case, record, basis, latest day (ISO text) and baseline, by case id."""
        ...

    def index_bases(self) -> frozenset[str]:
        """The distinct bases of the index's rows."""
        ...

    def index_page(self, query: IndexQuery) -> tuple[list[IndexRow], int]:
        """The page of trusted rows ``query`` selects, and how many it selects in all."""
        ...

    def index_columns(self, query: IndexQuery, names: Sequence[str]) -> list[tuple[Any, ...]]:
        """The trusted rows ``query`` selects, as their columns ``names``, by case id."""
        ...

    def index_groups(self, query: IndexQuery, horizon: dt.date) -> list[IndexGroup]:
        """The trusted rows ``query`` selects, counted by instrument, level, sanction, standing."""
        ...

    def index_untrusted(self, query: IndexQuery) -> list[IndexRow]:
        """Every row ``query`` would not trust (stale, another basis, later, replay), by case id."""
        ...

    def index_dues(self, query: IndexQuery) -> list[tuple[str, int, str]]:
        """The case, record and ``dues`` of each row that answers from them, by case id.

        The rows of a ``dated`` query's bases (and unit) with a record after
        its day that keep dues (:meth:`~rnr.store.caseindex.IndexQuery.dated_row`).
        """
        ...

    def index_settled(self, bases: frozenset[str], before: dt.date) -> Settled:
        """The cases of rows of ``bases`` closed with every record dated before ``before``."""
        ...

    def index_totals(self, bases: frozenset[str], group: str) -> Totals:
        """The running totals of ``group`` over the rows of ``bases``, and how many rows there are.

        Both for the same moment (:mod:`rnr.store.totals`).
        """
        ...

    def index_uncounted(self, bases: frozenset[str], group: str) -> dict[str, int]:
        """The rows not of ``bases`` or without counts of ``group``: each case, and its record."""
        ...

    def index_counts(self) -> Iterator[Held]:
        """Every row's case, record, basis and counts (``None``: none), in case id order."""
        ...

    def index_total_rows(self) -> dict[tuple[str, str, str], int]:
        """Every running total the store keeps, by basis, group and key (zeros left out)."""
        ...
