"""The caseload page's rows, from one page the store cut (:func:`rnr.history.caseload.caseload`).

The page asks the history layer for exactly one page of the open cases (a
unit's, or all), searched and sorted by the column chosen; the store's case
index answers it in a query, however many cases the store holds. This
module only puts words on the page's rows: the regime, the sanction's name,
the level's label, the instrument's name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs

from rnr.history.caseload import CaseEntry, caseload
from rnr.history.definitions import Definitions
from rnr.render.messages import Catalogue
from rnr.render.names import instrument_name, sanction_name
from rnr.store.protocol import Store
from rnr.workspace.views import CHANGES, PAGE_SIZE, CaseloadQuery, LabelsOf

__all__ = ["ORDER_OF", "caseload_page"]

#: The history layer's order of each column of the page (query ``orden``).
ORDER_OF = {
    "caso": "case",
    "riesgo": "rank",
    "sancion": "sanction",
    "proxima": "due",
    "atraso": "late",
}


def caseload_page(
    store: Store,
    query: CaseloadQuery,
    *,
    as_of: dt.date,
    unit: str | None,
    defs: Definitions,
    labels_of: LabelsOf,
    w: Catalogue,
) -> dict[str, Any]:
    """One page of the open cases on ``as_of`` of ``unit`` (``None``: every case).

    Returns the page's rows (case, regime, sanction, risk level, last
    assessment, last change, next reassessment, days overdue), how many
    cases match, the page's number and count, the query and the filters of
    the last change it offers; a page past the last shows the last.
    """

    def cut(page: int) -> tuple[tuple[CaseEntry, ...], int]:
        found = caseload(
            store,
            as_of=as_of,
            defs=defs,
            unit=unit,
            search=query.search,
            overdue=query.overdue_only,
            change=CHANGES.get(query.change),
            order=ORDER_OF[query.sort],
            descending=query.descending,
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        return found.entries, found.total

    page = query.page
    entries, total = cut(page)
    pages = max(1, -(-total // PAGE_SIZE))
    if page > pages:
        page = pages
        entries, total = cut(page)
    return {
        "rows": [_row(e, as_of, labels_of, w) for e in entries],
        "count": total,
        "page": page,
        "pages": pages,
        "query": attrs.evolve(query, page=page),
        "as_of": as_of,
        "changes": CHANGES,
    }


def _row(entry: CaseEntry, as_of: dt.date, labels_of: LabelsOf, w: Catalogue) -> dict[str, Any]:
    labels = labels_of(entry.instrument)
    return {
        "case_id": entry.case_id,
        "regime": w(f"history.regime_{entry.regime}"),
        "sanction": entry.sanction,
        "sanction_name": sanction_name(entry.sanction, w.lang) if entry.sanction else None,
        "level": labels.level(entry.risk_level),
        "rank": entry.rank,
        "instrument": instrument_name(entry.instrument, w.lang),
        "assessed_on": entry.assessed_on,
        "change": _change(entry, w),
        "due_on": entry.due.due_on if entry.due is not None else None,
        "late": entry.days_overdue(as_of),
    }


def _change(entry: CaseEntry, w: Catalogue) -> str | None:
    """The last change in words: its reliable change category and the points it moved."""
    step = entry.last_change
    if step is None:
        return None
    reliable = w(f"change.report.reliable.{step.reliable}")
    key = "workspace.caseload.change_delta"
    return w(key, count=abs(step.delta), reliable=reliable, delta=step.delta)
