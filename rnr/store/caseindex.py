"""The case index: one row per case, with typed columns for what lists of cases need.

A caseload page or a due list of a whole store must not decode every case's
timeline. The history service therefore keeps, in the same write block as
each case's timeline, an :class:`IndexRow` of the case: its unit, regime,
instrument, sanction, effective risk level (and its rank among the
instrument's levels), the dates of its opening, last assessment and latest
record, when it closed and when it is next due for reassessment. A store
keeps one row per case and replaces it at each write (an upsert: unlike
records, the index is derived and may be rewritten), so lists filter, sort
and cut pages in the database (:meth:`IndexReads.index_page`).

The store knows nothing of what the columns mean; it only guarantees that a
row names the last record of its case: a write block that appends to a case
and keeps no row for it leaves a **stale** row (``basis`` empty, every
column empty) on the case's last record, which readers take as "read this
case from its records". The history service checks each row's ``basis``
(the hashes of the definitions it was computed with) before trusting it,
and ``rnr store verify`` recomputes every row from the records.

>>> row = IndexRow("c-1", 3, "", None)
>>> row.stale, row.folded
(True, 'c-1')
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.dates import Standing, standing
from rnr.errors import StoreIntegrityError

__all__ = [
    "CASE_INDEX_V7",
    "CASE_INDEX_V8",
    "CASE_INDEX_V10",
    "CHANGE_COLUMNS",
    "DOUBT",
    "INDEX_COLUMNS",
    "INDEX_NAMES",
    "ORDERS",
    "STALE_EVERY_CASE",
    "UPSERT_INDEX",
    "IndexGroup",
    "IndexQuery",
    "IndexReads",
    "IndexRow",
    "Settled",
    "baseline_rows",
    "column_rows",
    "dues_rows",
    "group_rows",
    "index_row_of",
    "iso_day",
    "refused_row",
    "select_rows",
    "settled_rows",
    "stale_row",
    "untrusted_rows",
]

#: The orders of a page of the index: by case id, risk rank, sanction, next reassessment, lateness.
ORDERS = ("case", "rank", "sanction", "due", "late")

#: The columns of a row's last change (version 8), with their SQL types.
_CHANGE_TYPES = (
    ("previous_on", "TEXT"),
    ("previous_total", "INTEGER"),
    ("previous_level", "TEXT"),
    ("current_total", "INTEGER"),
    ("current_level", "TEXT"),
    ("delta", "INTEGER"),
    ("transition", "TEXT"),
    ("rci", "DOUBLE PRECISION"),
    ("reliable", "TEXT"),
)
#: The columns of a row's last change (schema version 8), in that order.
CHANGE_COLUMNS = tuple(name for name, _ in _CHANGE_TYPES)
#: The change columns of a row without one.
_NO_CHANGE = (None,) * len(CHANGE_COLUMNS)
#: Every column of the ``case_index`` table, in the order of :meth:`IndexRow.row`.
INDEX_COLUMNS = (
    "case_id, record_id, basis, folded, unit, regime, instrument, sanction, risk_level,"
    " rank, opened_on, assessed_on, latest_on, closed_on, due_on, due, replay, baseline, "
    + ", ".join(CHANGE_COLUMNS)
    + ", dues"
)
#: The name of each column of :data:`INDEX_COLUMNS`, in order.
INDEX_NAMES = tuple(c.strip() for c in INDEX_COLUMNS.split(","))
#: One row kept per case, with its counts (:mod:`rnr.store.totals`): a row on a later record
#: (or the same) replaces it, never one on an earlier record (a row made outside a write block,
#: by a fill, may be late). The same SQL in SQLite and PostgreSQL.
UPSERT_INDEX = (
    f"INSERT INTO case_index ({INDEX_COLUMNS}, counts)"
    f" VALUES ({', '.join('?' * (len(INDEX_NAMES) + 1))})"
    f" ON CONFLICT (case_id) DO UPDATE SET"
    f" {', '.join(f'{n} = excluded.{n}' for n in (*INDEX_NAMES[1:], 'counts'))}"
    " WHERE excluded.record_id >= case_index.record_id"
)

#: The rows no reader trusts whatever its definitions: the test of the partial index
#: ``case_index_doubt`` (the same words, so that the database uses it).
DOUBT = "replay <> 0 OR latest_on IS NULL OR assessed_on IS NULL"

#: The due order's first column (a case without a next reassessment last).
_DUE = "coalesce(due_on, '9999-12-31')"
#: The columns every list tests, as schema version 7 indexed them for the open cases.
_TESTED_V7 = (
    "replay, latest_on, assessed_on, basis, unit, due_on, closed_on, folded,"
    " instrument, risk_level, sanction"
)
#: The index of the open cases' tested columns, as of version 8 (to count without reading rows).
_TESTED = (
    f"CREATE INDEX case_index_open ON case_index ({_TESTED_V7}, reliable) WHERE closed_on IS NULL"
)
#: The indexes of the open cases (``WHERE closed_on IS NULL``) by each order.
_ORDERED = (
    ("case_index_open_case", "case_id"),
    ("case_index_open_due", f"({_DUE}), case_id"),
    ("case_index_open_rank", "(coalesce(rank, -1)), case_id"),
    ("case_index_open_sanction", "(coalesce(sanction, '')), case_id"),
    ("case_index_open_late", "due_on, case_id"),
)
#: Schema version 7 (the same SQL in SQLite and PostgreSQL): each row's ``baseline``, and the
#: indexes a caseload page walks: of the open cases, the columns every list tests (to count
#: without reading the rows) and one per order; the rows a reader cannot trust, and those with
#: a later record.
CASE_INDEX_V7 = (
    "ALTER TABLE case_index ADD COLUMN baseline TEXT",
    f"CREATE INDEX case_index_open ON case_index ({_TESTED_V7}) WHERE closed_on IS NULL",
    *(f"CREATE INDEX {name} ON case_index ({on}) WHERE closed_on IS NULL" for name, on in _ORDERED),
    "CREATE INDEX case_index_latest ON case_index (latest_on)",
    f"CREATE INDEX case_index_doubt ON case_index (case_id) WHERE {DOUBT}",
)

#: Schema version 8 (the same SQL in SQLite and PostgreSQL): each row's last change of the
#: primary scale, in typed columns, and its reliable change category (``reliable``), which lists
#: filter on and overviews count, so the index of the open cases' tested columns holds it too.
CASE_INDEX_V8 = (
    *(f"ALTER TABLE case_index ADD COLUMN {name} {kind}" for name, kind in _CHANGE_TYPES),
    "DROP INDEX IF EXISTS case_index_open",
    _TESTED,
)

#: Schema version 10 (the same SQL in SQLite and PostgreSQL): each row's ``dues``, the days on
#: which the case's next reassessment changed, so that a due list of an earlier day reads them
#: instead of the case's timeline.
CASE_INDEX_V10 = ("ALTER TABLE case_index ADD COLUMN dues TEXT",)

#: A stale row on the last record of every case (after a restore, or a migration from version 5).
STALE_EVERY_CASE = (
    "INSERT INTO case_index (case_id, record_id, basis, folded)"
    " SELECT case_id, max(id), '', lower(case_id) FROM records GROUP BY case_id"
)


def _strings(given: Iterable[str]) -> frozenset[str]:
    return frozenset(given)


def _day(text: Any) -> dt.date | None:
    return None if text is None else iso_day(str(text))


@functools.lru_cache(maxsize=8192)
def iso_day(text: str) -> dt.date:
    """A date column's day, parsed once per text (a caseload's rows share a few thousand days).

    Raises:
        ValueError: ``text`` is not a day as a row holds one (``YYYY-MM-DD``;
            not ``YYYYMMDD``, which Python also reads).
    """
    day = dt.date.fromisoformat(text)
    if day.isoformat() != text:
        raise ValueError(f"not a day written YYYY-MM-DD: {text!r}")
    return day


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


@attrs.frozen
class IndexRow:
    """One case's row of the index (see the module docstring).

    Attributes:
        case_id: the case.
        record_id: the case's last record when the row was made.
        basis: what it was computed with (the service's canonical JSON of
            the definitions' hashes); empty for a stale row.
        unit: the unit (office) the case was opened under.
        regime: ``adult`` or ``juvenile``.
        instrument: the instrument version of the latest assessment.
        sanction: the sanction or penalty code of the latest decision.
        risk_level: the effective risk level of the latest decision.
        rank: the position of ``risk_level`` among the instrument's levels (-1: none).
        opened_on: when the case was opened.
        assessed_on: the date of the latest assessment.
        latest_on: the date of the latest record of any kind: the row holds
            for any day on or after it.
        closed_on: when a discharge or revocation closed it.
        due_on: the next reassessment (``None``: none, or ``replay``).
        due: the rest of the next reassessment, as the service's JSON text.
        replay: only a replay of the case says when it is next due.
        baseline: what a validity study reads of the case, as the service's
            JSON text (its first assessment, the groups, the events' dates).
        change: the last change of the primary scale, between the two
            latest assessments (the later is ``assessed_on``), as the
            columns of :data:`CHANGE_COLUMNS` hold it (``None``: every one
            empty, fewer than two comparable assessments): the earlier's
            date (its ISO text), total and level; the later's total and
            level; the difference, the level's ``transition`` (``up``,
            ``down``, ``same``), the reliable change index (``None``: not
            computable) and its category (:attr:`reliable`). Read as they
            are: only a reader of the change makes it into values
            (:func:`rnr.history.caseindex.change_of`), so lists that do not
            show it do not pay for it.
        dues: each day on which the case's next reassessment changed, up to
            its latest record, and what it was from then on, as
            :mod:`rnr.history.dues` writes them (``None``: no assessment);
            what a due list of a day before ``latest_on`` reads.
    """

    case_id: str
    record_id: int
    basis: str
    unit: str | None
    regime: str | None = None
    instrument: str | None = None
    sanction: str | None = None
    risk_level: str | None = None
    rank: int | None = None
    opened_on: dt.date | None = None
    assessed_on: dt.date | None = None
    latest_on: dt.date | None = None
    closed_on: dt.date | None = None
    due_on: dt.date | None = None
    due: str | None = None
    replay: bool = False
    baseline: str | None = None
    change: tuple[Any, ...] | None = None
    dues: str | None = None

    @property
    def reliable(self) -> str | None:
        """The reliable change category of the last change (``None``: none)."""
        found: str | None = None if self.change is None else self.change[-1]
        return found

    @property
    def stale(self) -> bool:
        """Whether the row says nothing (records were appended without one)."""
        return not self.basis

    @property
    def folded(self) -> str:
        """The case id casefolded (what a search compares)."""
        return self.case_id.casefold()

    def row(self) -> tuple[Any, ...]:
        """The row's columns, in the order of :data:`INDEX_COLUMNS`."""
        return (
            self.case_id,
            self.record_id,
            self.basis,
            self.folded,
            self.unit,
            self.regime,
            self.instrument,
            self.sanction,
            self.risk_level,
            self.rank,
            _iso(self.opened_on),
            _iso(self.assessed_on),
            _iso(self.latest_on),
            _iso(self.closed_on),
            _iso(self.due_on),
            self.due,
            1 if self.replay else 0,
            self.baseline,
            *(self.change or _NO_CHANGE),
            self.dues,
        )


def index_row_of(columns: Sequence[Any], *, source: str | None = None) -> IndexRow:
    """The :class:`IndexRow` of a row of the table (columns of :data:`INDEX_COLUMNS`).

    Raises:
        StoreIntegrityError: a column holds what the table never does (a
            row edited by hand), naming the case, its record and ``source``.
    """
    try:
        head, dates, change = columns[:10], columns[10:18], tuple(columns[18:-1])
        case_id, record_id, basis, _, unit, regime, instrument, sanction, risk, rank = head
        opened, assessed, latest, closed, due_on, due, replay, baseline = dates
        return IndexRow(
            str(case_id),
            int(record_id),
            str(basis),
            unit,
            regime,
            instrument,
            sanction,
            risk,
            None if rank is None else int(rank),
            _day(opened),
            _day(assessed),
            _day(latest),
            _day(closed),
            _day(due_on),
            due,
            bool(replay),
            baseline,
            None if change == _NO_CHANGE else change,
            columns[-1],
        )
    except (TypeError, ValueError) as exc:
        record = columns[1] if len(columns) > 1 and isinstance(columns[1], int) else None
        raise refused_row(columns[0], record, f"is out of shape ({exc})", source) from exc


def refused_row(
    case_id: Any, record: int | None, what: str, source: str | None
) -> StoreIntegrityError:
    """The error of a row of the case index edited by hand, naming its case, record and ``what``."""
    msg = f"case {case_id}: its row of the case index {what}; run verify"
    return StoreIntegrityError(msg, path=source, record=record)


def stale_row(case_id: str, record_id: int) -> IndexRow:
    """The row a block leaves on a case it appended to without keeping one."""
    return IndexRow(case_id, record_id, "", None)


@attrs.frozen
class IndexQuery:
    """Which rows of the index a list wants, in what order, and which page.

    Only **trusted** rows are selected: of a ``basis`` in ``bases``, holding
    on ``as_of`` (``latest_on`` on or before it), with a latest assessment,
    open (no ``closed_on``) and not needing a replay.

    Attributes:
        as_of: the day of the list.
        bases: the bases the caller trusts.
        unit: only the cases of this unit (``None`` with ``any_unit``: every case).
        any_unit: whether ``unit`` is ignored.
        search: only the case ids whose casefolded form holds this (casefolded) text.
        overdue: only the cases due before ``as_of``.
        due_only: only the cases with a next reassessment.
        change: only the cases whose last change is of this reliable change
            category (``None``: any, or none yet).
        order: one of :data:`ORDERS`; ties go by case id.
        descending: the order reversed (ties too).
        offset: rows skipped.
        limit: rows given at most (``None``: all).
        after: only the rows past this key of the ``due`` order (a due date
            and a case id), ascending: the page after a cursor's.
        dated: whether the rows of ``bases`` with records after ``as_of``
            answer from their ``dues`` (:meth:`dated_row`): those are not
            counted among the rows the query does not trust
            (:meth:`IndexReads.index_untrusted`), and a due list reads them
            (:meth:`IndexReads.index_dues`).
    """

    as_of: dt.date
    bases: frozenset[str] = attrs.field(converter=_strings)
    unit: str | None = None
    any_unit: bool = True
    search: str = ""
    overdue: bool = False
    due_only: bool = False
    change: str | None = None
    order: str = attrs.field(default="case", validator=attrs.validators.in_(ORDERS))
    descending: bool = False
    offset: int = 0
    limit: int | None = None
    after: tuple[dt.date, str] | None = attrs.field(default=None)
    dated: bool = False

    @after.validator
    def _check_after(self, _: attrs.Attribute[Any], value: tuple[dt.date, str] | None) -> None:
        if value is not None and (self.order != "due" or self.descending):
            msg = f"after: a key of the due order, ascending (got order {self.order!r})"
            raise ValueError(msg)

    def trusted(self, row: IndexRow) -> bool:
        """Whether ``row`` is one the query may answer with."""
        return (
            row.basis in self.bases
            and not row.replay
            and row.latest_on is not None
            and row.latest_on <= self.as_of
            and row.assessed_on is not None
        )

    def dated_row(self, row: IndexRow) -> bool:
        """Whether ``row`` answers from its ``dues``: of ``bases``, with records after the day."""
        return (
            self.dated
            and row.basis in self.bases
            and row.dues is not None
            and row.latest_on is not None
            and row.latest_on > self.as_of
        )

    def matches(self, row: IndexRow) -> bool:
        """Whether a trusted ``row`` is selected."""
        if row.closed_on is not None:
            return False
        if not self.any_unit and row.unit != self.unit:
            return False
        if self.search and self.search not in row.folded:
            return False
        if self.overdue and not (row.due_on is not None and row.due_on < self.as_of):
            return False
        if self.after is not None and self.key(row) <= self.after:
            return False
        if self.change is not None and row.reliable != self.change:
            return False
        return not (self.due_only and row.due_on is None)

    def key(self, row: IndexRow) -> tuple[Any, ...]:
        """The sort key of ``row`` (ascending)."""
        if self.order == "rank":
            return (-1 if row.rank is None else row.rank, row.case_id)
        if self.order == "sanction":
            return (row.sanction or "", row.case_id)
        if self.order == "due":
            return (row.due_on or dt.date.max, row.case_id)
        if self.order == "late":
            due = row.due_on if row.due_on is not None and row.due_on < self.as_of else self.as_of
            return (-due.toordinal(), row.case_id)
        return (row.case_id,)


def untrusted_rows(rows: Iterable[IndexRow], query: IndexQuery) -> list[IndexRow]:
    """The rows ``query`` would not trust, in case id order (plain Python)."""
    found = (r for r in rows if not query.trusted(r) and not query.dated_row(r))
    return sorted(found, key=lambda r: r.case_id)


def dues_rows(rows: Iterable[IndexRow], query: IndexQuery) -> list[tuple[str, int, str]]:
    """The case, record and ``dues`` of the rows that answer from them, by case id (plain Python).

    What :meth:`IndexReads.index_dues` answers, for rows a store holds in memory.
    """
    found = [
        (r.case_id, r.record_id, r.dues)
        for r in rows
        if query.dated_row(r) and r.dues is not None and (query.any_unit or r.unit == query.unit)
    ]
    return sorted(found)


#: The rows of cases closed with every record dated before a day (``?``), and an assessment.
_SETTLED = "closed_on IS NOT NULL AND assessed_on IS NOT NULL AND latest_on < ?"


@attrs.frozen
class Settled:
    """The cases whose rows say they closed with every record dated before a day.

    What a report of a later year needs of them is in their rows: their
    timelines need not be read (:meth:`IndexReads.index_settled`).

    Attributes:
        last: each case's last record (the row's ``record_id``).
        sanctions: the sanctions of their latest decisions.
        latest_on: the latest date of any of their records (``None``: no case).
    """

    last: Mapping[str, int] = attrs.field(converter=frozen_map)
    sanctions: frozenset[str] = frozenset()
    latest_on: dt.date | None = None


def settled_rows(rows: Iterable[IndexRow], bases: frozenset[str], before: dt.date) -> Settled:
    """The :class:`Settled` cases of ``rows`` (plain Python)."""
    found = [
        r
        for r in rows
        if r.basis in bases
        and r.closed_on is not None
        and r.assessed_on is not None
        and r.latest_on is not None
        and r.latest_on < before
    ]
    return Settled(
        {r.case_id: r.record_id for r in found},
        frozenset(r.sanction for r in found if r.sanction is not None),
        max((r.latest_on for r in found if r.latest_on is not None), default=None),
    )


@attrs.frozen
class IndexGroup:
    """How many selected rows share an instrument, a level, a sanction, a standing and a change.

    ``reliable``: the reliable change category of the last change (``None``: none yet).
    """

    instrument: str | None
    risk_level: str | None
    sanction: str | None
    standing: Standing
    reliable: str | None
    count: int


def group_rows(rows: Iterable[IndexRow], horizon: dt.date, as_of: dt.date) -> list[IndexGroup]:
    """``rows`` counted by instrument, level, sanction, standing and change (plain Python)."""
    found = Counter(
        (r.instrument, r.risk_level, r.sanction, standing(r.due_on, as_of, horizon), r.reliable)
        for r in rows
    )
    return [IndexGroup(*key, n) for key, n in found.items()]


def select_rows(rows: Iterable[IndexRow], query: IndexQuery) -> tuple[list[IndexRow], int]:
    """The page of ``rows`` a query selects, and how many it selects in all (plain Python)."""
    found = [r for r in rows if query.trusted(r) and query.matches(r)]
    found.sort(key=query.key, reverse=query.descending)
    end = None if query.limit is None else query.offset + query.limit
    return found[query.offset : end], len(found)


def column_rows(
    rows: Iterable[IndexRow], query: IndexQuery, names: Sequence[str]
) -> list[tuple[Any, ...]]:
    """The rows ``query`` selects, as their columns ``names``, by case id (plain Python).

    What :meth:`IndexReads.index_columns` answers, for rows a store holds in memory.
    """
    at = _positions(names)
    found, _ = select_rows(rows, attrs.evolve(query, order="case", offset=0, limit=None))
    return [tuple(columns[i] for i in at) for columns in map(IndexRow.row, found)]


def baseline_rows(rows: Iterable[IndexRow]) -> Iterator[tuple[Any, ...]]:
    """What :meth:`IndexReads.index_baselines` answers, for rows a store holds in memory."""
    for r in sorted(rows, key=lambda r: r.case_id):
        yield r.case_id, r.record_id, r.basis, _iso(r.latest_on), r.baseline


def _positions(names: Sequence[str]) -> list[int]:
    """Where each of ``names`` is among a row's columns.

    Raises:
        ValueError: a name that is no column of the case index.
    """
    unknown = sorted(set(names) - set(INDEX_NAMES))
    if unknown:
        raise ValueError(f"names: {unknown} are not columns of the case index")
    return [INDEX_NAMES.index(n) for n in names]


def _where(query: IndexQuery, contains: str, plain: str = "") -> tuple[str, list[Any]]:
    """The ``WHERE`` clause of a query over ``case_index`` and its parameters.

    ``contains``: the database's test that ``folded`` holds the parameter.
    ``plain``: put before the columns of the tests every list makes, so that
    the database does not pick their index to find the rows (SQLite's ``+``):
    a page is best found by walking the index of its order; ``closed_on IS
    NULL`` stays as it is, since the indexes of the orders hold only the open
    cases.
    """
    bases = sorted(query.bases)
    if not bases:
        return "1 = 0", []
    day = query.as_of.isoformat()
    where = [
        f"{plain}basis IN ({', '.join('?' * len(bases))})",
        f"{plain}replay = 0",
        f"{plain}latest_on <= ?",
        f"{plain}assessed_on IS NOT NULL",
        "closed_on IS NULL",
    ]
    args: list[Any] = [*bases, day]
    if not query.any_unit:
        if query.unit is None:
            where.append("unit IS NULL")
        else:
            where.append("unit = ?")
            args.append(query.unit)
    if query.search:
        where.append(contains)
        args.append(query.search)
    if query.overdue:
        where.append(f"{plain}due_on < ?")
        args.append(day)
    if query.due_only:
        where.append(f"{plain}due_on IS NOT NULL")
    if query.change is not None:
        where.append(f"{plain}reliable = ?")
        args.append(query.change)
    if query.after is not None:  # a range of the index of the due order, then the ties
        day, case_id = query.after[0].isoformat(), query.after[1]
        where.append(f"{_DUE} >= ? AND ({_DUE} > ? OR case_id > ?)")
        args += [day, day, case_id]
    return " AND ".join(where), args


#: One part of a page's order: a further test, its parameters, and the ``ORDER BY``.
_Part = tuple[str, list[Any], str]


def _parts(query: IndexQuery) -> list[_Part]:
    """The parts of the query's order, each sorted by an index of the open cases, in turn.

    Every order but ``late`` is one part. Lateness sorts the cases not
    overdue (all as late as each other: by case id) before the overdue ones
    (by their due date, the latest first), or after them when descending;
    so it is two parts, each walked along an index, instead of one sort of
    every open case.
    """
    up, down = ("DESC", "ASC") if query.descending else ("ASC", "DESC")
    if query.order == "rank":
        return [("", [], f"coalesce(rank, -1) {up}, case_id {up}")]
    if query.order == "sanction":
        return [("", [], f"coalesce(sanction, '') {up}, case_id {up}")]
    if query.order == "due":
        return [("", [], f"{_DUE} {up}, case_id {up}")]
    if query.order == "late":
        day = query.as_of.isoformat()
        late: _Part = ("due_on < ?", [day], f"due_on {down}, case_id {up}")
        if query.overdue:
            return [late]
        rest: _Part = ("(due_on IS NULL OR due_on >= ?)", [day], f"case_id {up}")
        return [late, rest] if query.descending else [rest, late]
    return [("", [], f"case_id {up}")]


class IndexReads:
    """The reads of the case index over the ``case_index`` table, for any SQL database.

    A subclass runs queries in ``_query`` (``?`` for a parameter) and says
    in ``_contains`` how its database tests that a text holds another.
    """

    _contains = "instr(folded, ?) > 0"
    #: Put before a column to keep the database from finding rows by its index (:func:`_where`).
    _plain = ""
    #: The store's name, as its errors give it.
    _name: str

    def _query(self, conn: Any, sql: str, args: tuple[Any, ...]) -> list[Any]:
        raise NotImplementedError

    def _row(self, columns: Sequence[Any]) -> IndexRow:
        return index_row_of(columns, source=self._name)

    def index_rows(self, only: Collection[str] | None = None) -> Iterator[IndexRow]:
        """Every row of the index (of ``only`` those cases), in case id order."""
        if only is not None:
            ids = sorted(set(only))
            for start in range(0, len(ids), 500):
                part = ids[start : start + 500]
                marks = ", ".join("?" * len(part))
                found = self._query(
                    None,
                    f"SELECT {INDEX_COLUMNS} FROM case_index WHERE case_id IN ({marks})"
                    " ORDER BY case_id",
                    tuple(part),
                )
                yield from map(self._row, found)
            return
        yield from map(self._row, self._pages(INDEX_COLUMNS))

    def _pages(self, columns: str) -> Iterator[Any]:
        """``columns`` of every row (``case_id`` first), in case id order, a thousand at a time."""
        sql = f"SELECT {columns} FROM case_index WHERE case_id > ? ORDER BY case_id LIMIT 1000"
        after = ""
        while True:
            page = self._query(None, sql, (after,))
            yield from page
            if len(page) < 1000:
                return
            after = page[-1][0]

    def index_baselines(self) -> Iterator[tuple[Any, ...]]:
        """Every row's case, record, basis, latest day (ISO text) and baseline, by case id.

        What a validity study reads of every case, closed ones too: five
        columns, and no :class:`IndexRow` made.
        """
        return self._pages("case_id, record_id, basis, latest_on, baseline")

    def index_unit(self, unit: str) -> list[IndexRow]:
        """The rows naming ``unit``, and every stale row (it names none), in case id order.

        Two look-ups, in the indexes of ``unit`` and of ``basis``.
        """
        sql = f"SELECT {INDEX_COLUMNS} FROM case_index WHERE unit = ? OR basis = ''"
        found = list(map(self._row, self._query(None, sql, (unit,))))
        return sorted(found, key=lambda row: row.case_id)

    def index_bases(self) -> frozenset[str]:
        """The distinct bases of the index's rows (the caller decides which to trust).

        One look-up in the index of ``basis`` per basis, not a scan of every row.
        """
        found: set[str] = set()
        after = ""
        while True:
            (least,) = self._query(
                None, "SELECT min(basis) FROM case_index WHERE basis > ?", (after,)
            )[0]
            if least is None:
                return frozenset(found)
            found.add(least)
            after = least

    def index_settled(self, bases: frozenset[str], before: dt.date) -> Settled:
        """The cases of rows of ``bases`` closed with every record dated before ``before``.

        One look-up in the index of ``latest_on`` (not of ``basis``: every row has one).
        """
        if not bases:
            return Settled({})
        where = f"{_SETTLED} AND {self._plain}basis IN ({', '.join('?' * len(bases))})"
        args = (before.isoformat(), *sorted(bases))
        sql = f"SELECT case_id, record_id, sanction, latest_on FROM case_index WHERE {where}"
        found = self._query(None, sql, args)
        return Settled(
            {str(row[0]): int(row[1]) for row in found},
            frozenset(str(row[2]) for row in found if row[2] is not None),
            max((dt.date.fromisoformat(str(row[3])) for row in found), default=None),
        )

    def _count(self, where: str, args: Sequence[Any]) -> int:
        sql = f"SELECT count(*) FROM case_index WHERE {where}"
        found: int = self._query(None, sql, tuple(args))[0][0]
        return found

    def _rows(
        self, where: str, args: Sequence[Any], order: str, offset: int, limit: int | None
    ) -> list[IndexRow]:
        sql = f"SELECT {INDEX_COLUMNS} FROM case_index WHERE {where} ORDER BY {order}"
        tail: list[Any] = []
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            tail = [limit, offset]
        found = self._query(None, sql, (*args, *tail))
        if limit is None:  # an offset alone is not SQL that SQLite reads
            found = found[offset:]
        return list(map(self._row, found))

    def index_page(self, query: IndexQuery) -> tuple[list[IndexRow], int]:
        """The page of trusted rows ``query`` selects, and how many it selects in all.

        The count reads the index of the open cases' columns; the page walks
        the index of its order (:func:`_parts`) and stops at its last row.
        """
        where, args = _where(query, self._contains)
        total = self._count(where, args)
        if query.limit == 0 or total <= query.offset:
            return [], total
        walk, walk_args = _where(query, self._contains, self._plain)
        end = None if query.limit is None else query.offset + query.limit
        found: list[IndexRow] = []
        start = 0  # the position of the part's first row in the whole list
        parts = _parts(query)
        for n, (test, more, order) in enumerate(parts):
            last = n == len(parts) - 1
            size = total - start if last else self._count(f"{where} AND {test}", [*args, *more])
            lo = max(query.offset, start)
            hi = start + size if end is None else min(end, start + size)
            if hi > lo:
                clause = f"{walk} AND {test}" if test else walk
                found += self._rows(clause, [*walk_args, *more], order, lo - start, hi - lo)
            start += size
        return found, total

    def index_columns(self, query: IndexQuery, names: Sequence[str]) -> list[tuple[Any, ...]]:
        """The trusted rows ``query`` selects, each as its columns ``names`` hold them.

        In case id order (the query's order, offset and limit are ignored):
        one query reading only those columns, and no :class:`IndexRow` made,
        for a reader of every open case that wants a few columns of each.
        """
        _positions(names)  # names go into the SQL: only the table's own
        where, args = _where(query, self._contains, self._plain)  # walks the index of case ids
        sql = f"SELECT {', '.join(names)} FROM case_index WHERE {where} ORDER BY case_id"
        return self._query(None, sql, tuple(args))

    def index_groups(self, query: IndexQuery, horizon: dt.date) -> list[IndexGroup]:
        """The trusted rows ``query`` selects, counted by what an :class:`IndexGroup` shares.

        One ``GROUP BY`` in the database (the page's offset, limit and order
        are ignored): a unit's or a whole store's overview without a row read.
        """
        where, args = _where(query, self._contains)
        day = query.as_of.isoformat()
        state = (
            "CASE WHEN due_on IS NULL THEN 'none' WHEN due_on < ? THEN 'overdue'"
            " WHEN due_on <= ? THEN 'soon' ELSE 'later' END"
        )
        sql = (
            f"SELECT instrument, risk_level, sanction, {state}, reliable, count(*) FROM case_index"
            f" WHERE {where} GROUP BY 1, 2, 3, 4, 5"
        )
        found = self._query(None, sql, (day, horizon.isoformat(), *args))
        return [IndexGroup(i, lv, s, st, ch, int(n)) for i, lv, s, st, ch, n in found]

    def index_untrusted(self, query: IndexQuery) -> list[IndexRow]:
        """Every row ``query`` would not trust (stale, another basis, later, replay), by case id.

        Three look-ups, each in an index: the rows of the other bases, those
        needing a replay or without a latest record or assessment, those
        with a record after the day (but, for a ``dated`` query, the rows
        that answer from their dues).
        """
        others = sorted(self.index_bases() - query.bases)
        found: dict[str, IndexRow] = {}
        later, day = "latest_on > ?", [query.as_of.isoformat()]
        if query.dated and query.bases:  # not read whole: the rows that answer from their dues
            bases = sorted(query.bases)
            later += f" AND (dues IS NULL OR basis NOT IN ({', '.join('?' * len(bases))}))"
            day += bases
        asks: list[tuple[str, tuple[Any, ...]]] = [(DOUBT, ()), (later, tuple(day))]
        if others:
            asks.append((f"basis IN ({', '.join('?' * len(others))})", tuple(others)))
        for where, args in asks:
            for r in self._query(
                None, f"SELECT {INDEX_COLUMNS} FROM case_index WHERE {where}", args
            ):
                row = self._row(r)
                if not query.dated_row(row):
                    found[row.case_id] = row
        return [found[k] for k in sorted(found)]

    def index_dues(self, query: IndexQuery) -> list[tuple[str, int, str]]:
        """The case, record and ``dues`` of each row that answers from them, by case id.

        The rows of the query's bases (and unit) with a record after its
        day that keep dues (:meth:`IndexQuery.dated_row`; the query's other
        tests, order and page are not looked at), three columns read. The
        rows with a later record are counted in the index of ``latest_on``
        first: a few are looked up in it, many read in one pass over the
        table in case id order (which the database cannot tell apart alone).
        """
        bases = sorted(query.bases)
        day = query.as_of.isoformat()
        later = self._count("latest_on > ?", [day]) if query.dated and bases else 0
        if not later:
            return []
        plain = self._plain if 4 * later > self._count("1 = 1", []) else ""
        where = (
            f"{plain}latest_on > ? AND dues IS NOT NULL"
            f" AND {plain}basis IN ({', '.join('?' * len(bases))})"
        )
        args: list[Any] = [day, *bases]
        if not query.any_unit:
            where += " AND unit IS NULL" if query.unit is None else " AND unit = ?"
            args += [] if query.unit is None else [query.unit]
        sql = f"SELECT case_id, record_id, dues FROM case_index WHERE {where} ORDER BY case_id"
        return [(str(c), int(r), d) for c, r, d in self._query(None, sql, tuple(args))]
