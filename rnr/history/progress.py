"""A case's change over its history, its signals and the policy's answer, in one value.

:func:`case_change` puts together what a delegado reviews at a
reassessment: the change at every step and overall (with reliable change and
the trajectory), the plan's attainment against the policy's threshold, the
desistance signals and warnings, and the policy's answer to the last step
(keep, step down or step up the intensity), each with its trace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import attrs

from rnr.change.desistance import Signals, signals
from rnr.change.history import HistoryChange, compare_history
from rnr.definitions.instrument import Reliability
from rnr.history.definitions import Definitions
from rnr.history.entries import CaseHistory, DecisionEntry
from rnr.plan.draft import Attainment, attainment
from rnr.policy.answer import ChangeAnswer, change_facts, decide_change

__all__ = ["DEFAULT_WINDOW_MONTHS", "CaseChange", "Window", "case_change"]

#: Months without a new offence for the desistance signal when the policy sets none.
DEFAULT_WINDOW_MONTHS = 12


@attrs.frozen
class Window:
    """The events the warnings and the answer read: dated after ``after``, up to ``until``.

    ``basis`` says what ``after`` is: ``previous_assessment`` or, with a
    single assessment, ``followed_since`` (the entry date).
    """

    after: dt.date
    until: dt.date
    basis: str

    def holds(self, day: dt.date) -> bool:
        """Whether ``day`` is in the window."""
        return self.after < day <= self.until

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready dict."""
        return {
            "after": self.after.isoformat(),
            "until": self.until.isoformat(),
            "basis": self.basis,
        }


@attrs.frozen
class CaseChange:
    """Change, attainment, signals and the policy's answer for one case on one date.

    ``history`` is ``None`` with fewer than two assessments; ``answer`` is
    ``None`` then, or when the policy has no ``change`` table. ``window``
    holds the events the warnings and the answer read; ``recorded`` the
    decisions dated in it that carry a recorded answer (a reassessment's,
    an event's), with their step.
    """

    case_id: str
    as_of: dt.date
    history: HistoryChange | None
    attainment: Attainment | None
    signals: Signals
    answer: ChangeAnswer | None
    events_since_previous: tuple[str, ...] = ()
    window: Window | None = None
    recorded: tuple[DecisionEntry, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        done = self.attainment
        return {
            "case_id": self.case_id,
            "as_of": self.as_of.isoformat(),
            "change": self.history.to_dict() if self.history else None,
            "attainment": None if done is None else {**attrs.asdict(done), "met": done.met},
            "signals": self.signals.to_dict(),
            "window": self.window.to_dict() if self.window else None,
            "events_since_previous": list(self.events_since_previous),
            "answer": self.answer.to_dict() if self.answer else None,
            "recorded": [
                {
                    "decision": d.id,
                    "on": d.on.isoformat(),
                    "band": d.band,
                    "risk_level": d.decision.risk_level,
                    "step": d.step.to_dict() if d.step is not None else None,
                }
                for d in self.recorded
            ],
        }


def case_change(
    history: CaseHistory,
    *,
    defs: Definitions | None = None,
    as_of: dt.date | None = None,
    reliability: Mapping[str, Reliability] | None = None,
) -> CaseChange:
    """What changed in a case, what it signals, and what the policy answers.

    Args:
        history: the case (:func:`rnr.history.read_history`).
        defs: the definitions (default: the shipped ones).
        as_of: the day signals are read (default: the latest date in the
            history); later events are left out.
        reliability: the agency's reliability figures per scale, replacing
            the instrument's (see :func:`rnr.change.between`).

    Raises:
        ChangeError: two assessments cannot be compared (see
            :func:`rnr.change.between`).
    """
    defs = defs or Definitions.shipped()
    days = [a.on for a in history.assessments] + [e.on for e in history.events]
    day = as_of or max([*days, *(p.plan.dated for p in history.plans)])
    assessments = [a for a in history.assessments if a.on <= day]
    events = [e for e in history.events if e.on <= day]
    change = None
    if len(assessments) >= 2:
        change = compare_history(
            [a.result for a in assessments], library=defs.library, reliability=reliability
        )
    plans = [p.plan for p in history.plans if p.plan.dated <= day]
    done = attainment(plans[-1]) if plans else None
    decisions = [d for d in history.decisions if d.on <= day]
    policy = defs.policies.get(str(decisions[-1].decision.policy)) if decisions else None
    window = policy.params.get("desistance_window_months") if policy else None
    followed = min((history.legal.entry_date if history.legal else None) or history.opened_on, day)
    read = signals(
        change.steps if change else (),
        events=[(e.kind, e.on) for e in events],
        attainment=done,
        followed_since=followed,
        as_of=day,
        window_months=int(window.value) if window else DEFAULT_WINDOW_MONTHS,
    )
    # one window for the warnings (rnr.change.signals reads the same) and the answer
    seen = (
        Window(change.steps[-1].previous_on, day, "previous_assessment")
        if change is not None
        else Window(followed, day, "followed_since")
    )
    since = tuple(e.kind for e in events if seen.holds(e.on))
    answer = None
    if change is not None:
        facts = change_facts(change.steps[-1], events_since_previous=since)
        if policy is not None and "change" in policy.tables and None not in facts.values():
            answer = decide_change(policy, facts)
    recorded = tuple(d for d in decisions if d.step is not None and seen.holds(d.on))
    return CaseChange(history.case_id, day, change, done, read, answer, since, seen, recorded)
