"""PostgreSQL against SQLite in the same run: loading a cohort, one reassessment, the bulk reads.

Run from a checkout (the PostgreSQL server's programs installed, or ``--url``)::

    python benchmarks/bench_postgres.py                    # 10,000 people, a throwaway server
    python benchmarks/bench_postgres.py --people 100000 --json figures.json
    python benchmarks/bench_postgres.py --url postgresql://me@localhost/bench

Without ``--url``, a throwaway PostgreSQL server is started in a temporary
folder the way the test suite starts one (``tests/pgserver.py``), but with
PostgreSQL's durable defaults (every commit flushed to disk, as SQLite's
``synchronous=FULL``); ``--url`` names a database of yours where the role
may create a schema (one named ``bench_<pid>`` is made and left there).
A cohort is simulated once (:func:`rnr.simulate.simulate`), then, on an
SQLite file and on PostgreSQL (rnr writing as a role that may only read and
append, as in production), each timed:

1. **load**: :func:`rnr.simulate.store_cohort`, every assessment scored,
   decided and drafted, every record hashed and chained, scores and
   timelines kept, 1,000 people per write block;
2. **one reassessment** (``--writes`` per writer) with 1, 4 and 16 writer
   processes at once, each reassessing cases of its own, each
   reassessment its own write block as ``rnr case reassess`` makes it:
   median and 99th percentile of a reassessment's latency, and
   reassessments per second of all writers together. The writers share
   this machine's cores with the database;
3. **bulk reads** on the store just opened:
   :func:`rnr.history.bulk.summarize` (every case's summary),
   :func:`rnr.history.due.due_list` (the due list) and
   :func:`rnr.history.programme.programme_report` (the fifteen indicators
   of the first full year).

Both stores must hold the same records and give the same summaries and due
list before any figure is printed. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from rnr.cases.parse import parse_case
from rnr.errors import HistoryError
from rnr.history.bulk import summarize
from rnr.history.definitions import Definitions
from rnr.history.due import due_list
from rnr.history.programme import programme_report
from rnr.history.write import reassess
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.locate import open_store

WRITERS = (1, 4, 16)


def clock(work: Any) -> tuple[float, Any]:
    """Seconds taken by ``work()``, and its value."""
    start = time.perf_counter()
    value = work()
    return time.perf_counter() - start, value


def writer(where: str, jobs: Path, go: Path) -> None:
    """One writer process: wait for ``go``, reassess each case of ``jobs``, print latencies."""
    defs = Definitions.shipped()
    todo = json.loads(jobs.read_text(encoding="utf-8"))
    cases = [(case_id, parse_case(document, file="<bench>")) for case_id, document in todo]
    store = open_store(where)
    store.count()  # connected
    Path(f"{go}-ready-{os.getpid()}").touch()
    latencies = []
    while not go.exists():
        time.sleep(0.002)
    for case_id, case in cases:
        start = time.perf_counter()
        try:
            reassess(store, case_id, case, by=f"bench-{os.getpid()}", defs=defs)
        except HistoryError:  # closed after the summaries' date: not a write, not timed
            continue
        latencies.append(time.perf_counter() - start)
    store.close()
    print(json.dumps(latencies))


def writers_phase(
    where: str,
    store: Any,
    open_cases: list[str],
    *,
    per_writer: int,
    folder: Path,
    label: str,
    writers: tuple[int, ...],
) -> dict[str, Any]:
    """Single reassessments by 1, 4 and 16 writer processes at once, on cases of their own."""
    out: dict[str, Any] = {}
    start_case = 0
    for count in writers:
        go = folder / f"go-{label}-{count}"
        procs = []
        for n in range(count):
            mine = open_cases[start_case : start_case + per_writer]
            start_case += per_writer
            jobs = []
            for case_id in mine:
                last = list(store.records(case_id=case_id, kind="assessment"))[-1]
                document = dict(last.data["document"])
                day = dt.date.fromisoformat(document["assessed_on"]) + dt.timedelta(days=400)
                jobs.append((case_id, {**document, "assessed_on": day.isoformat()}))
            path = folder / f"jobs-{label}-{count}-{n}.json"
            path.write_text(json.dumps(jobs), encoding="utf-8")
            procs.append(
                subprocess.Popen(
                    [sys.executable, __file__, "--writer", where, str(path), str(go)],
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    text=True,
                )
            )
        while len(list(folder.glob(f"{go.name}-ready-*"))) < count:  # loaded and connected
            time.sleep(0.01)
        start = time.perf_counter()
        go.touch()
        latencies: list[float] = []
        for proc in procs:
            said, err = proc.communicate(timeout=1800)
            assert proc.returncode == 0, err[-2000:]
            latencies += json.loads(said)
        wall = time.perf_counter() - start
        p50, p99 = (float(np.percentile(latencies, q)) * 1000 for q in (50, 99))
        rate = len(latencies) / wall
        print(
            f"{label}: {count:>2} writers, {len(latencies)} reassessments: median {p50:.1f} ms,"
            f" 99th percentile {p99:.1f} ms, {rate:.0f} reassessments/s together"
        )
        out |= {
            f"{label}_w{count}_p50_ms": p50,
            f"{label}_w{count}_p99_ms": p99,
            f"{label}_w{count}_per_s": rate,
            f"{label}_w{count}_n": len(latencies),
        }
    return out


def load_phase(stores: dict[str, str], cohort: Any, defs: Definitions) -> dict[str, Any]:
    """The cohort stored into each store, 1,000 people per write block."""
    figures: dict[str, Any] = {}
    for label, where in stores.items():
        with open_store(where) as store:
            seconds, _ = clock(
                lambda s=store: store_cohort(s, cohort, defs=defs, people_per_block=1000)
            )
            records = store.count()
        print(f"{label}: stored {records:,} records in {seconds:.1f} s")
        people = len(cohort.people)
        figures |= {f"{label}_load_s": seconds, f"{label}_people_per_s": people / seconds}
    figures["records"] = records
    return figures


def reads_phase(where: str, as_of: dt.date, year: int, defs: Definitions, label: str) -> Any:
    """Summaries, due list and indicators over the whole store, on the store just opened."""
    store = open_store(where, read_only=True)
    summarize_s, summaries = clock(lambda: summarize(store, as_of=as_of, defs=defs))
    due_s, due = clock(lambda: due_list(store, as_of, defs=defs))
    indicators_s, report = clock(lambda: programme_report(store, period=year, defs=defs))
    store.close()
    computed = sum(1 for r in report.indicators if r.computable)
    print(
        f"{label}: summarized {len(summaries):,} cases in {summarize_s:.1f} s; due list"
        f" {len(due):,} in {due_s:.1f} s; indicators of {year} ({computed} computable)"
        f" in {indicators_s:.1f} s"
    )
    figures = {
        f"{label}_summarize_s": summarize_s,
        f"{label}_due_s": due_s,
        f"{label}_indicators_s": indicators_s,
    }
    return figures, summaries, due


def contents(where: str) -> list[tuple[int, str, str]]:
    """Every record's id, SHA-256 and writer (the time stamps differ between two loads)."""
    with open_store(where, read_only=True) as store:
        return [(s.id, s.sha256, s.recorded_by) for s in store.records()]


