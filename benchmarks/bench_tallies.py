"""What the yearly report's counts would cost if the database added up typed rows.

Run from a checkout (or anywhere rnr is installed)::

    python benchmarks/bench_tallies.py                                  # 10,000 people
    python benchmarks/bench_tallies.py --reuse /tmp/h100k.sqlite3 --period 2025

The programme report counts each case by its shares of the year, one JSON
object per case kept on its last record (docs/store.md): reading and decoding
them is its floor today. This measures the next step before it is built: the
same shares written once, untimed, as typed rows in tables of a scratch SQLite
file (the indicators' verdicts; each assessment the override monitoring
reads; what the costs read), keyed by record as the store keeps them and
joined to each case's last record as the case index names it, then counted by
``GROUP BY``. The counts are checked equal to the same counts made in Python
from the decoded shares. Each figure is the median of ``--repeat`` runs:

1. **baseline (a)**: the shares of ``--period`` read and decoded through the
   store (``index_derived``), nothing counted;
2. **report**: :func:`rnr.history.programme.programme_report` as it is;
3. **typed rows, each count**: the indicators' verdicts by sanction; the
   assessments by assessor, override reason and direction; by direction,
   end of window and new offence; the people with days served or a
   discharge the year before, one row each (the costs price each person);
4. **typed rows, every count**: 3 one after the other.

Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from bench_caseindex import timed  # the benchmarks' folder is on the path

from rnr.history.definitions import Definitions
from rnr.history.programme import programme_report, shares_basis
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.sqlite import SQLiteStore

DEFS = Definitions.shipped()
TABLES = """
CREATE TABLE last (case_id TEXT PRIMARY KEY, record_id INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE verdicts (
    record_id INTEGER, n INTEGER, sanction TEXT, recorded INTEGER, verdict TEXT,
    PRIMARY KEY (record_id, n)) WITHOUT ROWID;
CREATE TABLE assessed (
    record_id INTEGER, k INTEGER, sanction TEXT, who TEXT, reason TEXT, direction TEXT,
    ends TEXT, offended INTEGER, PRIMARY KEY (record_id, k)) WITHOUT ROWID;
CREATE TABLE served (
    record_id INTEGER PRIMARY KEY, case_id TEXT, sanction TEXT, days INTEGER,
    achieved INTEGER, improved INTEGER, before INTEGER, reentered INTEGER) WITHOUT ROWID;
"""
#: The tables of counted rows.
COUNTED = ("verdicts", "assessed", "served")
#: Each count the report makes, as the database would make it.
COUNTS = {
    "verdicts": "SELECT sanction, n, recorded, verdict, count(*) FROM last"
    " JOIN verdicts USING (record_id) GROUP BY 1, 2, 3, 4",
    "assessors": "SELECT sanction, who, reason, direction, count(*) FROM last"
    " JOIN assessed USING (record_id) GROUP BY 1, 2, 3, 4",
    "followed": "SELECT sanction, direction, ends, offended, count(*) FROM last"
    " JOIN assessed USING (record_id) GROUP BY 1, 2, 3, 4",
    "people": "SELECT s.case_id, sanction, days, achieved, improved, before, reentered"
    " FROM last JOIN served s USING (record_id) WHERE days > 0 OR before > 0",
}


def shares(path: Path, basis: str) -> Iterator[tuple[str, int, dict[str, Any]]]:
    """Each case's last record id and shares of the year (decoded), through the store."""
    with SQLiteStore(path, read_only=True) as store:
        for case_id, last, derived in store.index_derived(basis):
            if derived is not None:
                yield case_id, last, dict(derived.values)


def decoded(path: Path, basis: str) -> int:
    """Baseline (a): every case's shares read and decoded."""
    return sum(1 for _ in shares(path, basis))


def rows_of(path: Path, basis: str) -> dict[str, list[tuple[Any, ...]]]:
    """The typed rows of every case's shares, by table."""
    out: dict[str, list[tuple[Any, ...]]] = {table: [] for table in ("last", *COUNTED)}
    for case_id, last, share in shares(path, basis):
        sanction = share["sanction"]
        out["last"].append((case_id, last))
        for n, recorded, verdict in share["indicators"] or ():
            out["verdicts"].append((last, n, sanction, recorded, json.dumps(verdict)))
        for k, (who, reason, way, ends, offended) in enumerate(share["overrides"]["assessed"]):
            row = (last, k, share["overrides"]["sanction"], who, reason, way, ends, offended)
            out["assessed"].append(row)
        if (costs := share["costs"]) is not None:
            kept = (costs["days"], costs["achieved"], costs["improved"], costs["before"])
            out["served"].append((last, case_id, sanction, *kept, costs["reentered"]))
    return out


def python_counts(rows: dict[str, list[tuple[Any, ...]]]) -> dict[str, Counter[Any]]:
    """The same counts as :data:`COUNTS`, made in Python from the decoded shares."""
    return {
        "verdicts": Counter((s, n, int(r), v) for _, n, s, r, v in rows["verdicts"]),
        "assessors": Counter((s, w, r, d) for _, _, s, w, r, d, _, _ in rows["assessed"]),
        "followed": Counter((s, d, e, int(o)) for _, _, s, _, _, d, e, o in rows["assessed"]),
        "people": Counter(
            (c, s, d, a, int(i), b, int(r)) for _, c, s, d, a, i, b, r in rows["served"] if d or b
        ),
    }


def write_tables(path: Path, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """The typed rows in a scratch SQLite file, as a store would keep them."""
    with contextlib.closing(sqlite3.connect(path)) as db, db:
        db.executescript(TABLES)
        for table, found in rows.items():
            if found:
                marks = ", ".join("?" * len(found[0]))
                db.executemany(f"INSERT INTO {table} VALUES ({marks})", found)


def count(path: Path, names: list[str]) -> dict[str, Counter[Any]]:
    """The counts of ``names`` made by the database (people: one row each)."""
    found: dict[str, Counter[Any]] = {}
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        for name in names:
            rows = db.execute(COUNTS[name]).fetchall()
            people = name == "people"
            found[name] = Counter(rows) if people else Counter({r[:-1]: r[-1] for r in rows})
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--period", type=int, help="the year (default: the store's last whole one)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", type=Path, help="an SQLite store written before (only read)")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="rnr-tallies-"))
    path = args.reuse
    if path is None:
        path = folder / "rnr.sqlite3"
        with SQLiteStore(path) as store:
            store_cohort(store, simulate(args.people, args.years, seed=2024), defs=DEFS)
    with SQLiteStore(path, read_only=True) as store:
        last = max(r.on for r in store.records(kind="event"))
        period = args.period or last.year - (0 if last.month == 12 and last.day == 31 else 1)
    basis = shares_basis(period)
    rows = rows_of(path, basis)
    typed = folder / "typed.sqlite3"
    write_tables(typed, rows)
    assert python_counts(rows) == count(typed, list(COUNTS)), "the database counts otherwise"

    base, cases = timed(lambda: decoded(path, basis), args.repeat)

    def report() -> None:
        with SQLiteStore(path, read_only=True) as store:
            programme_report(store, period=period, defs=DEFS)

    made, _ = timed(report, args.repeat)
    each = {n: timed(functools.partial(count, typed, [n]), args.repeat)[0] for n in COUNTS}
    every, _ = timed(lambda: count(typed, list(COUNTS)), args.repeat)
    sizes = ", ".join(f"{len(found):,} {table}" for table, found in rows.items())
    print(f"the shares of {period} of {cases:,} cases; typed rows: {sizes}")
    figures = [
        ("baseline (a): the shares read and decoded", base),
        ("programme report (programme_report)", made),
        *((f"typed rows, counted by the database: {name}", s) for name, s in each.items()),
        ("typed rows, every count", every),
    ]
    print(f"{'what':<55} {'seconds':>9} {'ratio':>8}")
    for name, seconds in figures:
        print(f"{name:<55} {seconds:>9.2f} {seconds / base:>7.2f}x")


if __name__ == "__main__":
    main()
