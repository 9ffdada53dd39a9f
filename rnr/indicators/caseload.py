"""A caseload on a date: each case summarised, with when it is next due.

A :class:`CaseSummary` holds what a caseload report needs of a case on a
date: its assessments (dates, totals, levels, dynamic points), the needs of
the latest, the last change, the next reassessment (:class:`Due`), the
current plan version with its attainment, and the events. The case history
builds these values (one case by replaying it, a whole store in bulk); the
indicators, schedules and reports only read them.

>>> due = Due("c-1", dt.date(2025, 3, 1), "interval", "reassess-6m", "Lee et al. 2023",
...           dt.date(2024, 9, 1), "medium")
>>> due.days_overdue(dt.date(2025, 3, 11))
10
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from rnr._frozen import frozen_map
from rnr.change.delta import Change, Transition
from rnr.change.rci import Category
from rnr.definitions.responsivity import Responsivity
from rnr.events import CLOSING_EVENTS
from rnr.plan.draft import Status

__all__ = ["CaseSummary", "Due", "EventSummary", "PlanSummary", "StepSummary", "closing_of"]


@attrs.frozen
class Due:
    """When a case is next due for reassessment, and why.

    Attributes:
        instrument: the reference of the instrument ``risk_level`` is a level of.
        months: the policy's interval, in months (basis ``interval``).
    """

    case_id: str
    due_on: dt.date
    basis: Literal["interval", "event"]
    rule: str
    source: str
    last_assessed_on: dt.date
    risk_level: str
    event: str | None = None
    event_on: dt.date | None = None
    instrument: str = ""
    months: int | None = None

    def days_overdue(self, as_of: dt.date) -> int:
        """Days past the due date on ``as_of`` (0 when not yet due)."""
        return max(0, (as_of - self.due_on).days)

    def to_dict(self, as_of: dt.date | None = None) -> dict[str, Any]:
        """JSON-ready form (with ``days_overdue`` when ``as_of`` is given)."""
        out: dict[str, Any] = {
            "case_id": self.case_id,
            "due_on": self.due_on.isoformat(),
            "basis": self.basis,
            "rule": self.rule,
            "source": self.source,
            "last_assessed_on": self.last_assessed_on.isoformat(),
            "risk_level": self.risk_level,
            "event": self.event,
            "event_on": self.event_on.isoformat() if self.event_on else None,
            "instrument": self.instrument,
            "months": self.months,
        }
        if as_of is not None:
            out["days_overdue"] = self.days_overdue(as_of)
        return out


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
        drafted_on: the date of the plan's first version (when the PII was drawn up).
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
    drafted_on: dt.date | None = None


@attrs.frozen
class CaseSummary:
    """One case on one date (see the module docstring).

    Attributes:
        levels: the primary level of each assessment, as computed (an
            override is in ``risk_level``, the effective level now).
        dynamic: the points of each assessment on the dynamic domains.
        needs: the need level of each domain at the latest assessment.
        criminogenic: the domains flagged criminogenic at the latest assessment.
        criminogenic_at: the domains flagged criminogenic at each assessment.
        responsivity: the responsivity section of the latest assessment.
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
    criminogenic_at: tuple[frozenset[str], ...] = ()
    responsivity: Responsivity = attrs.field(factory=Responsivity)

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
