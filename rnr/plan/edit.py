"""Edit a PII draft: the objectives chosen from the catalogue, their order and their hours.

A delegado adjusts the draft the engine made: adds an objective the
catalogue has for one of the case's needs, removes one, puts them in another
order, and shares the decided treatment hours otherwise. An edit never changes
the intensity: the hours still add up to the plan's treatment hours (the
decision's, raised to the sanction's legal minimum), each objective keeps at
least one hour while there are hours to give, the number of objectives stays
within the decided cap, and an objective the legal context requires (an
offence objective) is never removed. The result is a new version of the
plan, dated on the day of the edit; objectives kept keep their status history.

>>> hours_range(100, 3)
(1, 98)
>>> hours_range(0, 2)
(0, 0)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import attrs

from rnr.definitions.catalogue import Catalogue, Objective, RuleSet
from rnr.errors import DecisionInputError
from rnr.plan.assemble import at_least_one, plan_objective, share_hours
from rnr.plan.draft import PlanDraft, PlanObjective
from rnr.scoring.result import ScoreResult

__all__ = ["Choice", "candidates", "edit_plan", "hours_range", "refit", "required"]

#: The code of an objective an edit may not hold (or may not leave out).
OBJECTIVE_CODE = "plan.edit.objective"
#: The code of hours outside the decided intensity.
HOURS_CODE = "plan.edit.hours"


@attrs.frozen
class Choice:
    """One objective of an edited plan, in its place: its catalogue id and its hours."""

    id: str
    hours: int


def hours_range(total: int, count: int) -> tuple[int, int]:
    """The fewest and most hours one of ``count`` objectives may get out of ``total``.

    At least one while there are hours to give, and no more than leaves one
    for each of the others; ``(0, 0)`` when the plan has no treatment hours.
    """
    if total <= 0:
        return (0, 0)
    return (1, max(1, total - max(0, count - 1)))


def required(plan: PlanDraft, catalogue: Catalogue) -> tuple[str, ...]:
    """The ids of the offence objectives the plan's legal context requires (never removed)."""
    return tuple(
        o.id for o in catalogue.for_offence(plan.instrument.id, plan.sanction, plan.offences)
    )


def candidates(
    plan: PlanDraft, score: ScoreResult, catalogue: Catalogue
) -> tuple[tuple[Objective, str | None], ...]:
    """Every objective the plan may hold, with the domain it answers, in catalogue order.

    The offence objectives the legal context selects, every criminogenic
    objective the catalogue has for a domain that is one of the case's
    criminogenic needs (at any need level: the delegado may judge the
    other one fitter), and whatever objective the plan holds already.
    """
    instrument = plan.instrument.id
    found: dict[str, tuple[Objective, str | None]] = {
        o.id: (o, o.domain) for o in catalogue.for_offence(instrument, plan.sanction, plan.offences)
    }
    needs = set(score.criminogenic_needs)
    for option in catalogue.objectives:
        wanted = option.kind == "criminogenic" and instrument in option.instruments
        if wanted and option.domain in needs:
            found.setdefault(option.id, (option, option.domain))
    held = {o.id: o.domain for o in plan.objectives}
    for objective in catalogue.objectives:
        if objective.id in held:
            found.setdefault(objective.id, (objective, held[objective.id]))
    order = {o.id: at for at, o in enumerate(catalogue.objectives)}
    return tuple(sorted(found.values(), key=lambda pair: order.get(pair[0].id, len(order))))


def _refuse(message: str, field: str, value: object, expected: str, code: str) -> None:
    raise DecisionInputError(message, field=field, value=value, expected=expected, code=code)


