"""A case's shares of a year's reports as counts the store adds up, and the report from their sums.

A case's shares of a year (:func:`rnr.history.programme.year_shares`) say
what each tally of the programme report reads of it. Every tally only adds
up: so each share becomes **counts** (:func:`share_counts`), keys naming
what is counted with how many (a verdict of an indicator for a sanction,
a person served so many days, an assessment of an assessor with its
override and outcome), which the case's row of the index carries
(:func:`counts_text`) and the store adds up across cases in the same write
(:mod:`rnr.store.totals`). A report then takes a year's totals
(:func:`take_totals`) as it would take every case's shares one by one, and
gets the same figures: the totals of ``n`` identical shares count as ``n``
shares would.

>>> shares = {"definitions": "{}", "sanction": None, "indicators": None, "reinsertion": None,
...           "costs": None, "overrides": {"latest_on": "2025-03-01", "sanction": None,
...                                        "assessed": []}}
>>> from rnr.definitions.indicators import shipped
>>> sorted(share_counts(shares, shipped()[1]).items())
[('["n"]', 1), ('["o","l","2025-03-01"]', 1)]
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

from rnr.costs.caseload import CostTally
from rnr.definitions.indicators import ReinsertionIndex
from rnr.errors import StoreIntegrityError
from rnr.history.overrides import OverrideTally
from rnr.indicators.compute import IndicatorTally
from rnr.indicators.reinsertion_index import ReinsertionTally, score_of
from rnr.store.protocol import CaseIndex, Store
from rnr.store.records import canonical
from rnr.store.totals import add_counts
from rnr.text import Message

__all__ = [
    "CASES",
    "Tallied",
    "check_counts",
    "counts_text",
    "share_counts",
    "take_totals",
]

#: The key every share counts once: how many cases a year's totals hold.
CASES = canonical(["n"])


class Tallied(Protocol):
    """The tallies of a year's report that totals are taken into."""

    @property
    def indicators(self) -> IndicatorTally: ...
    @property
    def reinsertion(self) -> ReinsertionTally: ...
    @property
    def costs(self) -> CostTally: ...
    @property
    def overrides(self) -> OverrideTally: ...


@functools.lru_cache(maxsize=16_384, typed=True)  # typed: True and 1 are other keys
def _key(*parts: str | int | float | bool | None) -> str:
    """A count's key: the canonical JSON array of ``parts`` (keys repeat across cases)."""
    return canonical(list(parts))


def share_counts(shares: Mapping[str, Any], index: ReinsertionIndex) -> Counter[str]:
    """The counts of a case's shares of one year (each key a canonical JSON array).

    ``["n"]`` counts the case; ``["o", "l", day]`` its latest day; of each
    assessment of the year (the override monitoring), ``["o", "w",
    sanction, assessor, overridden]``, ``["o", "r", sanction, reason,
    direction]`` if overridden and ``["o", "f", sanction, direction, end,
    offence]``. With a summary in the year: ``["i", sanction, indicator,
    recorded, verdict]`` each indicator of its programme; if discharged in
    the year, the reinsertion index's score (``["r", sanction, "s",
    score]``, of ``index``) and each measured component (``["r", sanction,
    "v", component, value]``); and for the costs ``["c", "n", sanction]``,
    ``["c", "s", sanction, days, objectives, improved]`` if served in the
    year, each component's people with sessions, sessions scheduled and
    attended (``["c", "x", sanction, component, "k"|"s"|"a"]``) and
    ``["c", "b", sanction, days, reentered]`` if discharged the year before.
    """
    found: Counter[str] = Counter({CASES: 1})
    overrides = shares["overrides"]
    found[_key("o", "l", overrides["latest_on"])] += 1
    judged = overrides["sanction"]
    for who, reason, direction, end, offended in overrides["assessed"]:
        found[_key("o", "w", judged, who, reason is not None)] += 1
        if reason is not None:
            found[_key("o", "r", judged, reason, direction)] += 1
        found[_key("o", "f", judged, direction, end, offended)] += 1
    if shares["indicators"] is None:
        return found
    sanction = shares["sanction"]
    for n, recorded, verdict in shares["indicators"]:
        found[_key("i", sanction, n, recorded, verdict)] += 1
    components = shares["reinsertion"]
    if components is not None:
        score = score_of(components, index)
        if score is not None:
            found[_key("r", sanction, "s", score)] += 1
        for component, value in components.items():
            if value is not None:
                found[_key("r", sanction, "v", component, value)] += 1
    costs = shares["costs"]
    if costs is not None:
        found[_key("c", "n", sanction)] += 1
        if costs["days"]:
            served = [costs["days"], costs["achieved"], costs["improved"]]
            found[_key("c", "s", sanction, *served)] += 1
            for component, (scheduled, attended) in costs["sessions"].items():
                found[_key("c", "x", sanction, component, "k")] += 1
                found[_key("c", "x", sanction, component, "s")] += scheduled
                found[_key("c", "x", sanction, component, "a")] += attended
        if costs["before"]:
            found[_key("c", "b", sanction, costs["before"], costs["reentered"])] += 1
    return found


def counts_text(shares: Iterable[tuple[str, Mapping[str, Any]]], index: ReinsertionIndex) -> str:
    """What a case's row of the index carries: the counts of its shares, by their basis."""
    return canonical({basis: dict(share_counts(of_year, index)) for basis, of_year in shares})


