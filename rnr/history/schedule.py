"""When a case is next due for reassessment, and why.

A case is due at the earlier of two dates:

- the **interval**: the latest decision's ``next_reassessment`` deadline (the
  policy's reassessment table, by regime and risk level);
- an **event trigger**: an event recorded after the latest assessment that
  the policy's ``event_reassessment`` table says calls for a reassessment
  within some days (a new offence, a breach).

A closed case (discharge or revocation on or before the date asked about)
is due for nothing.

>>> import datetime as dt
>>> due = Due("c-1", dt.date(2025, 3, 1), "interval", "reassess-6m", "Lee et al. 2023",
...           dt.date(2024, 9, 1), "medium")
>>> due.days_overdue(dt.date(2025, 3, 11))
10
"""

from __future__ import annotations

import datetime as dt

from rnr.definitions.policy import Policy
from rnr.history.definitions import Definitions
from rnr.history.entries import CaseHistory
from rnr.indicators.caseload import Due
from rnr.policy.answer import reassessment_trigger

__all__ = ["Due", "interval_months", "next_due"]


def next_due(
    history: CaseHistory, *, defs: Definitions | None = None, as_of: dt.date | None = None
) -> Due | None:
    """The next reassessment of an open case (``None`` when closed or never decided).

    Args:
        history: the case.
        defs: the definitions (for the policy's event triggers).
        as_of: only records on or before this date count (the latest
            decision then, the events since the latest assessment then), and
            the case must be open on it (default: every record).
    """
    decisions = [d for d in history.decisions if as_of is None or d.on <= as_of]
    assessments = [a for a in history.assessments if as_of is None or a.on <= as_of]
    if not history.is_open(as_of) or not decisions or not assessments:
        return None
    defs = defs or Definitions.shipped()
    decision = decisions[-1].decision
    last = assessments[-1].on
    instrument = str(decision.instrument or assessments[-1].result.instrument)
    policy = defs.policies.get(str(decision.policy))
    candidates: list[Due] = []
    deadline = decision.deadlines.get("next_reassessment")
    if deadline is not None:
        candidates.append(
            Due(
                history.case_id,
                deadline.date,
                "interval",
                deadline.rule,
                deadline.source,
                last,
                decision.risk_level,
                instrument=instrument,
                months=interval_months(policy, deadline.rule),
            )
        )
    for event in history.events_between(last, as_of):
        trigger = reassessment_trigger(policy, event.kind)
        if trigger is None:
            continue
        candidates.append(
            Due(
                history.case_id,
                event.on + dt.timedelta(days=trigger.days),
                "event",
                trigger.rule,
                trigger.source,
                last,
                decision.risk_level,
                event.kind,
                event.on,
                instrument=instrument,
            )
        )
    return min(candidates, key=lambda d: (d.due_on, d.basis)) if candidates else None


def interval_months(policy: Policy, rule: str) -> int | None:
    """The months rule ``rule`` of the policy's ``reassessment`` table sets (``None``: none)."""
    table = policy.tables.get("reassessment")
    found = next((r for r in table.rules if r.id == rule), None) if table is not None else None
    months = found.then.get("months") if found is not None else None
    return int(months) if months is not None else None
