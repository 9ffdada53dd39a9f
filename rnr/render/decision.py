"""The readable decision report of ``rnr decide``: for the delegado and the court.

It says what the court imposed and whether the law allows it, which other
sanctions are available and why each other one is not, the risk level (and
any professional override), the intensity, monitoring, period and deadlines
with their legal source, how the sentence fits the risk, the warnings, the
nearest score change that would change the decision, and every rule that
fired with its source. The words are the ``policy`` area of the message
catalogue (:mod:`rnr.render.messages`).
"""

from __future__ import annotations

import textwrap
from typing import Any

from rnr.cases.legal import LegalContext
from rnr.definitions.labels import Labels
from rnr.definitions.policy import Policy
from rnr.policy.decision import Deadline, Decision, Nearest
from rnr.render.messages import Catalogue, catalogue
from rnr.scoring.result import ScoreResult

__all__ = ["decision_report", "fit_words", "legal_range", "level_name", "sanction_name"]

WIDTH = 100


def _wrap(text: str, indent: str = "    ", first: str | None = None) -> list[str]:
    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_on_hyphens=False,
    ) or [(indent if first is None else first).rstrip()]


def _named(w: Catalogue, key: str, default: str) -> str:
    """The catalogue's name for ``key`` (``default``, an identifier, when it has none)."""
    return w(key) if key in w else default


def level_name(level: str | None, labels: Labels) -> str:
    """A risk level's label (its id when the instrument has none)."""
    return labels.level(level) if level else "—"


def sanction_name(policy: Policy, sanction: str) -> str:
    """``LV (Libertad Vigilada, Ley 18.216 art. 15)``: the code and its table's description."""
    table = policy.tables.get(f"eligibility_{sanction.lower()}")
    return f"{sanction} ({table.description})" if table and table.description else sanction


def fit_words(fit: str, lang: str, *, regime: str = "adult") -> str:
    """The fit code in words (the code itself when unknown).

    Young people receive *sanciones* (Ley 20.084), adults *penas sustitutivas*
    (Ley 18.216): ``regime`` chooses the words.
    """
    w = catalogue(lang)
    if regime == "juvenile" and f"policy.fit_juvenile_{fit}" in w:
        return w(f"policy.fit_juvenile_{fit}")
    return _named(w, f"policy.fit_{fit}", fit)


def legal_range(decision: Decision, lang: str) -> str | None:
    """``duración legal: de 6 a 18 meses`` (the period table's range), or ``None`` without one."""
    if decision.period_months is None:
        return None
    lo, hi = decision.period_months
    w = catalogue(lang)
    return w("policy.legal_range", lo=lo, hi=hi) if lo else w("policy.legal_range_max", hi=hi)


def _header(
    decision: Decision, result: ScoreResult, policy: Policy, labels: Labels, w: Catalogue
) -> list[str]:
    scale = result.scales[result.primary_scale]
    lines = [
        w(
            "policy.title",
            case_id=decision.case_id or w("policy.none"),
            ref=policy.ref,
            status=policy.status,
        ),
        f"  {policy.title.get(w.lang) or policy.title.get('es', '')}",
        "  "
        + w(
            "policy.assessment",
            ref=result.instrument,
            on=result.assessed_on.isoformat(),
            scale=labels.scale(scale.id),
            raw=scale.raw,
            level=level_name(scale.level, labels),
        ),
    ]
    bounds = scale.bounds
    if result.provisional and bounds is not None:
        same = bounds.min_level == bounds.max_level
        text = w(
            "policy.provisional_same" if same else "policy.provisional",
            n=len(result.omitted),
            items=", ".join(result.omitted),
            lo=level_name(bounds.min_level, labels),
            hi=level_name(bounds.max_level, labels),
        )
        lines += _wrap(text, "    ", "  ")
    return lines


