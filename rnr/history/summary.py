"""One case on one date, summarised: what schedules, cohort reports and indicators read.

A :class:`CaseSummary` holds what a caseload report needs of a case on a
date: its assessments (dates, totals, levels, dynamic points), the needs of
the latest, the last change, the next reassessment, the current plan
version with its attainment, and the events. :func:`summarize_case` builds it
from one replayed history, :func:`summary_at` from the case's timeline
(:mod:`rnr.history.timeline`), which is how
:func:`rnr.history.bulk.summarize` makes them for a whole store; the two
agree exactly (property tests say so).
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import operator
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from rnr.cases._sections import responsivity_section
from rnr.definitions.instrument import Reliability
from rnr.definitions.responsivity import Responsivity
from rnr.events import CLOSING_EVENTS
from rnr.history.definitions import Definitions
from rnr.history.entries import CaseHistory
from rnr.history.progress import case_change
from rnr.history.schedule import interval_months, next_due
from rnr.history.timeline import Row, Timeline
from rnr.indicators.caseload import (
    CaseSummary,
    Due,
    EventSummary,
    PlanSummary,
    StepSummary,
    closing_of,
)
from rnr.plan.draft import Status, attainment
from rnr.policy.answer import Trigger, reassessment_trigger

__all__ = [
    "REPLAY",
    "CaseAt",
    "Reading",
    "case_at",
    "due_at",
    "policy_due_at",
    "summarize_case",
    "summary_at",
]

#: An assessment row's date, total, level and dynamic points.
_ON, _TOTAL, _LEVEL, _DYNAMIC = (
    operator.itemgetter(n) for n in (Row.ON, Row.TOTAL, Row.LEVEL, Row.DYNAMIC)
)
#: The ``next_due`` of a summary whose next reassessment only a replay of the case gives.
REPLAY = Due("", dt.date.min, "interval", "", "", dt.date.min, "")


def summarize_case(
    history: CaseHistory,
    *,
    as_of: dt.date,
    defs: Definitions | None = None,
    reliability: Mapping[str, Reliability] | None = None,
) -> CaseSummary | None:
    """The summary of one replayed history on ``as_of`` (``None`` before its first assessment)."""
    defs = defs or Definitions.shipped()
    assessments = [a for a in history.assessments if a.on <= as_of]
    if not assessments:
        return None
    events = tuple(EventSummary(e.kind, e.on, e.data) for e in history.events if e.on <= as_of)
    closing = closing_of(events)
    decisions = [d for d in history.decisions if d.on <= as_of]
    step = None
    if len(assessments) >= 2:
        report = case_change(history, defs=defs, as_of=as_of, reliability=reliability)
        assert report.history is not None
        step = StepSummary.of(report.history.steps[-1])
    results = [a.result for a in assessments]
    latest = results[-1]
    legal = decisions[-1].legal if decisions else None
    return CaseSummary(
        case_id=history.case_id,
        regime=history.regime,
        sanction=decisions[-1].decision.sanction if decisions else None,
        entry_date=legal.entry_date if legal else None,
        opened_on=history.opened_on,
        closed_on=closing[0] if closing else None,
        closed_by=closing[1] if closing else None,
        instrument=str(latest.instrument),
        assessed_on=tuple(a.on for a in assessments),
        totals=tuple(r.scales[r.primary_scale].raw for r in results),
        levels=tuple(r.risk_level for r in results),
        dynamic=tuple(
            sum(d.total for d in r.domains.values() if d.factor == "dynamic") for r in results
        ),
        risk_level=decisions[-1].decision.risk_level if decisions else None,
        needs={d.id: d.need for d in latest.domains.values()},
        criminogenic=frozenset(latest.criminogenic_needs),
        last_change=step,
        next_due=next_due(history, defs=defs, as_of=as_of),
        plan=_plan(history, as_of),
        events=events,
        criminogenic_at=tuple(frozenset(r.criminogenic_needs) for r in results),
        responsivity=assessments[-1].responsivity,
    )


def _plan(history: CaseHistory, as_of: dt.date) -> PlanSummary | None:
    versions = [p for p in history.plans if p.plan.dated <= as_of]
    if not versions:
        return None
    plan = versions[-1].plan
    done = attainment(plan)
    return PlanSummary(
        version=plan.version,
        kind=plan.kind,
        dated=plan.dated,
        objectives=tuple((o.id, o.domain, o.status) for o in plan.objectives),
        reviewed_on=tuple(p.plan.dated for p in versions if not p.drafted),
        achieved=done.achieved,
        counted=done.counted,
        percent=done.percent,
        threshold=done.threshold,
        drafted_on=versions[0].plan.dated,
    )


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
    #: What a line of an index row's dues says, by its text (:mod:`rnr.history.dues`).
    dues: dict[str, Any] = attrs.Factory(dict)
    #: Need sets, by instrument version and positions.
    needs: dict[tuple[str, tuple[int, ...]], frozenset[str]] = attrs.Factory(dict)
    #: Plan objectives (id, domain, status), by themselves.
    objectives: dict[tuple[Any, ...], tuple[str, str | None, Status]] = attrs.Factory(dict)
    #: What a reader of the timelines makes once for the reading, by its own key.
    kept: dict[tuple[Any, ...], Any] = attrs.Factory(dict)
    #: The events of the timeline read last (its list), and those of them made so far.
    last_events: tuple[Sequence[Any], list[EventSummary]] | None = None

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
            key = (on, kind, *data.items(), *map(type, data.values()))  # True is not 1
            found = self.events.get(key)
        except TypeError:  # a field that cannot be a key (a list)
            key, found = (), None
        if found is None:
            fields = {sys.intern(k): _interned(v) for k, v in data.items()}
            found = EventSummary(sys.intern(kind), self.day(on), fields)
            if key:
                self.events[key] = found
        return found

    def events_of(self, found: Sequence[Any], upto: int) -> tuple[EventSummary, ...]:
        """The first ``upto`` events of a timeline's list, each made once for several cuts."""
        last = self.last_events
        if last is None or last[0] is not found:
            last = self.last_events = (found, [])
        made = last[1]
        if len(made) < upto:
            made.extend(self.event(*e) for e in found[len(made) : upto])
        return tuple(made[:upto])

    def objective(
        self, ident: str, domain: str | None, status: Status
    ) -> tuple[str, str | None, Status]:
        """A plan objective's id, domain and status, held once for the caseload."""
        key = (ident, domain, status)
        found = self.objectives.get(key)
        if found is None:
            found = self.objectives[key] = (sys.intern(ident), _interned(domain), _interned(status))
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


