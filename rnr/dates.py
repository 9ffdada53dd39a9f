"""Calendar arithmetic shared by deadlines, schedules and simulations.

One rule, written once for a date and once for an array of dates: adding
whole months clamps to the last day of the target month (31 January plus
one month is the last day of February).

>>> add_months(dt.date(2024, 8, 31), 6)
datetime.date(2025, 2, 28)

Every date rnr accepts from outside (a case file, a store, an import, a
command-line option) lies between :data:`EARLIEST` and :data:`LATEST`, so
that a deadline decades after it, or an interval of years, is still a date
the calendar can write. :func:`parse_date` refuses the rest:

>>> parse_date("2024-02-29")
datetime.date(2024, 2, 29)
>>> parse_date("9999-12-31")
Traceback (most recent call last):
    ...
ValueError: expected a date YYYY-MM-DD from 1900-01-01 to 2199-12-31
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "DATE_RANGE",
    "EARLIEST",
    "LATEST",
    "Standing",
    "add_months",
    "add_months_array",
    "parse_date",
    "standing",
]

#: The first and last dates rnr accepts from outside.
EARLIEST, LATEST = dt.date(1900, 1, 1), dt.date(2199, 12, 31)
#: How an error names what was expected.
DATE_RANGE = f"a date YYYY-MM-DD from {EARLIEST} to {LATEST}"


def parse_date(value: object) -> dt.date:
    """A date written ``YYYY-MM-DD`` (or a ``date``) within :data:`EARLIEST`..:data:`LATEST`.

    Raises:
        ValueError: anything else; the message says what was expected.
    """
    day = value if isinstance(value, dt.date) and not isinstance(value, dt.datetime) else None
    if isinstance(value, str) and len(value) == 10 and value[4] == value[7] == "-":
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            day = None
    if day is None or not EARLIEST <= day <= LATEST:
        raise ValueError(f"expected {DATE_RANGE}")
    return day


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clamped to the month's last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_months_array(days: npt.NDArray[Any], months: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
    """Each date (``datetime64[D]``) plus whole months, clamped as :func:`add_months`."""
    import numpy as np  # noqa: PLC0415 - numpy loads only when arrays are used

    start = days.astype("datetime64[M]")
    day_of_month = (days - start.astype("datetime64[D]")).astype(np.int64)
    target = start + np.asarray(months, dtype=np.int64).astype("timedelta64[M]")
    last = (target + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    first_day = target.astype("datetime64[D]")
    result: npt.NDArray[np.datetime64] = np.minimum(
        first_day + day_of_month.astype("timedelta64[D]"), last
    )
    return result


#: How a case stands for reassessment on a day: none due, overdue, due soon, due later.
Standing = Literal["none", "overdue", "soon", "later"]


def standing(due_on: dt.date | None, as_of: dt.date, horizon: dt.date) -> Standing:
    """A reassessment due on ``due_on``: none, overdue on ``as_of``, due by ``horizon``, or later.

    >>> standing(dt.date(2025, 3, 1), dt.date(2025, 3, 2), dt.date(2025, 4, 1))
    'overdue'
    """
    if due_on is None:
        return "none"
    if due_on < as_of:
        return "overdue"
    return "soon" if due_on <= horizon else "later"
