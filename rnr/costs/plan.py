"""The expected cost of a PII draft: its sanction's components for its period.

The programme documents give annual costs per person served (thousands of
pesos of a base year). A plan's expected cost is, for each component a
person under its sanction receives, the unit cost times the plan's period in
years, plus the administrative spending shared equally by the beneficiaries
for the same time. The period is the plan's (``period_days``: the sentence
or the duration the court fixed; else ``period_months``: one figure or the
legal range), so a range gives a lowest and a highest cost; a plan without a
period is priced for one year. The hours of the plan do not change the cost
(the documents cost a person served, not an hour), but each component shows
the planned hours of the objectives that draw on it.

Under a sanction whose programme publishes no unit cost (the adult
sentences: a structure-only file) the cost is *absent*, with the code
``no_published_cost``; under a sanction no cost file names, ``no_costs``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from rnr._frozen import frozen_map
from rnr.costs._money import DAYS_IN_YEAR, of_year, pesos, plain
from rnr.definitions.costs import shipped

if TYPE_CHECKING:
    from rnr.definitions.costs import CostBook, CostComponent
    from rnr.plan.draft import PlanDraft

__all__ = ["ComponentCost", "PlanCost", "period_years", "plan_cost", "plan_document"]

#: Why a plan has no cost.
PRICED, NO_PUBLISHED_COST, NO_COSTS = "priced", "no_published_cost", "no_costs"


@attrs.frozen
class ComponentCost:
    """One component of a plan's cost (thousands of pesos of ``PlanCost.prices_of``).

    Attributes:
        unit_cost: a person-year, in the target prices (None: not published).
        published: the unit cost as the document publishes it (its base year).
        low, high: the cost for the plan's shortest and longest period.
        hours: the planned hours of the objectives that draw on the component.
    """

    id: str
    title: Mapping[str, str] = attrs.field(converter=frozen_map)
    unit_cost: Decimal | None
    published: Decimal | None
    low: Decimal | None
    high: Decimal | None
    hours: int = 0
    objectives: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: pesos as integers, thousands as exact text."""
        return {
            "id": self.id,
            "title": dict(self.title),
            "unit_cost_thousands": plain(self.published),
            "per_year_pesos": pesos(self.unit_cost),
            "low_pesos": pesos(self.low),
            "high_pesos": pesos(self.high),
            "hours": self.hours,
            "objectives": list(self.objectives),
        }


@attrs.frozen
class PlanCost:
    """What a plan is expected to cost, by component, with the source of each figure.

    Attributes:
        status: ``priced``, ``no_published_cost`` or ``no_costs``.
        programme: the cost file used (``laeip@2024``), if any.
        prices_of: the year of the pesos of every figure.
        base_year: the year of the pesos the document publishes.
        years: the period priced, in years (lowest, highest).
        from_period: whether ``years`` is the plan's period (else one year).
    """

    status: str
    sanction: str | None
    programme: str | None = None
    prices_of: int | None = None
    base_year: int | None = None
    years: tuple[Fraction, Fraction] = (Fraction(1), Fraction(1))
    from_period: bool = False
    components: tuple[ComponentCost, ...] = ()
    administrative_low: Decimal | None = None
    administrative_high: Decimal | None = None
    low: Decimal | None = None
    high: Decimal | None = None
    source: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)
    table: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)
    cost_status: str = ""
    prices_status: str = ""

    @property
    def priced(self) -> bool:
        """Whether the plan has a cost."""
        return self.status == PRICED

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: pesos as integers (rounded half up), years as exact fractions."""
        return {
            "status": self.status,
            "sanction": self.sanction,
            "programme": self.programme,
            "prices_of": self.prices_of,
            "base_year": self.base_year,
            "years": [str(y) for y in self.years],
            "from_period": self.from_period,
            "components": [c.to_dict() for c in self.components],
            "administrative_low_pesos": pesos(self.administrative_low),
            "administrative_high_pesos": pesos(self.administrative_high),
            "low_pesos": pesos(self.low),
            "high_pesos": pesos(self.high),
            "source": dict(self.source),
            "table": dict(self.table),
            "cost_status": self.cost_status,
            "prices_status": self.prices_status,
        }


def period_years(
    period_days: tuple[int, int] | None, period_months: tuple[int, ...] | None
) -> tuple[Fraction, Fraction] | None:
    """A plan's period in years (lowest, highest): days / 365, else months / 12."""
    if period_days is not None:
        return Fraction(period_days[0], DAYS_IN_YEAR), Fraction(period_days[1], DAYS_IN_YEAR)
    if period_months:
        return Fraction(period_months[0], 12), Fraction(period_months[-1], 12)
    return None


