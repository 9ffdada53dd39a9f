"""Specific responsivity factors: the case file's ``responsivity`` section.

Every field of :data:`rnr.definitions.responsivity.CHOICES` is drawn. Most are
independent of risk; the stage of change is earlier at higher θ, substance
dependence follows the substance domain's latent, schooling the education
domain's, and trauma histories are more frequent among young people and women.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from rnr.simulate.items import ItemModel, logistic
from rnr.simulate.parameters import Parameters
from rnr.simulate.population import Group, choose

__all__ = ["Responsivities", "draw_responsivity"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


@attrs.frozen(eq=False)
class Responsivities:
    """The responsivity section of every person of a group, column by column.

    Attributes:
        columns: field → one JSON value per person; the fields of
            :data:`rnr.definitions.responsivity.CHOICES`, in its order.
        motivation: each person's stage of change (a key of
            ``Parameters.motivation_effect``), for the treatment effect.
    """

    columns: Mapping[str, list[Any]]
    motivation: npt.NDArray[np.str_]

    def rows(self) -> list[dict[str, Any]]:
        """One ``responsivity`` dict per person."""
        names = list(self.columns)
        rows = zip(*self.columns.values(), strict=True)
        return [dict(zip(names, values, strict=True)) for values in rows]


def _pick(rng: np.random.Generator, n: int, shares: Mapping[str, float]) -> list[str]:
    names = np.array(list(shares), dtype=object)
    out: list[str] = names[choose(rng, n, shares)].tolist()
    return out


def _ordinal(rng: np.random.Generator, shares: Mapping[str, float], shift: FloatArray) -> list[str]:
    """Ordered categories: ``P(category <= k) = logistic(logit(cum_k) + shift)``."""
    p = np.fromiter(shares.values(), dtype=np.float64)
    cum = np.clip(np.cumsum(p / p.sum())[:-1], 1e-9, 1 - 1e-9)
    below = logistic(np.log(cum / (1 - cum))[None, :] + shift[:, None])
    k = (rng.random(int(shift.shape[0]))[:, None] > below).sum(axis=1)
    out: list[str] = np.array(list(shares), dtype=object)[k].tolist()
    return out


def _first_or_rest(
    rng: np.random.Generator, shares: Mapping[str, float], shift: FloatArray
) -> list[str]:
    """The first category with log-odds moved by ``shift``; otherwise the rest by share."""
    names = list(shares)
    p0 = shares[names[0]] / sum(shares.values())
    n = int(shift.shape[0])
    first = rng.random(n) < logistic(np.log(p0 / (1 - p0)) + shift)
    rest = {k: v for k, v in shares.items() if k != names[0]}
    others = _pick(rng, n, rest)
    return [names[0] if f else o for f, o in zip(first.tolist(), others, strict=True)]


def _latent(group: Group, domain: int | None) -> FloatArray:
    out: FloatArray = group.theta if domain is None else group.z[:, domain]
    return out


def draw_responsivity(
    rng: np.random.Generator, group: Group, model: ItemModel, params: Parameters
) -> Responsivities:
    """Draw the responsivity section of every person of ``group``."""
    n, regime = len(group), group.regime
    sex = np.where(group.male, "male", "female")
    keyed = np.char.add(f"{regime}.", sex)
    theta = group.theta
    motivation = _ordinal(rng, params.motivation[regime], params.motivation_theta * theta)
    literacy = _pick(rng, n, params.literacy[regime])
    limited = rng.random(n) < params.cognitive_limited[regime]
    mental = _pick(rng, n, params.mental_health[regime])
    p_sub = params.substance_dependence[regime]
    sub_shift = params.discrimination * _latent(group, model.substance)
    dependence = rng.random(n) < logistic(np.log(p_sub / (1 - p_sub)) + sub_shift)
    language = _pick(rng, n, params.language)
    nonbinary = rng.random(n) < params.gender_nonbinary
    gender = np.where(nonbinary, "no binario", np.where(group.male, "masculino", "femenino"))
    trauma_p = np.array([params.trauma[k] for k in keyed.tolist()])
    trauma = rng.random(n) < trauma_p
    disability = _pick(rng, n, params.disability)
    parent_p = np.array([params.parenthood[k] for k in keyed.tolist()])
    parent = rng.random(n) < parent_p
    edu_shift = -params.schooling_education * _latent(group, model.education)
    schooling = _first_or_rest(rng, params.schooling[regime], edu_shift)
    columns: dict[str, list[Any]] = {
        "motivation": motivation,
        "literacy": literacy,
        "cognitive_ability": np.where(limited, "limited", "adequate").tolist(),
        "mental_health": mental,
        "substance_dependence": dependence.tolist(),
        "language": language,
        "gender": gender.tolist(),
        "trauma_history": trauma.tolist(),
        "disability": disability,
        "parenthood": parent.tolist(),
        "schooling": schooling,
    }
    return Responsivities(columns=columns, motivation=np.array(motivation, dtype=str))
