"""Decision tables: typed inputs, data conditions, DMN hit policies.

A rule's condition is data: for each input it names, one or more tests
(``{ gt = 540, le = 1825 }``, ``{ any_of = ["vif", "sexual"] }``, a bare value
for equality). Inputs a rule does not name match anything. Nothing is ever
evaluated as code.

>>> days = InputSpec("sentence_days", "int", min=0, max=3650)
>>> rule = Rule("lv", when=(("sentence_days", (Test("gt", 730), Test("le", 1095))),),
...             then={"eligible": True}, source="Ley 18.216 art. 15")
>>> rule.matches({"sentence_days": 800}), rule.matches({"sentence_days": 700})
(True, False)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import attrs

from rnr._frozen import frozen_map

__all__ = [
    "HIT_POLICIES",
    "InputSpec",
    "OutputSpec",
    "Rule",
    "Table",
    "TableResult",
    "Test",
]

InputType = Literal["enum", "int", "bool", "date", "set"]
OutputType = Literal["enum", "int", "bool", "text", "list"]
Hit = Literal["unique", "first", "priority", "collect"]
Aggregate = Literal["list", "sum", "max"]
Op = Literal["eq", "ne", "in", "not_in", "lt", "le", "gt", "ge", "any_of", "all_of", "none_of"]
HIT_POLICIES: tuple[Hit, ...] = ("unique", "first", "priority", "collect")
ORDER_OPS = ("lt", "le", "gt", "ge")
SET_OPS = ("any_of", "all_of", "none_of")
SCALAR_OPS = ("eq", "ne", "in", "not_in")
Value = str | int | bool | dt.date | frozenset[str]


@attrs.frozen
class InputSpec:
    """A typed input of a policy and the fact it is read from."""

    name: str
    type: InputType
    values: tuple[str, ...] = ()
    min: int | None = None
    max: int | None = None
    source: str = ""
    description: str = ""
    #: The value the input takes when the case does not give the fact (an
    #: optional field of the legal section); ``None``: the fact is required.
    absent: str | int | bool | None = None

    def ops(self) -> tuple[str, ...]:
        """The test operators that make sense for this type."""
        if self.type == "set":
            return SET_OPS
        if self.type in ("int", "date"):
            return ("eq", "ne", "in", "not_in", *ORDER_OPS)
        if self.type == "bool":
            return ("eq", "ne")
        return SCALAR_OPS

    def accepts(self, value: object) -> bool:
        """Whether ``value`` is a valid value of this input."""
        if self.type == "enum":
            return isinstance(value, str) and value in self.values
        if self.type == "bool":
            return isinstance(value, bool)
        if self.type == "int":
            return (
                isinstance(value, int)
                and not isinstance(value, bool)
                and (self.min is None or value >= self.min)
                and (self.max is None or value <= self.max)
            )
        if self.type == "date":
            return isinstance(value, dt.date) and not isinstance(value, dt.datetime)
        return isinstance(value, frozenset) and value <= set(self.values)

    def expected(self) -> str:
        """Describe the accepted values."""
        if self.type == "enum":
            return "one of " + ", ".join(self.values)
        if self.type == "set":
            return "a list drawn from " + ", ".join(self.values)
        if self.type == "int":
            lo = "" if self.min is None else f" from {self.min}"
            hi = "" if self.max is None else f" to {self.max}"
            return f"an integer{lo}{hi}"
        if self.type == "date":
            return "a date YYYY-MM-DD"
        return "true or false"


@attrs.frozen
class OutputSpec:
    """A typed output of a table."""

    name: str
    type: OutputType
    values: tuple[str, ...] = ()

    def accepts(self, value: object) -> bool:
        """Whether ``value`` fits the output's type."""
        if self.type == "enum":
            return isinstance(value, str) and value in self.values
        if self.type == "list":
            return isinstance(value, tuple) and all(
                isinstance(v, str) and (not self.values or v in self.values) for v in value
            )
        if self.type == "int":
            return isinstance(value, int) and not isinstance(value, bool)
        if self.type == "bool":
            return isinstance(value, bool)
        return isinstance(value, str)


