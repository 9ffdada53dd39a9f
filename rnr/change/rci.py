"""The Reliable Change Index (Jacobson & Truax 1991), for one case and for many.

A difference between two totals is *reliable* when it is larger than the
measurement error of the instrument could make it by chance:

- SEM = SD · √(1 - r), the standard error of measurement;
- S_diff = √2 · SEM, the standard error of a difference of two scores;
- RCI = (x₂ - x₁) / S_diff, reliable when ``|RCI| > 1.96`` (strictly).

Higher scores mean more risk, so ``RCI < -1.96`` is an *improvement* and
``RCI > 1.96`` a *deterioration*.

>>> figures = Reliability(sd=10.0, r=0.9, source="an agency's own study")
>>> rc = reliable_change_index(-9, figures)
>>> round(rc.sem, 4), round(rc.s_diff, 4), round(rc.rci, 4), rc.category
(3.1623, 4.4721, -2.0125, 'improvement')
>>> reliable_change_index(-8, figures).category
'none'
"""

from __future__ import annotations

import math
from typing import Literal

import attrs
import numpy as np
import numpy.typing as npt

from rnr.definitions.instrument import Reliability
from rnr.definitions.reliability import check_reliability
from rnr.errors import InvalidArgumentError

__all__ = [
    "CATEGORIES",
    "THRESHOLD",
    "Category",
    "RciFigures",
    "category",
    "reliable_change",
    "reliable_change_index",
]

Category = Literal["improvement", "none", "deterioration", "not_computable"]

#: Category names; the batch codes of :func:`reliable_change` index this tuple.
CATEGORIES: tuple[Category, ...] = ("improvement", "none", "deterioration", "not_computable")

#: ``|RCI|`` must exceed this (two-tailed 5%) for the change to be reliable.
THRESHOLD = 1.96


@attrs.frozen
class RciFigures:
    """The standard errors, the index and its category for one difference."""

    sem: float
    s_diff: float
    rci: float
    category: Category


def _s_diff(reliability: Reliability) -> tuple[float, float]:
    """SEM and S_diff, computed in one fixed order so batch and single agree bit for bit."""
    sem = float(reliability.sd) * math.sqrt(1.0 - float(reliability.r))
    return sem, math.sqrt(2.0) * sem


def category(rci: float) -> Category:
    """The category of an index: strictly beyond ±1.96 is reliable.

    >>> category(-1.96), category(-1.9601), category(2.5)
    ('none', 'improvement', 'deterioration')
    """
    if rci < -THRESHOLD:
        return "improvement"
    if rci > THRESHOLD:
        return "deterioration"
    return "none"


def reliable_change_index(delta: float, reliability: Reliability) -> RciFigures:
    """The RCI of a difference ``delta = current - previous``.

    Args:
        delta: the change of the total (positive: more risk).
        reliability: the scale's standard deviation and reliability coefficient.

    Returns:
        SEM, S_diff, the index and its category.

    Raises:
        InvalidArgumentError: the reliability figures are unusable.
    """
    check_reliability(reliability)
    sem, s_diff = _s_diff(reliability)
    rci = float(delta) / s_diff
    return RciFigures(sem, s_diff, rci, category(rci))


def reliable_change(
    previous: npt.ArrayLike, current: npt.ArrayLike, reliability: Reliability
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.int8]]:
    """The RCI of many pairs of totals at once.

    Each element equals :func:`reliable_change_index` on that pair, bit for
    bit. A pair with a missing total (``NaN``) gets ``NaN`` and the code of
    ``"not_computable"``.

    Args:
        previous: the earlier totals (any shape).
        current: the later totals, the same shape.
        reliability: the scale's standard deviation and reliability coefficient.

    Returns:
        ``(rci, codes)``: the indexes (float64) and category codes (int8)
        indexing :data:`CATEGORIES`.

    Raises:
        InvalidArgumentError: the shapes differ or the reliability figures are unusable.

    >>> rci, codes = reliable_change([12, 12, 12], [3, 4, 12], Reliability(10.0, 0.9, "x"))
    >>> [CATEGORIES[c] for c in codes]
    ['improvement', 'none', 'none']
    """
    check_reliability(reliability)
    before = np.asarray(previous, dtype=np.float64)
    after = np.asarray(current, dtype=np.float64)
    if before.shape != after.shape:
        raise InvalidArgumentError("current", after.shape, f"an array of shape {before.shape}")
    _, s_diff = _s_diff(reliability)
    rci = (after - before) / s_diff
    codes = np.full(rci.shape, CATEGORIES.index("none"), dtype=np.int8)
    codes[rci < -THRESHOLD] = CATEGORIES.index("improvement")
    codes[rci > THRESHOLD] = CATEGORIES.index("deterioration")
    codes[np.isnan(rci)] = CATEGORIES.index("not_computable")
    return rci, codes
