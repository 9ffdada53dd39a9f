"""The change policy's answer, acted on: intensity steps recorded with a case's decisions.

When the policy's ``change`` table answers a reassessment or an event
(``keep``, ``step_up`` or ``step_down`` the intensity), the answer is recorded
with the decision it acts on, in the decision record's ``step``:

- a **reassessment** records ``{"cause": "reassessment", "previous": <the
  previous assessment>, "events": [<the events since it>], "action",
  "rule"}`` (and the agency's ``reliability`` figures when they were given);
- an **event** that the table answers alone (a new offence, a breach)
  records a decision of its own, made from the same assessment, override,
  legal context and policy as the decision in force, with ``{"cause":
  "event", "event": <the event>, "action", "rule"}``.

Like every derived result, the step is recomputed on read: the answer from
the records it names (the two assessments, the events) and the policy
(hash-checked), checked against the ``action`` and ``rule`` it was stored
with; the intensity from the *band* (:func:`rnr.policy.answer.step_intensity`).
The band of a decision without a step is its own risk level. A reassessment
steps from the band the previous reassessment (or opening, or override) set
under the same sentence: the steps taken at the events since it were the
interim answer to what the reassessment now answers in full. An event steps
from the band in force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from rnr.cases.legal import LegalContext
from rnr.change.between import compare
from rnr.definitions.instrument import Reliability
from rnr.definitions.library import Library
from rnr.definitions.policy import Policy
from rnr.errors import ChangeError
from rnr.history.entries import DecisionEntry
from rnr.policy.answer import (
    ChangeAnswer,
    IntensityStep,
    change_facts,
    decide_change,
    step_intensity,
)
from rnr.policy.decision import Decision
from rnr.scoring.result import ScoreResult

__all__ = [
    "band_before",
    "event_step",
    "figures",
    "reassessment_answer",
    "reassessment_step",
    "stepped",
]


def reassessment_answer(
    previous: ScoreResult,
    current: ScoreResult,
    *,
    events: Sequence[str],
    policy: Policy,
    library: Library,
    reliability: Mapping[str, Reliability] | None = None,
) -> ChangeAnswer | None:
    """The ``change`` table's answer to a reassessment, or ``None`` when it cannot answer.

    It cannot when the policy has no ``change`` table, the two assessments
    cannot be compared, or the primary scale has no levels.
    """
    if "change" not in policy.tables:
        return None
    try:
        change = compare(previous, current, library=library, reliability=reliability)
    except ChangeError:
        return None
    facts = change_facts(change, events_since_previous=events)
    if None in facts.values():
        return None
    return decide_change(policy, facts)


def figures(reliability: Mapping[str, Reliability] | None) -> dict[str, Any]:
    """Reliability figures as a step records them."""
    return {scale: attrs.asdict(r) for scale, r in (reliability or {}).items()}


def reassessment_step(
    answer: ChangeAnswer,
    *,
    previous: int,
    events: Sequence[int],
    reliability: Mapping[str, Reliability] | None = None,
) -> dict[str, Any]:
    """The ``step`` of a reassessment's decision record."""
    out: dict[str, Any] = {
        "cause": "reassessment",
        "previous": previous,
        "events": list(events),
        "action": answer.action,
        "rule": answer.rule,
    }
    if reliability:
        out["reliability"] = figures(reliability)
    return out


def event_step(answer: ChangeAnswer | None, *, event: int) -> dict[str, Any]:
    """The ``step`` of the decision an event's answer records (``None``: no step)."""
    return {
        "cause": "event",
        "event": event,
        "action": answer.action if answer is not None else "keep",
        "rule": answer.rule if answer is not None else None,
    }


def band_before(cause: str, decision: Decision, previous: Sequence[DecisionEntry]) -> str | None:
    """The band a step starts from, given the decisions before it (record order).

    An event steps from the band in force; a reassessment from the band of
    the latest decision that no event made, when it was under the same
    sentence (otherwise from its own level).
    """
    if not previous:
        return None
    if cause == "event":
        return previous[-1].band
    for entry in reversed(previous):
        if entry.step is not None and entry.step.cause == "event":
            continue
        same = entry.decision.sanction == decision.sanction
        return entry.band if same else None
    return None


def stepped(
    cause: str,
    answer: ChangeAnswer | None,
    *,
    decision: Decision,
    previous: Sequence[DecisionEntry],
    policy: Policy,
    legal: LegalContext,
    assessed_on: dt.date,
) -> tuple[IntensityStep, Decision]:
    """The step an answer takes on ``decision``, and the decision after it."""
    return step_intensity(
        policy,
        decision,
        answer,
        legal=legal,
        assessed_on=assessed_on,
        band=band_before(cause, decision, previous),
        cause=cause,
    )
