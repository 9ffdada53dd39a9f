"""Single reassessments, one write block each, on a copy of a store: median and tail.

Run from a checkout (or anywhere rnr is installed)::

    python benchmarks/bench_writes.py --db STORE --writes 500   # on a copy of STORE
    python benchmarks/bench_writes.py --people 2000             # on a store it simulates

Each reassessment is an open case's last assessment again, 400 days later,
written as ``rnr case reassess`` and the service write it
(:func:`rnr.history.write.reassess`: read and replay the case, score,
decide, draft, write the records in one block, replay it there, keep its
timeline and index row, commit): :func:`bench_history.write_phase`. Each
write's durable commit (the ``COMMIT`` that syncs the log) is timed apart,
and the writes' figures are printed with and without it. Baseline (c): one
row of the same JSON inserted and committed alone into a bare table with
the same durability settings, on the same disk, after each write: a disk
that stalls a sync now and then shows it there too. The cases are spread
over the store's open cases (:func:`rnr.history.bulk.iter_due`).

``--way`` says how each write is made: ``command`` (the default), as a
command makes it (the shipped definitions, a memo of the write's own);
``served``, as ``rnr serve`` makes it, after a read of the case (untimed,
as the ``If-Match`` of every write over HTTP implies) with definitions
whose reads and writes share one memo
(:meth:`rnr.history.definitions.Definitions.remembering`, ``rnr serve``'s
default size); ``both``, every other case each way, so that the two are
measured on one machine at one time. A served read or write is followed,
untimed, by the garbage collection the service makes once a response is
sent (:mod:`rnr.service.collector`); the collections that fall inside the
timed writes are counted. Each write's wall time is printed with the
process's own CPU time, which the host's other work does not lengthen.

The process is set up as rnr's own commands set theirs up
(:data:`rnr.cli.app.GC_THRESHOLD`), or with Python's collector thresholds
with ``--python-gc``. ``--warmup`` reassessments of other cases come first,
timed apart (a service's process has made its first writes long before;
its caches are warm): the figures of both are printed. Nothing here is a
pass/fail test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import shutil
import tempfile
from pathlib import Path

from bench_history import CommitsTimed, write_phase

from rnr.cli.app import GC_THRESHOLD
from rnr.history.bulk import iter_due
from rnr.history.definitions import Definitions
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.sqlite import SQLiteStore


def main() -> None:
    """Copy or simulate the store, write, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="the store to copy (default: simulate one)")
    parser.add_argument("--people", type=int, default=2000, help="people simulated without --db")
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=50, help="writes timed apart, first")
    parser.add_argument("--python-gc", action="store_true", help="keep Python's GC thresholds")
    parser.add_argument(
        "--way",
        choices=("command", "served", "both"),
        default="command",
        help="as a command writes, as rnr serve does after a read, or every other case each way",
    )
    args = parser.parse_args()
    defs = Definitions.shipped()
    folder = Path(tempfile.mkdtemp(prefix="rnr-writes-"))
    path = folder / "bench.sqlite3"
    if args.db is not None:
        for suffix in ("", "-wal"):  # the file and what its log holds yet
            if Path(f"{args.db}{suffix}").exists():
                shutil.copyfile(f"{args.db}{suffix}", f"{path}{suffix}")
        os.sync()  # the copy on disk, so that the first commits do not wait for it
    else:
        with SQLiteStore(path) as store:
            store_cohort(store, simulate(args.people, 2.0, seed=2024), defs=defs)
    if not args.python_gc:
        gc.set_threshold(*GC_THRESHOLD)
    with CommitsTimed(path) as store:
        latest = max(r.on for r in store.records(kind="assessment")) if args.db is None else None
        as_of = latest or dt.date.today()
        open_cases = [due.case_id for due in iter_due(store, as_of=as_of, defs=defs)]
        print(f"{len(open_cases):,} open cases in a copy of {args.db or 'a simulated store'}")
        if args.warmup:
            print("first, on other cases:", end=" ")
            write_phase(store, folder, defs, open_cases[1::2], args.warmup)
        figures = write_phase(store, folder, defs, open_cases[::2], args.writes, way=args.way)
    shutil.rmtree(folder)
    print({k: round(v, 2) if isinstance(v, float) else v for k, v in figures.items()})


if __name__ == "__main__":
    main()
