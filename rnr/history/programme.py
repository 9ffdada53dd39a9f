"""The programme report of a year: indicators, reinsertion index, override monitoring, costs.

:func:`programme_report` computes everything; :mod:`rnr.render.indicators`
presents it. A case counts by the shares of the year its last write kept
(:func:`keep_shares`: what each tally reads of it, as plain values), which
the store adds up across cases (:mod:`rnr.history.counts`), or else by its
summary on 31 December made from its timeline; each way gives the same figures.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import attrs

from rnr.costs.caseload import CaseloadCosts, CostTally
from rnr.definitions.costs import costs_dir
from rnr.definitions.costs import shipped as shipped_costs
from rnr.definitions.indicators import PROGRAMMES, IndicatorSet, ReinsertionIndex, shipped
from rnr.definitions.library import data_dir
from rnr.history.bulk import iter_summaries
from rnr.history.caseindex import (
    definitions_basis,
    definitions_hold,
    settled_cases,
    trusted_bases,
)
from rnr.history.counts import CASES, counts_text, take_totals
from rnr.history.definitions import Definitions
from rnr.history.overrides import OverrideReport, OverrideTally
from rnr.history.summary import Reading, summary_at
from rnr.history.timeline import Earlier, Timeline, unreadable_kept
from rnr.indicators.caseload import CaseSummary
from rnr.indicators.compute import IndicatorResult, IndicatorTally
from rnr.indicators.reinsertion_index import ReinsertionReport, ReinsertionTally
from rnr.store.protocol import CaseIndex, Store, Transaction
from rnr.store.records import Derived

__all__ = [
    "SHARES",
    "ProgrammeReport",
    "first_day_read",
    "keep_shares",
    "programme_report",
    "share_years",
    "shares_basis",
    "take_shares",
    "year_counts",
    "year_shares",
    "years_around",
]

#: The name and version of a case's kept shares of the reports of a year.
SHARES = "rnr.report-shares/2"
#: The override monitoring's window, in months.
WINDOW_MONTHS = 12
#: The years before its latest record's whose report shares a case keeps: a year's report
#: made in the next year, and the one before it that it is compared with, read the totals
#: (:func:`share_years`).
YEARS_BEFORE = 2
#: Cases counted between two calls of a report's ``progress``.
_COUNTED = 2000
#: A report takes the store's totals when the cases it must read besides, from their
#: timelines, are at most one for this many counted (:func:`_count_totals`).
_FEW = 10


@attrs.frozen
class ProgrammeReport:
    """Everything the yearly report shows."""

    store: str
    period: int
    programme: str | None
    as_of: dt.date
    indicators: tuple[IndicatorResult, ...]
    reinsertion: ReinsertionReport
    overrides: OverrideReport
    #: What the year's caseload cost (docs/costs.md), from the same summaries.
    costs: CaseloadCosts | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "store": self.store,
            "period": self.period,
            "programme": self.programme,
            "as_of": self.as_of.isoformat(),
            "indicators": [r.to_dict() for r in self.indicators],
            "reinsertion": self.reinsertion.to_dict(),
            "overrides": self.overrides.to_dict(),
            "costs": None if self.costs is None else self.costs.to_dict(),
        }


def programme_report(
    store: Store,
    *,
    period: int,
    programme: str | None = None,
    defs: Definitions | None = None,
    spec: IndicatorSet | None = None,
    index: ReinsertionIndex | None = None,
    progress: Callable[[int], None] | None = None,
) -> ProgrammeReport:
    """Compute the report of ``period`` (one programme, or all) from ``store``.

    A store that keeps the case index adds up every case's shares of the
    year as its last write kept them (:mod:`rnr.history.counts`): the report
    takes those totals, and reads only the cases whose rows carry none of the
    year (a changed definition, a stale row, a year far from the case's
    latest record) from their timelines. Another store is read once, one case
    at a time: each case's shares of the year kept by its last write
    (:func:`take_shares`), or else its summary on 31 December made from its
    timeline. Either way each case is counted by the indicators, the
    reinsertion index, the costs and the override monitoring as its summary
    on 31 December would be, and what the report holds grows with what it
    shows, not with the store. The costs' people are counted without their
    case ids from totals (``rnr costs`` lists each one).
    ``progress`` is called with the number of cases counted, as they are.

    Raises:
        InvalidArgumentError: an unknown programme.
        StoreIntegrityError: a record cannot be read back exactly.
    """
    defs = defs or Definitions.shipped()
    shipped_spec, shipped_index = shipped()
    kept = (spec is None or spec is shipped_spec) and (index is None or index is shipped_index)
    tallies = _Tallies.of(defs, period, programme, spec or shipped_spec, index or shipped_index)
    # a case closed with every record dated before the first year read counts in no
    # population: the case index gives its sanction and latest day, unread
    settled = settled_cases(store, defs=defs, before=first_day_read(tallies.spec, period))
    if progress is not None and settled.last:
        progress(len(settled.last))
    for sanction in settled.sanctions:
        tallies.indicators.seen(sanction)
        tallies.costs.seen(sanction)
    if settled.latest_on is not None:
        tallies.overrides.seen(settled.latest_on)
    as_of = dt.date(period, 12, 31)
    settled_last = settled.last
    if not (kept and _count_totals(store, tallies, settled_last, as_of=as_of, progress=progress)):
        _count_cases(store, tallies, settled_last, kept=kept, as_of=as_of, progress=progress)
    return ProgrammeReport(
        store=store.name,
        period=period,
        programme=programme,
        as_of=as_of,
        indicators=tallies.indicators.results(),
        reinsertion=tallies.reinsertion.report(),
        overrides=tallies.overrides.report(),
        costs=tallies.costs.report(),
    )


def _count_totals(
    store: Store,
    tallies: _Tallies,
    settled: Mapping[str, int],
    *,
    as_of: dt.date,
    progress: Callable[[int], None] | None,
) -> bool:
    """Count the store's totals of the year, and the few cases they leave out; whether it did.

    The totals of the rows whose definitions are loaded with the same
    hashes. The cases they do not count, nor ``settled``, are read from
    their timelines; there are none to look for when the totals count every
    case but those (a case counted has records of the year before or later,
    a settled one none). When they are more than one for :data:`_FEW`
    counted, nothing is counted: reading them one at a time costs more than
    counting every case by its shares.
    """
    if not isinstance(store, CaseIndex):
        return False
    defs, group = tallies.defs, shares_basis(as_of.year)
    trusted = trusted_bases(store.index_bases(), defs)
    totals = store.index_totals(trusted, group)
    counted = totals.values.get(CASES, 0)
    others = []
    if counted + len(settled) != totals.rows:
        others = [c for c in store.index_uncounted(trusted, group) if c not in settled]
    if len(others) * _FEW > counted:
        return False
    take_totals(tallies, totals.values, source=store.name)
    if progress is not None and counted:
        progress(counted)
    if others:
        found = iter_summaries(
            store,
            as_of=as_of,
            defs=defs,
            progress=progress,
            visit=tallies.overrides.add,
            only=others,
        )
        for _, summary in found:
            tallies.add(summary)
    return True


def _count_cases(
    store: Store,
    tallies: _Tallies,
    settled: Mapping[str, int],
    *,
    kept: bool,
    as_of: dt.date,
    progress: Callable[[int], None] | None,
) -> None:
    """Count every case not ``settled`` one at a time, on 31 December (``as_of``).

    By the shares its last write kept (when ``kept``: the shipped indicators
    are counted), or else from its timeline.
    """
    skip, others = dict(settled), 1
    taken: dict[str, int] = {}
    if kept:  # each case's shares kept by its last write, while its definitions hold
        taken, others = take_shares(
            store, tallies.defs, as_of.year, skip, take=tallies.take, progress=progress
        )
        skip.update(taken)

    def visit(timeline: Timeline) -> None:
        if timeline.case_id not in taken:
            tallies.overrides.add(timeline)

    if others:  # the other cases, from their timelines
        found = iter_summaries(
            store, as_of=as_of, defs=tallies.defs, progress=progress, visit=visit, skip=skip
        )
        for _, summary in found:
            # a case written to since its shares were taken is not skipped: counted once
            if summary.case_id not in taken:
                tallies.add(summary)


def first_day_read(spec: IndicatorSet, period: int) -> dt.date:
    """The first day the report reads.

    The year before's (the costs of the people discharged then), or an
    earlier one's when an indicator counts the people discharged then.
    """
    offsets = [
        int(i.population_params.get("year_offset", 0))
        for i in spec.indicators
        if i.population == "discharged"
    ]
    return dt.date(min([period - 1, *(period + o for o in offsets)]), 1, 1)


@attrs.frozen
class _Tallies:
    """The indicators, reinsertion index, costs and override monitoring of a year."""

    defs: Definitions
    spec: IndicatorSet
    indicators: IndicatorTally
    reinsertion: ReinsertionTally
    costs: CostTally
    overrides: OverrideTally

    @classmethod
    def of(
        cls,
        defs: Definitions,
        period: int,
        programme: str | None = None,
        spec: IndicatorSet | None = None,
        index: ReinsertionIndex | None = None,
    ) -> _Tallies:
        """Raises InvalidArgumentError for an unknown programme."""
        shipped_spec, shipped_index = shipped()
        spec = spec or shipped_spec
        programmes = (programme,) if programme else PROGRAMMES
        return cls(
            defs,
            spec,
            IndicatorTally(spec, period, defs.library, programme),
            ReinsertionTally(index or shipped_index, period, programmes),
            CostTally(shipped_costs(), period, programme=programme, named=False),
            OverrideTally(period, (programme,) if programme else None, WINDOW_MONTHS),
        )

    def add(self, summary: CaseSummary) -> None:
        """Count a case summarised on 31 December (its timeline goes to the overrides)."""
        for tally in (self.indicators, self.reinsertion, self.costs):
            tally.add(summary)

    def shares(self, timeline: Timeline, summary: CaseSummary | None) -> dict[str, Any]:
        """What every report of the year reads of the case, as plain values.

        ``summary``: the case's on 31 December of the year (next reassessment aside).
        """
        return {
            "definitions": definitions_basis(timeline.doc),
            "sanction": None if summary is None else summary.sanction,
            "indicators": None if summary is None else self.indicators.part(summary),
            "reinsertion": None if summary is None else self.reinsertion.part(summary),
            "costs": None if summary is None else self.costs.part(summary),
            "overrides": self.overrides.part(timeline),
        }

    def take(self, case_id: str, shares: Mapping[str, Any]) -> None:
        """Count a case by its shares (:meth:`shares`)."""
        sanction = shares["sanction"]
        if shares["indicators"] is not None:
            self.indicators.take(sanction, shares["indicators"])
            self.reinsertion.take(sanction, shares["reinsertion"])
            self.costs.take(case_id, sanction, shares["costs"])
        self.overrides.take(shares["overrides"])


def take_shares(
    store: Store,
    defs: Definitions,
    period: int,
    skip: Mapping[str, int],
    *,
    take: Callable[[str, Mapping[str, Any]], None],
    progress: Callable[[int], None] | None = None,
) -> tuple[dict[str, int], int]:
    """Give ``take`` each case's shares of the reports of ``period`` kept on its last record.

    ``take(case id, shares)``, in case id order, for the cases whose shares
    hold (they name definitions loaded with the same hashes); the cases of
    ``skip`` (see :meth:`~rnr.store.protocol.Store.case_derived`) are left
    out. ``progress`` counts the cases taken.

    Returns:
        The last record id of each case taken (what a reading of the other
        cases skips), and how many other cases there are (not in ``skip``,
        without shares that hold).

    Raises:
        StoreIntegrityError: shares without their format's shape, naming the
            case and the record they are kept on.
    """
    holds: dict[str, bool] = {}
    taken: dict[str, int] = {}
    others = 0
    message = f"the shares of the reports of {period}"  # what a store error names
    basis = shares_basis(period)
    if isinstance(store, CaseIndex):  # each case's last record as its row names it: no scan
        kept = store.index_derived(basis, skip)
    else:
        kept = ((f.case_id, f.last, f.derived) for f in store.case_derived(basis, skip))
    for case_id, last, derived in kept:
        others += 1
        if derived is None:
            continue
        with unreadable_kept(case_id, last, message, store.name):
            shares = derived.values
            definitions = shares["definitions"]
            if definitions not in holds:
                holds[definitions] = definitions_hold(str(definitions), defs)
            if not holds[definitions]:
                continue
            take(case_id, shares)
        taken[case_id] = last
        others -= 1
        if progress is not None and len(taken) % _COUNTED == 0:
            progress(_COUNTED)
    if progress is not None and len(taken) % _COUNTED:
        progress(len(taken) % _COUNTED)
    return taken, others


def shares_basis(period: int) -> str:
    """The basis a case's shares of the reports of ``period`` are kept under.

    The format, the year, and a digest of the shipped indicators,
    reinsertion index and cost files: shares kept with other ones are not read.
    """
    return f"{SHARES} {period} {_shipped_digest()}"


@functools.cache
def _shipped_digest() -> str:
    """SHA-256 of the shipped indicator and cost files (their names and bytes)."""
    digest = hashlib.sha256()
    for folder in (data_dir() / "plans" / "indicators", costs_dir()):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def year_shares(
    timeline: Timeline, reading: Reading, earlier: Earlier | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The case's shares of the reports of the years around its latest record.

    The two years before, the year and the year after (:func:`share_years`):
    the years a report is usually asked for while the case is written to.
    ``earlier``: what was kept for the case before a write block; a year
    its records cannot change is taken from there (:func:`_taken`).
    """
    latest, summary = timeline.latest_on.year, None
    taken = _taken(earlier, timeline)
    for year in share_years(timeline):
        tallies = reading.kept.get((_Tallies, year))
        if tallies is None:  # made once per reading (a loader's block shares one)
            tallies = reading.kept[_Tallies, year] = _Tallies.of(reading.defs, year)
        kept = taken.get(year)
        if kept is not None:
            yield year, {**kept, "overrides": tallies.overrides.part(timeline)}
            continue
        if year <= latest:  # after it, the same records make the same summary
            as_of = dt.date(year, 12, 31)
            summary = summary_at(timeline, as_of=as_of, reading=reading, due=False)
        yield year, tallies.shares(timeline, summary)


