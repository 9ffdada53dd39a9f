"""What a year's caseload cost, read from a store.

:func:`caseload_report` reads the store once (the bulk case summaries on
31 December of the year, one at a time, as the programme report does) and
gives each to a :class:`rnr.costs.caseload.CostTally`, with each case's
unit read from its opening record (:func:`rnr.history.access.case_units`);
:mod:`rnr.render.costs` presents the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from rnr.costs.caseload import CaseloadCosts, CostTally
from rnr.definitions.costs import CostBook, shipped
from rnr.history.access import case_units
from rnr.history.bulk import summaries_since
from rnr.history.definitions import Definitions
from rnr.history.requests import check_period
from rnr.store.protocol import Store

__all__ = ["caseload_report"]


def caseload_report(
    store: Store,
    *,
    period: int,
    prices_of: int | None = None,
    programme: str | None = None,
    defs: Definitions | None = None,
    book: CostBook | None = None,
    progress: Callable[[int], None] | None = None,
) -> CaseloadCosts:
    """The costs of the caseload of ``period`` in ``store``.

    Raises:
        InvalidArgumentError: a period outside the years rnr reports.
        UnknownDefinitionError: ``costs.prices.unknown``.
        StoreIntegrityError: a record cannot be read back exactly.
    """
    check_period(period)
    defs = defs or Definitions.shipped()
    tally = CostTally(book or shipped(), period, prices_of=prices_of, programme=programme)
    # the year, and the one before (the people discharged then)
    settled, summaries = summaries_since(
        store,
        as_of=dt.date(period, 12, 31),
        since=dt.date(period - 1, 1, 1),
        defs=defs,
        progress=progress,
    )
    for sanction in settled.sanctions:
        tally.seen(sanction)
    for summary in summaries:
        tally.add(summary)
    return tally.report(case_units(store))
