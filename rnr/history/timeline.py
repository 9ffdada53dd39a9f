"""Each case's timeline: what its summary on any day is made of, kept beside its records.

A case's summary on a day (:class:`~rnr.indicators.caseload.CaseSummary`)
depends on the day only through which records are dated on or before it.
A :class:`Timeline` holds, for every assessment, decision, plan version and
event in force, what a summary takes of it, already worked out: scores,
levels, needs and criminogenic needs, the change from the assessment before
(with its reliable change index), the next reassessment the decision's
policy sets by interval, plan objectives and review statuses, event fields,
overrides. :func:`summary_at` makes the summary on any day from it without
reading a record.

Every write block keeps the case's new timeline on its last record
(:func:`keep_timeline`); a whole store's summaries are then one pass over
the kept timelines (:func:`rnr.history.bulk.iter_summaries`). A kept
timeline is used only while it is on the case's last record and every
definition it names still has the content hash it was built with;
``rnr store verify`` builds each one in use again from the records and names
any that differs (:func:`check_timelines`).

The kept form is a JSON object (:data:`FORMAT`), rows as arrays to keep it
small (a case of four assessments holds about 2 kB)::

    {"instruments": {ref: sha256}, "policies": {ref: sha256},
     "regime": ..., "opened_on": ..., "latest_on": ..., "person": [sex, birth_date],
     "assessments": [[on, first, instrument, total, level, provisional, dynamic,
                      needs, criminogenic, responsivity, assessor, step]],
     "responsivity": [section, ...],
     "decisions": [[on, policy, sanction, entry_date, assessment, risk, due]],
     "plans": [[on, version, kind, objectives | changes, threshold]],
     "events": [[on, kind, fields]],
     "overrides": [[assessment, reason, direction]]}

Assessments are in date order, events in date then record order, decisions
and plans in the order first written. ``first`` is the id of the first
record of an assessment's chain of corrections; ``needs`` lists the need
level of each domain in the instrument's order and ``criminogenic`` the
positions of the criminogenic ones; ``responsivity`` points into the case's
distinct responsivity sections; ``step`` is the change from the assessment
before (``None`` for the first); ``due`` is the interval's next
reassessment as ``[date, rule]`` (``None``: no interval; ``"replay"``: the
policy's table reads facts only a replay of the case gives). A plan row
holds a draft's ``[objective, domain]`` pairs and its attainment threshold,
or a review's ``{objective: status}``.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import json
import sys
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from rnr.cases._sections import responsivity_section
from rnr.cases.legal import parse_legal
from rnr.cases.parse import parse_case, score_case
from rnr.change.between import compare
from rnr.change.delta import level_transition
from rnr.change.rci import CATEGORIES, reliable_change
from rnr.definitions.instrument import Reliability
from rnr.definitions.policy import Policy
from rnr.definitions.responsivity import Responsivity
from rnr.errors import RnrError, StoreIntegrityError
from rnr.history.definitions import Definitions
from rnr.history.derived import score_values
from rnr.history.idempotency import IDEMPOTENCY
from rnr.history.read import Corrections
from rnr.history.schedule import interval_months
from rnr.indicators.caseload import (
    CaseSummary,
    Due,
    EventSummary,
    PlanSummary,
    StepSummary,
    closing_of,
)
from rnr.policy.answer import Trigger, reassessment_trigger
from rnr.policy.deadlines import attainment_threshold, next_reassessment
from rnr.scoring.result import ScoreResult
from rnr.store.protocol import Store, Transaction
from rnr.store.records import CaseDerived, CaseRecords, Derived, Stored

__all__ = [
    "FORMAT",
    "REPLAY",
    "Reading",
    "Timeline",
    "build_timelines",
    "check_timelines",
    "keep_timeline",
    "kept_timeline",
    "summary_at",
]

#: The ``basis`` of a kept timeline: its format's name and version.
FORMAT = "rnr.timeline/1"

#: The ``next_due`` of a summary whose next reassessment only a replay of the case gives.
REPLAY = Due("", dt.date.min, "interval", "", "", dt.date.min, "")

#: Cases whose timelines are checked together by :func:`check_timelines`.
_CHUNK = 2000


@attrs.frozen
class Timeline:
    """One case's timeline (see the module docstring): its ids and its JSON document."""

    case_id: str
    first: int
    last: int
    doc: Mapping[str, Any]

    @property
    def latest_on(self) -> dt.date:
        """The date of the case's latest record, of any kind."""
        return dt.date.fromisoformat(self.doc["latest_on"])

    @property
    def person(self) -> dict[str, Any]:
        """The sex and birth date of the person, as the case was opened."""
        sex, birth_date = self.doc["person"]
        return {"sex": sex, "birth_date": birth_date}