def take_totals(tallies: Tallied, totals: Mapping[str, int], *, source: str) -> int:
    """Count a year's totals (:func:`share_counts` added up) in ``tallies``.

    Returns:
        How many cases' shares the totals hold.

    Raises:
        StoreIntegrityError: a key is not one :func:`share_counts` makes (a
            total edited by hand), naming it and ``source``.
    """
    cases = 0
    for text, n in totals.items():
        try:
            cases += _take(tallies, json.loads(text), n)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
            msg = f"the reports' totals hold a key out of shape ({text[:80]!r}); run verify"
            raise StoreIntegrityError(msg, path=source) from exc
    return cases


def _take(tallies: Tallied, key: list[Any], n: int) -> int:
    """Count the key of a total ``n`` times; how many cases it counts."""
    kind, rest = key[0], key[1:]
    overrides = tallies.overrides
    if kind == "n" and not rest:
        return n
    if kind == "i":
        sanction, indicator, recorded, verdict = rest
        tallies.indicators.take(sanction, [(indicator, recorded, verdict)], n)
    elif kind == "r" and rest[1] == "s":
        sanction, _, score = rest
        tallies.reinsertion.take_score(sanction, float(score), n)
    elif kind == "r" and rest[1] == "v":
        sanction, _, component, value = rest
        tallies.reinsertion.take_value(sanction, component, float(value), n)
    elif kind == "o":
        _take_override(overrides, rest, n)
    elif kind == "c":
        if rest[1] and tallies.costs.seen(rest[1]):
            _take_cost(tallies.costs, rest, n)
    else:
        raise ValueError(f"unknown key {key!r}")
    return 0


def _take_override(overrides: OverrideTally, key: list[Any], n: int) -> None:
    """Count an override monitoring's key (``key``: after its ``"o"``) ``n`` times."""
    what = key[0]
    if what == "l":
        overrides.seen(dt.date.fromisoformat(key[1]))
    elif what == "w":
        sanction, who, overridden = key[1:]
        overrides.take_assessor(sanction, who, overridden=overridden, times=n)
    elif what == "r":
        sanction, reason, direction = key[1:]
        overrides.take_override(sanction, reason, direction, n)
    elif what == "f":
        sanction, direction, end, offended = key[1:]
        overrides.take_followed(sanction, direction, end, offended=offended, times=n)
    else:
        raise ValueError(f"unknown key {key!r}")


def _take_cost(costs: CostTally, key: list[Any], n: int) -> None:
    """Count a cost's key (``key``: after its ``"c"``) ``n`` times, for a sanction seen."""
    what, sanction = key[0], key[1]
    if what == "s":
        days, achieved, improved = key[2:]
        costs.served("", sanction, days, achieved=achieved, improved=improved, times=n)
    elif what == "x":
        component, part = key[2:]
        # "k": people with sessions of the component (counted even when none was scheduled)
        costs.sessions(sanction, component, n if part == "s" else 0, n if part == "a" else 0)
    elif what == "b":
        days, reentered = key[2:]
        costs.discharged("", sanction, days, reentered, n)
    elif what != "n":
        raise ValueError(f"unknown key {key!r}")


def check_counts(store: Store, index: ReinsertionIndex) -> tuple[Message, ...]:
    """Check the counts the case index carries: each row's against its shares, the totals' sum.

    Each row's counts of a year must be those of the shares kept on its
    record (which :func:`rnr.history.upkeep.check_timelines` makes again
    from the records), with the reinsertion index's scores of ``index``;
    every row's counts added up must be the store's totals. A store without
    the case index has none.

    Returns:
        One line per row whose counts differ from its shares (or cannot be
        read), and per year whose totals differ from the rows' sum.
    """
    if not isinstance(store, CaseIndex):
        return ()
    problems: list[Message] = []
    summed: Counter[tuple[str, str, str]] = Counter()
    carried: dict[str, dict[str, tuple[int, Mapping[str, int]]]] = defaultdict(dict)
    for row in store.index_counts():
        case_id, record = row[0], row[1]
        try:
            counts = add_counts(summed, row, store.name)
        except StoreIntegrityError:
            problems.append(Message("verify.counts_unread", {"case": case_id, "record": record}))
            continue
        for group, keys in counts.items():
            carried[group][case_id] = (record, keys)
    for group, rows in sorted(carried.items()):
        for found in store.case_derived(group, only=sorted(rows)):
            record, keys = rows[found.case_id]
            made = None
            if found.last == record and found.derived is not None:
                # a share out of shape counts nothing here: check_timelines names it
                with contextlib.suppress(KeyError, TypeError, ValueError, AttributeError):
                    made = share_counts(found.derived.values, index)
            if made != keys:
                where = {"case": found.case_id, "year": _year(group), "record": record}
                problems.append(Message("verify.counts_differ", where))
    kept = store.index_total_rows()
    differ = Counter(
        g for b, g, k in set(summed) | set(kept) if summed[b, g, k] != kept.get((b, g, k), 0)
    )
    problems += [
        Message("verify.totals_differ", {"year": _year(group), "count": n})
        for group, n in sorted(differ.items())
    ]
    return tuple(problems)


def _year(group: str) -> int | str:
    """The year of a group of counts (a share basis: the format, the year, the files' digest)."""
    parts = group.split()
    return int(parts[1]) if len(parts) == 3 and parts[1].isdigit() else group[:40]
