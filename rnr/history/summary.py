"""One case on one date, summarised: what schedules, cohort reports and indicators read.

A :class:`CaseSummary` holds what a caseload report needs of a case on a
date: its assessments (dates, totals, levels, dynamic points), the needs of
the latest, the last change, the next reassessment, the current plan
version with its attainment, and the events. :func:`summarize_case` builds it
from one replayed history; :func:`rnr.history.bulk.summarize` builds the
same for a whole store in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from rnr.definitions.instrument import Reliability
from rnr.history.definitions import Definitions
from rnr.history.entries import CaseHistory
from rnr.history.progress import case_change
from rnr.history.schedule import next_due
from rnr.indicators.caseload import (
    CaseSummary,
    EventSummary,
    PlanSummary,
    StepSummary,
    closing_of,
)
from rnr.plan.draft import attainment

__all__ = [
    "summarize_case",
]


def summarize_case(
    history: CaseHistory,
    *,
    as_of: dt.date,
    defs: Definitions | None = None,
    reliability: Mapping[str, Reliability] | None = None,
) -> CaseSummary | None:
    """The summary of one replayed history on ``as_of`` (``None`` before its first assessment)."""
    defs = defs or Definitions.shipped()
    assessments = [a for a in history.assessments if a.on <= as_of]
    if not assessments:
        return None
    events = tuple(EventSummary(e.kind, e.on, e.data) for e in history.events if e.on <= as_of)
    closing = closing_of(events)
    decisions = [d for d in history.decisions if d.on <= as_of]
    step = None
    if len(assessments) >= 2:
        report = case_change(history, defs=defs, as_of=as_of, reliability=reliability)
        assert report.history is not None
        step = StepSummary.of(report.history.steps[-1])
    results = [a.result for a in assessments]
    latest = results[-1]
    legal = decisions[-1].legal if decisions else None
    return CaseSummary(
        case_id=history.case_id,
        regime=history.regime,
        sanction=decisions[-1].decision.sanction if decisions else None,
        entry_date=legal.entry_date if legal else None,
        opened_on=history.opened_on,
        closed_on=closing[0] if closing else None,
        closed_by=closing[1] if closing else None,
        instrument=str(latest.instrument),
        assessed_on=tuple(a.on for a in assessments),
        totals=tuple(r.scales[r.primary_scale].raw for r in results),
        levels=tuple(r.risk_level for r in results),
        dynamic=tuple(
            sum(d.total for d in r.domains.values() if d.factor == "dynamic") for r in results
        ),
        risk_level=decisions[-1].decision.risk_level if decisions else None,
        needs={d.id: d.need for d in latest.domains.values()},
        criminogenic=frozenset(latest.criminogenic_needs),
        last_change=step,
        next_due=next_due(history, defs=defs, as_of=as_of),
        plan=_plan(history, as_of),
        events=events,
        criminogenic_at=tuple(frozenset(r.criminogenic_needs) for r in results),
        responsivity=assessments[-1].responsivity,
    )


def _plan(history: CaseHistory, as_of: dt.date) -> PlanSummary | None:
    versions = [p for p in history.plans if p.plan.dated <= as_of]
    if not versions:
        return None
    plan = versions[-1].plan
    done = attainment(plan)
    return PlanSummary(
        version=plan.version,
        kind=plan.kind,
        dated=plan.dated,
        objectives=tuple((o.id, o.domain, o.status) for o in plan.objectives),
        reviewed_on=tuple(p.plan.dated for p in versions if not p.drafted),
        achieved=done.achieved,
        counted=done.counted,
        percent=done.percent,
        threshold=done.threshold,
        drafted_on=versions[0].plan.dated,
    )