def kept_timeline(found: CaseDerived, defs: Definitions) -> Timeline | None:
    """The timeline kept on the case's last record, if it holds for ``defs``.

    ``None`` when none is kept there, it is of another format, or one of the
    definitions it was built with is no longer loaded with the same hash.
    """
    derived = found.derived
    if derived is None or derived.basis != FORMAT:  # none, or of another format
        return None
    doc = derived.values
    for ref, sha in doc["instruments"].items():
        if _sha(defs, "instrument", ref) != sha:
            return None
    for ref, sha in doc["policies"].items():
        if _sha(defs, "policy", ref) != sha:
            return None
    return Timeline(found.case_id, found.first, found.last, doc)


def _sha(defs: Definitions, kind: str, ref: str) -> str | None:
    try:
        found = defs.library.get(ref) if kind == "instrument" else defs.policies.get(ref)
    except RnrError:
        return None
    return found.sha256


def keep_timeline(
    tx: Transaction,
    case_id: str,
    *,
    defs: Definitions,
    source: str,
    rows: Sequence[Stored] | None = None,
) -> Timeline:
    """Build the timeline of ``case_id`` inside a write block and keep it on its last record.

    ``rows``: the case's records, when the block has just read them.
    """
    rows = tuple(tx.records(case_id=case_id)) if rows is None else tuple(rows)
    timeline = build_timelines(
        [CaseRecords(case_id, rows, tx.derived(case_id))], defs=defs, source=source
    )[0]
    tx.derive_case(case_id, Derived(timeline.last, FORMAT, timeline.doc))
    return timeline


# -- building ------------------------------------------------------------------


@attrs.frozen
class _Assessment:
    first: int
    row: Stored
    values: Mapping[str, Any]
    result: ScoreResult | None = None

    @property
    def ref(self) -> str:
        return str(self.values.get("instrument") or self.row.data["instrument"])


def build_timelines(
    groups: Sequence[CaseRecords],
    *,
    defs: Definitions,
    source: str,
    reliability: Mapping[str, Reliability] | None = None,
) -> list[Timeline]:
    """The timeline of each case of ``groups`` (each case's records, in id order).

    Assessments take the scores kept beside them while their instrument's
    hash holds, and are scored in one batch per instrument version
    otherwise; the reliable change of same-version steps is one array
    operation per version. ``reliability`` replaces the instruments' own
    figures (a timeline built with it is not kept).

    Raises:
        StoreIntegrityError: an assessment's instrument or a decision's
            policy changed since it was written.
    """
    fixes = [Corrections.of(g.records, source=source) for g in groups]
    kept = {record_id: d for g in groups for record_id, d in g.derived.items()}
    scored = _score_all(fixes, defs, source, kept)
    built = [
        _build(group, fix, scored.get(group.case_id, []), defs, source)
        for group, fix in zip(groups, fixes, strict=True)
    ]
    _fill_steps(built, scored, groups=groups, defs=defs, reliability=reliability, source=source)
    return [
        Timeline(g.case_id, g.records[0].id, g.records[-1].id, doc)
        for g, doc in zip(groups, built, strict=True)
    ]


