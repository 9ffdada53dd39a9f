"""Compute programme indicators from case summaries: numerator, denominator, exclusions.

Each indicator counts the cases of its programmes (the sanction of their
latest decision) in a **population** for the period (the denominator),
leaves out the cases whose outcome cannot be judged (each **exclusion**
with its reason), and counts those meeting the **outcome** (the
numerator). An indicator whose data the store does not hold (no case of
the programme, no attendance recorded for the component, a kind of record
rnr does not keep) is **not computable**, and says why with a coded message
(``indicators.why_not.<reason>``).

The summaries are read on the last day of the period
(:func:`rnr.history.bulk.summarize`), so a 12-month window after a
discharge in the previous year is complete.
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

__all__ = ["IndicatorResult", "Period", "compute_indicators"]

#: What an outcome measure returns: met, not met, or an exclusion code.
Verdict = bool | str


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
    """One indicator for one period: the figures, or why it cannot be computed."""

    indicator: Indicator
    period: int
    programmes: tuple[str, ...]
    numerator: int = 0
    denominator: int = 0
    exclusions: Mapping[str, int] = attrs.field(converter=frozen_map, factory=dict)
    not_computable: Words | None = None

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
        """Whether the result reaches the seed's target (``None`` without target or figures)."""
        if self.percent is None or self.indicator.target is None:
            return None
        return self.percent >= self.indicator.target

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        i = self.indicator
        return {
            "id": i.id,
            "title": dict(i.title),
            "period": self.period,
            "programmes": list(self.programmes),
            "population": {"kind": i.population, **dict(i.population_params)},
            "outcome": {"kind": i.outcome, **dict(i.outcome_params)},
            "computable": self.computable,
            "not_computable": None
            if self.not_computable is None
            else words_to_dict(self.not_computable),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "exclusions": dict(self.exclusions),
            "percent": self.percent,
            "target": i.target,
            "target_year": i.target_year,
            "met": self.met,
            "source": i.source,
            "note": i.note,
        }


def _events(case: CaseSummary, kind: str) -> list[EventSummary]:
    return [e for e in case.events if e.kind == kind]


# -- populations -----------------------------------------------------------------


def _served(case: CaseSummary, period: Period) -> bool:
    return case.opened_on <= period.end and (
        case.closed_on is None or case.closed_on >= period.start
    )


def _with_needs(case: CaseSummary, params: Mapping[str, Any]) -> bool:
    needs = params.get("needs")
    return not needs or bool(case.criminogenic & set(needs))


def population(case: CaseSummary, indicator: Indicator, period: Period) -> tuple[bool, str | None]:
    """Whether ``case`` is in the indicator's population, and an exclusion code if left out."""
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
                    for e in _events(case, "discharge")
                    if e.on == case.closed_on
                ),
                None,
            )
            if (given or "end_of_sentence") != reason:
                return True, "other_discharge_reason"
        return True, None
    if not _served(case, period) or not _with_needs(case, params):
        return False, None
    if kind == "followed":
        plan = case.plan
        entered = case.entry_date is None or case.entry_date <= period.end
        reviewed = plan is not None and any(period.contains(d) for d in plan.reviewed_on)
        return entered and reviewed, None
    least = params.get("min_days_since_entry")
    if least is not None:
        entry = case.entry_date or case.opened_on
        if (period.end - entry).days < int(least):
            return True, "too_few_days_since_entry"
    return True, None


# -- outcomes --------------------------------------------------------------------


def _risk_lowered(case: CaseSummary, _: Mapping[str, Any], library: Library) -> Verdict:
    if len(case.levels) < 2:
        return "single_assessment"
    instrument = library.get(case.instrument)
    levels = instrument.scales[instrument.primary_scale].levels
    first, last = case.levels[0], case.levels[-1]
    if first not in levels or last not in levels:
        return "no_level"
    return levels.index(str(last)) < levels.index(str(first))


def _attainment(case: CaseSummary, params: Mapping[str, Any], _: Library) -> Verdict:
    plan = case.plan
    if plan is None or not plan.counted:
        return "no_objectives"
    return plan.percent >= float(params["percent"])


def _objectives_met(case: CaseSummary, _: Mapping[str, Any], __: Library) -> Verdict:
    plan = case.plan
    if plan is None or not plan.counted:
        return "no_objectives"
    return plan.achieved == plan.counted


