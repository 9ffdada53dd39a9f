"""A unit's caseload in counts: open cases by risk level, overdue and soon due, by sanction.

:func:`unit_overview` counts the cases open on a date (each an
:class:`OpenCase`: its instrument, risk level, sanction and next
reassessment): how many there are, how many are overdue for reassessment
and how many fall due within a window, per instrument and risk level (the
level in force: an override counts as the level it set) and per sanction.
It names no case: a supervisor's overview of their unit and an analyst's of
the whole store are the same counts.

>>> import datetime as dt
>>> from rnr.indicators.caseload import Due
>>> def case(level, due_on):
...     due = Due("c", due_on, "interval", "r", "s", dt.date(2024, 1, 1), level)
...     return OpenCase("lscmi@1.0.0", level, "LV", due)
>>> view = unit_overview([case("medium", dt.date(2025, 1, 5)),
...                       case("medium", dt.date(2025, 4, 1)),
...                       case("high", dt.date(2025, 2, 10))], as_of=dt.date(2025, 2, 1))
>>> view.open, view.overdue, view.due_soon
(3, 1, 1)
>>> [(row.level, row.open, row.overdue) for row in view.levels]
[('medium', 2, 1), ('high', 1, 0)]
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable

import attrs

from rnr.change.rci import CATEGORIES
from rnr.dates import Standing, standing
from rnr.errors import InvalidArgumentError
from rnr.indicators.caseload import Due

__all__ = [
    "SOON_DAYS",
    "ChangeCount",
    "LevelCount",
    "OpenCase",
    "OpenCount",
    "SanctionCount",
    "UnitOverview",
    "count_overview",
    "horizon",
    "unit_overview",
]

#: Days ahead in which a reassessment counts as soon due.
SOON_DAYS = 30


@attrs.frozen
class OpenCase:
    """What the overview reads of one open case (its id is not among it)."""

    instrument: str
    risk_level: str | None
    sanction: str | None
    due: Due | None
    #: The reliable change category of the last change (``None``: none yet).
    reliable: str | None = None


@attrs.frozen
class LevelCount:
    """The open cases of one instrument at one risk level (``None``: no level)."""

    instrument: str
    level: str | None
    open: int
    overdue: int
    due_soon: int


@attrs.frozen
class SanctionCount:
    """The open cases of one sanction (``None``: none recorded)."""

    sanction: str | None
    open: int
    overdue: int


@attrs.frozen
class ChangeCount:
    """The open cases whose last change is of one reliable change category.

    ``reliable``: ``improvement``, ``none``, ``deterioration``,
    ``not_computable``, or ``None`` for the cases not yet reassessed (or
    whose two latest assessments cannot be compared).
    """

    reliable: str | None
    open: int


@attrs.frozen
class UnitOverview:
    """The counts of the open cases on ``as_of`` (no case is named).

    ``levels`` are sorted by instrument, then by how many cases; ``sanctions``
    by how many cases, then by name; ``changes`` has one count per reliable
    change category, in the order of :data:`~rnr.change.rci.CATEGORIES`,
    then the cases without a change.
    """

    as_of: dt.date
    open: int
    overdue: int
    due_soon: int
    soon_days: int
    not_due: int
    levels: tuple[LevelCount, ...]
    sanctions: tuple[SanctionCount, ...]
    changes: tuple[ChangeCount, ...]


@attrs.frozen
class OpenCount:
    """How many open cases share an instrument, a level, a sanction, a standing and a change.

    Attributes:
        standing: ``none`` (no reassessment due), ``overdue``, ``soon`` (due
            within the window) or ``later``.
        reliable: the reliable change category of the last change (``None``: none yet).
    """

    instrument: str
    risk_level: str | None
    sanction: str | None
    standing: Standing
    reliable: str | None
    count: int


def unit_overview(
    cases: Iterable[OpenCase], *, as_of: dt.date, soon_days: int = SOON_DAYS
) -> UnitOverview:
    """Count ``cases``, open on ``as_of``.

    Args:
        cases: the open cases (a unit's, or a whole store's) on ``as_of``.
        as_of: the day of the counts.
        soon_days: a reassessment due within this many days after ``as_of``
            (and not overdue) is soon due.

    Raises:
        InvalidArgumentError: ``soon_days`` is not a whole number of 0 or more.
    """
    last = horizon(as_of, soon_days)
    counts = (
        OpenCount(
            c.instrument,
            c.risk_level,
            c.sanction,
            standing(None if c.due is None else c.due.due_on, as_of, last),
            c.reliable,
            1,
        )
        for c in cases
    )
    return count_overview(counts, as_of=as_of, soon_days=soon_days)


def horizon(as_of: dt.date, soon_days: int) -> dt.date:
    """The last day a reassessment due after ``as_of`` counts as soon due.

    Raises:
        InvalidArgumentError: ``soon_days`` is not a whole number of 0 or more.
    """
    if isinstance(soon_days, bool) or not isinstance(soon_days, int) or soon_days < 0:
        raise InvalidArgumentError("soon_days", soon_days, "a whole number of days, 0 or more")
    return as_of + dt.timedelta(days=soon_days)


def count_overview(
    counts: Iterable[OpenCount], *, as_of: dt.date, soon_days: int = SOON_DAYS
) -> UnitOverview:
    """The overview of open cases already counted by instrument, level, sanction and standing.

    What :func:`unit_overview` gives for the cases counted (a store counts
    them in the database).

    Raises:
        InvalidArgumentError: ``soon_days`` is not a whole number of 0 or more.
    """
    horizon(as_of, soon_days)
    opened: Counter[tuple[str, str | None]] = Counter()
    late: Counter[tuple[str, str | None]] = Counter()
    soon: Counter[tuple[str, str | None]] = Counter()
    by_sanction: Counter[str | None] = Counter()
    late_sanction: Counter[str | None] = Counter()
    changes: Counter[str | None] = Counter()
    not_due = 0
    for group in counts:
        key, n = (group.instrument, group.risk_level), group.count
        opened[key] += n
        by_sanction[group.sanction] += n
        changes[group.reliable] += n
        if group.standing == "none":
            not_due += n
        elif group.standing == "overdue":
            late[key] += n
            late_sanction[group.sanction] += n
        elif group.standing == "soon":
            soon[key] += n
    levels = sorted(
        (LevelCount(i, lv, n, late[(i, lv)], soon[(i, lv)]) for (i, lv), n in opened.items()),
        key=lambda row: (row.instrument, -row.open, row.level or ""),
    )
    sanctions = sorted(
        (SanctionCount(s, n, late_sanction[s]) for s, n in by_sanction.items()),
        key=lambda row: (-row.open, row.sanction or ""),
    )
    return UnitOverview(
        as_of=as_of,
        open=sum(opened.values()),
        overdue=sum(late.values()),
        due_soon=sum(soon.values()),
        soon_days=soon_days,
        not_due=not_due,
        levels=tuple(levels),
        sanctions=tuple(sanctions),
        changes=tuple(ChangeCount(c, changes[c]) for c in (*CATEGORIES, None)),
    )
