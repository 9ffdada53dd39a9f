"""The course of every case, month by month: assessments, change and events.

The simulation steps through calendar months (of 30.4375 days) from the
cohort's start to its end, every person at once. In each month:

1. new offences and breaches are drawn from monthly hazards of the latest
   assessed total (logistic in the total, see ``ItemModel.monthly``); an
   offence or breach during the sentence may lead to a revocation, an offence
   after discharge to a harsher sentence (re-entry); in custody (IRC) there
   is no breach nor revocation and offences are rarer;
2. the assessments due this month are done, unless the case has closed:
   dynamic latents move (mean reversion, treatment, noise, a shock after a
   new offence), some dynamic items are answered afresh, static history items
   are turned on by the offences and breaches counted so far, and the answers
   are scored with the engine;
3. the next reassessment is scheduled from the level just assessed.

Events that a later draw made impossible (an event after a revocation, a
breach after discharge) are removed at the end, and the follow-up records
(attendance, coexistence reviews, yearly objectives: :mod:`rnr.simulate.followup`)
are drawn for the time each case was open.
"""

from __future__ import annotations

import datetime as dt
import math

import attrs
import numpy as np
import numpy.typing as npt

from rnr.simulate.calendar import DAYS_PER_MONTH, add_months, ages
from rnr.simulate.followup import follow_up
from rnr.simulate.items import ItemModel
from rnr.simulate.parameters import Parameters
from rnr.simulate.population import Group
from rnr.simulate.responsivity import Responsivities
from rnr.simulate.tables import (
    BREACH,
    DISCHARGE,
    NEVER,
    OFFENCE,
    REENTRY,
    REVOCATION,
    Assessments,
    Course,
    EventLog,
)