def outcome(case: CaseSummary, indicator: Indicator, period: Period, library: Library) -> Verdict:
    """Whether ``case`` meets the indicator's outcome, or why it is excluded."""
    params = indicator.outcome_params
    simple: Mapping[str, Callable[[CaseSummary, Mapping[str, Any], Library], Verdict]] = {
        "risk_lowered": _risk_lowered,
        "attainment_at_least": _attainment,
        "objectives_met": _objectives_met,
    }
    if indicator.outcome in simple:
        return simple[indicator.outcome](case, params, library)
    if indicator.outcome == "no_event_within":
        assert case.closed_on is not None
        until = add_months(case.closed_on, int(params["months"]))
        if until > period.end:
            return "window_not_over"
        return not any(case.closed_on < e.on <= until for e in _events(case, params["event"]))
    sessions = [
        e
        for e in _events(case, "attendance")
        if e.data.get("component") == params["component"] and period.contains(e.on)
    ]
    if indicator.outcome == "attendance_at_least":
        scheduled = sum(int(e.data["scheduled"]) for e in sessions)
        if not scheduled:
            return "no_attendance_recorded"
        attended = sum(int(e.data["attended"]) for e in sessions)
        return 100 * attended >= int(params["percent"]) * scheduled
    if indicator.outcome == "sessions_at_least":
        return sum(int(e.data["attended"]) for e in sessions) >= int(params["sessions"])
    # monthly_at_least: every month of the year the case was open holds enough
    by_month = Counter[int]()
    for e in sessions:
        by_month[e.on.month] += int(e.data["attended"])
    months = [
        m
        for m in range(1, 13)
        if case.opened_on <= dt.date(period.year, m, calendar.monthrange(period.year, m)[1])
        and (case.closed_on is None or case.closed_on >= dt.date(period.year, m, 1))
    ]
    return bool(months) and all(by_month[m] >= int(params["per_month"]) for m in months)


def _missing_data(
    indicator: Indicator, cases: Sequence[CaseSummary], period: Period
) -> Message | None:
    """Why the store cannot give this indicator at all, if so."""
    params = indicator.outcome_params
    if indicator.outcome == "not_recorded":
        what = params["what"]  # what the store lacks, in the definition file's words
        return Message(
            "indicators.why_not.not_recorded",
            {"what": Text(what.get("es", ""), what.get("en", ""))},
        )
    component = params.get("component")
    if component is not None and not any(
        e.kind == "attendance" and e.data.get("component") == component and period.contains(e.on)
        for case in cases
        for e in case.events
    ):
        return Message(
            "indicators.why_not.no_attendance", {"component": component, "year": period.year}
        )
    return None


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
        spec: the indicators.
        period: the year.
        library: the instruments (for the order of risk levels).
        programme: count only this programme (LAS, LAE, LAEIP, IRC, LV, LVI).

    Raises:
        InvalidArgumentError: an unknown programme.
    """
    if programme is not None and programme not in PROGRAMMES:
        raise InvalidArgumentError("programme", programme, "one of " + ", ".join(PROGRAMMES))
    cases = list(summaries)
    year = Period(period)
    out = []
    for indicator in spec.indicators:
        wanted = tuple(p for p in indicator.programmes if programme is None or p == programme)
        if not wanted:
            continue
        mine = [c for c in cases if c.sanction in wanted]
        if indicator.outcome == "not_recorded":  # no data of this kind, whatever the cases
            missing = _missing_data(indicator, [], year)
            out.append(IndicatorResult(indicator, period, wanted, not_computable=missing))
            continue
        if not mine:
            reason = Message("indicators.why_not.no_cases", {"programmes": wanted})
            out.append(IndicatorResult(indicator, period, wanted, not_computable=reason))
            continue
        missing = _missing_data(indicator, mine, year)
        if missing is not None:
            out.append(IndicatorResult(indicator, period, wanted, not_computable=missing))
            continue
        out.append(_count(indicator, mine, year, library, wanted))
    return tuple(out)


def _count(
    indicator: Indicator,
    cases: Sequence[CaseSummary],
    period: Period,
    library: Library,
    programmes: tuple[str, ...],
) -> IndicatorResult:
    numerator = denominator = 0
    exclusions: Counter[str] = Counter()
    for case in cases:
        inside, excluded = population(case, indicator, period)
        if not inside:
            continue
        verdict: Verdict = excluded if excluded else outcome(case, indicator, period, library)
        if isinstance(verdict, str):
            exclusions[verdict] += 1
            continue
        denominator += 1
        numerator += int(verdict)
    reason = None
    if not denominator:
        reason = Message("indicators.why_not.empty_population", {"year": period.year})
    return IndicatorResult(
        indicator,
        period.year,
        programmes,
        numerator,
        denominator,
        dict(sorted(exclusions.items())),
        reason,
    )
