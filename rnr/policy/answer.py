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

An answer acts on a decision through :func:`step_intensity`: the intensity
follows a *band*, a level of the policy's ``risk_level`` input, which is the
decision's own risk level until an answer moves it one band up or down (the
intensity table read at that band, every other output of the decision
unchanged). A step the policy cannot take is refused with its reason: no
band above the highest or below the lowest, no intensity rule for the
sentence at that band, or a sentence whose intensity is the same at both
bands (a control sentence). :func:`answer_event` answers one event alone,
from the rules of the ``change`` table that read no more than the event.

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
from rnr.events import EVENT_KINDS, FOLLOW_UP_KINDS
from rnr.policy.deadlines import note
from rnr.policy.decision import Decision, Fired, Intensity
from rnr.policy.engine import decide_facts, resolve_inputs
from rnr.text import Message, Text, words_to_dict

if TYPE_CHECKING:
    from rnr.cases.legal import LegalContext
    from rnr.change.delta import Change
    from rnr.definitions.tables import Rule

__all__ = [
    "STEP_REASONS",
    "ChangeAnswer",
    "IntensityStep",
    "Trigger",
    "answer_event",
    "change_facts",
    "decide_change",
    "reassessment_trigger",
    "risk_bands",
    "step_intensity",
]

#: Why a step is refused: no band above, none below, no intensity rule at the
#: band, or the same intensity at both bands (the sentence fixes it).
STEP_REASONS = ("top", "bottom", "no_rule", "fixed")


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
            "trace": [{k: v for k, v in f.to_dict().items() if k != "outputs"} for f in self.trace],
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
    fired = Fired.of(table.id, rule)
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
        The trigger, or ``None`` when the policy's rule says no reassessment
        (or the event is a follow-up record, :data:`rnr.events.FOLLOW_UP_KINDS`,
        which no policy reads).

    Raises:
        DecisionInputError: an unknown event kind, or a policy without an
            ``event_reassessment`` table.
    """
    if event_kind not in EVENT_KINDS:
        expected = ", ".join(EVENT_KINDS)
        msg = f"event.kind: got {event_kind!r}, expected one of {expected}"
        raise DecisionInputError(msg, field="event.kind", value=event_kind, expected=expected)
    if event_kind in FOLLOW_UP_KINDS:
        return None
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


def answer_event(policy: Policy, event_kind: str) -> ChangeAnswer | None:
    """The ``change`` table's answer to one event, read alone (without a reassessment).

    Only the ``change.new_offence`` and ``change.breach`` facts are known
    from an event; the rules are read in order, and the first whose
    conditions hold on those facts alone answers. A rule before it that
    also reads the change of score (``change.transition``,
    ``change.reliable``) leaves the answer to the next reassessment.

    Returns:
        The answer, or ``None`` when the policy has no ``change`` table or
        the event alone does not decide it.

    Raises:
        DecisionInputError: an unknown event kind.
    """
    if event_kind not in EVENT_KINDS:
        expected = ", ".join(EVENT_KINDS)
        msg = f"event.kind: got {event_kind!r}, expected one of {expected}"
        raise DecisionInputError(msg, field="event.kind", value=event_kind, expected=expected)
    table = policy.tables.get("change")
    if table is None or table.hit not in ("first", "unique"):
        return None
    facts = {
        "change.new_offence": event_kind == "new_offence",
        "change.breach": event_kind == "breach",
    }
    known = {n: policy.inputs[n] for n in table.inputs if policy.inputs[n].source in facts}
    values = resolve_inputs(policy, facts, inputs=known)
    rule = _decided_by(table.rules, values)
    if rule is None:
        return None
    fired = Fired.of(table.id, rule)
    action = str(rule.then["action"])
    return ChangeAnswer(_ref(policy), action, rule.id, rule.source, note(rule), (fired,), values)


def _decided_by(rules: tuple[Rule, ...], values: Mapping[str, Any]) -> Rule | None:
    """The first rule that holds on ``values`` alone; ``None`` if one before it needs more."""
    for rule in rules:
        known = [(name, tests) for name, tests in rule.when if name in values]
        if not all(all(t(values[name]) for t in tests) for name, tests in known):
            continue
        return rule if len(known) == len(rule.when) else None
    return None


def risk_bands(policy: Policy) -> tuple[str, ...]:
    """The levels of the policy's ``risk_level`` input, lowest first: the bands of intensity."""
    for spec in policy.inputs.values():
        if spec.source == "risk_level":
            return tuple(str(v) for v in spec.values)
    return ()


def _intensity(intensity: Intensity) -> dict[str, Any]:
    return {
        "contacts_per_month": intensity.contacts_per_month,
        "treatment_hours": intensity.treatment_hours,
        "components": list(intensity.components),
        "label": intensity.label,
    }


