"""Readable lines of a case history (``rnr case history``, ``rnr case add``, the demo).

Every word comes from the ``history`` area of the message catalogue; levels
and scales are named with the instrument's labels, identifiers never change.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from rnr.definitions.labels import Labels, load_labels
from rnr.definitions.library import Library
from rnr.render.messages import Catalogue, catalogue
from rnr.scoring.result import ScoreResult

if TYPE_CHECKING:
    from rnr.history.entries import CaseHistory

__all__ = ["history_lines", "labels_for", "summary_line"]


def labels_for(result: ScoreResult, library: Library, lang: str) -> Labels:
    """The labels of the instrument that scored ``result``."""
    return load_labels(library.get(str(result.instrument)), lang)


def _name(w: Catalogue, key: str, default: str) -> str:
    """The words of ``history.<key>``, or ``default`` (an identifier) when there are none."""
    return w(f"history.{key}") if f"history.{key}" in w.entries else default


def summary_line(history: CaseHistory, library: Library, lang: str, *, key: str, db: str) -> str:
    """One line: the latest assessment, its risk, intensity and plan version.

    ``key`` names the sentence: ``opened`` or ``reassessed``.
    """
    w = catalogue(lang)
    latest = history.assessments[-1]
    result = latest.result
    labels = labels_for(result, library, lang)
    scale = result.scales[result.primary_scale]
    decision = history.decision
    plan = history.plan
    assert decision is not None
    assert plan is not None
    return w(
        f"history.{key}",
        case_id=history.case_id,
        db=db,
        ref=result.instrument,
        on=latest.on.isoformat(),
        level=labels.level(decision.risk_level) if decision.risk_level else w("history.none"),
        scale=labels.scale(scale.id),
        raw=scale.raw,
        contacts=decision.intensity.contacts_per_month,
        hours=decision.intensity.treatment_hours,
        version=plan.version,
        n=len(plan.objectives),
    )


def history_lines(history: CaseHistory, library: Library, lang: str) -> list[str]:
    """The whole history, section by section."""
    w = catalogue(lang)
    none = w("history.none")
    lines = [
        w(
            "history.h_title",
            case_id=history.case_id,
            regime=_name(w, f"regime_{history.regime}", history.regime),
            policy=history.policy or none,
            on=history.opened_on.isoformat(),
        )
    ]
    closed = history.closed_on()
    if closed is None:
        lines.append("  " + w("history.h_open"))
    else:
        kind = next(e.kind for e in history.events if e.on == closed)
        lines.append("  " + w("history.h_closed", on=closed, kind=_name(w, f"ev_{kind}", kind)))
    if history.person:
        text = ", ".join(f"{_name(w, k, k)} {v}" for k, v in history.person.items())
        lines.append("  " + w("history.h_person", text=text))
    lines += ["", w("history.h_assessments")]
    for entry in history.assessments:
        result = entry.result
        labels = labels_for(result, library, lang)
        scale = result.scales[result.primary_scale]
        lines.append(
            w(
                "history.h_assessment",
                on=entry.on.isoformat(),
                ref=result.instrument,
                scale=labels.scale(scale.id),
                raw=scale.raw,
                level=labels.level(scale.level) if scale.level else none,
                record=entry.record,
                by=entry.assessor or none,
            )
        )
        if entry.corrected:
            lines.append(w("history.h_corrected", ids=", ".join(map(str, entry.corrected))))
        if result.provisional:
            lines.append(w("history.h_provisional", n=len(result.omitted)))
    if history.overrides:
        lines += ["", w("history.h_overrides")]
        for o in history.overrides:
            lines.append(
                w(
                    "history.h_override",
                    on=o.override.approved_on.isoformat(),
                    level=o.override.to_level,
                    direction=w(f"history.{o.override.direction}"),
                    reason=o.override.reason,
                    by=o.override.approved_by,
                    record=o.id,
                )
            )
    lines += ["", w("history.h_decisions")]
    for d in history.decisions:
        decision = d.decision
        labels = labels_for(history.assessments[-1].result, library, lang)
        lines.append(
            w(
                "history.h_decision",
                on=d.on.isoformat(),
                policy=decision.policy,
                sanction=decision.sanction or none,
                level=labels.level(decision.risk_level) if decision.risk_level else none,
                contacts=decision.intensity.contacts_per_month,
                hours=decision.intensity.treatment_hours,
            )
        )
    lines += ["", w("history.h_plans")]
    for version in history.plans:
        plan = version.plan
        counts = Counter(o.status for o in plan.objectives)
        summary = ", ".join(f"{n} {w(f'history.status_{s}')}" for s, n in sorted(counts.items()))
        lines.append(
            w(
                "history.h_plan",
                version=plan.version,
                kind=w(f"history.kind_{plan.kind}"),
                on=plan.dated.isoformat(),
                n=len(plan.objectives),
                summary=summary or none,
            )
        )
        if version.unmatched:
            lines.append(w("history.h_unmatched", ids=", ".join(version.unmatched)))
    if history.events:
        lines += ["", w("history.h_events")]
        for e in history.events:
            extra = ", ".join(f"{k} {v}" for k, v in e.data.items())
            note = "".join(f" · {t}" for t in (extra, e.note) if t)
            lines.append(
                w(
                    "history.h_event",
                    on=e.on.isoformat(),
                    kind=_name(w, f"ev_{e.kind}", e.kind),
                    note=note,
                    record=e.record,
                )
            )
    records = w("history.h_records", n=len(history.records), fixed=len(history.superseded))
    lines += ["", records]
    return lines
