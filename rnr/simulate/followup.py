"""Follow-up records of the programmes: attendance, coexistence reviews, yearly objectives.

What the programme indicators count besides assessments and events, drawn
per calendar month (and per calendar year) while a case is open:

- **attendance** of each component the sanction has
  (``Parameters.attendance_sessions``): one record per component and month,
  dated on the month's last day, or on the day before the closing in the
  month a case closes; sessions are prorated in a partial month and vary by
  ± ``attendance_sessions_spread``; each is attended with the person's
  probability that month (a component of ``attendance_needs`` only while the
  latest assessment flags its need);
- a **coexistence review** every month from the baseline assessment, for the
  sanctions of ``coexistence_sanctions`` (complied with a person's
  probability);
- the **objectives of a component for the year**, for the sanctions of
  ``component_objectives``: one record per calendar year with at least
  ``objectives_min_days`` days open, dated 31 December or the day before the
  closing.

Everything is drawn in numpy across people, from the cohort's generator, in
a fixed order: the same seed gives the same records.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import numpy.typing as npt

from rnr.simulate.calendar import to_dates
from rnr.simulate.items import ItemModel, logistic
from rnr.simulate.parameters import Parameters
from rnr.simulate.population import Group
from rnr.simulate.tables import ATTENDANCE, COEXISTENCE, OBJECTIVES, Assessments, EventLog

__all__ = ["follow_up"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
_BIG = 10**9 * 4  # person * _BIG + day sorts (person, day) pairs as one integer


def _months(start: dt.date, first: IntArray, last: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Every (person, month start, month end) with the person open between ``first`` and ``last``.

    Days are day numbers from ``start``; a person with ``last < first`` has none.
    """
    origin = np.datetime64(start, "D")
    m0 = to_dates(start, first).astype("datetime64[M]").astype(np.int64)
    m1 = to_dates(start, last).astype("datetime64[M]").astype(np.int64)
    count = np.where(last >= first, m1 - m0 + 1, 0)
    person = np.repeat(np.arange(first.size), count)
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    month = (m0[person] + offset).astype("datetime64[M]")
    begin = (month.astype("datetime64[D]") - origin).astype(np.int64)
    end = ((month + 1).astype("datetime64[D]") - origin).astype(np.int64) - 1
    return person, begin, end


