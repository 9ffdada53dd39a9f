"""Calibration: does the outcome happen as often as expected at each score and level?

Observed rates come with a Wilson (1927) interval, which stays inside [0, 1]
and behaves with small counts and rates near 0 or 1:

.. code-block:: text

    (p + z²/2n ± z·√(p(1 - p)/n + z²/4n²)) / (1 + z²/n)

Expected rates (an instrument's published table, or a local study) are
compared with the observed ones, row by row; :mod:`rnr.validity.accuracy`
scores them person by person.

>>> low, high = wilson(5, 10)
>>> round(low, 4), round(high, 4)
(0.2366, 0.7634)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from rnr._frozen import frozen_map
from rnr.errors import InvalidArgumentError
from rnr.validity._checks import (
    BoolArray,
    FloatArray,
    IntArray,
    check_level,
    check_pair,
    index_scores,
    label_codes,
    plain,
    z_value,
)

__all__ = [
    "Calibration",
    "CalibrationRow",
    "Expected",
    "calibration",
    "check_expected",
    "prepare",
    "wilson",
]


def wilson(events: int, n: int, *, level: float = 0.95) -> tuple[float, float]:
    """The Wilson score interval of ``events`` out of ``n``.

    Args:
        events: how many had the outcome.
        n: how many people (at least 1).
        level: the confidence level.

    Returns:
        ``(low, high)``, inside [0, 1].

    Raises:
        InvalidArgumentError: ``n`` below 1, or ``events`` outside 0..n.

    >>> wilson(0, 20)[0], round(wilson(0, 20)[1], 4)
    (0.0, 0.1611)
    """
    level = check_level(level)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise InvalidArgumentError("n", n, "a whole number of people, at least 1")
    if isinstance(events, bool) or not isinstance(events, int | np.integer) or not 0 <= events <= n:
        raise InvalidArgumentError("events", events, f"a whole number from 0 to n={n}")
    return _wilson(int(events), int(n), z_value(level))


def _wilson(events: int, n: int, z: float) -> tuple[float, float]:
    p = events / n
    z2n = z * z / n
    centre = (p + z2n / 2) / (1 + z2n)
    half = z * math.sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n)
    low = 0.0 if events == 0 else max(centre - half, 0.0)
    high = 1.0 if events == n else min(centre + half, 1.0)
    return (low, high)


def _check_rates(rates: Mapping[Any, float]) -> Mapping[Any, float]:
    if not isinstance(rates, Mapping) or not rates:
        raise InvalidArgumentError("expected.rates", rates, "a non-empty mapping key → rate")
    out: dict[Any, float] = {}
    for key, rate in rates.items():
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 <= rate <= 1:
            raise InvalidArgumentError(f"expected.rates[{key!r}]", rate, "a rate from 0 to 1")
        out[key] = float(rate)
    return frozen_map(out)


def _check_source(_: object, __: object, source: str) -> None:
    if not isinstance(source, str) or not source.strip():
        raise InvalidArgumentError(
            "expected.source", source, "where the rates come from (a manual, a study)"
        )


def _check_by(_: object, __: object, by: str) -> None:
    if by not in ("score", "level"):
        raise InvalidArgumentError("expected.by", by, "'score' or 'level'")


@attrs.frozen
class Expected:
    """Expected outcome rates by score or by level, with where they come from.

    Args:
        rates: score (a number) or level (a name) → expected rate from 0 to 1.
        by: ``"score"`` or ``"level"``.
        source: where the rates come from (a manual's table, a study).

    Raises:
        InvalidArgumentError: a rate outside [0, 1], an empty source, another ``by``.

    >>> Expected({"low": 0.1, "high": 0.4}, by="level", source="manual, table 3").rate("high")
    0.4
    """

    rates: Mapping[Any, float] = attrs.field(converter=_check_rates)
    by: Literal["score", "level"] = attrs.field(validator=_check_by)
    source: str = attrs.field(validator=_check_source)

    def rate(self, key: str | float) -> float | None:
        """The expected rate of a score or level, or ``None`` when not given."""
        if self.by == "score":
            return self._by_score().get(float(key))
        return self.rates.get(key)

    def _by_score(self) -> dict[float, float]:
        out: dict[float, float] = {}
        for key, rate in self.rates.items():
            try:
                out[float(key)] = rate
            except (TypeError, ValueError):
                raise InvalidArgumentError("expected.rates", key, "a score (a number)") from None
        return out

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (keys as text)."""
        return {
            "by": self.by,
            "source": self.source,
            "rates": {str(plain(k)): v for k, v in self.rates.items()},
        }


@attrs.frozen
class CalibrationRow:
    """The observed outcome rate at one score or level.

    Attributes:
        key: the score or the level.
        n: people at this score or level.
        events: people with the outcome.
        rate: ``events / n``.
        ci_low: Wilson interval, lower end.
        ci_high: Wilson interval, upper end.
        expected: the expected rate, when given.
        difference: observed - expected, when an expected rate is given.
    """

    key: str | float
    n: int
    events: int
    rate: float
    ci_low: float
    ci_high: float
    expected: float | None = None
    difference: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return attrs.asdict(self) | {"key": plain(self.key), "ci": [self.ci_low, self.ci_high]}


@attrs.frozen
class Calibration:
    """Observed (and expected) outcome rates per score and per level.

    Attributes:
        by_score: one row per distinct score, ascending.
        by_level: one row per level (lowest scores first), when levels are given.
        expected: the expected rates compared, when given.
        level: the confidence level of the intervals.
    """

    by_score: tuple[CalibrationRow, ...]
    by_level: tuple[CalibrationRow, ...] | None
    expected: Expected | None
    level: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "level": self.level,
            "expected": self.expected.to_dict() if self.expected else None,
            "by_score": [r.to_dict() for r in self.by_score],
            "by_level": None if self.by_level is None else [r.to_dict() for r in self.by_level],
        }


