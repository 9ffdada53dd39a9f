"""Plan-draft speed: assembly and rendering, against a baseline measured in the same run.

Run from a checkout (or anywhere rnr is installed)::

    python benchmarks/bench_plans.py              # 10,000 adult LS/CMI cases
    python benchmarks/bench_plans.py --n 2000 --repeat 5

Synthetic LS/CMI cases (random yes/no answers, random responsivity
sections, sentences under ``cl-adultos-18216``) are scored and decided first,
outside the clock. Then, one case at a time, it measures:

1. **baseline**: ``str.format`` of a fixed minimal text per case (case id,
   risk level, contacts, hours: four fields into one line), the cheapest
   possible "document per case";
2. **assembly**: :func:`rnr.draft_plan` (objectives chosen from the needs,
   hours shared, responsivity rules applied, supports, strengths, deadlines,
   review dates) with the shipped catalogue and rules;
3. **render md** and **render html**: :func:`rnr.render.plan.render_plan` of
   each assembled draft, in Spanish (the shipped templates);
4. **assembly + html**: both, as ``rnr plan --format html`` does per case.

Figures are drafts per second and the slowdown against the baseline of the
same run (how many times slower than the minimal text). Nothing here is a
pass/fail test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rnr import default_library, score
from rnr.cases.legal import LegalContext
from rnr.definitions.library import policy_library
from rnr.definitions.responsivity import CHOICES, Responsivity
from rnr.plan.assemble import draft_plan
from rnr.plan.draft import PlanDraft
from rnr.policy.decision import Decision
from rnr.policy.engine import decide
from rnr.render.plan import render_plan
from rnr.scoring.result import ScoreResult

SANCTIONS = ("LV", "LVI", "RC", "RP", "PSBC")
BASELINE = "{case_id}: riesgo {risk}, {contacts} contactos al mes, {hours} horas de intervención\n"


def responsivity(rng: random.Random) -> Responsivity:
    """A random responsivity section: each field recorded half of the time."""
    values: dict[str, Any] = {}
    for field, allowed in CHOICES.items():
        if rng.random() < 0.5:
            continue
        if allowed is bool:
            values[field] = rng.random() < 0.5
        elif isinstance(allowed, tuple):
            values[field] = rng.choice(allowed)
        else:
            values[field] = rng.choice(("es", "ht", "qu")) if field == "language" else "mujer"
    return Responsivity(**values)


def cohort(n: int, seed: int = 7) -> list[tuple[ScoreResult, Decision, Responsivity]]:
    """Scored and decided synthetic cases (outside the clock)."""
    rng = random.Random(seed)
    instrument = default_library().get("lscmi")
    policy = policy_library().get("cl-adultos-18216")
    out = []
    for k in range(n):
        rate = rng.choice((0.1, 0.25, 0.4, 0.6))
        answers = {item.id: rng.random() < rate for item in instrument.items}
        day = dt.date(2024, 2, 1) + dt.timedelta(days=rng.randrange(600))
        group = rng.choice(instrument.norm_groups)
        result = score(
            instrument, answers, assessed_on=day, norm_group=group, case_id=f"bench-{k:05d}"
        )
        legal = LegalContext(
            regime="adult",
            sanction=rng.choice(SANCTIONS),
            sentence_days=rng.randrange(61, 1900),
            sentence_date=day - dt.timedelta(days=rng.randrange(30)),
            entry_date=day + dt.timedelta(days=rng.randrange(30)),
        )
        decision = decide(result, legal, policy, case_id=result.case_id)
        out.append((result, decision, responsivity(rng)))
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
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    cases = cohort(args.n)

    def base() -> list[str]:
        return [
            BASELINE.format(
                case_id=d.case_id,
                risk=d.risk_level,
                contacts=d.intensity.contacts_per_month,
                hours=d.intensity.treatment_hours,
            )
            for _, d, _ in cases
        ]

    def assemble() -> list[PlanDraft]:
        return [draft_plan(s, d, responsivity=r) for s, d, r in cases]

    draft_plan(*cases[0][:2], responsivity=cases[0][2])  # load the catalogue once
    plans = assemble()
    render_plan(plans[0], format="html")  # compile the templates once

    def md() -> list[str]:
        return [render_plan(p, format="md") for p in plans]

    def html() -> list[str]:
        return [render_plan(p, format="html") for p in plans]

    def both() -> list[str]:
        return [render_plan(draft_plan(s, d, responsivity=r), format="html") for s, d, r in cases]

    figures: dict[str, float] = {}
    for name, fn in (
        ("baseline", base),
        ("assembly", assemble),
        ("render md", md),
        ("render html", html),
        ("assembly + html", both),
    ):
        seconds, _ = best(fn, args.repeat)
        figures[name] = seconds
    objectives = sum(len(p.objectives) for p in plans) / len(plans)
    print(f"{args.n:,} LS/CMI cases under cl-adultos-18216; {objectives:.2f} objectives per draft")
    print(f"{'stage':<18}{'seconds':>10}{'drafts/s':>14}{'x baseline time':>18}")
    for name, seconds in figures.items():
        ratio = seconds / figures["baseline"]
        print(f"{name:<18}{seconds:>10.3f}{args.n / seconds:>14,.0f}{ratio:>18,.0f}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
