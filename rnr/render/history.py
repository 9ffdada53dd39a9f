"""Readable lines of the case-history commands: ``rnr case``, ``rnr due``, ``rnr store``.

A case's whole history (``rnr case history``, the demo), the one line that
says what ``case add``, ``reassess``, ``event`` and ``review`` stored, the
list of stored cases, the reassessments due, and the store's verification.
Every word comes from the ``history`` area of the message catalogue; levels
and scales are named with the instrument's labels, identifiers never change.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from rnr.definitions.labels import Labels, load_labels
from rnr.definitions.library import Library
from rnr.indicators.caseload import Due
from rnr.plan.draft import PlanDraft, attainment
from rnr.render.change import answered_text, decision_labels
from rnr.render.messages import Catalogue, catalogue
from rnr.scoring.result import ScoreResult

if TYPE_CHECKING:
    from rnr.history.entries import CaseHistory, DecisionEntry
    from rnr.store.protocol import Verification

__all__ = [
    "answered_line",
    "case_list_lines",
    "due_lines",
    "event_line",
    "history_lines",
    "labels_for",
    "review_line",
    "summary_line",
    "verify_lines",
]


def labels_for(result: ScoreResult, library: Library, lang: str) -> Labels:
    """The labels of the instrument that scored ``result``."""
    return load_labels(library.get(str(result.instrument)), lang)


def _name(w: Catalogue, key: str, default: str) -> str:
    """The words of ``history.<key>``, or ``default`` (an identifier) when there are none."""
    return w(f"history.{key}") if f"history.{key}" in w else default


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
        if d.step is not None:
            text = answered_text(d, decision_labels(d, library, lang), w)
            lines.append(w("history.h_answered", text=text))
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


def answered_line(entry: DecisionEntry, library: Library, lang: str) -> str:
    """One line: what the change policy's answer recorded with ``entry`` did."""
    w = catalogue(lang)
    return w(
        "history.answered", text=answered_text(entry, decision_labels(entry, library, lang), w)
    )


def event_line(case_id: str, kind: str, on: dt.date, record: int, lang: str) -> str:
    """One line: the event ``kind`` of ``on`` was stored as ``record``."""
    w = catalogue(lang)
    return w(
        "history.event_stored",
        case_id=case_id,
        kind=_name(w, f"ev_{kind}", kind),
        on=on.isoformat(),
        record=record,
    )


def review_line(case_id: str, plan: PlanDraft, lang: str) -> str:
    """One line: the plan version a review stored and the objectives it achieved."""
    w = catalogue(lang)
    done = attainment(plan)
    return w(
        "history.reviewed",
        case_id=case_id,
        version=plan.version,
        kind=w(f"history.kind_{plan.kind}"),
        on=plan.dated.isoformat(),
        achieved=done.achieved,
        counted=done.counted,
        percent=done.percent,
    )


def case_list_lines(rows: Sequence[Mapping[str, Any]], db: str, lang: str) -> list[str]:
    """The stored cases, one tab-separated line each under a header (``rnr case list``).

    Args:
        rows: one per case, as ``rnr case list --json`` prints them (``case_id``,
            ``regime``, ``opened_on``, ``closed_on``, ``assessments``, ``latest``,
            ``risk_level``).
        db: the store's name, said when it holds no case.
        lang: ``es`` or ``en``.
    """
    w = catalogue(lang)
    if not rows:
        return [w("history.l_empty", db=db)]
    none = w("history.none")
    lines = [w("history.l_header")]
    for row in rows:
        closed = row["closed_on"]
        status = w("history.l_closed", on=closed) if closed else w("history.l_open")
        cells = (
            row["case_id"],
            _name(w, f"regime_{row['regime']}", row["regime"]),
            row["opened_on"],
            status,
            row["assessments"],
            row["latest"] or none,
            row["risk_level"] or none,
        )
        lines.append("\t".join(str(v) for v in cells))
    return lines


def due_lines(
    found: Sequence[Due], as_of: dt.date, lang: str, *, overdue: bool = False
) -> list[str]:
    """The reassessments due on ``as_of``, one tab-separated line each, and a summary.

    Args:
        found: the next reassessment of every open case, earliest first.
        as_of: the date they are read on.
        lang: ``es`` or ``en``.
        overdue: list only the cases already overdue (the summary counts all).
    """
    w = catalogue(lang)
    late = [d for d in found if d.due_on < as_of]
    shown = late if overdue else found
    if not shown:
        return [w("history.d_none", on=as_of.isoformat())]
    lines = [w("history.d_header")]
    for due in shown:
        if due.basis == "interval":
            basis = w("history.d_interval")
        else:
            kind = str(due.event)
            on = due.event_on.isoformat() if due.event_on else ""
            basis = w("history.d_event", kind=_name(w, f"ev_{kind}", kind), on=on)
        row = (
            due.case_id,
            due.due_on.isoformat(),
            basis,
            due.rule,
            due.last_assessed_on.isoformat(),
            due.risk_level,
            str(due.days_overdue(as_of)),
        )
        lines.append("\t".join(row))
    summary = w("history.d_summary", n=len(found), late=len(late), on=as_of.isoformat())
    return [*lines, "", summary]


def verify_lines(db: str, result: Verification, lang: str) -> list[str]:
    """The store's verification: one line when it holds, else a line per problem."""
    w = catalogue(lang)
    if result.ok:
        line = w(
            "history.verify_ok",
            db=db,
            records=result.records,
            entries=result.entries,
            head=result.head,
        )
        return [line]
    head = w(
        "history.verify_bad",
        db=db,
        n=len(result.problems),
        records=result.records,
        entries=result.entries,
    )
    return [head, *(f"  {p}" for p in result.problems)]
