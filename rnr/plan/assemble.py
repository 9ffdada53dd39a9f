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
- **The law**: the legal context selects offence objectives (an LVI for
  domestic violence or a sexual offence gets one on the offence, the
  victim-protection conditions and the monitoring), placed first and counted
  against the cap; a sanction whose law requires an individualised
  intervention (LV, LVI) never gets fewer hours than the catalogue's minimum
  for it, even where the risk principle gives none (:class:`HoursFloor`);
  the decision's warnings, monitoring and period are carried into the plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from rnr.dates import add_months
from rnr.definitions.catalogue import Catalogue, Objective, RuleSet, shipped
from rnr.definitions.responsivity import Responsivity
from rnr.errors import DecisionInputError
from rnr.plan.draft import Adaptation, HoursFloor, PlanDraft, PlanObjective, Reason
from rnr.policy.decision import Decision
from rnr.scoring.result import ScoreResult
from rnr.text import Text

__all__ = [
    "REVIEW_MONTHS",
    "at_least_one",
    "draft_plan",
    "objective_cap",
    "plan_objective",
    "share_hours",
]

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


def at_least_one(shares: Sequence[int]) -> list[int]:
    """Shares with no objective left at 0 hours while there are hours to give.

    An hour is moved from the largest share (the first of equals) to each
    empty one, as long as the total allows one hour per objective; otherwise
    the shares are returned unchanged.

    >>> at_least_one([10, 0]), at_least_one([9, 0, 0])
    ([9, 1], [7, 1, 1])
    >>> at_least_one([0, 0]), at_least_one([1, 0, 0])
    ([0, 0], [1, 0, 0])
    """
    out = list(shares)
    if sum(out) < len(out):
        return out
    for i, share in enumerate(out):
        if share == 0:
            largest = max(range(len(out)), key=lambda j: (out[j], -j))
            out[largest] -= 1
            out[i] = 1
    return out


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

    offences = _offences(decision)
    total, floor = _hours(decision, catalogue)
    cap = objective_cap(total)
    required = catalogue.for_offence(instrument, decision.sanction, offences)
    chosen: list[tuple[Objective, str | None]] = [(o, o.domain) for o in required]
    room = max(0, cap - len(chosen))
    needs: list[tuple[Objective, str | None]] = []
    for domain in score.criminogenic_needs:
        if len(needs) == room:
            break
        options = catalogue.for_need(instrument, domain, score.domains[domain].need)
        if options:
            needs.append((options[0], domain))
    chosen += needs
    if not chosen and total > 0:
        chosen = list(_fallback(score, catalogue, instrument))
    hours = at_least_one(share_hours(total, [o.sessions for o, _ in chosen]))
    applied = [r for r in rules.rules if r.applies_to(responsivity)]
    first = [r.first_component for r in applied if r.first_component]
    objectives = tuple(
        _objective(
            objective,
            domain,
            hours=h,
            score=score,
            strengths=strengths,
            first=first,
            offences=offences,
        )
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
        treatment_hours=total,
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
        offences=offences,
        warnings=tuple(decision.warnings),
        telematic_monitoring=decision.telematic_monitoring,
        monitoring_reason=decision.monitoring_reason,
        period_days=decision.period_days,
        period_months=_months(getattr(decision, "period_months", None)),
        hours_floor=floor,
    )


def _offences(decision: Decision) -> tuple[str, ...]:
    """The offence categories the decision read (its ``offences`` input), sorted."""
    found = decision.inputs.get("offences")
    if isinstance(found, str):
        return (found,)
    if isinstance(found, Iterable):
        return tuple(sorted(str(o) for o in found))
    return ()


def _hours(decision: Decision, catalogue: Catalogue) -> tuple[int, HoursFloor | None]:
    """The plan's treatment hours: the decision's, raised to the sanction's legal minimum."""
    decided = decision.intensity.treatment_hours
    minimum = catalogue.minimum(decision.sanction)
    if minimum is None or decision.sanction is None or decided >= minimum.hours:
        return decided, None
    return minimum.hours, HoursFloor(decision.sanction, decided, minimum.hours, minimum.source)


def _months(value: object) -> tuple[int, ...] | None:
    """A period in months as one figure ``(n,)`` or a range ``(lowest, highest)``."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return (value,) if value > 0 else None
    if isinstance(value, Iterable):
        figures = tuple(int(v) for v in value if isinstance(v, int) and not isinstance(v, bool))
        if figures and max(figures) > 0:
            return (figures[0],) if len(set(figures)) == 1 else figures
    return None


def _fallback(
    score: ScoreResult, catalogue: Catalogue, instrument: str
) -> list[tuple[Objective, str | None]]:
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
    offences: tuple[str, ...] = (),
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
        offences=tuple(o for o in offences if o in objective.legal.get("offences", ())),
    )


def plan_objective(
    objective: Objective,
    domain: str | None,
    *,
    hours: int,
    score: ScoreResult,
    strengths: tuple[str, ...],
    first: Sequence[str] = (),
    offences: tuple[str, ...] = (),
) -> PlanObjective:
    """One objective of a draft, as :func:`draft_plan` makes it (an edit of the plan adds them so).

    ``first`` lists the components the responsivity rules put first.
    """
    return _objective(
        objective,
        domain,
        hours=hours,
        score=score,
        strengths=strengths,
        first=list(first),
        offences=offences,
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
