"""Discrimination: does a higher score go with the outcome? AUC, DeLong and bootstrap, ROC.

The AUC is the Mann-Whitney statistic: the probability that a person with
the outcome scored higher than a person without it, ties counting one half
(Hanley & McNeil 1982). Its variance is DeLong's (DeLong, DeLong &
Clarke-Pearson 1988), computed with the midrank formulation of Sun & Xu
(2014): for a person with the outcome, the structural component
``V10 = (pooled midrank - own-class midrank) / n0`` is the share of people
without the outcome they outrank (ties one half), and for a person without
it ``V01 = 1 - (pooled midrank - own-class midrank) / n1``. Both depend only
on the score, so they are computed once per distinct score from the counts
of each class at that score, after one sort (or, for integer totals, one
count) of the scores: 1,000,000 rows take well under a second.

>>> r = auc([1, 2, 3, 4, 2, 5], [0, 0, 1, 1, 1, 1])
>>> r.auc, r.positives, r.negatives
(0.9375, 4, 2)
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from rnr.errors import InvalidArgumentError
from rnr.text import Message
from rnr.validity._checks import (
    FloatArray,
    IntArray,
    check_level,
    check_pair,
    index_scores,
    is_countable,
    plain,
    z_value,
)

__all__ = [
    "AucResult",
    "BootstrapResult",
    "RocCurve",
    "Tally",
    "auc",
    "bootstrap_auc",
    "roc_curve",
    "tally",
]

#: Resampled counts held in memory at once by the bootstrap (rows x distinct scores).
_BLOCK = 4_000_000


@attrs.frozen(eq=False)
class Tally:
    """How many people with (``positives``) and without (``negatives``) the outcome had each score.

    ``values`` are the distinct scores in ascending order; a score may have
    zero people of both classes when the tally is a subgroup's.
    """

    values: FloatArray
    positives: IntArray
    negatives: IntArray

    @property
    def n1(self) -> int:
        """People with the outcome."""
        return int(self.positives.sum())

    @property
    def n0(self) -> int:
        """People without the outcome."""
        return int(self.negatives.sum())


def tally(scores: npt.ArrayLike, outcomes: npt.ArrayLike) -> Tally:
    """Count each class at each distinct score.

    Raises:
        InvalidArgumentError: see :func:`auc`.
    """
    s, y = check_pair(scores, outcomes, both=False)
    return tally_of(s, y)


def tally_of(s: FloatArray, y: npt.NDArray[np.bool_]) -> Tally:
    """The tally of checked scores and outcomes: counted for integer totals, else sorted once."""
    if is_countable(s):
        values, index = index_scores(s)
        return tally_index(values, index, y)
    order = np.argsort(s)
    ordered = s[order]
    change = np.empty(len(s), dtype=bool)
    change[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=change[1:])
    starts = np.flatnonzero(change)
    positives = np.add.reduceat(y[order].astype(np.int64), starts)
    sizes = np.diff(np.append(starts, len(s)))
    return Tally(ordered[starts], positives, (sizes - positives).astype(np.int64))


def tally_index(values: FloatArray, index: IntArray, outcomes: npt.NDArray[np.bool_]) -> Tally:
    """The tally of people whose score positions are ``index`` (no checks)."""
    size = len(values)
    total = np.bincount(index, minlength=size)
    positives = np.bincount(index[outcomes], minlength=size)
    return Tally(values, positives.astype(np.int64), (total - positives).astype(np.int64))


@attrs.frozen
class AucResult:
    """The AUC with its DeLong standard error and confidence interval.

    Attributes:
        auc: the area under the ROC curve (Mann-Whitney, ties one half).
        se: DeLong's standard error (``None`` with fewer than two people in a class).
        ci_low: lower end of the interval (normal approximation, clipped to [0, 1]).
        ci_high: upper end.
        level: the confidence level of the interval.
        positives: people with the outcome.
        negatives: people without it.
        method: ``"delong"``.
        note: why the interval is missing or says little, when it does:
            ``validity.note_auc_few`` (fewer than two people in a class) or
            ``validity.note_auc_separated`` (the classes do not overlap).
    """

    auc: float
    se: float | None
    ci_low: float | None
    ci_high: float | None
    level: float
    positives: int
    negatives: int
    method: str = "delong"
    note: Message | None = None

    @property
    def ci(self) -> tuple[float, float] | None:
        """``(ci_low, ci_high)``, or ``None``."""
        if self.ci_low is None or self.ci_high is None:
            return None
        return (self.ci_low, self.ci_high)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        note = None if self.note is None else self.note.to_dict()
        ci = list(self.ci) if self.ci else None
        return attrs.asdict(self, recurse=False) | {"ci": ci, "note": note}


def auc_from_tally(counts: Tally, level: float = 0.95) -> AucResult:
    """The AUC and DeLong interval of a tally holding both classes (no checks)."""
    pos = counts.positives.astype(np.float64)
    neg = counts.negatives.astype(np.float64)
    n1, n0 = pos.sum(), neg.sum()
    below = np.cumsum(neg) - neg  # people without the outcome scoring lower
    above = n1 - np.cumsum(pos)  # people with the outcome scoring higher
    v10 = (below + neg / 2) / n0  # per person with the outcome at this score
    v01 = (above + pos / 2) / n1  # per person without the outcome at this score
    # Twice the Mann-Whitney U is a whole number, summed exactly in float64 below 2**53:
    # one rounding, so 23 pairs out of 25 is 0.92, not 0.9199999999999999.
    area = float(np.dot(pos, 2 * below + neg) / (2 * n1 * n0))
    m, n = int(n1), int(n0)
    if m < 2 or n < 2:
        few = Message("validity.note_auc_few")
        return AucResult(area, None, None, None, level, m, n, note=few)
    s10 = float(np.dot(pos, (v10 - area) ** 2) / (n1 - 1))
    s01 = float(np.dot(neg, (v01 - area) ** 2) / (n0 - 1))
    se = math.sqrt(max(s10 / n1 + s01 / n0, 0.0))
    half = z_value(level) * se
    note = Message("validity.note_auc_separated") if se == 0 else None
    low, high = max(area - half, 0.0), min(area + half, 1.0)
    return AucResult(area, se, low, high, level, m, n, note=note)


def auc(scores: npt.ArrayLike, outcomes: npt.ArrayLike, *, level: float = 0.95) -> AucResult:
    """The AUC of ``scores`` for ``outcomes``, with DeLong's confidence interval.

    Args:
        scores: one number per person; higher means more risk.
        outcomes: one 0/1 per person (1: the outcome happened, e.g. reoffended).
        level: the confidence level of the interval.

    Returns:
        The AUC, its DeLong standard error and interval
        (``AUC ± z·SE``, clipped to [0, 1]).

    Raises:
        InvalidArgumentError: lengths differ, a value is not a finite number or
            not 0/1, fewer than two rows, or every outcome is the same.

    >>> r = auc([0, 1, 1, 2], [0, 0, 1, 1])
    >>> r.auc, round(r.se, 4)
    (0.875, 0.1768)
    """
    level = check_level(level)
    s, y = check_pair(scores, outcomes)
    return auc_from_tally(tally_of(s, y), level)


@attrs.frozen
class BootstrapResult:
    """A percentile bootstrap interval of the AUC.

    Attributes:
        auc: the AUC of the sample itself.
        ci_low: the ``(1 - level) / 2`` quantile of the resampled AUCs.
        ci_high: the ``(1 + level) / 2`` quantile.
        se: the standard deviation of the resampled AUCs.
        level: the confidence level.
        resamples: how many resamples were drawn.
        seed: the seed of ``numpy.random.default_rng``.
        method: ``"percentile, stratified"``: each resample draws, with
            replacement, as many people with and without the outcome as the sample has.
    """

    auc: float
    ci_low: float
    ci_high: float
    se: float
    level: float
    resamples: int
    seed: int
    method: str = "percentile, stratified"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return attrs.asdict(self) | {"ci": [self.ci_low, self.ci_high]}


def _resampled_aucs(counts: Tally, resamples: int, rng: np.random.Generator) -> FloatArray:
    keep = (counts.positives + counts.negatives) > 0
    pos, neg = counts.positives[keep], counts.negatives[keep]
    n1, n0 = int(pos.sum()), int(neg.sum())
    p1, p0 = pos / n1, neg / n0
    out = np.empty(resamples, dtype=np.float64)
    block = max(1, _BLOCK // max(len(pos), 1))
    for start in range(0, resamples, block):
        size = min(block, resamples - start)
        # Drawing n1 people with replacement and counting them per score is a
        # multinomial draw over the scores: the same distribution, in O(scores).
        bp = rng.multinomial(n1, p1, size=size).astype(np.float64)
        bn = rng.multinomial(n0, p0, size=size).astype(np.float64)
        below = np.cumsum(bn, axis=1) - bn
        out[start : start + size] = (bp * (below + bn / 2)).sum(axis=1) / (n1 * n0)
    return out


def bootstrap_auc(
    scores: npt.ArrayLike,
    outcomes: npt.ArrayLike,
    *,
    n: int = 2000,
    seed: int = 0,
    level: float = 0.95,
) -> BootstrapResult:
    """A percentile bootstrap interval of the AUC, the same for the same seed.

    Each resample draws, with replacement, as many people with the outcome
    as the sample has and as many without (a stratified bootstrap, so no
    resample lacks a class), using ``numpy.random.default_rng(seed)``.

    Args:
        scores: one number per person.
        outcomes: one 0/1 per person.
        n: the number of resamples (at least 2).
        seed: the random seed.
        level: the confidence level.

    Returns:
        The sample AUC and the percentile interval of the resampled AUCs.

    Raises:
        InvalidArgumentError: see :func:`auc`; ``n`` below 2; a seed that is
            not a non-negative integer.

    >>> b = bootstrap_auc([1, 2, 3, 4, 2, 5, 3, 1], [0, 0, 1, 1, 1, 1, 0, 0], n=200, seed=1)
    >>> b == bootstrap_auc([1, 2, 3, 4, 2, 5, 3, 1], [0, 0, 1, 1, 1, 1, 0, 0], n=200, seed=1)
    True
    """
    level = check_level(level)
    if isinstance(n, bool) or not isinstance(n, int) or n < 2:
        raise InvalidArgumentError("n", n, "an integer of at least 2 resamples")
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidArgumentError("seed", seed, "a non-negative integer")
    s, y = check_pair(scores, outcomes)
    return bootstrap_from_tally(tally_of(s, y), n=n, seed=seed, level=level)


def bootstrap_from_tally(counts: Tally, *, n: int, seed: int, level: float) -> BootstrapResult:
    """:func:`bootstrap_auc` of a tally holding both classes (no checks)."""
    area = auc_from_tally(counts, level).auc
    aucs = _resampled_aucs(counts, n, np.random.default_rng(seed))
    low, high = np.quantile(aucs, [(1 - level) / 2, (1 + level) / 2])
    spread = float(aucs.std(ddof=1))
    return BootstrapResult(area, float(low), float(high), spread, level, n, seed)


@attrs.frozen(eq=False)
class RocCurve:
    """The ROC curve: at each distinct score taken as the cut (at or above predicts the outcome).

    Attributes:
        thresholds: the distinct scores, highest first.
        fpr: false-positive rate at each threshold (share of people without
            the outcome scoring at or above it).
        tpr: true-positive rate (sensitivity) at each threshold.
    """

    thresholds: FloatArray
    fpr: FloatArray
    tpr: FloatArray

    def points(self) -> list[tuple[float, float]]:
        """``(fpr, tpr)`` from ``(0, 0)`` (nobody flagged) to ``(1, 1)`` (everybody)."""
        return [(0.0, 0.0), *zip(self.fpr.tolist(), self.tpr.tolist(), strict=True)]

    def area(self) -> float:
        """The trapezoidal area under :meth:`points`: equal to the AUC."""
        x = np.concatenate(([0.0], self.fpr))
        y = np.concatenate(([0.0], self.tpr))
        return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of three lists."""
        return {
            "threshold": [plain(t) for t in self.thresholds.tolist()],
            "fpr": self.fpr.tolist(),
            "tpr": self.tpr.tolist(),
        }


def roc_from_tally(counts: Tally) -> RocCurve:
    """The ROC curve of a tally holding both classes (no checks)."""
    keep = (counts.positives + counts.negatives) > 0
    pos = counts.positives[keep][::-1]
    neg = counts.negatives[keep][::-1]
    tpr = np.cumsum(pos) / pos.sum()
    fpr = np.cumsum(neg) / neg.sum()
    return RocCurve(counts.values[keep][::-1].copy(), fpr, tpr)


def roc_curve(scores: npt.ArrayLike, outcomes: npt.ArrayLike) -> RocCurve:
    """The ROC curve of ``scores`` for ``outcomes``.

    Raises:
        InvalidArgumentError: see :func:`auc`.

    >>> roc = roc_curve([0, 1, 1, 2], [0, 0, 1, 1])
    >>> roc.thresholds.tolist(), roc.fpr.tolist(), roc.tpr.tolist()
    ([2.0, 1.0, 0.0], [0.0, 0.5, 1.0], [0.5, 1.0, 1.0])
    """
    s, y = check_pair(scores, outcomes)
    return roc_from_tally(tally_of(s, y))
