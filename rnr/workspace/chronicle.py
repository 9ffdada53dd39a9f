"""What a case's history page shows, made from the library's values (no HTML here).

:func:`chronicle` puts a case's assessments, overrides, decisions, PII
versions and reviews, and events on one timeline in date order; the change
between each pair of consecutive assessments with its reliable change
(:func:`rnr.history.progress.case_change` computes it), the overall change
and the trend from three assessments on; and the trajectory of the primary
scale as a chart (:func:`rnr.render.trajectory.trajectory_chart`) with the
same figures as a table. Words come from the catalogue's ``workspace``
area and the instruments' labels; dates and figures stay values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rnr.change.delta import Change
from rnr.definitions.labels import Labels
from rnr.history.definitions import Definitions
from rnr.history.entries import AssessmentEntry, CaseHistory, PlanEntry
from rnr.history.progress import CaseChange
from rnr.render.decision import intensity_words
from rnr.render.messages import Catalogue
from rnr.render.names import instrument_name
from rnr.render.trajectory import trajectory_chart

__all__ = ["chronicle", "step_view"]

#: The order of the kinds of entry on one day: what was assessed comes before what it decided.
_ORDER = {"assessment": 0, "override": 1, "decision": 2, "plan": 3, "review": 4, "event": 5}


def step_view(step: Change, labels_of: Callable[[str], Labels], w: Catalogue) -> dict[str, Any]:
    """One change between two assessments: each scale, its reliable change, the domains moved."""
    labels = labels_of(str(step.current))
    return {
        "previous_on": step.previous_on,
        "current_on": step.current_on,
        "days": step.days,
        "scales": [
            {
                "scale": labels.scale(s.scale),
                "previous": s.previous,
                "current": s.current,
                "delta": s.delta,
                "levels": f"{labels.level(s.previous_level)} → {labels.level(s.current_level)}",
                "reliable": w(f"change.report.reliable.{s.reliable}"),
                "rci": s.rci,
                "why": w.say(s.why) if s.why is not None else "",
            }
            for s in step.scales.values()
        ],
        "domains": [
            {
                "domain": labels.domain(d.domain),
                "previous": d.previous,
                "current": d.current,
                "delta": d.delta,
                "need": f"{labels.need(d.previous_need)} → {labels.need(d.current_need)}",
            }
            for d in step.domains.values()
            if d.delta
        ],
    }


def _review_notes(entry: PlanEntry, w: Catalogue, lang: str) -> list[str]:
    """What a review changed: each objective whose status was set on the review's date."""
    plan = entry.plan
    notes = []
    for o in (*plan.objectives, *plan.supports):
        for note in o.history:
            if note.on == plan.dated:
                status = w(f"plan.status_names.{note.status}")
                notes.append(
                    w("workspace.history.objective_status", title=o.title(lang), status=status)
                )
    return notes


def _timeline(
    history: CaseHistory, labels_of: Callable[[str], Labels], w: Catalogue
) -> list[dict[str, Any]]:
    lang = w.lang
    out: list[tuple[Any, int, int, dict[str, Any]]] = []

    def add(on: Any, kind: str, ident: int, **entry: Any) -> None:
        label = w(f"workspace.history.kinds.{kind}")
        out.append((on, _ORDER[kind], ident, {"on": on, "kind": kind, "label": label, **entry}))

    levels: dict[int, str] = {}
    for a in history.assessments:
        result = a.result
        labels = labels_of(str(result.instrument))
        scale = result.scales[result.primary_scale]
        levels[a.id] = labels.level(scale.level)
        text = w(
            "workspace.history.assessed",
            instrument=instrument_name(str(result.instrument), lang),
            raw=scale.raw,
            level=labels.level(scale.level),
        )
        if result.provisional:
            text += " " + w("workspace.history.provisional", count=len(result.omitted))
        add(a.on, "assessment", a.id, text=text, who=a.assessor, corrected=bool(a.corrected))
    for o in history.overrides:
        owner = next(a for a in history.assessments if a.id == o.assessment)
        labels = labels_of(str(owner.result.instrument))
        text = w(
            "workspace.history.overridden",
            level=labels.level(o.override.to_level),
            reason=w(f"cases.override_reasons.{o.override.reason}"),
            by=o.override.approved_by,
        )
        add(o.override.approved_on, "override", o.id, text=text, who=o.override.approved_by)
    for d in history.decisions:
        owner = next(a for a in history.assessments if a.id == d.assessment)
        labels = labels_of(str(owner.result.instrument))
        text = w(
            "workspace.history.decided",
            level=labels.level(d.decision.risk_level),
            sanction=d.decision.sanction or w("workspace.history.no_sanction"),
            intensity=intensity_words(d.decision.intensity, lang),
        )
        add(d.on, "decision", d.id, text=text, decision=d.id)
    for p in history.plans:
        if p.drafted:
            text = w(
                "workspace.history.drafted",
                version=p.plan.version,
                count=len(p.plan.objectives),
            )
            add(p.plan.dated, "plan", p.id, text=text, notes=[])
        else:
            text = w("workspace.history.reviewed", version=p.plan.version)
            add(p.plan.dated, "review", p.id, text=text, notes=_review_notes(p, w, lang))
    for e in history.events:
        key = f"history.ev_{e.kind}"
        add(e.on, "event", e.id, text=w(key) if key in w else e.kind, note=e.note)
    out.sort(key=lambda row: (row[0], row[1], row[2]))
    return [row[3] for row in out]