def summary_at(
    timeline: Timeline, *, as_of: dt.date, reading: Reading, due: bool = True
) -> CaseSummary | None:
    """The case's summary on ``as_of`` (``None`` before its first assessment).

    Equal to :func:`summarize_case` of the replayed
    history, except that a next reassessment only a replay gives is
    :data:`REPLAY` (the caller replays that case). ``due=False`` leaves out
    the next reassessment (``None``), for a reader that does not read it;
    such a summary depends only on the timeline's records up to ``as_of``.
    """
    cut = _Cut.of(timeline, as_of, reading)
    if cut is None:
        return None
    doc, mine, closing, decision = timeline.doc, cut.mine, cut.closing, cut.decision
    latest = mine[-1]
    ref = latest[Row.INSTRUMENT]
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
        assessed_on=tuple(map(reading.day, map(_ON, mine))),
        totals=tuple(map(_TOTAL, mine)),
        levels=tuple(map(_interned, map(_LEVEL, mine))),
        dynamic=tuple(map(_DYNAMIC, mine)),
        risk_level=_interned(risk),
        needs=dict(zip(reading.domain_ids(ref), map(_interned, latest[Row.NEEDS]), strict=True)),
        criminogenic=reading.need_set(ref, latest[Row.CRIMINOGENIC]),
        last_change=_last_step(mine, reading),
        next_due=cut.due(timeline.case_id, as_of, reading) if due else None,
        plan=_plan_at(doc["plans"], cut.day, reading),
        events=cut.events,
        criminogenic_at=tuple(
            reading.need_set(a[Row.INSTRUMENT], a[Row.CRIMINOGENIC]) for a in mine
        ),
        responsivity=_responsivity(doc["responsivity"][latest[Row.RESPONSIVITY]]),
    )


