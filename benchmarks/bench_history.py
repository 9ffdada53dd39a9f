"""Case-history speed: storing a simulated cohort, then change and schedules for all of it.

Run from a checkout (or anywhere rnr is installed)::

    python benchmarks/bench_history.py                   # 100,000 people, 2 years
    python benchmarks/bench_history.py --people 5000 --json figures.json

A cohort is simulated (:func:`rnr.simulate.simulate`, about four
assessments per person over two years), then, each timed once:

1. **store**: :func:`rnr.simulate.store_cohort` into a new SQLite store: every
   assessment scored, decided and drafted (to map plan progress onto
   objectives), every record hashed and chained into the audit log;
   baseline (a): ``executemany`` of the same number of rows of the same
   JSON text into a bare SQLite table in one transaction, no hashing, no
   audit, no checks: the floor of writing these bytes; baseline (a'): the
   same records appended through a new store alone (:func:`store_alone`:
   each record's data checked and made canonical, hashed, chained into the
   audit log, committed in blocks), what the store's guarantees cost before
   any scoring, deciding, drafting or derived value;
2. **summarize**: :func:`rnr.history.bulk.summarize`: from the timeline each
   write kept on the case's last record (:mod:`rnr.history.timeline`), every
   case's assessments, the last change (deltas, transitions, reliable
   change index), the next reassessment of every open case (interval and
   event triggers), the plan in force; baseline (b): iterating over every
   record of the store (reading and hash-checking rows) without computing
   anything;
3. **single**: the same summary one case at a time from replayed histories
   (:func:`rnr.history.read_history` + :func:`~rnr.history.bulk.summarize_case`)
   on a sample, per case, to set the bulk path against;
4. **verify**: :meth:`SQLiteStore.verify` of the whole store, then
   :func:`rnr.history.upkeep.verify_store` (the same, every score kept
   beside an assessment recomputed from its answers and every kept
   timeline built again from its records, and compared);
5. **one write**: single reassessments of open cases (``--writes``), each
   its own write block as ``rnr case reassess`` makes it, median and 99th
   percentile, with and without each write's durable commit; baseline (c):
   one row of the same JSON inserted and committed alone into a bare table
   of a file with the same durability settings, after each write (the
   disk's own stalls, at the same moments);
6. **commands**: ``rnr indicators``, ``rnr due`` and ``rnr validate --db``
   over the whole store, each in a fresh process, as a person runs them
   (wall time); baseline (d): ``rnr --version``;
7. **indicators**: :func:`rnr.indicators.programme_report` for the first
   full year, on the store just opened: the bulk summaries on 31 December
   (change and schedules), every indicator, the reinsertion index and
   override monitoring, from one reading of the timelines.

With ``--reuse``, a store written before timelines were kept gains them
first (:func:`rnr.history.upkeep.materialise`, timed).

The bulk summary is checked equal to the single path on the sample before
any figure is printed. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import shutil
import sqlite3
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
from rnr.history.memo import SHARED
from rnr.history.programme import programme_report
from rnr.history.read import read_history
from rnr.history.summary import summarize_case
from rnr.history.upkeep import materialise, verify_store
from rnr.history.write import reassess
from rnr.service.collector import collect_between
from rnr.service.preconditions import Expecting, etag
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.records import Record, canonical
from rnr.store.sqlite import SQLiteStore


def clock(work: Any) -> tuple[float, Any]:
    """Seconds taken by ``work()``, and its value."""
    start = time.perf_counter()
    value = work()
    return time.perf_counter() - start, value


def bare_insert(path: Path, rows: list[tuple[int, str]]) -> None:
    """Baseline (a): the same number of rows of the same JSON, no hashing, no audit."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, data TEXT)")
    with conn:
        conn.executemany("INSERT INTO t VALUES (?, ?)", rows)
    conn.close()


def store_alone(path: Path, records: list[tuple[str, str, dt.date, dict[str, Any]]]) -> None:
    """Baseline (a'): the records appended through a new store, nothing derived, 25,000 a block.

    Each :class:`~rnr.store.records.Record` is made from its plain data
    inside the timing (its data checked and made canonical), then appended
    (hashed, chained into the audit log) and committed.
    """
    with SQLiteStore(path) as store:
        for start in range(0, len(records), 25_000):
            with store.write(by="bench") as tx:
                for kind, case_id, on, data in records[start : start + 25_000]:
                    tx.append(Record(kind, case_id, on, data))


