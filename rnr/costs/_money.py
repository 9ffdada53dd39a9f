"""Exact money arithmetic shared by the cost computations.

Figures are thousands of pesos as :class:`~decimal.Decimal`; a share of a
year is a :class:`~fractions.Fraction` (365 days a year, 12 months), so that
a cost never passes through a float. :func:`pesos` rounds to whole pesos,
half up, only where a figure is given out.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import MAX_PREC, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

__all__ = ["DAYS_IN_YEAR", "exact_sum", "of_year", "pesos", "plain"]

#: The days of a year of cost (the documents give annual figures).
DAYS_IN_YEAR = 365


def of_year(amount: Decimal, years: Fraction) -> Decimal:
    """``amount`` a year, for ``years`` (a fraction of a year or more)."""
    return amount * Decimal(years.numerator) / Decimal(years.denominator)


def pesos(thousands: Decimal | None) -> int | None:
    """Thousands of pesos as whole pesos, rounded half up (None stays None)."""
    if thousands is None:
        return None
    return int((thousands * 1000).quantize(Decimal(1), ROUND_HALF_UP))


def plain(value: Decimal | None) -> str | None:
    """A decimal as JSON text, exact (``"14167.36"``)."""
    return None if value is None else format(value, "f")


def exact_sum(amounts: Iterable[Decimal]) -> Decimal:
    """The sum of ``amounts``, added exactly and rounded once: the same in any order.

    (Added in the usual context, each addition would round to 28 digits, and
    the last digit would depend on the order of the people.)

    >>> third = Decimal(1) / 3
    >>> exact_sum([third, Decimal(10) ** 9, -third]) == exact_sum([third, -third, Decimal(10) ** 9])
    True
    """
    with localcontext(prec=MAX_PREC):
        exact = sum(amounts, Decimal(0))
    return +exact
