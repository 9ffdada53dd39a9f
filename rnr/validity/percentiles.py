"""Local norms and recalibration: where a score stands in an agency's own population.

:func:`norms` gives the score at chosen percentiles and each score's
percentile rank; :func:`recalibrate` finds cut-offs that put a chosen share
of people in each level.

>>> n = norms([1, 2, 2, 3, 4], at=(50,))
>>> n.percentiles[50.0], [(r.score, r.percentile_rank) for r in n.ranks]
(2.0, [(1.0, 10.0), (2.0, 40.0), (3.0, 70.0), (4.0, 90.0)])
>>> r = recalibrate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], {"low": 0.5, "medium": 0.3, "high": 0.2})
>>> r.cutoffs, r.obtained
((1.0, 6.0, 9.0), (0.5, 0.3, 0.2))
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from rnr._frozen import frozen_map
from rnr.errors import InvalidArgumentError
from rnr.validity._checks import as_scores, index_scores, plain

__all__ = ["DEFAULT_PERCENTILES", "Norms", "Recalibration", "ScoreRank", "norms", "recalibrate"]

#: The percentiles :func:`norms` reports by default.
DEFAULT_PERCENTILES = (1, 5, 10, 20, 25, 30, 40, 50, 60, 70, 75, 80, 90, 95, 99)

#: How far the target shares may sum from 1.
_SUM_TOLERANCE = 1e-6


@attrs.frozen
class ScoreRank:
    """Where one score stands.

    Attributes:
        score: the score.
        n: people with this score.
        below: people with a lower score.
        percentile_rank: ``100 x (below + n/2) / total`` (the mid-rank definition).
        cumulative: ``100 x (below + n) / total``, the share at or below this score.
    """

    score: float
    n: int
    below: int
    percentile_rank: float
    cumulative: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return attrs.asdict(self) | {"score": plain(self.score)}


@attrs.frozen
class Norms:
    """Local norms of a score.

    Attributes:
        n: people.
        percentiles: percentile → the lowest score at or below which at least
            that share of people fall (the inverse of the empirical CDF, so
            always a score someone had).
        ranks: one :class:`ScoreRank` per distinct score, ascending.
        mean: the mean score.
        sd: the standard deviation (``ddof=1``).
    """

    n: int
    percentiles: Mapping[float, float] = attrs.field(converter=frozen_map)
    ranks: tuple[ScoreRank, ...]
    mean: float
    sd: float

    def percentile_rank(self, score: float) -> float:
        """The percentile rank of any score (of scores nobody had, too).

        >>> norms([1, 2, 2, 3, 4]).percentile_rank(2.5)
        60.0
        """
        below = sum(r.n for r in self.ranks if r.score < score)
        same = sum(r.n for r in self.ranks if r.score == score)
        return 100 * (below + same / 2) / self.n

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "n": self.n,
            "mean": self.mean,
            "sd": self.sd,
            "percentiles": {str(plain(p)): plain(s) for p, s in self.percentiles.items()},
            "ranks": [r.to_dict() for r in self.ranks],
        }


def norms(scores: npt.ArrayLike, *, at: Sequence[float] = DEFAULT_PERCENTILES) -> Norms:
    """Percentiles and percentile ranks of ``scores``.

    Args:
        scores: one number per person (at least 2).
        at: the percentiles to report, each from 0 (excluded) to 100.

    Returns:
        The score at each percentile and each distinct score's percentile rank.

    Raises:
        InvalidArgumentError: a score that is not a finite number, fewer than
            two scores, a percentile outside (0, 100].
    """
    s = as_scores(scores)
    if len(s) < 2:
        raise InvalidArgumentError("len(scores)", len(s), "at least 2 scores")
    for p in at:
        if isinstance(p, bool) or not isinstance(p, int | float) or not 0 < p <= 100:
            raise InvalidArgumentError("at", p, "percentiles above 0 and at most 100")
    values, index = index_scores(s)
    counts = np.bincount(index, minlength=len(values))
    cumulative = np.cumsum(counts)
    n = len(s)
    below = cumulative - counts
    ranks = tuple(
        ScoreRank(v, c, b, 100 * (b + c / 2) / n, 100 * (b + c) / n)
        for v, c, b in zip(values.tolist(), counts.tolist(), below.tolist(), strict=True)
    )
    where = {
        float(p): float(values[min(int(np.searchsorted(cumulative, p * n / 100)), len(values) - 1)])
        for p in at
    }
    return Norms(n, where, ranks, float(s.mean()), float(s.std(ddof=1)))


@attrs.frozen
class Recalibration:
    """Cut-offs that give each level a share of people close to its target.

    Attributes:
        levels: the level names, lowest first.
        cutoffs: the lowest score of each level (the first is the lowest score seen).
        targets: the target share of each level.
        obtained: the share each level actually gets with these cut-offs.
        counts: people in each level.
        n: people.
    """

    levels: tuple[str, ...]
    cutoffs: tuple[float, ...]
    targets: tuple[float, ...]
    obtained: tuple[float, ...]
    counts: tuple[int, ...]
    n: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: one entry per level."""
        return {
            "n": self.n,
            "levels": [
                {"level": name, "cutoff": plain(cut), "target": t, "obtained": o, "n": c}
                for name, cut, t, o, c in zip(
                    self.levels, self.cutoffs, self.targets, self.obtained, self.counts, strict=True
                )
            ],
        }