def plan_cost(
    plan: PlanDraft, book: CostBook, *, year: int | None = None, prices_of: int | None = None
) -> PlanCost:
    """The expected cost of ``plan`` under ``book``.

    Args:
        plan: the PII draft (its sanction, period and objectives).
        book: the cost files and the price index.
        year: the year whose cost file applies (default: the plan's date's year).
        prices_of: the year of the pesos (default: the cost file's base year).

    Raises:
        UnknownDefinitionError: ``costs.prices.unknown``, ``prices_of`` not in the index.
    """
    costs = book.for_sanction(plan.sanction, year or plan.dated.year)
    if costs is None:
        return PlanCost(NO_COSTS, plan.sanction)
    span = period_years(plan.period_days, plan.period_months)
    years = span or (Fraction(1), Fraction(1))
    if not costs.priced:
        return PlanCost(
            NO_PUBLISHED_COST,
            plan.sanction,
            programme=costs.ref,
            years=years,
            from_period=span is not None,
            components=tuple(
                ComponentCost(c.id, c.title, None, None, None, None)
                for c in costs.components_for(str(plan.sanction))
            ),
            source=costs.source,
            table=costs.table,
            cost_status=costs.status,
        )
    base = costs.prices_of or 0
    target = prices_of or base

    def at(amount: Decimal) -> Decimal:
        return book.prices.convert(amount, base, target)

    components = tuple(
        _component(c, plan, years, at) for c in costs.components_for(str(plan.sanction))
    )
    admin = at(costs.administrative_per_person() or Decimal(0))
    admin_low, admin_high = of_year(admin, years[0]), of_year(admin, years[1])
    return PlanCost(
        PRICED,
        plan.sanction,
        programme=costs.ref,
        prices_of=target,
        base_year=base,
        years=years,
        from_period=span is not None,
        components=components,
        administrative_low=admin_low,
        administrative_high=admin_high,
        low=sum((c.low or Decimal(0) for c in components), admin_low),
        high=sum((c.high or Decimal(0) for c in components), admin_high),
        source=costs.source,
        table=costs.table,
        cost_status=costs.status,
        prices_status=book.prices.status if target != base else "",
    )


def _component(
    c: CostComponent,
    plan: PlanDraft,
    years: tuple[Fraction, Fraction],
    at: Callable[[Decimal], Decimal],
) -> ComponentCost:
    drawing = [
        o for o in (*plan.objectives, *plan.supports) if any(c.matches(n) for n in o.components)
    ]
    unit = at(c.unit_cost) if c.unit_cost is not None else None
    return ComponentCost(
        c.id,
        c.title,
        unit,
        c.unit_cost,
        None if unit is None else of_year(unit, years[0]),
        None if unit is None else of_year(unit, years[1]),
        hours=sum(o.hours for o in drawing),
        objectives=tuple(o.id for o in drawing),
    )


def plan_document(plan: PlanDraft, book: CostBook | None = None) -> dict[str, Any]:
    """The draft as data with its expected cost (``rnr plan --json``, ``POST /v1/plan``)."""
    return {**plan.to_dict(), "cost": plan_cost(plan, book or shipped()).to_dict()}
