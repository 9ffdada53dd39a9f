"""The readable decision report of ``rnr decide``: for the delegado or the delegada and the court.

It says what the court imposed and whether the law allows it, which other
sanctions are available and why each other one is not, the risk level (and
any professional override), the intensity, monitoring, period and deadlines
with their legal source, how the sentence fits the risk, the warnings, the
nearest score change that would change the decision, and every rule applied:
what it decided, on which condition, and its source. The words are the
``policy`` area of the message catalogue (:mod:`rnr.render.messages`): an
adult receives a *pena sustitutiva* (Ley 18.216), a young person a *sanción*
(Ley 20.084), and each reads the vocabulary of their own law. Policies,
instruments, sanctions and levels are named, never given by their ids.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Mapping
from typing import Any

import attrs

from rnr.cases.legal import LegalContext
from rnr.definitions.labels import Labels
from rnr.definitions.policy import Policy
from rnr.policy.decision import Deadline, Decision, DecisionWarning, Fired, Intensity, Nearest
from rnr.render.conditions import condition_words, listing
from rnr.render.messages import Catalogue, catalogue
from rnr.render.names import instrument_name, policy_name, sanction_name
from rnr.scoring.result import ScoreResult
from rnr.text import Message

__all__ = [
    "capital",
    "decision_report",
    "fit_words",
    "intensity_words",
    "legal_range",
    "rule_lines",
    "said",
    "warning_words",
    "wrap",
]

WIDTH = 100
#: The prefix of the eligibility tables, one per sanction (``eligibility_lv``).
ELIGIBILITY = "eligibility_"
#: The short notation of a condition without tests (a trace read back from a decision
#: stored before conditions were kept as data has only the notation).
ALWAYS = "always"


def wrap(text: str, indent: str = "    ", first: str | None = None) -> list[str]:
    """``text`` wrapped to the report's width, after ``first`` and then ``indent``."""
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


def said(w: Catalogue, key: str, regime: str, /, **params: Any) -> str:
    """``policy.<key>``; for a young person ``policy.juvenile.<key>`` where the words differ."""
    if regime == "juvenile" and f"policy.juvenile.{key}" in w:
        return w(f"policy.juvenile.{key}", **params)
    return w(f"policy.{key}", **params)


def capital(text: str) -> str:
    """``text`` with its first letter in capitals (a name that begins a line)."""
    return text[:1].upper() + text[1:]


def fit_words(fit: str, lang: str, *, regime: str = "adult") -> str:
    """The fit code in words (the code itself when unknown).

    Young people receive *sanciones* (Ley 20.084), adults *penas sustitutivas*
    (Ley 18.216): ``regime`` chooses the words.
    """
    w = catalogue(lang)
    return said(w, f"fit_{fit}", regime) if f"policy.fit_{fit}" in w else fit


def intensity_words(intensity: Intensity, lang: str) -> str:
    """``2 contactos al mes · 100 horas de intervención``."""
    w = catalogue(lang)
    contacts = w("policy.contacts", count=intensity.contacts_per_month)
    return f"{contacts} · {w('policy.hours', count=intensity.treatment_hours)}"


def _range(lo: int, hi: int, w: Catalogue) -> str:
    """``duración legal: de 6 a 18 meses`` (``hasta 60 meses`` without a minimum)."""
    if lo:
        return w("policy.legal_range", lo=lo, count=hi)
    return w("policy.legal_range_max", count=hi)


def legal_range(decision: Decision, lang: str) -> str | None:
    """``duración legal: de 6 a 18 meses`` (the period table's range), or ``None`` without one."""
    if decision.period_months is None:
        return None
    return _range(*decision.period_months, catalogue(lang))


def _source(text: str, policy: Policy, lang: str) -> str:
    """A source as a person reads it: the policy itself by its name, never its reference."""
    return policy_name(policy.ref, lang) if text == policy.ref else text