def store_phase(cohort: Any, store: SQLiteStore, folder: Path, defs: Definitions) -> dict[str, Any]:
    """Store the cohort, then write the same rows bare (baseline a) and in a store alone (a')."""
    seconds, _ = clock(lambda: store_cohort(store, cohort, defs=defs, people_per_block=1000))
    read = [(r.kind, r.case_id, r.on, dict(r.data)) for r in store.records()]
    rows = [(n, canonical(data)) for n, (*_, data) in enumerate(read, 1)]
    bare, _ = clock(lambda: bare_insert(folder / "bare.sqlite3", rows))
    alone, _ = clock(lambda: store_alone(folder / "alone.sqlite3", read))
    print(
        f"stored {len(rows):,} records in {seconds:.1f} s; bare insert {bare:.2f} s;"
        f" through a store alone {alone:.1f} s"
    )
    return {
        "store_s": seconds,
        "records": len(rows),
        "bare_insert_s": bare,
        "store_alone_s": alone,
        "store_vs_alone": seconds / alone,
        "alone_vs_bare": alone / bare,
    }


def reuse_phase(
    earlier: Path, folder: Path, defs: Definitions
) -> tuple[SQLiteStore, dict[str, Any]]:
    """A copy of an earlier run's store (the write phase must not change it), completed.

    A store written before timelines were kept gains them (timed).
    """
    shutil.copyfile(earlier / "bench.sqlite3", folder / "bench.sqlite3")
    store = SQLiteStore(folder / "bench.sqlite3")
    print(f"reading a copy of {earlier / 'bench.sqlite3'} (no store phase)")
    seconds, added = clock(lambda: materialise(store, defs=defs, by="bench"))
    print(f"kept values the store lacked: {added:,} in {seconds:.1f} s")
    return store, {"materialise_s": seconds, "materialised": added}


