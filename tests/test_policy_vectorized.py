"""Vectorized decisions equal one-by-one decisions, row for row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnr.cases.legal import LegalContext
from rnr.definitions.library import policy_library
from rnr.definitions.policy import Policy
from rnr.definitions.policy_loader import load_policy
from rnr.errors import DecisionInputError
from rnr.policy.engine import decide_facts, legal_range_days, months_to_days
from rnr.policy.vectorized import add_months_array, decide_arrays
from rnr.testing.policy_strategies import policy_cases

DEMO = Path(__file__).parent / "data" / "policies" / "demo-policy" / "2024-01-01.toml"
POLICIES = [load_policy(DEMO), *policy_library()]


def columns(
    policy: Policy, cases: list[tuple[dict[str, Any], LegalContext, dt.date]]
) -> dict[str, Any]:
    """The cases as one column per policy input."""
    out: dict[str, list[Any]] = {name: [] for name in policy.inputs}
    for facts, legal, _ in cases:
        for name, spec in policy.inputs.items():
            if spec.source.startswith("legal."):
                value = getattr(legal, spec.source.removeprefix("legal."))
            else:
                value = facts[spec.source]
            if spec.type == "set":
                value = sum(1 << i for i, v in enumerate(spec.values) if v in value)
            out[name].append(value)
    return {
        k: np.asarray(v, dtype=object if policy.inputs[k].type == "enum" else None)
        for k, v in out.items()
    }


def _cut_points(policy: Policy, source: str) -> list[int]:
    """The values an integer legal field's conditions turn on, and one on each side."""
    points: set[int] = set()
    for table in policy.tables.values():
        for rule in table.rules:
            for name, tests in rule.when:
                if policy.inputs[name].source != source:
                    continue
                for test in tests:
                    values = test.value if isinstance(test.value, list | tuple) else [test.value]
                    points.update(v + d for v in values if isinstance(v, int) for d in (-1, 0, 1))
    return sorted(points)


def _period_edges(policy: Policy) -> list[int]:
    """Durations at the edges of every legal range the period table gives, in days and
    in whole months as :func:`months_to_days` reads them (6, 18, 36 months and their
    neighbours)."""
    edges: set[int] = set()
    for rule in policy.tables["period"].rules:
        lo_months, hi_months = int(rule.then["min_months"]), int(rule.then["max_months"])
        if not hi_months:
            continue
        lo, hi = legal_range_days(lo_months, hi_months)
        edges.update({lo - 1, lo, hi, hi + 1})
        for months in {lo_months - 1, lo_months, hi_months, hi_months + 1} - {-1}:
            edges.add(months_to_days(months))
    return sorted(e for e in edges if e >= 1)


@st.composite
def edge_cases(draw: st.DrawFn, policy: Policy) -> tuple[dict[str, Any], LegalContext, dt.date]:
    """A valid case whose sentence often sits at a threshold or a legal range's edge and
    whose age at the offence often sits at the law's scope (13/14, 15/16, 17/18)."""
    facts, legal, day = draw(policy_cases(policy))
    changes: dict[str, Any] = {}
    days = _cut_points(policy, "legal.sentence_days") + _period_edges(policy)
    if days and draw(st.booleans(), label="edge sentence"):
        changes["sentence_days"] = draw(st.sampled_from([d for d in days if d >= 1]))
    ages = _cut_points(policy, "legal.age_at_offence")
    if ages and draw(st.booleans(), label="edge age"):
        changes["age_at_offence"] = draw(st.sampled_from([a for a in ages if a >= 10]))
    return facts, attrs.evolve(legal, **changes), day


def test_the_edges_are_those_of_the_law() -> None:
    """The generator reaches the thresholds of Ley 20.084 arts. 3, 13, 14, 18 and 23."""
    juvenile = policy_library().get("cl-juvenil-20084@2024-01-14")
    days = set(_cut_points(juvenile, "legal.sentence_days") + _period_edges(juvenile))
    assert {60, 61, 540, 541, 1095, 1096, 1825, 1826, 3650, 3651} <= days
    assert {152, 179, 180, 183, 548, 549, 578, 1125} <= days  # 5, 6, 18, 19, 36, 37 months
    assert {13, 14, 15, 16, 17, 18} <= set(_cut_points(juvenile, "legal.age_at_offence"))


