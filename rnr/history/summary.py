"""One case on one date, summarised: what schedules, cohort reports and indicators read.

A :class:`CaseSummary` holds what a caseload report needs of a case on a
date: its assessments (dates, totals, levels, dynamic points), the needs of
the latest, the last change, the next reassessment, the current plan
version with its attainment, and the events. :func:`summarize_case` builds it
from one replayed history; :func:`rnr.history.cohort.summarize` builds the
same for a whole store in bulk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.change import Category, Change, Transition
from rnr.history.definitions import Definitions
from rnr.history.model import CaseHistory
from rnr.history.progress import case_change
from rnr.history.schedule import Due, next_due
from rnr.instrument import Reliability
from rnr.plan import attainment
from rnr.plan.model import Status
from rnr.store.records import CLOSING_EVENTS

__all__ = [
    "CaseSummary",
    "EventSummary",
    "PlanSummary",
    "StepSummary",
    "closing_of",
    "summarize_case",
]


@attrs.frozen
class StepSummary:
    """The last change of a case's primary scale."""

    previous_on: dt.date
    current_on: dt.date
    previous: int
    current: int
    delta: int
    previous_level: str | None
    current_level: str | None
    transition: Transition | None
    rci: float | None
    reliable: Category

    @classmethod
    def of(cls, change: Change) -> StepSummary:
        """The primary scale's part of a comparison."""
        primary = change.primary
        return cls(
            change.previous_on,
            change.current_on,
            primary.previous,
            primary.current,
            primary.delta,
            primary.previous_level,
            primary.current_level,
            primary.transition,
            primary.rci,
            primary.reliable,
        )


@attrs.frozen
class EventSummary:
    """An event: its kind, date and fields."""

    kind: str
    on: dt.date
    data: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict)


@attrs.frozen
class PlanSummary:
    """The plan version in force: its objectives' statuses and the attainment.

    Attributes:
        objectives: ``(objective id, domain, status)`` of each objective.
        reviewed_on: the dates of the reviews of objective statuses so far.
        threshold: the policy's attainment threshold (%), if any.
    """

    version: int
    kind: str
    dated: dt.date
    objectives: tuple[tuple[str, str | None, Status], ...]
    reviewed_on: tuple[dt.date, ...]
    achieved: int
    counted: int
    percent: float
    threshold: int | None


@attrs.frozen
class CaseSummary:
    """One case on one date (see the module docstring).

    Attributes:
        levels: the primary level of each assessment, as computed (an
            override is in ``risk_level``, the effective level now).
        dynamic: the points of each assessment on the dynamic domains.
        needs: the need level of each domain at the latest assessment.
        criminogenic: the domains flagged criminogenic at the latest assessment.
    """

    case_id: str
    regime: str
    sanction: str | None
    entry_date: dt.date | None
    opened_on: dt.date
    closed_on: dt.date | None
    closed_by: str | None
    instrument: str
    assessed_on: tuple[dt.date, ...]
    totals: tuple[int, ...]
    levels: tuple[str | None, ...]
    dynamic: tuple[int, ...]
    risk_level: str | None
    needs: Mapping[str, str | None] = attrs.field(converter=frozen_map)
    criminogenic: frozenset[str] = frozenset()
    last_change: StepSummary | None = None
    next_due: Due | None = None
    plan: PlanSummary | None = None
    events: tuple[EventSummary, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""

        def plain(value: Any) -> Any:
            if isinstance(value, dt.date):
                return value.isoformat()
            if attrs.has(type(value)):
                return {f.name: plain(getattr(value, f.name)) for f in attrs.fields(type(value))}
            if isinstance(value, Mapping):
                return {k: plain(v) for k, v in value.items()}
            if isinstance(value, list | tuple):
                return [plain(v) for v in value]
            if isinstance(value, frozenset):
                return sorted(value)
            return value

        out: dict[str, Any] = plain(self)
        return out


def closing_of(events: Iterable[EventSummary]) -> tuple[dt.date, str] | None:
    """The date and kind of the first closing event (discharge or revocation)."""
    found = sorted((e.on, e.kind) for e in events if e.kind in CLOSING_EVENTS)
    return found[0] if found else None


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
    )
