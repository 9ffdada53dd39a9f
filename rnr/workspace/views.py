"""What each page of the workspace shows, made from the library's values (no HTML here).

Each function takes what the library gives (a case history, a decision, a
plan draft) and returns plain values for a template: words from the
catalogue and the instrument's labels, dates and figures still as values
(the templates write them the reader's way). :class:`CaseloadQuery` is what
the caseload page was asked (:mod:`rnr.workspace.listing` makes its rows):
every choice is a query parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from rnr.definitions.labels import Labels, load_labels
from rnr.history.definitions import Definitions
from rnr.history.entries import CaseHistory, DecisionEntry
from rnr.history.progress import CaseChange
from rnr.plan.draft import PlanDraft
from rnr.render.decision import decision_report, fit_words, intensity_words, warning_words
from rnr.render.messages import Catalogue
from rnr.render.names import instrument_name, policy_name, sanction_name
from rnr.scoring.result import ScoreResult
from rnr.workspace.chronicle import step_view

__all__ = [
    "CHANGES",
    "PAGE_SIZE",
    "SORTS",
    "CaseloadQuery",
    "LabelsOf",
    "case_view",
    "decision_view",
    "plan_view",
    "score_view",
]

#: Cases on one page of the caseload.
PAGE_SIZE = 25
#: The caseload's orders (query ``orden``): a column each.
SORTS = ("proxima", "caso", "riesgo", "sancion", "atraso")
#: The caseload's filters on the last change (query ``cambio``): each one's category.
CHANGES = {
    "mejora": "improvement",
    "sin-cambio": "none",
    "deterioro": "deterioration",
    "no-calculable": "not_computable",
}


class LabelsOf:
    """The labels of each instrument version, loaded once per page."""

    def __init__(self, defs: Definitions, lang: str) -> None:
        self.defs, self.lang = defs, lang
        self._found: dict[str, Labels] = {}

    def __call__(self, ref: str) -> Labels:
        """The labels of ``ref`` (``id@version``) in the page's language."""
        if ref not in self._found:
            self._found[ref] = load_labels(self.defs.library.get(ref), self.lang)
        return self._found[ref]


@attrs.frozen
class CaseloadQuery:
    """What the caseload page was asked: a search, filters, an order, a direction, a page.

    ``change``: only the cases whose last change is of this category (a key
    of :data:`CHANGES`; empty: every case).

    Every value is checked: anything unknown falls back to the default, so a
    hand-edited address never fails.
    """

    search: str = ""
    sort: str = SORTS[0]
    descending: bool = False
    overdue_only: bool = False
    change: str = ""
    page: int = 1

    @classmethod
    def of(cls, params: Mapping[str, str]) -> CaseloadQuery:
        """The query of a request's parameters (``q``, ``orden``, ``dir``, ``vencidos``, …)."""
        search = params.get("q", "").strip()[:100]
        sort = params.get("orden", SORTS[0])
        page = params.get("pagina", "1")
        change = params.get("cambio", "")
        return cls(
            search=search,
            sort=sort if sort in SORTS else SORTS[0],
            descending=params.get("dir") == "desc",
            overdue_only=params.get("vencidos") == "1",
            change=change if change in CHANGES else "",
            page=int(page) if page.isdigit() and 0 < len(page) < 7 else 1,
        )

    def link(self, **changes: Any) -> str:
        """The query string of this query with ``changes`` (a page's address keeps the rest)."""
        from urllib.parse import urlencode  # noqa: PLC0415 - only for links

        q = attrs.evolve(self, **changes)
        pairs = [("q", q.search)] if q.search else []
        pairs.append(("orden", q.sort))
        if q.descending:
            pairs.append(("dir", "desc"))
        if q.overdue_only:
            pairs.append(("vencidos", "1"))
        if q.change:
            pairs.append(("cambio", q.change))
        if q.page > 1:
            pairs.append(("pagina", str(q.page)))
        return "?" + urlencode(pairs)


