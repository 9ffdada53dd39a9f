"""Vectorized decisions equal one-by-one decisions, row for row."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnr.cases.legal import LegalContext
from rnr.definitions.library import policy_library
from rnr.definitions.policy import Policy
from rnr.definitions.policy_loader import load_policy
from rnr.errors import DecisionInputError
from rnr.policy.engine import decide_facts
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


@pytest.mark.parametrize("policy", POLICIES, ids=[p.ref for p in POLICIES])
@settings(max_examples=25)
@given(data=st.data())
def test_arrays_equal_single_decisions(policy: Policy, data: st.DataObject) -> None:
    """Eligibility, intensity, monitoring, fit and every deadline agree with decide_facts."""
    cases = data.draw(st.lists(policy_cases(policy), min_size=1, max_size=30))
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
