"""A synthetic cohort for demos, tests and benchmarks (no real person).

:func:`simulate` draws people entering Chile's community programmes (adults
on LV or LVI under Ley 18.216, young people on LAS, LAE, LAEIP or in
closed-regime custody, IRC, under Ley 20.084), assesses them with the LS/CMI
or the YLS/CMI at baseline and at reassessments, and follows their cases:
change in their needs, new offences, breaches, revocations, discharges,
re-entries, plan reviews and the follow-up records the programme indicators
count (attendance of each component, coexistence reviews, yearly objectives).
Every assessment is a case document in the case-file format, so it parses,
scores and decides like a real one. The model is described in
``docs/simulation.md``; it is never a basis for decisions about real people.

>>> from rnr.simulate import simulate
>>> cohort = simulate(3, 1.0, seed=7)
>>> [p.case_id for p in cohort.people]
['sim-000001', 'sim-000002', 'sim-000003']
>>> cohort == simulate(3, 1.0, seed=7)
True
"""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "Cohort": "rnr.simulate.people",
    "Event": "rnr.simulate.people",
    "Person": "rnr.simulate.people",
    "Review": "rnr.simulate.people",
    "estimated_reliability": "rnr.simulate.figures",
    "simulate": "rnr.simulate.engine",
    "store_cohort": "rnr.simulate.load",
}

__all__ = [
    "Cohort",
    "Event",
    "Person",
    "Review",
    "estimated_reliability",
    "simulate",
    "store_cohort",
]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.simulate.engine import simulate as simulate
    from rnr.simulate.figures import estimated_reliability as estimated_reliability
    from rnr.simulate.load import store_cohort as store_cohort
    from rnr.simulate.people import (
        Cohort as Cohort,
    )
    from rnr.simulate.people import (
        Event as Event,
    )
    from rnr.simulate.people import (
        Person as Person,
    )
    from rnr.simulate.people import (
        Review as Review,
    )