def _score_all(
    fixes: Sequence[Corrections], defs: Definitions, source: str, kept: Mapping[int, Derived]
) -> dict[str, list[_Assessment]]:
    """Every assessment in force of each case, with its scores, in date order."""
    by_ref: dict[str, list[tuple[int, Stored]]] = defaultdict(list)
    for fix in fixes:
        for first, row in fix.in_force("assessment"):
            derived = kept.get(row.id)
            ref = derived.values.get("instrument") if derived is not None else None
            by_ref[str(ref or row.data["instrument"])].append((first, row))
    out: dict[str, list[_Assessment]] = defaultdict(list)
    for ref, items in by_ref.items():
        instrument = defs.library.get(ref)
        fresh = []
        for first, row in items:
            derived = kept.get(row.id)
            if derived is not None and derived.basis == instrument.sha256:
                out[row.case_id].append(_Assessment(first, row, derived.values))
                continue
            if row.data.get("instrument_sha256") != instrument.sha256:
                msg = f"record {row.id}: instrument {ref} has changed since it was written"
                raise StoreIntegrityError(msg, path=source, record=row.id)
            fresh.append((first, row))
        cases = [parse_case(dict(r.data["document"]), file=f"{source}#{r.id}") for _, r in fresh]
        for (first, row), (values, result) in zip(
            fresh, score_values(instrument, cases, defs), strict=True
        ):
            out[row.case_id].append(_Assessment(first, row, values, result))
    for mine in out.values():
        mine.sort(key=lambda a: (a.row.on, a.row.id))
    return out


#: Positions in an assessment row of a timeline (see the module docstring).
_ON, _FIRST, _REF, _TOTAL, _LEVEL, _PROVISIONAL, _STEP = 0, 1, 2, 3, 4, 5, 11


def _build(
    group: CaseRecords,
    fixes: Corrections,
    mine: list[_Assessment],
    defs: Definitions,
    source: str,
) -> dict[str, Any]:
    """A case's timeline document, without the steps (:func:`_fill_steps` adds them)."""
    instruments = {a.ref: defs.library.get(a.ref).sha256 for a in mine}
    policies: dict[str, str] = {}
    opening = next(r for r in group.records if r.kind == "case" and r.record.corrects is None)
    person = opening.data.get("person") or {}
    case_row = fixes.in_force("case")[0][1]
    by_first = {a.first: a for a in mine}
    decisions = [
        _decision(row, fixes, by_first=by_first, defs=defs, policies=policies, source=source)
        for _, row in fixes.in_force("decision")
    ]
    sections: list[Any] = []
    return {
        "instruments": instruments,
        "policies": policies,
        "regime": str(case_row.data["regime"]),
        "opened_on": case_row.on.isoformat(),
        "latest_on": max(r.on for r in group.records).isoformat(),
        "person": [person.get("sex"), person.get("birth_date")],
        "assessments": [_assessment(a, defs, sections) for a in mine],
        "responsivity": sections,
        "decisions": decisions,
        "plans": _plans(fixes, defs),
        "events": _events(fixes),
        "overrides": [
            [int(r.data["assessment"]), str(r.data["reason"]), str(r.data["direction"])]
            for _, r in fixes.in_force("override")
        ],
    }


def _assessment(a: _Assessment, defs: Definitions, sections: list[Any]) -> list[Any]:
    """An assessment's row; its responsivity section is kept once in ``sections``."""
    values = a.values
    domains = defs.library.get(a.ref).domains
    section = a.row.data["document"].get("responsivity")
    if section not in sections:
        sections.append(section)
    criminogenic = set(values["criminogenic"])
    return [
        a.row.on.isoformat(),
        a.first,
        a.ref,
        int(values["total"]),
        values["level"],
        bool(values["provisional"]),
        int(values["dynamic"]),
        [values["needs"].get(d.id) for d in domains],
        [n for n, d in enumerate(domains) if d.id in criminogenic],
        sections.index(section),
        values.get("assessor", a.row.data.get("assessor")),
        None,
    ]


def _decision(
    row: Stored,
    fixes: Corrections,
    *,
    by_first: Mapping[int, _Assessment],
    defs: Definitions,
    policies: dict[str, str],
    source: str,
) -> list[Any]:
    """A decision in force: its legal context, effective risk and interval's next reassessment."""
    policy = defs.policies.get(str(row.data["policy"]))
    if row.data.get("policy_sha256") != policy.sha256:
        msg = f"record {row.id}: policy {policy.ref} has changed since it was written"
        raise StoreIntegrityError(msg, path=source, record=row.id)
    policies[policy.ref] = policy.sha256
    legal = parse_legal(row.data["legal"])
    decided = by_first[int(row.data["assessment"])]
    override = row.data.get("override")
    level = decided.values["level"]
    risk = level if override is None else str(fixes.latest[int(override)].data["to_level"])
    return [
        row.on.isoformat(),
        policy.ref,
        legal.sanction,
        legal.entry_date.isoformat() if legal.entry_date else None,
        decided.first,
        risk,
        _interval(policy, legal, risk, level, decided.row.on),
    ]


