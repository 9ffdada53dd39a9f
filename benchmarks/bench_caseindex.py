"""Whole-store lists from the case index: the due list and a caseload page, against the timelines.

Run from a checkout (or anywhere rnr is installed)::

    python benchmarks/bench_caseindex.py                      # 10,000 people, 2 years
    python benchmarks/bench_caseindex.py --people 100000 --keep /tmp/caseindex-100k.sqlite3
    python benchmarks/bench_caseindex.py --reuse /tmp/caseindex-100k.sqlite3

A cohort is simulated (:func:`rnr.simulate.simulate`) and written into a new
SQLite store (:func:`rnr.simulate.store_cohort`: every write block keeps
each case's timeline and its row of the case index), or ``--reuse`` opens
a store written before (with ``--fill``, its missing rows are made first,
:func:`rnr.history.caseindex.fill_index`, timed; without, it is only read). Then, each the median of
``--repeat`` runs, on the day after the last record:

1. **due list**: :func:`rnr.history.due.due_list` of the whole store, read
   from the case index; baseline: the same function over the same store
   seen without its index (the path before the index: every case's kept
   timeline decoded and its next reassessment made from it);
   **due list of an earlier day**: the same, half a year before, when most
   cases have later records and the index answers from each row's dues
   (:mod:`rnr.history.dues`);
2. **caseload pages**: :func:`rnr.history.caseload.caseload`, one page of 25
   (by case, next reassessment or risk; the overdue cases by days overdue,
   descending; page 41 by lateness; a search on the case id; one unit's
   cases), filtered, sorted and cut by the database; baseline: the same page
   over the store seen without its index (every case's summary made from
   its timeline, then filtered, sorted and cut in Python, as the workspace
   did);
3. **due pages**: :func:`rnr.history.requests.due_page`, a page of 50
   lines (the first, and one from the middle, by cursor) walked along the
   index of the due order, and :func:`~rnr.history.requests.due_totals`, the
   due counts; baseline: the same over the store seen without its index
   (the whole due list made and cut, or counted);
4. **overview**: :func:`rnr.history.caseload.overview` of every open case,
   counted by the database; baseline: the same over the store seen without
   its index;
5. **validity table**: :func:`rnr.history.validity.store_table` of the
   LS/CMI cases, from each row's baseline; baseline: from every timeline;
6. **rnr due** (on the day, and half a year before), **rnr validate --db**:
   each command over the whole store in a fresh process, as a person runs
   it (wall time, ``--json``); baseline: ``rnr --version``.

Baselines over the store seen without its index take about a minute each
at 100,000 people and are timed once; the index's answers, ``--repeat``
times.

Each indexed answer is checked equal to its baseline before any figure is
printed. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rnr.history.caseindex import fill_index
from rnr.history.caseload import caseload, overview
from rnr.history.definitions import Definitions
from rnr.history.due import due_list
from rnr.history.requests import due_page, due_totals
from rnr.history.requests import page as page_of
from rnr.history.validity import store_table
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.sqlite import SQLiteStore

DEFS = Definitions.shipped()


class WithoutIndex:
    """A store seen without its case index: every read takes the path before it."""

    def __init__(self, store: SQLiteStore) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        if name.startswith("index_"):
            raise AttributeError(name)
        return getattr(self._store, name)


def timed(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """The median wall time of ``repeat`` runs, in seconds, and the last answer."""
    times, answer = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        answer = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), answer


def command(args: list[str], repeat: int) -> float:
    """The median wall time of ``rnr ARGS`` in a fresh process."""

    def run() -> None:
        subprocess.run(
            [sys.executable, "-m", "rnr.cli", *args], check=True, capture_output=True, text=True
        )

    return timed(run, repeat)[0]


#: How long before the day of the lists the earlier day's due list is.
EARLIER = dt.timedelta(days=183)

#: The caseload pages timed: a name, and the query.
PAGES: dict[str, dict[str, Any]] = {
    "page 1 by case": {},
    "page 1 by next reassessment": {"order": "due"},
    "page 1 by risk, descending": {"order": "rank", "descending": True},
    "overdue, most overdue first": {"order": "late", "descending": True, "overdue": True},
    "by lateness, page 41": {"order": "late", "descending": True, "offset": 1000},
    "search on the case id": {"search": "0042"},
    "one unit's cases": {"unit": "norte"},
}


def _due_key(due: Any) -> str:
    """The key a cursor of the due list names (its due date and case id)."""
    return f"{due.due_on.isoformat()} {due.case_id}"


def measure(store: SQLiteStore, as_of: dt.date, repeat: int) -> list[tuple[str, float, float]]:
    """Each list from the index and from the store seen without it: name, seconds, seconds."""
    plain: Any = WithoutIndex(store)
    rows: list[tuple[str, float, float]] = []
    indexed, now = timed(lambda: due_list(store, as_of, defs=DEFS), repeat)
    before, then = timed(lambda: due_list(plain, as_of, defs=DEFS), 1)
    assert now == then, "the due list from the index differs from the timelines'"
    rows.append((f"due list ({len(now):,} open cases)", indexed, before))
    earlier = as_of - EARLIER
    indexed, now_then = timed(lambda: due_list(store, earlier, defs=DEFS), repeat)
    before, then = timed(lambda: due_list(plain, earlier, defs=DEFS), 1)
    assert now_then == then, "the earlier day's due list from the index differs"
    rows.append((f"due list half a year before ({len(now_then):,})", indexed, before))
    for name, query in PAGES.items():

        def page(on: Any, query: dict[str, Any] = query) -> Any:
            return caseload(on, as_of=as_of, defs=DEFS, limit=25, **query)

        indexed, found = timed(lambda: page(store), repeat)
        before, then = timed(lambda: page(plain), 1)
        assert found == then, f"{name}: the page from the index differs"
        rows.append((f"caseload: {name} ({found.total:,})", indexed, before))
    # the cursor a walk of the list gives after its first half (a cursor names a line's key)
    half = now[max(0, len(now) // 2 - 1) :]
    middle = page_of(half, key=_due_key, limit=1, cursor=None, list_name="due").next
    for name, cursor in (("first page", None), ("a page from the middle", middle)):

        def due(on: Any, cursor: str | None = cursor) -> Any:
            return due_page(on, as_of, defs=DEFS, limit=50, cursor=cursor)

        indexed, found = timed(lambda: due(store), repeat)
        before, then = timed(lambda: due(plain), 1)
        assert found == then, f"due page, {name}: the page from the index differs"
        rows.append((f"due page of 50: {name}", indexed, before))
    indexed, totals = timed(lambda: due_totals(store, as_of, defs=DEFS), repeat)
    before, then = timed(lambda: due_totals(plain, as_of, defs=DEFS), 1)
    assert totals == then, "the due counts from the index differ"
    rows.append((f"due counts ({totals.due:,} due, {totals.overdue:,} overdue)", indexed, before))
    indexed, counts = timed(lambda: overview(store, as_of=as_of, defs=DEFS), repeat)
    before, then = timed(lambda: overview(plain, as_of=as_of, defs=DEFS), 1)
    assert counts == then, "the overview from the index differs"
    rows.append((f"overview of every open case ({counts.open:,})", indexed, before))
    indexed, table = timed(lambda: store_table(store, instrument="lscmi", defs=DEFS), repeat)
    before, then = timed(lambda: store_table(plain, instrument="lscmi", defs=DEFS), 1)
    assert table.rows == then.rows, "the validity table from the index differs"
    assert table.numbers["score"].tolist() == then.numbers["score"].tolist()
    assert table.labels == then.labels
    rows.append((f"validity table, LS/CMI ({table.rows:,} baselines)", indexed, before))
    return rows


def written(args: argparse.Namespace, folder: Path, figures: dict[str, Any]) -> Path:
    """The store to read: ``--reuse`` (filled with ``--fill``), or a cohort written now."""
    if args.reuse is not None:
        if args.fill:
            with SQLiteStore(args.reuse) as store:
                start = time.perf_counter()
                figures["filled"] = fill_index(store, defs=DEFS, by="bench")
                figures["fill_s"] = time.perf_counter() - start
        path: Path = args.reuse
        return path
    path = args.keep or folder / "rnr.sqlite3"
    cohort = simulate(args.people, args.years, seed=args.seed)
    with SQLiteStore(path) as store:
        start = time.perf_counter()
        store_cohort(store, cohort, defs=DEFS)
        figures["store_s"] = time.perf_counter() - start
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", type=Path, help="an SQLite store written before")
    parser.add_argument(
        "--fill", action="store_true", help="with --reuse, make its missing index rows first"
    )
    parser.add_argument("--keep", type=Path, help="keep the store written at this path")
    parser.add_argument("--json", type=Path, help="write the figures here too")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="rnr-caseindex-"))
    figures: dict[str, Any] = {"date": dt.date.today().isoformat()}
    try:
        path = written(args, folder, figures)
        with SQLiteStore(path, read_only=True) as store:
            last = max((r.on for r in store.records(kind="event")), default=dt.date(2026, 1, 1))
            as_of = last + dt.timedelta(days=1)
            cases = len(store.case_ids())
            figures.update(people=cases, records=store.count(), as_of=as_of.isoformat())
            rows = measure(store, as_of, args.repeat)
        due = ["due", "--as-of", as_of.isoformat(), "--json", "--db", str(path)]
        due_then = ["due", "--as-of", (as_of - EARLIER).isoformat(), "--json", "--db", str(path)]
        validate = ["validate", "--instrument", "lscmi", "--json", "--db", str(path)]
        bare = command(["--version"], 1)
        rows.append(("rnr due (fresh process, wall)", command(due, 1), bare))
        rows.append(("rnr due, half a year before (fresh, wall)", command(due_then, 1), bare))
        rows.append(("rnr validate --db (fresh process, wall)", command(validate, 1), bare))
        print(f"{cases:,} cases, {figures['records']:,} records, as of {as_of}")
        if "store_s" in figures:
            print(f"store_cohort: {figures['store_s']:.1f} s")
        if "fill_s" in figures:
            print(f"fill_index: {figures['filled']:,} rows in {figures['fill_s']:.1f} s")
        print(f"{'what':<52} {'index':>10} {'baseline':>10} {'ratio':>8}")
        for name, indexed, before in rows:
            print(f"{name:<52} {indexed:>9.3f}s {before:>9.3f}s {before / indexed:>7.1f}x")
        figures["rows"] = [{"what": n, "index_s": i, "baseline_s": b} for n, i, b in rows]
        if args.json is not None:
            args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