def _check_shares(shares: Mapping[str, float]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    if not isinstance(shares, Mapping) or not shares:
        raise InvalidArgumentError("shares", shares, "a mapping level → share, lowest level first")
    names, values = [], []
    for name, share in shares.items():
        if not isinstance(name, str) or not name.strip():
            raise InvalidArgumentError("shares", name, "level names (non-empty text)")
        if isinstance(share, bool) or not isinstance(share, int | float) or not 0 <= share <= 1:
            raise InvalidArgumentError(f"shares[{name!r}]", share, "a share from 0 to 1")
        names.append(name)
        values.append(float(share))
    total = math.fsum(values)
    if abs(total - 1) > _SUM_TOLERANCE:
        raise InvalidArgumentError(
            "shares", dict(shares), f"shares adding up to 1 (they add {total:g})"
        )
    return tuple(names), tuple(values)


def recalibrate(scores: npt.ArrayLike, shares: Mapping[str, float]) -> Recalibration:
    """Cut-offs (the lowest score of each level) for target shares of people per level.

    Scores are whole people: people with the same score go to the same
    level, so the shares obtained can only approach the targets. Each
    boundary is put at the score where the cumulative share of people below
    it is nearest the cumulative target (on an exact tie, the lower score);
    the cut-offs are therefore non-decreasing, and a level may end up empty
    (two equal cut-offs). A boundary above every score is the highest score
    + 1 for whole-number scores (the next representable number otherwise).

    Args:
        scores: one number per person (at least 2).
        shares: level → target share, lowest level first, adding up to 1.

    Returns:
        The cut-offs and the shares obtained.

    Raises:
        InvalidArgumentError: a bad score, fewer than two, a share outside
            [0, 1], shares not adding up to 1.
    """
    names, targets = _check_shares(shares)
    s = as_scores(scores)
    if len(s) < 2:
        raise InvalidArgumentError("len(scores)", len(s), "at least 2 scores")
    values, index = index_scores(s)
    counts = np.bincount(index, minlength=len(values))
    below = np.concatenate(([0], np.cumsum(counts)))  # people below values[b]; below[G] = n
    n = len(s)
    whole = bool(np.all(values == np.floor(values)))
    top = values[-1] + 1 if whole else np.nextafter(values[-1], np.inf)
    cutoffs = [float(values[0])]
    bounds = [0]
    for j in range(1, len(targets)):
        goal = round(math.fsum(targets[:j]) * n, 9)  # people below level j; rounding ties
        b = int(np.argmin(np.abs(below - goal)))  # first minimum: the lower score on a tie
        b = max(b, bounds[-1])
        bounds.append(b)
        cutoffs.append(float(values[b]) if b < len(values) else float(top))
    bounds.append(len(values))
    level_counts = tuple(int(below[bounds[i + 1]] - below[bounds[i]]) for i in range(len(names)))
    obtained = tuple(c / n for c in level_counts)
    return Recalibration(names, tuple(cutoffs), targets, obtained, level_counts, n)
