"""What a year's caseload cost, read from a store.

:func:`caseload_report` reads the store once (each case's kept share of the
year's reports, or its summary on 31 December, one at a time, as the
programme report does) and gives each to a
:class:`rnr.costs.caseload.CostTally`, with each case's unit as the case
index lists it (:func:`rnr.history.access.listed_units`);
:mod:`rnr.render.costs` presents the result.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from rnr.costs.caseload import CaseloadCosts, CostTally
from rnr.definitions.costs import CostBook, shipped
from rnr.history.access import listed_units
from rnr.history.bulk import iter_summaries
from rnr.history.caseindex import settled_cases
from rnr.history.definitions import Definitions
from rnr.history.programme import take_shares
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
    settled = settled_cases(store, defs=defs, before=dt.date(period - 1, 1, 1))
    if progress is not None and settled.last:
        progress(len(settled.last))
    for sanction in settled.sanctions:
        tally.seen(sanction)
    skip, others = dict(settled.last), 1
    taken: dict[str, int] = {}
    if book is None or book is shipped():  # the shares kept by each case's last write

        def take(case_id: str, shares: Mapping[str, Any]) -> None:
            tally.take(case_id, shares["sanction"], shares["costs"])

        taken, others = take_shares(store, defs, period, skip, take=take, progress=progress)
        skip.update(taken)
    as_of = dt.date(period, 12, 31)
    found = iter_summaries(store, as_of=as_of, defs=defs, progress=progress, skip=skip)
    for _, summary in found if others else ():  # the other cases, from their timelines
        if summary.case_id not in taken:  # written to since its shares were taken: once
            tally.add(summary)
    return tally.report(listed_units(store))