def _chart(
    history: CaseHistory, defs: Definitions, labels_of: Callable[[str], Labels], w: Catalogue
) -> dict[str, Any] | None:
    """The primary scale's total at each assessment with the latest's instrument: chart and rows."""
    if not history.assessments:
        return None
    last = history.assessments[-1].result
    same: list[AssessmentEntry] = [
        a for a in history.assessments if a.result.instrument.id == last.instrument.id
    ]
    instrument = defs.library.get(str(last.instrument))
    scale = instrument.scales[last.primary_scale]
    labels = labels_of(str(last.instrument))
    rows: list[dict[str, Any]] = []
    for a in same:
        s = a.result.scales[last.primary_scale]
        rows.append(
            {
                "on": a.on,
                "instrument": instrument_name(str(a.result.instrument), w.lang),
                "total": s.raw,
                "level": labels.level(s.level),
                "provisional": a.result.provisional,
            }
        )
    bands = [(b.min, b.max, labels.level(b.level)) for b in scale.bands_for(last.norm_group)]
    first, final = rows[0], rows[-1]
    if len(rows) == 1:
        desc = w(
            "workspace.history.chart_one",
            on=first["on"],
            total=first["total"],
            level=first["level"],
        )
    else:
        desc = w(
            "workspace.history.chart_desc",
            count=len(rows),
            first_on=first["on"],
            first=first["total"],
            last_on=final["on"],
            last=final["total"],
            first_level=first["level"],
            last_level=final["level"],
        )
    title = w(
        "workspace.history.chart_title",
        scale=labels.scale(last.primary_scale),
        instrument=instrument_name(str(last.instrument), w.lang),
    )
    svg = trajectory_chart(
        [(r["on"], r["total"]) for r in rows],
        y_range=scale.range,
        bands=bands,
        tips=[
            w("workspace.history.chart_tip", on=r["on"], total=r["total"], level=r["level"])
            for r in rows
        ],
        title=title,
        desc=desc,
        ident="trayectoria",
        lang=w.lang,
    )
    left_out = len(history.assessments) - len(same)
    return {"svg": svg, "title": title, "desc": desc, "rows": rows, "left_out": left_out}


def chronicle(
    history: CaseHistory,
    change: CaseChange | None,
    change_refused: str | None,
    *,
    defs: Definitions,
    labels_of: Callable[[str], Labels],
    w: Catalogue,
) -> dict[str, Any]:
    """A case's history page: the timeline, each change with reliable change, the trajectory.

    Args:
        history: the case.
        change: its change (``None`` with fewer than two assessments, or when refused).
        change_refused: why the change could not be computed (the error's code), if so.
        defs: the definitions the case was read with.
        labels_of: the labels of an instrument version.
        w: the page's catalogue.
    """
    steps: list[dict[str, Any]] = []
    overall = None
    trend = None
    if change is not None and change.history is not None:
        found = change.history
        steps = [step_view(s, labels_of, w) for s in found.steps]
        if len(found.steps) > 1:
            overall = step_view(found.overall, labels_of, w)
        if found.trajectory is not None:
            t = found.trajectory
            labels = labels_of(t.instruments[-1]) if t.instruments else None
            trend = w(
                "workspace.history.trend",
                scale=labels.scale(t.scale) if labels is not None else t.scale,
                slope=t.slope_per_year,
                count=t.n,
            )
    return {
        "case_id": history.case_id,
        "regime": w(f"history.regime_{history.regime}"),
        "unit": history.unit,
        "opened_on": history.opened_on,
        "closed_on": history.closed_on(),
        "timeline": _timeline(history, labels_of, w),
        "steps": steps,
        "overall": overall,
        "trend": trend,
        "refused": change_refused,
        "chart": _chart(history, defs, labels_of, w),
        "assessments": len(history.assessments),
    }
