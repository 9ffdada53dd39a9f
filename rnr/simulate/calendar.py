"""Calendar arithmetic on arrays of day numbers (days since the cohort's start).

>>> import datetime as dt
>>> import numpy as np
>>> start = dt.date(2024, 1, 31)
>>> days = np.array([0, 29])
>>> iso(start, add_months(start, days, np.array([1, 1])))
['2024-02-29', '2024-03-29']
>>> ages(start, np.array([-365 * 20]), days).tolist()
[19, 20]
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import numpy.typing as npt

from rnr.dates import add_months_array

__all__ = ["DAYS_PER_MONTH", "add_months", "ages", "iso", "to_dates", "ymd"]

IntArray = npt.NDArray[np.int64]
DateArray = npt.NDArray[np.datetime64]

#: The mean length of a month, in days (365.25 / 12).
DAYS_PER_MONTH = 30.4375


def to_dates(start: dt.date, days: npt.NDArray[Any]) -> DateArray:
    """Day numbers as ``datetime64[D]`` dates."""
    return np.datetime64(start, "D") + np.asarray(days, dtype=np.int64).astype("timedelta64[D]")


def ymd(dates: DateArray) -> tuple[IntArray, IntArray, IntArray]:
    """Year, month (1-12) and day (1-31) of each date."""
    months = dates.astype("datetime64[M]")
    year = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (dates - months.astype("datetime64[D]")).astype(np.int64) + 1
    return year, month, day


def add_months(start: dt.date, days: npt.NDArray[Any], months: npt.NDArray[Any]) -> IntArray:
    """Each day plus whole months, clamped to the month's last day (as day numbers).

    The same rule as :func:`rnr.dates.add_months`: 31 January plus one month
    is the last day of February.
    """
    moved = add_months_array(to_dates(start, days), months)
    out: IntArray = (moved - np.datetime64(start, "D")).astype(np.int64)
    return out


def ages(start: dt.date, born: npt.NDArray[Any], on: npt.NDArray[Any]) -> IntArray:
    """Completed years between two day numbers (as :func:`rnr.scoring.single.age_in_years`)."""
    by, bm, bd = ymd(to_dates(start, born))
    oy, om, od = ymd(to_dates(start, on))
    before = (om < bm) | ((om == bm) & (od < bd))
    out: IntArray = (oy - by - before).astype(np.int64)
    return out


def iso(start: dt.date, days: npt.NDArray[Any]) -> list[str]:
    """Day numbers as ``YYYY-MM-DD`` strings."""
    out: list[str] = np.datetime_as_string(to_dates(start, days), unit="D").tolist()
    return out
