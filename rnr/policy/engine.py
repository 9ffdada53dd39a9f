"""Decide: from a score and the legal context to intensity, legal fit and deadlines.

The engine resolves the policy's typed inputs from *facts* (the score, the
legal section, the override), runs every table, and assembles a frozen
:class:`~rnr.policy.decision.Decision` whose trace names every rule that
fired with its source. It never changes what the court imposed: a risk that
calls for more or less than the sanction allows is reported as a mismatch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

import attrs

from rnr.cases.legal import LegalContext
from rnr.cases.overrides import Override
from rnr.definitions.policy import Policy
from rnr.definitions.ref import Ref
from rnr.definitions.tables import InputSpec, Rule
from rnr.errors import DecisionInputError
from rnr.policy.deadlines import (
    attainment_threshold,
    deadlines_of,
    fired,
    note,
    run_table,
)
from rnr.policy.decision import (
    Decision,
    DecisionWarning,
    Fired,
    Intensity,
    Nearest,
)
from rnr.scoring.result import ScoreResult
from rnr.text import Message, Text

__all__ = [
    "MONTH_DAYS_LONG",
    "MONTH_DAYS_SHORT",
    "decide",
    "decide_facts",
    "facts",
    "legal_range_days",
    "months_to_days",
    "resolve_inputs",
]


def facts(result: ScoreResult, *, risk_level: str | None = None) -> dict[str, Any]:
    """The score-derived facts a policy input may read, by name.

    ``risk_level`` replaces the computed level (an override, or a what-if).
    """
    computed = result.risk_level
    out: dict[str, Any] = {
        "risk_level": risk_level if risk_level is not None else computed,
        "computed_risk_level": computed,
        "criminogenic_needs": frozenset(result.criminogenic_needs),
        "high_needs": sum(
            1 for d in result.domains.values() if d.factor == "dynamic" and d.need == "high"
        ),
        "assessed_on": result.assessed_on,
    }
    for domain in result.domains.values():
        out[f"need.{domain.id}"] = domain.need
    for scale in result.scales.values():
        out[f"flag.{scale.id}"] = scale.flag
        out[f"level.{scale.id}"] = scale.level
    return out


def resolve_inputs(
    policy: Policy,
    known: Mapping[str, Any],
    *,
    case_id: str | None = None,
    inputs: Mapping[str, InputSpec] | None = None,
) -> dict[str, Any]:
    """The value of every input a decision reads, checked against its type.

    Args:
        policy: the policy.
        known: fact name → value.
        case_id: named in error messages.
        inputs: the inputs to resolve (default: ``policy.decision_inputs``, so
            the ``change.*`` and ``event.*`` facts are never asked of a decision).

    Raises:
        DecisionInputError: a fact is missing or has a value the input does not accept.
    """
    values: dict[str, Any] = {}
    for name, spec in (policy.decision_inputs if inputs is None else inputs).items():
        value = known.get(spec.source)
        if value is None:
            value = spec.absent  # an optional legal field left out (None: required)
        if value is None:
            msg = (
                f"{spec.source}: missing, expected {spec.expected()} (input {name} of {policy.ref})"
            )
            # a legal field the policy reads and the case leaves out
            code = "decision.legal.missing" if spec.source.startswith("legal.") else None
            raise DecisionInputError(
                msg, field=spec.source, expected=spec.expected(), case_id=case_id, code=code
            )
        if not spec.accepts(value):
            shown = sorted(value) if isinstance(value, frozenset) else value
            msg = (
                f"{spec.source}: got {shown!r}, expected {spec.expected()}"
                f" (input {name} of {policy.ref})"
            )
            raise DecisionInputError(
                msg, field=spec.source, value=value, expected=spec.expected(), case_id=case_id
            )
        values[name] = value
    return values


def decide(
    result: ScoreResult,
    legal: LegalContext,
    policy: Policy,
    *,
    override: Override | None = None,
    case_id: str | None = None,
    nearest: bool = True,
) -> Decision:
    """Decide one case under ``policy``.

    Args:
        result: the score (its primary scale's level is the risk level).
        legal: the legal context (the case file's ``legal`` section).
        policy: the policy version to apply.
        override: a professional override of the risk level, if any.
        case_id: carried into the decision and error messages.
        nearest: work out what the nearest change of score would change
            (``Decision.nearest``); a replayed history skips it for all but
            the current decision.

    Raises:
        DecisionInputError: the regime, instrument, override or a legal field
            does not fit the policy (codes ``policy.not_applicable``,
            ``decision.override.invalid``, ``decision.legal.missing``,
            ``decision.input.invalid``).
    """
    case_id = case_id if case_id is not None else result.case_id
    if policy.instruments and result.instrument.id not in policy.instruments:
        expected = ", ".join(policy.instruments)
        msg = (
            f"instrument {result.instrument.id!r} is not one policy {policy.ref} reads;"
            f" expected {expected}"
        )
        raise DecisionInputError(
            msg,
            field="instrument",
            value=result.instrument.id,
            expected=expected,
            case_id=case_id,
            code="policy.not_applicable",
        )
    computed = result.risk_level
    effective = computed
    if override is not None:
        if override.expires_on is not None and result.assessed_on >= override.expires_on:
            msg = (
                f"override.expires_on: got {override.expires_on}, expected a date after the"
                f" assessment of {result.assessed_on} (an expired override no longer applies)"
            )
            raise DecisionInputError(
                msg,
                field="override.expires_on",
                value=override.expires_on,
                case_id=case_id,
                code="decision.override.invalid",
            )
        effective = _check_override(policy, override, computed, case_id)
    known = facts(result, risk_level=effective)
    decision = decide_facts(policy, known, legal, assessed_on=result.assessed_on, case_id=case_id)
    values = decision.inputs
    changes = (
        _nearest(policy, result=result, legal=legal, values=values, decision=decision)
        if override is None and nearest
        else ()
    )
    return attrs.evolve(
        decision,
        instrument=result.instrument,
        computed_risk_level=computed or "",
        override=override,
        override_changed=override is not None and effective != computed,
        nearest=changes,
    )


def decide_facts(
    policy: Policy,
    known: Mapping[str, Any],
    legal: LegalContext,
    *,
    assessed_on: dt.date,
    case_id: str | None = None,
) -> Decision:
    """Decide from facts given directly (worked cases, what-if on a cohort).

    ``known`` maps fact names (``risk_level``, ``high_needs``, ...) to values;
    the ``legal.*`` facts are taken from ``legal``.
    """
    if legal.regime != policy.regime:
        msg = (
            f"legal.regime: got {legal.regime!r}, expected {policy.regime!r} (policy {policy.ref})"
        )
        raise DecisionInputError(
            msg,
            field="legal.regime",
            value=legal.regime,
            expected=policy.regime,
            case_id=case_id,
            code="policy.not_applicable",
        )
    merged = dict(known)
    merged.setdefault("computed_risk_level", merged.get("risk_level"))
    merged.setdefault("assessed_on", assessed_on)
    for key in legal.to_dict():
        merged[f"legal.{key}"] = getattr(legal, key)
    values = resolve_inputs(policy, merged, case_id=case_id)
    computed = str(merged.get("computed_risk_level") or "")
    return _assemble(policy, values, legal, assessed_on, case_id, computed_risk_level=computed)


def _check_override(
    policy: Policy, override: Override, computed: str | None, case_id: str | None
) -> str:
    levels = policy.inputs["risk_level"].values if "risk_level" in policy.inputs else ()
    if override.to_level not in levels:
        expected = ", ".join(levels)
        msg = f"override.to_level: got {override.to_level!r}, expected one of {expected}"
        raise DecisionInputError(
            msg,
            field="override.to_level",
            value=override.to_level,
            expected=expected,
            case_id=case_id,
            code="decision.override.invalid",
        )
    if computed in levels:
        moved = levels.index(override.to_level) - levels.index(computed)
        if (moved > 0) != (override.direction == "up") or moved == 0:
            msg = (
                f"override.direction: got {override.direction!r} from {computed} to "
                f"{override.to_level}, expected "
                + ("up" if moved > 0 else "down" if moved < 0 else "a different level")
            )
            raise DecisionInputError(
                msg,
                field="override.direction",
                value=override.direction,
                expected="a consistent direction",
                case_id=case_id,
                code="decision.override.invalid",
            )
    return override.to_level


def _assemble(
    policy: Policy,
    values: Mapping[str, Any],
    legal: LegalContext,
    assessed_on: dt.date,
    case_id: str | None,
    *,
    computed_risk_level: str,
) -> Decision:
    trace: list[Fired] = []
    eligible: list[str] = []
    ineligible: dict[str, Text] = {}
    for sanction in policy.sanctions:
        table = policy.eligibility_table(sanction)
        out, rules = run_table(table, values)
        trace += fired(table, rules)
        if out.get("eligible"):
            eligible.append(sanction)
        else:
            ineligible[sanction] = note(rules[0] if rules else None)
    values = _with_derived(policy, values, legal, eligible)

    out, rules = run_table(policy.tables["intensity"], values)
    trace += fired(policy.tables["intensity"], rules)
    components = tuple(out["components"])
    if "components" in policy.tables:
        extra, extra_rules = run_table(policy.tables["components"], values)
        trace += fired(policy.tables["components"], extra_rules)
        components = tuple(dict.fromkeys(components + tuple(extra.get("components", ()))))
    intensity = Intensity(
        out["contacts_per_month"], out["treatment_hours"], components, str(out.get("label", ""))
    )
    mon, mon_rules = run_table(policy.tables["monitoring"], values)
    trace += fired(policy.tables["monitoring"], mon_rules)
    period, period_rules = run_table(policy.tables["period"], values)
    trace += fired(policy.tables["period"], period_rules)
    period_days = None
    if period.get("equals_sentence") and legal.sentence_days:
        period_days = (legal.sentence_days, legal.sentence_days)
    period_months = None
    if period.get("max_months"):
        period_months = (int(period["min_months"]), int(period["max_months"]))
    out_of_range = _period_out_of_range(legal, period_days, period_months, period_rules)
    fit, fit_rules = run_table(policy.tables["fit"], values)
    trace += fired(policy.tables["fit"], fit_rules)

    deadlines = deadlines_of(
        policy, values=values, legal=legal, assessed_on=assessed_on, trace=trace, case_id=case_id
    )
    warnings = []
    if "warnings" in policy.tables:
        table = policy.tables["warnings"]
        for rule in table.matching({k: values[k] for k in table.inputs}):
            trace += fired(table, [rule])
            warnings.append(DecisionWarning(str(rule.then["warning"]), note(rule), rule.source))
    if out_of_range is not None:
        warnings.append(out_of_range)
    if legal.sanction and legal.sanction in policy.sanctions and legal.sanction not in eligible:
        params = {"sanction": legal.sanction, "reason": ineligible[legal.sanction]}
        warnings.append(
            DecisionWarning(
                "sanction_not_eligible",
                Message("policy.warning.sanction_not_eligible", params),
                policy.ref,
            )
        )
    return Decision(
        policy=Ref(policy.id, policy.version, policy.sha256),
        case_id=case_id,
        regime=policy.regime,
        sanction=legal.sanction,
        sanction_status=legal.sanction_status,
        eligible_sanctions=tuple(eligible),
        ineligible=ineligible,
        risk_level=str(values.get("risk_level", "")),
        computed_risk_level=computed_risk_level,
        intensity=intensity,
        telematic_monitoring=bool(mon.get("telematic_monitoring")),
        monitoring_reason=note(mon_rules[0] if mon_rules else None),
        period_days=period_days,
        period_months=period_months,
        deadlines=deadlines,
        attainment_threshold=attainment_threshold(policy, legal.sanction),
        fit=str(fit.get("fit", "not_applicable")),
        fit_message=note(fit_rules[0] if fit_rules else None),
        warnings=tuple(warnings),
        inputs=values,
        trace=tuple(trace),
    )


#: The shortest reading of a month, in days: a legal minimum of N months is N * 30 days.
MONTH_DAYS_SHORT = 30
#: The longest reading of a month, in days (a year of 365 days): a legal maximum of N
#: months is N * 365 / 12 days, rounded half up (18 months: 548 days; 3 years: 1095).
MONTH_DAYS_LONG = Fraction(365, 12)


def months_to_days(months: int) -> int:
    """A duration of whole months in days, as the policies read the law's years.

    A month is 365/12 days and the total is rounded half up, so whole years
    count 365 days each, as in the policies' thresholds (3 years = 1095
    days). Whatever turns a duration in months into ``legal.sentence_days``
    (a case form, the simulation) uses this, so that a duration of exactly
    the legal maximum is never flagged by :func:`legal_range_days`.

    >>> [months_to_days(m) for m in (5, 6, 18, 19, 36, 37, 60, 120)]
    [152, 183, 548, 578, 1095, 1125, 1825, 3650]

    Raises:
        ValueError: ``months`` is negative.
    """
    if months < 0:
        msg = f"months must be 0 or more (got {months})"
        raise ValueError(msg)
    return int(months * MONTH_DAYS_LONG + Fraction(1, 2))


def legal_range_days(min_months: int, max_months: int) -> tuple[int, int]:
    """The legal range of a sanction's duration in days, read leniently.

    A duration is outside the law's range only when it is outside under both
    usual readings of a month: shorter than ``min_months`` * 30 days, or
    longer than :func:`months_to_days` of ``max_months`` (365/12 days a
    month, rounded half up, so whole years count 365 days each).
    ``min_months`` 0 means no minimum. Every whole number of months from
    ``min_months`` to ``max_months``, turned into days by
    :func:`months_to_days`, lies within the range (tested).

    >>> legal_range_days(6, 18)
    (180, 548)
    >>> legal_range_days(6, 36), legal_range_days(0, 120)
    ((180, 1095), (0, 3650))
    """
    return min_months * MONTH_DAYS_SHORT, months_to_days(max_months)


def _period_out_of_range(
    legal: LegalContext,
    period_days: tuple[int, int] | None,
    period_months: tuple[int, int] | None,
    rules: list[Rule],
) -> DecisionWarning | None:
    """A warning when the sanction's duration (the sentence) lies outside its legal range.

    The court fixes the duration; rnr never changes it, but flags a duration
    the law does not allow (or a wrong entry) with the period rule's source.
    """
    if period_days is None or period_months is None:
        return None
    lo, hi = legal_range_days(*period_months)
    days = period_days[0]
    if lo <= days <= hi:
        return None
    params = {
        "sanction": legal.sanction or "",
        "days": days,
        "min_months": period_months[0],
        "max_months": period_months[1],
        "min_days": lo,
        "max_days": hi,
    }
    code = "period_out_of_range" if period_months[0] else "period_over_maximum"
    source = rules[0].source if rules else ""
    return DecisionWarning("period_out_of_range", Message(f"policy.warning.{code}", params), source)


def _with_derived(
    policy: Policy, values: Mapping[str, Any], legal: LegalContext, eligible: list[str]
) -> dict[str, Any]:
    """``values`` with the decision.* facts: whether the eligibility tables allow the sanction."""
    return {**values, **dict.fromkeys(policy.derived_inputs, legal.sanction in eligible)}


#: A value no input has (an input missing from a decision differs from any value).
_UNSET = object()


def _compared_of(decision: Decision) -> dict[str, Any]:
    """The outputs of a decision that :func:`_nearest` compares, by name."""
    return {
        "contacts_per_month": decision.intensity.contacts_per_month,
        "treatment_hours": decision.intensity.treatment_hours,
        "telematic_monitoring": decision.telematic_monitoring,
        "fit": decision.fit,
    }


def _compared(
    policy: Policy,
    values: Mapping[str, Any],
    legal: LegalContext,
    *,
    known: Decision | None = None,
) -> dict[str, Any]:
    """What :func:`_compared_of` would read of the decision :func:`_assemble` makes of ``values``.

    Only the tables those outputs come from run (eligibility, intensity,
    monitoring, fit), with no trace: the nearest change of score is asked for
    every decision, and a whole decision for each neighbouring level would
    cost twice the decision itself. ``known`` is a decision of the same case
    (its ``inputs`` are the values it was made from): a table that reads no
    input whose value differs from it is not run again, its answer is read
    from ``known``. A property test holds the result equal to the whole
    decision, with and without ``known``.
    """
    before = known.inputs if known is not None else {}
    changed = {k for k, v in values.items() if before.get(k, _UNSET) != v}
    eligible = []
    for sanction in policy.sanctions:
        table = policy.eligibility_table(sanction)
        if known is not None and changed.isdisjoint(table.inputs):
            allowed = sanction in known.eligible_sanctions
        else:
            allowed = bool(run_table(table, values)[0].get("eligible"))
        if allowed:
            eligible.append(sanction)
    values = _with_derived(policy, values, legal, eligible)
    changed.update(k for k in policy.derived_inputs if before.get(k, _UNSET) != values[k])
    out: dict[str, Any] = {}
    if known is not None and changed.isdisjoint(policy.tables["intensity"].inputs):
        out["contacts_per_month"] = known.intensity.contacts_per_month
        out["treatment_hours"] = known.intensity.treatment_hours
    else:
        intensity = run_table(policy.tables["intensity"], values)[0]
        out["contacts_per_month"] = intensity["contacts_per_month"]
        out["treatment_hours"] = intensity["treatment_hours"]
    if known is not None and changed.isdisjoint(policy.tables["monitoring"].inputs):
        out["telematic_monitoring"] = known.telematic_monitoring
    else:
        monitoring = run_table(policy.tables["monitoring"], values)[0]
        out["telematic_monitoring"] = bool(monitoring.get("telematic_monitoring"))
    if known is not None and changed.isdisjoint(policy.tables["fit"].inputs):
        out["fit"] = known.fit
    else:
        out["fit"] = str(run_table(policy.tables["fit"], values)[0].get("fit", "not_applicable"))
    return out


def _nearest(
    policy: Policy,
    *,
    result: ScoreResult,
    legal: LegalContext,
    values: Mapping[str, Any],
    decision: Decision,
) -> tuple[Nearest, ...]:
    """What the nearest change of score, up and down, would change in the decision."""
    scale = result.scales[result.primary_scale]
    here = _compared_of(decision)
    out = []
    for direction, step in (("up", scale.up), ("down", scale.down)):
        if step is None or step.level is None or step.level == scale.level:
            continue
        if step.level not in policy.inputs["risk_level"].values:
            continue
        other = _compared(policy, {**values, "risk_level": step.level}, legal, known=decision)
        changes = {field: (now, other[field]) for field, now in here.items() if now != other[field]}
        message = Message(f"policy.nearest_{direction}", {"n": step.points, "level": step.level})
        out.append(Nearest(direction, step.points, step.level, changes, message))
    return tuple(out)
