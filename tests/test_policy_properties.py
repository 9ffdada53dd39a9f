"""Properties every policy must keep, for the shipped policies and the test one.

- every valid input combination gets exactly one decision (no gap, no crash);
- higher risk never gets lower intensity under the same sanction;
- decisions are deterministic and round-trip through JSON;
- a mutated policy file is either rejected with a clear error or still passes
  its checks and decides.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnr.cases.legal import LegalContext
from rnr.definitions.library import policy_library
from rnr.definitions.policy import Policy
from rnr.definitions.policy_loader import load_policy, parse_policy
from rnr.errors import DecisionInputError, PolicyDefinitionError
from rnr.policy.decision import Decision
from rnr.policy.engine import _compared, _compared_of, decide_facts
from rnr.testing.policy_strategies import policy_cases

DEMO = Path(__file__).parent / "data" / "policies" / "demo-policy" / "2024-01-01.toml"
POLICIES = [load_policy(DEMO), *policy_library()]
IDS = [p.ref for p in POLICIES]


def run(policy: Policy, case: tuple[dict[str, Any], LegalContext, dt.date]) -> Decision:
    """Decide a generated case."""
    facts, legal, day = case
    return decide_facts(policy, facts, legal, assessed_on=day)


@pytest.mark.parametrize("policy", POLICIES, ids=IDS)
def test_every_valid_input_gets_exactly_one_decision(policy: Policy) -> None:
    """Any valid inputs decide every sanction, intensity, monitoring and deadline."""

    @given(policy_cases(policy))
    def check(case: tuple[dict[str, Any], LegalContext, dt.date]) -> None:
        decision = run(policy, case)
        assert set(decision.eligible_sanctions) | set(decision.ineligible) == set(policy.sanctions)
        assert not set(decision.eligible_sanctions) & set(decision.ineligible)
        assert decision.intensity.contacts_per_month >= 0
        assert decision.intensity.treatment_hours >= 0
        assert "next_reassessment" in decision.deadlines
        for sanction, reason in decision.ineligible.items():
            assert reason.es, f"{sanction} is not available but no reason is given"

    check()


@pytest.mark.parametrize("policy", POLICIES, ids=IDS)
def test_higher_risk_never_gets_lower_intensity(policy: Policy) -> None:
    """With everything else equal, each step up in risk keeps or raises contacts and hours."""
    levels = policy.inputs["risk_level"].values

    @given(policy_cases(policy))
    def check(case: tuple[dict[str, Any], LegalContext, dt.date]) -> None:
        facts, legal, day = case
        previous = None
        for level in levels:
            decision = decide_facts(policy, {**facts, "risk_level": level}, legal, assessed_on=day)
            now = (decision.intensity.contacts_per_month, decision.intensity.treatment_hours)
            if previous is not None:
                assert now[0] >= previous[0], f"contacts fall from {previous} to {now} at {level}"
                assert now[1] >= previous[1], f"hours fall from {previous} to {now} at {level}"
            previous = now

    check()


@pytest.mark.parametrize("policy", POLICIES, ids=IDS)
def test_decisions_are_deterministic_and_round_trip(policy: Policy) -> None:
    """The same inputs give equal decisions; JSON gives them back exactly."""

    @given(policy_cases(policy))
    def check(case: tuple[dict[str, Any], LegalContext, dt.date]) -> None:
        first, second = run(policy, case), run(policy, case)
        assert first == second
        assert first == Decision.from_json(first.to_json())

    check()


def _mutations(value: Any) -> st.SearchStrategy[Any]:
    if isinstance(value, bool):
        return st.just(not value)
    if isinstance(value, int):
        return st.integers(value - 400, value + 400)
    if isinstance(value, str):
        return st.sampled_from([value + "x", "", value.upper()])
    return st.just(value)


def _leaves(doc: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(doc, dict):
        return [p for k, v in doc.items() for p in _leaves(v, (*path, k))]
    if isinstance(doc, list):
        return [p for i, v in enumerate(doc) for p in _leaves(v, (*path, i))]
    return [path] if isinstance(doc, bool | int | str) else []


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        doc = doc[key]
    doc[path[-1]] = value


@pytest.mark.parametrize("policy", POLICIES, ids=IDS)
@settings(max_examples=40)
@given(data=st.data())
def test_a_mutated_policy_is_rejected_or_still_sound(policy: Policy, data: st.DataObject) -> None:
    """Change one leaf of the file: a clear error, or a policy that passes its checks."""
    assert policy.path is not None
    doc = tomllib.loads(Path(policy.path).read_text(encoding="utf-8"))
    path = data.draw(st.sampled_from(_leaves(doc)), label="leaf")
    current: Any = doc
    for key in path:
        current = current[key]
    _set(doc, path, data.draw(_mutations(current), label="new value"))
    try:
        mutated = parse_policy(doc)
    except PolicyDefinitionError as exc:
        problems = exc.problems
        assert problems, "a rejection names at least one problem"
        return
    case = data.draw(policy_cases(mutated), label="case")
    try:
        decision = run(mutated, case)
    except DecisionInputError as exc:  # e.g. a deadline now counts from an absent date
        assert exc.field  # noqa: PT017
        return
    assert set(decision.eligible_sanctions) | set(decision.ineligible) == set(mutated.sanctions)


def test_property_inputs_cover_every_legal_field() -> None:
    """The generated legal sections are valid LegalContext values."""

    @given(policy_cases(POLICIES[0]))
    def check(case: tuple[dict[str, Any], LegalContext, dt.date]) -> None:
        assert attrs.has(type(case[1]))

    check()


@pytest.mark.parametrize("policy", POLICIES, ids=IDS)
def test_the_nearest_change_reads_what_the_whole_decision_decides(policy: Policy) -> None:
    """The shortcut the nearest change of score takes equals the whole decision, at every level.

    ``_compared`` runs only the tables whose outputs the nearest change
    compares; at each risk level it must give what the decision made there
    gives.
    """
    levels = policy.inputs["risk_level"].values

    @given(policy_cases(policy))
    def check(case: tuple[dict[str, Any], LegalContext, dt.date]) -> None:
        facts, legal, day = case
        resolved = run(policy, case).inputs
        for level in levels:
            whole = decide_facts(policy, {**facts, "risk_level": level}, legal, assessed_on=day)
            shortcut = _compared(policy, {**resolved, "risk_level": level}, legal)
            assert _compared_of(whole) == shortcut, level

    check()