def _header(
    decision: Decision, result: ScoreResult, policy: Policy, labels: Labels, w: Catalogue
) -> list[str]:
    scale = result.scales[result.primary_scale]
    lines = [
        w("policy.title", case_id=decision.case_id or w("policy.none")),
        *wrap(w("policy.policy", name=policy_name(policy.ref, w.lang)), "    ", "  "),
    ]
    assessment = w(
        "policy.assessment",
        name=instrument_name(str(result.instrument), w.lang),
        on=result.assessed_on,
        scale=labels.scale(scale.id),
        raw=scale.raw,
        level=labels.level(scale.level),
    )
    lines += wrap(assessment, "    ", "  ")
    bounds = scale.bounds
    if result.provisional and bounds is not None:
        same = bounds.min_level == bounds.max_level
        text = w(
            "policy.provisional_same" if same else "policy.provisional",
            count=len(result.omitted),
            items=", ".join(labels.item(item) for item in result.omitted),
            lo=labels.level(bounds.min_level),
            hi=labels.level(bounds.max_level),
        )
        lines += wrap(text, "    ", "  ")
    return lines


def _sanction(decision: Decision, legal: LegalContext, policy: Policy, w: Catalogue) -> list[str]:
    regime, lang = decision.regime, w.lang
    if decision.sanction is None:
        lines = [said(w, "sanction_none", regime)]
    else:
        parts = [sanction_name(decision.sanction, lang, policy)]
        if legal.sentence_days:
            parts.append(said(w, "sentence", regime, count=legal.sentence_days))
        shown_range = legal_range(decision, lang)
        if shown_range:
            parts.append(shown_range)
        if legal.sentence_date:
            parts.append(w("policy.sentence_date", d=legal.sentence_date))
        if legal.entry_date:
            parts.append(w("policy.entry_date", d=legal.entry_date))
        imposed = decision.sanction_status == "imposed"
        status = w("policy.imposed" if imposed else "policy.considered")
        text = said(w, "sanction", regime, status=status, sanction=" · ".join(parts))
        lines = wrap(text, "    ", "")
        if decision.sanction in policy.sanctions:
            allowed = decision.sanction in decision.eligible_sanctions
            lines += wrap(said(w, "allowed" if allowed else "not_allowed", regime), "    ", "  ")
    eligible = [sanction_name(s, lang, policy) for s in decision.eligible_sanctions]
    shown = listing(eligible, "and", lang) or w("policy.none")
    lines += wrap(f"{said(w, 'eligible', regime)}: {shown}", "    ", "")
    if decision.ineligible:
        lines.append(f"{w('policy.ineligible')}:")
        for sanction, reason in decision.ineligible.items():
            text = w.say(reason) or w("policy.no_reason")
            name = capital(sanction_name(sanction, lang, policy))
            lines += wrap(f"{name}: {text}", "      ", "  ")
    return lines


def _risk(decision: Decision, labels: Labels, w: Catalogue) -> list[str]:
    level = labels.level(decision.risk_level)
    override = decision.override
    if override is None:
        return [f"{w('policy.risk')}: " + w("policy.risk_computed", level=level)]
    computed = labels.level(decision.computed_risk_level)
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
        reason=_named(w, f"cases.override_reasons.{override.reason}", override.reason),
        text=f" ({override.text})" if override.text else "",
        by=override.approved_by,
        on=override.approved_on,
        until=until,
    )
    return [f"{w('policy.risk')}: {text}", *wrap(detail)]


def _intensity(decision: Decision, w: Catalogue) -> list[str]:
    intensity, regime = decision.intensity, decision.regime
    head = w("policy.intensity") + (f" ({intensity.label})" if intensity.label else "")
    lines = [f"{head}: {intensity_words(intensity, w.lang)}"]
    if intensity.components:
        lines.append(f"  {w('policy.components')}:")
        for component in intensity.components:
            lines += wrap(component, "      ", "    - ")
    monitoring = w("policy.yes" if decision.telematic_monitoring else "policy.no")
    reason = w.say(decision.monitoring_reason)
    lines += wrap(
        f"{w('policy.monitoring')}: {monitoring}" + (f". {reason}" if reason else ""), "    ", ""
    )
    if decision.period_days is None:
        period = w("policy.period_none")
    elif decision.period_days[0] == decision.period_days[1]:
        days = w("policy.days", count=decision.period_days[0])
        period = said(w, "period_sentence", regime, days=days)
    else:
        lo, hi = decision.period_days
        period = w("policy.period_range", lo=lo, hi=hi)
    lines.append(f"{w('policy.period')}: {period}")
    return lines