def edit_plan(
    plan: PlanDraft,
    on: dt.date,
    choices: Sequence[Choice],
    *,
    score: ScoreResult,
    catalogue: Catalogue,
    rules: RuleSet,
) -> PlanDraft:
    """A new version of ``plan`` holding the objectives ``choices`` names, in their order.

    Args:
        plan: the version in force.
        on: the day of the edit (not before the version in force).
        choices: each objective's catalogue id and hours, in the plan's new order.
        score: the assessment the plan was drafted from (the reasons of an added objective).
        catalogue: the objective catalogue the plan was drafted with.
        rules: the responsivity rules (the components an added objective puts first).

    Raises:
        DecisionInputError: ``plan.edit.objective``, an objective the case's
            needs do not call for, named twice, more objectives than the cap,
            none at all while there are hours, or a required one left out;
            ``plan.edit.hours``, hours outside :func:`hours_range` or a total
            other than the plan's treatment hours; ``decision.input.invalid``,
            a closed plan or a day before the version in force.
    """
    if plan.kind == "closing":
        msg = f"plan version {plan.version}: got an edit of a closed plan, expected an open plan"
        _refuse(msg, "plan.kind", plan.kind, "initial or review", "decision.input.invalid")
    if on < plan.dated:
        msg = f"edit date: got {on}, expected {plan.dated} or later (the current version's date)"
        _refuse(msg, "edit.on", on.isoformat(), f">= {plan.dated}", "decision.input.invalid")
    allowed = {o.id: (o, d) for o, d in candidates(plan, score, catalogue)}
    seen: set[str] = set()
    for at, choice in enumerate(choices):
        if choice.id not in allowed:
            expected = ", ".join(sorted(allowed))
            msg = f"objectives[{at}].id: got {choice.id!r}, expected one of {expected}"
            _refuse(msg, f"objectives[{at}].id", choice.id, expected, OBJECTIVE_CODE)
        if choice.id in seen:
            msg = f"objectives[{at}].id: {choice.id!r} is named twice, expected each once"
            _refuse(msg, f"objectives[{at}].id", choice.id, "each objective once", OBJECTIVE_CODE)
        seen.add(choice.id)
    needed = required(plan, catalogue)
    missing = [i for i in needed if i not in seen]
    if missing:
        msg = (
            f"objectives: {', '.join(missing)} left out, expected them kept (the law requires them)"
        )
        _refuse(msg, "objectives", missing, "the required objectives kept", OBJECTIVE_CODE)
    most = max(plan.cap, len(needed))
    if len(choices) > most:
        msg = f"objectives: got {len(choices)}, expected at most {most} (the decided intensity)"
        _refuse(msg, "objectives", len(choices), f"at most {most}", OBJECTIVE_CODE)
    total = plan.treatment_hours
    if not choices and total > 0:
        msg = f"objectives: got none, expected at least one for the {total} treatment hours"
        _refuse(msg, "objectives", 0, "at least one objective", OBJECTIVE_CODE)
    low, high = hours_range(total, len(choices))
    for at, choice in enumerate(choices):
        if not low <= choice.hours <= high:
            msg = f"objectives[{at}].hours: got {choice.hours}, expected {low} to {high}"
            _refuse(msg, f"objectives[{at}].hours", choice.hours, f"{low} to {high}", HOURS_CODE)
    given = sum(c.hours for c in choices)
    if choices and given != total:
        msg = f"objectives.hours: the hours add up to {given}, expected {total} (the decided hours)"
        _refuse(msg, "objectives.hours", given, str(total), HOURS_CODE)
    held = {o.id: o for o in plan.objectives}
    applied = [r.first_component for r in rules.rules if r.applies_to(plan.responsivity)]
    first = [c for c in applied if c]

    def placed(choice: Choice) -> PlanObjective:
        if choice.id in held:
            return attrs.evolve(held[choice.id], hours=choice.hours)
        objective, domain = allowed[choice.id]
        return plan_objective(
            objective,
            domain,
            hours=choice.hours,
            score=score,
            strengths=plan.strengths,
            first=first,
            offences=plan.offences,
        )

    return attrs.evolve(
        plan,
        version=plan.version + 1,
        kind="review",
        dated=on,
        objectives=tuple(placed(c) for c in choices),
        approved_on=None,  # a new version is a draft until the court approves it
        approved_reference=None,
    )


def refit(
    plan: PlanDraft,
    choices: Sequence[Choice],
    *,
    score: ScoreResult,
    catalogue: Catalogue,
) -> list[Choice]:
    """``choices`` made to fit ``plan`` again, after a correction changed the draft under an edit.

    A correction of an assessment drafts the plan again: its needs, its
    required objectives and its treatment hours may change, and an edit made
    on the earlier draft may no longer fit it. The edit is kept as far as it
    can be: the objectives still called for, in the edited order (each once),
    the required ones the edit lacks put first, no more than the cap (the
    last ones left out, never a required one), the plan's own objectives
    when none is left; the hours as edited when they still add up within
    range, else the treatment hours shared again by the catalogue's sessions.
    Choices that fit are given back unchanged.
    """
    allowed = {o.id: o for o, _ in candidates(plan, score, catalogue)}
    needed = required(plan, catalogue)
    kept: list[Choice] = []
    for choice in choices:
        if choice.id in allowed and choice.id not in {c.id for c in kept}:
            kept.append(choice)
    missing = [Choice(i, 0) for i in needed if i not in {c.id for c in kept}]
    fitted = [*missing, *kept]
    most = max(plan.cap, len(needed))
    while len(fitted) > most:
        last = next(at for at in reversed(range(len(fitted))) if fitted[at].id not in needed)
        del fitted[last]
    if not fitted and plan.treatment_hours > 0:
        fitted = [Choice(o.id, o.hours) for o in plan.objectives]
    low, high = hours_range(plan.treatment_hours, len(fitted))
    fits = all(low <= c.hours <= high for c in fitted) and (
        not fitted or sum(c.hours for c in fitted) == plan.treatment_hours
    )
    if fits:
        return fitted
    weights = [max(1, allowed[c.id].sessions) if c.id in allowed else 1 for c in fitted]
    hours = at_least_one(share_hours(plan.treatment_hours, weights)) if fitted else []
    return [Choice(c.id, h) for c, h in zip(fitted, hours, strict=True)]
