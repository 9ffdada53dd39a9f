""":func:`simulate`: check the arguments, draw each regime's people, follow them."""

from __future__ import annotations

import datetime as dt
import math
import numbers

import numpy as np

from rnr.definitions.instrument import Instrument
from rnr.definitions.library import Library, default_library
from rnr.errors import InvalidArgumentError, UnknownInstrumentError
from rnr.simulate.assemble import Days, build_people
from rnr.simulate.course import run
from rnr.simulate.items import ItemModel
from rnr.simulate.parameters import PARAMETERS, Parameters
from rnr.simulate.people import Cohort, Person
from rnr.simulate.population import draw_group
from rnr.simulate.responsivity import draw_responsivity
from rnr.simulate.reviews import run_reviews

__all__ = ["INSTRUMENTS", "MAX_YEARS", "simulate"]

#: The instrument each regime is assessed with.
INSTRUMENTS = {"adult": "lscmi", "juvenile": "ylscmi"}
#: The longest period that can be simulated, in years.
MAX_YEARS = 20


def _check(
    people: object, years: object, seed: object, start: object, share: object, *, intake: object
) -> None:
    if not isinstance(people, numbers.Integral) or isinstance(people, bool) or people < 1:
        raise InvalidArgumentError("people", people, "an integer >= 1")
    if (
        not isinstance(years, numbers.Real)
        or isinstance(years, bool)
        or not math.isfinite(float(years))
        or not 0 < float(years) <= MAX_YEARS
    ):
        raise InvalidArgumentError("years", years, f"a number of years > 0 and <= {MAX_YEARS}")
    if not isinstance(seed, numbers.Integral) or isinstance(seed, bool) or seed < 0:
        raise InvalidArgumentError("seed", seed, "an integer >= 0")
    if not isinstance(start, dt.date) or isinstance(start, dt.datetime):
        raise InvalidArgumentError("start", start, "a datetime.date")
    if not isinstance(share, numbers.Real) or isinstance(share, bool) or not 0 <= float(share) <= 1:
        raise InvalidArgumentError("juvenile_share", share, "a number from 0 to 1")
    if (
        not isinstance(intake, numbers.Real)
        or isinstance(intake, bool)
        or not math.isfinite(float(intake))
        or not 0 <= float(intake) < float(years)
    ):
        raise InvalidArgumentError(
            "intake_years", intake, "a number of years >= 0 and below the simulated years"
        )


def _instrument(library: Library, regime: str, start: dt.date) -> Instrument:
    ident = INSTRUMENTS[regime]
    try:
        return library.get(ident, on=start)
    except UnknownInstrumentError as exc:
        expected = f"a library with a version of {ident} in force on {start.isoformat()}"
        raise InvalidArgumentError("library", ident, expected) from exc


def simulate(
    people: int,
    years: float,
    *,
    seed: int = 0,
    start: dt.date = dt.date(2024, 2, 1),
    juvenile_share: float = 0.35,
    library: Library | None = None,
    intake_years: float = 0.0,
) -> Cohort:
    """Simulate a synthetic cohort entering the programmes (no real person).

    Adults (Ley 18.216: LV, LVI) are assessed with the LS/CMI and young people
    (Ley 20.084: LAS, LAE, LAEIP, IRC) with the YLS/CMI, at baseline and then
    every 6 months (3 at very high risk); between assessments their dynamic
    needs change, they may reoffend, breach, be revoked or discharged, their
    plans are reviewed every 3 months, and the follow-up records the
    programme indicators count (attendance of each component, coexistence
    reviews, yearly objectives) are kept month by month. The model and its
    parameters are in ``docs/simulation.md``; it is for demos, tests and
    benchmarks, never for decisions about real people.

    The result depends only on the arguments: the same seed gives the same
    cohort, on any machine with the same numpy.

    Args:
        people: how many people (>= 1).
        years: the simulated period from ``start`` (> 0 and <= 20).
        seed: the seed of the one random generator used (>= 0).
        start: the first day; people enter during its first week (the
            default is after 2024-01-13, when the shipped policies came into force).
        juvenile_share: the expected share of young people (0 to 1).
        library: the instruments to assess with (default: the shipped ones);
            it must hold a version of ``lscmi`` and ``ylscmi`` in force on
            ``start`` (only the one needed when the share is 0 or 1).
        intake_years: spread the entries evenly over this many years from
            ``start`` (a caseload with a continuous intake) instead of the
            first week (a cohort); below ``years``. With entries over several
            years, every programme indicator has cases in some year (see
            ``docs/indicators.md``).

    Returns:
        The cohort, people in case-id order.

    Raises:
        InvalidArgumentError: an argument is out of range or of the wrong type, or
            the library lacks an instrument or holds one the model cannot
            answer (only yes/no and age items).
    """
    _check(people, years, seed, start, juvenile_share, intake=intake_years)
    if library is not None and not isinstance(library, Library):
        raise InvalidArgumentError("library", library, "an rnr.definitions.library.Library or None")
    library = library if library is not None else default_library()
    share = float(juvenile_share)
    needed = [r for r, on in (("adult", share < 1), ("juvenile", share > 0)) if on]
    params: Parameters = PARAMETERS
    models = {r: ItemModel.build(_instrument(library, r, start), params) for r in needed}
    people, seed = int(people), int(seed)
    rng = np.random.default_rng(seed)
    young = rng.random(people) < share
    end = int(float(years) * 365.25)
    cohort: list[tuple[int, Person]] = []
    for regime in needed:
        index = np.flatnonzero(young if regime == "juvenile" else ~young)
        if not index.size:
            continue
        model = models[regime]
        group = draw_group(
            rng,
            regime=regime,
            index=index,
            n_domains=len(model.instrument.domains),
            start=start,
            end=end,
            params=params,
            intake_days=round(float(intake_years) * 365.25) if intake_years else None,
        )
        responsivity = draw_responsivity(rng, group, model, params)
        course = run(
            rng,
            group=group,
            model=model,
            responsivity=responsivity,
            start=start,
            end=end,
            params=params,
        )
        reviews = run_reviews(
            rng, group=group, course=course, model=model, start=start, end=end, params=params
        )
        days = Days(start, int(group.birth.min()) - 1, end + 1)
        built = build_people(
            rng,
            group=group,
            model=model,
            responsivity=responsivity,
            course=course,
            reviews=reviews,
            days=days,
            params=params,
        )
        cohort.extend(zip(index.tolist(), built, strict=True))
    cohort.sort(key=lambda pair: pair[0])
    return Cohort(
        people=tuple(p for _, p in cohort),
        seed=seed,
        years=float(years),
        start=start,
        juvenile_share=share,
        intake_years=float(intake_years),
        parameters=params.as_mapping(),
        instruments={m.instrument.id: m.instrument for m in models.values()},
    )
