"""Load ``rnr.policy/1`` files and check their tables.

Beyond the allow-list of keys and the types of every condition and output,
each table is checked over its whole input space (one representative per
class of inputs that its conditions cannot tell apart): a ``unique`` table
must match exactly one rule everywhere (no overlap, no gap), ``first`` and
``priority`` tables must match at least one rule everywhere, and every rule
must be able to decide something (no unreachable rule). The ``change`` and
``event_reassessment`` tables read only their own facts (``change.*``,
``event.*``), and no other table reads those
(:func:`rnr.policy.answer.check_answer_tables`). A ``decision.*`` fact is one
the decision derives from its eligibility tables, which may not read it
(:func:`check_derived_inputs`, :func:`check_derived_tables`); an input's
``absent`` value, taken when a case leaves its legal field out, must be one
the input accepts.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, cast

import attrs

from rnr.definitions._toml import DATED, Checker, canonical_hash, read_toml, show
from rnr.definitions.policy import (
    DECISION_TABLES,
    DERIVED_FACTS,
    DERIVED_PREFIX,
    OPTIONAL_TABLES,
    REQUIRED_OUTPUTS,
    Param,
    Policy,
    check_answer_tables,
)
from rnr.definitions.tables import (
    HIT_POLICIES,
    InputSpec,
    Op,
    OutputSpec,
    Rule,
    Table,
    Test,
)
from rnr.errors import PolicyDefinitionError

__all__ = ["check_table", "load_policy", "parse_policy", "representatives", "set_blocks"]

SCHEMA = "rnr.policy/1"
POLICY_ID = re.compile(r"^[a-z][a-z0-9-]*$")
TOP_REQUIRED = (
    "schema", "id", "effective_from", "status", "regime", "title", "references",
    "sanctions", "inputs", "tables",
)  # fmt: skip
TOP_OPTIONAL = ("effective_until", "notes", "instruments", "params")
INPUT_TYPES = ("enum", "int", "bool", "date", "set")
OUTPUT_TYPES = ("enum", "int", "bool", "text", "list")
MAX_POINTS = 250_000


def load_policy(path: str | Path) -> Policy:
    """Read, validate and check the policy in ``path``.

    Raises:
        PolicyDefinitionError: every problem, naming the table and rule.
    """
    path = Path(path)
    return parse_policy(read_toml(path, PolicyDefinitionError), source=str(path))


def parse_policy(document: Mapping[str, Any], *, source: str = "<memory>") -> Policy:
    """Build and check a policy from a parsed TOML document."""
    parser = _PolicyParser(source)
    return parser.checked(parser.parse(document), source, PolicyDefinitionError)


class _PolicyParser(Checker):
    def __init__(self, source: str) -> None:
        super().__init__()
        self.source = source

    def parse(self, doc: Mapping[str, Any]) -> Policy | None:
        if self.top(doc, SCHEMA, required=TOP_REQUIRED, optional=TOP_OPTIONAL) is None:
            return None
        ident = self.want_str(
            doc, "id", "", pattern=POLICY_ID, what="an id like 'cl-adultos-18216'"
        )
        start, until = self.effective(doc)
        self._check_file_name(ident, start)
        status = self.want_str(doc, "status", "", choices=("validated", "unverified", "retired"))
        regime = self.want_str(doc, "regime", "", choices=("adult", "juvenile"))
        title = self.table(doc.get("title"), "title", required=("es", "en")) or {}
        references = self.want_list(doc, "references", "", of=str) or []
        notes = self.want_list(doc, "notes", "", of=str) or []
        instruments = self.want_list(doc, "instruments", "", of=str) or []
        sanctions = self.want_list(doc, "sanctions", "", of=str) or []
        params = self._params(doc.get("params", {}))
        inputs = self._inputs(doc.get("inputs"))
        tables = self._tables(doc.get("tables"), inputs)
        for where, message in check_answer_tables(inputs, tables):
            self.note(where, message)
        for where, message in check_derived_tables(inputs, tables):
            self.note(where, message)
        for name in (*DECISION_TABLES, *(f"eligibility_{s.lower()}" for s in sanctions)):
            if (
                name not in tables
                and isinstance(doc.get("tables"), dict)
                and name not in doc["tables"]
            ):
                self.note(f"tables.{name}", "missing: the engine needs this table")
        if self.problems:
            return None
        return Policy(
            id=cast(str, ident),
            version=cast(dt.date, start).isoformat(),
            effective_from=cast(dt.date, start),
            effective_until=until,
            status=cast(str, status),
            regime=cast(Any, regime),
            title=title,
            references=tuple(references),
            notes=tuple(notes),
            instruments=tuple(instruments),
            sanctions=tuple(sanctions),
            params=params,
            inputs=inputs,
            tables=tables,
            document=dict(doc),
            sha256=canonical_hash(doc),
            path=self.source,
        )

    def _check_file_name(self, ident: str | None, start: dt.date | None) -> None:
        path = Path(self.source)
        if not DATED.match(path.stem) or start is None:
            return
        if path.stem != start.isoformat():
            self.fail("effective_from", start, f"the file name's date {path.stem}")
        self.in_folder(self.source, ident)

    def _params(self, value: object) -> dict[str, Param]:
        table = self.table(value, "params", optional=value if isinstance(value, dict) else ())
        out: dict[str, Param] = {}
        for name, spec in (table or {}).items():
            where = f"params.{name}"
            entry = self.table(spec, where, required=("value", "source"), optional=("unit",))
            if entry is None:
                continue
            v = entry.get("value")
            if not isinstance(v, int | str | bool):
                self.fail(f"{where}.value", v, "an integer, string or boolean")
                continue
            source = self.want_str(entry, "source", where) or ""
            out[name] = Param(name, v, source, str(entry.get("unit", "")))
        return out

    def _inputs(self, value: object) -> dict[str, InputSpec]:
        if not isinstance(value, dict) or not value:
            self.fail("inputs", value, "a table of typed inputs")
            return {}
        out: dict[str, InputSpec] = {}
        for name, spec in value.items():
            where = f"inputs.{name}"
            entry = self.table(
                spec, where, required=("type", "from"),
                optional=("values", "min", "max", "description", "absent"),
            )  # fmt: skip
            if entry is None:
                continue
            kind = self.want_str(entry, "type", where, choices=INPUT_TYPES)
            values = tuple(self.want_list(entry, "values", where, of=str) or ())
            if kind in ("enum", "set") and not values:
                self.note(f"{where}.values", f"missing: a {kind} input lists its values")
            lo = self.want_int(entry, "min", where)
            hi = self.want_int(entry, "max", where)
            source = self.want_str(entry, "from", where) or ""
            if kind is not None:
                typed = InputSpec(
                    name, cast(Any, kind), values, lo, hi, source, str(entry.get("description", ""))
                )
                out[name] = self._absent(typed, entry, where)
        for where, message in check_derived_inputs(out):
            self.note(where, message)
        return out

    def _absent(self, spec: InputSpec, entry: Mapping[str, Any], where: str) -> InputSpec:
        """``spec`` with the value it takes when the case leaves its legal field out."""
        if "absent" not in entry:
            return spec
        value = entry["absent"]
        if not spec.source.startswith("legal."):
            self.fail(
                f"{where}.absent", value, "no absent value: only a legal.* fact may be left out"
            )
        elif spec.type not in ("enum", "int", "bool") or not spec.accepts(value):
            expected = (
                spec.expected()
                if spec.type in ("enum", "int", "bool")
                else "no absent value: only enum, int and bool inputs take one"
            )
            self.fail(f"{where}.absent", value, expected)
        else:
            return attrs.evolve(spec, absent=value)
        return spec

    def _tables(self, value: object, inputs: Mapping[str, InputSpec]) -> dict[str, Table]:
        if not isinstance(value, dict) or not value:
            self.fail("tables", value, "a table of decision tables")
            return {}
        out: dict[str, Table] = {}
        for name, spec in value.items():
            if name not in DECISION_TABLES + OPTIONAL_TABLES and not name.startswith(
                "eligibility_"
            ):
                self.note(
                    f"tables.{name}",
                    "unknown table; allowed: eligibility_<sanction>, "
                    + ", ".join(DECISION_TABLES + OPTIONAL_TABLES),
                )
                continue
            table = self._table(name, spec, inputs)
            if table is not None:
                kind = "eligibility" if name.startswith("eligibility_") else name
                for output, typ in REQUIRED_OUTPUTS[kind].items():
                    got = table.outputs.get(output)
                    if got is None or got.type != typ:
                        shown = got.type if got else "nothing"
                        self.note(
                            f"tables.{name}.outputs.{output}",
                            f"got {shown}, expected {'an' if typ[0] in 'aeiou' else 'a'} {typ}"
                            " output (the engine reads it)",
                        )
                for rule in table.rules:  # a collect rule may leave out outputs; not these
                    missing = [o for o in REQUIRED_OUTPUTS[kind] if o not in rule.then]
                    if missing:
                        self.note(
                            f"tables.{name}.rules (rule {rule.id}).then",
                            f"missing {', '.join(missing)}: the engine reads it from every rule",
                        )
                for problem in check_table(table, inputs):
                    self.note(f"tables.{name}", problem)
                out[name] = table
        return out

    def _table(self, name: str, spec: object, inputs: Mapping[str, InputSpec]) -> Table | None:
        where = f"tables.{name}"
        entry = self.table(
            spec, where, required=("hit", "inputs", "outputs", "rules"),
            optional=("aggregate", "description"),
        )  # fmt: skip
        if entry is None:
            return None
        before = len(self.problems)
        hit = self.want_str(entry, "hit", where, choices=HIT_POLICIES)
        aggregate = self.want_str(entry, "aggregate", where, choices=("list", "sum", "max"))
        if aggregate is not None and hit != "collect":
            self.fail(
                f"{where}.aggregate", aggregate, "no aggregate: only collect tables aggregate"
            )
        names = tuple(self.want_list(entry, "inputs", where, of=str) or ())
        for n in names:
            if n not in inputs:
                self.fail(f"{where}.inputs", n, "a declared input: " + ", ".join(inputs))
        outputs = self._outputs(entry.get("outputs"), f"{where}.outputs")
        rules_doc = entry.get("rules")
        if not isinstance(rules_doc, list) or not rules_doc:
            self.fail(f"{where}.rules", rules_doc, "a non-empty array of [[rules]]")
            return None
        rules = [
            self._rule(
                r, f"{where}.rules[{i}]", names=names, inputs=inputs, outputs=outputs, hit=hit
            )
            for i, r in enumerate(rules_doc)
        ]
        ids = [r.id for r in rules if r is not None]
        for dup in {i for i in ids if ids.count(i) > 1}:
            self.note(f"{where}.rules", f"duplicate rule id {dup!r}")
        if len(self.problems) > before or hit is None:
            return None
        return Table(
            id=name, hit=cast(Any, hit), inputs=names, outputs=outputs,
            rules=tuple(r for r in rules if r is not None),
            aggregate=cast(Any, aggregate), description=str(entry.get("description", "")),
        )  # fmt: skip

    def _outputs(self, value: object, where: str) -> dict[str, OutputSpec]:
        if not isinstance(value, dict) or not value:
            self.fail(where, value, "a table of name = { type = ... }")
            return {}
        out: dict[str, OutputSpec] = {}
        for name, spec in value.items():
            entry = self.table(spec, f"{where}.{name}", required=("type",), optional=("values",))
            if entry is None:
                continue
            kind = self.want_str(entry, "type", f"{where}.{name}", choices=OUTPUT_TYPES)
            values = tuple(self.want_list(entry, "values", f"{where}.{name}", of=str) or ())
            if kind is not None:
                out[name] = OutputSpec(name, cast(Any, kind), values)
        return out

    def _rule(
        self,
        doc: object,
        where: str,
        *,
        names: tuple[str, ...],
        inputs: Mapping[str, InputSpec],
        outputs: Mapping[str, OutputSpec],
        hit: str | None,
    ) -> Rule | None:
        entry = self.table(
            doc, where, required=("id", "when", "then", "source"), optional=("priority", "note")
        )
        if entry is None:
            return None
        before = len(self.problems)
        ident = self.want_str(entry, "id", where, pattern=re.compile(r"^[a-z0-9][a-z0-9_.-]*$"))
        rule_where = f"{where} (rule {ident})" if ident else where
        source = self.want_str(entry, "source", where) or ""
        priority = self.want_int(entry, "priority", where) or 0
        if hit == "priority" and "priority" not in entry:
            self.note(
                f"{rule_where}.priority", "missing: rules of a priority table need a priority"
            )
        note = entry.get("note", {})
        if not isinstance(note, dict) or any(not isinstance(v, str) for v in note.values()):
            self.fail(f"{rule_where}.note", note, "a table of es/en texts")
            note = {}
        when = self._when(entry.get("when"), f"{rule_where}.when", names, inputs)
        then = self._then(entry.get("then"), f"{rule_where}.then", outputs, hit)
        if len(self.problems) > before or when is None or then is None:
            return None
        return Rule(cast(str, ident), when, then, source, priority, note)

    def _when(
        self, value: object, where: str, names: tuple[str, ...], inputs: Mapping[str, InputSpec]
    ) -> tuple[tuple[str, tuple[Test, ...]], ...] | None:
        if not isinstance(value, dict):
            self.fail(where, value, "a table of input = test ({} matches everything)")
            return None
        out = []
        for name, test in value.items():
            if name not in names or name not in inputs:
                self.fail(f"{where}.{name}", name, "an input of this table: " + ", ".join(names))
                continue
            spec = inputs[name]
            tests = self._tests(test, f"{where}.{name}", spec)
            if tests is not None:
                out.append((name, tests))
        return tuple(out)

    def _tests(self, value: object, where: str, spec: InputSpec) -> tuple[Test, ...] | None:
        if not isinstance(value, dict):
            value = {"eq": value}
        if not value:
            self.fail(where, value, "at least one test")
            return None
        tests = []
        for op, operand in value.items():
            if op not in spec.ops():
                self.fail(
                    f"{where}.{op}", op, f"a test for a {spec.type} input: " + ", ".join(spec.ops())
                )
                continue
            parsed = self._operand(cast(Op, op), operand, f"{where}.{op}", spec)
            if parsed is not None:
                tests.append(Test(cast(Op, op), parsed))
        return tuple(tests) if len(tests) == len(value) else None

    def _operand(self, op: Op, operand: object, where: str, spec: InputSpec) -> Any:
        if op in ("in", "not_in", "any_of", "all_of", "none_of"):
            if not isinstance(operand, list) or not operand:
                self.fail(where, operand, f"a non-empty list of {spec.expected()}")
                return None
            element = InputSpec(spec.name, "enum", spec.values) if spec.type == "set" else spec
            bad = [v for v in operand if not element.accepts(v)]
            if bad:
                self.fail(where, bad[0], element.expected())
                return None
            return frozenset(operand)
        if not spec.accepts(operand) and not (
            spec.type == "int" and isinstance(operand, int) and not isinstance(operand, bool)
        ):
            self.fail(where, operand, spec.expected())
            return None
        return operand

    def _then(
        self, value: object, where: str, outputs: Mapping[str, OutputSpec], hit: str | None
    ) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.fail(where, value, "a table of output = value")
            return None
        out: dict[str, Any] = {}
        for name, given in value.items():
            spec = outputs.get(name)
            if spec is None:
                self.fail(f"{where}.{name}", name, "a declared output: " + ", ".join(outputs))
                continue
            v = tuple(given) if isinstance(given, list) else given
            if not spec.accepts(v):
                article = "an" if spec.type[0] in "aeiou" else "a"
                expected = f"{article} {spec.type}" + (
                    f" of {', '.join(spec.values)}" if spec.values else ""
                )
                self.fail(f"{where}.{name}", v, expected)
                continue
            out[name] = v
        if hit != "collect":
            for name in outputs:
                if name not in out and name not in value:
                    self.note(f"{where}.{name}", "missing: every rule gives every output")
        return out


def check_derived_inputs(inputs: Mapping[str, InputSpec]) -> list[tuple[str, str]]:
    """Inputs read from a fact the decision itself derives (``decision.*``).

    Returns:
        ``(dotted path, message)`` per problem: an unknown ``decision.*``
        fact, one typed differently from what it gives, or
        ``decision.sanction_eligible`` in a policy with no enum input read
        from ``legal.sanction`` (the sanction whose eligibility it gives).
    """
    problems: list[tuple[str, str]] = []
    for name, spec in inputs.items():
        if not spec.source.startswith(DERIVED_PREFIX):
            continue
        kind = DERIVED_FACTS.get(spec.source)
        if kind is None:
            problems.append((
                f"inputs.{name}.from",
                f"got {spec.source!r}, expected one of {', '.join(DERIVED_FACTS)}",
            ))  # fmt: skip
        elif spec.type != kind:
            problems.append((
                f"inputs.{name}.type",
                f"got {spec.type!r}, expected {kind!r} (the type of {spec.source})",
            ))  # fmt: skip
        elif not any(s.source == "legal.sanction" and s.type == "enum" for s in inputs.values()):
            message = (
                f"got {spec.source!r} with no enum input read from legal.sanction:"
                " expected one, for the sanction whose eligibility it gives"
            )
            problems.append((f"inputs.{name}.from", message))
    return problems


def check_derived_tables(
    inputs: Mapping[str, InputSpec], tables: Mapping[str, Table]
) -> list[tuple[str, str]]:
    """No eligibility table reads a ``decision.*`` fact: the fact is what they decide."""
    problems: list[tuple[str, str]] = []
    for table in tables.values():
        if not table.id.startswith("eligibility_"):
            continue
        for name in table.inputs:
            source = inputs[name].source
            if source.startswith(DERIVED_PREFIX):
                message = (
                    f"got {name!r} (from {source}), expected an input known before"
                    " eligibility is decided: decision.* facts are derived from the"
                    " eligibility tables"
                )
                problems.append((f"tables.{table.id}.inputs", message))
    return problems


def representatives(spec: InputSpec, tests: list[Test]) -> list[Any]:
    """One value per class of values that the tests cannot tell apart."""
    if spec.type == "enum":
        return list(spec.values)
    if spec.type == "bool":
        return [False, True]
    if spec.type == "set":
        return _set_representatives(spec, tests)
    # An ordered input: the tests cut the line into intervals; each interval is
    # one class, represented by its first value (``le 540`` and ``gt 540``
    # start a class at 541; ``eq 7`` isolates 7: classes start at 7 and 8).
    step: Any = 1 if spec.type == "int" else dt.timedelta(days=1)
    starts: set[Any] = set()
    for t in tests:
        operands = t.value if isinstance(t.value, frozenset) else {t.value}
        for v in operands:
            if t.op in ("lt", "ge"):
                starts.add(v)
            elif t.op in ("le", "gt"):
                starts.add(v + step)
            else:
                starts.update({v, v + step})
    if spec.type == "int":
        lo = spec.min if spec.min is not None else min(starts, default=1) - 1
        hi = spec.max
    else:
        lo = min(starts) - step if starts else dt.date(2000, 1, 1)
        hi = None
    return [lo, *sorted(v for v in starts if v > lo and (hi is None or v <= hi))]


def set_blocks(spec: InputSpec, tests: list[Test]) -> list[tuple[tuple[str, ...], bool]]:
    """A set input's members in blocks that the tests cannot tell apart.

    Members no test names never change a match and are left out; members
    named by exactly the same tests are interchangeable, so each block is
    absent, present by one member, or (the flag: when an ``all_of`` test names
    it and it has several members) present entirely.
    """
    named = [v for v in spec.values if any(v in t.value for t in tests)]
    blocks: dict[frozenset[int], list[str]] = {}
    for value in named:
        signature = frozenset(i for i, t in enumerate(tests) if value in t.value)
        blocks.setdefault(signature, []).append(value)
    all_of = {i for i, t in enumerate(tests) if t.op == "all_of"}
    return [
        (tuple(members), len(members) > 1 and bool(signature & all_of))
        for signature, members in blocks.items()
    ]


def _set_representatives(spec: InputSpec, tests: list[Test]) -> list[frozenset[str]]:
    """One set per class of sets the tests cannot tell apart (:func:`set_blocks`).

    A set input of twenty offence codes that the rules name in three lists
    thus has a handful of classes, not 2²⁰.
    """
    states = [
        [frozenset(), frozenset(members[:1]), *([frozenset(members)] if whole else [])]
        for members, whole in set_blocks(spec, tests)
    ]
    return [frozenset().union(*combo) for combo in itertools.product(*states)]


def input_space(table: Table, inputs: Mapping[str, InputSpec]) -> Iterator[dict[str, Any]]:
    """Every representative combination of the table's inputs."""
    axes = []
    for name in table.inputs:
        tests = [t for r in table.rules for n, ts in r.when if n == name for t in ts]
        axes.append(representatives(inputs[name], tests))
    for combo in itertools.product(*axes):
        yield dict(zip(table.inputs, combo, strict=True))


