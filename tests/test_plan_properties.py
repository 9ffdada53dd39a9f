"""Properties of plan drafts over generated cases of the LS/CMI and the YLS/CMI.

Cases are drawn with ``rnr.testing.strategies`` (every item answered), decided under the
shipped policy of their regime with a generated legal section, and given a
random responsivity section built from ``rnr.definitions.responsivity.CHOICES``.
Drafts are assembled with the test catalogue (``tests/data/plans``) and with
the shipped one:

- no objective targets a static domain;
- there are at most ``cap == objective_cap(hours)`` objectives;
- objective hours add up to the decision's treatment hours, and hours mean
  at least one objective;
- every high criminogenic need among the first ``cap`` needs gets an objective;
- rendering never fails, in both formats and languages;
- HTML never carries markup from case data unescaped.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rnr import default_library, score
from rnr.definitions.catalogue import Catalogue, RuleSet, load_catalogue, load_rules
from rnr.definitions.instrument import Instrument
from rnr.definitions.library import policy_library
from rnr.definitions.policy import Policy
from rnr.definitions.responsivity import CHOICES, Responsivity
from rnr.errors import DecisionInputError
from rnr.plan.assemble import draft_plan, objective_cap
from rnr.plan.draft import PlanDraft, review
from rnr.policy.decision import Decision
from rnr.policy.engine import decide
from rnr.render.plan import render_plan
from rnr.scoring.result import ScoreResult
from rnr.testing.policy_strategies import policy_cases
from rnr.testing.strategies import responses

DATA = Path(__file__).parent / "data" / "plans"
MARKUP = "<script>alert(1)</script>"
STATIC = {"criminal_history", "prior_current_offences"}
LIBRARY = default_library()
POLICIES = {p.instruments[0]: p for p in policy_library()}


CATALOGUES = [
    ("test", load_catalogue(DATA / "objectives"), load_rules(DATA / "responsivity")),
    ("shipped", load_catalogue(), load_rules()),
]


def covers(catalogue: Catalogue, instrument: str) -> bool:
    """Whether the catalogue has objectives for the instrument's needs."""
    return any(instrument in o.instruments for o in catalogue.objectives)


def responsivity_values(field: str) -> st.SearchStrategy[Any]:
    """Valid values of one responsivity field (or not recorded)."""
    allowed = CHOICES[field]
    if allowed is bool:
        return st.none() | st.booleans()
    if isinstance(allowed, tuple):
        return st.none() | st.sampled_from(allowed)
    text = st.text(min_size=1, max_size=20).filter(lambda s: bool(s.strip()))
    return st.none() | st.just(MARKUP) | text


RESPONSIVITY = st.fixed_dictionaries({f: responsivity_values(f) for f in CHOICES}).map(
    lambda d: Responsivity(**d)
)


@st.composite
def decided(draw: st.DrawFn, instrument: Instrument) -> tuple[ScoreResult, Decision, Responsivity]:
    """A scored case, its decision under the shipped policy and a responsivity section."""
    policy: Policy = POLICIES[instrument.id]
    answers = draw(responses(instrument))
    _, legal, day = draw(policy_cases(policy))
    day = max(day, instrument.effective_from)
    group = draw(st.sampled_from(instrument.norm_groups)) if instrument.norm_groups else None
    result = score(instrument, answers, assessed_on=day, norm_group=group, case_id="c-1")
    try:
        decision = decide(result, legal, policy, case_id="c-1")
    except DecisionInputError:
        assume(False)
        raise
    return result, decision, draw(RESPONSIVITY)


def draft(
    case: tuple[ScoreResult, Decision, Responsivity], catalogue: Catalogue, rules: RuleSet
) -> PlanDraft:
    """The draft of a generated case."""
    result, decision, responsivity = case
    return draft_plan(result, decision, responsivity=responsivity, catalogue=catalogue, rules=rules)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PARAMS = [
    pytest.param(LIBRARY.get(i), c, r, id=f"{i}-{name}")
    for i in ("lscmi", "ylscmi")
    for name, c, r in CATALOGUES
    if covers(c, i)
]


@pytest.mark.parametrize(("instrument", "catalogue", "rules"), PARAMS)
@SETTINGS
@given(data=st.data())
def test_assembly_keeps_the_need_principle_and_the_dosage(
    instrument: Instrument, catalogue: Catalogue, rules: RuleSet, data: st.DataObject
) -> None:
    """Static domains never, cap by intensity, hours exact, high needs first.

    The hours are the decision's, raised to the catalogue's legal minimum of
    the sanction (never fewer); offence objectives come first and take
    places of the cap; no objective is left at 0 hours while there are hours.
    """
    case = data.draw(decided(instrument))
    result, decision, _ = case
    plan = draft(case, catalogue, rules)
    minimum = catalogue.minimum(decision.sanction)
    hours = max(decision.intensity.treatment_hours, minimum.hours if minimum else 0)
    assert plan.treatment_hours == hours
    assert (plan.hours_floor is not None) == (hours != decision.intensity.treatment_hours)
    domains = {o.domain for o in plan.objectives if o.kind == "criminogenic"}
    assert not domains & STATIC
    assert plan.cap == objective_cap(hours)
    offence = [o for o in plan.objectives if o.kind == "offence"]
    assert list(plan.objectives[: len(offence)]) == offence
    assert len(plan.objectives) <= max(plan.cap, len(offence))
    if plan.objectives:
        assert hours == sum(o.hours for o in plan.objectives)
        if hours >= len(plan.objectives):
            assert all(o.hours > 0 for o in plan.objectives)
    if hours > 0:
        assert plan.objectives
    top = instrument.need_levels[-1]
    for domain in result.criminogenic_needs[: plan.cap - len(offence)]:
        if result.domains[domain].need == top:
            assert domain in domains, (domain, result.criminogenic_needs)


@pytest.mark.parametrize(("instrument", "catalogue", "rules"), PARAMS)
@SETTINGS
@given(data=st.data())
def test_rendering_never_fails_and_escapes_case_data(
    instrument: Instrument, catalogue: Catalogue, rules: RuleSet, data: st.DataObject
) -> None:
    """Any valid draft renders in md/html and es/en; markup from the case stays text."""
    plan = draft(data.draw(decided(instrument)), catalogue, rules)
    plan = attrs.evolve(plan, case_id=data.draw(st.sampled_from(["c-1", MARKUP])))
    if plan.objectives and data.draw(st.booleans()):
        note = data.draw(st.sampled_from([MARKUP, "ok", ""]))
        later = plan.dated + dt.timedelta(days=30)
        plan = review(plan, later, {plan.objectives[0].id: ("in_progress", note)})
    for fmt in ("md", "html"):
        for lang in ("es", "en"):
            text = render_plan(plan, format=fmt, lang=lang)
            assert text
            if fmt == "html":
                assert "<script" not in text
                if MARKUP in (plan.case_id, plan.responsivity.gender):
                    assert "&lt;script&gt;" in text
