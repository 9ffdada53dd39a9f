"""Local-validation speed: AUC with DeLong's interval, the bootstrap, and a whole report.

Run from a checkout (or anywhere rnr is installed)::

    python benchmarks/bench_validity.py                    # 1,000,000 rows
    python benchmarks/bench_validity.py --rows 200000 --json figures.json

The data are simulated and seeded: a latent risk drives both an instrument
total from 0 to 43 (rounded, clipped) and a 0/1 outcome (logistic, base rate
about 35 %), so the score is correlated with the outcome (AUC about 0.7);
two group columns (sex: 2 values; region: 16 values) are drawn independently.
Each step is timed as the best of ``--repeat`` runs:

1. **auc**: :func:`rnr.validity.auc` (the Mann-Whitney AUC and DeLong's
   interval) on the integer totals; baseline: ``numpy.argsort`` of the same
   scores, the floor of any sort-based (rank-based) AUC;
2. **auc, continuous**: the same with the totals plus a tiny jitter, so that
   every score is distinct and the sort path is taken (integer totals are
   counted, not sorted), against ``numpy.argsort`` of those scores;
3. **bootstrap**: :func:`rnr.validity.bootstrap_auc` with 200 resamples on
   the first 100,000 rows;
4. **validate**: :func:`rnr.validity.validate` on every row with two group
   columns, a cut and 0 bootstrap resamples (discrimination, ROC,
   classification, calibration, Brier, per group and differences).

The AUC is also checked against the pair-counting definition on a sample of
2,000 rows before any figure is printed. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path
from typing import Any

import numpy as np

from rnr.validity.discrimination import auc, bootstrap_auc
from rnr.validity.report import validate


def best(work: Any, repeat: int) -> tuple[float, Any]:
    """The shortest of ``repeat`` timings of ``work()``, and its value."""
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = work()
        times.append(time.perf_counter() - start)
    return min(times), value


def simulate(rows: int, seed: int) -> dict[str, Any]:
    """Scores 0-43 correlated with a 0/1 outcome, and two group columns."""
    rng = np.random.default_rng(seed)
    risk = rng.normal(size=rows)
    scores = np.clip(np.rint(18 + 7 * risk + rng.normal(scale=4, size=rows)), 0, 43)
    chance = 1 / (1 + np.exp(-(-0.7 + 0.9 * risk)))
    outcomes = rng.random(rows) < chance
    sex = np.where(rng.random(rows) < 0.15, "F", "M").tolist()
    region = [f"R{r:02d}" for r in rng.integers(1, 17, size=rows).tolist()]
    return {"scores": scores, "outcomes": outcomes, "sex": sex, "region": region}


def pairwise_auc(scores: np.ndarray, outcomes: np.ndarray) -> float:
    """The AUC by counting every (outcome, no outcome) pair: the definition."""
    pos, neg = scores[outcomes], scores[~outcomes]
    diff = pos[:, None] - neg[None, :]
    return float(((diff > 0) + 0.5 * (diff == 0)).mean())


def main() -> None:
    """Run the benchmark and print (or save) the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--repeat", type=int, default=3, help="runs per timing (best kept)")
    parser.add_argument("--bootstrap-rows", type=int, default=100_000)
    parser.add_argument("--resamples", type=int, default=200)
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()

    data = simulate(args.rows, args.seed)
    scores, outcomes = data["scores"], data["outcomes"]
    sample = slice(0, 2000)
    check = auc(scores[sample], outcomes[sample]).auc
    assert abs(check - pairwise_auc(scores[sample], outcomes[sample])) < 1e-12, "AUC != pairs"
    figures: dict[str, Any] = {
        "rows": args.rows,
        "seed": args.seed,
        "repeat": args.repeat,
        "base_rate": float(outcomes.mean()),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "machine": platform.machine(),
    }

    sort_s, _ = best(lambda: np.argsort(scores), args.repeat)
    auc_s, result = best(lambda: auc(scores, outcomes), args.repeat)
    figures |= {"argsort_s": sort_s, "auc_s": auc_s, "auc": result.auc, "auc_ci": result.ci}
    figures["auc_vs_argsort"] = auc_s / sort_s
    print(
        f"{args.rows:,} rows, base rate {figures['base_rate']:.3f}: AUC {result.auc:.4f} "
        f"[{result.ci_low:.4f}, {result.ci_high:.4f}]"
    )
    print(
        f"auc + DeLong (integer totals): {auc_s:.3f} s; numpy.argsort {sort_s:.3f} s; "
        f"ratio {auc_s / sort_s:.2f}"
    )

    jitter = scores + np.random.default_rng(args.seed + 1).random(args.rows) * 1e-3
    jsort_s, _ = best(lambda: np.argsort(jitter), args.repeat)
    jauc_s, jresult = best(lambda: auc(jitter, outcomes), args.repeat)
    figures |= {
        "argsort_continuous_s": jsort_s,
        "auc_continuous_s": jauc_s,
        "auc_continuous": jresult.auc,
        "auc_continuous_vs_argsort": jauc_s / jsort_s,
    }
    print(
        f"auc + DeLong (all scores distinct): {jauc_s:.3f} s; numpy.argsort {jsort_s:.3f} s; "
        f"ratio {jauc_s / jsort_s:.2f}"
    )

    rows = min(args.bootstrap_rows, args.rows)
    boot_s, boot = best(
        lambda: bootstrap_auc(scores[:rows], outcomes[:rows], n=args.resamples, seed=1),
        args.repeat,
    )
    figures |= {
        "bootstrap_rows": rows,
        "bootstrap_resamples": args.resamples,
        "bootstrap_s": boot_s,
        "bootstrap_ci": [boot.ci_low, boot.ci_high],
    }
    print(
        f"bootstrap: {args.resamples} resamples of {rows:,} rows: {boot_s:.3f} s "
        f"[{boot.ci_low:.4f}, {boot.ci_high:.4f}]"
    )

    groups = {"sex": data["sex"], "region": data["region"]}
    validate_s, report = best(
        lambda: validate(scores, outcomes, groups=groups, cut=25.0), max(1, args.repeat - 1)
    )
    figures |= {
        "validate_s": validate_s,
        "validate_groups": {c: len(v) for c, v in report.groups.items()},
        "validate_vs_auc": validate_s / auc_s,
    }
    print(
        f"validate, 2 group columns (2 + 16 groups), cut: {validate_s:.3f} s "
        f"({validate_s / auc_s:.1f}x the AUC alone)"
    )
    print(
        json.dumps(
            {k: round(v, 4) if isinstance(v, float) else v for k, v in figures.items()}, indent=1
        )
    )
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
