"""Readable lines of a case history (``rnr case history``, ``rnr case add``, the demo)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rnr.definitions.labels import Labels, load_labels
from rnr.definitions.library import Library
from rnr.render.history_words import hwords
from rnr.scoring.result import ScoreResult

if TYPE_CHECKING:
    from rnr.history.entries import CaseHistory

__all__ = ["history_lines", "labels_for", "summary_line"]


def labels_for(result: ScoreResult, library: Library, lang: str) -> Labels:
    """The labels of the instrument that scored ``result``."""
    return load_labels(library.get(str(result.instrument)), lang)


def summary_line(history: CaseHistory, library: Library, lang: str, *, key: str, db: str) -> str:
    """One line: the latest assessment, its risk, intensity and plan version."""
    w = hwords(lang)
    latest = history.assessments[-1]
    result = latest.result
    labels = labels_for(result, library, lang)
    scale = result.scales[result.primary_scale]
    decision = history.decision
    plan = history.plan
    assert decision is not None
    assert plan is not None
    return w[key].format(
        case_id=history.case_id,
        db=db,
        ref=result.instrument,
        on=latest.on.isoformat(),
        level=labels.level(decision.risk_level) if decision.risk_level else "—",
        scale=labels.scale(scale.id),
        raw=scale.raw,
        contacts=decision.intensity.contacts_per_month,
        hours=decision.intensity.treatment_hours,
        version=plan.version,
        n=len(plan.objectives),
    )


def history_lines(history: CaseHistory, library: Library, lang: str) -> list[str]:
    """The whole history, section by section."""
    w = hwords(lang)
    lines = [
        w["h_title"].format(
            case_id=history.case_id,
            regime=w.get(f"regime_{history.regime}", history.regime),
            policy=history.policy or w["none"],
            on=history.opened_on.isoformat(),
        )
    ]
    closed = history.closed_on()
    if closed is None:
        lines.append("  " + w["h_open"])
    else:
        kind = next(e.kind for e in history.events if e.on == closed)
        lines.append("  " + w["h_closed"].format(on=closed, kind=w.get(f"ev_{kind}", kind)))
    if history.person:
        text = ", ".join(f"{w.get(k, k)} {v}" for k, v in history.person.items())
        lines.append("  " + w["h_person"].format(text=text))
    lines += ["", w["h_assessments"]]
    for entry in history.assessments:
        result = entry.result
        labels = labels_for(result, library, lang)
        scale = result.scales[result.primary_scale]
        lines.append(
            w["h_assessment"].format(
                on=entry.on.isoformat(),
                ref=result.instrument,
                scale=labels.scale(scale.id),
                raw=scale.raw,
                level=labels.level(scale.level) if scale.level else w["none"],
                record=entry.record,
                by=entry.assessor or w["none"],
            )
        )
        if entry.corrected:
            lines.append(w["h_corrected"].format(ids=", ".join(map(str, entry.corrected))))
        if result.provisional:
            lines.append(w["h_provisional"].format(n=len(result.omitted)))
    if history.overrides:
        lines += ["", w["h_overrides"]]
        for o in history.overrides:
            lines.append(
                w["h_override"].format(
                    on=o.override.approved_on.isoformat(),
                    level=o.override.to_level,
                    direction=w[o.override.direction],
                    reason=o.override.reason,
                    by=o.override.approved_by,
                    record=o.id,
                )
            )
    lines += ["", w["h_decisions"]]
    for d in history.decisions:
        decision = d.decision
        labels = labels_for(history.assessments[-1].result, library, lang)
        lines.append(
            w["h_decision"].format(
                on=d.on.isoformat(),
                policy=decision.policy,
                sanction=decision.sanction or w["none"],
                level=labels.level(decision.risk_level) if decision.risk_level else w["none"],
                contacts=decision.intensity.contacts_per_month,
                hours=decision.intensity.treatment_hours,
            )
        )
    lines += ["", w["h_plans"]]
    for version in history.plans:
        plan = version.plan
        counts = Counter(o.status for o in plan.objectives)
        summary = ", ".join(f"{n} {w['status_' + s]}" for s, n in sorted(counts.items()))
        lines.append(
            w["h_plan"].format(
                version=plan.version,
                kind=w[f"kind_{plan.kind}"],
                on=plan.dated.isoformat(),
                n=len(plan.objectives),
                summary=summary or w["none"],
            )
        )
        if version.unmatched:
            lines.append(w["h_unmatched"].format(ids=", ".join(version.unmatched)))
    if history.events:
        lines += ["", w["h_events"]]
        for e in history.events:
            extra = ", ".join(f"{k} {v}" for k, v in e.data.items())
            note = "".join(f" · {t}" for t in (extra, e.note) if t)
            lines.append(
                w["h_event"].format(
                    on=e.on.isoformat(),
                    kind=w.get(f"ev_{e.kind}", e.kind),
                    note=note,
                    record=e.record,
                )
            )
    lines += ["", w["h_records"].format(n=len(history.records), fixed=len(history.superseded))]
    return lines
