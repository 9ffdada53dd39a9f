"""Who enters the programmes: sex, age, the sentence and the latent risk.

One :class:`Group` holds the people of one regime as arrays, one entry per
person; dates are day numbers counted from the cohort's start (see
:mod:`rnr.simulate.calendar`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import attrs
import numpy as np
import numpy.typing as npt

from rnr.policy.engine import months_to_days
from rnr.simulate.calendar import ages
from rnr.simulate.parameters import Parameters

__all__ = ["ADULT_RANGES", "Group", "choose", "draw_group"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

#: Sentence lengths (days, lower bound exclusive, upper inclusive) that make an
#: adult eligible for the sanction under Ley 18.216 arts. 15 and 15 bis, by
#: sanction and offence category (``none``: no special category).
ADULT_RANGES: Mapping[tuple[str, str], tuple[int, int]] = {
    ("LV", "none"): (730, 1095),
    ("LV", "drugs_art4"): (540, 1095),
    ("LV", "traffic_196"): (540, 1095),
    ("LVI", "none"): (1095, 1825),
    ("LVI", "vif"): (540, 1825),
    ("LVI", "sexual"): (540, 1825),
}


def choose(rng: np.random.Generator, n: int, shares: Mapping[str, float]) -> IntArray:
    """Indices into ``list(shares)`` drawn with the given shares (normalised)."""
    p = np.fromiter(shares.values(), dtype=np.float64)
    cum = np.cumsum(p / p.sum())
    out: IntArray = np.minimum(np.searchsorted(cum, rng.random(n), side="right"), len(p) - 1)
    return out.astype(np.int64)


def _uniform(rng: np.random.Generator, lo: int, hi: int, n: int) -> IntArray:
    """Integers uniform in ``[lo, hi]``."""
    out: IntArray = rng.integers(lo, hi + 1, size=n, dtype=np.int64)
    return out


@attrs.frozen(eq=False)
class Group:
    """The people of one regime, as arrays.

    Attributes:
        regime: ``adult`` or ``juvenile``.
        index: each person's position in the cohort.
        male: the person's sex is male.
        birth: birth date (day number).
        sanction: the sanction's code.
        offence: the adult offence category the law reads (``none`` if none).
        sentence_days: the sentence (adults: the custodial sentence replaced;
            young people: the sanction's length), which is also the period.
        sentence_day: the sentence date.
        entry: the date the case entered the service.
        baseline: the baseline assessment's date.
        age_at_offence: young people's age at the offence (adults: -1).
        theta: general latent risk.
        z: domain latents, one column per domain of the instrument.
    """

    regime: str
    index: IntArray
    male: BoolArray
    birth: IntArray
    sanction: npt.NDArray[np.str_]
    offence: npt.NDArray[np.str_]
    sentence_days: IntArray
    sentence_day: IntArray
    entry: IntArray
    baseline: IntArray
    age_at_offence: IntArray
    theta: FloatArray
    z: FloatArray

    def __len__(self) -> int:
        return int(self.index.shape[0])

    @property
    def discharge(self) -> IntArray:
        """The day the sentence ends (entry plus the sentence)."""
        out: IntArray = self.entry + self.sentence_days
        return out


def _adult_sentences(
    rng: np.random.Generator, sanction: npt.NDArray[np.str_], params: Parameters
) -> tuple[npt.NDArray[np.str_], IntArray]:
    n = int(sanction.shape[0])
    offence = np.full(n, "none", dtype=object)
    for code, shares in params.offence_share.items():
        rows = np.flatnonzero(sanction == code)
        names = np.array(list(shares), dtype=object)
        offence[rows] = names[choose(rng, rows.size, shares)]
    days = np.zeros(n, dtype=np.int64)
    common = rng.random(n) < params.common_sentence_share
    pick = rng.random(n)
    free = rng.random(n)
    for (code, category), (lo, hi) in ADULT_RANGES.items():
        rows = (sanction == code) & (offence == category)
        lengths = np.array([d for d in params.common_sentence_days if lo < d <= hi])
        uniform = lo + 1 + np.floor(free[rows] * (hi - lo)).astype(np.int64)
        if lengths.size:
            at = np.minimum((pick[rows] * lengths.size).astype(np.int64), lengths.size - 1)
            fixed = lengths[at]
            uniform = np.where(common[rows], fixed, uniform)
        days[rows] = uniform
    return offence.astype(str), days


def _juvenile_sentences(
    rng: np.random.Generator, sanction: npt.NDArray[np.str_], params: Parameters
) -> IntArray:
    n = int(sanction.shape[0])
    u = rng.random(n)
    days = np.zeros(n, dtype=np.int64)
    for code, (lo, hi) in params.sentence_months.items():
        rows = sanction == code
        months = lo + np.floor(u[rows] * (hi - lo + 1)).astype(np.int64)
        # whole months in days as the policies read them (365/12 days, rounded), so a
        # sentence of exactly the legal maximum (36 months = 1095 days) is within range
        in_days = np.array([months_to_days(m) for m in range(hi + 1)], dtype=np.int64)
        days[rows] = in_days[months]
    return days


def draw_group(
    rng: np.random.Generator,
    *,
    regime: str,
    index: IntArray,
    n_domains: int,
    start: dt.date,
    end: int,
    params: Parameters,
    intake_days: int | None = None,
) -> Group:
    """Draw the people of one regime (``adult`` or ``juvenile``).

    Args:
        rng: the cohort's generator.
        regime: ``adult`` or ``juvenile``.
        index: the people's positions in the cohort.
        n_domains: domains of the regime's instrument (one latent each).
        start: the cohort's first day (day 0).
        end: the last day of the period: entries and baselines fall on or before it.
        params: the model's parameters.
        intake_days: entries are spread over this many days from ``start``
            (default: ``params.intake_days``).
    """
    n = int(index.shape[0])
    male = rng.random(n) < params.male_share[regime]
    shares = params.sanction_share[regime]
    sanction = np.array(list(shares), dtype=object)[choose(rng, n, shares)].astype(str)
    intake = params.intake_days if intake_days is None else intake_days
    entry = np.minimum(_uniform(rng, 0, max(intake, 1) - 1, n), end)
    sentence_day = entry - _uniform(rng, *params.sentence_to_entry_days, n)
    baseline = np.minimum(entry + _uniform(rng, *params.baseline_delay_days, n), end)
    noise = rng.standard_normal(n)
    if regime == "adult":
        offence, days = _adult_sentences(rng, sanction, params)
        shape, scale = params.adult_age_gamma
        age = np.minimum(18.0 + rng.gamma(shape, scale, n), params.adult_age_max + 0.5)
        birth = entry - np.round(age * 365.25).astype(np.int64)
        age_at_offence = np.full(n, -1, dtype=np.int64)
        decades = (params.theta_adult_reference_age - age) / 10.0
        theta = noise + params.theta_male * male + params.theta_adult_per_decade * decades
    else:
        offence = np.full(n, "none")
        days = _juvenile_sentences(rng, sanction, params)
        years = 14 + choose(rng, n, dict(zip("abcd", params.juvenile_age_at_offence, strict=True)))
        offence_day = sentence_day - _uniform(rng, *params.offence_to_sentence_days, n)
        fraction = 0.03 + 0.94 * rng.random(n)
        birth = offence_day - np.round((years + fraction) * 365.25).astype(np.int64)
        age_at_offence = ages(start, birth, offence_day)
        early = 17 - age_at_offence
        theta = noise + params.theta_male * male + params.theta_juvenile_per_year * early
    rho = params.rho_domain
    z = rho * theta[:, None] + np.sqrt(1 - rho**2) * rng.standard_normal((n, n_domains))
    return Group(
        regime=regime,
        index=index,
        male=male,
        birth=birth,
        sanction=sanction,
        offence=offence,
        sentence_days=days,
        sentence_day=sentence_day,
        entry=entry,
        baseline=baseline,
        age_at_offence=age_at_offence,
        theta=theta,
        z=z,
    )
