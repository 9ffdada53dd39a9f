"""How a simulated person answers an instrument's items, and how they are scored.

:class:`ItemModel` reads the structure of one instrument version: its domains,
which items are static, dynamic or strengths, and the points each answer
gives. Answers are drawn from an item-response model (each item is
Bernoulli(sigmoid(a_i + b·z_domain)), strengths with the opposite sign) and
scored with :func:`rnr.score_batch`, so the simulation's totals, levels and
needs are the engine's own.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from rnr.definitions.instrument import Domain, Instrument
from rnr.errors import InvalidArgumentError
from rnr.scoring.batch import score_batch
from rnr.scoring.compiled import CompiledInstrument, compile_instrument
from rnr.simulate.parameters import Parameters

__all__ = ["ItemModel", "Scores", "logistic"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
HistoryRule = tuple[int, str, int]


def logistic(x: npt.NDArray[Any] | float) -> Any:
    """The logistic function ``1 / (1 + exp(-x))``."""
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=np.float64)))


def _logit(p: float) -> float:
    return math.log(p / (1.0 - p))


@attrs.frozen
class Scores:
    """Scores of many answer rows: primary total, level index, domain totals."""

    total: IntArray
    level: IntArray
    domains: IntArray  # (n, n_domains) on the primary scale
    criminogenic: BoolArray  # (n, n_domains); always False for static domains


def _hazard_line(instrument: Instrument, lowest: float, highest: float) -> tuple[float, float]:
    """Monthly log-odds ``alpha + beta * total`` through two yearly probabilities."""
    scale = instrument.scales[instrument.primary_scale]
    group = instrument.norm_groups[0] if instrument.norm_groups else None
    bands = sorted(scale.bands_for(group), key=lambda b: b.min)
    lo = (bands[0].min + bands[0].max) / 2
    hi = (bands[-1].min + bands[-1].max) / 2
    a = _logit(1.0 - (1.0 - lowest) ** (1 / 12))
    b = _logit(1.0 - (1.0 - highest) ** (1 / 12))
    beta = (b - a) / (hi - lo) if hi > lo else 0.0
    return a - beta * lo, beta


@attrs.frozen(eq=False)
class ItemModel:
    """The item-response model of one instrument version.

    Build it with :meth:`build`; every array follows ``instrument.items``.
    """

    instrument: Instrument
    compiled: CompiledInstrument
    ids: tuple[str, ...]
    domain_of: IntArray  # domain index of each item
    dynamic_domains: IntArray  # indices of the dynamic domains
    static: BoolArray  # item of a static factor
    strength: BoolArray
    age: BoolArray  # age items: answered with the age on the assessment date
    difficulty: FloatArray  # a_i
    redraw: BoolArray  # items answered afresh at reassessments (dynamic, not age)
    history: tuple[HistoryRule, ...]  # (item, event kind, count)
    static_strength: BoolArray
    domain_max: IntArray
    offence_line: tuple[float, float]
    breach_line: tuple[float, float]
    crim_tables: tuple[BoolArray, ...]  # per domain: total - lo → criminogenic
    domain_lo: IntArray
    substance: int | None  # the domain read for substance dependence
    education: int | None  # the domain read for schooling

    @classmethod
    def build(cls, instrument: Instrument, params: Parameters) -> ItemModel:
        """Read the instrument's structure.

        Raises:
            InvalidArgumentError: the instrument has items other than yes/no and
                age items, norm groups other than the person's sex, or a
                primary scale without risk levels.
        """
        _check(instrument)
        domains = [d.id for d in instrument.domains]
        items = instrument.items
        difficulty = np.zeros(len(items))
        for domain in instrument.domains:
            members = [n for n, i in enumerate(items) if i.domain == domain.id and not i.strength]
            share = params.prevalence.get(f"{instrument.id}.{domain.id}", params.default_prevalence)
            spread = params.item_spread if len(members) > 1 else 0.0
            difficulty[members] = _logit(share) + np.linspace(spread, -spread, len(members))
        strength = np.array([i.strength for i in items], dtype=bool)
        difficulty[strength] = _logit(params.strength_prevalence)
        static = np.array([i.factor == "static" for i in items], dtype=bool)
        age = np.array([i.kind == "age" for i in items], dtype=bool)
        history = tuple(
            (n, *params.history_items[i.id])
            for n, i in enumerate(items)
            if i.id in params.history_items and static[n] and not age[n]
        )
        return cls(
            instrument=instrument,
            compiled=compile_instrument(instrument),
            ids=tuple(i.id for i in items),
            domain_of=np.array([domains.index(i.domain) for i in items], dtype=np.int64),
            dynamic_domains=np.array(
                [n for n, d in enumerate(instrument.domains) if d.factor == "dynamic"],
                dtype=np.int64,
            ),
            static=static,
            strength=strength,
            age=age,
            difficulty=difficulty,
            redraw=~static & ~age,
            history=history,
            static_strength=static & strength,
            domain_max=np.array([d.range[1] for d in instrument.domains], dtype=np.int64),
            domain_lo=np.array([d.range[0] for d in instrument.domains], dtype=np.int64),
            crim_tables=tuple(_criminogenic_table(instrument, d) for d in instrument.domains),
            offence_line=_hazard_line(
                instrument, params.recidivism_lowest, params.recidivism_highest
            ),
            breach_line=_hazard_line(instrument, params.breach_lowest, params.breach_highest),
            substance=_first(domains, params.substance_domains),
            education=_first(domains, params.education_domains),
        )

    @property
    def levels(self) -> tuple[str, ...]:
        """The primary scale's levels, lowest first."""
        return self.instrument.scales[self.instrument.primary_scale].levels

    def draw(
        self, rng: np.random.Generator, z: FloatArray, params: Parameters
    ) -> npt.NDArray[np.int8]:
        """Fresh answers (0/1; age columns 0) for people with domain latents ``z``."""
        latent = z[:, self.domain_of]
        slope = np.where(self.strength, -params.strength_discrimination, params.discrimination)
        p = logistic(self.difficulty + slope * latent)
        answers: npt.NDArray[np.int8] = (rng.random(p.shape) < p).astype(np.int8)
        answers[:, self.age] = 0
        return answers

    def score(self, answers: npt.NDArray[np.int8], groups: list[str] | None) -> Scores:
        """Score answer rows with the engine's batch scorer (``groups``: one norm group a row)."""
        result = score_batch(self.compiled, answers, norm_group=groups)
        primary = self.instrument.primary_scale
        n_scales = self.compiled.n_scales
        domains = result.totals[:, n_scales:].astype(np.int64)
        crim = np.zeros(domains.shape, dtype=bool)
        for d, table in enumerate(self.crim_tables):
            crim[:, d] = table[domains[:, d] - self.domain_lo[d]]
        return Scores(
            total=result.raw(primary).astype(np.int64),
            level=result.level_codes(primary).astype(np.int64),
            domains=domains,
            criminogenic=crim,
        )

    def monthly(self, line: tuple[float, float], total: IntArray) -> FloatArray:
        """Monthly probabilities on a hazard line (see :func:`_hazard_line`)."""
        alpha, beta = line
        out: FloatArray = logistic(alpha + beta * total)
        return out


