"""The shipped policies agree with the instruments they read."""

from __future__ import annotations

import pytest

import rnr
from rnr.definitions.library import policy_library
from rnr.definitions.policy import Policy

POLICIES = list(policy_library())


def test_both_regimes_are_shipped() -> None:
    """Adults under Ley 18.216 and young people under Ley 20.084."""
    assert {"cl-adultos-18216", "cl-juvenil-20084"} <= set(policy_library().ids())


@pytest.mark.parametrize("policy", POLICIES, ids=[p.ref for p in POLICIES])
def test_vocabularies_match_the_instruments(policy: Policy) -> None:
    """Risk levels are the primary scale's levels; need sets name real domains."""
    for ident in policy.instruments:
        instrument = rnr.default_library().get(ident)
        levels = instrument.scales[instrument.primary_scale].levels
        assert levels == policy.inputs["risk_level"].values
        domains = {d.id for d in instrument.domains}
        for spec in policy.inputs.values():
            if spec.source == "criminogenic_needs":
                assert set(spec.values) <= domains, set(spec.values) - domains


@pytest.mark.parametrize("policy", POLICIES, ids=[p.ref for p in POLICIES])
def test_every_rule_is_cited(policy: Policy) -> None:
    """Every rule names its source; every parameter too."""
    for table in policy.tables.values():
        for rule in table.rules:
            assert rule.source.strip(), f"{table.id}.{rule.id} has no source"
    for param in policy.params.values():
        assert param.source.strip(), param.name


@pytest.mark.parametrize("policy", POLICIES, ids=[p.ref for p in POLICIES])
def test_reasons_are_given_in_both_languages(policy: Policy) -> None:
    """A rule that makes a sanction unavailable explains why, in Spanish and English."""
    for sanction in policy.sanctions:
        for rule in policy.eligibility_table(sanction).rules:
            if rule.then.get("eligible") is False:
                assert rule.note.get("es"), rule.id
                assert rule.note.get("en"), rule.id
