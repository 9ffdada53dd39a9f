"""A policy: dated, cited decision tables for one legal regime."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cached_property
from typing import Any, Literal

import attrs

from rnr._frozen import frozen_map
from rnr.definitions.tables import InputSpec, Table
from rnr.events import POLICY_EVENT_KINDS

__all__ = [
    "ACTIONS",
    "ANSWER_FACTS",
    "ANSWER_PREFIXES",
    "ANSWER_TABLES",
    "DECISION_TABLES",
    "DERIVED_FACTS",
    "DERIVED_PREFIX",
    "SANCTION_ELIGIBLE",
    "Param",
    "Policy",
    "check_answer_tables",
]

#: Tables the engine reads by name (``eligibility_<sanction>`` for each sanction).
DECISION_TABLES = ("intensity", "monitoring", "reassessment", "period", "fit", "deadlines")
#: Tables that answer a change between assessments, or an event, not a decision.
ANSWER_TABLES = ("change", "event_reassessment")
OPTIONAL_TABLES = ("components", "warnings", *ANSWER_TABLES)
#: Facts read only by the answer tables (:mod:`rnr.policy.answer`), never by a decision.
ANSWER_PREFIXES = ("change.", "event.")
#: Facts the decision derives from its own eligibility tables, for the tables after them.
DERIVED_PREFIX = "decision."
#: Each derived fact and its input type: ``decision.sanction_eligible`` is whether the
#: sanction of ``legal.sanction`` meets the requirements of its eligibility table.
SANCTION_ELIGIBLE = "decision.sanction_eligible"
DERIVED_FACTS: Mapping[str, str] = {SANCTION_ELIGIBLE: "bool"}

#: Outputs the engine reads from each table (``eligibility_*`` share one spec).
REQUIRED_OUTPUTS: Mapping[str, Mapping[str, str]] = {
    "eligibility": {"eligible": "bool"},
    "intensity": {"contacts_per_month": "int", "treatment_hours": "int", "components": "list"},
    "components": {"components": "list"},
    "monitoring": {"telematic_monitoring": "bool"},
    "reassessment": {"months": "int"},
    "period": {"equals_sentence": "bool", "min_months": "int", "max_months": "int"},
    "fit": {"fit": "enum"},
    "warnings": {"warning": "enum"},
    "deadlines": {"deadline": "enum", "days": "int", "counted_from": "enum"},
    "change": {"action": "enum"},
    "event_reassessment": {"reassess": "bool", "days": "int"},
}


@attrs.frozen
class Param:
    """A named constant of a policy (a deadline, a threshold) with its source."""

    name: str
    value: int | str | bool
    source: str
    unit: str = ""


@attrs.frozen(eq=False)
class Policy:
    """A loaded, checked policy version. Equal when content hashes are equal."""

    id: str
    version: str
    effective_from: dt.date
    effective_until: dt.date | None
    status: str
    regime: Literal["adult", "juvenile"]
    title: Mapping[str, str] = attrs.field(converter=frozen_map)
    references: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    instruments: tuple[str, ...] = ()
    sanctions: tuple[str, ...] = ()
    params: Mapping[str, Param] = attrs.field(converter=frozen_map, factory=dict)
    inputs: Mapping[str, InputSpec] = attrs.field(converter=frozen_map, factory=dict)
    tables: Mapping[str, Table] = attrs.field(converter=frozen_map, factory=dict)
    document: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict, repr=False)
    sha256: str = ""
    path: str | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Policy) and other.sha256 == self.sha256

    def __hash__(self) -> int:
        return hash(self.sha256)

    @property
    def ref(self) -> str:
        """``id@version`` (the version is the effective date)."""
        return f"{self.id}@{self.version}"

    def applies_on(self, day: dt.date) -> bool:
        """Whether this version is in force on ``day``."""
        if day < self.effective_from:
            return False
        return self.effective_until is None or day < self.effective_until

    @cached_property
    def decision_inputs(self) -> Mapping[str, InputSpec]:
        """The inputs a decision is given: all but the ``change.*``, ``event.*`` and
        ``decision.*`` facts.

        The first two are read only by the ``change`` and ``event_reassessment``
        tables (:func:`rnr.policy.decide_change`, :func:`rnr.policy.reassessment_trigger`);
        the decision derives the ``decision.*`` facts itself (:attr:`derived_inputs`).
        """
        return {
            name: spec
            for name, spec in self.inputs.items()
            if not spec.source.startswith((*ANSWER_PREFIXES, DERIVED_PREFIX))
        }

    @cached_property
    def derived_inputs(self) -> Mapping[str, InputSpec]:
        """The inputs read from ``decision.*`` facts, which the decision derives once
        its eligibility tables have run (``decision.sanction_eligible``)."""
        return {
            name: spec
            for name, spec in self.inputs.items()
            if spec.source.startswith(DERIVED_PREFIX)
        }

    def param(self, name: str) -> Param:
        """A named constant (``KeyError`` when the policy has none)."""
        return self.params[name]

    def eligibility_table(self, sanction: str) -> Table:
        """The table deciding whether ``sanction`` is available."""
        return self.tables[f"eligibility_{sanction.lower()}"]


#: What the ``change`` table may answer.
ACTIONS = ("keep", "step_down", "step_up")

#: The facts only the answer tables read: fact → (input type, its values).
#: ``change.reliable`` takes the categories of :data:`rnr.change.CATEGORIES`.
ANSWER_FACTS: Mapping[str, tuple[str, tuple[str, ...]]] = {
    "change.transition": ("enum", ("down", "same", "up")),
    "change.reliable": ("enum", ("improvement", "none", "deterioration", "not_computable")),
    "change.new_offence": ("bool", ()),
    "change.breach": ("bool", ()),
    "event.kind": ("enum", POLICY_EVENT_KINDS),
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
