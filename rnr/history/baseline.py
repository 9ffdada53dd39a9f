"""What a local validity study reads of a case: its baseline assessment, groups and events.

A validity study over a store (:func:`rnr.history.validity.store_table`)
takes, of each case assessed by a day, the first assessment's primary
total and level, whether an event of a kind happened within a window after
it, and the groups the study may compare (sex, regime, sanction, age at
the baseline). :func:`baseline_of` makes that value from a case's timeline
on a day; the case index keeps it for the day of each case's latest record
(:mod:`rnr.history.caseindex`, the row's ``baseline``), so a study of a
whole store reads one small value per case instead of every timeline.

>>> found = Baseline.of_text(
...     '{"age":30,"events":{"new_offence":["2025-03-01"]},"first":1,"instrument":"lscmi",'
...     '"level":"medium","on":"2024-02-01","regime":"adult","sanction":"LV","sex":"F",'
...     '"total":17}', "c-1")
>>> found.total, found.level, found.events_of("new_offence")
(17, 'medium', (datetime.date(2025, 3, 1),))
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.history.timeline import Row, Timeline
from rnr.scoring.single import age_in_years
from rnr.store.records import canonical

__all__ = ["Baseline", "baseline_of"]


@attrs.frozen
class Baseline:
    """A case's baseline on a day, as its summary on that day says.

    Attributes:
        first: the case's first record (studies list cases in its order).
        instrument: the instrument id of the latest assessment.
        on, total, level: the first assessment's date, primary total and level.
        regime: ``adult`` or ``juvenile``.
        sanction: the sanction of the latest decision.
        sex: as the case's person says (``None``: not recorded).
        age: the age in whole years on the baseline's date (``None``: no birth date).
        events: the dates of the events of each kind, in order.
    """

    case_id: str
    first: int
    instrument: str
    on: dt.date
    total: int
    level: str | None
    regime: str
    sanction: str | None
    sex: str | None
    age: int | None
    events: Mapping[str, tuple[dt.date, ...]] = attrs.field(converter=frozen_map)

    def events_of(self, kind: str) -> tuple[dt.date, ...]:
        """The dates of the case's events of ``kind``."""
        return self.events.get(kind, ())

    def text(self) -> str:
        """The value as the case index keeps it (canonical JSON, without the case id)."""
        return canonical(
            {
                "first": self.first,
                "instrument": self.instrument,
                "on": self.on.isoformat(),
                "total": self.total,
                "level": self.level,
                "regime": self.regime,
                "sanction": self.sanction,
                "sex": self.sex,
                "age": self.age,
                "events": {k: [d.isoformat() for d in v] for k, v in self.events.items()},
            }
        )

    @classmethod
    def of_text(cls, text: str, case_id: str) -> Baseline:
        """The value :meth:`text` wrote, for ``case_id``.

        Raises:
            ValueError, KeyError, TypeError: not the JSON a row holds (verify names it).
        """
        found: dict[str, Any] = json.loads(text)
        day = dt.date.fromisoformat
        return cls(
            case_id,
            int(found["first"]),
            str(found["instrument"]),
            day(found["on"]),
            int(found["total"]),
            found["level"],
            str(found["regime"]),
            found["sanction"],
            found["sex"],
            found["age"],
            {k: tuple(map(day, v)) for k, v in found["events"].items()},
        )


def baseline_of(timeline: Timeline, as_of: dt.date) -> Baseline | None:
    """The case's baseline on ``as_of`` (``None`` before its first assessment)."""
    doc, day = timeline.doc, as_of.isoformat()
    mine = [a for a in doc["assessments"] if a[Row.ON] <= day]
    if not mine:
        return None
    first = mine[0]
    decision = next((d for d in reversed(doc["decisions"]) if d[0] <= day), None)
    events: dict[str, list[dt.date]] = {}
    for on, kind, _ in doc["events"]:
        if on <= day:
            events.setdefault(kind, []).append(dt.date.fromisoformat(on))
    person = timeline.person
    on = dt.date.fromisoformat(first[Row.ON])
    birth = person.get("birth_date")
    return Baseline(
        timeline.case_id,
        timeline.first,
        str(mine[-1][Row.INSTRUMENT]).split("@", 1)[0],
        on,
        int(first[Row.TOTAL]),
        first[Row.LEVEL],
        str(doc["regime"]),
        decision[2] if decision else None,
        person.get("sex") or None,
        age_in_years(dt.date.fromisoformat(str(birth)), on) if birth else None,
        {k: tuple(v) for k, v in events.items()},
    )