def reassessments(
    store: SQLiteStore, open_cases: list[str], count: int
) -> list[tuple[str, dict[str, Any]]]:
    """``count`` cases spread over ``open_cases``, each with its last assessment 400 days later."""
    chosen = open_cases[:: max(1, len(open_cases) // max(count, 1))][:count]
    documents = []
    for case_id in chosen:
        last = list(store.records(case_id=case_id, kind="assessment"))[-1]
        document = dict(last.data["document"])
        day = dt.date.fromisoformat(document["assessed_on"]) + dt.timedelta(days=400)
        documents.append((case_id, {**document, "assessed_on": day.isoformat()}))
    return documents


class CommitsTimed(SQLiteStore):
    """An SQLite store that times each durable commit of its write blocks (:attr:`commits`).

    A commit is the ``COMMIT`` that syncs the log to the disk: what a write
    waits for the disk, apart from what rnr computes.
    """

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.commits: list[float] = []

    def _commit(self, conn: sqlite3.Connection, *, bulk: bool = False) -> None:
        start = time.perf_counter()
        super()._commit(conn, bulk=bulk)
        self.commits.append(time.perf_counter() - start)


class BareCommits:
    """Baseline (c): a document inserted and committed alone into a bare table, timed.

    A file with the store's settings (WAL, ``synchronous=FULL``) beside the
    store, on the same disk. :meth:`one` is called after each write, so the
    baseline meets the disk at the same moments as the writes do: a disk
    that stalls a commit now and then stalls these too.
    """

    def __init__(self, folder: Path) -> None:
        self.times: list[float] = []
        self._conn = sqlite3.connect(folder / "bare-one.sqlite3", isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        self._conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, data TEXT)")

    def one(self, document: dict[str, Any]) -> None:
        """Insert and commit ``document`` alone, timed."""
        text = canonical(document)
        start = time.perf_counter()
        self._conn.execute("BEGIN IMMEDIATE")
        self._conn.execute("INSERT INTO t (data) VALUES (?)", (text,))
        self._conn.execute("COMMIT")
        self.times.append(time.perf_counter() - start)

    def figures(self) -> dict[str, float]:
        """The baseline's percentiles, printed and returned; the connection closed."""
        self._conn.close()
        b50, b99 = (float(np.percentile(self.times, q)) * 1000 for q in (50, 99))
        slowest, stalled = max(self.times) * 1000, sum(t > 0.010 for t in self.times)
        print(
            f"baseline (c), a bare durable one-row commit after each write: median {b50:.2f} ms,"
            f" 99th {b99:.2f} ms, slowest {slowest:.1f} ms, {stalled} over 10 ms"
        )
        return {
            "bare_one_p50_ms": b50,
            "bare_one_p99_ms": b99,
            "bare_one_slowest_ms": slowest,
            "bare_one_over_10ms": stalled,
        }


def watched(store: SQLiteStore, case_id: str) -> Expecting:
    """The store as the service's write handler gives it to a write: ETag checked, rows handed.

    The case's records read to check the ``If-Match`` (as it is: the case
    was just read), then the write over :class:`~rnr.service.preconditions.Expecting`.
    """
    rows = list(store.records(case_id=case_id))

    def stale(now: str | None) -> Exception:
        return AssertionError(f"the case changed meanwhile (now {now})")

    return Expecting(store, case_id, etag(rows[-1]), stale, rows)


class Walks:
    """The garbage collector's walks: those inside the timed writes, and those between requests.

    A callback of :data:`gc.callbacks`: each walk's time, by generation, while
    :attr:`writing`; :meth:`after_request` makes the walk the service makes
    once a response is sent and no other request is under way, as none ever
    is here (:func:`rnr.service.collector.collect_between`).
    """

    def __init__(self) -> None:
        self.inside: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self.between: list[int] = []  # the generations walked between requests
        self.writing = False
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        elif self.writing:
            self.inside[info["generation"]].append(time.perf_counter() - self._started)

    def after_request(self) -> None:
        generation = collect_between()
        if generation is not None:
            self.between.append(generation)

    def figures(self) -> dict[str, Any]:
        """The walks counted (printed too), with the longest inside a write."""
        inside = self.inside
        longest = max((p for found in inside.values() for p in found), default=0.0) * 1000
        print(
            f"collections inside the writes: {len(inside[0])} of the youngest generation,"
            f" {len(inside[1])} of the middle one, {len(inside[2])} of the oldest"
            f" (longest {longest:.0f} ms); {len(self.between)} between requests"
        )
        return {
            **{f"collections_gen{g}": len(found) for g, found in inside.items()},
            "longest_collection_ms": longest,
            "collections_between": len(self.between),
        }


def write_phase(
    store: CommitsTimed,
    folder: Path,
    defs: Definitions,
    open_cases: list[str],
    count: int,
    *,
    way: str = "command",
) -> dict[str, Any]:
    """Single reassessments of open cases, one write block each, against a bare durable insert.

    Each reassessment is the case's last assessment again, 400 days later:
    scored, decided, drafted, checked against the case's records and written
    with its decision, plan version and kept scores. ``way``: ``command``,
    as a command writes it (``defs``, a memo of its own); ``served``, as
    ``rnr serve`` does, after a read of the case (untimed), with definitions
    whose reads and writes share a memo of :data:`~rnr.history.memo.SHARED`
    values, the case's records read for its ETag and handed to the write
    (:func:`watched`, timed); ``both``, every other case each way. The case is read again
    after each write, timed apart (what a page shows next). After each served read and
    write, untimed, the collection the service makes once a response is sent
    (:class:`Walks`). The garbage collector's
    collections that fall inside the timed writes are counted by generation, with the
    longest, and those made between them. Each write's wall time goes with the
    process's own CPU time (:func:`time.process_time`).
    Each write's durable commit is timed apart (:class:`CommitsTimed`): the
    writes' percentiles are given with and without it. Baseline (c): one row
    of the same JSON inserted and committed alone into a bare table after
    each write, untimed for it (:class:`BareCommits`).
    """
    served = defs.remembering(SHARED)
    documents = reassessments(store, open_cases, count)
    latencies: dict[str, list[float]] = {"reassess": [], "served": []}
    # the process's own CPU time of each: what the host's other work does not lengthen
    cpu: dict[str, list[float]] = {"reassess": [], "served": []}
    reads: dict[str, list[float]] = {"reassess": [], "served": []}  # of the case, after its write
    commits: dict[str, list[float]] = {"reassess": [], "served": []}  # each write's own
    walks, bare = Walks(), BareCommits(folder)
    gc.callbacks.append(walks)
    try:
        for n, (case_id, document) in enumerate(documents):
            as_served = way == "served" or (way == "both" and n % 2 == 1)
            used = served if as_served else defs
            case = parse_case(document, file="<bench>")
            if as_served:
                read_history(store, case_id, defs=used)  # the read whose ETag the write names
                walks.after_request()
            start, walks.writing = time.perf_counter(), True
            start_cpu, committed = time.process_time(), len(store.commits)
            try:
                reassess(watched(store, case_id) if as_served else store, case_id, case,
                         by="bench", defs=used)  # fmt: skip
            except HistoryError:  # closed after the summaries' date: not a write, not timed
                continue
            finally:
                walks.writing = False
            name = "served" if as_served else "reassess"
            latencies[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
            commits[name].append(sum(store.commits[committed:]))
            if as_served:
                walks.after_request()
            start = time.perf_counter()
            read_history(store, case_id, defs=used)
            reads[name].append(time.perf_counter() - start)
            if as_served:
                walks.after_request()
            bare.one(document)
    finally:
        gc.callbacks.remove(walks)
    figures: dict[str, Any] = {}
    for name, found in latencies.items():
        if found:
            figures |= _write_figures(name, found, cpu[name], reads[name], commits[name])
    figures |= bare.figures() | walks.figures()
    figures["reassessments"] = len(latencies["reassess"]) + len(latencies["served"])
    return figures


def _write_figures(
    name: str, wall: list[float], cpu: list[float], reads: list[float], commits: list[float]
) -> dict[str, float]:
    """Print and return the percentiles of one way's writes.

    Wall time, the process's CPU time, the durable commit's time and the wall
    time less the commit's (what rnr computes and asks of the database).
    """
    p50, p90, p99 = (float(np.percentile(wall, q)) * 1000 for q in (50, 90, 99))
    c50, c99 = (float(np.percentile(cpu, q)) * 1000 for q in (50, 99))
    k50, k99 = (float(np.percentile(commits, q)) * 1000 for q in (50, 99))
    less = [w - k for w, k in zip(wall, commits, strict=True)]
    l50, l99 = (float(np.percentile(less, q)) * 1000 for q in (50, 99))
    slowest, read = max(wall) * 1000, float(np.median(reads)) * 1000
    what = "single reassessments" if name == "reassess" else "as the service makes them"
    print(
        f"{len(wall)} {what}: median {p50:.1f} ms, 90th percentile {p90:.1f} ms,"
        f" 99th {p99:.1f} ms, slowest {slowest:.1f} ms; the case read after it, median"
        f" {read:.1f} ms; the process's CPU time of a write, median {c50:.1f} ms,"
        f" 99th {c99:.1f} ms; its durable commit, median {k50:.1f} ms, 99th {k99:.1f} ms;"
        f" the write less its commit, median {l50:.1f} ms, 99th {l99:.1f} ms"
    )
    return {
        f"{name}_p50_ms": p50,
        f"{name}_p90_ms": p90,
        f"{name}_p99_ms": p99,
        f"{name}_slowest_ms": slowest,
        f"{name}_read_after_p50_ms": read,
        f"{name}_cpu_p50_ms": c50,
        f"{name}_cpu_p99_ms": c99,
        f"{name}_commit_p50_ms": k50,
        f"{name}_commit_p99_ms": k99,
        f"{name}_less_commit_p50_ms": l50,
        f"{name}_less_commit_p99_ms": l99,
    }


def command_phase(path: Path, year: int, as_of: dt.date) -> dict[str, Any]:
    """Wall time of the commands a person runs over the whole store, each in a fresh process.

    Baseline (d): ``rnr --version``, the command's own start-up.
    """
    commands = {
        "version": ["--version"],
        "indicators": ["indicators", "--period", str(year), "--json", "--db", str(path)],
        "due": ["due", "--as-of", as_of.isoformat(), "--json", "--db", str(path)],
        "validate": ["validate", "--db", str(path), "--instrument", "lscmi", "--json"],
    }
    out = {}
    for name, argv in commands.items():
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "rnr.cli", *argv], capture_output=True, check=False
        )
        out[f"cli_{name}_s"] = time.perf_counter() - start
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-500:]
    print(
        "commands: "
        + ", ".join(f"rnr {n} {out[f'cli_{n}_s']:.1f} s" for n in commands if n != "version")
        + f" (start-up {out['cli_version_s']:.2f} s)"
    )
    return out


