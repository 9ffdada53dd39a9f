"""Exact money arithmetic shared by the cost computations.

Figures are thousands of pesos as :class:`~decimal.Decimal`; a share of a
year is a :class:`~fractions.Fraction` (365 days a year, 12 months), so that
a cost never passes through a float. :func:`pesos` rounds to whole pesos,
half up, only where a figure is given out.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

__all__ = ["DAYS_IN_YEAR", "of_year", "pesos", "plain"]

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