def score_view(result: ScoreResult, labels: Labels, w: Catalogue) -> dict[str, Any]:
    """An assessment's primary scale: total, level, and the provisional range of omitted items."""
    scale = result.scales[result.primary_scale]
    out: dict[str, Any] = {
        "instrument": instrument_name(str(result.instrument), w.lang),
        "assessed_on": result.assessed_on,
        "scale": labels.scale(scale.id),
        "raw": scale.raw,
        "level": labels.level(scale.level),
        "provisional": result.provisional,
        "omitted": [labels.item(i) for i in result.omitted],
        "range": None,
        "needs": [
            {
                "domain": labels.domain(d.id),
                "total": d.total,
                "max": d.max,
                "need": labels.need(d.need),
            }
            for d in result.domains.values()
        ],
    }
    bounds = scale.bounds
    if result.provisional and bounds is not None:
        same = bounds.min_level == bounds.max_level
        out["range"] = w(
            "workspace.score.range_same" if same else "workspace.score.range",
            lo=bounds.min,
            hi=bounds.max,
            lo_level=labels.level(bounds.min_level),
            hi_level=labels.level(bounds.max_level),
            count=len(result.omitted),
        )
    return out


def _assessment(history: CaseHistory, entry: DecisionEntry) -> ScoreResult:
    return next(a.result for a in history.assessments if a.id == entry.assessment)


def decision_view(
    history: CaseHistory, entry: DecisionEntry, defs: Definitions, labels_of: LabelsOf, w: Catalogue
) -> dict[str, Any]:
    """A decision: risk level, sanction, intensity, deadlines, warnings, and its whole report."""
    decision = entry.decision
    result = _assessment(history, entry)
    labels = labels_of(str(result.instrument))
    policy = defs.policies.get(str(decision.policy))
    legal = entry.legal or history.legal
    lang = w.lang
    report = (
        decision_report(
            decision, result=result, legal=legal, policy=policy, labels=labels, lang=lang
        )
        if legal is not None
        else []
    )
    override = decision.override
    return {
        "id": entry.id,
        "on": entry.on,
        "policy": policy_name(policy.ref, lang),
        "score": score_view(result, labels, w),
        "risk": labels.level(decision.risk_level),
        "computed": labels.level(decision.computed_risk_level),
        "overridden": override is not None and decision.override_changed,
        "override_reason": (
            w(f"cases.override_reasons.{override.reason}") if override is not None else None
        ),
        "sanction": (sanction_name(decision.sanction, lang, policy) if decision.sanction else None),
        "allowed": decision.sanction in decision.eligible_sanctions if decision.sanction else None,
        "eligible": [sanction_name(s, lang, policy) for s in decision.eligible_sanctions],
        "ineligible": [
            {"sanction": sanction_name(s, lang, policy), "why": w.say(reason)}
            for s, reason in decision.ineligible.items()
        ],
        "fit": fit_words(decision.fit, lang, regime=decision.regime),
        "fit_message": w.say(decision.fit_message),
        "intensity": intensity_words(decision.intensity, lang),
        "components": list(decision.intensity.components),
        "monitoring": decision.telematic_monitoring,
        "deadlines": [
            {
                "name": w(f"policy.d_{d.name}") if f"policy.d_{d.name}" in w else d.name,
                "date": d.date,
                "source": d.source,
            }
            for d in decision.deadlines.values()
        ],
        "warnings": [
            {"text": warning_words(x, lang, policy), "source": x.source} for x in decision.warnings
        ],
        "sources": sorted({f.source for f in decision.trace if f.source}),
        "report": "\n".join(report),
    }


