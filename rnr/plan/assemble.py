"""Assemble a PII draft from a score and its decision.

- **Need principle**: objectives target the criminogenic needs in the order
  of the need profile (highest need first); static domains never produce an
  objective; the number of objectives follows the decided intensity
  (:func:`objective_cap`) and the decision's treatment hours are shared
  across them in proportion to their typical sessions, exactly.
- **Responsivity**: every rule whose conditions hold is applied and listed
  with the answers that triggered it.
- **Strengths** the instrument found are named, and attached to the
  objectives of their domain.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rnr.dates import add_months
from rnr.definitions.catalogue import Catalogue, Objective, RuleSet, shipped
from rnr.definitions.responsivity import Responsivity
from rnr.errors import DecisionInputError
from rnr.plan.draft import Adaptation, PlanDraft, PlanObjective, Reason
from rnr.policy.decision import Decision
from rnr.scoring.result import ScoreResult
from rnr.text import Text

__all__ = ["REVIEW_MONTHS", "draft_plan", "objective_cap", "share_hours"]

#: Months between plan reviews (an agency parameter; policies may set ``review_months``).
REVIEW_MONTHS = 3


def objective_cap(treatment_hours: int) -> int:
    """How many objectives the decided intensity allows.

    One for no treatment hours (control only), two up to low-intensity
    dosage, then one more per hundred hours (Bourgon & Armstrong 2005:
    about 100 h moderate, 200 h high, 300 h high with several needs).

    >>> [objective_cap(h) for h in (0, 10, 100, 200, 300)]
    [1, 2, 3, 4, 5]
    """
    if treatment_hours <= 0:
        return 1
    if treatment_hours <= 50:
        return 2
    return min(5, 2 + (treatment_hours + 99) // 100)


def share_hours(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` hours in proportion to ``weights`` (largest remainder), exactly.

    >>> share_hours(100, [12, 8, 4])
    [50, 33, 17]
    """
    if not weights:
        return []
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    shares = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - shares[i]), i))
    for i in order[: total - sum(shares)]:
        shares[i] += 1
    return shares


def draft_plan(
    score: ScoreResult,
    decision: Decision,
    *,
    responsivity: Responsivity | None = None,
    strengths: Sequence[str] | None = None,
    catalogue: Catalogue | None = None,
    rules: RuleSet | None = None,
    dated: dt.date | None = None,
) -> PlanDraft:
    """A PII draft for the scored, decided case.

    Args:
        score: the score the decision was made from.
        decision: the decision (intensity, hours, deadlines).
        responsivity: the case's responsivity section.
        strengths: strength item ids (default: the score's strengths).
        catalogue: objectives (default: the shipped catalogue).
        rules: responsivity rules (default: the shipped rules).
        dated: the draft's date (default: the assessment date).

    Raises:
        DecisionInputError: the decision was made from another score, or the
            instrument has no dynamic need domain to plan for.
    """
    if decision.instrument is not None and decision.instrument != score.instrument:
        msg = f"decision: made from {decision.instrument}, expected the score's {score.instrument}"
        raise DecisionInputError(msg, field="decision.instrument", value=str(decision.instrument))
    default_catalogue, default_rules = (
        shipped() if catalogue is None or rules is None else (None, None)
    )
    catalogue = catalogue or default_catalogue
    rules = rules or default_rules
    assert catalogue is not None
    assert rules is not None
    responsivity = responsivity or Responsivity()
    strengths = tuple(score.strengths if strengths is None else strengths)
    instrument = score.instrument.id

    cap = objective_cap(decision.intensity.treatment_hours)
    chosen: list[tuple[Objective, str]] = []
    for domain in score.criminogenic_needs:
        if len(chosen) == cap:
            break
        options = catalogue.for_need(instrument, domain, score.domains[domain].need)
        if options:
            chosen.append((options[0], domain))
    if not chosen and decision.intensity.treatment_hours > 0:
        chosen = _fallback(score, catalogue, instrument)
    hours = share_hours(decision.intensity.treatment_hours, [o.sessions for o, _ in chosen])
    applied = [r for r in rules.rules if r.applies_to(responsivity)]
    first = [r.first_component for r in applied if r.first_component]
    objectives = tuple(
        _objective(objective, domain, hours=h, score=score, strengths=strengths, first=first)
        for (objective, domain), h in zip(chosen, hours, strict=True)
    )
    supports = tuple(
        _objective(o, o.domain, hours=0, score=score, strengths=strengths, first=first)
        for o in catalogue.supports(instrument)
        if o.triggered_by(responsivity)
        or (
            o.domain is not None
            and o.domain in score.domains
            and score.domains[o.domain].need in o.need_levels
        )
    )
    adaptations = tuple(
        Adaptation(
            r.id,
            Text(r.adaptation.get("es", ""), r.adaptation.get("en", "")),
            {f: responsivity.get(f) for f in r.when},
            r.source,
        )
        for r in applied
    )
    day = dated or score.assessed_on
    deadlines = tuple(sorted(decision.deadlines.values(), key=lambda d: d.date))
    return PlanDraft(
        case_id=decision.case_id or score.case_id,
        version=1,
        kind="initial",
        dated=day,
        assessed_on=score.assessed_on,
        instrument=score.instrument,
        policy=decision.policy,
        regime=decision.regime,
        sanction=decision.sanction,
        risk_level=decision.risk_level,
        computed_risk_level=decision.computed_risk_level,
        contacts_per_month=decision.intensity.contacts_per_month,
        treatment_hours=decision.intensity.treatment_hours,
        objectives=objectives,
        supports=supports,
        adaptations=adaptations,
        strengths=strengths,
        deadlines=deadlines,
        reviews=_reviews(day, decision),
        attainment_threshold=decision.attainment_threshold,
        responsivity=responsivity,
        cap=cap,
        override_changed=decision.override_changed,
    )


