"""The readable decision report of ``rnr decide``: for the delegado and the court.

It says what the court imposed and whether the law allows it, which other
sanctions are available and why each other one is not, the risk level (and
any professional override), the intensity, monitoring, period and deadlines
with their legal source, how the sentence fits the risk, the warnings, the
nearest score change that would change the decision, and every rule that
fired with its source.
"""

from __future__ import annotations

import textwrap
from typing import Any

from rnr.cases.legal import LegalContext
from rnr.definitions.labels import Labels
from rnr.definitions.policy import Policy
from rnr.policy.decision import Deadline, Decision, Nearest
from rnr.render.policy_words import pwords
from rnr.scoring.result import ScoreResult

__all__ = ["decision_report", "fit_words", "level_name", "sanction_name"]

WIDTH = 100


def _wrap(text: str, indent: str = "    ", first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_on_hyphens=False,
    ) or [(indent if first is None else first).rstrip()]


def level_name(level: str | None, labels: Labels) -> str:
    """A risk level's label (its id when the instrument has none)."""
    return labels.level(level) if level else "—"


def sanction_name(policy: Policy, sanction: str) -> str:
    """``LV (Libertad Vigilada, Ley 18.216 art. 15)``: the code and its table's description."""
    table = policy.tables.get(f"eligibility_{sanction.lower()}")
    return f"{sanction} ({table.description})" if table and table.description else sanction


def fit_words(fit: str, lang: str) -> str:
    """The fit code in words (the code itself when unknown)."""
    return pwords(lang).get(f"fit_{fit}", fit)


def _header(
    decision: Decision, result: ScoreResult, policy: Policy, labels: Labels, lang: str
) -> list[str]:
    w = pwords(lang)
    scale = result.scales[result.primary_scale]
    lines = [
        w["title"].format(
            case_id=decision.case_id or w["none"], ref=policy.ref, status=policy.status
        ),
        f"  {policy.title.get(lang) or policy.title.get('es', '')}",
        "  "
        + w["assessment"].format(
            ref=result.instrument,
            on=result.assessed_on.isoformat(),
            scale=labels.scale(scale.id),
            raw=scale.raw,
            level=level_name(scale.level, labels),
        ),
    ]
    bounds = scale.bounds
    if result.provisional and bounds is not None:
        key = "provisional" if bounds.min_level != bounds.max_level else "provisional_same"
        text = w[key].format(
            n=len(result.omitted),
            items=", ".join(result.omitted),
            lo=level_name(bounds.min_level, labels),
            hi=level_name(bounds.max_level, labels),
        )
        lines += _wrap(text, "    ", "  ")
    return lines


def _sanction(decision: Decision, legal: LegalContext, policy: Policy, lang: str) -> list[str]:
    w = pwords(lang)
    if decision.sanction is None:
        lines = [w["sanction_none"]]
    else:
        parts = [sanction_name(policy, decision.sanction)]
        if legal.sentence_days:
            parts.append(w["sentence"].format(days=legal.sentence_days))
        if legal.sentence_date:
            parts.append(w["sentence_date"].format(d=legal.sentence_date.isoformat()))
        if legal.entry_date:
            parts.append(w["entry_date"].format(d=legal.entry_date.isoformat()))
        status = w["imposed"] if decision.sanction_status == "imposed" else w["considered"]
        lines = _wrap(w["sanction"].format(status=status, sanction=" · ".join(parts)), "    ", "")
        if decision.sanction in policy.sanctions:
            allowed = decision.sanction in decision.eligible_sanctions
            lines += _wrap(w["allowed" if allowed else "not_allowed"], "    ", "  ")
    eligible = ", ".join(decision.eligible_sanctions) or w["none"]
    lines.append(f"{w['eligible']}: {eligible}")
    if decision.ineligible:
        lines.append(f"{w['ineligible']}:")
        for sanction, reason in decision.ineligible.items():
            text = reason(lang) or w["no_reason"]
            lines += _wrap(f"{sanction}: {text}", "      ", "  ")
    return lines


def _risk(decision: Decision, labels: Labels, lang: str) -> list[str]:
    w = pwords(lang)
    level = level_name(decision.risk_level, labels)
    override = decision.override
    if override is None:
        return [f"{w['risk']}: " + w["risk_computed"].format(level=level)]
    computed = level_name(decision.computed_risk_level, labels)
    if decision.override_changed:
        text = w["risk_override"].format(
            level=level, direction=w[override.direction], computed=computed
        )
    else:
        text = w["risk_override_same"].format(level=level)
    until = w["override_until"].format(d=override.expires_on) if override.expires_on else ""
    detail = w["override_detail"].format(
        reason=override.reason,
        text=f" ({override.text})" if override.text else "",
        by=override.approved_by,
        on=override.approved_on.isoformat(),
        until=until,
    )
    return [f"{w['risk']}: {text}", *_wrap(detail)]


