"""A reinsertion index beyond recidivism: four components, weights in data.

For each person discharged in the year (of a programme, if asked), each
component scores from 0 to 1 (:mod:`rnr.definitions.indicators` documents them):
the share of dynamic-need points gone from the first to the last
assessment, the plan's attainment, schooling or employment (the need level
of a domain), and no new offence in the months before discharge. The index
is the weighted mean of the components that can be measured for the
person, from 0 to 100; the report gives the mean, the median, the share at
or above the favourable threshold and each component's mean and coverage.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.dates import add_months
from rnr.definitions.indicators import ReinsertionIndex
from rnr.indicators.caseload import CaseSummary

__all__ = ["ReinsertionReport", "ReinsertionTally", "case_components", "reinsertion"]


def case_components(case: CaseSummary, index: ReinsertionIndex) -> dict[str, float | None]:
    """Each component of one discharged case, from 0 to 1 (``None`` when it cannot be measured)."""
    out: dict[str, float | None] = {}
    for component in index.components:
        value: float | None = None
        if component.id == "dynamic_change" and len(case.dynamic) >= 2:
            first, last = case.dynamic[0], case.dynamic[-1]
            value = 1.0 if first == 0 else min(1.0, max(0.0, (first - last) / first))
        elif component.id == "attainment" and case.plan is not None and case.plan.counted:
            value = case.plan.achieved / case.plan.counted
        elif component.id == "schooling_or_employment":
            need = case.needs.get(str(component.params.get("domain")))
            scores: Mapping[str, float] = component.params.get("scores", {})
            value = scores.get(need) if need is not None else None
        elif component.id == "no_new_offence" and case.closed_on is not None:
            since = add_months(case.closed_on, -int(component.params.get("months", 12)))
            offences = [
                e for e in case.events if e.kind == "new_offence" and since < e.on <= case.closed_on
            ]
            value = 0.0 if offences else 1.0
        out[component.id] = value
    return out


def score_of(components: Mapping[str, float | None], index: ReinsertionIndex) -> float | None:
    """The index of one case: the weighted mean of its measured components, 0 to 100."""
    measured = [
        (c.weight, components[c.id]) for c in index.components if components[c.id] is not None
    ]
    total = sum(w for w, _ in measured)
    if not total:
        return None
    return round(100.0 * sum(w * float(v or 0) for w, v in measured) / total, 1)


@attrs.frozen
class ReinsertionReport:
    """The index over the people discharged in a year."""

    period: int
    programmes: tuple[str, ...]
    n: int
    mean: float | None
    median: float | None
    favourable_at: float
    favourable: int
    components: Mapping[str, tuple[int, float | None]] = attrs.field(converter=frozen_map)
    distribution: tuple[int, ...] = ()

    @property
    def favourable_share(self) -> float | None:
        """The share of people at or above the favourable threshold, in percent."""
        return round(100.0 * self.favourable / self.n, 1) if self.n else None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "period": self.period,
            "programmes": list(self.programmes),
            "n": self.n,
            "mean": self.mean,
            "median": self.median,
            "favourable_at": self.favourable_at,
            "favourable": self.favourable,
            "favourable_share": self.favourable_share,
            "components": {k: {"measured": n, "mean": m} for k, (n, m) in self.components.items()},
            "distribution": list(self.distribution),
        }


def reinsertion(
    summaries: Iterable[CaseSummary],
    index: ReinsertionIndex,
    *,
    period: int,
    programmes: tuple[str, ...],
) -> ReinsertionReport:
    """The reinsertion index of the people of ``programmes`` discharged in ``period``.

    ``distribution`` counts the scores in five bands: 0-20, 20-40, 40-60,
    60-80 and 80-100 (each band includes its lower bound; 100 falls in the last).
    """
    tally = ReinsertionTally(index, period, programmes)
    for case in summaries:
        tally.add(case)
    return tally.report()


@attrs.define
class ReinsertionTally:
    """The reinsertion index of a year, given one case summary at a time.

    It keeps, of the people discharged in the year, each one's index and
    each component's measured values, not the summaries (see
    :func:`reinsertion`); many people's at once from the store's totals
    (:meth:`take_score`, :meth:`take_value`).
    """

    index: ReinsertionIndex
    period: int
    programmes: tuple[str, ...]
    #: The index of each person kept (those with a measured component).
    _scores: list[float] = attrs.field(init=False, factory=list)
    #: Each component's measured values, one per person.
    _values: dict[str, list[float]] = attrs.field(init=False, factory=dict)

    def part(self, case: CaseSummary) -> dict[str, float | None] | None:
        """The components of ``case`` if it was discharged in the year (whatever its programme)."""
        closed = case.closed_on
        if case.closed_by == "discharge" and closed is not None and closed.year == self.period:
            return case_components(case, self.index)
        return None

    def take(
        self, sanction: str | None, part: Mapping[str, float | None] | None, times: int = 1
    ) -> None:
        """Keep a case's components (:meth:`part`) if it is of the programmes; ``times`` cases'."""
        if part is None:
            return
        self.take_score(sanction, score_of(part, self.index), times)
        for component, value in part.items():
            self.take_value(sanction, component, value, times)

    def take_score(self, sanction: str | None, score: float | None, times: int = 1) -> None:
        """Keep ``times`` people's index (:func:`score_of`) if of the programmes and measured."""
        if score is not None and sanction in self.programmes:
            self._scores.extend([score] * times)

    def take_value(
        self, sanction: str | None, component: str, value: float | None, times: int = 1
    ) -> None:
        """Keep ``times`` people's value of a component if of the programmes and measured."""
        if value is not None and sanction in self.programmes:
            self._values.setdefault(component, []).extend([float(value)] * times)

    def add(self, case: CaseSummary) -> None:
        """Keep the components of ``case`` if it is of the programmes and discharged in the year."""
        self.take(case.sanction, self.part(case))

    def report(self) -> ReinsertionReport:
        """The index over the people discharged in the year.

        Each figure adds up people's values exactly (:func:`statistics.fmean`
        rounds once), so it is the same whatever order the people came in.
        """
        index, scores = self.index, self._scores
        bands = [0] * 5
        for s in scores:
            bands[min(4, int(s // 20))] += 1
        components = {}
        for component in index.components:
            values = self._values.get(component.id, [])
            mean = round(statistics.fmean(values), 3) if values else None
            components[component.id] = (len(values), mean)
        return ReinsertionReport(
            period=self.period,
            programmes=self.programmes,
            n=len(scores),
            mean=round(statistics.fmean(scores), 1) if scores else None,
            median=round(statistics.median(scores), 1) if scores else None,
            favourable_at=index.favourable_at,
            favourable=sum(1 for s in scores if s >= index.favourable_at),
            components=components,
            distribution=tuple(bands),
        )