@attrs.frozen
class Test:
    """One comparison of an input's value: ``gt 540``, ``any_of {vif, sexual}``."""

    op: Op
    value: Any

    def __call__(self, x: Any) -> bool:
        op, v = self.op, self.value
        if op == "eq":
            return bool(x == v)
        if op == "ne":
            return bool(x != v)
        if op == "in":
            return x in v
        if op == "not_in":
            return x not in v
        if op == "lt":
            return bool(x < v)
        if op == "le":
            return bool(x <= v)
        if op == "gt":
            return bool(x > v)
        if op == "ge":
            return bool(x >= v)
        if op == "any_of":
            return bool(x & v)
        if op == "all_of":
            return bool(v <= x)
        return not (x & v)  # none_of

    def describe(self) -> str:
        """``> 540``, ``any of vif, sexual``."""
        symbols = {"eq": "=", "ne": "≠", "lt": "<", "le": "≤", "gt": ">", "ge": "≥"}
        v = self.value
        shown = ", ".join(sorted(map(str, v))) if isinstance(v, frozenset | tuple) else str(v)
        if isinstance(v, bool):
            shown = "true" if v else "false"
        return f"{symbols.get(self.op, self.op.replace('_', ' '))} {shown}"


@attrs.frozen
class Rule:
    """When every test holds, the rule gives its outputs."""

    id: str
    when: tuple[tuple[str, tuple[Test, ...]], ...]
    then: Mapping[str, Any] = attrs.field(converter=frozen_map)
    source: str = ""
    priority: int = 0
    note: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)
    #: The condition in short notation, made once (every decision's trace quotes it).
    description: str = attrs.field(init=False, eq=False, repr=False)
    #: The condition as data: ``((input, ((op, value), ...)), ...)``, made once.
    condition: tuple[tuple[str, tuple[tuple[str, Any], ...]], ...] = attrs.field(
        init=False, eq=False, repr=False
    )

    def __attrs_post_init__(self) -> None:
        parts = [f"{name} {' and '.join(t.describe() for t in tests)}" for name, tests in self.when]
        object.__setattr__(self, "description", " and ".join(parts) if parts else "always")
        condition = tuple(
            (name, tuple((t.op, t.value) for t in tests)) for name, tests in self.when
        )
        object.__setattr__(self, "condition", condition)

    def matches(self, values: Mapping[str, Any]) -> bool:
        """Whether every test of the rule holds for ``values``."""
        return all(all(t(values[name]) for t in tests) for name, tests in self.when)

    def describe(self) -> str:
        """``sentence_days > 540 and offences any of vif``; ``always`` when empty."""
        return self.description


@attrs.frozen
class TableResult:
    """What a table gave: the rules that fired and the outputs."""

    table: str
    fired: tuple[str, ...]
    outputs: Mapping[str, Any] = attrs.field(converter=frozen_map)


@attrs.frozen
class Table:
    """A decision table with a DMN hit policy."""

    id: str
    hit: Hit
    inputs: tuple[str, ...]
    outputs: Mapping[str, OutputSpec] = attrs.field(converter=frozen_map)
    rules: tuple[Rule, ...] = ()
    aggregate: Aggregate | None = None
    description: str = ""

    def matching(self, values: Mapping[str, Any]) -> list[Rule]:
        """Every rule whose conditions hold, in table order."""
        return [r for r in self.rules if r.matches(values)]

    def evaluate(self, values: Mapping[str, Any]) -> TableResult | None:
        """Apply the hit policy; ``None`` when no rule matches.

        ``unique`` and ``first`` give the first match (the loader guarantees
        that a ``unique`` table never has two); ``priority`` the match with
        the highest priority; ``collect`` aggregates every match's outputs
        with ``list`` (in order, without repeats), ``sum`` or ``max``.
        """
        hits = self.matching(values)
        if not hits:
            return None
        if self.hit in ("unique", "first"):
            chosen = hits[0]
            return TableResult(self.id, (chosen.id,), chosen.then)
        if self.hit == "priority":
            chosen = max(hits, key=lambda r: r.priority)
            return TableResult(self.id, (chosen.id,), chosen.then)
        return TableResult(self.id, tuple(r.id for r in hits), self._collect(hits))

    def _collect(self, hits: Sequence[Rule]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, spec in self.outputs.items():
            values = [r.then[name] for r in hits if name in r.then]
            if self.aggregate == "sum":
                out[name] = sum(values)
            elif self.aggregate == "max":
                out[name] = max(values) if values else None
            elif spec.type == "list":
                out[name] = tuple(dict.fromkeys(v for vs in values for v in vs))
            else:
                out[name] = tuple(dict.fromkeys(values))
        return out