def summary_phase(
    cohort: Any, store: SQLiteStore, defs: Definitions, sample_size: int
) -> tuple[dict[str, Any], Any]:
    """Bulk summaries against reading every record (baseline b) and the single path."""
    as_of = cohort.end - dt.timedelta(days=30)
    read_s, count = clock(lambda: sum(1 for _ in store.records()))
    bulk_s, bulk = clock(lambda: summarize(store, as_of=as_of, defs=defs))
    print(f"read {count:,} records: {read_s:.1f} s; summarized {len(bulk):,} cases: {bulk_s:.1f} s")
    sample = store.case_ids()[:sample_size]
    wanted = {s.case_id: s for s in bulk}

    def single() -> list[Any]:
        return [
            summarize_case(
                read_history(store, case_id, defs=defs),
                as_of=as_of,
                defs=defs,
            )
            for case_id in sample
        ]

    single_s, singles = clock(single)
    assert all(s is None or s == wanted[s.case_id] for s in singles), "bulk != single"
    print(f"single path: {len(sample)} cases in {single_s:.1f} s (checked equal to bulk)")
    return {
        "read_all_s": read_s,
        "summarize_s": bulk_s,
        "summaries": len(bulk),
        "single_sample": len(sample),
        "single_s": single_s,
        "single_vs_bulk_per_case": (single_s / max(len(sample), 1)) / (bulk_s / max(len(bulk), 1)),
        "cases_per_s_summarize": len(bulk) / bulk_s,
    }, bulk


