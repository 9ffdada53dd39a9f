"""Argument checks shared by the validity functions, and the score index they share.

Every check raises :class:`~rnr.errors.InvalidArgumentError` naming the
argument (with the position of the first bad value), the value and what was
expected, so a wrong input never becomes a wrong number.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from statistics import NormalDist
from typing import Any

import numpy as np
import numpy.typing as npt

from rnr.errors import InvalidArgumentError

__all__ = [
    "BoolArray",
    "FloatArray",
    "IntArray",
    "as_outcomes",
    "as_scores",
    "check_level",
    "check_pair",
    "index_scores",
    "is_countable",
    "label_codes",
    "plain",
    "z_value",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: The widest range of integer scores counted with ``bincount`` rather than sorted.
_COUNT_RANGE = 1 << 22


def _first_bad(values: Any, argument: str, expected: str) -> InvalidArgumentError:
    """The error for the first element of ``values`` that is not a finite number."""
    for i, value in enumerate(np.ravel(np.asarray(values, dtype=object))):
        try:
            number = float(value)
        except (TypeError, ValueError):
            return InvalidArgumentError(f"{argument}[{i}]", value, expected)
        if not math.isfinite(number):
            return InvalidArgumentError(f"{argument}[{i}]", value, expected)
    return InvalidArgumentError(argument, values, expected)


def as_scores(values: npt.ArrayLike, argument: str = "scores") -> FloatArray:
    """``values`` as a flat float array of finite numbers.

    Raises:
        InvalidArgumentError: not flat, a value that is not a number, NaN or infinite.
    """
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise _first_bad(values, argument, "a finite number") from None
    if array.ndim != 1:
        raise InvalidArgumentError(argument, f"shape {array.shape}", "a flat sequence of numbers")
    finite = np.isfinite(array)
    if not finite.all():
        i = int(np.argmin(finite))
        raise InvalidArgumentError(f"{argument}[{i}]", float(array[i]), "a finite number")
    return array


def as_outcomes(values: npt.ArrayLike, argument: str = "outcomes") -> BoolArray:
    """``values`` as a flat boolean array (each value 0 or 1, or a bool).

    Raises:
        InvalidArgumentError: not flat, or a value other than 0 and 1.
    """
    array = np.asarray(values)
    if array.dtype == np.bool_:
        if array.ndim != 1:
            raise InvalidArgumentError(argument, f"shape {array.shape}", "a flat sequence of 0/1")
        return array
    try:
        numbers = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise _first_bad(values, argument, "0 or 1") from None
    if numbers.ndim != 1:
        raise InvalidArgumentError(argument, f"shape {numbers.shape}", "a flat sequence of 0/1")
    binary = (numbers == 0) | (numbers == 1)
    if not binary.all():
        i = int(np.argmin(binary))
        raise InvalidArgumentError(f"{argument}[{i}]", array[i].item(), "0 or 1")
    flags: BoolArray = numbers == 1
    return flags


def label_codes(values: Sequence[Any], argument: str, n: int) -> tuple[tuple[str, ...], IntArray]:
    """``n`` labels as their distinct texts (sorted) and each person's position among them.

    Labels are written as text and stripped (``1`` and ``" 1"`` are both
    ``"1"``); each distinct value is checked once, so a million labels take
    a fraction of a second.

    Raises:
        InvalidArgumentError: not a sequence of ``n`` values, or an empty or
            missing (``None``) value.
    """
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise InvalidArgumentError(argument, values, f"a sequence of {n} labels")
    if len(values) != n:
        raise InvalidArgumentError(f"len({argument})", len(values), f"{n} (one label per score)")
    items = values.tolist() if isinstance(values, np.ndarray) else values
    try:
        raw = dict.fromkeys(items)
    except TypeError:
        bad = next(i for i, v in enumerate(items) if not isinstance(v, Hashable))
        raise InvalidArgumentError(f"{argument}[{bad}]", items[bad], "a label (text)") from None
    cleaned: dict[Any, str] = {}
    for value in raw:
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        text = "" if missing else str(value).strip()
        if not text:
            first = next(i for i, v in enumerate(items) if v is value or v == value)
            raise InvalidArgumentError(f"{argument}[{first}]", value, "a non-empty label")
        cleaned[value] = text
    names = sorted(set(cleaned.values()))
    position = {name: i for i, name in enumerate(names)}
    code = {value: position[text] for value, text in cleaned.items()}
    codes = np.fromiter(map(code.__getitem__, items), dtype=np.int64, count=n)
    return tuple(names), codes


def check_pair(
    scores: npt.ArrayLike, outcomes: npt.ArrayLike, *, both: bool = True
) -> tuple[FloatArray, BoolArray]:
    """Scores and outcomes checked together: same length, at least two, both classes.

    Args:
        scores: one number per person.
        outcomes: one 0/1 per person.
        both: require at least one 0 and one 1.

    Raises:
        InvalidArgumentError: a bad value, lengths differ, fewer than two rows,
            or (with ``both``) a single outcome class.
    """
    s = as_scores(scores)
    y = as_outcomes(outcomes)
    if len(s) != len(y):
        raise InvalidArgumentError("len(outcomes)", len(y), f"{len(s)} (one outcome per score)")
    if len(s) < 2:
        raise InvalidArgumentError("len(scores)", len(s), "at least 2 rows")
    if both:
        positives = int(y.sum())
        if positives in (0, len(y)):
            only = int(positives == len(y))
            raise InvalidArgumentError(
                "outcomes",
                f"all {only} ({len(y)} rows)",
                "both 0 and 1: the figures compare people with and without the outcome",
            )
    return s, y


def check_level(level: float, argument: str = "level") -> float:
    """A confidence level strictly between 0 and 1.

    Raises:
        InvalidArgumentError: outside (0, 1) or not a number.
    """
    if isinstance(level, bool) or not isinstance(level, int | float) or not 0 < level < 1:
        raise InvalidArgumentError(argument, level, "a confidence level between 0 and 1")
    return float(level)


def z_value(level: float) -> float:
    """The two-sided standard normal quantile of ``level`` (1.959963… for 0.95).

    >>> round(z_value(0.95), 6)
    1.959964
    """
    return NormalDist().inv_cdf((1 + level) / 2)


def is_countable(scores: FloatArray) -> bool:
    """Whether ``scores`` are whole numbers over a range no wider than their count.

    Such scores (instrument totals) are counted with ``numpy.bincount`` in
    linear time instead of being sorted.
    """
    low, high = float(scores.min()), float(scores.max())
    span = high - low
    if span > max(len(scores), 1024) or span >= _COUNT_RANGE:
        return False
    return bool(np.all(scores == np.floor(scores)))


def index_scores(scores: FloatArray) -> tuple[FloatArray, IntArray]:
    """The distinct scores (ascending) and each person's position among them.

    Integer scores over a moderate range (instrument totals) are counted with
    ``numpy.bincount``, in linear time; other scores are sorted.
    """
    if is_countable(scores):
        low = float(scores.min())
        offsets = (scores - low).astype(np.int64)
        present = np.bincount(offsets) > 0
        position = np.cumsum(present) - 1
        values = np.flatnonzero(present).astype(np.float64) + low
        return values, position[offsets]
    order = np.argsort(scores)
    ordered = scores[order]
    starts = np.empty(len(scores), dtype=bool)
    starts[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    index = np.empty(len(scores), dtype=np.int64)
    index[order] = np.cumsum(starts) - 1
    return ordered[starts], index


def plain(value: Hashable | float) -> Any:
    """A score for JSON: an int when it is a whole number, else a float."""
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return int(value)
    if isinstance(value, np.generic):
        return value.item()
    return value
