"""The cost of a policy change over a cohort: ``rnr whatif --costs``.

Each case is decided under both policies (as :func:`rnr.policy.many.compare_policies`
decides it) and each decision priced as a plan is
(:mod:`rnr.costs.plan`): the components of its sanction, from the cost file
of the year of the assessment, for the decision's period (lowest and
highest; one year when the decision sets none), with the administrative
share. The programme documents cost a person served a year, not an hour,
so a change of intensity alone costs nothing; what moves the cost is the
period and who stays eligible for the sanction. A person whose sanction is
eligible under the first policy but not under the second is counted apart,
with the cost at stake (what the first policy's decision costs): which
sanction they would serve instead is the court's to say.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from rnr._frozen import frozen_map
from rnr.costs._money import of_year, pesos
from rnr.costs.plan import period_years

if TYPE_CHECKING:
    from rnr.cases.parse import Case
    from rnr.definitions.costs import CostBook
    from rnr.definitions.library import Library
    from rnr.definitions.policy import Policy
    from rnr.policy.decision import Decision
    from rnr.policy.many import CohortCase

__all__ = ["PricedWhatIf", "decision_cost", "price_cases", "price_whatif"]

ZERO = Decimal(0)


@attrs.frozen
class PricedWhatIf:
    """The cost of a cohort under policies ``a`` and ``b`` (thousands of pesos of ``prices_of``).

    Attributes:
        low_a, high_a, low_b, high_b: the cohort's cost for the shortest and
            longest periods under each policy (priced people only).
        no_longer_eligible: people whose sanction ``b`` no longer allows.
        at_stake_low, at_stake_high: what their decisions under ``a`` cost.
        unpriced: people under a sanction with no published cost, by sanction.
    """

    a: str
    b: str
    prices_of: int | None
    people: int
    priced: int
    low_a: Decimal
    high_a: Decimal
    low_b: Decimal
    high_b: Decimal
    no_longer_eligible: int = 0
    at_stake_low: Decimal = ZERO
    at_stake_high: Decimal = ZERO
    unpriced: Mapping[str, int] = attrs.field(converter=frozen_map, factory=dict)
    prices_status: str = ""

    @property
    def difference_low(self) -> Decimal:
        """``b`` minus ``a``, shortest periods."""
        return self.low_b - self.low_a

    @property
    def difference_high(self) -> Decimal:
        """``b`` minus ``a``, longest periods."""
        return self.high_b - self.high_a

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: pesos as integers."""
        return {
            "a": self.a,
            "b": self.b,
            "prices_of": self.prices_of,
            "prices_status": self.prices_status,
            "people": self.people,
            "priced": self.priced,
            "unpriced": dict(self.unpriced),
            "a_pesos": [pesos(self.low_a), pesos(self.high_a)],
            "b_pesos": [pesos(self.low_b), pesos(self.high_b)],
            "difference_pesos": [pesos(self.difference_low), pesos(self.difference_high)],
            "no_longer_eligible": self.no_longer_eligible,
            "at_stake_pesos": [pesos(self.at_stake_low), pesos(self.at_stake_high)],
        }


def decision_cost(
    decision: Decision, book: CostBook, year: int, prices_of: int | None = None
) -> tuple[Decimal, Decimal] | None:
    """The cost of a decision's sanction for its period (lowest, highest), or None if unpriced.

    Raises:
        UnknownDefinitionError: ``costs.prices.unknown``.
    """
    costs = book.for_sanction(decision.sanction, year)
    if costs is None or not costs.priced or decision.sanction is None:
        return None
    per_year = costs.per_person_year(decision.sanction)
    if per_year is None:
        return None
    base = costs.prices_of or year
    per_year = book.prices.convert(per_year, base, prices_of or base)
    low, high = period_years(decision.period_days, decision.period_months) or (
        Fraction(1),
        Fraction(1),
    )
    return of_year(per_year, low), of_year(per_year, high)


def price_whatif(
    a: Policy,
    b: Policy,
    cohort: Sequence[CohortCase],
    book: CostBook,
    *,
    prices_of: int | None = None,
) -> PricedWhatIf:
    """Price the cohort's decisions under ``a`` and ``b`` (see the module docstring).

    Without ``prices_of``, every figure is in the pesos of the latest base
    year of the cost files used.

    Raises:
        UnknownDefinitionError: ``costs.prices.unknown``.
    """
    from rnr.policy.many import decide_many  # noqa: PLC0415 - only when priced

    decided = list(zip(decide_many(a, cohort), decide_many(b, cohort), cohort, strict=True))
    if prices_of is None:
        bases = [
            f.prices_of
            for _, _, c in decided
            if (f := book.for_sanction(c.legal.sanction, c.assessed_on.year)) is not None
            and f.priced
        ]
        prices_of = max((y for y in bases if y is not None), default=None)
    totals = [ZERO, ZERO, ZERO, ZERO]
    stake = [ZERO, ZERO]
    unpriced: Counter[str] = Counter()
    priced = lost = 0
    for da, db, case in decided:
        year = case.assessed_on.year
        ca, cb = decision_cost(da, book, year, prices_of), decision_cost(db, book, year, prices_of)
        if ca is None or cb is None:
            unpriced[str(da.sanction)] += 1
            continue
        priced += 1
        gone = da.sanction in da.eligible_sanctions and da.sanction not in db.eligible_sanctions
        if gone:
            lost += 1
            stake = [stake[0] + ca[0], stake[1] + ca[1]]
        totals = [totals[0] + ca[0], totals[1] + ca[1], totals[2] + cb[0], totals[3] + cb[1]]
    return PricedWhatIf(
        a.ref,
        b.ref,
        prices_of,
        len(decided),
        priced,
        low_a=totals[0],
        high_a=totals[1],
        low_b=totals[2],
        high_b=totals[3],
        no_longer_eligible=lost,
        at_stake_low=stake[0],
        at_stake_high=stake[1],
        unpriced=dict(unpriced),
        prices_status=book.prices.status,
    )


def price_cases(
    cases: Iterable[Case],
    instruments: Callable[[str | None], Library],
    a: Policy,
    b: Policy,
    book: CostBook,
    *,
    instrument_ref: str | None = None,
    prices_of: int | None = None,
) -> PricedWhatIf:
    """Score ``cases`` as :func:`rnr.cases.path.compare_cases` does, and price both policies."""
    from rnr.cases.path import cohort_case  # noqa: PLC0415 - only when priced

    cohort = [
        cohort_case(case, instruments(instrument_ref or case.instrument), (a, b), instrument_ref)
        for case in cases
    ]
    return price_whatif(a, b, cohort, book, prices_of=prices_of)