def _years(start: dt.date, first: IntArray, last: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Every (person, year start, year end) with the person open between ``first`` and ``last``."""
    origin = np.datetime64(start, "D")
    y0 = to_dates(start, first).astype("datetime64[Y]").astype(np.int64)
    y1 = to_dates(start, last).astype("datetime64[Y]").astype(np.int64)
    count = np.where(last >= first, y1 - y0 + 1, 0)
    person = np.repeat(np.arange(first.size), count)
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    year = (y0[person] + offset).astype("datetime64[Y]")
    begin = (year.astype("datetime64[D]") - origin).astype(np.int64)
    end = ((year + 1).astype("datetime64[D]") - origin).astype(np.int64) - 1
    return person, begin, end


def _log_odds(p: float) -> float:
    return math.log(p / (1 - p))


def follow_up(
    rng: np.random.Generator,
    *,
    group: Group,
    model: ItemModel,
    assessments: Assessments,
    close: IntArray,
    start: dt.date,
    end: int,
    params: Parameters,
    log: EventLog,
) -> None:
    """Draw every follow-up record of ``group`` into ``log``.

    Args:
        rng: the cohort's generator.
        group: the people.
        model: their instrument's item model (for need domains).
        assessments: every assessment of the group (for need-bound components).
        close: each person's closing day (discharge or revocation), or a day
            after the period.
        start: the cohort's first day.
        end: the last simulated day.
        params: the model's parameters.
        log: where the records go.
    """
    last = np.minimum(close - 1, end)
    codes = {c: n for n, c in enumerate(params.components())}
    sanctions = group.sanction.tolist()
    person_rate = params.attendance_person_sd * rng.standard_normal(len(group))
    theta = group.theta
    month_person, month_begin, month_end = _months(start, group.entry, last)
    day = np.minimum(month_end, last[month_person])
    open_from = np.maximum(month_begin, group.entry[month_person])
    share = (day - open_from + 1) / (month_end - month_begin + 1)
    order = np.lexsort((assessments.day, assessments.person))
    keys = assessments.person[order] * _BIG + assessments.day[order]
    flags = assessments.criminogenic[order]
    domains = {d.id: n for n, d in enumerate(model.instrument.domains)}
    for sanction in sorted(params.attendance_sessions):
        table = params.attendance_sessions[sanction]
        mine = np.flatnonzero(
            np.array([s == sanction for s in sanctions], dtype=bool)[month_person]
        )
        if not mine.size:
            continue
        for component in sorted(table):
            rows = mine
            need = params.attendance_needs.get(component)
            if need is not None:
                if need not in domains:
                    continue
                latest = np.searchsorted(keys, month_person[rows] * _BIG + day[rows], "right") - 1
                ok = latest >= 0
                ok &= assessments.person[order][np.maximum(latest, 0)] == month_person[rows]
                ok &= flags[np.maximum(latest, 0), domains[need]]
                rows = rows[ok]
            if not rows.size:
                continue
            sessions = table[component]
            base = sessions * share[rows]
            if sessions > 1:
                spread = params.attendance_sessions_spread
                base = base + rng.integers(-spread, spread + 1, size=rows.size)
            scheduled = np.maximum(np.rint(base).astype(np.int64), 1)
            rate = params.attendance_component_rate.get(component, params.attendance_rate)
            who = month_person[rows]
            odds = (
                _log_odds(rate)
                - params.attendance_theta * theta[who]
                + person_rate[who]
                + params.attendance_month_sd * rng.standard_normal(rows.size)
            )
            attended = rng.binomial(scheduled, logistic(odds))
            log.add(
                who,
                day[rows],
                ATTENDANCE,
                scheduled,
                attended,
                c=np.full(rows.size, codes[component]),
            )
    _coexistence(rng, group, month_person=month_person, day=day, params=params, log=log)
    _objectives(rng, group, start=start, last=last, params=params, codes=codes, log=log)


def _coexistence(
    rng: np.random.Generator,
    group: Group,
    *,
    month_person: IntArray,
    day: IntArray,
    params: Parameters,
    log: EventLog,
) -> None:
    """A monthly review of the coexistence rules, from the baseline assessment on."""
    chosen = np.isin(group.sanction, params.coexistence_sanctions)
    person = _log_odds(params.coexistence_rate) - params.coexistence_theta * group.theta
    person = person + params.coexistence_person_sd * rng.standard_normal(len(group))
    rows = np.flatnonzero(chosen[month_person] & (day >= group.baseline[month_person]))
    if not rows.size:
        return
    who = month_person[rows]
    complied = rng.random(rows.size) < logistic(person[who])
    log.add(who, day[rows], COEXISTENCE, complied.astype(np.int64))


def _objectives(
    rng: np.random.Generator,
    group: Group,
    *,
    start: dt.date,
    last: IntArray,
    params: Parameters,
    codes: dict[str, int],
    log: EventLog,
) -> None:
    """The objectives a component set for each calendar year, and how many were met."""
    component = np.array(
        [codes.get(params.component_objectives.get(s, ""), -1) for s in group.sanction.tolist()]
    )
    rate = _log_odds(params.objectives_met_rate) - params.objectives_theta * group.theta
    rate = rate + params.objectives_person_sd * rng.standard_normal(len(group))
    person, begin, year_end = _years(start, group.entry, last)
    day = np.minimum(year_end, last[person])
    days_open = day - np.maximum(begin, group.entry[person]) + 1
    rows = np.flatnonzero((component[person] >= 0) & (days_open >= params.objectives_min_days))
    if not rows.size:
        return
    who = person[rows]
    lo, hi = params.objectives_per_year
    objectives = rng.integers(lo, hi + 1, size=rows.size)
    met = rng.binomial(objectives, logistic(rate[who]))
    log.add(who, day[rows], OBJECTIVES, objectives, met, c=component[who])
