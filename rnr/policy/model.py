"""A policy: dated, cited decision tables for one legal regime."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cached_property
from typing import Any, Literal

import attrs

from rnr._frozen import frozen_map
from rnr.policy.tables import InputSpec, Table

__all__ = ["ANSWER_PREFIXES", "ANSWER_TABLES", "DECISION_TABLES", "Param", "Policy"]

#: Tables the engine reads by name (``eligibility_<sanction>`` for each sanction).
DECISION_TABLES = ("intensity", "monitoring", "reassessment", "period", "fit", "deadlines")
#: Tables that answer a change between assessments, or an event, not a decision.
ANSWER_TABLES = ("change", "event_reassessment")
OPTIONAL_TABLES = ("components", "warnings", *ANSWER_TABLES)
#: Facts read only by the answer tables (:mod:`rnr.policy.answer`), never by a decision.
ANSWER_PREFIXES = ("change.", "event.")

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
        """The inputs a decision reads: all but the ``change.*`` and ``event.*`` facts.

        Those are read only by the ``change`` and ``event_reassessment``
        tables (:func:`rnr.policy.decide_change`, :func:`rnr.policy.reassessment_trigger`).
        """
        return {
            name: spec
            for name, spec in self.inputs.items()
            if not spec.source.startswith(ANSWER_PREFIXES)
        }

    def param(self, name: str) -> Param:
        """A named constant (``KeyError`` when the policy has none)."""
        return self.params[name]

    def eligibility_table(self, sanction: str) -> Table:
        """The table deciding whether ``sanction`` is available."""
        return self.tables[f"eligibility_{sanction.lower()}"]
