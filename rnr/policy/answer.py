"""The policy's answer to a change between assessments, and to an event.

Two optional tables of a policy answer what a decision does not:

- ``change`` reads the ``change.*`` facts of a comparison (the primary
  level's transition, the reliable change, a new offence or breach since the
  previous assessment) and answers ``action``: ``keep``, ``step_down`` or
  ``step_up`` the intensity;
- ``event_reassessment`` reads ``event.kind`` and answers whether the event
  calls for a reassessment (``reassess``) and within how many ``days``.

Their inputs are resolved only here: :func:`rnr.policy.decide` and the
cohort and vectorized paths never ask for them.

>>> from rnr.policy import policy_library
>>> policy = policy_library().get("cl-adultos-18216")
>>> facts = {"change.transition": "down", "change.reliable": "not_computable",
...          "change.new_offence": False, "change.breach": False}
>>> decide_change(policy, facts).action
'step_down'
>>> reassessment_trigger(policy, "breach").days, reassessment_trigger(policy, "discharge")
(30, None)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from rnr._frozen import frozen_map
from rnr.definitions.policy import Policy
from rnr.definitions.ref import Ref
from rnr.definitions.tables import Table
from rnr.errors import DecisionInputError
from rnr.events import EVENT_KINDS
from rnr.policy.deadlines import note
from rnr.policy.decision import Fired
from rnr.policy.engine import resolve_inputs
from rnr.text import Text, words_to_dict

if TYPE_CHECKING:
    from rnr.change.delta import Change

__all__ = [
    "ChangeAnswer",
    "Trigger",
    "change_facts",
    "decide_change",
    "reassessment_trigger",
]


@attrs.frozen
class ChangeAnswer:
    """What the policy answers to a change: keep, step down or step up intensity."""

    policy: Ref
    action: str
    rule: str
    source: str
    note: Text
    trace: tuple[Fired, ...]
    inputs: Mapping[str, Any] = attrs.field(converter=frozen_map)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "policy": attrs.asdict(self.policy),
            "action": self.action,
            "rule": self.rule,
            "source": self.source,
            "note": words_to_dict(self.note),
            "trace": [
                {"table": f.table, "rule": f.rule, "condition": f.condition, "source": f.source}
                for f in self.trace
            ],
            "inputs": dict(self.inputs),
        }


@attrs.frozen
class Trigger:
    """An event that calls for a reassessment within ``days`` of the event."""

    policy: Ref
    event: str
    days: int
    rule: str
    source: str
    note: Text

    def due(self, event_date: dt.date) -> dt.date:
        """The last day the reassessment is due, counted from the event."""
        return event_date + dt.timedelta(days=self.days)


def change_facts(change: Change, *, events_since_previous: Iterable[str]) -> dict[str, Any]:
    """The ``change.*`` facts of a comparison, for :func:`decide_change`.

    Args:
        change: the comparison (:func:`rnr.change.between`); its primary scale is read.
        events_since_previous: kinds of the events recorded between the two
            assessments (:data:`rnr.events.EVENT_KINDS`).

    Returns:
        ``change.transition`` (``None`` when the primary scale has no levels),
        ``change.reliable``, ``change.new_offence`` and ``change.breach``.

    Raises:
        DecisionInputError: an unknown event kind.
    """
    if isinstance(events_since_previous, str):
        msg = (
            f"events_since_previous: got the string {events_since_previous!r}, expected a list"
            " of event kinds"
        )
        raise DecisionInputError(
            msg,
            field="events_since_previous",
            value=events_since_previous,
            expected="a list of event kinds",
        )
    kinds = list(events_since_previous)
    for kind in kinds:
        if kind not in EVENT_KINDS:
            expected = ", ".join(EVENT_KINDS)
            msg = f"events_since_previous: got {kind!r}, expected one of {expected}"
            raise DecisionInputError(
                msg, field="events_since_previous", value=kind, expected=expected
            )
    primary = change.primary
    return {
        "change.transition": primary.transition,
        "change.reliable": primary.reliable,
        "change.new_offence": "new_offence" in kinds,
        "change.breach": "breach" in kinds,
    }


def _table(policy: Policy, name: str, what: str) -> Table:
    table = policy.tables.get(name)
    if table is None:
        msg = (
            f"tables.{name}: policy {policy.ref} has no {name} table, expected one that"
            f" answers {what} (docs/policies.md)"
        )
        raise DecisionInputError(msg, field=f"tables.{name}", expected=f"a {name} table")
    return table


def _ref(policy: Policy) -> Ref:
    return Ref(policy.id, policy.version, policy.sha256)


def decide_change(policy: Policy, facts: Mapping[str, Any]) -> ChangeAnswer:
    """Keep, step down or step up the intensity, as the policy's ``change`` table says.

    Args:
        policy: the policy in force.
        facts: the ``change.*`` facts (:func:`change_facts`).

    Returns:
        The action, the rule that decided with its source and note, the
        trace and the inputs read.

    Raises:
        DecisionInputError: the policy has no ``change`` table, or a fact it
            reads is missing or has a value the input does not accept.
    """
    table = _table(policy, "change", "keep, step_down or step_up")
    values = resolve_inputs(policy, facts, inputs={n: policy.inputs[n] for n in table.inputs})
    result = table.evaluate(values)
    assert result is not None  # the loader proves the table has no gap
    rule = next(r for r in table.rules if r.id == result.fired[0])
    fired = Fired(table.id, rule.id, rule.describe(), rule.source, rule.then)
    return ChangeAnswer(
        _ref(policy),
        str(result.outputs["action"]),
        rule.id,
        rule.source,
        note(rule),
        (fired,),
        values,
    )


def reassessment_trigger(policy: Policy, event_kind: str) -> Trigger | None:
    """Whether an event calls for a reassessment, and within how many days.

    Args:
        policy: the policy in force.
        event_kind: one of :data:`rnr.events.EVENT_KINDS`.

    Returns:
        The trigger, or ``None`` when the policy's rule says no reassessment.

    Raises:
        DecisionInputError: an unknown event kind, or a policy without an
            ``event_reassessment`` table.
    """
    if event_kind not in EVENT_KINDS:
        expected = ", ".join(EVENT_KINDS)
        msg = f"event.kind: got {event_kind!r}, expected one of {expected}"
        raise DecisionInputError(msg, field="event.kind", value=event_kind, expected=expected)
    table = _table(policy, "event_reassessment", "whether an event calls for a reassessment")
    values = resolve_inputs(
        policy, {"event.kind": event_kind}, inputs={n: policy.inputs[n] for n in table.inputs}
    )
    result = table.evaluate(values)
    assert result is not None  # the loader proves the table has no gap
    if not result.outputs["reassess"]:
        return None
    rule = next(r for r in table.rules if r.id == result.fired[0])
    days = int(result.outputs["days"])
    return Trigger(_ref(policy), event_kind, days, rule.id, rule.source, note(rule))
