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
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from rnr.dates import add_months
from rnr.errors import InvalidArgumentError, StoreIntegrityError, ValidityInputError
from rnr.events import EVENT_KINDS
from rnr.history.baseline import Baseline, baseline_of
from rnr.history.bulk import timelines
from rnr.history.caseindex import trusted_bases
from rnr.history.definitions import Definitions
from rnr.history.timeline import Timeline, build_timelines, unreadable_as_integrity
from rnr.store.caseindex import iso_day, refused_row
from rnr.store.protocol import CaseIndex, Store
from rnr.text import Message
from rnr.validity.csvfile import Table

__all__ = ["AGE_GROUPS", "GROUP_COLUMNS", "store_table"]

#: The group columns a store gives.
GROUP_COLUMNS = ("sex", "regime", "sanction", "age_group")
#: Age bands at the baseline assessment: (label, lowest age).
AGE_GROUPS = (("<18", 0), ("18-25", 18), ("26-35", 26), ("36+", 36))


def _age_group(age: int | None) -> str:
    if age is None:
        return "—"
    return [label for label, lowest in AGE_GROUPS if age >= lowest][-1]


def _baselines(
    store: Store,
    as_of: dt.date | None,
    defs: Definitions,
    progress: Callable[[int], None] | None,
) -> tuple[list[Baseline], dt.date]:
    """Every case's baseline on ``as_of`` (all records: ``None``) and the store's latest day.

    From the case index where its rows hold (a row's baseline holds on any
    day from its case's latest record on), the other cases from their
    timelines; a store without an index, from every timeline.
    """
    day = as_of or dt.date.max
    found: list[Baseline] = []
    latest = dt.date.min
    others: list[str] = []
    read: Iterable[Timeline]
    if isinstance(store, CaseIndex):
        trusted = trusted_bases(store.index_bases(), defs)
        rows = 0
        for case_id, record_id, basis, latest_on, text in store.index_baselines():
            try:
                on = None if latest_on is None else iso_day(latest_on)
            except (TypeError, ValueError) as exc:
                raise refused_row(
                    case_id, record_id, f"is out of shape ({exc})", store.name
                ) from exc
            if basis not in trusted or on is None or on > day:
                others.append(case_id)
                continue
            rows += 1
            latest = max(latest, on)
            if text is not None:
                try:
                    found.append(Baseline.of_text(text, case_id))
                except (ValueError, KeyError, TypeError) as error:
                    msg = f"case {case_id}: the case index row's baseline is unreadable"
                    raise StoreIntegrityError(msg, path=store.name, record=record_id) from error
        if progress is not None:
            progress(rows)
        read = _timelines_of(store, others, defs, progress)
    else:
        read = timelines(store, defs=defs, progress=progress)
    for timeline in read:
        with unreadable_as_integrity(timeline, store.name):
            latest = max(latest, timeline.latest_on)
            baseline = baseline_of(timeline, day)
        if baseline is not None:
            found.append(baseline)
    found.sort(key=lambda b: b.first)
    return found, latest


def _timelines_of(
    store: Store,
    case_ids: list[str],
    defs: Definitions,
    progress: Callable[[int], None] | None,
) -> Iterator[Timeline]:
    """The timelines of ``case_ids``, built from their records, a block at a time."""
    for start in range(0, len(case_ids), 2000):
        groups = list(store.cases(only=case_ids[start : start + 2000]))
        yield from build_timelines(groups, defs=defs, source=store.name)
        if progress is not None:
            progress(len(groups))


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
    baselines, latest = _baselines(store, as_of, defs or Definitions.shipped(), progress)
    until = as_of or latest
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
        outcomes.append(any(b.on < day <= end for day in b.events_of(event)))
        levels.append(b.level or "—")
        groups["sex"].append(b.sex or "—")
        groups["regime"].append(b.regime)
        groups["sanction"].append(b.sanction or "—")
        groups["age_group"].append(_age_group(b.age))
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
