"""Compute programme indicators from case summaries: numerator, denominator, exclusions.

Each indicator counts the cases of its programmes (the sanction of their
latest decision) in a **population** for the period: the formula's
denominator. A case the formula's own conditions leave out (another reason
of discharge, too few days since entry or since the plan, a follow-up
window not over) is an **exclusion**, counted by reason. A case of the
denominator whose outcome cannot be established from its records (a single
assessment, no objective of the kind asked, no record of the component)
stays in the denominator and counts as not meeting the outcome, because no
formula leaves it out; it is counted by reason too (**unmeasured**). The
**outcome** is the numerator. An indicator whose data the store does not
hold at all (no case of the programme, no record of its component in the
year, a kind of record rnr does not keep) is **not computable**, and says
why with a coded message (``indicators.why_not.<reason>``).

The summaries are read on the last day of the period
(:func:`rnr.history.bulk.summarize`), so a 12-month window after a
discharge in the previous year is complete, and the plan read is the
version in force on 31 December (or at the closing of a case closed
earlier).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.dates import add_months
from rnr.definitions.indicators import PROGRAMMES, Indicator, IndicatorSet
from rnr.definitions.library import Library
from rnr.errors import InvalidArgumentError
from rnr.indicators.caseload import CaseSummary, EventSummary
from rnr.text import Message, Text, Words, words_to_dict

__all__ = [
    "EXCLUSIONS",
    "IndicatorResult",
    "IndicatorTally",
    "Part",
    "Period",
    "compute_indicators",
]

#: What an outcome measure returns: met, not met, or the code of why it cannot be measured.
Verdict = bool | str
#: Codes that leave a case out of the denominator (the formula's own conditions);
#: any other code keeps it in the denominator as not met.
EXCLUSIONS = (
    "other_discharge_reason",
    "too_few_days_since_entry",
    "plan_too_recent",
    "no_plan",
    "window_not_over",
)
#: Days of a month a case must be open for the month to count (``monthly_at_least``).
MONTH_MIN_DAYS = 15


@attrs.frozen
class Period:
    """A calendar year of a report."""

    year: int

    @property
    def start(self) -> dt.date:
        """1 January."""
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        """31 December (the summaries are read on this day)."""
        return dt.date(self.year, 12, 31)

    def contains(self, day: dt.date) -> bool:
        """Whether ``day`` falls in the year."""
        return day.year == self.year


@attrs.frozen
class IndicatorResult:
    """One indicator for one period: the figures, or why it cannot be computed.

    Attributes:
        exclusions: cases left out of the denominator, by reason.
        unmeasured: cases of the denominator whose outcome could not be
            established, counted as not met, by reason.
    """

    indicator: Indicator
    period: int
    programmes: tuple[str, ...]
    numerator: int = 0
    denominator: int = 0
    exclusions: Mapping[str, int] = attrs.field(converter=frozen_map, factory=dict)
    not_computable: Words | None = None
    unmeasured: Mapping[str, int] = attrs.field(converter=frozen_map, factory=dict)

    @property
    def computable(self) -> bool:
        """Whether the figures exist."""
        return self.not_computable is None

    @property
    def percent(self) -> float | None:
        """The numerator over the denominator, in percent (one decimal)."""
        if not self.computable or not self.denominator:
            return None
        return round(100.0 * self.numerator / self.denominator, 1)

    @property
    def met(self) -> bool | None:
        """Whether the result reaches the target in the direction rnr reads.

        ``None`` without a target or figures.
        """
        if self.percent is None or self.indicator.target is None:
            return None
        if self.indicator.direction.read == "descending":
            return self.percent <= self.indicator.target
        return self.percent >= self.indicator.target

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        i = self.indicator
        document = i.document
        return {
            "id": i.id,
            "title": dict(i.title),
            "short": dict(i.short),
            "period": self.period,
            "programmes": list(self.programmes),
            "document": None
            if document is None
            else {"id": document.id, "citation": dict(document.citation)},
            "level": i.level,
            "formula": dict(i.formula),
            "population": {"kind": i.population, **_plain(i.population_params)},
            "outcome": {"kind": i.outcome, **_plain(i.outcome_params)},
            "computable": self.computable,
            "not_computable": None
            if self.not_computable is None
            else words_to_dict(self.not_computable),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "exclusions": dict(self.exclusions),
            "unmeasured": dict(self.unmeasured),
            "percent": self.percent,
            "target": i.target,
            "target_year": i.target_year,
            "direction": {
                "stated": i.direction.stated,
                "read": i.direction.read,
                "flagged": i.direction.flagged,
            },
            "met": self.met,
            "note": dict(i.note),
        }


def _plain(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters as plain JSON values (read-only mappings and tuples unwrapped)."""

    def plain(value: Any) -> Any:
        if isinstance(value, Mapping):
            return {k: plain(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        return value

    out: dict[str, Any] = plain(params)
    return out


class _Events:
    """A case's events by kind, every one and the year's, each kind's in the case's order.

    Made once for a case's share of every indicator, which looks its kinds up
    in it: the year's events of a kind and component are picked once.
    """

    __slots__ = ("_picked", "every", "year")

    def __init__(self, case: CaseSummary, period: Period) -> None:
        every: dict[str, list[EventSummary]] = {}
        for e in case.events:
            every.setdefault(e.kind, []).append(e)
        self.every: Mapping[str, Sequence[EventSummary]] = every
        self.year = {
            kind: [e for e in found if period.contains(e.on)] for kind, found in every.items()
        }
        self._picked: dict[tuple[str, Callable[[object], bool]], list[EventSummary]] = {}

    def of_year(
        self, kind: str, match: Callable[[object], bool] | None = None
    ) -> Sequence[EventSummary]:
        """The year's events of ``kind`` whose ``component`` ``match`` accepts (else all)."""
        found = self.year.get(kind, [])
        if match is None:
            return found
        picked = self._picked.get((kind, match))
        if picked is None:
            picked = self._picked[kind, match] = [
                e for e in found if match(e.data.get("component"))
            ]
        return picked


def _last_day(case: CaseSummary, period: Period) -> dt.date:
    """The last day the case was attended in the period: its closing, or 31 December."""
    if case.closed_on is not None and case.closed_on < period.end:
        return case.closed_on
    return period.end


def _entry(case: CaseSummary) -> dt.date:
    """The effective entry (the legal entry date, else the day the case was opened)."""
    return case.entry_date or case.opened_on


# -- populations -----------------------------------------------------------------


def _served(case: CaseSummary, period: Period) -> bool:
    return case.opened_on <= period.end and (
        case.closed_on is None or case.closed_on >= period.start
    )


def _needs_in_year(case: CaseSummary, period: Period) -> frozenset[str]:
    """The domains criminogenic at any assessment in force during the year.

    The assessment in force on 1 January (the latest before it) and every one
    made in the year.
    """
    if len(case.criminogenic_at) != len(case.assessed_on):
        return case.criminogenic
    found: set[str] = set()
    before = [n for n, d in enumerate(case.assessed_on) if d < period.start]
    start = before[-1] if before else 0
    for n in range(start, len(case.assessed_on)):
        if case.assessed_on[n] <= period.end:
            found |= case.criminogenic_at[n]
    return frozenset(found)


def _attended(match: Callable[[object], bool], events: _Events) -> int:
    return sum(int(e.data.get("attended", 0)) for e in events.of_year("attendance", match))


def population(
    case: CaseSummary,
    indicator: Indicator,
    period: Period,
    spec: IndicatorSet | None,
    *,
    events: _Events,
) -> tuple[bool, str | None]:
    """Whether ``case`` is in the indicator's population, and an exclusion code if left out.

    ``events``: the case's events by kind, made for ``period`` (:class:`_Events`).
    """
    params = indicator.population_params
    kind = indicator.population
    if kind == "discharged":
        year = period.year + int(params.get("year_offset", 0))
        if case.closed_by != "discharge" or case.closed_on is None or case.closed_on.year != year:
            return False, None
        reason = params.get("reason")
        if reason is not None:
            given = next(
                (
                    e.data.get("reason")
                    for e in events.every.get("discharge", ())
                    if e.on == case.closed_on
                ),
                None,
            )
            if (given or "end_of_sentence") != reason:
                return True, "other_discharge_reason"
        return True, None
    if not _served(case, period):
        return False, None
    needs = params.get("needs")
    if needs and not _needs_in_year(case, period) & set(needs):
        return False, None
    if kind == "followed":
        plan = case.plan
        entered = _entry(case) <= period.end
        reviewed = plan is not None and any(period.contains(d) for d in plan.reviewed_on)
        return entered and reviewed, None
    took_part = params.get("took_part_in")
    if took_part is not None and not _attended(_matcher(str(took_part), spec), events):
        return False, None
    last = _last_day(case, period)
    least = params.get("min_days_since_entry")
    if least is not None and (last - _entry(case)).days < int(least):
        return True, "too_few_days_since_entry"
    older = params.get("plan_older_than_days")
    if older is not None:
        drafted = case.plan.drafted_on if case.plan is not None else None
        if drafted is None:
            return True, "no_plan"
        if (last - drafted).days <= int(older):
            return True, "plan_too_recent"
    return True, None


# -- outcomes --------------------------------------------------------------------


def _matcher(component: str, spec: IndicatorSet | None) -> Callable[[object], bool]:
    """Whether a record's ``component`` names ``component`` (its id or one of its names)."""
    if spec is not None and component in spec.components:
        return spec.components[component].matches
    return lambda recorded: recorded == component


def _risk_lowered(case: CaseSummary, _: Mapping[str, Any], library: Library) -> Verdict:
    if len(case.levels) < 2:
        return "single_assessment"
    instrument = library.get(case.instrument)
    levels = instrument.scales[instrument.primary_scale].levels
    first, last = case.levels[0], case.levels[-1]
    if first not in levels or last not in levels:
        return "no_level"
    return levels.index(str(last)) < levels.index(str(first))


def _counted(case: CaseSummary, params: Mapping[str, Any]) -> tuple[int, int] | None:
    """Achieved and counted objectives of the plan (of the listed ids, if any)."""
    plan = case.plan
    if plan is None:
        return None
    wanted = params.get("objectives")
    statuses = [
        status
        for ident, _, status in plan.objectives
        if status != "removed" and (not wanted or ident in wanted)
    ]
    if not statuses:
        return None
    return sum(1 for s in statuses if s == "achieved"), len(statuses)


def _attainment(case: CaseSummary, params: Mapping[str, Any], _: Library) -> Verdict:
    counted = _counted(case, params)
    if counted is None:
        return "no_objectives"
    achieved, total = counted
    return 100 * achieved >= float(params["percent"]) * total


def _objectives_met(case: CaseSummary, params: Mapping[str, Any], __: Library) -> Verdict:
    counted = _counted(case, params)
    if counted is None:
        return "no_objectives"
    achieved, total = counted
    return achieved == total


def _insertion(case: CaseSummary, params: Mapping[str, Any], _: Library) -> Verdict:
    favourable: Mapping[str, Sequence[Any]] = params["favourable"]
    values = {field: case.responsivity.get(field) for field in favourable}
    if all(v is None for v in values.values()):
        return "no_responsivity"
    good = sum(1 for field, v in values.items() if v is not None and v in favourable[field])
    return good >= int(params["at_least"])


def _months(case: CaseSummary, period: Period, least: int) -> list[int]:
    """The months of the year the case was attended on at least ``least`` days."""
    first, last = _entry(case), _last_day(case, period)
    out = []
    for m in range(1, 13):
        start = max(first, dt.date(period.year, m, 1))
        end = min(last, dt.date(period.year, m, calendar.monthrange(period.year, m)[1]))
        if (end - start).days + 1 >= least:
            out.append(m)
    return out


#: The outcomes read from the summary alone.
_SIMPLE: Mapping[str, Callable[[CaseSummary, Mapping[str, Any], Library], Verdict]] = {
    "risk_lowered": _risk_lowered,
    "attainment_at_least": _attainment,
    "objectives_met": _objectives_met,
    "insertion_conditions": _insertion,
}


def outcome(
    case: CaseSummary,
    indicator: Indicator,
    period: Period,
    library: Library,
    spec: IndicatorSet | None,
    *,
    events: _Events,
) -> Verdict:
    """Whether ``case`` meets the indicator's outcome, or the code of why it cannot be told.

    ``events``: the case's events by kind, made for ``period`` (:class:`_Events`).
    """
    params = indicator.outcome_params
    simple = _SIMPLE.get(indicator.outcome)
    if simple is not None:
        return simple(case, params, library)
    if indicator.outcome == "no_event_within":
        assert case.closed_on is not None
        until = add_months(case.closed_on, int(params["months"]))
        if until > period.end:
            return "window_not_over"
        return not any(
            case.closed_on < e.on <= until for e in events.every.get(params["event"], ())
        )
    if indicator.outcome == "coexistence_complied":
        plan = case.plan
        after = (
            None
            if plan is None or plan.drafted_on is None
            else plan.drafted_on + dt.timedelta(days=int(params.get("after_plan_days", 0)))
        )
        reviews = [e for e in events.of_year("coexistence_review") if after is None or e.on > after]
        if not reviews:
            return "no_review"
        return all(e.data.get("result") == "complied" for e in reviews)
    match = _matcher(str(params["component"]), spec)
    if indicator.outcome == "component_objectives_at_least":
        records = events.of_year("component_objectives", match)
        if not records:
            return "no_objectives_recorded"
        latest = sorted(records, key=lambda e: e.on)[-1].data  # the year's last record
        return 100 * int(latest["met"]) >= float(params["percent"]) * int(latest["objectives"])
    sessions = events.of_year("attendance", match)
    if not sessions:
        return "no_sessions_recorded"
    if indicator.outcome == "attendance_at_least":
        scheduled = sum(int(e.data["scheduled"]) for e in sessions)
        attended = sum(int(e.data["attended"]) for e in sessions)
        return 100 * attended >= int(params["percent"]) * scheduled
    if indicator.outcome == "sessions_at_least":
        return sum(int(e.data["attended"]) for e in sessions) >= int(params["sessions"])
    # monthly_at_least: every month of the year the case was attended long enough holds enough
    months = _months(case, period, int(params.get("min_days_in_month", MONTH_MIN_DAYS)))
    if not months:
        return "no_month_counted"
    by_month = Counter[int]()
    for e in sessions:
        by_month[e.on.month] += int(e.data["attended"])
    return all(by_month[m] >= int(params["per_month"]) for m in months)


#: The kind of record each outcome reads, when it reads records of the period.
_READS: Mapping[str, str] = {
    "attendance_at_least": "attendance",
    "sessions_at_least": "attendance",
    "monthly_at_least": "attendance",
    "component_objectives_at_least": "component_objectives",
    "coexistence_complied": "coexistence_review",
}


def _component_words(spec: IndicatorSet, component: str) -> Text | str:
    found = spec.components.get(component)
    if found is None:
        return component
    return Text(found.title.get("es", component), found.title.get("en", ""))


def _read_in(
    indicator: Indicator, spec: IndicatorSet
) -> tuple[str, Callable[[object], bool] | None] | None:
    """The kind of record the outcome reads in the year, and which component, if it reads one."""
    kind = _READS.get(indicator.outcome)
    if kind is None:
        return None
    component = indicator.outcome_params.get("component")
    return kind, None if component is None else _matcher(str(component), spec)


def _why_missing(indicator: Indicator, period: Period, spec: IndicatorSet) -> Message:
    """Why the store cannot give this indicator: it keeps no such data, or none of the year."""
    params = indicator.outcome_params
    if indicator.outcome == "not_recorded":
        what = params["what"]  # what the store lacks, in the definition file's words
        return Message(
            "indicators.why_not.not_recorded",
            {"what": Text(what.get("es", ""), what.get("en", ""))},
        )
    kind = _READS[indicator.outcome]
    component = params.get("component")
    if component is None:
        return Message(f"indicators.why_not.no_{kind}", {"year": period.year})
    return Message(
        f"indicators.why_not.no_{kind}",
        {"component": _component_words(spec, str(component)), "year": period.year},
    )


@attrs.define
class _Count:
    """One indicator's figures over the cases of its programmes, added up one case at a time."""

    indicator: Indicator
    programmes: tuple[str, ...]
    reads: tuple[str, Callable[[object], bool] | None] | None
    #: Whether a case of the programmes was seen, and a record of what the outcome reads.
    cases: bool = False
    recorded: bool = False
    numerator: int = 0
    denominator: int = 0
    exclusions: Counter[str] = attrs.Factory(Counter)
    unmeasured: Counter[str] = attrs.Factory(Counter)

    def take(self, recorded: bool, verdict: Verdict | None, times: int = 1) -> None:
        """Count ``times`` cases of the programmes: whether they hold what the outcome reads, and
        their verdict.

        ``verdict``: ``None`` outside the population, else an exclusion code,
        a code of why the outcome cannot be told, or whether it is met.
        """
        self.cases = True
        self.recorded = self.recorded or recorded
        if verdict is None:
            return
        if isinstance(verdict, str) and verdict in EXCLUSIONS:
            self.exclusions[verdict] += times
            return
        self.denominator += times
        if isinstance(verdict, str):
            self.unmeasured[verdict] += times
            return
        self.numerator += times * int(verdict)

    def result(self, period: Period, spec: IndicatorSet) -> IndicatorResult:
        indicator, programmes = self.indicator, self.programmes
        if not self.cases:
            reason = Message("indicators.why_not.no_cases", {"programmes": programmes})
            return IndicatorResult(indicator, period.year, programmes, not_computable=reason)
        if self.reads is not None and not self.recorded:
            missing = _why_missing(indicator, period, spec)
            return IndicatorResult(indicator, period.year, programmes, not_computable=missing)
        empty = None
        if not self.denominator:
            empty = Message("indicators.why_not.empty_population", {"year": period.year})
        return IndicatorResult(
            indicator,
            period.year,
            programmes,
            self.numerator,
            self.denominator,
            dict(sorted(self.exclusions.items())),
            empty,
            dict(sorted(self.unmeasured.items())),
        )


#: One case's share of a year's indicators (:meth:`IndicatorTally.part`): of each indicator
#: of its programme, by position in the set, whether the case holds a record of what the
#: outcome reads in the year, and its verdict (``None``: outside the population).
Part = list[tuple[int, bool, Verdict | None]]


@attrs.define
class IndicatorTally:
    """Every indicator of a year, added up one case summary at a time.

    Give it each case summarised on 31 December of ``period`` (:meth:`add`),
    then ask for the figures (:meth:`results`): what it holds does not grow
    with the cases. :func:`compute_indicators` is this over a sequence. A
    case's share (:meth:`part`) is plain data, whatever programme the tally
    counts: kept, it is counted later as the case itself would be
    (:meth:`take`).

    Raises:
        InvalidArgumentError: an unknown programme.
    """

    spec: IndicatorSet
    period: Period = attrs.field(converter=Period)
    library: Library
    programme: str | None = None
    _counts: list[_Count | IndicatorResult] = attrs.field(init=False, factory=list)
    #: The count of each indicator counted, by its position in the set.
    _counting: dict[int, _Count] = attrs.field(init=False, factory=dict)
    #: What the outcome of each indicator with figures reads, by position in the set.
    _reads: dict[int, tuple[str, Callable[[object], bool] | None] | None] = attrs.field(
        init=False, factory=dict
    )
    #: The positions of the indicators of a sanction's programme (whatever is counted).
    _of_sanction: dict[str | None, list[int]] = attrs.field(init=False, factory=dict)

    def __attrs_post_init__(self) -> None:
        programme = self.programme
        if programme is not None and programme not in PROGRAMMES:
            raise InvalidArgumentError("programme", programme, "one of " + ", ".join(PROGRAMMES))
        for n, indicator in enumerate(self.spec.indicators):
            if indicator.outcome != "not_recorded":
                self._reads[n] = _read_in(indicator, self.spec)

    def _count(self, n: int) -> _Count | None:
        """The count of the indicator at ``n`` (``None``: not counted, or without figures)."""
        if not self._counts:  # made when first needed (a tally may only make shares)
            self._start()
        return self._counting.get(n)

    def _start(self) -> None:
        programme = self.programme
        for n, indicator in enumerate(self.spec.indicators):
            wanted = tuple(p for p in indicator.programmes if programme is None or p == programme)
            if not wanted:
                continue
            if indicator.outcome == "not_recorded":  # no data of this kind, whatever the cases
                missing = _why_missing(indicator, self.period, self.spec)
                self._counts.append(
                    IndicatorResult(indicator, self.period.year, wanted, not_computable=missing)
                )
                continue
            count = _Count(indicator, wanted, self._reads[n])
            self._counting[n] = count
            self._counts.append(count)

    def _of(self, sanction: str | None) -> list[int]:
        """The positions of the indicators with figures of ``sanction``'s programme."""
        found = self._of_sanction.get(sanction)
        if found is None:
            indicators = self.spec.indicators
            found = self._of_sanction[sanction] = [
                n for n in self._reads if sanction in indicators[n].programmes
            ]
        return found

    def part(self, case: CaseSummary) -> Part:
        """The case's share of every indicator of its programme (summarised on 31 December)."""
        period, spec, library = self.period, self.spec, self.library
        events = _Events(case, period)
        out: Part = []
        for n in self._of(case.sanction):
            indicator, reads = spec.indicators[n], self._reads[n]
            recorded = reads is not None and bool(events.of_year(*reads))
            inside, excluded = population(case, indicator, period, spec, events=events)
            verdict: Verdict | None = None
            if inside:
                verdict = excluded or outcome(case, indicator, period, library, spec, events=events)
            out.append((n, recorded, verdict))
        return out

    def take(self, sanction: str | None, part: Part, times: int = 1) -> None:
        """Count a case of ``sanction`` by its share (:meth:`part`); ``times`` such cases."""
        if not self._counts:
            self._start()
        counting = self._counting
        for n, recorded, verdict in part:
            count = counting.get(n)
            if count is not None and sanction in count.programmes:
                count.take(recorded, verdict, times)

    def add(self, case: CaseSummary) -> None:
        """Count one case (summarised on 31 December of the year)."""
        self.take(case.sanction, self.part(case))

    def seen(self, sanction: str) -> None:
        """A case of ``sanction`` closed before the years the indicators read: in no population."""
        for n in self._of(sanction):
            count = self._count(n)
            if count is not None and sanction in count.programmes:
                count.cases = True

    def results(self) -> tuple[IndicatorResult, ...]:
        """Every indicator, in the order of the definitions."""
        if not self._counts:
            self._start()
        return tuple(
            c.result(self.period, self.spec) if isinstance(c, _Count) else c for c in self._counts
        )


def compute_indicators(
    summaries: Iterable[CaseSummary],
    spec: IndicatorSet,
    *,
    period: int,
    library: Library,
    programme: str | None = None,
) -> tuple[IndicatorResult, ...]:
    """Every indicator of ``spec`` (of ``programme``, if given) for the year ``period``.

    Args:
        summaries: every case, summarised on 31 December of ``period``.
        spec: the indicators (and the components they name).
        period: the year.
        library: the instruments (for the order of risk levels).
        programme: count only this programme (LAS, LAE, LAEIP, IRC, LV, LVI).

    Raises:
        InvalidArgumentError: an unknown programme.
    """
    tally = IndicatorTally(spec, period, library, programme)
    for case in summaries:
        tally.add(case)
    return tally.results()
