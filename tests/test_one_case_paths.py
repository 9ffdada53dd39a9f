"""The fast paths of one case are held equal to the slow ones they replace.

- a decision table looks its rules up by input value (``Table._index``):
  the rules that match, and what the table decides, are those of the linear
  scan (``Table.matching_linear``) on random inputs over every table of every
  shipped policy, near each threshold the rules name, and on values of types
  the index does not know;
- the nearest change of score reruns only the tables that read the level
  (``_compared(..., known=)``) and gives what the whole decision gives;
- a score is assembled from parts prepared once per instrument
  (:mod:`rnr.scoring._prepared`) and equals the result built part by part
  per case (``reference_build_result`` below, the code it replaced).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnr.cases.legal import LegalContext
from rnr.definitions import tables
from rnr.definitions.instrument import Instrument, Scale
from rnr.definitions.library import default_library, policy_library
from rnr.definitions.policy import Policy
from rnr.definitions.policy_loader import load_policy
from rnr.definitions.ref import Ref
from rnr.definitions.tables import InputSpec, OutputSpec, Rule, Table, TableResult
from rnr.policy.engine import _compared, _compared_of, decide_facts
from rnr.scoring._prepared import Marks, prepare, prepared
from rnr.scoring.result import Bounds, DomainScore, ItemScore, ScaleScore, ScoreResult, TermScore
from rnr.scoring.single import (
    Answers,
    build_result,
    is_criminogenic,
    item_points,
    nearest_change,
    need_profile,
    normalize_responses,
    sum_bounds,
)
from rnr.testing.policy_strategies import policy_cases
from rnr.testing.strategies import responses

DEMO = Path(__file__).parent / "data" / "policies" / "demo-policy" / "2024-01-01.toml"
POLICIES = [load_policy(DEMO), *policy_library()]
TABLES = [(p, t) for p in POLICIES for t in p.tables.values()]
TABLE_IDS = [f"{p.ref}:{t.id}" for p, t in TABLES]
INSTRUMENTS = list(default_library())
INSTRUMENT_IDS = [i.ref for i in INSTRUMENTS]


def _named(table: Table, name: str) -> list[Any]:
    """Every value the tests of ``table`` on input ``name`` name."""
    out: list[Any] = []
    for rule in table.rules:
        for input_, tests in rule.when:
            if input_ == name:
                for t in tests:
                    out.extend(t.value if isinstance(t.value, tuple | frozenset) else (t.value,))
    return out


def _values(spec: InputSpec, named: list[Any]) -> st.SearchStrategy[Any]:
    """Values of one input, drawn often at and beside the values its tests name."""
    if spec.type == "enum":
        return st.sampled_from(spec.values)
    if spec.type == "bool":
        return st.booleans()
    if spec.type == "set":
        return st.frozensets(st.sampled_from(spec.values), max_size=4)
    if spec.type == "date":
        near = [d + dt.timedelta(days=k) for d in named for k in (-1, 0, 1)]
        days = st.dates(dt.date(2015, 1, 1), dt.date(2035, 12, 31))
        return st.one_of(st.sampled_from(near), days) if near else days
    lo = spec.min if spec.min is not None else -5
    hi = spec.max if spec.max is not None else 40_000
    near = [v + k for v in named for k in (-1, 0, 1) if isinstance(v, int)]
    return st.one_of(st.sampled_from(near), st.integers(lo, hi)) if near else st.integers(lo, hi)


@st.composite
def table_inputs(draw: st.DrawFn, policy: Policy, table: Table) -> dict[str, Any]:
    """A value of every input ``table`` reads, valid for its type."""
    return {
        name: draw(_values(policy.inputs[name], _named(table, name)), label=name)
        for name in table.inputs
    }


def linear_decide(table: Table, values: Mapping[str, Any]) -> tuple[TableResult | None, list[Rule]]:
    """What the table decides, by the linear scan and the hit policy as written before the index."""
    hits = table.matching_linear(values)
    if not hits:
        return None, []
    if table.hit in ("unique", "first"):
        result = TableResult(table.id, (hits[0].id,), hits[0].then)
    elif table.hit == "priority":
        chosen = max(hits, key=lambda r: r.priority)
        result = TableResult(table.id, (chosen.id,), chosen.then)
    else:
        result = TableResult(table.id, tuple(r.id for r in hits), table._collect(hits))
    return result, [r for r in table.rules if r.id in result.fired]


class TestIndexedTables:
    """Indexed matching equals linear matching."""

    def test_every_shipped_table_is_indexed(self) -> None:
        """No table of a shipped policy falls back to scanning its rules."""
        assert [] == [
            ident for (_, t), ident in zip(TABLES, TABLE_IDS, strict=True) if t._index is None
        ]

    @pytest.mark.parametrize(("policy", "table"), TABLES, ids=TABLE_IDS)
    def test_indexed_matching_equals_linear_matching(self, policy: Policy, table: Table) -> None:
        """On random inputs the index finds the rules the scan finds; the table decides alike."""

        @given(table_inputs(policy, table))
        def check(values: dict[str, Any]) -> None:
            assert table.matching_linear(values) == table.matching(values)
            assert linear_decide(table, values) == table.decide(values)
            assert linear_decide(table, values)[0] == table.evaluate(values)

        check()

    @pytest.mark.parametrize(("policy", "table"), TABLES, ids=TABLE_IDS)
    def test_values_the_index_does_not_know_are_scanned(self, policy: Policy, table: Table) -> None:
        """numpy scalars, datetimes, plain sets and missing inputs give what the scan gives."""

        @given(table_inputs(policy, table), st.data())
        def check(values: dict[str, Any], data: st.DataObject) -> None:
            name = data.draw(st.sampled_from(table.inputs))
            value = values[name]
            odd: dict[str, Any] = dict(values)
            if isinstance(value, bool):
                odd[name] = np.bool_(value)
            elif isinstance(value, int):
                odd[name] = np.int64(value)
            elif isinstance(value, str):
                odd[name] = np.str_(value)
            elif isinstance(value, frozenset):
                odd[name] = set(value)
            elif isinstance(value, dt.date):
                odd[name] = dt.datetime.combine(value, dt.time())
            missing = {k: v for k, v in values.items() if k != name}
            for given_ in (odd, missing):
                try:
                    expected: Any = table.matching_linear(given_)
                except Exception as exc:  # the scan's own error, which the index must repeat
                    expected = type(exc)
                try:
                    got: Any = table.matching(given_)
                except Exception as exc:
                    got = type(exc)
                assert expected == got

        check()

    def test_a_table_the_index_cannot_read_is_scanned(self) -> None:
        """``in`` a string tests substrings, so that input is not indexed and the scan decides."""
        rule = Rule("r", when=(("code", (tables.Test("in", "abc"),)),), then={"x": 1})
        table = Table("t", "first", ("code",), {"x": OutputSpec("x", "int")}, (rule,))
        assert table._index is None
        assert [rule] == table.matching({"code": "b"})
        assert [] == table.matching({"code": "z"})

    def test_hit_policies_with_the_index(self) -> None:
        """priority, collect (sum) and first read the same matches through the index."""
        rules = (
            Rule("a", when=(("n", (tables.Test("ge", 5),)),), then={"v": 1}, priority=1),
            Rule(
                "b",
                when=(("n", (tables.Test("lt", 10), tables.Test("ne", 7))),),
                then={"v": 2},
                priority=3,
            ),
            Rule(
                "c", when=(("s", (tables.Test("any_of", frozenset({"p", "q"})),)),), then={"v": 4}
            ),
            Rule("d", when=(), then={"v": 8}),
        )
        outputs = {"v": OutputSpec("v", "int")}
        for hit, aggregate in (("first", None), ("priority", None), ("collect", "sum")):
            table = Table("t", hit, ("n", "s"), outputs, rules, aggregate)  # type: ignore[arg-type]
            assert table._index is not None
            for n in range(3, 13):
                for s in (frozenset(), frozenset({"p"}), frozenset({"p", "q", "r"})):
                    values = {"n": n, "s": s}
                    assert table.matching_linear(values) == table.matching(values)
                    assert linear_decide(table, values) == table.decide(values)


@pytest.mark.parametrize("policy", POLICIES, ids=[p.ref for p in POLICIES])
def test_the_nearest_change_reuses_what_the_level_does_not_change(policy: Policy) -> None:
    """``_compared`` with the case's own decision equals the whole decision at every level."""
    levels = policy.inputs["risk_level"].values

    @given(policy_cases(policy))
    def check(case: tuple[dict[str, Any], LegalContext, dt.date]) -> None:
        facts, legal, day = case
        decision = decide_facts(policy, facts, legal, assessed_on=day)
        for level in levels:
            whole = decide_facts(policy, {**facts, "risk_level": level}, legal, assessed_on=day)
            values = {**decision.inputs, "risk_level": level}
            assert _compared_of(whole) == _compared(policy, values, legal, known=decision), level

    check()


