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
3. two baselines on the *same* cases: (a) a plain-Python loop computing the
   same totals, levels and domain totals from precomputed per-item tables
   (it never calls rnr), and (b) a bare numpy ``arr.sum(axis=1)``, the
   memory-bound floor;
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

    seconds = {
        "batch_int8": best_of(lambda: batch_run(compiled, data, group), repeat)[0],
        "batch_float64": best_of(lambda: batch_run(compiled, as_float, group), repeat)[0],
        "batch_int8_1pct_omitted": best_of(lambda: batch_run(compiled, with_gaps, group), repeat)[
            0
        ],
        "bare_sum": best_of(lambda: data.sum(axis=1), repeat)[0],
    }
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
            "float64_over_int8": seconds["batch_float64"] / seconds["batch_int8"],
            "omissions_over_complete": seconds["batch_int8_1pct_omitted"] / seconds["batch_int8"],
        },
        "peak_bytes": {"batch_int8": batch_peak, "bare_sum": sum_peak},
        "peak_over_input": {
            "batch_int8": batch_peak / data.nbytes,
            "bare_sum": sum_peak / data.nbytes,
        },
    }


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
    names = {
        "batch_int8": "score_batch, int8",
        "batch_float64": "score_batch, float64",
        "batch_int8_1pct_omitted": "score_batch, int8, 1% rows omit one item",
        "plain_loop": "plain-Python loop (baseline a)",
        "bare_sum": "arr.sum(axis=1) (baseline b)",
    }
    for key, name in names.items():
        lines.append(
            f"| {name} | {s[key]:.3f} | {c[key]:,.0f} | {s['plain_loop'] / s[key]:.0f}x faster"
            f" | {s[key] / s['bare_sum']:.1f}x the time |"
        )
    p, q = b["peak_bytes"], b["peak_over_input"]
    lines += [
        "",
        (
            f"speed-up of batch over the plain loop: {r['speed_up_vs_loop']:.0f}x;"
            f" batch time / bare-sum time: {r['batch_over_bare_sum']:.2f}"
        ),
        (
            f"peak memory: batch {p['batch_int8'] / mb:.0f} MiB ({q['batch_int8']:.2f}x the"
            f" input), bare sum {p['bare_sum'] / mb:.0f} MiB ({q['bare_sum']:.2f}x the input)"
        ),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