def due_at(timeline: Timeline, *, as_of: dt.date, reading: Reading) -> Due | None:
    """The case's next reassessment on ``as_of``: the ``next_due`` of :func:`summary_at`, alone."""
    return policy_due_at(timeline, as_of=as_of, reading=reading)[1]


def policy_due_at(
    timeline: Timeline, *, as_of: dt.date, reading: Reading
) -> tuple[str, Due | None]:
    """The policy of the decision :func:`due_at` follows (empty: none), and what it gives."""
    cut = _Cut.of(timeline, as_of, reading, events=False)
    if cut is None:
        return "", None
    due = cut.due(timeline.case_id, as_of, reading)
    return ("" if due is None or cut.decision is None else cut.decision[1]), due


@attrs.frozen
class CaseAt:
    """What a row of a list says of a case on a day: the fields of its summary lists read.

    :func:`case_at` makes it from the case's timeline without the rest of a
    summary (no event, need or plan is made); :meth:`of` takes it from a
    summary. ``assessed_on`` is the date of the latest assessment;
    ``last_change`` the change of the primary scale between the two latest.
    """

    case_id: str
    regime: str
    instrument: str
    sanction: str | None
    risk_level: str | None
    opened_on: dt.date
    assessed_on: dt.date
    closed_on: dt.date | None
    next_due: Due | None
    last_change: StepSummary | None = None

    @classmethod
    def of(cls, summary: CaseSummary) -> CaseAt:
        """The fields of ``summary`` a row reads."""
        return cls(
            summary.case_id,
            summary.regime,
            summary.instrument,
            summary.sanction,
            summary.risk_level,
            summary.opened_on,
            summary.assessed_on[-1],
            summary.closed_on,
            summary.next_due,
            summary.last_change,
        )


def case_at(timeline: Timeline, *, as_of: dt.date, reading: Reading) -> CaseAt | None:
    """:meth:`CaseAt.of` the :func:`summary_at` of the same day, made without the summary.

    ``None`` before the case's first assessment.
    """
    cut = _Cut.of(timeline, as_of, reading, events=False)
    if cut is None:
        return None
    doc, latest, decision = timeline.doc, cut.mine[-1], cut.decision
    return CaseAt(
        timeline.case_id,
        sys.intern(doc["regime"]),
        sys.intern(latest[Row.INSTRUMENT]),
        _interned(decision[2]) if decision else None,
        _interned(decision[5]) if decision else None,
        reading.day(doc["opened_on"]),
        reading.day(latest[Row.ON]),
        cut.closing[0] if cut.closing else None,
        cut.due(timeline.case_id, as_of, reading),
        _last_step(cut.mine, reading),
    )


@attrs.frozen
class _Cut:
    """A timeline cut at a day: the assessments and events up to it, closing, latest decision.

    ``seen``: the timeline's own rows of the events up to the day; ``events``
    the same made into summaries, or none for a reader that reads only when
    the case closed and what an event makes due (:func:`case_at`);
    ``every``: all the timeline's assessments, ``mine`` those up to the day.
    """

    day: str
    mine: Sequence[Sequence[Any]]
    seen: Sequence[Sequence[Any]]
    events: tuple[EventSummary, ...]
    closing: tuple[dt.date, str] | None
    decision: Sequence[Any] | None
    every: Sequence[Sequence[Any]]

    @classmethod
    def of(
        cls, timeline: Timeline, as_of: dt.date, reading: Reading, *, events: bool = True
    ) -> _Cut | None:
        """``None`` before the case's first assessment."""
        doc = timeline.doc
        day = as_of.isoformat()
        everything = doc["assessments"]
        mine = everything[: bisect.bisect_right(everything, day, key=lambda a: a[Row.ON])]
        if not mine:
            return None
        found = doc["events"]
        upto = bisect.bisect_right(found, day, key=lambda e: e[0])
        seen = found[:upto]
        made = reading.events_of(found, upto) if events else ()
        decision = next((d for d in reversed(doc["decisions"]) if d[0] <= day), None)
        return cls(day, mine, seen, made, _closing(seen, reading), decision, everything)

    def due(self, case_id: str, as_of: dt.date, reading: Reading) -> Due | None:
        """The next reassessment: none for a case closed by then or never decided."""
        if self.decision is None or (self.closing is not None and self.closing[0] <= as_of):
            return None
        last = self.mine[-1][Row.ON]  # ISO dates: their texts sort as the days do
        moments = [(reading.day(on), kind) for on, kind, _ in self.seen if on > last]
        return _due(
            case_id,
            self.decision,
            mine=self.mine,
            every=self.every,
            moments=moments,
            reading=reading,
        )