class TestPreparedScoring:
    """A score assembled from prepared parts equals the one built per case."""

    @pytest.mark.parametrize("instrument", INSTRUMENTS, ids=INSTRUMENT_IDS)
    @pytest.mark.parametrize("omissions", ["none", "within"])
    def test_the_result_equals_the_one_built_per_case(
        self, instrument: Instrument, omissions: str
    ) -> None:
        """Every item, term, scale, domain and step is the same, down to the JSON."""
        if omissions == "within" and not any(s.max_omitted for s in instrument.scales.values()):
            pytest.skip(f"{instrument.ref} allows no omission")
        groups = st.sampled_from(instrument.norm_groups or (None,))

        @given(responses(instrument, omissions=omissions), groups)  # type: ignore[arg-type]
        def check(given_: dict[str, Any], group: str | None) -> None:
            day = dt.date(2025, 3, 4)
            answers = normalize_responses(instrument, given_, assessed_on=day)
            fast = build_result(instrument, answers, assessed_on=day, norm_group=group)
            slow = reference_build_result(instrument, answers, assessed_on=day, norm_group=group)
            assert slow == fast
            assert slow.to_json() == fast.to_json()

        check()

    @pytest.mark.parametrize("instrument", INSTRUMENTS, ids=INSTRUMENT_IDS)
    def test_the_marks_of_every_total_are_the_scale_s(self, instrument: Instrument) -> None:
        """Level, scaled score, flag, band and both nearest changes, at every total."""
        for scale in instrument.scales.values():
            for group in (None, *instrument.norm_groups):
                marks = Marks.of(scale, group)
                for raw in range(scale.range[0], scale.range[1] + 1):
                    k = raw - scale.range[0]
                    band = scale.band(raw, group)
                    assert scale.level(raw, group) == marks.level[k]
                    assert scale.scaled_score(raw) == marks.scaled[k]
                    assert scale.flag(raw) == marks.flag[k]
                    assert (None if band is None else band.span) == marks.band[k]
                    assert nearest_change(scale, raw, group, +1) == marks.up[k]
                    assert nearest_change(scale, raw, group, -1) == marks.down[k]

    def test_an_instrument_sharing_another_s_hash_gets_its_own_parts(self) -> None:
        """The cache is keyed on the content hash; an edited copy gets parts of its own."""
        psa = default_library().get("psa")
        assert prepared(psa) is prepared(psa)
        edited = attrs_evolve(psa)
        assert edited == psa
        assert prepared(edited).instrument is edited

    def test_answers_of_other_types_are_scored_per_case(self) -> None:
        """An integer answer to a yes/no item is not taken for ``True`` (1 == True in a dict)."""
        lscmi = default_library().get("lscmi")
        item = lscmi.items[0]
        assert prepare(lscmi).item_score(0, 1) is None
        assert prepare(lscmi).item_score(0, True) == ItemScore(
            item.id, item.domain, item.factor, True, *item_points(item, True), source=item.source
        )


