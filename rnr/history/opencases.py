"""Every open case's next reassessment and last change, column by column.

A service that keeps its own copy of the caseload asks each night for every
open case's schedule and last change. :func:`~rnr.history.caseload.caseload`
with no limit answers with one entry per case, each made of several
objects (about 1.5 s for 60,000 cases); :func:`open_cases` reads the same
from the case index as columns: the database gives only the columns it
needs, numpy holds the dates and the numbers, and the checks that each row
holds what the index writes (known categories, a delta that is the
difference of its totals, a reliable change index exactly when one is
computable, dates that are dates) run over whole columns. Cases whose kept
row does not hold on the day are made again from their records, as the
caseload makes them; the answer equals the caseload's entries, case by
case (a property test says so).

>>> import datetime as dt
>>> from rnr.store import MemoryStore
>>> found = open_cases(MemoryStore(), as_of=dt.date(2025, 1, 1))
>>> len(found), found.to_dict()["case_id"]
(0, [])
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from rnr.change.rci import CATEGORIES
from rnr.history.access import check_units
from rnr.history.caseindex import ON_DAY, read_columns
from rnr.history.caseload import summary_rows
from rnr.history.definitions import Definitions
from rnr.history.summary import Reading
from rnr.indicators.overview import SOON_DAYS, OpenCount, UnitOverview, count_overview, horizon
from rnr.store.caseindex import CHANGE_COLUMNS, IndexQuery, column_rows, refused_row
from rnr.store.protocol import CaseIndex, Store

__all__ = ["OpenCases", "open_cases"]

#: The columns read of each row, as the table holds them.
NAMES = (
    "case_id",
    "record_id",
    "unit",
    "instrument",
    "sanction",
    "risk_level",
    "assessed_on",
    "due_on",
    *CHANGE_COLUMNS,
)
_TRANSITIONS = frozenset({"up", "down", "same", None})

Days = NDArray[np.datetime64]
Numbers = NDArray[np.int64]
Mask = NDArray[np.bool_]
Objects = NDArray[np.object_]


@attrs.frozen(eq=False)
class OpenCases:
    """The cases open on a day, in case id order, each column a tuple or an array.

    Position ``i`` of every column is the same case. Dates are
    ``datetime64[D]`` arrays (``NaT``: none); totals and deltas ``int64``
    arrays (0 where there is no change: see :attr:`changed`); the reliable
    change index a ``float64`` array (``NaN``: none, or not computable).

    Attributes:
        as_of: the day.
        case_id: the cases.
        unit: the unit (office) each was opened under.
        instrument: the instrument version of its latest assessment.
        sanction: the sanction or penalty of its latest decision.
        risk_level: its effective risk level.
        assessed_on: the date of its latest assessment.
        due_on: its next reassessment (``NaT``: none).
        previous_on: the earlier assessment of its last change (``NaT``:
            fewer than two comparable assessments).
        previous_total: the earlier assessment's total of the primary scale.
        previous_level: its level (``None``: off the scale, or no change).
        current_total: the latest assessment's total.
        current_level: its level.
        delta: ``current_total - previous_total``.
        transition: ``up``, ``down`` or ``same`` between the levels
            (``None``: a level off the scale, or no change).
        rci: the reliable change index (``NaN``: not computable, or no change).
        reliable: its reliable change category (``None``: no change).
    """

    as_of: dt.date
    case_id: tuple[str, ...]
    unit: tuple[str | None, ...]
    instrument: tuple[str, ...]
    sanction: tuple[str | None, ...]
    risk_level: tuple[str | None, ...]
    assessed_on: Days
    due_on: Days
    previous_on: Days
    previous_total: Numbers
    previous_level: tuple[str | None, ...]
    current_total: Numbers
    current_level: tuple[str | None, ...]
    delta: Numbers
    transition: tuple[str | None, ...]
    rci: NDArray[np.float64]
    reliable: tuple[str | None, ...]

    def __len__(self) -> int:
        return len(self.case_id)

    @property
    def changed(self) -> NDArray[np.bool_]:
        """Whether each case has a last change (two comparable assessments)."""
        return ~np.isnat(self.previous_on)

    def days_overdue(self) -> Numbers:
        """Days past each next reassessment on :attr:`as_of` (0: not due yet, or none)."""
        late = (np.datetime64(self.as_of, "D") - self.due_on).astype(np.int64)
        return np.where(np.isnat(self.due_on), 0, np.maximum(late, 0))

    def overview(self, soon_days: int = SOON_DAYS) -> UnitOverview:
        """These cases counted as :func:`~rnr.history.caseload.overview` counts them.

        By instrument, level, sanction, standing (``soon``: due within
        ``soon_days`` after :attr:`as_of`) and reliable change category,
        from the columns: no second read of the store.

        Raises:
            InvalidArgumentError: ``soon_days`` is not a whole number of 0 or more.
        """
        day, last = np.datetime64(self.as_of, "D"), np.datetime64(horizon(self.as_of, soon_days))
        due = self.due_on
        standings = np.select(
            [np.isnat(due), due < day, due <= last], ["none", "overdue", "soon"], "later"
        ).tolist()
        columns = (self.instrument, self.risk_level, self.sanction, standings, self.reliable)
        keys = zip(*columns, strict=True)
        counts = (OpenCount(*key, n) for key, n in Counter(keys).items())
        return count_overview(counts, as_of=self.as_of, soon_days=soon_days)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: each column a list (dates ISO, ``None`` for none)."""
        changed = self.changed

        def days(found: Days) -> list[str | None]:
            return [None if np.isnat(d) else str(d) for d in found]

        def numbers(found: NDArray[Any]) -> list[Any]:
            return [v if c else None for v, c in zip(found.tolist(), changed.tolist(), strict=True)]

        return {
            "as_of": self.as_of.isoformat(),
            "case_id": list(self.case_id),
            "unit": list(self.unit),
            "instrument": list(self.instrument),
            "sanction": list(self.sanction),
            "risk_level": list(self.risk_level),
            "assessed_on": days(self.assessed_on),
            "due_on": days(self.due_on),
            "days_overdue": self.days_overdue().tolist(),
            "previous_on": days(self.previous_on),
            "previous_total": numbers(self.previous_total),
            "previous_level": list(self.previous_level),
            "current_total": numbers(self.current_total),
            "current_level": list(self.current_level),
            "delta": numbers(self.delta),
            "transition": list(self.transition),
            "rci": [None if np.isnan(r) else r for r in self.rci.tolist()],
            "reliable": list(self.reliable),
        }