def _closing(seen: Sequence[Sequence[Any]], reading: Reading) -> tuple[dt.date, str] | None:
    """The date and kind of the first closing event of ``seen`` (as :func:`closing_of` says)."""
    found = [(on, kind) for on, kind, _ in seen if kind in CLOSING_EVENTS]
    if not found:
        return None
    on, kind = min(found)
    return reading.day(on), sys.intern(kind)


def _due(
    case_id: str,
    decision: Sequence[Any],
    *,
    mine: Sequence[Sequence[Any]],
    every: Sequence[Sequence[Any]],
    moments: Sequence[tuple[dt.date, str]],
    reading: Reading,
) -> Due | None:
    """The next reassessment ``decision`` sets, or an event after the last assessment makes due.

    ``moments``: the date and kind of each event after the last assessment, up to the day.
    """
    _, policy, _, _, assessment, risk, interval = decision
    if interval == "replay":
        return REPLAY
    # the decision's assessment, which a correction may have dated after the decision (and the day)
    decided = next(a for a in every if a[Row.FIRST] == assessment)
    last = reading.day(mine[-1][Row.ON])
    risk = risk or ""
    instrument = decided[Row.INSTRUMENT]
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
    for on, kind in moments:
        trigger = reading.trigger(policy, kind)
        if trigger is not None:
            found.append(
                Due(
                    case_id,
                    on + dt.timedelta(days=trigger.days),
                    "event",
                    trigger.rule,
                    trigger.source,
                    last,
                    risk,
                    kind,
                    on,
                    instrument=instrument,
                )
            )
    return min(found, key=lambda d: (d.due_on, d.basis)) if found else None


def _plan_at(entries: Sequence[Sequence[Any]], day: str, reading: Reading) -> PlanSummary | None:
    """The plan version in force on ``day``, from draft objectives and review statuses."""
    state: dict[str, tuple[str | None, Any]] = {}
    version, kind, dated = 0, "initial", ""
    drafted = ""
    threshold: int | None = None
    reviewed: list[str] = []
    for on, number, what, content, limit in entries:
        if on > day:
            break
        version, dated, kind = number, on, what
        drafted = drafted or on
        if isinstance(content, list):  # a draft's objectives; a status carries over
            state = {i: (d, state[i][1] if i in state else "pending") for i, d in content}
            threshold = limit
        else:  # a review's statuses
            reviewed.append(on)
            for ident, status in content.items():
                if ident in state:
                    state[ident] = (state[ident][0], status)
    if version == 0:
        return None
    counted = [s for _, s in state.values() if s != "removed"]
    achieved = sum(1 for s in counted if s == "achieved")
    return PlanSummary(
        version=version,
        kind=kind,
        dated=reading.day(dated),
        objectives=tuple(reading.objective(i, d, s) for i, (d, s) in state.items()),
        reviewed_on=tuple(map(reading.day, reviewed)),
        achieved=achieved,
        counted=len(counted),
        percent=round(100.0 * achieved / len(counted), 1) if counted else 0.0,
        threshold=threshold,
        drafted_on=reading.day(drafted),
    )


def _last_step(mine: Sequence[Sequence[Any]], reading: Reading) -> StepSummary | None:
    """The last change of the assessments up to a day (``None``: one, or not comparable)."""
    step = mine[-1][Row.STEP] if len(mine) > 1 else None
    return None if step is None else _step(step, reading)


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
    try:  # canonical JSON: the same section has its keys in the same order
        return _parsed_responsivity(tuple(section.items()))
    except TypeError:  # a value that cannot be a key
        return responsivity_section(dict(section), file="timeline")


@functools.lru_cache(maxsize=4096)
def _parsed_responsivity(items: tuple[tuple[str, Any], ...]) -> Responsivity:
    return responsivity_section(dict(items), file="timeline")


def _interned(value: Any) -> Any:
    """``value``, a text interned: the words a caseload repeats in every summary, held once."""
    return sys.intern(value) if isinstance(value, str) else value