def attrs_evolve(instrument: Instrument) -> Instrument:
    """A copy of ``instrument`` that is another object with the same content hash."""
    return attrs.evolve(instrument, path="elsewhere")


# The code the prepared parts replaced, kept as the reference they are held to.


def reference_build_result(
    instrument: Instrument,
    answers: Answers,
    *,
    assessed_on: dt.date,
    norm_group: str | None,
    case_id: str | None = None,
) -> ScoreResult:
    """``build_result`` as it was before the prepared parts: every part built per case."""
    item_scores = []
    for item in instrument.items:
        answer = answers.get(item.id)
        key, points = item_points(item, answer)
        item_scores.append(
            ItemScore(
                id=item.id,
                domain=item.domain,
                factor=item.factor,
                answer=answer,
                outcome=key,
                points=points,
                omitted=answer is None and not item.strength,
                strength=item.strength,
                source=item.source,
            )
        )
    term_scores = []
    for term in instrument.terms:
        holds = term.when.evaluate(answers)
        term_scores.append(
            TermScore(
                id=term.id,
                domain=term.domain,
                factor=term.factor,
                condition=term.when.describe(),
                holds=holds,
                points=term.points if holds else {},
                source=term.source,
            )
        )
    omitted = tuple(s.id for s in item_scores if s.omitted)
    provisional = bool(omitted)
    contributions = [(s.factor, s.points) for s in item_scores] + [
        (t.factor, t.points) for t in term_scores
    ]
    scales = {
        sid: _reference_scale_score(
            instrument, scale, answers, contributions, norm_group, provisional=provisional
        )
        for sid, scale in instrument.scales.items()
    }
    primary = instrument.primary_scale
    domains = {}
    for domain in instrument.domains:
        members = set(domain.items)
        total = sum(s.points.get(primary, 0) for s in item_scores if s.id in members)
        total += sum(t.points.get(primary, 0) for t in term_scores if t.id in members)
        missing = tuple(i for i in omitted if i in members)
        bounds = None
        if provisional:
            bounds = sum_bounds(
                instrument,
                answers,
                primary,
                (i for i in instrument.scored_items if i.id in members),
                (t for t in instrument.terms if t.id in members),
            )
            total = min(max(total, bounds[0]), bounds[1])
        need = domain.need(total)
        domains[domain.id] = DomainScore(
            id=domain.id,
            factor=domain.factor,
            total=total,
            max=domain.range[1],
            need=need,
            criminogenic=is_criminogenic(instrument, domain.factor, need, total),
            omitted=missing,
            bounds=bounds,
        )
    return ScoreResult(
        instrument=Ref(instrument.id, instrument.version, instrument.sha256),
        assessed_on=assessed_on,
        norm_group=norm_group,
        items=tuple(item_scores),
        terms=tuple(term_scores),
        scales=scales,
        domains=domains,
        primary_scale=primary,
        need_profile=need_profile(instrument, domains),
        strengths=tuple(s.id for s in item_scores if s.strength and s.answer is True),
        provisional=provisional,
        omitted=omitted,
        case_id=case_id,
    )


