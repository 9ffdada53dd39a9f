"""Override monitoring: how often professionals override the risk level, and with what outcome.

For the assessments of a year, the share overridden, by assessor (who
assessed the case), by coded reason and by direction; and the outcomes of
overridden against non-overridden assessments: the share with a new offence
within a window after the assessment, among those followed for the whole
window. An agency reads it to see whether overrides are used as the
exception they should be, and whether they improve on the instrument.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.dates import add_months
from rnr.history.bulk import timelines
from rnr.history.definitions import Definitions
from rnr.history.timeline import Timeline, unreadable_as_integrity
from rnr.store.protocol import Store
from rnr.store.records import Stored

__all__ = ["OutcomeRate", "OverrideReport", "Rate", "override_report"]


def _percent(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


@attrs.frozen
class Rate:
    """Overrides among assessments."""

    assessments: int
    overrides: int

    @property
    def percent(self) -> float | None:
        """Overrides per hundred assessments."""
        return _percent(self.overrides, self.assessments)


@attrs.frozen
class OutcomeRate:
    """New offences among assessments followed for the whole window."""

    followed: int
    with_offence: int

    @property
    def percent(self) -> float | None:
        """The share with a new offence, in percent."""
        return _percent(self.with_offence, self.followed)


@attrs.frozen
class OverrideReport:
    """Override rates and outcomes for the assessments of one year."""

    period: int
    programmes: tuple[str, ...] | None
    window_months: int
    as_of: dt.date
    total: Rate
    by_assessor: Mapping[str, Rate] = attrs.field(converter=frozen_map)
    by_reason: Mapping[str, int] = attrs.field(converter=frozen_map)
    by_direction: Mapping[str, int] = attrs.field(converter=frozen_map)
    outcomes: Mapping[str, OutcomeRate] = attrs.field(converter=frozen_map)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""

        def rate(r: Rate) -> dict[str, Any]:
            return {"assessments": r.assessments, "overrides": r.overrides, "percent": r.percent}

        return {
            "period": self.period,
            "programmes": list(self.programmes) if self.programmes else None,
            "window_months": self.window_months,
            "as_of": self.as_of.isoformat(),
            **rate(self.total),
            "by_assessor": {k: rate(v) for k, v in self.by_assessor.items()},
            "by_reason": dict(self.by_reason),
            "by_direction": dict(self.by_direction),
            "outcomes": {
                k: {"followed": v.followed, "with_offence": v.with_offence, "percent": v.percent}
                for k, v in self.outcomes.items()
            },
        }


def override_report(
    store: Store,
    *,
    period: int,
    programmes: tuple[str, ...] | None = None,
    window_months: int = 12,
    as_of: dt.date | None = None,
    rows: Iterable[Stored] | None = None,
    defs: Definitions | None = None,
) -> OverrideReport:
    """Override rates and outcomes for the assessments dated in ``period``.

    Args:
        store: the case store (read one case timeline at a time).
        period: the year of the assessments.
        programmes: count only cases whose latest decision is for these sanctions.
        window_months: the follow-up window for new offences.
        as_of: the last day of follow-up (default: the latest date in the store).
        rows: the store's records, when already read.
        defs: the definitions (default: the shipped ones).
    """
    tally = OverrideTally(period, programmes, window_months)
    for timeline in timelines(store, defs=defs or Definitions.shipped(), rows=rows):
        with unreadable_as_integrity(timeline, store.name):
            tally.add(timeline)
    return tally.report(as_of)


@attrs.define
class OverrideTally:
    """The counts of :func:`override_report`, added up one case at a time.

    Give it each case's timeline as a whole-store reading goes by (the
    ``visit`` of :func:`rnr.history.bulk.summarize`), or many assessments
    at once from the store's totals (:meth:`take_assessor`,
    :meth:`take_override`, :meth:`take_followed`), then ask for the report:
    what it holds grows with the assessors and days of ``period``, not with
    its assessments.
    """

    period: int
    programmes: tuple[str, ...] | None
    window_months: int
    latest_day: dt.date = dt.date.min
    assessed: Counter[str] = attrs.Factory(Counter)
    overridden: Counter[str] = attrs.Factory(Counter)
    reasons: Counter[str] = attrs.Factory(Counter)
    directions: Counter[str] = attrs.Factory(Counter)
    #: How many assessments share a direction, an end of the window and whether a new
    #: offence came within it.
    followed: Counter[tuple[str, dt.date, bool]] = attrs.Factory(Counter)
    #: The days read from shares, by their ISO texts (a caseload repeats them).
    _days: dict[str, dt.date] = attrs.field(init=False, factory=dict)

    def seen(self, day: dt.date) -> None:
        """Cases without an assessment of the year whose latest record is of ``day``."""
        self.latest_day = max(self.latest_day, day)

    def part(self, timeline: Timeline) -> dict[str, Any]:
        """What the counts read of one case, whatever its programme.

        Its latest day and sanction, and of each assessment of the year its
        assessor, override reason and direction, the end of its window and
        whether a new offence came within it.
        """
        doc = timeline.doc
        decisions = doc["decisions"]
        year = f"{self.period:04d}-"  # the timeline's dates are ISO texts
        assessed = []
        mine = [a for a in doc["assessments"] if a[0].startswith(year)]
        if mine:
            overrides = {first: (reason, way) for first, reason, way in doc["overrides"]}
            offences = [
                dt.date.fromisoformat(on) for on, kind, _ in doc["events"] if kind == "new_offence"
            ]
            for on_text, first, *_, assessor, _step in mine:
                on = dt.date.fromisoformat(on_text)
                reason, direction = overrides.get(first, (None, "none"))
                end = add_months(on, self.window_months)
                offended = any(on < d <= end for d in offences)
                who = str(assessor or "—")
                assessed.append([who, reason, direction, end.isoformat(), offended])
        return {
            "latest_on": timeline.latest_on.isoformat(),
            "sanction": decisions[-1][2] if decisions else None,
            "assessed": assessed,
        }

    def take(self, part: Mapping[str, Any]) -> None:
        """Count one case by what the counts read of it (:meth:`part`)."""
        self.seen(self._day(part["latest_on"]))
        sanction = part["sanction"]
        for who, reason, direction, end, offended in part["assessed"]:
            self.take_assessor(sanction, who, overridden=reason is not None)
            if reason is not None:
                self.take_override(sanction, reason, direction)
            self.take_followed(sanction, direction, end, offended=offended)

    def _counts(self, sanction: str | None) -> bool:
        """Whether the assessments of a case of ``sanction`` are counted (its programme)."""
        return self.programmes is None or sanction in self.programmes

    def take_assessor(
        self, sanction: str | None, who: str, *, overridden: bool, times: int = 1
    ) -> None:
        """Count ``times`` assessments by ``who`` of a case of ``sanction`` (``overridden``)."""
        if self._counts(sanction):
            self.assessed[who] += times
            if overridden:
                self.overridden[who] += times

    def take_override(
        self, sanction: str | None, reason: str, direction: str, times: int = 1
    ) -> None:
        """Count ``times`` overrides for ``reason`` in ``direction`` of a case of ``sanction``."""
        if self._counts(sanction):
            self.reasons[reason] += times
            self.directions[direction] += times

    def take_followed(
        self, sanction: str | None, direction: str, end: str, *, offended: bool, times: int = 1
    ) -> None:
        """Count ``times`` assessments (overridden in ``direction``) whose window ends on ``end``
        (its ISO text), with a new offence within it or not."""
        if self._counts(sanction):
            self.followed[direction, self._day(end), offended] += times

    def _day(self, text: str) -> dt.date:
        found = self._days.get(text)
        if found is None:
            found = self._days[text] = dt.date.fromisoformat(text)
        return found

    def add(self, timeline: Timeline) -> None:
        """Count the assessments of one case."""
        self.take(self.part(timeline))

    def report(self, as_of: dt.date | None = None) -> OverrideReport:
        """The report, followed up to ``as_of`` (default: the latest date seen)."""
        until = as_of or self.latest_day
        outcomes: dict[str, list[int]] = {k: [0, 0] for k in ("up", "down", "none")}
        for (direction, end, offended), n in self.followed.items():
            if end <= until:
                outcomes[direction][0] += n
                outcomes[direction][1] += n * int(offended)
        assessed = self.assessed
        by_assessor = {
            k: Rate(assessed[k], self.overridden[k])
            for k in sorted(assessed, key=lambda k: (-assessed[k], k))
        }
        return OverrideReport(
            period=self.period,
            programmes=self.programmes,
            window_months=self.window_months,
            as_of=until,
            total=Rate(sum(assessed.values()), sum(self.overridden.values())),
            by_assessor=by_assessor,
            by_reason=dict(sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0]))),
            by_direction=dict(sorted(self.directions.items())),
            outcomes={
                "overridden_up": OutcomeRate(*outcomes["up"]),
                "overridden_down": OutcomeRate(*outcomes["down"]),
                "not_overridden": OutcomeRate(*outcomes["none"]),
            },
        )
