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
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
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


#: The types a value may have for an indexed input to be looked up rather than tested;
#: any other value (a numpy scalar, a ``datetime``, a ``set``) takes the linear scan.
_HASHED = frozenset({str, int, bool, dt.date, frozenset})
_SET_OPS = frozenset(SET_OPS)
_HASH_OPS = frozenset(SCALAR_OPS)
_RANK_OPS = frozenset((*SCALAR_OPS, *ORDER_OPS))
#: A mask classifier: the bits of the rules whose tests on one input hold for a value,
#: or ``None`` when the value is not of a type the index knows.
Classify = Callable[[Any], "int | None"]


def _passing(slots: Sequence[tuple[int, tuple[Test, ...]]], base: int, x: Any) -> int:
    """``base`` plus the bit of every rule whose tests all hold for ``x``."""
    mask = base
    for bit, tests in slots:
        if all(t(x) for t in tests):
            mask |= bit
    return mask


def _hashed(slots: Sequence[tuple[int, tuple[Test, ...]]], base: int) -> Classify | None:
    """Equality tests (``eq``, ``ne``, ``in``, ``not_in``): one mask per value they name.

    A value no test names fails every ``eq`` and ``in`` and passes every
    ``ne`` and ``not_in``, as the sentinel the default mask is made with does.
    """
    named: list[Any] = []
    for _, tests in slots:
        for t in tests:
            if t.op in ("in", "not_in"):
                if not isinstance(t.value, tuple | frozenset):
                    return None  # ``in`` a string would test substrings
                named.extend(t.value)
            else:
                named.append(t.value)
    if any(type(v) not in _HASHED for v in named):
        return None
    masks = {v: _passing(slots, base, v) for v in named}
    default = _passing(slots, base, object())
    get = masks.get

    def classify(x: Any) -> int | None:
        return get(x, default) if type(x) in _HASHED else None

    return classify


def _ranked(slots: Sequence[tuple[int, tuple[Test, ...]]], base: int) -> Classify | None:
    """Order tests on integers or dates: one mask per interval between the values named.

    The values the tests name, sorted, cut the line into points and the open
    intervals between them; every test gives one answer over each part. A
    value's part is found by bisection, and its *rank* (``2i + 1`` for the
    ``i``-th point, ``2i`` for the interval below it) compares with the ranks
    of the named values as the value compares with them.
    """
    named: list[Any] = []
    for _, tests in slots:
        for t in tests:
            named.extend(t.value if t.op in ("in", "not_in") else (t.value,))
    kinds = {type(v) for v in named}
    if kinds == {int}:
        accepted: frozenset[type] = frozenset({int, bool})
    elif kinds == {dt.date}:
        accepted = frozenset({dt.date})
    else:
        return None
    points = sorted(set(named))
    rank = {v: 2 * i + 1 for i, v in enumerate(points)}

    def ranked(t: Test) -> Test:
        if t.op in ("in", "not_in"):
            return Test(t.op, frozenset(rank[v] for v in t.value))
        return Test(t.op, rank[t.value])

    on_ranks = [(bit, tuple(ranked(t) for t in tests)) for bit, tests in slots]
    masks = tuple(_passing(on_ranks, base, r) for r in range(2 * len(points) + 1))
    size = len(points)

    def classify(x: Any) -> int | None:
        if type(x) not in accepted:
            return None
        i = bisect_left(points, x)
        return masks[2 * i + 1 if i < size and points[i] == x else 2 * i]

    return classify


def _subsets(slots: Sequence[tuple[int, tuple[Test, ...]]], base: int) -> Classify | None:
    """Set tests (``any_of``, ``all_of``, ``none_of``) on a set of codes.

    They read only the codes some test names, so the empty set and each
    single named code get their mask once; a set holding two or more named
    codes is tested rule by rule.
    """
    named: set[Any] = set()
    for _, tests in slots:
        for t in tests:
            if not isinstance(t.value, frozenset):
                return None
            named |= t.value
    known: dict[frozenset[Any], int] = {frozenset(): _passing(slots, base, frozenset())}
    known.update({frozenset({v}): _passing(slots, base, frozenset({v})) for v in named})
    relevant = frozenset(named)
    get = known.get

    def classify(x: Any) -> int | None:
        if type(x) is not frozenset:
            return None
        mask = get(x & relevant)
        return _passing(slots, base, x) if mask is None else mask

    return classify