def _interval(
    policy: Policy, legal: Any, risk: str | None, level: str | None, assessed_on: dt.date
) -> list[Any] | str | None:
    """``[due on, rule]`` of the policy's interval, ``"replay"`` or ``None``."""
    table = policy.tables["reassessment"]
    values: dict[str, Any] = {}
    for name in table.inputs:
        source = policy.inputs[name].source
        if source in ("risk_level", "computed_risk_level"):
            values[name] = risk if source == "risk_level" else level
        elif source.startswith("legal."):
            values[name] = getattr(legal, source.removeprefix("legal."))
        else:  # a fact only a replay of the case gives
            return "replay"
    deadline, _ = next_reassessment(policy, values, legal, assessed_on=assessed_on)
    return None if deadline is None else [deadline.date.isoformat(), deadline.rule]


def _plans(fixes: Corrections, defs: Definitions) -> list[list[Any]]:
    """Each plan record in force: a draft's objectives and threshold, a review's statuses."""
    out: list[list[Any]] = []
    for _, row in fixes.in_force("plan"):
        on, version = row.on.isoformat(), int(row.data["version"])
        if "decision" in row.data:
            decision = fixes.latest[int(row.data["decision"])]
            policy = defs.policies.get(str(decision.data["policy"]))
            kind = "review" if row.data.get("kind") == "review" else "initial"
            objectives = [[str(o[0]), o[1]] for o in row.data.get("objectives") or ()]
            threshold = attainment_threshold(policy, decision.data["legal"].get("sanction"))
            out.append([on, version, kind, objectives, threshold])
        else:
            kind = "closing" if row.data.get("kind") == "closing" else "review"
            changes = {
                str(ident): change[0]
                for ident, change in dict(row.data.get("changes") or {}).items()
            }
            out.append([on, version, kind, changes, None])
    return out


def _events(fixes: Corrections) -> list[list[Any]]:
    """Events in force in the order a history lists them (date, then record)."""
    rows = sorted(((r.on, first, r) for first, r in fixes.in_force("event")), key=lambda x: x[:2])
    return [
        [
            on.isoformat(),
            str(r.data["kind"]),
            {k: v for k, v in r.data.items() if k not in ("kind", "note", IDEMPOTENCY)},
        ]
        for on, _, r in rows
    ]


def _fill_steps(
    built: Sequence[dict[str, Any]],
    scored: Mapping[str, list[_Assessment]],
    *,
    groups: Sequence[CaseRecords],
    defs: Definitions,
    reliability: Mapping[str, Reliability] | None,
    source: str,
) -> None:
    """Each assessment's change from the one before: same-version steps in one array per version."""
    bulk: dict[str, list[tuple[list[Any], list[Any]]]] = defaultdict(list)
    for group, doc in zip(groups, built, strict=True):
        mine = scored.get(group.case_id, [])
        rows = doc["assessments"]
        for n in range(1, len(rows)):
            before, after = rows[n - 1], rows[n]
            if before[_REF] == after[_REF] and not (before[_PROVISIONAL] or after[_PROVISIONAL]):
                bulk[after[_REF]].append((before, after))
            else:
                step = _single_change(mine[n - 1], mine[n], defs, reliability, source)
                after[_STEP] = _step_doc(step)
    for ref, pairs in bulk.items():
        instrument = defs.library.get(ref)
        scale = instrument.scales[instrument.primary_scale]
        figures = (reliability or {}).get(scale.id) or scale.reliability
        codes = [CATEGORIES.index("not_computable")] * len(pairs)
        rci: list[float | None] = [None] * len(pairs)
        if figures is not None:
            values, found = reliable_change(
                np.array([b[_TOTAL] for b, _ in pairs]),
                np.array([a[_TOTAL] for _, a in pairs]),
                figures,
            )
            rci, codes = [float(v) for v in values], [int(c) for c in found]
        for k, (before, after) in enumerate(pairs):
            after[_STEP] = [
                before[_ON],
                after[_ON],
                before[_TOTAL],
                after[_TOTAL],
                after[_TOTAL] - before[_TOTAL],
                before[_LEVEL],
                after[_LEVEL],
                level_transition(scale.levels, before[_LEVEL], after[_LEVEL]),
                rci[k],
                CATEGORIES[codes[k]],
            ]