@pytest.mark.parametrize("policy", POLICIES, ids=[p.ref for p in POLICIES])
@settings(max_examples=25)
@given(data=st.data())
def test_arrays_equal_single_decisions(policy: Policy, data: st.DataObject) -> None:
    """Eligibility, intensity, monitoring, fit, the legal range, every deadline and every
    warning code (period_out_of_range and sanction_not_eligible included) agree with
    decide_facts, on cases at the law's thresholds and outside its scope too."""
    cases = data.draw(
        st.lists(st.one_of(policy_cases(policy), edge_cases(policy)), min_size=1, max_size=30)
    )
    cases = list(cases)
    out = decide_arrays(
        policy,
        columns(policy, cases),
        assessed_on=np.array([d for _, _, d in cases], dtype="datetime64[D]"),
        entry_date=np.array([legal.entry_date for _, legal, _ in cases], dtype="datetime64[D]"),
        sentence_date=np.array(
            [legal.sentence_date for _, legal, _ in cases], dtype="datetime64[D]"
        ),
        exam_suspension_days=np.array([legal.exam_suspension_days for _, legal, _ in cases]),
        sanction=np.array([legal.sanction for _, legal, _ in cases], dtype=object),
        sentence_days=np.array([legal.sentence_days for _, legal, _ in cases], dtype=object),
    )
    for i, (facts, legal, day) in enumerate(cases):
        one = decide_facts(policy, facts, legal, assessed_on=day)
        assert (one.intensity.contacts_per_month, one.intensity.treatment_hours) == (
            out.contacts_per_month[i],
            out.treatment_hours[i],
        )
        assert one.telematic_monitoring == out.telematic_monitoring[i]
        assert one.fit == out.fit[i]
        for sanction in policy.sanctions:
            assert (sanction in one.eligible_sanctions) == out.eligible[sanction][i]
        for name, deadline in one.deadlines.items():
            assert np.datetime64(deadline.date) == out.deadlines[name][i], name
        assert (one.period_months or (0, 0)) == (out.min_months[i], out.max_months[i])
        assert {w.code for w in one.warnings} == out.warning_codes(i)


def test_a_sentence_outside_its_range_is_flagged_in_arrays() -> None:
    """LAS of 18 and 19 months, LAE of 36 and 37: only 19 and 37 are out of range; an LAS
    of 1096 days is also one art. 23 does not allow."""
    policy = policy_library().get("cl-juvenil-20084@2024-01-14")
    days = [months_to_days(m) for m in (18, 19)] + [months_to_days(m) for m in (36, 37)] + [1096]
    sanction = np.array(["LAS", "LAS", "LAE", "LAE", "LAS"], dtype=object)
    n = len(days)
    cols: dict[str, Any] = {
        "risk_level": np.array(["moderate"] * n, dtype=object),
        "high_needs": np.zeros(n, dtype=int),
        "criminogenic_needs": np.zeros(n, dtype=int),
        "sanction": sanction,
        "sanction_status": np.array(["imposed"] * n, dtype=object),
        "age_at_offence": np.full(n, 16),
        "sentence_days": np.array(days),
    }
    on = np.array(["2027-03-01"] * n, dtype="datetime64[D]")
    out = decide_arrays(policy, cols, assessed_on=on, entry_date=on, sentence_date=on)
    assert [False, True, False, True, True] == out.warnings["period_out_of_range"].tolist()
    assert [False, False, False, False, True] == out.warnings["sanction_not_eligible"].tolist()
    assert [(6, 18), (6, 18), (6, 36), (6, 36), (6, 18)] == list(
        zip(out.min_months.tolist(), out.max_months.tolist(), strict=True)
    )


def test_add_months_clamps_to_the_last_day() -> None:
    """31 August + 6 months is 28 February; + 18 months is 28 February too."""
    days = np.array(["2024-08-31", "2024-01-31", "2023-12-15"], dtype="datetime64[D]")
    got = add_months_array(days, np.array([6, 1, 18]))
    assert ["2025-02-28", "2024-02-29", "2025-06-15"] == [str(d) for d in got]


def test_a_bad_column_names_row_and_field() -> None:
    """An unknown risk level is refused, naming the row and the fact."""
    policy = POLICIES[0]
    n = 3
    cols: dict[str, Any] = {
        "risk_level": np.array(["low", "severe", "high"], dtype=object),
        "sentence_days": np.array([100, 200, 300]),
        "offences": np.array([0, 1, 2]),
        "sanction": np.array(["A", "B", "A"], dtype=object),
        "high_needs": np.zeros(n, dtype=int),
    }
    days = np.array(["2024-01-01"] * n, dtype="datetime64[D]")
    with pytest.raises(DecisionInputError, match="row 1: risk_level: got 'severe'"):
        decide_arrays(policy, cols, assessed_on=days, entry_date=days)