def _sanction(decision: Decision, legal: LegalContext, policy: Policy, w: Catalogue) -> list[str]:
    if decision.sanction is None:
        lines = [w("policy.sanction_none")]
    else:
        parts = [sanction_name(policy, decision.sanction)]
        juvenile = decision.regime == "juvenile"
        if legal.sentence_days:
            key = "policy.sentence_juvenile" if juvenile else "policy.sentence"
            parts.append(w(key, days=legal.sentence_days))
        shown_range = legal_range(decision, w.lang)
        if shown_range:
            parts.append(shown_range)
        if legal.sentence_date:
            parts.append(w("policy.sentence_date", d=legal.sentence_date.isoformat()))
        if legal.entry_date:
            parts.append(w("policy.entry_date", d=legal.entry_date.isoformat()))
        imposed = decision.sanction_status == "imposed"
        status = w("policy.imposed" if imposed else "policy.considered")
        lines = _wrap(w("policy.sanction", status=status, sanction=" · ".join(parts)), "    ", "")
        if decision.sanction in policy.sanctions:
            allowed = decision.sanction in decision.eligible_sanctions
            lines += _wrap(w("policy.allowed" if allowed else "policy.not_allowed"), "    ", "  ")
    eligible = ", ".join(decision.eligible_sanctions) or w("policy.none")
    lines.append(f"{w('policy.eligible')}: {eligible}")
    if decision.ineligible:
        lines.append(f"{w('policy.ineligible')}:")
        for sanction, reason in decision.ineligible.items():
            text = w.say(reason) or w("policy.no_reason")
            lines += _wrap(f"{sanction}: {text}", "      ", "  ")
    return lines


def _risk(decision: Decision, labels: Labels, w: Catalogue) -> list[str]:
    level = level_name(decision.risk_level, labels)
    override = decision.override
    if override is None:
        return [f"{w('policy.risk')}: " + w("policy.risk_computed", level=level)]
    computed = level_name(decision.computed_risk_level, labels)
    if decision.override_changed:
        text = w(
            "policy.risk_override",
            level=level,
            direction=w(f"policy.{override.direction}"),
            computed=computed,
        )
    else:
        text = w("policy.risk_override_same", level=level)
    until = w("policy.override_until", d=override.expires_on) if override.expires_on else ""
    detail = w(
        "policy.override_detail",
        reason=override.reason,
        text=f" ({override.text})" if override.text else "",
        by=override.approved_by,
        on=override.approved_on.isoformat(),
        until=until,
    )
    return [f"{w('policy.risk')}: {text}", *_wrap(detail)]


def _intensity(decision: Decision, w: Catalogue) -> list[str]:
    intensity = decision.intensity
    head = w("policy.intensity") + (f" ({intensity.label})" if intensity.label else "")
    line = w(
        "policy.intensity_line",
        contacts=intensity.contacts_per_month,
        hours=intensity.treatment_hours,
    )
    lines = [f"{head}: {line}"]
    if intensity.components:
        lines.append(f"  {w('policy.components')}:")
        for component in intensity.components:
            lines += _wrap(component, "      ", "    - ")
    monitoring = w("policy.yes" if decision.telematic_monitoring else "policy.no")
    reason = w.say(decision.monitoring_reason)
    lines += _wrap(
        f"{w('policy.monitoring')}: {monitoring}" + (f". {reason}" if reason else ""), "    ", ""
    )
    if decision.period_days is None:
        period = w("policy.period_none")
    elif decision.period_days[0] == decision.period_days[1]:
        key = (
            "policy.period_sanction" if decision.regime == "juvenile" else "policy.period_sentence"
        )
        period = w(key, days=decision.period_days[0])
    else:
        lo, hi = decision.period_days
        period = w("policy.period_range", lo=lo, hi=hi)
    lines.append(f"{w('policy.period')}: {period}")
    return lines


