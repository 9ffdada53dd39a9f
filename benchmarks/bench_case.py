"""One case in process: score, decide and draft, and render, against a baseline of the same run.

Run from a checkout (or anywhere rnr is installed)::

    python benchmarks/bench_case.py                 # the example case and 200 random cases
    python benchmarks/bench_case.py --cases 50 --calls 20 --json figures.json

The cases are the example case file (``examples/case.json``) and random
LS/CMI cases under ``cl-adultos-18216`` (random yes/no answers, sentences,
dates, sanctions and responsivity sections), each written as a case file
(JSON) and parsed before the clock starts. For each case, round-robin, it
times single calls of:

1. **baseline**: ``json.loads`` and ``json.dumps`` of the same case file's
   text, the least any service does with a case it is sent;
2. **score**: :func:`rnr.cases.parse.score_case` (the instrument version in
   force looked up in the library, answers checked, the result with its
   trace);
3. **decide**: :func:`rnr.decide` of that score (every table, the trace,
   the deadlines, the nearest change of score);
4. **draft**: :func:`rnr.draft_plan` of that decision;
5. **score + decide + draft**, one after the other, as ``rnr plan --json``
   does per case;
6. the same **+ HTML**: and :func:`rnr.render_plan` with ``format="html"``,
   as ``rnr plan --format html`` does per case.

Each figure is the median of every call of every case, and its ratio to the
baseline's median. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rnr.cases.parse import Case, parse_case, score_case
from rnr.definitions.library import default_library, policy_library
from rnr.definitions.responsivity import CHOICES
from rnr.plan.assemble import draft_plan
from rnr.policy.engine import decide
from rnr.render.plan import render_plan

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "case.json"
POLICY = "cl-adultos-18216"
SANCTIONS = ("LV", "LVI", "RC", "RP", "PSBC")


def random_document(rng: random.Random, k: int) -> dict[str, Any]:
    """A random LS/CMI case file under ``cl-adultos-18216``."""
    instrument = default_library().get("lscmi")
    rate = rng.choice((0.1, 0.25, 0.4, 0.6))
    day = dt.date(2024, 2, 1) + dt.timedelta(days=rng.randrange(600))
    responsivity: dict[str, Any] = {}
    for field, allowed in CHOICES.items():
        if rng.random() < 0.5:
            continue
        if allowed is bool:
            responsivity[field] = rng.random() < 0.5
        elif isinstance(allowed, tuple):
            responsivity[field] = rng.choice(allowed)
    return {
        "case_id": f"bench-{k:04d}",
        "instrument": "lscmi",
        "assessed_on": day.isoformat(),
        "person": {"sex": rng.choice(("male", "female"))},
        "responses": {item.id: rng.random() < rate for item in instrument.items},
        "legal": {
            "regime": "adult",
            "sanction": rng.choice(SANCTIONS),
            "sentence_days": rng.randrange(61, 1900),
            "sentence_date": (day - dt.timedelta(days=rng.randrange(30))).isoformat(),
            "entry_date": (day + dt.timedelta(days=rng.randrange(30))).isoformat(),
        },
        "responsivity": responsivity,
    }


def stages(text: str, case: Case) -> dict[str, Callable[[], object]]:
    """The timed calls of one case, by name (each a whole single call)."""
    library = default_library()
    policy = policy_library().get(POLICY, on=case.assessed_on)
    legal = case.legal
    assert legal is not None
    result = score_case(case, library)
    decision = decide(result, legal, policy)
    plan = draft_plan(result, decision, responsivity=case.responsivity)

    def one() -> object:
        scored = score_case(case, library)
        decided = decide(scored, legal, policy)
        return draft_plan(scored, decided, responsivity=case.responsivity)

    def with_html() -> object:
        scored = score_case(case, library)
        decided = decide(scored, legal, policy)
        drafted = draft_plan(scored, decided, responsivity=case.responsivity)
        return render_plan(drafted, format="html")

    return {
        "baseline": lambda: json.dumps(json.loads(text)),
        "score": lambda: score_case(case, library),
        "decide": lambda: decide(result, legal, policy),
        "draft": lambda: draft_plan(result, decision, responsivity=case.responsivity),
        "render html": lambda: render_plan(plan, format="html"),
        "score + decide + draft": one,
        "... + html": with_html,
    }


def measure(cases: list[dict[str, Callable[[], object]]], calls: int) -> dict[str, list[float]]:
    """Seconds of every single call, by stage: the cases round-robin, each stage in turn."""
    times: dict[str, list[float]] = {name: [] for name in cases[0]}
    clock = time.perf_counter
    for _ in range(calls):
        for timed in cases:
            for name, fn in timed.items():
                t0 = clock()
                fn()
                times[name].append(clock() - t0)
    return times


def main() -> None:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--cases", type=int, default=200, help="random cases besides the example")
    parser.add_argument("--calls", type=int, default=30, help="timed calls of each stage per case")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    texts = [EXAMPLE.read_text(encoding="utf-8")]
    texts += [json.dumps(random_document(rng, k)) for k in range(args.cases)]
    parsed = [parse_case(json.loads(t), file=f"case-{n}.json") for n, t in enumerate(texts)]
    timed = [stages(t, c) for t, c in zip(texts, parsed, strict=True)]
    for fns in timed:  # warm up: catalogue, labels, templates, prepared instruments
        for fn in fns.values():
            fn()
    example = measure(timed[:1], args.calls * 10)
    every = measure(timed, args.calls)

    figures: dict[str, Any] = {"cases": len(timed), "calls_per_case": args.calls}
    print(
        f"1 example case ({args.calls * 10} calls per stage) and {args.cases} random LS/CMI cases"
    )
    print(f"under {POLICY} ({args.calls} calls per stage and case); medians")
    print(f"{'stage':<24}{'example µs':>12}{'x baseline':>12}{'random µs':>12}{'x baseline':>12}")
    for name in timed[0]:
        row = {}
        for label, times in (("example", example), ("random", every)):
            median = statistics.median(times[name])
            row[label] = (median * 1e6, median / statistics.median(times["baseline"]))
        figures[name] = {k: {"median_us": round(v[0], 1), "ratio": round(v[1], 2)}
                         for k, v in row.items()}  # fmt: skip
        (a, ra), (b, rb) = row["example"], row["random"]
        print(f"{name:<24}{a:>12,.0f}{ra:>12.1f}{b:>12,.0f}{rb:>12.1f}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
