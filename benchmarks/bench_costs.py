"""What pricing a caseload costs in time, against a bare baseline in the same run.

Run from a checkout (or anywhere rnr is installed)::

    python benchmarks/bench_costs.py                 # 100,000 people
    python benchmarks/bench_costs.py --n 10000 --repeat 3

It builds synthetic case summaries (the values ``rnr costs`` reads from a
store: sanction, entry, closing, a plan, attendance records) and measures,
in one process:

1. :func:`rnr.costs.caseload.caseload_costs`: every person's spending by
   component with exact decimals, the groupings, sessions and the cost of
   results, for one year;
2. the baseline: a plain-Python loop that gives each person the days of the
   year they were supervised times one float figure a person-year for their
   sanction, summed (the least any pricing must do);
3. the groupings alone (``CaseloadCosts.by`` for programme, sanction and
   component) on the result of 1.

Figures are ratios against the baseline of the same run. Nothing here is a
pass/fail test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from collections.abc import Callable
from typing import Any

from rnr.costs.caseload import caseload_costs, supervised_days
from rnr.definitions.costs import shipped
from rnr.indicators.caseload import CaseSummary, EventSummary, PlanSummary

SANCTIONS = ("LAS", "LAE", "LAEIP", "IRC", "LV", "LVI")
YEAR = 2025


def summaries(n: int, seed: int = 7) -> list[CaseSummary]:
    """``n`` synthetic people opened from 2024 to 2025, some closed, with attendance."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        opened = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700))
        closed = opened + dt.timedelta(days=rng.randrange(90, 900)) if rng.random() < 0.5 else None
        out.append(
            CaseSummary(
                case_id=f"b-{i:07d}",
                regime="juvenile",
                sanction=rng.choice(SANCTIONS),
                entry_date=opened,
                opened_on=opened,
                closed_on=closed,
                closed_by=None if closed is None else "discharge",
                instrument="ylscmi",
                assessed_on=(opened,),
                totals=(12,),
                levels=("moderate",),
                dynamic=(6,),
                risk_level="moderate",
                needs={},
                plan=PlanSummary(1, "initial", opened, (), (), rng.randrange(5), 5, 0.0, None),
                events=(
                    EventSummary(
                        "attendance",
                        dt.date(YEAR, 6, 30),
                        {"component": "apoyo socioeducativo", "scheduled": 8, "attended": 6},
                    ),
                ),
            )
        )
    return out


def baseline(cases: list[CaseSummary]) -> float:
    """Days supervised times a float person-year figure per sanction, summed."""
    book = shipped()
    per_year: dict[str, float] = {}
    for s in SANCTIONS:
        costs = book.for_sanction(s, YEAR)
        figure = None if costs is None else costs.per_person_year(s)
        per_year[s] = 0.0 if figure is None else float(figure)
    total = 0.0
    for case in cases:
        total += per_year[str(case.sanction)] * supervised_days(case, YEAR) / 365
    return total


def best(run: Callable[[], Any], repeat: int) -> float:
    """The fastest of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Measure and print the figures (and one JSON line)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="people (default 100,000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the best counts")
    args = parser.parse_args()
    cases = summaries(args.n)
    book = shipped()
    base = best(lambda: baseline(cases), args.repeat)
    full = best(lambda: caseload_costs(cases, book, period=YEAR), args.repeat)
    report = caseload_costs(cases, book, period=YEAR)
    groups = best(lambda: [report.by(w) for w in ("programme", "sanction", "component")], 1)
    figures = {
        "people": args.n,
        "priced": len(report.people),
        "baseline_s": round(base, 4),
        "caseload_costs_s": round(full, 4),
        "groupings_s": round(groups, 4),
        "ratio": round(full / base, 1) if base else None,
    }
    print(f"{args.n:,} people, {len(report.people):,} priced in {YEAR}")
    print(f"  baseline (float, days x person-year): {base:.4f} s")
    ratio = f"{full / base:.1f}x" if base else "-"
    print(f"  caseload_costs (exact decimals: people, sessions, results): {full:.4f} s  ({ratio})")
    print(f"  groupings alone (programme, sanction, component): {groups:.4f} s")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
