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
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.dates import add_months
from rnr.history.read import Corrections
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
) -> OverrideReport:
    """Override rates and outcomes for the assessments dated in ``period``.

    Args:
        store: the case store.
        period: the year of the assessments.
        programmes: count only cases whose latest decision is for these sanctions.
        window_months: the follow-up window for new offences.
        as_of: the last day of follow-up (default: the latest date in the store).
        rows: the store's records, when already read.
    """
    cases: dict[str, list[Stored]] = defaultdict(list)
    latest_day = dt.date.min
    for row in store.records() if rows is None else rows:
        cases[row.case_id].append(row)
        latest_day = max(latest_day, row.on)
    until = as_of or latest_day
    assessed: Counter[str] = Counter()
    overridden: Counter[str] = Counter()
    reasons: Counter[str] = Counter()
    directions: Counter[str] = Counter()
    outcomes: dict[str, list[int]] = {k: [0, 0] for k in ("up", "down", "none")}
    for records in cases.values():
        fixes = Corrections.of(records, source=store.name)
        decisions = fixes.in_force("decision")
        sanction = decisions[-1][1].data["legal"].get("sanction") if decisions else None
        if programmes is not None and sanction not in programmes:
            continue
        overrides = {int(r.data["assessment"]): r for _, r in fixes.in_force("override")}
        offences = [r.on for _, r in fixes.in_force("event") if r.data.get("kind") == "new_offence"]
        for first, row in fixes.in_force("assessment"):
            if row.on.year != period:
                continue
            assessor = str(row.data.get("assessor") or "—")
            assessed[assessor] += 1
            override = overrides.get(first)
            direction = "none"
            if override is not None:
                overridden[assessor] += 1
                reasons[str(override.data["reason"])] += 1
                direction = str(override.data["direction"])
                directions[direction] += 1
            end = add_months(row.on, window_months)
            if end <= until:
                outcomes[direction][0] += 1
                outcomes[direction][1] += int(any(row.on < d <= end for d in offences))
    by_assessor = {
        k: Rate(assessed[k], overridden[k])
        for k in sorted(assessed, key=lambda k: (-assessed[k], k))
    }
    return OverrideReport(
        period=period,
        programmes=programmes,
        window_months=window_months,
        as_of=until,
        total=Rate(sum(assessed.values()), sum(overridden.values())),
        by_assessor=by_assessor,
        by_reason=dict(reasons.most_common()),
        by_direction=dict(sorted(directions.items())),
        outcomes={
            "overridden_up": OutcomeRate(*outcomes["up"]),
            "overridden_down": OutcomeRate(*outcomes["down"]),
            "not_overridden": OutcomeRate(*outcomes["none"]),
        },
    )
