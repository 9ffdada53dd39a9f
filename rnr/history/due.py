"""Reassessment schedules: when each open case is next due, and which are overdue.

A case is due at the earlier of its policy's interval after the latest
decision (by regime and risk level) and any event that calls for a
reassessment (a new offence, a breach); see :func:`rnr.history.schedule.next_due`.
:func:`due_list` works over a whole store in bulk
(:func:`rnr.history.bulk.iter_due`), equal to replaying every case.

>>> import datetime as dt
>>> from rnr.store import MemoryStore
>>> due_list(MemoryStore(), dt.date(2025, 1, 1))
[]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rnr.history.bulk import iter_due
from rnr.history.definitions import Definitions
from rnr.history.schedule import next_due
from rnr.indicators.caseload import Due
from rnr.store.protocol import Store

__all__ = ["Due", "due_list", "next_due", "overdue"]


def due_list(
    store: Store,
    as_of: dt.date,
    *,
    defs: Definitions | None = None,
    progress: Callable[[int], None] | None = None,
    unit: str | None = None,
) -> list[Due]:
    """The next reassessment of every case open on ``as_of``, earliest first.

    ``progress`` is called with the number of cases read, as they are; of
    each case only its schedule is made (:func:`rnr.history.bulk.iter_due`).
    ``unit`` keeps the cases the case index lists under that unit
    (``None``: every case).
    """
    found = iter_due(store, as_of=as_of, defs=defs, progress=progress, unit=unit)
    return sorted(found, key=lambda d: (d.due_on, d.case_id))


def overdue(store: Store, as_of: dt.date, *, defs: Definitions | None = None) -> list[Due]:
    """The open cases whose reassessment was due before ``as_of``."""
    return [d for d in due_list(store, as_of, defs=defs) if d.due_on < as_of]