def main() -> None:
    """Run the benchmark and print (or save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--years", type=float, default=2.0)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--sample", type=int, default=500, help="cases for the single path")
    parser.add_argument("--writes", type=int, default=200, help="single reassessments timed")
    parser.add_argument(
        "--reuse",
        type=Path,
        metavar="FOLDER",
        help="time the reading phases on a copy of the store an earlier run left in FOLDER"
        " (same --people, --years and --seed)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    defs = Definitions.shipped()
    figures: dict[str, Any] = {"people": args.people, "years": args.years, "seed": args.seed}
    folder = Path(tempfile.mkdtemp(prefix="rnr-bench-"))

    seconds, cohort = clock(lambda: simulate(args.people, args.years, seed=args.seed))
    summary = cohort.summary()
    figures |= {
        "simulate_s": seconds,
        "assessments": summary["assessments"],
        "per_person": summary["assessments"] / args.people,
        "reviews": summary["reviews"],
        "events": sum(summary["events"].values()),
    }
    print(
        f"simulated {args.people:,} people, {summary['assessments']:,} assessments: {seconds:.1f} s"
    )
    if args.reuse is None:
        store = SQLiteStore(folder / "bench.sqlite3")
        figures |= store_phase(cohort, store, folder, defs)
    else:
        store, phase = reuse_phase(args.reuse, folder, defs)
        figures |= phase
    phase, bulk_summaries = summary_phase(cohort, store, defs, args.sample)
    figures |= phase

    year = cohort.start.year + 1
    store.close()  # the report on a store just opened, as a service would make it
    store = CommitsTimed(folder / "bench.sqlite3")
    indicators_s, report = clock(lambda: programme_report(store, period=year, defs=defs))
    computed = sum(1 for r in report.indicators if r.computable)
    print(f"indicators of {year}: {indicators_s:.1f} s ({computed} computable)")
    figures |= command_phase(folder / "bench.sqlite3", year, cohort.end - dt.timedelta(days=30))
    open_cases = [s.case_id for s in bulk_summaries if s.closed_on is None]
    figures |= write_phase(store, folder, defs, open_cases, args.writes)
    verify_s, result = clock(store.verify)
    assert result.ok
    print(f"verified in {verify_s:.1f} s")
    scores_s, checked = clock(lambda: verify_store(store, defs=defs))
    # every assessment, and each reassessment written here (and by the run reused)
    assert checked.ok, checked.problems[:5]
    assert checked.derived >= summary["assessments"] + figures["reassessments"]
    print(f"verified with every kept score recomputed in {scores_s:.1f} s")
    store.close()
    figures |= {
        "indicators_year": year,
        "indicators_s": indicators_s,
        "computable": computed,
        "verify_s": verify_s,
        "verify_with_scores_s": scores_s,
        "db_bytes": (folder / "bench.sqlite3").stat().st_size,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "store_vs_bare": figures["store_s"] / figures["bare_insert_s"]
        if "store_s" in figures
        else None,
        "summarize_vs_read": figures["summarize_s"] / figures["read_all_s"],
        "indicators_vs_read": indicators_s / figures["read_all_s"],
        "people_per_s_store": args.people / figures["store_s"] if "store_s" in figures else None,
    }
    shown = {k: round(v, 3) if isinstance(v, float) else v for k, v in figures.items()}
    print(json.dumps(shown, indent=1))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