def open_cases(
    store: Store,
    *,
    as_of: dt.date,
    defs: Definitions | None = None,
    unit: str | None = None,
) -> OpenCases:
    """The cases open on ``as_of`` (of ``unit``; ``None``: every case), column by column.

    The same cases, in the same order, with the same schedule and last
    change as :func:`~rnr.history.caseload.caseload` with ``limit=None``.

    Raises:
        StoreIntegrityError: a row of the case index holds what the index
            never writes (a row edited by hand), naming the case and its
            record; as :func:`~rnr.history.caseload.caseload`.
    """
    defs = defs or Definitions.shipped()
    query = IndexQuery(as_of, frozenset({ON_DAY}), unit=unit, any_unit=unit is None)
    if not isinstance(store, CaseIndex):
        made = summary_rows(store, as_of=as_of, defs=defs)
        return _columns(column_rows(made, query, NAMES), as_of, store.name)
    rows = read_columns(store, query, NAMES, reading=Reading(defs))
    check_units(store, [str(r[0]) for r in rows], unit)
    return _columns(rows, as_of, store.name)


def _columns(rows: Sequence[tuple[Any, ...]], as_of: dt.date, source: str) -> OpenCases:
    """Rows of :data:`NAMES` as an :class:`OpenCases`, each column checked whole.

    Raises:
        StoreIntegrityError: the first row a check finds out of shape.
    """
    table = np.empty((len(rows), len(NAMES)), dtype=object)
    if rows:
        table[:] = rows  # one array of the rows (a column each is a view of it)
    cols = [table[:, k] for k in range(len(NAMES))]
    case_id, record_id, unit, instrument, sanction, risk, assessed, due = cols[:8]
    before, earlier, earlier_level, later, later_level, delta, moved, rci, reliable = cols[8:]
    empty = {name: _none(c) for name, c in zip(NAMES, cols, strict=True)}  # each column's Nones
    changed = ~np.logical_and.reduce([empty[name] for name in NAMES[8:]])  # any change column
    bad: list[tuple[str, Mask]] = []
    totals = []
    for name, column in (("previous_total", earlier), ("current_total", later), ("delta", delta)):
        found, whole = _integers(column)
        bad.append((name, np.where(changed, ~whole, ~empty[name])))
        totals.append(found)
    first, last, difference = totals
    bad.append(("delta", changed & (last - first != difference)))
    for name in ("previous_on", "reliable"):
        bad.append((name, empty[name] == changed))
    for name in ("previous_level", "current_level"):
        bad.append((name, ~changed & ~empty[name]))
    bad.append(("transition", ~_among(moved, _TRANSITIONS) | (~changed & ~empty["transition"])))
    bad.append(("reliable", ~empty["reliable"] & ~_among(reliable, CATEGORIES)))
    kinds = np.asarray(_TYPE(rci), dtype=object)
    number = _is(kinds, float) | _is(kinds, int)
    index = np.where(number, rci, np.nan).astype(np.float64)
    computable = ~empty["reliable"] & ~_among(reliable, ("not_computable",))
    bad.append(
        ("rci", (number & ~np.isfinite(index)) | (~number & ~empty["rci"]) | (computable != number))
    )
    assessed_on = _days(assessed, bad, "assessed_on", empty=None)
    due_on = _days(due, bad, "due_on", empty=empty["due_on"])
    previous_on = _days(before, bad, "previous_on", empty=empty["previous_on"])
    for name, mask in bad:
        if mask.any():
            i = int(np.argmax(mask))
            what = f"holds {cols[NAMES.index(name)][i]!r} in {name}, which no row does"
            record = record_id[i] if type(record_id[i]) is int else None
            raise refused_row(case_id[i], record, what, source)
    return OpenCases(
        as_of,
        tuple(case_id.tolist()),
        tuple(unit.tolist()),
        tuple(instrument.tolist()),
        tuple(sanction.tolist()),
        tuple(risk.tolist()),
        assessed_on,
        due_on,
        previous_on,
        first,
        tuple(earlier_level.tolist()),
        last,
        tuple(later_level.tolist()),
        difference,
        tuple(moved.tolist()),
        index,
        tuple(reliable.tolist()),
    )


