"""Reliability figures estimated from a simulated cohort (for demos and benchmarks only).

The shipped instruments declare no reliability figures, so the reliable
change index needs an agency's own. A simulated cohort can stand in for a
local study in a demo: the standard deviation of the baseline totals, and
the correlation between the two raters of the double-scored assessments
(an inter-rater coefficient, labelled as such in the figures' source, a
sentence of the catalogue's ``service`` area in the reader's language).

>>> from rnr.simulate import simulate
>>> figures = estimated_reliability(simulate(400, 1.0, seed=1), "lscmi")
>>> round(figures.sd, 1) > 0, 0 < figures.r < 1
(True, True)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from rnr.definitions.instrument import Reliability
from rnr.errors import InvalidArgumentError
from rnr.render.messages import catalogue
from rnr.scoring.batch import score_batch
from rnr.simulate.people import Cohort

__all__ = ["estimated_reliability"]

#: Fewest double-scored pairs and baselines for an estimate.
MINIMUM = 10


def estimated_reliability(cohort: Cohort, instrument: str, *, lang: str = "es") -> Reliability:
    """The primary scale's SD at baseline and its inter-rater correlation in ``cohort``.

    The figures' ``source`` says, in ``lang``, that they come from a simulated
    cohort (its seed and sizes) and are no published figure.

    Raises:
        InvalidArgumentError: the cohort has no such instrument, fewer than
            10 baselines or double-scored pairs, or totals that do not vary.
        RenderError: ``lang`` is not a locale of the catalogue.
    """
    if instrument not in cohort.instruments:
        known = ", ".join(sorted(cohort.instruments))
        raise InvalidArgumentError("instrument", instrument, f"one of {known}")
    inst = cohort.instruments[instrument]
    ids = [i.id for i in inst.items]
    people = [p for p in cohort.people if p.instrument == instrument]
    baselines = [p.assessments[0] for p in people if p.assessments]
    pairs = []
    for person in people:
        by_day = {d["assessed_on"]: d for d in person.assessments}
        pairs += [(by_day[d["assessed_on"]], d) for d in person.double_scored]
    if len(baselines) < MINIMUM or len(pairs) < MINIMUM:
        expected = f"a cohort with at least {MINIMUM} baselines and double-scored pairs"
        raise InvalidArgumentError("cohort", f"{len(baselines)} and {len(pairs)}", expected)

    def totals(docs: list[dict[str, Any]]) -> npt.NDArray[np.float64]:
        rows = np.array([[d["responses"][i] for i in ids] for d in docs], dtype=np.int16)
        groups = [str(d["person"]["sex"]) for d in docs] if inst.norm_groups else None
        return score_batch(inst, rows, norm_group=groups).raw(inst.primary_scale).astype(np.float64)

    sd = float(np.std(totals(baselines), ddof=1))
    first, second = totals([a for a, _ in pairs]), totals([b for _, b in pairs])
    if sd == 0 or np.std(first) == 0 or np.std(second) == 0:
        raise InvalidArgumentError("cohort", "constant totals", "totals that vary")
    r = float(np.corrcoef(first, second)[0, 1])
    source = catalogue(lang)(
        "service.simulated_reliability",
        seed=cohort.seed,
        baselines=len(baselines),
        pairs=len(pairs),
    )
    r = round(min(r, 0.99), 3)
    return Reliability(sd=round(sd, 2), r=r, source=source, status="unverified")