def _check(instrument: Instrument) -> None:
    odd = [i.id for i in instrument.items if i.kind not in ("boolean", "age")]
    if odd:
        expected = f"an instrument of yes/no and age items (not {', '.join(odd)})"
        raise InvalidArgumentError("library", instrument.ref, expected)
    if instrument.norm_groups and not {"male", "female"} <= set(instrument.norm_groups):
        expected = "an instrument with norm groups male and female, or none"
        raise InvalidArgumentError("library", instrument.ref, expected)
    if not instrument.scales[instrument.primary_scale].levels:
        expected = "an instrument whose primary scale has risk levels"
        raise InvalidArgumentError("library", instrument.ref, expected)


def _criminogenic_table(instrument: Instrument, domain: Domain) -> BoolArray:
    """The engine's rule (``rnr.scoring.single``) for each total of ``domain``.

    A dynamic domain is criminogenic from the instrument's ``criminogenic_from``
    need level; without need bands, when it scores any point.
    """
    lo, hi = domain.range
    out = np.zeros(hi - lo + 1, dtype=bool)
    if domain.factor != "dynamic":
        return out
    levels, start = instrument.need_levels, instrument.criminogenic_from
    for total in range(lo, hi + 1):
        need = domain.need(total)
        if need is None or start is None:
            out[total - lo] = total > 0
        else:
            out[total - lo] = levels.index(need) >= levels.index(start)
    return out


def _first(domains: list[str], wanted: tuple[str, ...]) -> int | None:
    for name in wanted:
        if name in domains:
            return domains.index(name)
    return None
