"""The F distribution's quantiles without scipy: the regularized incomplete beta, inverted.

``I_x(a, b)`` is evaluated with its continued fraction (modified Lentz's
method, as in Press et al., *Numerical Recipes*, §6.4), using the symmetry
``I_x(a, b) = 1 - I_{1-x}(b, a)`` where the fraction converges slowly. The F
distribution's CDF is ``I_{d1·x/(d1·x + d2)}(d1/2, d2/2)``; its quantile is
found by bisection on that beta variable, to double precision. Degrees of
freedom need not be whole numbers (the Satterthwaite degrees of freedom of
the ICC(2,1) interval are not).

>>> round(f_quantile(0.5, 7, 7), 12)
1.0
"""

from __future__ import annotations

import math

__all__ = ["betainc", "f_cdf", "f_quantile"]

_TINY = 1e-300
_EPS = 1e-16


def _continued_fraction(a: float, b: float, x: float) -> float:
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > _TINY else _TINY)
    h = d
    limit = int(20 * math.sqrt(max(a, b))) + 200
    for m in range(1, limit + 1):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > _TINY else _TINY)
        c = 1.0 + aa / c
        c = c if abs(c) > _TINY else _TINY
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def betainc(a: float, b: float, x: float) -> float:
    """The regularized incomplete beta function ``I_x(a, b)`` for ``a, b > 0``.

    >>> betainc(1, 1, 0.3)                  # the uniform distribution's CDF
    0.3
    """
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _continued_fraction(b, a, 1.0 - x) / b


def f_cdf(x: float, d1: float, d2: float) -> float:
    """``P(F ≤ x)`` for an F distribution with ``d1`` and ``d2`` degrees of freedom."""
    if x <= 0.0:
        return 0.0
    return betainc(d1 / 2.0, d2 / 2.0, d1 * x / (d1 * x + d2))


def f_quantile(q: float, d1: float, d2: float) -> float:
    """The ``q`` quantile of an F distribution with ``d1`` and ``d2`` degrees of freedom.

    Args:
        q: the probability, strictly between 0 and 1.
        d1: numerator degrees of freedom (> 0, need not be whole).
        d2: denominator degrees of freedom (> 0, need not be whole).

    Returns:
        ``x`` such that ``P(F ≤ x) = q`` (``math.inf`` when it is beyond
        double precision, as with a fraction of a degree of freedom).

    Raises:
        ValueError: ``q`` outside (0, 1) or degrees of freedom not positive
            (an internal helper: callers check their own arguments).
    """
    if not 0.0 < q < 1.0 or not d1 > 0 or not d2 > 0:
        raise ValueError(f"f_quantile({q}, {d1}, {d2}): need 0 < q < 1 and d1, d2 > 0")
    a, b = d1 / 2.0, d2 / 2.0
    low, high = 0.0, 1.0
    for _ in range(200):
        mid = (low + high) / 2.0
        if mid in (low, high):
            break
        if betainc(a, b, mid) < q:
            low = mid
        else:
            high = mid
    u = (low + high) / 2.0
    if u >= 1.0:  # beyond double precision: tiny degrees of freedom
        return math.inf
    return d2 * u / (d1 * (1.0 - u))