#: The fields of a case's share of a year's reports (:meth:`_Tallies.shares`).
_SHARE = frozenset({"definitions", "sanction", "indicators", "reinsertion", "costs", "overrides"})


def _taken(earlier: Earlier | None, timeline: Timeline) -> dict[int, Mapping[str, Any]]:
    """The shares kept before a write that the write's records leave as they were, by year.

    Those of the years before the earliest date of the records (a summary on
    31 December reads only the records up to that day), while the case's
    timeline names the definitions they name. Their overrides are counted
    again: an override's outcome is read after the year.
    """
    if earlier is None:
        return {}
    years = [y for y in share_years(timeline) if y < earlier.since.year]
    found = earlier.values([shares_basis(y) for y in years])
    basis = definitions_basis(timeline.doc)
    taken: dict[int, Mapping[str, Any]] = {}
    for year in years:
        kept = found.get(shares_basis(year))
        values = {} if kept is None else kept.values
        if set(values) == _SHARE and values["definitions"] == basis:
            taken[year] = values
    return taken


def share_years(timeline: Timeline) -> range:
    """The years whose report shares a case keeps: around the year of its latest record.

    :data:`YEARS_BEFORE` years before it, that year and the next; a year
    before the case's first assessment too (its share counts it in no
    population), so that a year's totals count every case a report reads.
    """
    return years_around(timeline.latest_on.year)


def years_around(latest: int) -> range:
    """The years whose report shares a case whose latest record is of year ``latest`` keeps."""
    return range(latest - YEARS_BEFORE, latest + 2)


def keep_shares(
    tx: Transaction, timeline: Timeline, *, reading: Reading, earlier: Earlier | None = None
) -> str:
    """Keep the case's shares of the reports of each year (:func:`year_shares`) in the block.

    ``earlier``: what was kept for the case before the block.

    Returns:
        Their counts, which the case's row of the index carries (:func:`year_counts`).
    """
    found = [(shares_basis(y), s) for y, s in year_shares(timeline, reading, earlier)]
    for basis, shares in found:
        tx.derive_case(timeline.case_id, Derived(timeline.last, basis, shares))
    return counts_text(found, shipped()[1])


def year_counts(timeline: Timeline, reading: Reading) -> str:
    """The counts of the case's shares of each year (:func:`rnr.history.counts.counts_text`)."""
    found = ((shares_basis(y), s) for y, s in year_shares(timeline, reading))
    return counts_text(found, shipped()[1])