def _fallback(
    score: ScoreResult, catalogue: Catalogue, instrument: str
) -> list[tuple[Objective, str]]:
    """With hours to give but no criminogenic need: the highest dynamic domain's objective."""
    for domain in score.need_profile:
        options = [
            o
            for o in catalogue.objectives
            if o.kind == "criminogenic" and instrument in o.instruments and o.domain == domain
        ]
        if options:
            return [(options[-1], domain)]
    msg = (
        f"{score.instrument}: no dynamic need domain to plan for, expected an instrument with needs"
    )
    raise DecisionInputError(
        msg, field="instrument", value=str(score.instrument), expected="dynamic domains"
    )


def _objective(
    objective: Objective,
    domain: str | None,
    *,
    hours: int,
    score: ScoreResult,
    strengths: tuple[str, ...],
    first: list[str],
) -> PlanObjective:
    components = list(objective.components)
    for component in reversed(first):
        if component in components:
            components.remove(component)
        components.insert(0, component)
    reason = None
    if domain is not None and domain in score.domains:
        d = score.domains[domain]
        items = tuple(
            i.id
            for i in score.items
            if i.domain == domain and not i.strength and any(p > 0 for p in i.points.values())
        )
        reason = Reason(domain, d.total, d.max, d.need, items)
    own = tuple(s for s in strengths if domain is not None and _domain_of(score, s) == domain)
    return PlanObjective(
        id=objective.id,
        kind=objective.kind,
        domain=domain,
        title=Text(objective.title.get("es", ""), objective.title.get("en", "")),
        indicator=Text(objective.indicator.get("es", ""), objective.indicator.get("en", "")),
        components=tuple(components),
        sessions=objective.sessions,
        hours=hours,
        reason=reason,
        strengths=own,
        source=objective.source,
    )


def _domain_of(score: ScoreResult, item_id: str) -> str | None:
    try:
        return score.item(item_id).domain
    except KeyError:
        return None


def _reviews(day: dt.date, decision: Decision) -> tuple[dt.date, ...]:
    """Review dates every REVIEW_MONTHS months until the next reassessment."""
    until = decision.deadlines.get("next_reassessment")
    end = until.date if until else add_months(day, 12)
    out = []
    step = 1
    while (review := add_months(day, REVIEW_MONTHS * step)) < end:
        out.append(review)
        step += 1
    return tuple(out)