def _rows(
    keys: Sequence[str | float],
    totals: IntArray,
    events: IntArray,
    *,
    expected: Expected | None,
    by: str,
    level: float,
) -> tuple[CalibrationRow, ...]:
    rows = []
    z = z_value(level)
    for key, n, k in zip(keys, totals.tolist(), events.tolist(), strict=True):
        if n == 0:
            continue
        low, high = _wilson(k, n, z)
        want = expected.rate(key) if expected is not None and expected.by == by else None
        rate = k / n
        diff = None if want is None else rate - want
        rows.append(CalibrationRow(key, n, k, rate, low, high, want, diff))
    return tuple(rows)


def level_order(scores: FloatArray, codes: IntArray, names: Sequence[str]) -> list[int]:
    """Level positions ordered by their lowest score (then by name)."""
    lowest = np.full(len(names), np.inf)
    np.minimum.at(lowest, codes, scores)
    return sorted(range(len(names)), key=lambda i: (lowest[i], names[i]))


def calibration_of(
    score_values: FloatArray,
    score_index: IntArray,
    outcomes: BoolArray,
    *,
    levels: tuple[tuple[str, ...], IntArray] | None,
    expected: Expected | None,
    level: float,
    scores: FloatArray,
) -> Calibration:
    """:func:`calibration` of people already indexed by score and level (no checks)."""
    size = len(score_values)
    totals = np.bincount(score_index, minlength=size)
    events = np.bincount(score_index[outcomes], minlength=size)
    by_score = _rows(
        score_values.tolist(), totals, events, expected=expected, by="score", level=level
    )
    by_level = None
    if levels is not None:
        names, codes = levels
        order = level_order(scores, codes, names) if len(codes) else list(range(len(names)))
        ltotals = np.bincount(codes, minlength=len(names))[order]
        levents = np.bincount(codes[outcomes], minlength=len(names))[order]
        keys = [names[i] for i in order]
        by_level = _rows(keys, ltotals, levents, expected=expected, by="level", level=level)
    return Calibration(by_score, by_level, expected, level)


def check_expected(expected: Expected | None, risk_levels: object) -> None:
    if expected is not None and not isinstance(expected, Expected):
        raise InvalidArgumentError("expected", expected, "an Expected(rates, by=, source=)")
    if expected is not None and expected.by == "level" and risk_levels is None:
        raise InvalidArgumentError(
            "risk_levels", None, "each person's level, to compare expected rates by level"
        )


def prepare(
    scores: npt.ArrayLike,
    outcomes: npt.ArrayLike,
    risk_levels: Sequence[str] | None,
    expected: Expected | None,
) -> tuple[FloatArray, BoolArray, tuple[tuple[str, ...], IntArray] | None, FloatArray, IntArray]:
    """Checked scores and outcomes, level codes, and the distinct scores with each one's index.

    Raises:
        InvalidArgumentError: as :func:`calibration` and :func:`rnr.validity.brier_score`.
    """
    s, y = check_pair(scores, outcomes, both=False)
    check_expected(expected, risk_levels)
    levels = None
    if risk_levels is not None:
        levels = label_codes(risk_levels, "risk_levels", len(s))
    values, index = index_scores(s)
    return s, y, levels, values, index


def calibration(
    scores: npt.ArrayLike,
    outcomes: npt.ArrayLike,
    *,
    risk_levels: Sequence[str] | None = None,
    expected: Expected | None = None,
    level: float = 0.95,
) -> Calibration:
    """Observed outcome rates per score and per level, each with a Wilson interval.

    Args:
        scores: one number per person.
        outcomes: one 0/1 per person.
        risk_levels: each person's level (e.g. from the instrument's bands), to
            get rates per level too.
        expected: expected rates by score or by level, to compare with.
        level: the confidence level of the intervals.

    Returns:
        The rows per score (ascending) and per level (lowest scores first).

    Raises:
        InvalidArgumentError: see :func:`rnr.validity.auc` (one outcome class is
            allowed here); levels of another length or empty; expected rates by
            level without levels.

    >>> c = calibration([1, 1, 2, 2, 2], [0, 1, 1, 1, 0])
    >>> [(r.key, r.n, r.events) for r in c.by_score]
    [(1.0, 2, 1), (2.0, 3, 2)]
    """
    level = check_level(level)
    s, y, levels, values, index = prepare(scores, outcomes, risk_levels, expected)
    return calibration_of(values, index, y, levels=levels, expected=expected, level=level, scores=s)
