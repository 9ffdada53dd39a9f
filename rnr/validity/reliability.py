"""Inter-rater reliability from double-scored cases: ICC(2,1) and weighted kappa.

**ICC(2,1)** (Shrout & Fleiss 1979; McGraw & Wong 1996 call it ICC(A,1)):
two-way random effects, absolute agreement, a single rater. With ``n``
targets (cases) rated by the same ``k`` raters, from the two-way ANOVA mean
squares for rows (``MSR``), columns (``MSC``) and error (``MSE``):

.. code-block:: text

    ICC(2,1) = (MSR - MSE) / (MSR + (k - 1)·MSE + k·(MSC - MSE)/n)

Its interval is Shrout & Fleiss' F-based one with Satterthwaite's degrees of
freedom ``v``, computed here without scipy (:mod:`rnr.validity._fdist`).

**Weighted kappa** (Cohen 1968): agreement beyond chance between two raters
on ordered categories, with linear or quadratic disagreement weights
(unweighted: Cohen's 1960 kappa).

>>> r = icc([[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]])
>>> round(r.icc, 2), round(r.ci_low, 3), round(r.ci_high, 2)
(0.29, 0.019, 0.76)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from rnr.errors import InvalidArgumentError
from rnr.text import Message
from rnr.validity._checks import as_scores, check_level, plain
from rnr.validity._fdist import f_quantile

__all__ = ["Agreement", "IccResult", "KappaResult", "agreement", "icc", "weighted_kappa"]

Weights = Literal["none", "linear", "quadratic"]
#: ICC(2,1): two-way random effects, absolute agreement, a single rater.
ICC_MODEL = Message("validity.icc_model")


@attrs.frozen
class IccResult:
    """ICC(2,1) with its F-based confidence interval and the ANOVA behind it.

    Attributes:
        icc: the coefficient (``None`` when every rating is the same).
        ci_low: lower end of the interval (``None`` with ``icc``).
        ci_high: upper end.
        level: the confidence level.
        targets: ``n``, the cases rated.
        raters: ``k``, the raters per case.
        msr: mean square between targets.
        msc: mean square between raters.
        mse: residual mean square.
        df: Satterthwaite's degrees of freedom ``v`` of the interval.
        note: why the coefficient or its interval is missing, when one is:
            ``validity.note_icc_undefined`` or ``validity.note_icc_no_interval``
            (with ``df``).
        model: which ICC this is (``validity.icc_model``).
    """

    icc: float | None
    ci_low: float | None
    ci_high: float | None
    level: float
    targets: int
    raters: int
    msr: float
    msc: float
    mse: float
    df: float | None
    note: Message | None = None
    model: Message = ICC_MODEL

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        ci = None if self.ci_low is None else [self.ci_low, self.ci_high]
        note = None if self.note is None else self.note.to_dict()
        words = {"note": note, "model": self.model.to_dict()}
        return attrs.asdict(self, recurse=False) | {"ci": ci} | words


def _ratings(ratings: npt.ArrayLike) -> npt.NDArray[np.float64]:
    try:
        matrix = np.asarray(ratings, dtype=np.float64)
    except (TypeError, ValueError):
        raise InvalidArgumentError("ratings", ratings, "an n x k table of numbers") from None
    if matrix.ndim != 2 or matrix.shape[0] < 2 or matrix.shape[1] < 2:
        raise InvalidArgumentError(
            "ratings", f"shape {matrix.shape}", "n x k ratings: at least 2 cases and 2 raters"
        )
    finite = np.isfinite(matrix)
    if not finite.all():
        i, j = np.argwhere(~finite)[0]
        raise InvalidArgumentError(f"ratings[{i}, {j}]", float(matrix[i, j]), "a finite number")
    return matrix


def icc(ratings: npt.ArrayLike, *, level: float = 0.95) -> IccResult:
    """ICC(2,1) of an ``n x k`` table: ``n`` cases each rated by the same ``k`` raters.

    Args:
        ratings: one row per case, one column per rater.
        level: the confidence level of the interval.

    Returns:
        The coefficient, its interval (Shrout & Fleiss 1979, McGraw & Wong 1996)
        and the mean squares.

    Raises:
        InvalidArgumentError: not a table of finite numbers with at least two
            rows and two columns.
    """
    level = check_level(level)
    x = _ratings(ratings)
    n, k = x.shape
    grand = x.mean()
    rows = x.mean(axis=1)
    cols = x.mean(axis=0)
    msr = float(k * np.sum((rows - grand) ** 2) / (n - 1))
    same = bool(np.all(x == x[:, :1]))
    msc = 0.0 if same else float(n * np.sum((cols - grand) ** 2) / (k - 1))
    residual = x - rows[:, None] - cols[None, :] + grand
    mse = 0.0 if same else float(np.sum(residual**2) / ((n - 1) * (k - 1)))
    base = {"level": level, "targets": n, "raters": k, "msr": msr, "msc": msc, "mse": mse}
    denominator = msr + (k - 1) * mse + k * (msc - mse) / n
    if denominator <= 0 or msr == 0:
        note = Message("validity.note_icc_undefined")
        return IccResult(None, None, None, df=None, note=note, **base)
    value = (msr - mse) / denominator
    if same:
        return IccResult(1.0, 1.0, 1.0, df=None, **base)
    # Satterthwaite's v, multiplied through by MSE² so that MSE = 0 stays finite.
    shift = n * (1 + (k - 1) * value) - k * value
    top = (k - 1) * (n - 1) * (k * value * msc + shift * mse) ** 2
    bottom = (n - 1) * (k * value * msc) ** 2 + (shift * mse) ** 2
    v = top / bottom if bottom > 0 else float(k - 1)
    alpha = 1 - level
    f_upper = f_quantile(1 - alpha / 2, n - 1, v)
    f_lower = f_quantile(1 - alpha / 2, v, n - 1)
    spread = k * msc + (k * n - k - n) * mse  # >= 0 for k, n >= 2
    # An infinite quantile (a fraction of a degree of freedom) gives the bound's limit.
    if math.isfinite(f_upper):
        low: float | None = n * (msr - f_upper * mse) / (f_upper * spread + n * msr)
    else:
        low = -n * mse / spread if spread > 0 else None
    if math.isfinite(f_lower):
        high: float | None = n * (f_lower * msr - mse) / (spread + n * f_lower * msr)
    else:
        high = 1.0
    if low is None:
        note = Message("validity.note_icc_no_interval", {"df": v})
        return IccResult(value, None, None, df=v, note=note, **base)
    return IccResult(value, low, high, df=v, **base)


@attrs.frozen
class KappaResult:
    """Cohen's weighted kappa between two raters.

    Attributes:
        kappa: ``1 - Σ w·O / Σ w·E`` (``None`` when chance disagreement is 0).
        weights: ``"none"``, ``"linear"`` or ``"quadratic"``.
        categories: the ordered categories the weights are computed on.
        n: cases rated by both.
        observed: weighted observed agreement, ``1 - Σ w·O``.
        chance: weighted agreement expected by chance, ``1 - Σ w·E``.
        note: why kappa is missing, when it is (``validity.note_kappa_undefined``).
    """

    kappa: float | None
    weights: str
    categories: tuple[Any, ...]
    n: int
    observed: float
    chance: float
    note: Message | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        categories = [plain(c) for c in self.categories]
        note = None if self.note is None else self.note.to_dict()
        return attrs.asdict(self, recurse=False) | {"categories": categories, "note": note}


def _categories(a: Sequence[Any], b: Sequence[Any], categories: Sequence[Any] | None) -> list[Any]:
    if categories is not None:
        listed = list(categories)
        if len(set(listed)) != len(listed) or not listed:
            raise InvalidArgumentError("categories", categories, "distinct categories, in order")
        return listed
    seen = set(a) | set(b)
    if not all(isinstance(v, int | float | np.number) and not isinstance(v, bool) for v in seen):
        raise InvalidArgumentError(
            "categories", None, "the ordered categories, when ratings are not numbers"
        )
    numbers = sorted(float(v) for v in seen)
    if all(v.is_integer() for v in numbers):
        return list(range(int(numbers[0]), int(numbers[-1]) + 1))
    return numbers


def weighted_kappa(
    a: Sequence[Any] | npt.ArrayLike,
    b: Sequence[Any] | npt.ArrayLike,
    *,
    weights: Weights = "linear",
    categories: Sequence[Any] | None = None,
) -> KappaResult:
    """Cohen's (1968) weighted kappa between two raters' ratings of the same cases.

    Args:
        a: the first rater's rating of each case.
        b: the second rater's rating of the same cases, in the same order.
        weights: ``"linear"`` (``|i - j| / (c - 1)``), ``"quadratic"``
            (``((i - j) / (c - 1))²``) or ``"none"`` (Cohen's unweighted kappa).
        categories: the ordered categories; by default, for whole-number
            ratings every integer from the lowest to the highest rating (so
            the weights follow the scores), otherwise the distinct values in order.

    Returns:
        Kappa with the observed and chance agreement.

    Raises:
        InvalidArgumentError: lengths differ, fewer than two cases, a rating not
            among the categories, labels without ``categories``, another ``weights``.

    >>> weighted_kappa([0, 1, 2, 2], [0, 1, 2, 1], weights="none").kappa
    0.6363636363636364
    """
    if weights not in ("none", "linear", "quadratic"):
        raise InvalidArgumentError("weights", weights, "'none', 'linear' or 'quadratic'")
    first = [v.item() if isinstance(v, np.generic) else v for v in np.asarray(a).tolist()]
    second = [v.item() if isinstance(v, np.generic) else v for v in np.asarray(b).tolist()]
    if len(first) != len(second):
        raise InvalidArgumentError("len(b)", len(second), f"{len(first)} (one rating per case)")
    if len(first) < 2:
        raise InvalidArgumentError("len(a)", len(first), "at least 2 cases")
    cats = _categories(first, second, categories)
    position = {(float(c) if _numeric(c) else c): i for i, c in enumerate(cats)}
    c = len(cats)
    table = np.zeros((c, c), dtype=np.float64)
    for name, ratings in (("a", first), ("b", second)):
        for i, value in enumerate(ratings):
            key = float(value) if _numeric(value) else value
            if key not in position:
                raise InvalidArgumentError(f"{name}[{i}]", value, f"one of {cats!r}")
    for u, v in zip(first, second, strict=True):
        table[_pos(position, u), _pos(position, v)] += 1
    n = len(first)
    observed = table / n
    chance = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    rows, cols = np.indices((c, c))
    if weights == "none" or c == 1:
        w = (rows != cols).astype(np.float64)
    elif weights == "linear":
        w = np.abs(rows - cols) / (c - 1)
    else:
        w = ((rows - cols) / (c - 1)) ** 2
    disagree = float(np.sum(w * observed))
    by_chance = float(np.sum(w * chance))
    if by_chance == 0:
        note = Message("validity.note_kappa_undefined")
        return KappaResult(None, weights, tuple(cats), n, 1 - disagree, 1 - by_chance, note)
    return KappaResult(
        1 - disagree / by_chance, weights, tuple(cats), n, 1 - disagree, 1 - by_chance
    )


def _numeric(value: object) -> bool:
    return isinstance(value, int | float | np.number) and not isinstance(value, bool)


def _pos(position: dict[Any, int], value: Any) -> int:
    return position[float(value) if _numeric(value) else value]


@attrs.frozen
class Agreement:
    """Two raters' agreement on the same cases: ICC(2,1) and quadratic weighted kappa.

    Attributes:
        raters: the two raters' names (column names).
        icc: ICC(2,1) of the ``n x 2`` table.
        kappa: quadratic weighted kappa.
        mean_difference: mean of (second - first): a systematic difference between raters.
    """

    raters: tuple[str, str]
    icc: IccResult
    kappa: KappaResult
    mean_difference: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "raters": list(self.raters),
            "n": self.icc.targets,
            "icc": self.icc.to_dict(),
            "kappa": self.kappa.to_dict(),
            "mean_difference": self.mean_difference,
        }


def agreement(
    first: npt.ArrayLike,
    second: npt.ArrayLike,
    *,
    raters: tuple[str, str] = ("a", "b"),
    level: float = 0.95,
) -> Agreement:
    """ICC(2,1) and quadratic weighted kappa of two raters' scores of the same cases.

    Raises:
        InvalidArgumentError: see :func:`icc` and :func:`weighted_kappa`.
    """
    a = as_scores(first, "first")
    b = as_scores(second, "second")
    if len(a) != len(b):
        raise InvalidArgumentError("len(second)", len(b), f"{len(a)} (one score per case)")
    result = icc(np.column_stack([a, b]), level=level)
    kappa = weighted_kappa(a, b, weights="quadratic")
    return Agreement(raters, result, kappa, float(np.mean(b - a)) if len(a) else math.nan)