def _single_change(
    before: _Assessment,
    after: _Assessment,
    defs: Definitions,
    reliability: Mapping[str, Reliability] | None,
    source: str,
) -> StepSummary:
    """A change across versions or between provisional results, from the two full results."""
    results = []
    for a in (before, after):
        case = parse_case(dict(a.row.data["document"]), file=f"{source}#{a.row.id}")
        results.append(a.result or score_case(case, defs.library, a.ref))
    change = compare(results[0], results[1], library=defs.library, reliability=reliability)
    return StepSummary.of(change)


def _step_doc(step: StepSummary) -> list[Any]:
    return [
        step.previous_on.isoformat(),
        step.current_on.isoformat(),
        step.previous,
        step.current,
        step.delta,
        step.previous_level,
        step.current_level,
        step.transition,
        step.rci,
        step.reliable,
    ]


# -- the summary on a day --------------------------------------------------------


@attrs.define
class Reading:
    """What the summaries of many timelines share: definitions, and what is looked up once.

    Make one per whole-store reading (it caches, by text, the dates, words,
    events and need sets a caseload repeats).
    """

    defs: Definitions
    #: A policy's reassessment trigger for an event kind, by ``(policy, kind)``.
    triggers: dict[tuple[str, str], Trigger | None] = attrs.Factory(dict)
    #: The domain ids of an instrument version, in order.
    domains: dict[str, tuple[str, ...]] = attrs.Factory(dict)
    #: The source and months of a reassessment rule, by ``(policy, rule)``.
    rules: dict[tuple[str, str], tuple[str, int | None]] = attrs.Factory(dict)
    #: Events, by date, kind and fields (a monthly attendance repeats across the caseload).
    events: dict[tuple[Any, ...], EventSummary] = attrs.Factory(dict)
    #: Dates by their ISO text.
    days: dict[str, dt.date] = attrs.Factory(dict)
    #: Need sets, by instrument version and positions.
    needs: dict[tuple[str, tuple[int, ...]], frozenset[str]] = attrs.Factory(dict)

    def day(self, text: str) -> dt.date:
        found = self.days.get(text)
        if found is None:
            found = self.days[text] = dt.date.fromisoformat(text)
        return found

    def domain_ids(self, ref: str) -> tuple[str, ...]:
        found = self.domains.get(ref)
        if found is None:
            ids = tuple(sys.intern(d.id) for d in self.defs.library.get(ref).domains)
            found = self.domains[ref] = ids
        return found

    def need_set(self, ref: str, positions: Sequence[int]) -> frozenset[str]:
        key = (ref, tuple(positions))
        found = self.needs.get(key)
        if found is None:
            ids = self.domain_ids(ref)
            found = self.needs[key] = frozenset(ids[n] for n in positions)
        return found

    def event(self, on: str, kind: str, data: Mapping[str, Any]) -> EventSummary:
        try:
            key = (on, kind, *((k, type(v), v) for k, v in data.items()))  # True is not 1
            found = self.events.get(key)
        except TypeError:  # a field that cannot be a key (a list)
            key, found = (), None
        if found is None:
            fields = {sys.intern(k): _interned(v) for k, v in data.items()}
            found = EventSummary(sys.intern(kind), self.day(on), fields)
            if key:
                self.events[key] = found
        return found

    def rule(self, policy: str, rule: str) -> tuple[str, int | None]:
        found = self.rules.get((policy, rule))
        if found is None:
            chosen = self.defs.policies.get(policy)
            table = chosen.tables["reassessment"]
            source = next(r.source for r in table.rules if r.id == rule)
            found = self.rules[policy, rule] = (source, interval_months(chosen, rule))
        return found

    def trigger(self, policy: str, kind: str) -> Trigger | None:
        key = (policy, kind)
        if key not in self.triggers:
            self.triggers[key] = reassessment_trigger(self.defs.policies.get(policy), kind)
        return self.triggers[key]


