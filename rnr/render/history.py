"""Readable lines of the case-history commands: ``rnr case``, ``rnr due``, ``rnr store``.

A case's whole history (``rnr case history``, the demo), the one line that
says what ``case add``, ``reassess``, ``event`` and ``review`` stored, the
list of stored cases, the reassessments due, and the store's verification.
Every word comes from the ``history`` area of the message catalogue; dates
and figures are written the reader's way; instruments, policies, sanctions
and programme components are named (:mod:`rnr.render.names`), levels and
scales with the instrument's labels. Case, record and assessor ids are data
and are shown as recorded.
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
from rnr.render.decision import legal_range
from rnr.render.messages import Catalogue, catalogue
from rnr.render.names import (
    component_name,
    instrument_name,
    level_name,
    objective_name,
    policy_name,
    sanction_in_regime,
)
from rnr.scoring.result import ScoreResult
from rnr.text import Message

if TYPE_CHECKING:
    from rnr.history.entries import CaseHistory, DecisionEntry
    from rnr.store.protocol import Verification

__all__ = [
    "answered_line",
    "case_list_lines",
    "due_lines",
    "event_line",
    "history_lines",
    "intensity_words",
    "labels_for",
    "level_words",
    "problem_words",
    "review_line",
    "summary_line",
    "unchanged_line",
    "verified_state",
    "verify_lines",
]


def labels_for(result: ScoreResult, library: Library, lang: str) -> Labels:
    """The labels of the instrument that scored ``result``."""
    return load_labels(library.get(str(result.instrument)), lang)


def _name(w: Catalogue, key: str, default: str) -> str:
    """The words of ``history.<key>``, or ``default`` (as recorded) when there are none."""
    return w(f"history.{key}") if f"history.{key}" in w else default


def intensity_words(contacts: int, hours: int, w: Catalogue) -> str:
    """An intensity in words: ``2 contactos al mes, 100 h``."""
    return w("history.intensity", count=contacts, hours=hours)


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
    intensity = decision.intensity
    return w(
        f"history.{key}",
        case_id=history.case_id,
        db=db,
        instrument=instrument_name(str(result.instrument), lang),
        on=latest.on,
        level=labels.level(decision.risk_level) if decision.risk_level else w("history.none"),
        scale=labels.scale(scale.id),
        raw=scale.raw,
        intensity=intensity_words(intensity.contacts_per_month, intensity.treatment_hours, w),
        version=plan.version,
        objectives=w("history.objectives", count=len(plan.objectives)),
    )


def history_lines(history: CaseHistory, library: Library, lang: str) -> list[str]:
    """The whole history, section by section."""
    w = catalogue(lang)
    regime = _name(w, f"regime_{history.regime}", history.regime)
    lines = [w("history.h_title", case_id=history.case_id, regime=regime, on=history.opened_on)]
    closed = history.closed_on()
    if closed is None:
        lines.append("  " + w("history.h_open"))
    else:
        kind = next(e.kind for e in history.events if e.on == closed)
        lines.append("  " + w("history.h_closed", on=closed, kind=_name(w, f"ev_{kind}", kind)))
    if history.person:
        lines.append("  " + w("history.h_person", text=_person(history.person, w)))
    lines += ["", w("history.h_assessments"), *_assessment_lines(history, library, w)]
    if history.overrides:
        lines += ["", w("history.h_overrides"), *_override_lines(history, library, w)]
    lines += ["", w("history.h_decisions"), *_decision_lines(history, library, w)]
    lines += ["", w("history.h_plans"), *_plan_lines(history, w)]
    if history.events:
        lines += ["", w("history.h_events")]
        for e in history.events:
            details = [*_event_details(e.data, w), e.note]
            lines.append(
                w(
                    "history.h_event",
                    on=e.on,
                    kind=_name(w, f"ev_{e.kind}", e.kind),
                    note="".join(f" · {t}" for t in details if t),
                    record=e.record,
                )
            )
    fixed = len(history.superseded)
    n = len(history.records)
    records = (
        w("history.h_records", n=n, count=fixed) if fixed else w("history.h_records_clean", n=n)
    )
    return [*lines, "", records]


def _person(person: Mapping[str, Any], w: Catalogue) -> str:
    """The recorded person: the birth date as the reader writes it, the sex in words."""
    said = []
    for field, value in person.items():
        shown: object = value
        if field == "birth_date":
            shown = dt.date.fromisoformat(str(value))
        elif field == "sex":
            shown = _name(w, f"sex_names.{value}", str(value))
        said.append(w(f"history.{field}", value=shown) if f"history.{field}" in w else str(value))
    return " · ".join(said)


def _assessment_lines(history: CaseHistory, library: Library, w: Catalogue) -> list[str]:
    lines = []
    for entry in history.assessments:
        result = entry.result
        labels = labels_for(result, library, w.lang)
        scale = result.scales[result.primary_scale]
        lines.append(
            w(
                "history.h_assessment",
                on=entry.on,
                instrument=instrument_name(str(result.instrument), w.lang),
                scale=labels.scale(scale.id),
                raw=scale.raw,
                level=labels.level(scale.level) if scale.level else w("history.none"),
                record=entry.record,
                by=entry.assessor or w("history.none"),
            )
        )
        if entry.corrected:
            ids = ", ".join(map(str, entry.corrected))
            lines.append(w("history.h_corrected", count=len(entry.corrected), ids=ids))
        if result.provisional:
            lines.append(w("history.h_provisional", count=len(result.omitted)))
    return lines


def _override_lines(history: CaseHistory, library: Library, w: Catalogue) -> list[str]:
    by_id = {a.id: a for a in history.assessments}
    lines = []
    for entry in history.overrides:
        o = entry.override
        assessed = by_id.get(entry.assessment, history.assessments[-1])
        labels = labels_for(assessed.result, library, w.lang)
        reason = w(f"cases.override_reasons.{o.reason}")
        lines.append(
            w(
                "history.h_override",
                on=o.approved_on,
                level=labels.level(o.to_level),
                direction=w(f"history.{o.direction}"),
                reason=f"{reason}: {o.text}" if o.text else reason,
                by=o.approved_by,
                record=entry.id,
            )
        )
    return lines


def _decision_lines(history: CaseHistory, library: Library, w: Catalogue) -> list[str]:
    """The decisions, under the name of the policy version each run of them was made by."""
    lines = []
    policy = None
    for d in history.decisions:
        decision = d.decision
        if decision.policy != policy:
            policy = decision.policy
            lines.append(w("history.h_policy", policy=policy_name(str(policy), w.lang)))
        labels = decision_labels(d, library, w.lang)
        intensity = decision.intensity
        line = w(
            "history.h_decision",
            on=d.on,
            sanction=sanction_in_regime(decision.sanction, decision.regime, w.lang),
            level=level_words(decision.risk_level, labels, w),
            intensity=intensity_words(intensity.contacts_per_month, intensity.treatment_hours, w),
        )
        duration = legal_range(decision, w.lang)
        lines.append(f"{line} · {duration}" if duration else line)
        if d.step is not None:
            lines.append(w("history.h_answered", text=answered_text(d, labels, w)))
    return lines


def _plan_lines(history: CaseHistory, w: Catalogue) -> list[str]:
    lines = []
    for version in history.plans:
        plan = version.plan
        counts = Counter(o.status for o in plan.objectives)
        summary = ", ".join(w(f"history.status.{s}", count=n) for s, n in sorted(counts.items()))
        lines.append(
            w(
                "history.h_plan",
                version=plan.version,
                kind=w(f"history.kind_{plan.kind}"),
                on=plan.dated,
                objectives=w("history.objectives", count=len(plan.objectives)),
                summary=summary or w("history.none"),
            )
        )
        if plan.approved_on is not None:
            lines.append(w("history.h_approved", on=plan.approved_on))
        if version.unmatched:
            names = "; ".join(objective_name(i, w.lang) for i in version.unmatched)
            lines.append(w("history.h_unmatched", objectives=names))
    return lines


def _event_details(data: Mapping[str, Any], w: Catalogue) -> list[str]:
    """What an event's fields say (:data:`rnr.history.shapes.EVENT_FIELDS`), in words.

    Attendance and a component's objectives are one sentence each; a review of
    the coexistence rules says its result and infractions; free text (an
    offence, a reason, a sanction) is shown as recorded, after its field's
    name, except a reason that is an event kind (a revocation for a new
    offence, as the simulator records it), which is said by the kind's name.
    """
    fields = dict(data)
    out = []
    component = fields.pop("component", None)
    named = component_name(str(component), w.lang) if component is not None else ""
    if {"scheduled", "attended"} <= fields.keys():
        count, attended = fields.pop("scheduled"), fields.pop("attended")
        out.append(w("history.event.attendance", component=named, attended=attended, count=count))
    elif {"objectives", "met"} <= fields.keys():
        count, met = fields.pop("objectives"), fields.pop("met")
        out.append(w("history.event.component_objectives", component=named, met=met, count=count))
    elif named:
        out.append(named)
    result = fields.pop("result", None)
    if result is not None:
        out.append(_name(w, f"event.{result}", str(result)))
    if "infractions" in fields:
        out.append(w("history.event.infractions", count=fields.pop("infractions")))
    if "reason" in fields:
        reason = str(fields.pop("reason"))
        out.append(w("history.event.reason", value=_name(w, f"ev_{reason}", reason)))
    for field, value in fields.items():
        key = f"history.event.{field}"
        out.append(w(key, value=value) if key in w else f"{field} {value}")
    return out


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
        on=on,
        record=record,
    )


def unchanged_line(
    what: str,
    case_id: str,
    lang: str,
    *,
    on: dt.date | None = None,
    kind: str | None = None,
    record: int | None = None,
) -> str:
    """One line: a write already stored, so nothing was written.

    ``what`` names the write: ``case`` (``rnr case add``), ``assessment``,
    ``correction``, ``event`` or ``review``.
    """
    w = catalogue(lang)
    params: dict[str, Any] = {"case_id": case_id}
    if on is not None:
        params["on"] = on
    if kind is not None:
        params["kind"] = _name(w, f"ev_{kind}", kind)
    if record is not None:
        params["record"] = record
    return w(f"history.unchanged_{what}", **params)


def review_line(case_id: str, plan: PlanDraft, lang: str) -> str:
    """One line: the plan version a review stored and the objectives it achieved."""
    w = catalogue(lang)
    done = attainment(plan)
    return w(
        "history.reviewed",
        case_id=case_id,
        version=plan.version,
        kind=w(f"history.kind_{plan.kind}"),
        on=plan.dated,
        achieved=done.achieved,
        count=done.counted,
        percent=done.percent,
    )


def case_list_lines(rows: Sequence[Mapping[str, Any]], db: str, lang: str) -> list[str]:
    """The stored cases, one tab-separated line each under a header (``rnr case list``).

    Args:
        rows: one per case, with the fields ``rnr case list --json`` prints
            (``case_id``, ``regime``, ``opened_on``, ``closed_on``,
            ``assessments``, ``latest``, ``risk_level`` and ``instrument``, the
            reference of the instrument the level is a level of), dates as dates.
        db: the store's name, said when it holds no case.
        lang: ``es`` or ``en``.
    """
    w = catalogue(lang)
    if not rows:
        return [w("history.l_empty", db=db)]
    lines = [w("history.l_header")]
    for row in rows:
        closed = row["closed_on"]
        status = w("history.l_closed", on=closed) if closed else w("history.l_open")
        cells = (
            row["case_id"],
            _name(w, f"regime_{row['regime']}", row["regime"]),
            w.day(row["opened_on"]),
            status,
            str(row["assessments"]),
            w.day(row["latest"]),
            level_name(row["instrument"] or "", row["risk_level"] or None, lang),
        )
        lines.append("\t".join(cells))
    return lines


def due_lines(
    found: Sequence[Due], as_of: dt.date, lang: str, *, overdue: bool = False
) -> list[str]:
    """The reassessments due on ``as_of``, one tab-separated line each, and a summary.

    The reason a case is due is said in words: a periodic reassessment and
    the policy's interval, or the event (its kind and date) and the days the
    policy gives after it. Levels are named with the instrument's labels.

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
        return [w("history.d_none", on=as_of)]
    lines = [w("history.d_header")]
    for due in shown:
        if due.basis == "event" and due.event_on is not None:
            kind = str(due.event)
            reason = w("history.d_event", kind=_name(w, f"ev_{kind}", kind), on=due.event_on)
            term = w("history.d_within", count=(due.due_on - due.event_on).days)
        else:
            reason = w("history.d_interval")
            term = w("history.d_every", count=due.months) if due.months else w("history.none")
        row = (
            due.case_id,
            w.day(due.due_on),
            reason,
            term,
            w.day(due.last_assessed_on),
            level_name(due.instrument, due.risk_level or None, lang),
            str(due.days_overdue(as_of)),
        )
        lines.append("\t".join(row))
    overdue_words = w("history.d_late", count=len(late)) if late else w("history.d_late_none")
    summary = w("history.d_summary", count=len(found), late=overdue_words, on=as_of)
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
            derived=result.derived,
            timelines=result.timelines,
            shares=result.shares,
            head=result.head,
        )
        return [line]
    head = w(
        "history.verify_bad",
        db=db,
        count=len(result.problems),
        records=result.records,
        entries=result.entries,
        derived=result.derived,
        timelines=result.timelines,
        shares=result.shares,
    )
    return [head, *(f"  {problem_words(p, w)}" for p in result.problems)]


def verified_state(result: Verification, w: Catalogue) -> str:
    """A verification after an import or a copy: ``correcta``, or its problems in words."""
    if result.ok:
        return w("history.ok")
    return "; ".join(problem_words(p, w) for p in result.problems)


#: A problem's parameters that name a part of a kept value: a timeline's part, a
#: column of the case index, a field of an assessment's kept scores.
_PARTS = ("part", "columns", "field")


def problem_words(problem: Message, w: Catalogue) -> str:
    """A problem a verification found, in words; each part it names by its name.

    A part the catalogue has no name for (written into a kept value by
    hand) is shown as it is written.
    """
    params = {k: _named(v, w) if k in _PARTS else v for k, v in problem.params.items()}
    return w.say(Message(problem.code, params))


def _named(part: object, w: Catalogue) -> object:
    """A part's name (each of a tuple of parts), or the part as it is written."""
    if isinstance(part, tuple):
        return tuple(_named(p, w) for p in part)
    key = f"verify.parts.{part}"
    return w(key) if key in w else part


def level_words(level: str | None, labels: Labels, w: Catalogue) -> str:
    """A risk level's label (a dash for none)."""
    return labels.level(level) if level else w("history.none")