def server(url: str | None) -> tuple[str, str, Any]:
    """The owner's and the writer's URLs of a new schema, and what stops the server (or None)."""
    if url is not None:
        import psycopg  # noqa: PLC0415

        schema = f"bench_{os.getpid()}"
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")  # type: ignore[arg-type]
        joined = "&" if "?" in url else "?"
        named = f"{url}{joined}options=-csearch_path%3D{schema}"
        return named, named, None
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    import pgserver  # noqa: PLC0415

    running = pgserver.start(durable=True)
    schema = running.new_schema()
    return (
        running.url("rnr_owner", schema=schema),
        running.url("rnr_writer", schema=schema),
        running,
    )


def arguments() -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--writes", type=int, default=20, help="reassessments per writer")
    parser.add_argument(
        "--writers",
        default=",".join(map(str, WRITERS)),
        help="how many writer processes at once, one run each (default: 1,4,16)",
    )
    parser.add_argument("--url", help="a PostgreSQL database of yours (default: a throwaway one)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--writer", nargs=3, help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    """Run the benchmark and print (or save) the figures."""
    args = arguments()
    if args.writer:
        writer(args.writer[0], Path(args.writer[1]), Path(args.writer[2]))
        return
    defs = Definitions.shipped()
    folder = Path(tempfile.mkdtemp(prefix="rnr-bench-pg-"))
    owner, url, running = server(args.url)
    try:
        open_store(owner).close()  # the owner makes the tables (rnr store init)
        stores = {"sqlite": str(folder / "bench.sqlite3"), "postgres": url}
        figures: dict[str, Any] = {"people": args.people, "years": args.years, "seed": args.seed}
        seconds, cohort = clock(lambda: simulate(args.people, args.years, seed=args.seed))
        print(f"simulated {args.people:,} people: {seconds:.1f} s")
        figures |= load_phase(stores, cohort, defs)
        assert contents(stores["sqlite"]) == contents(stores["postgres"]), "the stores differ"
        as_of = cohort.end - dt.timedelta(days=30)
        year = cohort.start.year + 1
        read: dict[str, Any] = {}
        for label, where in stores.items():
            phase, summaries, due = reads_phase(where, as_of, year, defs, label)
            figures |= phase
            read[label] = (summaries, due)
        assert read["sqlite"] == read["postgres"], "the bulk reads differ"
        open_cases = [s.case_id for s in read["sqlite"][0] if s.closed_on is None]
        writers = tuple(int(n) for n in args.writers.split(","))
        needed = sum(writers) * args.writes
        assert len(open_cases) >= needed, f"{len(open_cases)} open cases: use fewer --writes"
        for label, where in stores.items():  # the same cases, each in its own store
            with open_store(where, read_only=True) as store:
                figures |= writers_phase(
                    where,
                    store,
                    open_cases[:needed],
                    per_writer=args.writes,
                    folder=folder,
                    label=label,
                    writers=writers,
                )
        for where in stores.values():
            with open_store(where, read_only=True) as store:
                result = store.verify()
            assert result.ok, result.problems[:5]
        print(f"both stores verify: {result.records:,} records")
        figures["postgres_vs_sqlite_load"] = figures["postgres_load_s"] / figures["sqlite_load_s"]
        shown = {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}
        print(json.dumps(shown, indent=1))
        if args.json:
            args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    finally:
        if running is not None:
            running.stop()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