def check_table(table: Table, inputs: Mapping[str, InputSpec]) -> list[str]:
    """Overlaps, gaps and unreachable rules, each with an example input."""
    size = 1
    for name in table.inputs:
        tests = [t for r in table.rules for n, ts in r.when if n == name for t in ts]
        size *= len(representatives(inputs[name], tests))
    if size > MAX_POINTS:
        return [f"too many input combinations to check ({size} > {MAX_POINTS}): split the table"]
    problems: list[str] = []
    used: set[str] = set()
    for point in input_space(table, inputs):
        if table.hit == "first":  # only the first match decides, or is reached
            first = next((r for r in table.rules if r.matches(point)), None)
            hits = [first] if first is not None else []
        else:
            hits = table.matching(point)
        if table.hit == "unique" and len(hits) > 1 and len(problems) < 5:
            problems.append(
                f"overlap: rules {hits[0].id} and {hits[1].id} both match {_show_point(point)}"
                " (a unique table needs exactly one)"
            )
        if not hits and table.hit != "collect" and len(problems) < 5:
            problems.append(f"gap: no rule matches {_show_point(point)}")
        if hits:
            if table.hit in {"collect", "unique"}:
                used.update(r.id for r in hits)
            elif table.hit == "first":
                used.add(hits[0].id)
            else:
                used.add(max(hits, key=lambda r: r.priority).id)
    for rule in table.rules:
        if rule.id not in used:
            problems.append(f"rule {rule.id}: unreachable (no input combination reaches it)")
    return problems


def _show_point(point: Mapping[str, Any]) -> str:
    parts = []
    for k, v in point.items():
        shown = "[" + ", ".join(sorted(v)) + "]" if isinstance(v, frozenset) else show(v)
        parts.append(f"{k} = {shown}")
    return "{" + ", ".join(parts) + "}"