@attrs.frozen
class IntensityStep:
    """What an answer of the change policy did to the intensity of a decision.

    Attributes:
        cause: ``reassessment`` (the answer to the change since the previous
            assessment) or ``event`` (the answer to one event).
        answer: the policy's answer; ``None`` when a corrected event no
            longer calls for one.
        band_before: the level the intensity followed before the answer.
        band: the level it follows after.
        before: the intensity at ``band_before``.
        after: the intensity in force after the answer.
        status: ``applied`` (the intensity moved), ``kept`` (the answer is to
            keep it) or ``refused`` (the step cannot be taken).
        reason: why a step was refused: a coded message
            (``change.step.refused.<code>``, :data:`STEP_REASONS`).
    """

    cause: str
    answer: ChangeAnswer | None
    band_before: str
    band: str
    before: Intensity
    after: Intensity
    status: str
    reason: Message | None = None

    @property
    def action(self) -> str:
        """``keep``, ``step_down`` or ``step_up``."""
        return self.answer.action if self.answer is not None else "keep"

    @property
    def rule(self) -> str | None:
        """The rule of the ``change`` table that answered."""
        return self.answer.rule if self.answer is not None else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "cause": self.cause,
            "action": self.action,
            "rule": self.rule,
            "source": self.answer.source if self.answer is not None else None,
            "status": self.status,
            "reason": words_to_dict(self.reason) if self.reason is not None else None,
            "band_before": self.band_before,
            "band": self.band,
            "before": _intensity(self.before),
            "after": _intensity(self.after),
            "answer": self.answer.to_dict() if self.answer is not None else None,
        }


def step_intensity(
    policy: Policy,
    decision: Decision,
    answer: ChangeAnswer | None,
    *,
    legal: LegalContext,
    assessed_on: dt.date,
    band: str | None,
    cause: str,
) -> tuple[IntensityStep, Decision]:
    """Apply the policy's answer to a decision: the step it takes, and the decision after it.

    Args:
        policy: the policy that made ``decision``.
        decision: the decision as its assessment, override and legal context
            make it (the intensity of its own risk level).
        answer: the change policy's answer (``None``: keep).
        legal: the legal context of the decision.
        assessed_on: the date of the decision's assessment.
        band: the level the intensity followed before the answer (``None``,
            or a level the policy does not know: the decision's risk level).
        cause: ``reassessment``: one band from ``band``, but never short of
            the decision's own level when stepping up nor above it when
            stepping down (a level that moved carries the intensity with
            it); ``event``: one band from ``band``.

    Returns:
        The step, and the decision with the intensity of the band it ends in
        (its trace adds the change rule and the intensity rules at that band).
    """
    bands = risk_bands(policy)
    level = decision.risk_level
    before = None
    if band is not None and band != level and band in bands:
        before = _at(policy, decision, legal, assessed_on, band)
    current = band if before is not None and band is not None else level
    start = before[0] if before is not None else decision.intensity
    action = answer.action if answer is not None else "keep"
    at = bands.index(current) if current in bands else None
    target = at
    if action in ("step_up", "step_down") and at is not None:
        move = 1 if action == "step_up" else -1
        target = at + move
        if cause == "reassessment" and level in bands:
            own = bands.index(level)
            target = max(target, own) if move > 0 else min(target, own)
    params = {"policy": str(policy.ref), "sanction": decision.sanction or "", "band": current}
    status, reason, end = "kept", None, current
    after, fired = start, before[1] if before is not None else ()
    if target is not None and at is not None and target != at:
        status = "refused"
        if target >= len(bands):
            reason = Message("change.step.refused.top", params)
        elif target < 0:
            reason = Message("change.step.refused.bottom", params)
        else:
            found = _at(policy, decision, legal, assessed_on, bands[target])
            if found is None:
                reason = Message("change.step.refused.no_rule", params | {"band": bands[target]})
            elif found[0] == start:
                reason = Message("change.step.refused.fixed", params | {"band": bands[target]})
            else:
                status, end, (after, fired) = "applied", bands[target], found
    step = IntensityStep(cause, answer, current, end, start, after, status, reason)
    trace = decision.trace + (answer.trace if answer is not None else ()) + tuple(fired)
    return step, attrs.evolve(decision, intensity=after, trace=trace)


def _at(
    policy: Policy, decision: Decision, legal: LegalContext, assessed_on: dt.date, band: str
) -> tuple[Intensity, tuple[Fired, ...]] | None:
    """The intensity ``decision`` would have at ``band``, and the rules that set it."""
    known = {policy.inputs[name].source: value for name, value in decision.inputs.items()}
    known["risk_level"] = band
    try:
        other = decide_facts(
            policy, known, legal, assessed_on=assessed_on, case_id=decision.case_id
        )
    except (DecisionInputError, KeyError):
        return None
    fired = tuple(f for f in other.trace if f.table in ("intensity", "components"))
    return other.intensity, fired
