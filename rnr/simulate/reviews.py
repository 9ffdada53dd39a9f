"""Plan reviews: the status of each need domain's objective, every few months.

Reviews fall every ``review_months`` from the baseline assessment while the
case is open. Each lists the criminogenic need domains of the latest
assessment (on or before the review). A domain newly listed is
``in_progress``; at later reviews it may become ``achieved`` (more likely the
more its total fell since it was listed) or, rarely, ``not_achieved`` (more
likely if it rose). Both are final while the domain stays listed; a domain no
longer listed leaves the plan and starts afresh if it returns. A discharge
within the period brings a closing review on the discharge day that settles
every domain still in progress.
"""

from __future__ import annotations

import datetime as dt

import attrs
import numpy as np
import numpy.typing as npt

from rnr.simulate.calendar import add_months
from rnr.simulate.items import ItemModel, logistic
from rnr.simulate.parameters import Parameters
from rnr.simulate.population import Group
from rnr.simulate.tables import NEVER, Course

__all__ = ["STATUSES", "Reviews", "run_reviews"]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Int8Array = npt.NDArray[np.int8]

#: Objective statuses by code (0: the domain is not in the plan).
STATUSES = (None, "in_progress", "achieved", "not_achieved")
IN_PROGRESS, ACHIEVED, NOT_ACHIEVED = 1, 2, 3
_BIG = NEVER * 4  # person * _BIG + day sorts (person, day) pairs as one integer


@attrs.frozen(eq=False)
class Reviews:
    """Every review of a group: one row each, status codes per dynamic domain."""

    person: IntArray
    day: IntArray
    closing: BoolArray
    status: Int8Array  # (rows, dynamic domains); 0 where the domain is not in the plan


@attrs.define
class _Plan:
    """Each person's plan: objective status and reference total per dynamic domain."""

    rng: np.random.Generator
    params: Parameters
    keys: IntArray  # person * _BIG + day of each assessment, ascending
    totals: IntArray  # (assessments, dynamic domains)
    flags: BoolArray  # (assessments, dynamic domains): criminogenic
    maximum: IntArray  # each dynamic domain's maximum
    status: Int8Array  # (people, dynamic domains)
    reference: IntArray  # (people, dynamic domains): the total when the objective was set

    def review(
        self, who: IntArray, day: IntArray, *, closing: bool
    ) -> tuple[IntArray, IntArray, BoolArray, Int8Array]:
        """One round of reviews for the people ``who`` on their ``day``."""
        p = self.params
        latest = np.searchsorted(self.keys, who * _BIG + day, side="right") - 1
        listed, current = self.flags[latest], self.totals[latest]
        status, reference = self.status[who], self.reference[who]
        status[~listed] = 0
        new = listed & (status == 0)
        status[new] = IN_PROGRESS
        reference[new] = current[new]
        change = (reference - current) / self.maximum
        u = self.rng.random(status.shape)
        if closing:
            open_ = listed & (status == IN_PROGRESS)
            achieved = u < logistic(p.closing_base + p.progress_per_improvement * change)
            status[open_ & achieved] = ACHIEVED
            status[open_ & ~achieved] = NOT_ACHIEVED
        else:
            open_ = listed & (status == IN_PROGRESS) & ~new
            p_yes = logistic(p.progress_base + p.progress_per_improvement * change)
            p_no = p.progress_not_achieved + np.maximum(-change, 0.0)
            status[open_ & (u < p_yes)] = ACHIEVED
            status[open_ & (u >= p_yes) & (u < p_yes + p_no)] = NOT_ACHIEVED
        self.status[who], self.reference[who] = status, reference
        return who, day, np.full(who.size, closing), status.copy()


def run_reviews(
    rng: np.random.Generator,
    *,
    group: Group,
    course: Course,
    model: ItemModel,
    start: dt.date,
    end: int,
    params: Parameters,
) -> Reviews:
    """Review the plan of every case of ``group`` while it is open."""
    n, dyn = len(group), model.dynamic_domains
    table = course.assessments
    order = np.lexsort((table.day, table.person))
    plan = _Plan(
        rng=rng,
        params=params,
        keys=table.person[order] * _BIG + table.day[order],
        totals=table.domains[order][:, dyn],
        flags=table.criminogenic[order][:, dyn],
        maximum=np.maximum(model.domain_max[dyn], 1),
        status=np.zeros((n, dyn.size), dtype=np.int8),
        reference=np.zeros((n, dyn.size), dtype=np.int64),
    )
    close = course.close
    out = []
    step = 1
    while True:
        day = add_months(start, group.baseline, np.full(n, step * params.review_months))
        if not (day <= end).any():
            break
        who = np.flatnonzero((day < close) & (day <= end))
        out.append(plan.review(who, day[who], closing=False))
        step += 1
    who = np.flatnonzero(course.discharge < NEVER)
    out.append(plan.review(who, course.discharge[who], closing=True))
    return Reviews(
        person=np.concatenate([o[0] for o in out]),
        day=np.concatenate([o[1] for o in out]),
        closing=np.concatenate([o[2] for o in out]),
        status=np.concatenate([o[3] for o in out]),
    )
