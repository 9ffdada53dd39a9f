"""A caseload: one page of the open cases, searched and sorted in the store.

:func:`caseload` answers what a caseload page asks (the open cases of a
unit, or all, whose id holds a text, optionally only the overdue ones,
sorted by a column, one page of them, and how many there are in all) from
the store's case index (:mod:`rnr.history.caseindex`): the database
filters, sorts and cuts the page, so a page of a 100,000-case store costs
what a query costs, not a reading of every case. Cases whose kept row does
not hold on the day (a definition loaded with another hash, records dated
after the day, a row left stale by a writer that kept none) are read from
their records and merged in; the answer is the same either way, and equal
to filtering, sorting and cutting every case's summary (a property test
says so).

>>> import datetime as dt
>>> from rnr.store import MemoryStore
>>> found = caseload(MemoryStore(), as_of=dt.date(2025, 1, 1))
>>> found.entries, found.total
((), 0)
"""

from __future__ import annotations

import datetime as dt

import attrs

from rnr.change.rci import CATEGORIES
from rnr.errors import InvalidArgumentError
from rnr.history.access import case_units, check_units
from rnr.history.bulk import iter_summaries
from rnr.history.caseindex import (
    ON_DAY,
    change_of,
    due_of,
    read_rows,
    rows_on,
    summary_row,
    trusted_bases,
    untrusted,
)
from rnr.history.definitions import Definitions
from rnr.history.summary import CaseAt, Reading
from rnr.indicators.caseload import CaseSummary, Due, StepSummary
from rnr.indicators.overview import (
    SOON_DAYS,
    OpenCase,
    OpenCount,
    UnitOverview,
    count_overview,
    horizon,
    unit_overview,
)
from rnr.store.caseindex import ORDERS, IndexQuery, IndexRow, group_rows, select_rows
from rnr.store.protocol import CaseIndex, Store

__all__ = [
    "ORDERS",
    "CaseEntry",
    "Caseload",
    "caseload",
    "entry_row",
    "overview",
    "summary_rows",
]


@attrs.frozen
class CaseEntry:
    """One open case of a caseload: what its row shows.

    Attributes:
        rank: the position of ``risk_level`` among the instrument's levels (-1: none).
        assessed_on: the date of the latest assessment.
        due: the next reassessment (``None``: none).
        last_change: the last change of the primary scale, with its reliable
            change category (``None``: fewer than two comparable assessments).
    """

    case_id: str
    unit: str | None
    regime: str
    instrument: str
    sanction: str | None
    risk_level: str | None
    rank: int
    assessed_on: dt.date
    due: Due | None
    last_change: StepSummary | None = None

    @property
    def reliable(self) -> str | None:
        """The reliable change category of the last change (``None``: none)."""
        return None if self.last_change is None else self.last_change.reliable

    def days_overdue(self, as_of: dt.date) -> int:
        """Days past the next reassessment on ``as_of`` (0: not due yet, or none)."""
        return 0 if self.due is None else self.due.days_overdue(as_of)

    @classmethod
    def of(cls, row: IndexRow, *, source: str | None = None) -> CaseEntry:
        """The entry of a row of the index that a list selected (``source``: its store)."""
        assert row.regime is not None
        assert row.instrument is not None
        assert row.assessed_on is not None
        return cls(
            row.case_id,
            row.unit,
            row.regime,
            row.instrument,
            row.sanction,
            row.risk_level,
            -1 if row.rank is None else row.rank,
            row.assessed_on,
            due_of(row, source=source),
            change_of(row, source=source),
        )


@attrs.frozen
class Caseload:
    """One page of a caseload, and how many cases the whole list holds."""

    entries: tuple[CaseEntry, ...]
    total: int
    as_of: dt.date