def _deadline(
    deadline: Deadline, decision: Decision, dates: Mapping[str, dt.date | None], w: Catalogue
) -> str:
    name = _named(w, f"policy.d_{deadline.name}", deadline.name)
    start = _named(w, f"policy.f_{deadline.counted_from}", deadline.counted_from)
    from_date = dates.get(deadline.counted_from)
    shown_from = w.day(from_date) if from_date else w("policy.none")
    if deadline.name == "next_reassessment":
        return w(
            "policy.reassessment_line",
            name=name, date=deadline.date, start=start, from_date=shown_from,
        )  # fmt: skip
    fired = next((f for f in decision.trace if f.rule == deadline.rule), None)
    base: Any = fired.outputs.get("days") if fired else None
    if isinstance(base, int) and base != deadline.days:
        return w(
            "policy.deadline_suspended",
            name=name, date=deadline.date, base=w("policy.days", count=base),
            extra=w("policy.days", count=deadline.days - base), start=start, from_date=shown_from,
        )  # fmt: skip
    return w(
        "policy.deadline_line",
        name=name, date=deadline.date, days=w("policy.days", count=deadline.days), start=start,
        from_date=shown_from,
    )  # fmt: skip


def warning_words(warning: DecisionWarning, lang: str, policy: Policy | None = None) -> str:
    """A decision's warning in words, the sanction an engine's message gives by code named.

    ``No se cumplen los requisitos legales de la libertad vigilada intensiva (LVI): …``
    """
    message = warning.message
    if isinstance(message, Message) and isinstance(message.params.get("sanction"), str):
        named = sanction_name(message.params["sanction"], lang, policy)
        message = attrs.evolve(message, params={**message.params, "sanction": named})
    return catalogue(lang).say(message)


def _nearest(step: Nearest, labels: Labels, w: Catalogue, *, regime: str = "adult") -> str:
    key = "policy.nearest_up" if step.direction == "up" else "policy.nearest_down"
    text = w(key, n=step.points, level=labels.level(step.level))
    parts = []
    for field, (was, now) in step.changes.items():
        if field == "telematic_monitoring":
            parts.append(w(f"policy.ch_telematic_monitoring_{'true' if now else 'false'}"))
        elif field == "fit":
            parts.append(w("policy.ch_fit", v=fit_words(str(now), w.lang, regime=regime)))
        elif field == "contacts_per_month":
            parts.append(w("policy.now", v=w("policy.contacts", count=now), was=was))
        elif field == "treatment_hours":
            parts.append(w("policy.now", v=w("policy.hours", count=now), was=w.number(was)))
    if not parts:
        return w("policy.nearest_same", text=text)
    return w("policy.nearest_changes", text=text, changes=listing(parts, "and", w.lang))


def _table_name(table: str, policy: Policy, w: Catalogue) -> str:
    """``Procedencia de la libertad vigilada (LV)``, ``Intensidad``: a policy table's name."""
    if table.startswith(ELIGIBILITY):
        code = table.removeprefix(ELIGIBILITY)
        code = next((s for s in policy.sanctions if s.lower() == code), code.upper())
        return w("policy.table.eligibility", sanction=sanction_name(code, w.lang, policy))
    return _named(w, f"policy.table.{table}", table)


def _outcome(fired: Fired, regime: str, w: Catalogue) -> str:
    """What a rule decided, in words (empty when the table is not one rnr knows)."""
    out, lang = fired.outputs, w.lang
    table = "eligibility" if fired.table.startswith(ELIGIBILITY) else fired.table
    if table == "eligibility":
        return w(
            "policy.outcome.eligible" if out.get("eligible") else "policy.outcome.not_eligible"
        )
    if table == "monitoring":
        return w("policy.yes" if out.get("telematic_monitoring") else "policy.no")
    if table == "fit":
        return fit_words(str(out.get("fit")), lang, regime=regime)
    if table == "reassessment" and isinstance(out.get("months"), int):
        return w("policy.outcome.reassessment", count=out["months"])
    if table == "warnings":
        return w("policy.outcome.warning")
    if table == "components" and out.get("components"):
        return w("policy.outcome.components", components="; ".join(out["components"]))
    if table in ("change", "event_reassessment"):
        return _answer(out, w)
    parts = []
    if isinstance(out.get("contacts_per_month"), int):
        parts.append(w("policy.contacts", count=out["contacts_per_month"]))
    if isinstance(out.get("treatment_hours"), int):
        parts.append(w("policy.hours", count=out["treatment_hours"]))
    if out.get("equals_sentence"):
        parts.append(said(w, "outcome.period_sentence", regime))
    if out.get("max_months"):
        parts.append(_range(int(out.get("min_months") or 0), int(out["max_months"]), w))
    if isinstance(out.get("deadline"), str) and isinstance(out.get("days"), int):
        parts.append(_deadline_rule(out["deadline"], out["days"], str(out.get("counted_from")), w))
    return listing(parts, "and", lang)


