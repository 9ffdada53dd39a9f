"""Calendar arithmetic shared by deadlines, schedules and simulations.

One rule, written once for a date and once for an array of dates: adding
whole months clamps to the last day of the target month (31 January plus
one month is the last day of February).

>>> add_months(dt.date(2024, 8, 31), 6)
datetime.date(2025, 2, 28)
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = ["add_months", "add_months_array"]


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