def summary_at(timeline: Timeline, *, as_of: dt.date, reading: Reading) -> CaseSummary | None:
    """The case's summary on ``as_of`` (``None`` before its first assessment).

    Equal to :func:`rnr.history.summary.summarize_case` of the replayed
    history, except that a next reassessment only a replay gives is
    :data:`REPLAY` (the caller replays that case).
    """
    doc = timeline.doc
    day = as_of.isoformat()
    everything = doc["assessments"]
    mine = everything[: bisect.bisect_right(everything, day, key=lambda a: a[_ON])]
    if not mine:
        return None
    latest = mine[-1]
    ref = latest[_REF]
    found_events = doc["events"]
    events = tuple(
        reading.event(*e)
        for e in found_events[: bisect.bisect_right(found_events, day, key=lambda e: e[0])]
    )
    closing = closing_of(events)
    decision = next((d for d in reversed(doc["decisions"]) if d[0] <= day), None)
    due = None
    if decision is not None and (closing is None or closing[0] > as_of):
        due = _due(timeline.case_id, decision, mine=mine, events=events, reading=reading)
    step = latest[_STEP] if len(mine) > 1 else None
    sanction, entry_date, risk = (
        (decision[2], decision[3], decision[5]) if decision else (None, None, None)
    )
    return CaseSummary(
        case_id=timeline.case_id,
        regime=sys.intern(doc["regime"]),
        sanction=_interned(sanction),
        entry_date=None if entry_date is None else reading.day(entry_date),
        opened_on=reading.day(doc["opened_on"]),
        closed_on=closing[0] if closing else None,
        closed_by=closing[1] if closing else None,
        instrument=sys.intern(ref),
        assessed_on=tuple(reading.day(a[_ON]) for a in mine),
        totals=tuple(a[_TOTAL] for a in mine),
        levels=tuple(_interned(a[_LEVEL]) for a in mine),
        dynamic=tuple(a[6] for a in mine),
        risk_level=_interned(risk),
        needs=dict(zip(reading.domain_ids(ref), map(_interned, latest[7]), strict=True)),
        criminogenic=reading.need_set(ref, latest[8]),
        last_change=None if step is None else _step(step, reading),
        next_due=due,
        plan=_plan(doc["plans"], day, reading),
        events=events,
        criminogenic_at=tuple(reading.need_set(a[_REF], a[8]) for a in mine),
        responsivity=_responsivity(doc["responsivity"][latest[9]]),
    )


def _due(
    case_id: str,
    decision: Sequence[Any],
    *,
    mine: Sequence[Sequence[Any]],
    events: Sequence[EventSummary],
    reading: Reading,
) -> Due | None:
    _, policy, _, _, assessment, risk, interval = decision
    if interval == "replay":
        return REPLAY
    decided = next(a for a in mine if a[_FIRST] == assessment)
    last = reading.day(mine[-1][_ON])
    risk = risk or ""
    instrument = decided[_REF]
    found: list[Due] = []
    if interval is not None:
        on, rule = interval
        source, months = reading.rule(policy, rule)
        found.append(
            Due(
                case_id,
                reading.day(on),
                "interval",
                rule,
                source,
                last,
                risk,
                instrument=instrument,
                months=months,
            )
        )
    for event in events:
        if event.on <= last:
            continue
        trigger = reading.trigger(policy, event.kind)
        if trigger is not None:
            found.append(
                Due(
                    case_id,
                    event.on + dt.timedelta(days=trigger.days),
                    "event",
                    trigger.rule,
                    trigger.source,
                    last,
                    risk,
                    event.kind,
                    event.on,
                    instrument=instrument,
                )
            )
    return min(found, key=lambda d: (d.due_on, d.basis)) if found else None