__all__ = ["run"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Int8Array = npt.NDArray[np.int8]


@attrs.define
class _State:
    """What the monthly loop carries from one month to the next (changed in place)."""

    z: FloatArray
    answers: Int8Array
    total: IntArray
    level: IntArray
    revocation: IntArray
    reason: IntArray
    reentry: IntArray
    harsher: IntArray
    offences: IntArray
    breaches: IntArray
    offences_at_last: IntArray
    last_day: IntArray
    assessed: IntArray
    due: IntArray
    next_day: IntArray


@attrs.frozen(eq=False)
class _Month:
    """One month's days and its offences and breaches."""

    d0: int
    d1: int
    during: BoolArray  # an offence during the sentence
    offence_day: IntArray
    breach: BoolArray
    breach_day: IntArray


def _uniform(rng: np.random.Generator, bounds: tuple[int, int], n: int) -> IntArray:
    out: IntArray = rng.integers(bounds[0], bounds[1] + 1, size=n, dtype=np.int64)
    return out


def run(
    rng: np.random.Generator,
    *,
    group: Group,
    model: ItemModel,
    responsivity: Responsivities,
    start: dt.date,
    end: int,
    params: Parameters,
) -> Course:
    """Simulate the course of every case of ``group`` from day 0 to ``end``.

    Args:
        rng: the cohort's generator.
        group: the people.
        model: their instrument's item model.
        responsivity: their responsivity (the stage of change moderates treatment).
        start: the cohort's first day.
        end: the last simulated day (a day number).
        params: the model's parameters.
    """
    sexes = np.where(group.male, "male", "female").tolist()
    loop = _Loop(
        rng=rng,
        group=group,
        model=model,
        start=start,
        end=end,
        params=params,
        norm=sexes if model.instrument.norm_groups else None,
        hours=np.array([params.treatment_hours.get(x, 100) for x in model.levels], dtype=float),
        intervals=np.array(
            [
                params.reassessment_months.get(x, params.default_reassessment_months)
                for x in model.levels
            ],
            dtype=np.int64,
        ),
        effect=np.array(
            [params.motivation_effect.get(x, 1.0) for x in responsivity.motivation.tolist()]
        ),
        intensive=np.isin(group.sanction, params.intensive_sanctions),
        custody=np.isin(group.sanction, params.custodial_sanctions),
    )
    state = loop.initial()
    log = EventLog()
    done: list[Assessments] = []
    for month in range(math.ceil((end + 1) / DAYS_PER_MONTH)):
        d0 = math.floor(month * DAYS_PER_MONTH)
        d1 = min(math.floor((month + 1) * DAYS_PER_MONTH), end + 1)
        if d0 >= d1:
            break
        drawn = loop.events(state, log, d0, d1)
        assessed = loop.assess(state, drawn)
        if assessed is not None:
            done.append(assessed)
        state.offences += drawn.during
    return loop.finish(state, log, done)


@attrs.frozen(eq=False)
class _Loop:
    """The draws of each month; the arrays of ``_State`` change in place."""

    rng: np.random.Generator
    group: Group
    model: ItemModel
    start: dt.date
    end: int
    params: Parameters
    norm: list[str] | None  # each person's norm group, when the instrument has them
    hours: FloatArray  # treatment hours by level
    intervals: IntArray  # months to the next reassessment by level
    effect: FloatArray  # treatment multiplier of each person's stage of change
    intensive: BoolArray  # each person's sanction is intensive
    custody: BoolArray  # each person's sanction is served in custody

    def groups(self, k: IntArray) -> list[str] | None:
        """The norm groups of people ``k``."""
        return None if self.norm is None else [self.norm[i] for i in k.tolist()]

    def initial(self) -> _State:
        """Everyone's state at entry: answers as the baseline would find them."""
        g, n = self.group, len(self.group)
        answers = self.model.draw(self.rng, g.z, self.params)
        answers[:, self.model.age] = np.minimum(ages(self.start, g.birth, g.baseline), 127)[:, None]
        first = self.model.score(answers, self.groups(np.arange(n)))

        def zeros() -> IntArray:
            return np.zeros(n, dtype=np.int64)

        return _State(
            z=g.z.copy(),
            answers=answers,
            total=first.total,
            level=first.level,
            revocation=np.full(n, NEVER, dtype=np.int64),
            reason=zeros(),
            reentry=np.full(n, NEVER, dtype=np.int64),
            harsher=zeros(),
            offences=zeros(),
            breaches=zeros(),
            offences_at_last=zeros(),
            last_day=zeros(),
            assessed=zeros(),
            due=g.baseline.copy(),
            next_day=g.baseline.copy(),
        )

    def events(self, s: _State, log: EventLog, d0: int, d1: int) -> _Month:
        """Offences and breaches of the month; the revocations and re-entries they bring."""
        rng, p, g, n = self.rng, self.params, self.group, len(self.group)
        discharge = g.discharge
        lo = np.maximum(d0, g.entry)
        span = np.maximum(d1 - lo, 0)
        live = (span > 0) & (s.revocation > lo) & (s.reentry > lo)
        exposure = span / (d1 - d0)
        h = self.model.monthly(self.model.offence_line, s.total)
        after = d0 >= discharge
        h = np.where(after, np.minimum(h * p.after_discharge_hazard, 1.0), h)
        h = np.where(self.custody & ~after, h * p.custody_offence_factor, h)
        hit = live & (rng.random(n) < 1 - (1 - h) ** exposure)
        day = lo + np.floor(rng.random(n) * span).astype(np.int64)
        during = hit & (day < discharge) & (day < s.revocation)
        after = hit & (day >= discharge) & (discharge < s.revocation) & (day < s.reentry)
        who = np.flatnonzero(during | after)
        log.add(who, day[who], OFFENCE)
        revoke = during & ~self.custody & (rng.random(n) < p.revocation_after_offence)
        _revoke(s, revoke, day + _uniform(rng, p.revocation_delay_days, n), discharge, 0)
        back = after & (rng.random(n) < p.reentry_after_offence)
        when = day + _uniform(rng, p.reentry_delay_days, n)
        who = np.flatnonzero(back & (when < s.reentry))
        s.reentry[who] = when[who]
        young = (g.regime == "juvenile") & (ages(self.start, g.birth[who], day[who]) < 18)
        s.harsher[who] = young.astype(np.int64)
        hb = self.model.monthly(self.model.breach_line, s.total)
        breach_day = lo + np.floor(rng.random(n) * span).astype(np.int64)
        breach = live & (rng.random(n) < 1 - (1 - hb) ** exposure)
        breach &= (breach_day < discharge) & (breach_day < s.revocation) & ~self.custody
        who = np.flatnonzero(breach)
        log.add(who, breach_day[who], BREACH)
        s.breaches += breach
        chance = np.asarray(p.revocation_after_breach)[np.clip(s.breaches, 1, 3) - 1]
        revoke = breach & (rng.random(n) < chance)
        _revoke(s, revoke, breach_day + _uniform(rng, p.revocation_delay_days, n), discharge, 1)
        return _Month(d0, d1, during, day, breach, breach_day)

    def assess(self, s: _State, month: _Month) -> Assessments | None:
        """The assessments due this month, on cases still open."""
        g, p, m = self.group, self.params, self.model
        close = np.minimum(g.discharge, s.revocation)
        nd = s.next_day
        k = np.flatnonzero((nd >= month.d0) & (nd < month.d1) & (nd < close) & (nd <= self.end))
        if not k.size:
            return None
        on = nd[k]
        offences = s.offences[k] + (month.during[k] & (month.offence_day[k] < on))
        breaches = s.breaches[k] - (month.breach[k] & (month.breach_day[k] >= on))
        again = s.assessed[k] > 0
        self._change(s, k[again], on[again], offences[again])
        answers = s.answers[k]
        for column, kind, count in m.history:
            seen = offences if kind == "new_offence" else breaches
            answers[seen >= count, column] = 1
        if p.offence_clears_strength:
            answers[np.ix_(offences >= 1, np.flatnonzero(m.static_strength))] = 0
        answers[:, m.age] = np.minimum(ages(self.start, g.birth[k], on), 127)[:, None]
        s.answers[k] = answers
        scores = m.score(answers, self.groups(k))
        s.total[k], s.level[k] = scores.total, scores.level
        s.due[k] = add_months(self.start, s.due[k], self.intervals[scores.level])
        s.next_day[k] = s.due[k] - _uniform(self.rng, (0, p.reassessment_early_days), k.size)
        s.last_day[k] = on
        s.offences_at_last[k] = offences
        s.assessed[k] += 1
        return Assessments(
            k, on, answers, scores.total, scores.level, scores.domains, scores.criminogenic
        )

    def _change(self, s: _State, k: IntArray, on: IntArray, offences: IntArray) -> None:
        """Move the dynamic latents since the last assessment and redraw some items."""
        if not k.size:
            return
        p, m, rng = self.params, self.model, self.rng
        months = (on - s.last_day[k]) / DAYS_PER_MONTH
        kappa = p.reversion_per_month
        decay = np.exp(-kappa * months)
        dose = self.hours[s.level[k]] / 200.0 * self.effect[k]
        harm = self.intensive[k] & (s.level[k] == 0)
        drift = (-p.treatment_per_month * dose + p.low_risk_harm_per_month * harm) * months
        shock = p.offence_shock * (offences > s.offences_at_last[k])
        sd = p.noise_per_month * np.sqrt((1 - decay**2) / (2 * kappa))
        dyn = m.dynamic_domains
        z = s.z[np.ix_(k, dyn)]
        target = p.rho_domain * self.group.theta[k][:, None]
        noise = sd[:, None] * rng.standard_normal(z.shape)
        s.z[np.ix_(k, dyn)] = (
            target + (z - target) * decay[:, None] + (drift + shock)[:, None] + noise
        )
        fresh = m.draw(rng, s.z[k], p)
        redraw = m.redraw[None, :] & (rng.random(fresh.shape) < p.redraw_probability)
        answers = s.answers[k]
        answers[redraw] = fresh[redraw]
        s.answers[k] = answers

    def finish(self, s: _State, log: EventLog, done: list[Assessments]) -> Course:
        """Close the cases, drop impossible events, and gather the tables."""
        end, discharge = self.end, self.group.discharge
        revocation = np.where(s.revocation <= end, s.revocation, NEVER)
        discharged = np.where((discharge <= end) & (discharge < s.revocation), discharge, NEVER)
        reentry = np.where(s.reentry <= end, s.reentry, NEVER)
        table = Assessments.concat(done, len(self.model.ids), len(self.model.domain_max))
        follow_up(
            self.rng,
            group=self.group,
            model=self.model,
            assessments=table,
            close=np.minimum(discharge, s.revocation),
            start=self.start,
            end=end,
            params=self.params,
            log=log,
        )
        ev = log.events()
        p = ev.person
        keep = (ev.day <= end) & (ev.day < s.revocation[p]) & (ev.day < s.reentry[p])
        keep &= (ev.kind == OFFENCE) | (ev.day < discharge[p])
        idx = np.flatnonzero(keep)
        kept = EventLog()
        kept.chunks.append(
            (ev.person[idx], ev.day[idx], ev.kind[idx], ev.a[idx], ev.b[idx], ev.c[idx])
        )
        for days, kind, values in (
            (revocation, REVOCATION, s.reason),
            (discharged, DISCHARGE, None),
            (reentry, REENTRY, s.harsher),
        ):
            who = np.flatnonzero(days < NEVER)
            kept.add(who, days[who], kind, None if values is None else values[who])
        return Course(
            assessments=table, events=kept.events(), discharge=discharged, revocation=revocation
        )


def _revoke(s: _State, which: BoolArray, day: IntArray, discharge: IntArray, reason: int) -> None:
    """Schedule revocations that fall before discharge and before any earlier one."""
    which = which & (day < discharge) & (day < s.revocation)
    s.revocation[which] = day[which]
    s.reason[which] = reason