def caseload(
    store: Store,
    *,
    as_of: dt.date,
    defs: Definitions | None = None,
    unit: str | None = None,
    search: str = "",
    overdue: bool = False,
    change: str | None = None,
    order: str = "case",
    descending: bool = False,
    offset: int = 0,
    limit: int | None = 25,
) -> Caseload:
    """One page of the cases open on ``as_of``.

    Args:
        store: the case store.
        as_of: the day of the list.
        defs: the definitions (default: the shipped ones).
        unit: only the cases opened under this unit (``None``: every case):
            those the index lists under it, each of the page confirmed from
            its records (:func:`rnr.history.access.check_units`).
        search: only the cases whose id holds this text (case ignored).
        overdue: only the cases whose reassessment was due before ``as_of``.
        change: only the cases whose last change is of this reliable change
            category (``improvement``, ``none``, ``deterioration`` or
            ``not_computable``; ``None``: every case).
        order: ``case`` (the case id), ``rank`` (the effective risk level's
            rank among the instrument's levels), ``sanction``, ``due`` (the
            next reassessment; none last) or ``late`` (days overdue); ties go
            by case id.
        descending: the order reversed, ties included.
        offset: cases skipped.
        limit: cases given at most (``None``: all).

    Raises:
        InvalidArgumentError: an unknown order or change category, a
            negative offset or limit.
        StoreIntegrityError: a case read from its records has an
            assessment's instrument or a decision's policy changed since;
            the index lists a case under ``unit`` that is not of it.
    """
    if order not in ORDERS:
        raise InvalidArgumentError("order", order, f"one of {', '.join(ORDERS)}")
    if change is not None and change not in CATEGORIES:
        raise InvalidArgumentError("change", change, f"one of {', '.join(CATEGORIES)}")
    for name, value in (("offset", offset), ("limit", limit)):
        if value is None and name == "limit":
            continue
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidArgumentError(name, value, "a whole number, 0 or more")
    defs = defs or Definitions.shipped()
    reading = Reading(defs)
    query = IndexQuery(
        as_of,
        frozenset({ON_DAY}),
        unit=unit,
        any_unit=unit is None,
        search=search.casefold(),
        overdue=overdue,
        change=change,
        order=order,
        descending=descending,
        offset=offset,
        limit=limit,
    )
    if isinstance(store, CaseIndex):
        rows, total = read_rows(store, query, reading=reading)
        check_units(store, [r.case_id for r in rows], unit)
    else:
        rows, total = select_rows(summary_rows(store, as_of=as_of, defs=defs), query)
    return Caseload(tuple(CaseEntry.of(r, source=store.name) for r in rows), total, as_of)


def overview(
    store: Store,
    *,
    as_of: dt.date,
    defs: Definitions | None = None,
    unit: str | None = None,
    soon_days: int = SOON_DAYS,
) -> UnitOverview:
    """The counts of the cases open on ``as_of`` (of ``unit``; ``None``: every case).

    Equal to :func:`~rnr.indicators.overview.unit_overview` of every open
    case the caseload lists, with no row read: the database counts the rows
    it trusts by instrument, level, sanction and standing; the cases it
    does not trust are read from their records and counted in Python.

    Raises:
        InvalidArgumentError: ``soon_days`` is not a whole number of 0 or more.
        StoreIntegrityError: as :func:`caseload`.
    """
    defs = defs or Definitions.shipped()
    if not isinstance(store, CaseIndex):
        found = caseload(store, as_of=as_of, defs=defs, unit=unit, limit=None)
        cases = (
            OpenCase(e.instrument, e.risk_level, e.sanction, e.due, e.reliable)
            for e in found.entries
        )
        return unit_overview(cases, as_of=as_of, soon_days=soon_days)
    last = horizon(as_of, soon_days)
    reading = Reading(defs)
    query = IndexQuery(
        as_of,
        trusted_bases(store.index_bases(), defs),
        unit=unit,
        any_unit=unit is None,
    )
    groups = store.index_groups(query, last)
    others = untrusted(store, query)
    if others:
        assert isinstance(store, Store)
        made = rows_on(store, others, as_of=as_of, reading=reading, basis=ON_DAY)
        mine, _ = select_rows(made, attrs.evolve(query, bases=frozenset({ON_DAY})))
        groups += group_rows(mine, last, as_of)
    counts = (
        OpenCount(str(g.instrument), g.risk_level, g.sanction, g.standing, g.reliable, g.count)
        for g in groups
    )
    return count_overview(counts, as_of=as_of, soon_days=soon_days)


def summary_rows(store: Store, *, as_of: dt.date, defs: Definitions) -> list[IndexRow]:
    """Every case's row made from its summary on ``as_of`` (:func:`entry_row`), with its unit.

    What a list selects from in a store that keeps no case index.
    """
    units = case_units(store)
    return [
        entry_row(s, unit=units.get(s.case_id), as_of=as_of, defs=defs)
        for _, s in iter_summaries(store, as_of=as_of, defs=defs)
    ]


def entry_row(
    summary: CaseSummary, *, unit: str | None, as_of: dt.date, defs: Definitions
) -> IndexRow:
    """The row of a case's summary on ``as_of``, as a list selects it (basis :data:`ON_DAY`).

    What :func:`caseload` selects from for a store without a case index, and
    what the property tests select from to check it.
    """
    return summary_row(
        CaseAt.of(summary),
        record_id=0,
        basis=ON_DAY,
        unit=unit,
        latest_on=as_of,
        due=summary.next_due,
        defs=defs,
    )
