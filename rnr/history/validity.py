"""A validation data set from the case store: baseline scores and outcomes from events.

For every case assessed with one instrument, the first assessment's primary
total and level, and whether an event (a new offence, by default) happened
within a window after it; only cases followed for the whole window count.
Group columns come from the case: ``sex``, ``regime``, ``sanction`` and
``age_group`` at the baseline. The result is a :class:`~rnr.validity.csvfile.Table`,
the same value a CSV file gives, so ``rnr validate --db`` works like
``rnr validate FILE.csv``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import attrs
import numpy as np

from rnr.dates import add_months
from rnr.errors import InvalidArgumentError, ValidityInputError
from rnr.events import EVENT_KINDS
from rnr.history.bulk import timelines
from rnr.history.definitions import Definitions
from rnr.history.timeline import Row, Timeline, unreadable_as_integrity
from rnr.scoring.single import age_in_years
from rnr.store.protocol import Store
from rnr.text import Message
from rnr.validity.csvfile import Table

__all__ = ["AGE_GROUPS", "GROUP_COLUMNS", "store_table"]

#: The group columns a store gives.
GROUP_COLUMNS = ("sex", "regime", "sanction", "age_group")
#: Age bands at the baseline assessment: (label, lowest age).
AGE_GROUPS = (("<18", 0), ("18-25", 18), ("26-35", 26), ("36+", 36))


def _age_group(birth: str | None, on: dt.date) -> str:
    if not birth:
        return "—"
    age = age_in_years(dt.date.fromisoformat(birth), on)
    return [label for label, lowest in AGE_GROUPS if age >= lowest][-1]


@attrs.frozen
class _Baseline:
    """What the validity table keeps of a case: its first assessment, the events, the groups.

    As its summary on the day says (:func:`rnr.history.summary.summary_at`):
    the instrument of the latest assessment, the sanction of the latest
    decision, the dates of the events of one kind.
    """

    instrument: str
    on: dt.date
    total: int
    level: str | None
    events: tuple[dt.date, ...]
    regime: str
    sanction: str | None
    case_id: str

    @classmethod
    def at(cls, timeline: Timeline, as_of: dt.date, event: str) -> _Baseline | None:
        """The case's baseline on ``as_of`` (``None`` before its first assessment)."""
        doc, day = timeline.doc, as_of.isoformat()
        mine = [a for a in doc["assessments"] if a[Row.ON] <= day]
        if not mine:
            return None
        first = mine[0]
        decision = next((d for d in reversed(doc["decisions"]) if d[0] <= day), None)
        events = [on for on, kind, _ in doc["events"] if kind == event and on <= day]
        return cls(
            str(mine[-1][Row.INSTRUMENT]).split("@", 1)[0],
            dt.date.fromisoformat(first[Row.ON]),
            first[Row.TOTAL],
            first[Row.LEVEL],
            tuple(dt.date.fromisoformat(on) for on in events),
            doc["regime"],
            decision[2] if decision else None,
            timeline.case_id,
        )


def store_table(
    store: Store,
    *,
    instrument: str | None = None,
    event: str = "new_offence",
    window_months: int = 12,
    as_of: dt.date | None = None,
    defs: Definitions | None = None,
    progress: Callable[[int], None] | None = None,
) -> Table:
    """Baseline scores and outcomes of the cases of ``store``.

    Args:
        store: the case store.
        instrument: the instrument id (needed when the store holds several).
        event: the outcome event kind.
        window_months: the follow-up window after the baseline assessment.
        as_of: the last day of follow-up (default: the latest date in the store).
        defs: the definitions.
        progress: called with the number of cases read, as they are (the
            store is read once, one case timeline at a time).

    Returns:
        Columns ``score``, the event's kind (0/1), ``level`` and the group
        columns :data:`GROUP_COLUMNS`; ``file`` describes the selection (the
        message ``service.store_selection``: the store, the instrument, the
        event and its window, how many cases were left out and the last day).

    Raises:
        InvalidArgumentError: an unknown event kind or a window below one month.
        ValidityInputError: no case, several instruments without ``instrument``,
            or no case followed for the whole window.
    """
    if event not in EVENT_KINDS:
        raise InvalidArgumentError("event", event, "one of " + ", ".join(EVENT_KINDS))
    if isinstance(window_months, bool) or not isinstance(window_months, int) or window_months < 1:
        raise InvalidArgumentError("window_months", window_months, "a whole number of months >= 1")
    persons: dict[str, dict[str, str]] = {}
    latest = [dt.date.min]

    # Without ``as_of``, every record counts: the cases on the latest date
    # of the store are those on any later day, so one reading does. Of each
    # case only what the table needs is kept, in the order of its first record.
    kept: list[tuple[int, _Baseline]] = []
    for timeline in timelines(store, defs=defs or Definitions.shipped(), progress=progress):
        with unreadable_as_integrity(timeline, store.name):
            latest[0] = max(latest[0], timeline.latest_on)
            persons[timeline.case_id] = timeline.person
            baseline = _Baseline.at(timeline, as_of or dt.date.max, event)
        if baseline is not None:
            kept.append((timeline.first, baseline))
    baselines = [b for _, b in sorted(kept, key=lambda item: item[0])]
    until = as_of or latest[0]
    ids = sorted({b.instrument for b in baselines})
    if not ids:
        raise ValidityInputError("holds no assessed case", file=store.name)
    if instrument is None and len(ids) > 1:
        msg = f"holds cases of {', '.join(ids)}: choose one with --instrument"
        raise ValidityInputError(msg, file=store.name, column="instrument")
    wanted = instrument or ids[0]
    if wanted not in ids:
        msg = f"holds no case assessed with {wanted!r}; it holds {', '.join(ids)}"
        raise ValidityInputError(msg, file=store.name, column="instrument")
    scores, outcomes, levels = [], [], []
    groups: dict[str, list[str]] = {c: [] for c in GROUP_COLUMNS}
    short = 0
    for b in baselines:
        if b.instrument != wanted:
            continue
        end = add_months(b.on, window_months)
        if end > until:
            short += 1
            continue
        scores.append(float(b.total))
        outcomes.append(any(b.on < day <= end for day in b.events))
        levels.append(b.level or "—")
        person = persons.get(b.case_id, {})
        groups["sex"].append(person.get("sex") or "—")
        groups["regime"].append(b.regime)
        groups["sanction"].append(b.sanction or "—")
        groups["age_group"].append(_age_group(person.get("birth_date"), b.on))
    name = Message(
        "service.store_selection",
        {
            "store": store.name,
            "instrument": wanted,
            "event": event,
            "months": window_months,
            "excluded": short,
            "until": until.isoformat(),
        },
    )
    if not scores:
        msg = f"no case of {wanted} was followed for {window_months} months by {until}"
        raise ValidityInputError(msg, file=store.name)
    return Table(
        file=name,
        rows=len(scores),
        numbers={"score": np.array(scores, dtype=np.float64)},
        outcomes={event: np.array(outcomes, dtype=bool)},
        labels={"level": tuple(levels), **{c: tuple(v) for c, v in groups.items()}},
        header=("score", event, "level", *GROUP_COLUMNS),
    )