def _deadline_rule(name: str, days: int, start: str, w: Catalogue) -> str:
    """``Plan de intervención individual (PII) en 45 días desde el ingreso``."""
    return w(
        "policy.outcome.deadline",
        name=_named(w, f"policy.d_{name}", name),
        days=w("policy.days", count=days),
        start=_named(w, f"policy.f_{start}", start),
    )


def _answer(out: Mapping[str, Any], w: Catalogue) -> str:
    """What a rule of the ``change`` or ``event_reassessment`` table answered."""
    if "action" in out:
        return _named(w, f"policy.outcome.{out['action']}", str(out["action"]))
    if out.get("reassess") and isinstance(out.get("days"), int):
        return w("policy.outcome.reassess", count=out["days"])
    return w("policy.outcome.no_reassessment")


def rule_lines(
    trace: tuple[Fired, ...],
    policy: Policy,
    lang: str,
    *,
    regime: str | None = None,
    labels: Labels | None = None,
    values: Mapping[str, Any] | None = None,
) -> list[str]:
    """Each rule applied: its table and what it decided, its condition and its source.

    Args:
        trace: the rules, in the order they were applied.
        policy: the policy they belong to.
        lang: the reader's language.
        regime: the words of which law (default: the policy's regime).
        labels: the instrument's labels, for levels and needs in a condition.
        values: the decision's inputs (a condition then names the values the case has).
    """
    w = catalogue(lang)
    regime = regime or policy.regime
    lines = []
    for fired in trace:
        outcome = _outcome(fired, regime, w)
        head = _table_name(fired.table, policy, w) + (f": {outcome}" if outcome else "")
        lines += wrap(head, "      ", "  ")
        if fired.when or fired.condition == ALWAYS:
            text = condition_words(fired.when, policy, lang, labels=labels, values=values)
            lines += wrap(w("policy.condition", text=text), "      ", "    ")
        if fired.source:
            source = _source(fired.source, policy, lang)
            lines += wrap(f"{w('policy.source')}: {source}", "      ", "    ")
    return lines


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
        dates = {
            "entry_date": legal.entry_date,
            "sentence_date": legal.sentence_date,
            "assessed_on": result.assessed_on,
        }
        lines.append(f"{w('policy.deadlines')}:")
        for deadline in decision.deadlines.values():
            lines += wrap(_deadline(deadline, decision, dates, w), "      ", "  ")
            lines += wrap(f"{w('policy.source')}: {deadline.source}", "      ", "    ")
    if decision.attainment_threshold is not None:
        lines.append(w("policy.attainment", n=decision.attainment_threshold))
    fit_title = said(w, "fit", decision.regime)
    lines += ["", f"{fit_title}: {fit_words(decision.fit, lang, regime=decision.regime)}"]
    fit_message = w.say(decision.fit_message)
    if fit_message:
        lines += wrap(fit_message, "  ", "  ")
    none = "" if decision.warnings else f" {w('policy.none')}"
    lines.append(f"{w('policy.warnings')}:{none}")
    for warning in decision.warnings:
        lines += wrap(warning_words(warning, lang, policy), "      ", "  - ")
        if warning.source:
            source = _source(warning.source, policy, lang)
            lines += wrap(f"{w('policy.source')}: {source}", "      ", "    ")
    lines.append(f"{w('policy.nearest')}:")
    if decision.override is not None:
        lines.append(f"  {w('policy.nearest_override')}")
    for step in decision.nearest:
        lines += wrap(_nearest(step, labels, w, regime=decision.regime), "    ", "  ")
    if decision.override is None and not decision.nearest:
        lines.append(f"  {w('policy.none')}")
    lines += ["", f"{w('policy.rules')}:"]
    lines += rule_lines(
        decision.trace, policy, lang, regime=decision.regime, labels=labels, values=decision.inputs
    )
    lines += ["", *wrap(w("policy.policy_note", name=policy_name(policy.ref, lang)), "", "")]
    return lines
