"""Decision speed, measured against a hand-written baseline in the same run.

Run from a checkout (or anywhere rnr is installed)::

    python benchmarks/bench_decide.py              # 1,000,000 adult cases
    python benchmarks/bench_decide.py --n 100000 --repeat 3

It measures, in one process, on the same synthetic scored cases under
``cl-adultos-18216``:

1. :func:`rnr.policy.vectorized.table_columns` on the intensity table alone,
   the like-for-like comparison with the baseline;
2. :func:`rnr.policy.vectorized.decide_arrays`: the whole decision (every
   eligibility table, intensity, components, monitoring, period, fit,
   warnings, the PII deadline and the next reassessment) for every case;
3. the baseline: a plain-Python ``if``/``elif`` of the intensity table alone
   (contacts per month and treatment hours), one case at a time;
4. :func:`rnr.policy.decide_many` (one decision object per case) on a tenth of
   the cases, for the per-case path integrators use for small batches.

Figures are ratios against the baseline of the same run. Nothing here is a
pass/fail test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from rnr.cases.legal import LegalContext
from rnr.definitions.library import policy_library
from rnr.definitions.policy import Policy
from rnr.policy.many import CohortCase, decide_many
from rnr.policy.vectorized import decide_arrays, table_columns

LEVELS = ("very_low", "low", "medium", "high", "very_high")
SANCTIONS = ("LV", "LVI", "RC", "RP", "PSBC")


def cohort(n: int, seed: int = 7) -> dict[str, Any]:
    """Synthetic scored cases: levels, needs, sentences, offences, dates."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2024-01-15")
    return {
        "risk_level": rng.choice(np.array(LEVELS, dtype=object), n, p=[0.1, 0.25, 0.35, 0.2, 0.1]),
        "high_needs": rng.integers(0, 5, n),
        "criminogenic_needs": rng.integers(0, 1 << 8, n),
        "sanction": rng.choice(
            np.array(SANCTIONS, dtype=object), n, p=[0.45, 0.25, 0.15, 0.1, 0.05]
        ),
        "sanction_status": np.full(n, "imposed", dtype=object),
        "sentence_days": rng.integers(61, 1900, n),
        "offences": rng.choice(
            np.array([0, 1, 2, 4, 8, 16]), n, p=[0.6, 0.15, 0.05, 0.1, 0.05, 0.05]
        ),
        "prior_convictions": rng.integers(0, 3, n),
        "art1_offences": np.zeros(n, dtype=np.int64),  # no art. 1 bar
        "prior_drug_convictions": np.zeros(n, dtype=np.int64),
        "prior_sentences_days": np.where(rng.random(n) < 0.8, 0, rng.integers(1, 900, n)),
        "prior_rp": np.zeros(n, dtype=np.int64),
        "nationality": rng.choice(
            np.array(["chilena", "extranjera", "no_informada"], dtype=object),
            n,
            p=[0.9, 0.05, 0.05],
        ),
        "legal_residence": rng.random(n) < 0.5,
        "one_third_served": np.zeros(n, dtype=bool),
        "assessed_on": start + rng.integers(0, 700, n).astype("timedelta64[D]"),
    }


def baseline(
    levels: npt.NDArray[Any], sanctions: npt.NDArray[Any], needs: npt.NDArray[Any]
) -> list[tuple[int, int]]:
    """The intensity table as hand-written if/elif, one case at a time."""
    out = []
    for level, sanction, high in zip(
        levels.tolist(), sanctions.tolist(), needs.tolist(), strict=True
    ):
        if sanction in {"RC", "PSBC"}:
            out.append((1, 0))
        elif sanction == "RP":
            out.append((0, 0))
        elif level == "very_low":
            out.append((1, 0))
        elif level == "low":
            out.append((1, 10))
        elif level == "medium":
            out.append((2, 100))
        elif level == "high":
            out.append((4, 200))
        elif high >= 2:
            out.append((8, 300))
        else:
            out.append((8, 200))
    return out


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Best wall time of ``repeat`` runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main() -> None:
    """Run and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    policy: Policy = policy_library().get("cl-adultos-18216")
    data = cohort(args.n)
    inputs = {k: data[k] for k in policy.decision_inputs}
    # enums as positions, as BatchResult.level_codes gives
    for name, spec in policy.decision_inputs.items():
        if spec.type == "enum":
            inputs[name] = (
                np.searchsorted(np.array(spec.values, dtype=object), data[name])
                if list(spec.values) == sorted(spec.values)
                else np.array([spec.values.index(v) for v in data[name]])
            )
    days = data["assessed_on"]

    t_rnr, arrays = best(
        lambda: decide_arrays(policy, inputs, assessed_on=days, entry_date=days), args.repeat
    )
    t_table, table = best(lambda: table_columns(policy, "intensity", inputs), args.repeat)
    t_base, expected = best(
        lambda: baseline(data["risk_level"], data["sanction"], data["high_needs"]), args.repeat
    )
    got = list(
        zip(arrays.contacts_per_month.tolist(), arrays.treatment_hours.tolist(), strict=True)
    )
    assert got == expected, "the vectorized decisions disagree with the baseline"
    same = list(
        zip(table["contacts_per_month"].tolist(), table["treatment_hours"].tolist(), strict=True)
    )
    assert same == expected, "the intensity table disagrees with the baseline"

    small = args.n // 10
    cases = [
        CohortCase(
            f"c-{i}",
            {
                "risk_level": data["risk_level"][i],
                "high_needs": int(data["high_needs"][i]),
                "criminogenic_needs": frozenset(
                    v
                    for b, v in enumerate(policy.inputs["criminogenic_needs"].values)
                    if int(data["criminogenic_needs"][i]) >> b & 1
                ),
            },
            LegalContext(
                regime="adult",
                sanction=str(data["sanction"][i]),
                sentence_days=int(data["sentence_days"][i]),
                offences=frozenset(
                    v
                    for b, v in enumerate(policy.inputs["offences"].values)
                    if int(data["offences"][i]) >> b & 1
                ),
                prior_convictions=int(data["prior_convictions"][i]),
                entry_date=days[i].astype(dt.date),
            ),
            days[i].astype(dt.date),
        )
        for i in range(small)
    ]
    t_many, _ = best(lambda: decide_many(policy, cases), 1)

    figures = {
        "n": args.n,
        "distinct_input_combinations": arrays.distinct,
        "intensity_table_seconds": round(t_table, 3),
        "intensity_table_speedup_vs_if_else": round(t_base / t_table, 1),
        "decide_arrays_seconds": round(t_rnr, 3),
        "baseline_if_else_seconds": round(t_base, 3),
        "decide_arrays_cases_per_second": round(args.n / t_rnr),
        "baseline_cases_per_second": round(args.n / t_base),
        "speedup_vs_if_else": round(t_base / t_rnr, 1),
        "decide_many_cases_per_second": round(small / t_many),
        "decide_many_vs_if_else": round((small / t_many) / (args.n / t_base), 2),
    }
    for key, value in figures.items():
        print(f"{key:36} {value}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