def plan_view(plan: PlanDraft, labels: Labels, w: Catalogue) -> dict[str, Any]:
    """A PII draft: its objectives with their domain, sessions, hours and status; the rest."""
    lang = w.lang

    def objective(o: Any) -> dict[str, Any]:
        status = o.history[-1].status if o.history else "pending"
        return {
            "title": o.title(lang),
            "domain": labels.domain(o.domain) if o.domain else None,
            "indicator": o.indicator(lang),
            "components": list(o.components),
            "sessions": o.sessions,
            "hours": o.hours,
            "status": w(f"plan.status_names.{status}"),
            "source": o.source,
        }

    return {
        "version": plan.version,
        "dated": plan.dated,
        "assessed_on": plan.assessed_on,
        "risk": labels.level(plan.risk_level),
        "sanction": sanction_name(plan.sanction, lang) if plan.sanction else None,
        "contacts": plan.contacts_per_month,
        "hours": plan.treatment_hours,
        "objectives": [objective(o) for o in plan.objectives],
        "supports": [objective(o) for o in plan.supports],
        "adaptations": [a.text(lang) for a in plan.adaptations],
        "strengths": [labels.domain(s) for s in plan.strengths],
        "deadlines": [
            {
                "name": w(f"plan.deadline_names.{d.name}")
                if f"plan.deadline_names.{d.name}" in w
                else d.name,
                "date": d.date,
                "source": d.source,
            }
            for d in plan.deadlines
        ],
        "reviews": list(plan.reviews),
        "approved": _approved(plan, w),
    }


def _approved(plan: PlanDraft, w: Catalogue) -> str:
    """The court's approval of the version, as the plan's document says it; ``""``: a draft."""
    if plan.approved_on is None:
        return ""
    if plan.approved_reference:
        return w("plan.approved_reference", on=plan.approved_on, reference=plan.approved_reference)
    return w("plan.approved", on=plan.approved_on)


def case_view(
    history: CaseHistory,
    change: CaseChange | None,
    change_lines: list[str],
    labels_of: LabelsOf,
    w: Catalogue,
) -> dict[str, Any]:
    """A case's history: assessments, decisions, plan versions, events, and the last change."""
    lang = w.lang
    closed = history.closed_on()
    assessments = []
    for a in history.assessments:
        labels = labels_of(str(a.result.instrument))
        view = score_view(a.result, labels, w)
        view.update(id=a.id, assessor=a.assessor, corrected=bool(a.corrected))
        assessments.append(view)
    decisions = []
    for d in history.decisions:
        result = _assessment(history, d)
        labels = labels_of(str(result.instrument))
        decisions.append(
            {
                "id": d.id,
                "on": d.on,
                "risk": labels.level(d.decision.risk_level),
                "sanction": d.decision.sanction,
                "intensity": intensity_words(d.decision.intensity, lang),
                "fit": fit_words(d.decision.fit, lang, regime=d.decision.regime),
                "sources": sorted({f.source for f in d.decision.trace if f.source})[:3],
            }
        )
    plans = [
        {
            "id": p.id,
            "version": p.plan.version,
            "dated": p.plan.dated,
            "drafted": p.drafted,
            "objectives": len(p.plan.objectives),
            "statuses": _statuses(p.plan, w),
        }
        for p in history.plans
    ]
    events = [
        {
            "on": e.on,
            "kind": w(f"history.ev_{e.kind}") if f"history.ev_{e.kind}" in w else e.kind,
            "note": e.note,
        }
        for e in history.events
    ]
    step = None
    if change is not None and change.history is not None:
        step = step_view(change.history.steps[-1], labels_of, w)
    return {
        "case_id": history.case_id,
        "regime": w(f"history.regime_{history.regime}"),
        "opened_on": history.opened_on,
        "closed_on": closed,
        "unit": history.unit,
        "sanction": history.legal.sanction if history.legal else None,
        "assessments": assessments,
        "decisions": decisions,
        "plans": plans,
        "events": events,
        "step": step,
        "change": "\n".join(change_lines),
        "policy": policy_name(history.decisions[-1].decision.policy.__str__(), lang)
        if history.decisions
        else None,
    }


def _statuses(plan: PlanDraft, w: Catalogue) -> str:
    counts: dict[str, int] = {}
    for o in plan.objectives:
        status = o.history[-1].status if o.history else "pending"
        counts[status] = counts.get(status, 0) + 1
    return ", ".join(f"{w(f'plan.status_names.{s}')}: {n}" for s, n in counts.items())
