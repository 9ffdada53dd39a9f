"""Scoring speed and memory, measured against baselines in the same run.

Run from a checkout (or anywhere rnr is installed)::

    python benchmarks/bench_scoring.py                 # 1,000,000 LS/CMI cases
    python benchmarks/bench_scoring.py --n 100000 --repeat 3 --json out.json

It measures, in one process:

1. single-case latency of :func:`rnr.score` (median microseconds per call,
   complete and with one omitted item) for LS/CMI and PSA;
2. batch throughput of :func:`rnr.score_batch` on ``--n`` LS/CMI cases held
   as an ``int8`` array (totals of every scale and domain, plus the level of
   the primary scale), with a float64 variant and a variant where 1% of the
   rows omit one item;
   and the same cases as a column-major (Fortran-ordered) array and as a
   mapping of item id -> column (``int8`` arrays; lists of booleans on at
   most 100,000 rows);
3. baselines on the *same* cases: (a) a plain-Python loop computing the
   same totals, levels and domain totals from precomputed per-item tables
   (it never calls rnr); (b) a bare numpy ``arr.sum(axis=1)`` of the
   row-major array and (c) of the column-major copy, with numpy's default
   accumulator and with an ``int16`` one (the memory-bound floors); (d)
   DuckDB, when installed (the ``bench`` extra), running the equivalent SQL
   over the same columns registered from numpy, with every core: a sum of a
   ``CASE`` per item weighted as the instrument scores it, then a ``CASE``
   of the bands for the level; once for the primary scale alone and once
   for every scale and domain total. Its totals and levels are checked equal
   to rnr's before any figure is printed;
4. peak memory of batch scoring and of the bare sum (``tracemalloc``, which
   numpy reports its allocations to), against the size of the input array.

Figures are reported as ratios against the baselines of the same run, so
they travel between machines better than absolute times. Nothing here is a
pass/fail test: wall-clock limits are never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

import rnr
from rnr import Instrument
from rnr.scoring.batch import CompiledInstrument, compile_instrument

T = TypeVar("T")
DAY = dt.date(2025, 1, 6)
YES_RATE = 0.4  # share of yes answers in the generated LS/CMI cases


def machine() -> dict[str, Any]:
    """Where the figures were measured."""
    model = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "nproc": cores,
        "cpu": model,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "rnr": rnr.__version__,
        "platform": platform.platform(),
    }


def load(ref: str) -> Instrument:
    """A shipped instrument by reference, or an instrument file by path."""
    if ref.endswith(".toml"):
        return rnr.load_instrument(Path(ref))
    return rnr.default_library().get(ref)


def group_of(instrument: Instrument) -> str | None:
    """The first norm group, or None."""
    return instrument.norm_groups[0] if instrument.norm_groups else None


def random_answers(instrument: Instrument, rng: np.random.Generator) -> dict[str, Any]:
    """One complete, valid set of responses (plain numpy randomness, no Hypothesis)."""
    out: dict[str, Any] = {}
    for item in instrument.items:
        if item.kind == "boolean":
            out[item.id] = bool(rng.random() < YES_RATE)
        elif item.kind == "categorical":
            out[item.id] = item.outcomes[int(rng.integers(len(item.outcomes)))].value
        else:
            assert item.valid_range is not None
            lo, hi = item.valid_range
            top = hi if hi is not None else max(o.lo or 0 for o in item.outcomes) + 3
            out[item.id] = int(rng.integers(lo, min(top, lo + 60) + 1))
    return out


def median_us(call: Callable[[], object], calls: int) -> float:
    """Median wall time of one call, in microseconds."""
    for _ in range(min(50, calls)):
        call()
    times = []
    for _ in range(calls):
        start = time.perf_counter_ns()
        call()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times) / 1000


def single_latency(
    instrument: Instrument, calls: int, rng: np.random.Generator
) -> dict[str, float]:
    """Median latency of rnr.score, complete and with one omitted item."""
    group = group_of(instrument)
    cases = [random_answers(instrument, rng) for _ in range(64)]
    scored = [i.id for i in instrument.scored_items]
    partial = [
        {k: v for k, v in c.items() if k != scored[n % len(scored)]} for n, c in enumerate(cases)
    ]
    out = {}
    for name, pool in (("complete", cases), ("one omitted", partial)):
        it = iter(range(10**12))

        def call(pool: Sequence[Mapping[str, Any]] = pool, it: Any = it) -> object:
            return rnr.score(
                instrument, pool[next(it) % len(pool)], assessed_on=DAY, norm_group=group
            )

        try:
            out[name] = median_us(call, calls)
        except rnr.OmissionError:  # an instrument that allows no omission
            out[name] = float("nan")
    return out


def best_of(run: Callable[[], T], repeat: int) -> tuple[float, T]:
    """Fastest of ``repeat`` runs (seconds) and the last result."""
    times = []
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def batch_run(
    compiled: CompiledInstrument, data: npt.NDArray[Any], group: str | None
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """Batch scoring as an integrator uses it: totals (scales and domains) and levels."""
    out = rnr.score_batch(compiled, data, norm_group=group)
    primary = compiled.instrument.primary_scale
    return out.totals, out.level(primary)


def duckdb_sql(inst: Instrument, group: str | None, *, every_target: bool) -> str:
    """The CASE-sum-and-band SQL of the instrument's yes/no items over columns ``c0``, ``c1``...

    Each item adds ``CASE WHEN c = 1 THEN points ELSE 0 END`` to every scale
    (and, with ``every_target``, to its domain's total on the primary scale);
    the level of the primary scale is a ``CASE`` over its bands.
    """
    primary = inst.primary_scale
    scales = list(inst.scales) if every_target else [primary]
    sums = {}
    for sid in scales:
        sums[sid] = [(j, item.outcomes[1].points.get(sid, 0)) for j, item in enumerate(inst.items)]
    if every_target:
        for d in inst.domains:
            sums[f"domain:{d.id}"] = [
                (j, item.outcomes[1].points.get(primary, 0) if item.domain == d.id else 0)
                for j, item in enumerate(inst.items)
            ]
    columns = []
    for k, parts in enumerate(sums.values()):
        terms = [f"CASE WHEN c{j} = 1 THEN {w} ELSE 0 END" for j, w in parts if w]
        columns.append(f"({' + '.join(terms) or '0'})::INTEGER AS t{k}")
    bands = " ".join(
        f"WHEN t0 BETWEEN {b.min} AND {b.max} THEN '{b.level}'"
        for b in inst.scales[primary].bands_for(group)
    )
    names = ", ".join(f"t{k}" for k in range(len(sums)))
    return (
        f"SELECT {names}, CASE {bands} END AS level FROM (SELECT {', '.join(columns)} FROM answers)"
    )


def duckdb_runs(
    inst: Instrument,
    compiled: CompiledInstrument,
    fortran: npt.NDArray[np.int8],
    group: str | None,
    repeat: int,
) -> dict[str, float]:
    """DuckDB on the same columns, all cores; empty (and said on stderr) without duckdb."""
    try:
        import duckdb  # noqa: PLC0415 - optional: the bench extra
    except ImportError:
        print(
            "duckdb is not installed (pip install rnr-engine[bench]): no DuckDB rows",
            file=sys.stderr,
        )
        return {}
    con = duckdb.connect()
    con.execute(f"PRAGMA threads={os.cpu_count() or 1}")
    con.register("answers", {f"c{j}": fortran[:, j] for j in range(fortran.shape[1])})
    out = rnr.score_batch(compiled, fortran, norm_group=group)
    primary = inst.primary_scale
    expected_levels = out.level(primary).tolist()
    found = {}
    for key, every in (("duckdb_primary", False), ("duckdb_every_target", True)):
        sql = duckdb_sql(inst, group, every_target=every)

        def run(sql: str = sql) -> dict[str, Any]:
            return con.execute(sql).fetchnumpy()  # type: ignore[no-any-return]

        took, got = best_of(run, repeat)
        width = len(compiled.targets) if every else 1
        totals = np.column_stack([np.asarray(got[f"t{k}"]) for k in range(width)])
        want = out.totals if every else out.totals[:, :1]
        if not np.array_equal(totals, want) or list(got["level"]) != expected_levels:
            msg = f"DuckDB ({key}) and batch scoring disagree: the comparison is void"
            raise SystemExit(msg)
        found[key] = took
    con.close()
    return found


def loop_plan(instrument: Instrument) -> tuple[list[list[list[tuple[int, int]]]], int]:
    """Per item, per answer code: the (target, points) pairs, for the plain loop.

    Targets are the scales, then each domain's total on the primary scale,
    as in batch scoring. Only yes/no items are supported (LS/CMI's kind).
    """
    scales = list(instrument.scales)
    domains = [d.id for d in instrument.domains]
    plan = []
    for item in instrument.items:
        if item.kind != "boolean":
            msg = f"the plain loop handles yes/no items only; {item.id} is {item.kind}"
            raise SystemExit(msg)
        per_answer = []
        for outcome in item.outcomes:  # false, true
            pairs = [(t, outcome.points.get(s, 0)) for t, s in enumerate(scales)]
            pairs.append(
                (
                    len(scales) + domains.index(item.domain),
                    outcome.points.get(instrument.primary_scale, 0),
                )
            )
            per_answer.append([(t, p) for t, p in pairs if p])
        plan.append(per_answer)
    return plan, len(scales) + len(domains)


def plain_loop(
    rows: list[list[int]],
    plan: list[list[list[tuple[int, int]]]],
    width: int,
    levels: list[str | None],
    lowest: int,
) -> tuple[list[list[int]], list[str | None]]:
    """Totals, domain totals and the primary level of every row, in plain Python."""
    all_totals = []
    all_levels = []
    for row in rows:
        totals = [0] * width
        for per_answer, answer in zip(plan, row, strict=True):
            for target, points in per_answer[answer]:
                totals[target] += points
        all_totals.append(totals)
        all_levels.append(levels[totals[0] - lowest])
    return all_totals, all_levels


def peak_bytes(run: Callable[[], object]) -> int:
    """Peak memory traced while ``run`` runs, above what was held before."""
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        kept = run()
        peak = tracemalloc.get_traced_memory()[1]
        del kept
    finally:
        tracemalloc.stop()
    return peak - before


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="cases in the batch run")
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best is kept)")
    parser.add_argument("--calls", type=int, default=3000, help="calls per single-case median")
    parser.add_argument("--instrument", default="lscmi", help="batch instrument (ref or .toml)")
    parser.add_argument("--single", nargs="*", default=["lscmi", "psa"], help="latency instruments")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    rng = np.random.default_rng(args.seed)
    report: dict[str, Any] = {"machine": machine(), "n": args.n, "repeat": args.repeat}

    # 1. single-case latency
    report["single_us"] = {ref: single_latency(load(ref), args.calls, rng) for ref in args.single}

    # 2. batch and baselines on the same cases
    report["batch"] = measure_batch(load(args.instrument), args.n, args.repeat, rng)
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


def measure_batch(
    inst: Instrument, n: int, repeat: int, rng: np.random.Generator
) -> dict[str, Any]:
    """Batch scoring of ``n`` generated cases against the two baselines."""
    group = group_of(inst)
    compiled = compile_instrument(inst)
    data = (rng.random((n, len(inst.items))) < YES_RATE).astype(np.int8)
    as_float = data.astype(np.float64)
    with_gaps = data.copy()
    gap_rows = rng.choice(n, size=max(1, n // 100), replace=False)
    scored_cols = [j for j, i in enumerate(inst.items) if not i.strength]
    with_gaps[gap_rows, rng.choice(scored_cols, size=gap_rows.size)] = -1

    fortran = np.asfortranarray(data)
    gaps_fortran = np.asfortranarray(with_gaps)
    columns = {item.id: fortran[:, j] for j, item in enumerate(inst.items)}
    few = min(n, 100_000)
    lists = {item.id: data[:few, j].astype(bool).tolist() for j, item in enumerate(inst.items)}
    head = data[:few].copy()

    def timed(run: Callable[[], object]) -> float:
        return best_of(run, repeat)[0]

    seconds = {
        "batch_int8": timed(lambda: batch_run(compiled, data, group)),
        "batch_int8_fortran": timed(lambda: batch_run(compiled, fortran, group)),
        "batch_int8_codes_fortran": timed(lambda: codes_run(compiled, fortran, group)),
        "batch_float64": timed(lambda: batch_run(compiled, as_float, group)),
        "batch_int8_1pct_omitted": timed(lambda: batch_run(compiled, with_gaps, group)),
        "batch_int8_fortran_1pct_omitted": timed(lambda: batch_run(compiled, gaps_fortran, group)),
        "batch_mapping_int8_columns": timed(lambda: batch_run(compiled, columns, group)),
        "bare_sum": timed(lambda: data.sum(axis=1)),
        "bare_sum_fortran": timed(lambda: fortran.sum(axis=1)),
        "bare_sum_fortran_int16": timed(lambda: fortran.sum(axis=1, dtype=np.int16)),
    }
    mapped = {
        "batch_mapping_lists": timed(lambda: batch_run(compiled, lists, group)),
        "batch_int8_same_rows": timed(lambda: batch_run(compiled, head, group)),
    }
    checks = [batch_run(compiled, x, group) for x in (fortran, columns)]
    reference = batch_run(compiled, data, group)
    for totals, levels in checks:
        if not (np.array_equal(totals, reference[0]) and list(levels) == list(reference[1])):
            msg = "batch scoring of the same cases in another layout disagrees: void"
            raise SystemExit(msg)
    seconds |= duckdb_runs(inst, compiled, fortran, group, repeat)
    seconds["plain_loop"], agree = loop_seconds(inst, compiled, data, group, repeat)
    if not agree:
        msg = "the plain loop and batch scoring disagree: the comparison is void"
        raise SystemExit(msg)
    batch_peak = peak_bytes(lambda: batch_run(compiled, data, group))
    sum_peak = peak_bytes(lambda: data.sum(axis=1))
    return {
        "instrument": inst.ref,
        "items": len(inst.items),
        "input_bytes": int(data.nbytes),
        "seconds": seconds,
        "cases_per_second": {k: n / v for k, v in seconds.items()},
        "ratios": {
            "speed_up_vs_loop": seconds["plain_loop"] / seconds["batch_int8"],
            "batch_over_bare_sum": seconds["batch_int8"] / seconds["bare_sum"],
            "fortran_over_bare_sum_fortran": seconds["batch_int8_fortran"]
            / seconds["bare_sum_fortran"],
            "fortran_over_bare_sum_fortran_int16": seconds["batch_int8_fortran"]
            / seconds["bare_sum_fortran_int16"],
            "float64_over_int8": seconds["batch_float64"] / seconds["batch_int8"],
            "omissions_over_complete": seconds["batch_int8_1pct_omitted"] / seconds["batch_int8"],
            "mapping_int8_columns_over_array": seconds["batch_mapping_int8_columns"]
            / seconds["batch_int8_fortran"],
            "mapping_lists_over_array": mapped["batch_mapping_lists"]
            / mapped["batch_int8_same_rows"],
            **{
                f"{key}_over_fortran": seconds[key] / seconds["batch_int8_fortran"]
                for key in ("duckdb_primary", "duckdb_every_target")
                if key in seconds
            },
        },
        "mapping_lists": {"rows": few, "seconds": mapped},
        "peak_bytes": {"batch_int8": batch_peak, "bare_sum": sum_peak},
        "peak_over_input": {
            "batch_int8": batch_peak / data.nbytes,
            "bare_sum": sum_peak / data.nbytes,
        },
    }


def codes_run(
    compiled: CompiledInstrument, data: npt.NDArray[Any], group: str | None
) -> tuple[npt.NDArray[Any], npt.NDArray[Any]]:
    """As :func:`batch_run`, with the level as codes (names: ``BatchResult.level_names``)."""
    out = rnr.score_batch(compiled, data, norm_group=group)
    return out.totals, out.level_codes(compiled.instrument.primary_scale)


def loop_seconds(
    inst: Instrument,
    compiled: CompiledInstrument,
    data: npt.NDArray[np.int8],
    group: str | None,
    repeat: int,
) -> tuple[float, bool]:
    """Time the plain loop on the same cases; say whether it agrees with batch scoring."""
    plan, width = loop_plan(inst)
    primary = inst.scales[inst.primary_scale]
    lowest = primary.range[0]
    level_table = [primary.level(x, group) for x in range(lowest, primary.range[1] + 1)]
    rows = data.tolist()  # the loop gets Python lists, converted outside its timer
    took, (loop_totals, loop_levels) = best_of(
        lambda: plain_loop(rows, plan, width, level_table, lowest), repeat
    )
    totals, levels = batch_run(compiled, data, group)
    agree = np.array_equal(np.asarray(loop_totals), totals) and list(levels) == loop_levels
    return took, agree


def render(report: Mapping[str, Any]) -> str:
    """The report as Markdown tables."""
    m = report["machine"]
    lines = [
        f"machine: {m['nproc']} cores, {m['cpu']}; Python {m['python']}, numpy {m['numpy']}",
        "",
        "| single case (rnr.score) | complete, median µs | one omitted, median µs |",
        "|---|---:|---:|",
    ]
    for ref, t in report["single_us"].items():
        lines.append(f"| {ref} | {t['complete']:.0f} | {t['one omitted']:.0f} |")
    b = report["batch"]
    s, c, r = b["seconds"], b["cases_per_second"], b["ratios"]
    mb = 1024 * 1024
    lines += [
        "",
        (
            f"batch: {report['n']:,} {b['instrument']} cases x {b['items']} items"
            f" (input {b['input_bytes'] / mb:.0f} MiB int8), best of {report['repeat']}"
        ),
        "",
        "| run | seconds | cases/s | vs plain loop | vs bare sum |",
        "|---|---:|---:|---:|---:|",
    ]
    lines[-2] = "| run | seconds | cases/s | vs plain loop | vs bare sum | vs col-major int16 sum |"
    lines[-1] = "|---|---:|---:|---:|---:|---:|"
    names = {
        "batch_int8": "score_batch, int8 row-major",
        "batch_int8_fortran": "score_batch, int8 column-major",
        "batch_int8_codes_fortran": "score_batch, int8 column-major, level codes",
        "batch_float64": "score_batch, float64",
        "batch_int8_1pct_omitted": "score_batch, int8 row-major, 1% rows omit one item",
        "batch_int8_fortran_1pct_omitted": "score_batch, int8 column-major, 1% rows omit one item",
        "batch_mapping_int8_columns": "score_batch, mapping of int8 columns",
        "duckdb_primary": "DuckDB, primary scale and level (baseline d)",
        "duckdb_every_target": "DuckDB, every scale and domain and level (baseline d)",
        "plain_loop": "plain-Python loop (baseline a)",
        "bare_sum": "arr.sum(axis=1), row-major (baseline b)",
        "bare_sum_fortran": "arr.sum(axis=1), column-major (baseline c)",
        "bare_sum_fortran_int16": "arr.sum(axis=1, dtype=int16), column-major (baseline c)",
    }
    for key, name in names.items():
        if key not in s:
            continue
        lines.append(
            f"| {name} | {s[key]:.4f} | {c[key]:,.0f} | {s['plain_loop'] / s[key]:.0f}x faster"
            f" | {s[key] / s['bare_sum']:.2f}x | {s[key] / s['bare_sum_fortran_int16']:.2f}x |"
        )
    p, q = b["peak_bytes"], b["peak_over_input"]
    duck = [
        f"DuckDB {k.removeprefix('duckdb_').replace('_', ' ')} / rnr column-major:"
        f" {r[f'{k}_over_fortran']:.1f}x the time"
        for k in ("duckdb_primary", "duckdb_every_target")
        if f"{k}_over_fortran" in r
    ]
    lists = b["mapping_lists"]
    lines += [
        "",
        (
            f"speed-up of batch over the plain loop: {r['speed_up_vs_loop']:.0f}x;"
            f" batch time / bare-sum time: {r['batch_over_bare_sum']:.2f};"
            f" column-major batch / column-major sum: {r['fortran_over_bare_sum_fortran']:.2f}"
            f" (int16 sum: {r['fortran_over_bare_sum_fortran_int16']:.2f})"
        ),
        *duck,
        (
            f"mapping of int8 columns / column-major array: "
            f"{r['mapping_int8_columns_over_array']:.2f}x; mapping of lists of booleans"
            f" ({lists['rows']:,} rows) / the array: {r['mapping_lists_over_array']:.1f}x"
        ),
        (
            f"peak memory: batch {p['batch_int8'] / mb:.0f} MiB ({q['batch_int8']:.2f}x the"
            f" input), bare sum {p['bare_sum'] / mb:.0f} MiB ({q['bare_sum']:.2f}x the input)"
        ),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