def _reference_scale_score(
    instrument: Instrument,
    scale: Scale,
    answers: Answers,
    contributions: list[tuple[str, Mapping[str, int]]],
    norm_group: str | None,
    *,
    provisional: bool,
) -> ScaleScore:
    static = sum(p.get(scale.id, 0) for f, p in contributions if f == "static")
    dynamic = sum(p.get(scale.id, 0) for f, p in contributions if f == "dynamic")
    raw = static + dynamic
    bounds = None
    if provisional:
        lo, hi = sum_bounds(
            instrument, answers, scale.id, instrument.scored_items, instrument.terms
        )
        raw = min(max(raw, lo), hi)
        bounds = Bounds(
            min=lo,
            max=hi,
            min_level=scale.level(lo, norm_group),
            max_level=scale.level(hi, norm_group),
            min_scaled=scale.scaled_score(lo),
            max_scaled=scale.scaled_score(hi),
            min_flag=scale.flag(lo),
            max_flag=scale.flag(hi),
        )
    band = scale.band(raw, norm_group)
    return ScaleScore(
        id=scale.id,
        raw=raw,
        level=scale.level(raw, norm_group),
        scaled=scale.scaled_score(raw),
        flag=scale.flag(raw),
        band=None if band is None else band.span,
        static=static,
        dynamic=dynamic,
        bounds=bounds,
        up=nearest_change(scale, raw, norm_group, +1),
        down=nearest_change(scale, raw, norm_group, -1),
    )