@attrs.frozen
class _Index:
    """A table's rules indexed by the value of each input they test.

    Each input some rule tests gets a classifier that maps a value to the
    bits of the rules whose tests on that input hold (a rule that does not
    name the input always holds); the rules that match are the bits every
    input leaves. A value of a type the index does not know, or a missing
    input, gives ``None``, and the table scans its rules as it always did.
    """

    columns: tuple[tuple[str, Classify], ...]
    full: int

    @classmethod
    def of(cls, rules: Sequence[Rule]) -> _Index | None:
        """The index of ``rules``, or ``None`` when some input's tests cannot be indexed."""
        names = list(dict.fromkeys(name for r in rules for name, _ in r.when))
        columns = []
        for name in names:
            slots = [
                (1 << n, tuple(t for input_, tests in r.when if input_ == name for t in tests))
                for n, r in enumerate(rules)
            ]
            base = sum(bit for bit, tests in slots if not tests)
            slots = [(bit, tests) for bit, tests in slots if tests]
            ops = {t.op for _, tests in slots for t in tests}
            if ops <= _HASH_OPS:
                classify = _hashed(slots, base)
            elif ops <= _RANK_OPS:
                classify = _ranked(slots, base)
            elif ops <= _SET_OPS:
                classify = _subsets(slots, base)
            else:
                classify = None
            if classify is None:
                return None
            columns.append((name, classify))
        return cls(tuple(columns), (1 << len(rules)) - 1)

    def mask(self, values: Mapping[str, Any]) -> int | None:
        """The bits of the rules that match ``values``; ``None``: scan the rules."""
        mask = self.full
        for name, classify in self.columns:
            if name not in values:
                return None
            found = classify(values[name])
            if found is None:
                return None
            mask &= found
            if not mask:
                return 0
        return mask


def _bits(mask: int) -> list[int]:
    """The positions of the set bits of ``mask``, lowest first."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


@attrs.frozen
class Table:
    """A decision table with a DMN hit policy.

    The rules are indexed once, when the table is made (:class:`_Index`), so
    matching looks each input's value up instead of testing every rule; the
    matches are the same as :meth:`matching_linear` gives, in the same order
    (a property test holds the two equal on every shipped table).
    """

    id: str
    hit: Hit
    inputs: tuple[str, ...]
    outputs: Mapping[str, OutputSpec] = attrs.field(converter=frozen_map)
    rules: tuple[Rule, ...] = ()
    aggregate: Aggregate | None = None
    description: str = ""
    #: The rules indexed by input value, made once (``None``: the rules are scanned).
    _index: _Index | None = attrs.field(init=False, eq=False, repr=False)
    #: For each rule, what a single-hit table gives when it decides, made once.
    _results: tuple[TableResult, ...] = attrs.field(init=False, eq=False, repr=False)
    #: Whether every rule has its own id (the loader ensures it).
    _unique_ids: bool = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _Index.of(self.rules))
        results = tuple(TableResult(self.id, (r.id,), r.then) for r in self.rules)
        object.__setattr__(self, "_results", results)
        object.__setattr__(self, "_unique_ids", len({r.id for r in self.rules}) == len(self.rules))

    def matching(self, values: Mapping[str, Any]) -> list[Rule]:
        """Every rule whose conditions hold, in table order."""
        mask = None if self._index is None else self._index.mask(values)
        if mask is None:
            return self.matching_linear(values)
        return [self.rules[n] for n in _bits(mask)]

    def matching_linear(self, values: Mapping[str, Any]) -> list[Rule]:
        """:meth:`matching` by testing every rule in turn (the reference of the index)."""
        return [r for r in self.rules if r.matches(values)]

    def evaluate(self, values: Mapping[str, Any]) -> TableResult | None:
        """Apply the hit policy; ``None`` when no rule matches.

        ``unique`` and ``first`` give the first match (the loader guarantees
        that a ``unique`` table never has two); ``priority`` the match with
        the highest priority; ``collect`` aggregates every match's outputs
        with ``list`` (in order, without repeats), ``sum`` or ``max``.
        """
        return self.decide(values)[0]

    def decide(self, values: Mapping[str, Any]) -> tuple[TableResult | None, list[Rule]]:
        """:meth:`evaluate`, with the rules whose ids the result names (in table order)."""
        mask = None if self._index is None else self._index.mask(values)
        if mask is not None and self.hit in ("unique", "first") and self._unique_ids:
            if not mask:
                return None, []
            n = (mask & -mask).bit_length() - 1
            return self._results[n], [self.rules[n]]
        hits = (
            self.matching_linear(values) if mask is None else [self.rules[n] for n in _bits(mask)]
        )
        result = self._apply(hits)
        if result is None:
            return None, []
        if self._unique_ids and self.hit == "collect":
            return result, hits
        return result, [r for r in self.rules if r.id in result.fired]

    def _apply(self, hits: list[Rule]) -> TableResult | None:
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