def _intensity(decision: Decision, lang: str) -> list[str]:
    w = pwords(lang)
    intensity = decision.intensity
    head = w["intensity"] + (f" ({intensity.label})" if intensity.label else "")
    line = w["intensity_line"].format(
        contacts=intensity.contacts_per_month, hours=intensity.treatment_hours
    )
    lines = [f"{head}: {line}"]
    if intensity.components:
        lines.append(f"  {w['components']}:")
        for component in intensity.components:
            lines += _wrap(component, "      ", "    - ")
    monitoring = w["yes"] if decision.telematic_monitoring else w["no"]
    reason = decision.monitoring_reason(lang)
    lines += _wrap(
        f"{w['monitoring']}: {monitoring}" + (f". {reason}" if reason else ""), "    ", ""
    )
    if decision.period_days is None:
        period = w["period_none"]
    elif decision.period_days[0] == decision.period_days[1]:
        period = w["period_sentence"].format(days=decision.period_days[0])
    else:
        lo, hi = decision.period_days
        period = w["period_range"].format(lo=lo, hi=hi)
    lines.append(f"{w['period']}: {period}")
    return lines


def _deadline(deadline: Deadline, decision: Decision, legal: LegalContext, lang: str) -> str:
    w = pwords(lang)
    name = w.get(f"d_{deadline.name}", deadline.name)
    start = w.get(f"f_{deadline.counted_from}", deadline.counted_from)
    date = deadline.date.isoformat()
    if deadline.name == "next_reassessment":
        return w["reassessment_line"].format(name=name, date=date, start=start)
    from_date = {
        "entry_date": legal.entry_date,
        "sentence_date": legal.sentence_date,
    }.get(deadline.counted_from)
    shown_from = from_date.isoformat() if from_date else w["none"]
    fired = next((f for f in decision.trace if f.rule == deadline.rule), None)
    base: Any = fired.outputs.get("days") if fired else None
    if isinstance(base, int) and base != deadline.days:
        return w["deadline_suspended"].format(
            name=name, date=date, base=base, extra=deadline.days - base, start=start,
            from_date=shown_from,
        )  # fmt: skip
    return w["deadline_line"].format(
        name=name, date=date, days=deadline.days, start=start, from_date=shown_from
    )


def _nearest(step: Nearest, labels: Labels, lang: str) -> str:
    w = pwords(lang)
    key = "nearest_up" if step.direction == "up" else "nearest_down"
    text = w[key].format(n=step.points, level=level_name(step.level, labels))
    parts = []
    for field, (was, now) in step.changes.items():
        if field == "telematic_monitoring":
            parts.append(w[f"ch_telematic_monitoring_{'true' if now else 'false'}"])
        elif field == "fit":
            parts.append(w["ch_fit"].format(v=fit_words(str(now), lang)))
        elif f"ch_{field}" in w:
            parts.append(w[f"ch_{field}"].format(v=now, was=was))
        else:
            parts.append(f"{field} {now}")
    if not parts:
        return text + w["nearest_same"]
    if len(parts) == 1:
        return f"{text} {w['and']} {parts[0]}"
    return f"{text} {w['and']} " + ", ".join(parts[:-1]) + f" {w['and']} {parts[-1]}"


def decision_report(
    decision: Decision,
    *,
    result: ScoreResult,
    legal: LegalContext,
    policy: Policy,
    labels: Labels,
    lang: str,
) -> list[str]:
    """The readable report of one decision, as lines."""
    w = pwords(lang)
    lines = _header(decision, result, policy, labels, lang)
    lines += ["", *_sanction(decision, legal, policy, lang)]
    lines += ["", *_risk(decision, labels, lang), *_intensity(decision, lang)]
    if decision.deadlines:
        lines.append(f"{w['deadlines']}:")
        for deadline in decision.deadlines.values():
            lines += _wrap(_deadline(deadline, decision, legal, lang), "      ", "  ")
            lines += _wrap(f"{w['source']}: {deadline.source}", "      ", "    ")
    if decision.attainment_threshold is not None:
        lines.append(w["attainment"].format(n=decision.attainment_threshold))
    lines += ["", f"{w['fit']}: {fit_words(decision.fit, lang)}"]
    if decision.fit_message(lang):
        lines += _wrap(decision.fit_message(lang), "  ", "  ")
    lines.append(f"{w['warnings']}:" + ("" if decision.warnings else f" {w['none']}"))
    for warning in decision.warnings:
        lines += _wrap(f"[{warning.code}] {warning.message(lang)}", "      ", "  - ")
        if warning.source:
            lines += _wrap(f"{w['source']}: {warning.source}", "      ", "    ")
    lines.append(f"{w['nearest']}:")
    if decision.override is not None:
        lines.append(f"  {w['nearest_override']}")
    for step in decision.nearest:
        lines += _wrap(_nearest(step, labels, lang), "    ", "  ")
    if decision.override is None and not decision.nearest:
        lines.append(f"  {w['none']}")
    lines += ["", f"{w['rules']}:"]
    for fired in decision.trace:
        lines += _wrap(f"{fired.table} · {fired.rule}: {fired.condition}", "      ", "  ")
        lines += _wrap(f"{w['source']}: {fired.source}", "      ", "    ")
    lines += ["", *_wrap(w["policy_note"].format(ref=policy.ref), "", "")]
    return lines