def _plan(entries: Sequence[Sequence[Any]], day: str, reading: Reading) -> PlanSummary | None:
    """The plan version in force on ``day``, from draft objectives and review statuses."""
    state: dict[str, tuple[str | None, Any]] = {}
    version, kind, dated = 0, "initial", dt.date.min
    drafted: dt.date | None = None
    threshold: int | None = None
    reviewed: list[dt.date] = []
    for on_text, number, what, content, limit in entries:
        if on_text > day:
            break
        on = reading.day(on_text)
        version, dated, kind = number, on, what
        drafted = drafted or on
        if isinstance(content, list):  # a draft's objectives
            objectives = [(sys.intern(i), _interned(d)) for i, d in content]
            state = {i: (d, state[i][1] if i in state else "pending") for i, d in objectives}
            threshold = limit
        else:  # a review's statuses
            reviewed.append(on)
            for ident, status in content.items():
                if ident in state:
                    state[ident] = (state[ident][0], _interned(status))
    if version == 0:
        return None
    counted = [s for _, s in state.values() if s != "removed"]
    achieved = sum(1 for s in counted if s == "achieved")
    return PlanSummary(
        version=version,
        kind=kind,
        dated=dated,
        objectives=tuple((i, d, s) for i, (d, s) in state.items()),
        reviewed_on=tuple(reviewed),
        achieved=achieved,
        counted=len(counted),
        percent=round(100.0 * achieved / len(counted), 1) if counted else 0.0,
        threshold=threshold,
        drafted_on=drafted,
    )


def _step(step: Sequence[Any], reading: Reading) -> StepSummary:
    before, after, previous, current, delta, previous_level, current_level, *rest = step
    transition, rci, reliable = rest
    return StepSummary(
        reading.day(before),
        reading.day(after),
        previous,
        current,
        delta,
        _interned(previous_level),
        _interned(current_level),
        transition,
        rci,
        reliable,
    )


def _responsivity(section: Mapping[str, Any] | None) -> Responsivity:
    """A responsivity section, parsed once per distinct section (a caseload repeats them)."""
    if section is None:
        return Responsivity()
    try:
        return _parsed_responsivity(tuple(sorted(section.items())))
    except TypeError:  # a value that cannot be a key
        return responsivity_section(dict(section), file="timeline")


@functools.lru_cache(maxsize=4096)
def _parsed_responsivity(items: tuple[tuple[str, Any], ...]) -> Responsivity:
    return responsivity_section(dict(items), file="timeline")


def _interned(value: Any) -> Any:
    """``value``, a text interned: the words a caseload repeats in every summary, held once."""
    return sys.intern(value) if isinstance(value, str) else value


# -- checking ----------------------------------------------------------------------


def check_timelines(store: Store, *, defs: Definitions) -> tuple[int, tuple[str, ...]]:
    """Build every kept timeline a read would use again from the records; name each that differs.

    Returns:
        How many timelines were checked, and one line per difference
        (the case, the record it is kept on, and each part that differs).
    """
    checked = 0
    problems: list[str] = []
    chunk: dict[str, CaseDerived] = {}

    def flush() -> None:
        nonlocal checked
        try:
            groups = list(store.cases(only=chunk))
        except StoreIntegrityError:  # an altered row (verify names it): read case by case
            groups = []
            for case_id in chunk:
                try:
                    groups += store.cases(only=[case_id])
                except StoreIntegrityError as exc:
                    problems.append(f"case {case_id}: its timeline was not checked ({exc})")
        for group in groups:
            found = chunk[group.case_id]
            assert found.derived is not None
            # the records it was built from: those up to the one it is kept on
            mine = CaseRecords(
                group.case_id,
                tuple(r for r in group.records if r.id <= found.last),
                group.derived,
            )
            try:
                fresh = build_timelines([mine], defs=defs, source=store.name)[0]
            except StoreIntegrityError as exc:
                problems.append(f"case {group.case_id}: its timeline was not checked ({exc})")
                continue
            checked += 1
            kept = json.loads(found.derived.text)
            now = json.loads(json.dumps(dict(fresh.doc)))  # the form it is kept in
            for part in sorted(set(kept) | set(now)):
                if kept.get(part) != now.get(part):
                    problems.append(
                        f"case {found.case_id}: the timeline kept on record {found.last}"
                        f" differs from its records in {part}"
                    )
        chunk.clear()

    for found in store.case_derived(FORMAT):
        if found.derived is None:
            continue
        chunk[found.case_id] = found
        if len(chunk) == _CHUNK:
            flush()
    if chunk:
        flush()
    return checked, tuple(problems)
