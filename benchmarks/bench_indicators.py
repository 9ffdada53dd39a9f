"""The programme report of a year over a whole store, against decoding every kept timeline.

Run from a checkout (or anywhere rnr is installed)::

    python benchmarks/bench_indicators.py                       # 10,000 people, 2 years
    python benchmarks/bench_indicators.py --reuse /tmp/h100k.sqlite3 --period 2025
    python benchmarks/bench_indicators.py --people 30000 --years 5 --intake-years 4

A cohort is simulated (:func:`rnr.simulate.simulate`) and written into a new
SQLite store, or ``--reuse`` opens one written before (only read). Then,
each the median of ``--repeat`` runs on the store just opened:

1. **baseline (a)**: every case's kept timeline read and decoded
   (``Store.case_derived``), the least any reading through the timelines
   does;
2. **report**: :func:`rnr.history.programme.programme_report` of
   ``--period`` (default: the last whole year of the store): every
   indicator, the reinsertion index, the override monitoring and the
   costs, from the store's running totals of the counts of the shares of
   the year each case's last write kept (docs/store.md), and from its
   summary where none holds;
3. **report from the shares**: the same over the store seen without its
   totals, every case counted by its kept shares one at a time (the path
   before the totals; checked equal to 2); **from the timelines**: seen
   without its kept shares too, every case's summary made from its
   timeline (the path before them; checked equal to 2);
4. **report, every case read**: the same over the store seen without its
   shares and its case index, so that no case closed before the years the
   report reads is left unread either (checked equal to 2);
5. **change and schedules**: every open case's last change (with its
   reliable change category) and next reassessment on the store's last
   day, from the case index, and their counts: one entry per case
   (:func:`rnr.history.caseload.caseload` with ``limit=None``) counted in
   the database (:func:`rnr.history.caseload.overview`), and in columns
   (:func:`rnr.history.opencases.open_cases`) counted from them (checked
   equal to the database's counts);
6. **together**: 5 in columns and 2 one after the other on the store just opened,
   what a national service asks of its store each night;
7. **rnr indicators --period P --json**: the command in a fresh process,
   wall time and peak memory (``ru_maxrss`` of the child); baseline (b):
   ``rnr --version``.

Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from bench_caseindex import WithoutIndex, timed  # the benchmarks' folder is on the path

from rnr.definitions.indicators import shipped
from rnr.history.caseindex import settled_cases
from rnr.history.caseload import caseload, overview
from rnr.history.definitions import Definitions
from rnr.history.opencases import open_cases
from rnr.history.programme import SHARES, first_day_read, programme_report
from rnr.history.timeline import FORMAT
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.records import CaseDerived
from rnr.store.sqlite import SQLiteStore
from rnr.store.totals import Totals

DEFS = Definitions.shipped()


def decode_all(path: Path) -> int:
    """Baseline (a): every kept timeline read and decoded; the number of cases."""
    with SQLiteStore(path, read_only=True) as store:
        return sum(1 for found in store.case_derived(FORMAT) if found.derived is not None)


class Hiding:
    """A store seen without its running totals: every case is counted by its kept shares.

    ``shares=False`` hides those too: every case is read from its timeline.
    """

    def __init__(self, store: Any, *, shares: bool) -> None:
        self._store = store
        self._shares = shares
        self.hidden = 0  # the shares it kept from the report

    def index_totals(self, _bases: frozenset[str], _group: str) -> Totals:
        # none counted, of no number of rows a report can match: it looks for the others
        return Totals({}, -1)

    def index_uncounted(self, _bases: frozenset[str], _group: str) -> dict[str, int]:
        # a case not counted, and none counted: the report counts each case on its own
        return {"": 0}

    def case_derived(self, basis: str, skip: Any = None, only: Any = None) -> Iterator[CaseDerived]:
        for found in self._store.case_derived(basis, skip, only):
            hide = not self._shares and basis.startswith(SHARES) and found.derived is not None
            self.hidden += hide
            yield attrs.evolve(found, derived=None) if hide else found

    def index_derived(self, basis: str, skip: Any = None) -> Iterator[tuple[str, int, Any]]:
        for case_id, last, derived in self._store.index_derived(basis, skip):
            hide = not self._shares and basis.startswith(SHARES) and derived is not None
            self.hidden += hide
            yield case_id, last, None if hide else derived

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)


def report(
    path: Path, period: int, *, totals: bool = True, shares: bool = True, index: bool = True
) -> Any:
    """The programme report of ``period`` on the store just opened (seen without some of it)."""
    with SQLiteStore(path, read_only=True) as store:
        seen: Any = store if index else WithoutIndex(store)
        if totals and index:
            return programme_report(seen, period=period, defs=DEFS)
        without = Hiding(seen, shares=shares)
        found = programme_report(without, period=period, defs=DEFS)
        assert shares or without.hidden, "no share was hidden: the report did not read them"
        return found


def change_and_schedules(path: Path, as_of: dt.date, *, columns: bool) -> tuple[int, int, int]:
    """Every open case's last change and next reassessment, and their counts, from the index.

    In columns (:func:`rnr.history.opencases.open_cases`, counted from its
    columns), or one entry per case (:func:`rnr.history.caseload.caseload`,
    counted by :func:`rnr.history.caseload.overview` in the database).
    Returns how many cases are open, how many have a last change and how
    many a next reassessment, as the counts give them.
    """
    with SQLiteStore(path, read_only=True) as store:
        return _change_and_schedules(store, as_of, columns=columns)


def _change_and_schedules(
    store: SQLiteStore, as_of: dt.date, *, columns: bool
) -> tuple[int, int, int]:
    if columns:
        found = open_cases(store, as_of=as_of, defs=DEFS)
        counts = found.overview()
        listed = (len(found), int(found.changed.sum()), int((~np.isnat(found.due_on)).sum()))
    else:
        entries = caseload(store, as_of=as_of, defs=DEFS, limit=None).entries
        counts = overview(store, as_of=as_of, defs=DEFS)
        changed = sum(1 for e in entries if e.last_change is not None)
        listed = (len(entries), changed, sum(1 for e in entries if e.due is not None))
    without = sum(c.open for c in counts.changes if c.reliable is None)
    counted = (counts.open, counts.open - without, counts.open - counts.not_due)
    assert counted == listed, "the counts are not those of the cases listed"
    return counted


def same_counts(path: Path, as_of: dt.date) -> None:
    """The columns' counts are the database's (``overview``): checked once, not timed."""
    with SQLiteStore(path, read_only=True) as store:
        found = open_cases(store, as_of=as_of, defs=DEFS).overview()
        assert found == overview(store, as_of=as_of, defs=DEFS), "the columns count otherwise"


def together(path: Path, period: int, as_of: dt.date) -> Any:
    """Change and schedules in columns, then the programme report, on the store just opened."""
    with SQLiteStore(path, read_only=True) as store:
        _change_and_schedules(store, as_of, columns=True)
        return programme_report(store, period=period, defs=DEFS)


def command(args: list[str]) -> tuple[float, int]:
    """Wall seconds of ``rnr ARGS`` in a fresh process, and the peak memory of children (kB)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "rnr.cli", *args], check=True, capture_output=True)
    return time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--intake-years", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--period", type=int, help="the year (default: the store's last whole one)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", type=Path, help="an SQLite store written before (only read)")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()

    figures: dict[str, Any] = {"date": dt.date.today().isoformat()}
    path = args.reuse
    if path is None:
        path = Path(tempfile.mkdtemp(prefix="rnr-indicators-")) / "rnr.sqlite3"
        cohort = simulate(args.people, args.years, seed=args.seed, intake_years=args.intake_years)
        with SQLiteStore(path) as store:
            store_cohort(store, cohort, defs=DEFS)
    with SQLiteStore(path, read_only=True) as store:
        last = max(r.on for r in store.records(kind="event"))
        period = args.period or last.year - (0 if last.month == 12 and last.day == 31 else 1)
        before = first_day_read(shipped()[0], period)
        settled = settled_cases(store, defs=DEFS, before=before)
        as_of = max(r.latest_on for r in store.index_rows() if r.latest_on is not None)
        figures.update(
            people=len(store.case_ids()),
            records=store.count(),
            period=period,
            unread=len(settled.last),
        )

    base, cases = timed(lambda: decode_all(path), args.repeat)
    made, found = timed(lambda: report(path, period), args.repeat)
    shared, taken = timed(lambda: report(path, period, totals=False), args.repeat)
    assert found == taken, "the report differs when every case is counted by its shares"
    timelines, read = timed(lambda: report(path, period, totals=False, shares=False), 1)
    assert found == read, "the report differs when every case is read from its timeline"
    every, plain = timed(lambda: report(path, period, shares=False, index=False), 1)
    assert found == plain, "the report differs when every case is read"
    entries, counted = timed(lambda: change_and_schedules(path, as_of, columns=False), args.repeat)
    changes, (opened, changed, due) = timed(
        lambda: change_and_schedules(path, as_of, columns=True), args.repeat
    )
    assert counted == (opened, changed, due), "the columns count other cases than the entries"
    same_counts(path, as_of)
    both, again = timed(lambda: together(path, period, as_of), args.repeat)
    assert found == again, "the report differs after the caseload's read"
    figures.update(
        decode_s=base,
        report_s=made,
        shares_s=shared,
        timelines_s=timelines,
        every_case_s=every,
        timelines=cases,
        entries_s=entries,
        change_s=changes,
        together_s=both,
        open=opened,
        changed=changed,
        due=due,
    )
    bare, _ = command(["--version"])
    wall, peak = command(["indicators", "--period", str(period), "--json", "--db", str(path)])
    figures.update(version_s=bare, cli_s=wall, cli_peak_mb=peak / 1024)

    print(
        f"{figures['people']:,} cases, {figures['records']:,} records; the indicators of"
        f" {period} ({figures['unread']:,} cases closed before {before} left unread)"
    )
    rows = [
        ("baseline (a): every kept timeline decoded", base, base),
        ("programme report (programme_report, totals)", made, base),
        ("the same from each case's shares (no totals)", shared, base),
        ("the same from the timelines (no kept shares)", timelines, base),
        ("the same, every case read (no shares, no index)", every, base),
        ("change and schedules, an entry per open case", entries, base),
        ("change and schedules of every open case, columns", changes, base),
        ("together: change, schedules and the report", both, base),
        ("rnr indicators --json (fresh process, wall)", wall, bare),
    ]
    print(f"{'what':<50} {'seconds':>9} {'ratio':>8}")
    for name, seconds, against in rows:
        print(f"{name:<50} {seconds:>9.2f} {seconds / against:>7.1f}x")
    print(
        f"rnr indicators: peak memory {figures['cli_peak_mb']:.0f} MB; rnr --version {bare:.2f} s"
    )
    print(
        f"on {as_of}: {opened:,} open cases, {changed:,} with a last change,"
        f" {due:,} with a next reassessment"
    )
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