#: The type of each value of an array of objects.
_TYPE = np.frompyfunc(type, 1, 1)


def _none(column: Objects) -> Mask:
    return _is(column, None)


def _is(column: Objects, value: object) -> Mask:
    """Whether each value equals ``value`` (compared as Python compares them)."""
    found: Mask = np.equal(column, np.array(value, dtype=object))
    return found


def _typed(column: Objects, kind: type) -> Mask:
    """Whether each value is of exactly ``kind`` (a subclass, such as a flag for ``int``, not)."""
    return _is(np.asarray(_TYPE(column), dtype=object), kind)


def _among(column: Objects, allowed: Iterable[str | None]) -> Mask:
    """Whether each value is one of ``allowed``."""
    found = np.zeros(len(column), dtype=bool)
    for value in allowed:
        found |= _is(column, value)
    return found


def _integers(column: Objects) -> tuple[Numbers, Mask]:
    """The values as integers (0 where none), and which are integers as the table holds them.

    An integer, not a flag, and small enough for an ``int64`` difference.
    """
    whole = _typed(column, int)
    small = np.abs(np.where(whole, column, 0)) < 2**62  # objects: no overflow
    whole &= small.astype(bool)
    return np.where(whole, column, 0).astype(np.int64), whole


def _days(column: Objects, bad: list[tuple[str, Mask]], name: str, *, empty: Mask | None) -> Days:
    """A date column as days (``NaT``: none); the rows that hold no ISO date go to ``bad``.

    A day is a text numpy reads as one and writes back the same (numpy also
    reads ``1234567890`` as a year, or a date with spaces before it).
    ``empty``: the rows without one (``None``: every row must have one).
    """
    text = _typed(column, str)
    texts = np.where(text, column, "NaT").astype(str)
    try:
        found = texts.astype("datetime64[D]")
    except ValueError:  # a text that is no day: find which
        texts = np.where([_iso(t) for t in texts.tolist()], texts, "NaT")
        found = texts.astype("datetime64[D]")
    day = ~np.isnat(found) & (np.datetime_as_string(found) == texts)
    bad.append((name, ~((text & day) | (~text & (False if empty is None else empty)))))
    return found


def _iso(text: str) -> bool:
    try:
        return dt.date.fromisoformat(text).isoformat() == text
    except ValueError:
        return False