def _deadline(deadline: Deadline, decision: Decision, legal: LegalContext, w: Catalogue) -> str:
    name = _named(w, f"policy.d_{deadline.name}", deadline.name)
    start = _named(w, f"policy.f_{deadline.counted_from}", deadline.counted_from)
    date = deadline.date.isoformat()
    if deadline.name == "next_reassessment":
        return w("policy.reassessment_line", name=name, date=date, start=start)
    from_date = {
        "entry_date": legal.entry_date,
        "sentence_date": legal.sentence_date,
    }.get(deadline.counted_from)
    shown_from = from_date.isoformat() if from_date else w("policy.none")
    fired = next((f for f in decision.trace if f.rule == deadline.rule), None)
    base: Any = fired.outputs.get("days") if fired else None
    if isinstance(base, int) and base != deadline.days:
        return w(
            "policy.deadline_suspended",
            name=name, date=date, base=base, extra=deadline.days - base, start=start,
            from_date=shown_from,
        )  # fmt: skip
    return w(
        "policy.deadline_line",
        name=name, date=date, days=deadline.days, start=start, from_date=shown_from,
    )  # fmt: skip


def _nearest(step: Nearest, labels: Labels, w: Catalogue, *, regime: str = "adult") -> str:
    key = "policy.nearest_up" if step.direction == "up" else "policy.nearest_down"
    text = w(key, n=step.points, level=level_name(step.level, labels))
    parts = []
    for field, (was, now) in step.changes.items():
        if field == "telematic_monitoring":
            parts.append(w(f"policy.ch_telematic_monitoring_{'true' if now else 'false'}"))
        elif field == "fit":
            parts.append(w("policy.ch_fit", v=fit_words(str(now), w.lang, regime=regime)))
        elif f"policy.ch_{field}" in w:
            parts.append(w(f"policy.ch_{field}", v=now, was=was))
        else:
            parts.append(f"{field} {now}")
    if not parts:
        return text + w("policy.nearest_same")
    word = w("policy.and")
    if len(parts) == 1:
        return f"{text} {word} {parts[0]}"
    return f"{text} {word} " + ", ".join(parts[:-1]) + f" {word} {parts[-1]}"


def decision_report(
    decision: Decision,
    *,
    result: ScoreResult,
    legal: LegalContext,
    policy: Policy,
    labels: Labels,
    lang: str,
) -> list[str]:
    """The readable report of one decision, as lines.

    Raises:
        RenderError: ``lang`` is not a locale of the message catalogue.
    """
    w = catalogue(lang)
    lines = _header(decision, result, policy, labels, w)
    lines += ["", *_sanction(decision, legal, policy, w)]
    lines += ["", *_risk(decision, labels, w), *_intensity(decision, w)]
    if decision.deadlines:
        lines.append(f"{w('policy.deadlines')}:")
        for deadline in decision.deadlines.values():
            lines += _wrap(_deadline(deadline, decision, legal, w), "      ", "  ")
            lines += _wrap(f"{w('policy.source')}: {deadline.source}", "      ", "    ")
    if decision.attainment_threshold is not None:
        lines.append(w("policy.attainment", n=decision.attainment_threshold))
    fit_title = w("policy.fit_juvenile" if decision.regime == "juvenile" else "policy.fit")
    lines += ["", f"{fit_title}: {fit_words(decision.fit, lang, regime=decision.regime)}"]
    fit_message = w.say(decision.fit_message)
    if fit_message:
        lines += _wrap(fit_message, "  ", "  ")
    none = "" if decision.warnings else f" {w('policy.none')}"
    lines.append(f"{w('policy.warnings')}:{none}")
    for warning in decision.warnings:
        lines += _wrap(f"[{warning.code}] {w.say(warning.message)}", "      ", "  - ")
        if warning.source:
            lines += _wrap(f"{w('policy.source')}: {warning.source}", "      ", "    ")
    lines.append(f"{w('policy.nearest')}:")
    if decision.override is not None:
        lines.append(f"  {w('policy.nearest_override')}")
    for step in decision.nearest:
        lines += _wrap(_nearest(step, labels, w, regime=decision.regime), "    ", "  ")
    if decision.override is None and not decision.nearest:
        lines.append(f"  {w('policy.none')}")
    lines += ["", f"{w('policy.rules')}:"]
    for fired in decision.trace:
        lines += _wrap(f"{fired.table} · {fired.rule}: {fired.condition}", "      ", "  ")
        lines += _wrap(f"{w('policy.source')}: {fired.source}", "      ", "    ")
    lines += ["", *_wrap(w("policy.policy_note", ref=policy.ref), "", "")]
    return lines
