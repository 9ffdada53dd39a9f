"""The trend of a scale's total over three or more assessments.

The slope is the ordinary least-squares fit of the raw total against time
in years (days / 365.25) since the first assessment; the intercept is the
fitted total on the first date. A negative slope means the risk score falls.

>>> import datetime as dt
>>> import rnr
>>> lscmi = rnr.default_library().get("lscmi@1.0.0")
>>> ids = [item.id for item in lscmi.scored_items]
>>> def assess(n, day):
...     answers = {i: k < n for k, i in enumerate(ids)}
...     return rnr.score(lscmi, answers, assessed_on=day, norm_group="male")
>>> days = [dt.date(2020, 1, 1), dt.date(2024, 1, 1), dt.date(2028, 1, 1)]
>>> t = trajectory([assess(n, d) for n, d in zip([12, 8, 6], days)])
>>> t.n, t.slope_per_year, round(t.intercept, 4)
(3, -0.75, 11.6667)
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

import attrs

from rnr.errors import InvalidArgumentError
from rnr.scoring.result import ScoreResult

__all__ = ["DAYS_PER_YEAR", "Trajectory", "check_history", "trajectory"]

#: Days in a year for the slope (the Julian year: leap years included on average).
DAYS_PER_YEAR = 365.25


@attrs.frozen
class Trajectory:
    """A least-squares line through a scale's totals over time."""

    scale: str
    n: int
    first: dt.date
    last: dt.date
    dates: tuple[dt.date, ...]
    totals: tuple[int, ...]
    slope_per_year: float
    intercept: float
    instruments: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        return {
            "scale": self.scale,
            "n": self.n,
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "dates": [d.isoformat() for d in self.dates],
            "totals": list(self.totals),
            "slope_per_year": self.slope_per_year,
            "intercept": self.intercept,
            "instruments": list(self.instruments),
        }


def check_history(results: Sequence[ScoreResult], *, minimum: int) -> None:
    """Refuse too few results, or results not in strictly ascending date order.

    Raises:
        InvalidArgumentError: naming the count or the first pair out of order.
    """
    if len(results) < minimum:
        raise InvalidArgumentError(
            "results", f"{len(results)} assessment(s)", f"{minimum} or more assessments"
        )
    for n, (a, b) in enumerate(itertools.pairwise(results)):
        if not b.assessed_on > a.assessed_on:
            raise InvalidArgumentError(
                f"results[{n + 1}].assessed_on",
                b.assessed_on,
                f"a date after results[{n}].assessed_on ({a.assessed_on}): assessments in"
                " ascending date order",
            )


def trajectory(results: Sequence[ScoreResult], *, scale: str | None = None) -> Trajectory:
    """The least-squares slope per year of a scale's raw total.

    Args:
        results: three or more assessments of one person, in ascending date order.
        scale: the scale (default: the first result's primary scale).

    Returns:
        The slope per year, the intercept at the first date, and the points.

    Raises:
        InvalidArgumentError: fewer than three results, dates not ascending, or a
            result without the scale.
    """
    check_history(results, minimum=3)
    scale = scale if scale is not None else results[0].primary_scale
    for n, result in enumerate(results):
        if scale not in result.scales:
            raise InvalidArgumentError(
                "scale", scale, f"a scale of results[{n}] ({result.instrument}): "
                + ", ".join(result.scales)
            )  # fmt: skip
    first = results[0].assessed_on
    xs = [(r.assessed_on - first).days / DAYS_PER_YEAR for r in results]
    ys = [r.scales[scale].raw for r in results]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    sxx = sum((x - mean_x) ** 2 for x in xs)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    slope = sxy / sxx
    return Trajectory(
        scale=scale,
        n=len(results),
        first=first,
        last=results[-1].assessed_on,
        dates=tuple(r.assessed_on for r in results),
        totals=tuple(ys),
        slope_per_year=slope,
        intercept=mean_y - slope * mean_x,
        instruments=tuple(dict.fromkeys(str(r.instrument) for r in results)),
    )
