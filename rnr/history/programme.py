"""The programme report of a year: indicators, reinsertion index, override monitoring, costs.

:func:`programme_report` reads a store once (the bulk case summaries on 31
December of the year, one case at a time) and computes everything;
:mod:`rnr.render.indicators` presents it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from rnr.costs.caseload import CaseloadCosts, CostTally
from rnr.definitions.costs import shipped as shipped_costs
from rnr.definitions.indicators import PROGRAMMES, IndicatorSet, ReinsertionIndex, shipped
from rnr.history.bulk import summaries_since
from rnr.history.definitions import Definitions
from rnr.history.overrides import OverrideReport, OverrideTally
from rnr.indicators.compute import IndicatorResult, IndicatorTally
from rnr.indicators.reinsertion_index import ReinsertionReport, ReinsertionTally
from rnr.store.protocol import Store

__all__ = ["ProgrammeReport", "first_day_read", "programme_report"]


@attrs.frozen
class ProgrammeReport:
    """Everything the yearly report shows."""

    store: str
    period: int
    programme: str | None
    as_of: dt.date
    indicators: tuple[IndicatorResult, ...]
    reinsertion: ReinsertionReport
    overrides: OverrideReport
    #: What the year's caseload cost (docs/costs.md), from the same summaries.
    costs: CaseloadCosts | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "store": self.store,
            "period": self.period,
            "programme": self.programme,
            "as_of": self.as_of.isoformat(),
            "indicators": [r.to_dict() for r in self.indicators],
            "reinsertion": self.reinsertion.to_dict(),
            "overrides": self.overrides.to_dict(),
            "costs": None if self.costs is None else self.costs.to_dict(),
        }


def programme_report(
    store: Store,
    *,
    period: int,
    programme: str | None = None,
    defs: Definitions | None = None,
    spec: IndicatorSet | None = None,
    index: ReinsertionIndex | None = None,
    progress: Callable[[int], None] | None = None,
) -> ProgrammeReport:
    """Compute the report of ``period`` (one programme, or all) from ``store``.

    The store is read once, one case timeline at a time: each case's
    summary on 31 December is counted by the indicators, the reinsertion
    index and the costs, and the override monitoring by its timeline, then
    let go, so what the report holds grows with what it shows, not with the
    store. ``progress`` is called with the number of cases read, as they are.

    Raises:
        InvalidArgumentError: an unknown programme.
        StoreIntegrityError: a record cannot be read back exactly.
    """
    defs = defs or Definitions.shipped()
    shipped_spec, shipped_index = shipped()
    spec, index = spec or shipped_spec, index or shipped_index
    as_of = dt.date(period, 12, 31)
    programmes = (programme,) if programme else PROGRAMMES
    indicators = IndicatorTally(spec, period, defs.library, programme)
    reinserted = ReinsertionTally(index, period, programmes)
    costs = CostTally(shipped_costs(), period, programme=programme)
    overrides = OverrideTally(period, (programme,) if programme else None, 12)
    # a case closed with every record dated before the first year read counts in no
    # population: the case index gives its sanction and latest day, unread
    settled, summaries = summaries_since(
        store,
        as_of=as_of,
        since=first_day_read(spec, period),
        defs=defs,
        progress=progress,
        visit=overrides.add,
    )
    for sanction in settled.sanctions:
        indicators.seen(sanction)
        costs.seen(sanction)
    if settled.latest_on is not None:
        overrides.seen(settled.latest_on)
    for summary in summaries:
        for tally in (indicators, reinserted, costs):
            tally.add(summary)
    return ProgrammeReport(
        store=store.name,
        period=period,
        programme=programme,
        as_of=as_of,
        indicators=indicators.results(),
        reinsertion=reinserted.report(),
        overrides=overrides.report(),
        costs=costs.report(),
    )


def first_day_read(spec: IndicatorSet, period: int) -> dt.date:
    """The first day the report reads.

    The year before's (the costs of the people discharged then), or an
    earlier one's when an indicator counts the people discharged then.
    """
    offsets = [
        int(i.population_params.get("year_offset", 0))
        for i in spec.indicators
        if i.population == "discharged"
    ]
    return dt.date(min([period - 1, *(period + o for o in offsets)]), 1, 1)
