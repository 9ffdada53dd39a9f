"""The programme report of a year: indicators, reinsertion index, override monitoring, costs.

:func:`programme_report` reads a store once (the bulk case summaries on 31
December of the year) and computes everything;
:mod:`rnr.render.indicators` presents it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs

from rnr.costs.caseload import CaseloadCosts, caseload_costs
from rnr.definitions.costs import shipped as shipped_costs
from rnr.definitions.indicators import PROGRAMMES, IndicatorSet, ReinsertionIndex, shipped
from rnr.history.bulk import summarize
from rnr.history.definitions import Definitions
from rnr.history.overrides import OverrideReport, OverrideTally
from rnr.indicators.compute import IndicatorResult, compute_indicators
from rnr.indicators.reinsertion_index import ReinsertionReport, reinsertion
from rnr.store.protocol import Store

__all__ = ["ProgrammeReport", "programme_report"]


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

    The store is read once, one case timeline at a time: the summaries on
    31 December and the override monitoring are made from the same reading;
    ``progress`` is called with the number of cases read, as they are.

    Raises:
        InvalidArgumentError: an unknown programme.
        StoreIntegrityError: a record cannot be read back exactly.
    """
    defs = defs or Definitions.shipped()
    shipped_spec, shipped_index = shipped()
    spec, index = spec or shipped_spec, index or shipped_index
    as_of = dt.date(period, 12, 31)
    tally = OverrideTally(period, (programme,) if programme else None, 12)
    summaries = summarize(store, as_of=as_of, defs=defs, progress=progress, visit=tally.add)
    results = compute_indicators(
        summaries, spec, period=period, library=defs.library, programme=programme
    )
    programmes = (programme,) if programme else PROGRAMMES
    return ProgrammeReport(
        store=store.name,
        period=period,
        programme=programme,
        as_of=as_of,
        indicators=results,
        reinsertion=reinsertion(summaries, index, period=period, programmes=programmes),
        overrides=tally.report(),
        costs=caseload_costs(summaries, shipped_costs(), period=period, programme=programme),
    )
