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
from rnr.errors import DecisionInputError
from rnr.policy.decision import Fired, PolicyRef, Text
from rnr.policy.engine import resolve_inputs
from rnr.policy.model import ANSWER_PREFIXES, Policy
from rnr.policy.tables import InputSpec, Table
from rnr.store import EVENT_KINDS

if TYPE_CHECKING:
    from rnr.change import Change

__all__ = [
    "ACTIONS",
    "ANSWER_FACTS",
    "ChangeAnswer",
    "Trigger",
    "change_facts",
    "check_answer_tables",
    "decide_change",
    "reassessment_trigger",
]

#: What the ``change`` table may answer.
ACTIONS = ("keep", "step_down", "step_up")

#: The facts only the answer tables read: fact → (input type, its values).
#: ``change.reliable`` takes the categories of :data:`rnr.change.CATEGORIES`.
ANSWER_FACTS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "change.transition": ("enum", ("down", "same", "up")),
    "change.reliable": ("enum", ("improvement", "none", "deterioration", "not_computable")),
    "change.new_offence": ("bool", ()),
    "change.breach": ("bool", ()),
    "event.kind": ("enum", tuple(EVENT_KINDS)),
}
_READS = {"change": "change.", "event_reassessment": "event."}


def check_answer_tables(
    inputs: Mapping[str, InputSpec], tables: Mapping[str, Table]
) -> list[tuple[str, str]]:
    """Load-time checks of the answer tables and the facts they read.

    Returns:
        ``(dotted path, message)`` per problem: an unknown ``change.*`` /
        ``event.*`` fact or one typed differently from what it gives; an
        answer table reading another input; a decision table reading an
        answer fact; an answer table that collects; a ``change`` table whose
        ``action`` values are not keep, step_down and step_up.
    """
    problems: list[tuple[str, str]] = []
    for name, spec in inputs.items():
        if not spec.source.startswith(ANSWER_PREFIXES):
            continue
        known = ANSWER_FACTS.get(spec.source)
        if known is None:
            problems.append((
                f"inputs.{name}.from",
                f"got {spec.source!r}, expected one of {', '.join(ANSWER_FACTS)}",
            ))  # fmt: skip
            continue
        kind, values = known
        if spec.type != kind or set(spec.values) != set(values):
            want = f"an enum of {', '.join(values)}" if values else f"a {kind}"
            got = f"{spec.type}" + (f" of {', '.join(spec.values)}" if spec.values else "")
            problems.append((
                f"inputs.{name}",
                f"got {got}, expected {want} (the values of {spec.source})",
            ))  # fmt: skip
    for table in tables.values():
        prefix = _READS.get(table.id)
        if prefix is not None and table.hit == "collect":
            problems.append((
                f"tables.{table.id}.hit",
                "got 'collect', expected unique, first or priority (the table gives one answer)",
            ))  # fmt: skip
        for name in table.inputs:
            source = inputs[name].source
            if prefix is not None and not source.startswith(prefix):
                problems.append((
                    f"tables.{table.id}.inputs",
                    f"got {name!r} (from {source}), expected inputs read from {prefix}* facts",
                ))  # fmt: skip
            elif prefix is None and source.startswith(ANSWER_PREFIXES):
                message = (
                    f"got {name!r} (from {source}), expected an input a decision reads:"
                    " change.* and event.* facts are read only by the change and"
                    " event_reassessment tables"
                )
                problems.append((f"tables.{table.id}.inputs", message))
    action = tables["change"].outputs.get("action") if "change" in tables else None
    if action is not None and set(action.values) != set(ACTIONS):
        problems.append((
            "tables.change.outputs.action",
            f"got values {', '.join(action.values) or 'none'}, expected {', '.join(ACTIONS)}",
        ))  # fmt: skip
    return problems


@attrs.frozen
class ChangeAnswer:
    """What the policy answers to a change: keep, step down or step up intensity."""

    policy: PolicyRef
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
            "note": {"es": self.note.es, "en": self.note.en},
            "trace": [
                {"table": f.table, "rule": f.rule, "condition": f.condition, "source": f.source}
                for f in self.trace
            ],
            "inputs": dict(self.inputs),
        }


@attrs.frozen
class Trigger:
    """An event that calls for a reassessment within ``days`` of the event."""

    policy: PolicyRef
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
        change: the comparison (:func:`rnr.change.compare`); its primary scale is read.
        events_since_previous: kinds of the events recorded between the two
            assessments (:data:`rnr.store.EVENT_KINDS`).

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


def _ref(policy: Policy) -> PolicyRef:
    return PolicyRef(policy.id, policy.version, policy.sha256)


def _note(note: Mapping[str, str]) -> Text:
    return Text(note.get("es", ""), note.get("en", ""))


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
        _note(rule.note),
        (fired,),
        values,
    )


def reassessment_trigger(policy: Policy, event_kind: str) -> Trigger | None:
    """Whether an event calls for a reassessment, and within how many days.

    Args:
        policy: the policy in force.
        event_kind: one of :data:`rnr.store.EVENT_KINDS`.

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
    return Trigger(_ref(policy), event_kind, days, rule.id, rule.source, _note(rule.note))
