"""What plans, caseloads and results cost, from the programmes' published unit costs.

The cost files are data (``plans/costs``, read by
:mod:`rnr.definitions.costs`); :func:`plan_cost` prices a PII draft,
:func:`caseload_costs` a year's caseload and its results, and
:func:`price_whatif` a policy change over a cohort. Figures are exact
decimals in thousands of pesos; pesos are rounded only when given out.
"""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "CaseloadCosts": "rnr.costs.caseload",
    "PlanCost": "rnr.costs.plan",
    "PricedWhatIf": "rnr.costs.whatif",
    "caseload_costs": "rnr.costs.caseload",
    "plan_cost": "rnr.costs.plan",
    "price_whatif": "rnr.costs.whatif",
}

__all__ = [
    "CaseloadCosts",
    "PlanCost",
    "PricedWhatIf",
    "caseload_costs",
    "plan_cost",
    "price_whatif",
]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.costs.caseload import CaseloadCosts as CaseloadCosts
    from rnr.costs.caseload import caseload_costs as caseload_costs
    from rnr.costs.plan import PlanCost as PlanCost
    from rnr.costs.plan import plan_cost as plan_cost
    from rnr.costs.whatif import PricedWhatIf as PricedWhatIf
    from rnr.costs.whatif import price_whatif as price_whatif
