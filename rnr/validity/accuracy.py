"""The Brier score of each person's probability: expected rates, or the in-sample rate.

The Brier (1950) score is the mean squared difference between each
person's probability of the outcome and the outcome (0 or 1). Each person's
probability is the expected rate of their score or level; without expected
rates, it is the observed rate at their score *in this same sample*: that
score is labelled ``in-sample`` and flatters the instrument (it is fitted to
these people).

>>> brier([0.25, 0.75], [0, 1])
0.0625
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from rnr.errors import InvalidArgumentError
from rnr.text import Message
from rnr.validity._checks import (
    BoolArray,
    FloatArray,
    IntArray,
    as_outcomes,
    as_scores,
    plain,
)
from rnr.validity.calibrate import Expected, prepare

__all__ = ["IN_SAMPLE", "BrierResult", "brier", "brier_of", "brier_score", "probabilities_of"]

#: What in-sample probabilities are (the observed rate at each score in this same sample).
IN_SAMPLE = Message("validity.in_sample")


@attrs.frozen
class BrierResult:
    """The Brier score of one probability per person, and what it is measured against.

    Attributes:
        brier: the mean of (probability - outcome)²; 0 is perfect.
        n: people.
        source: ``"expected"`` (the expected rates mapped onto each person) or
            ``"in-sample"`` (the observed rate at each score in this sample).
        description: the same as a message for the reader: :data:`IN_SAMPLE`, or
            ``validity.expected_source`` with ``by`` (``validity.by_score`` or
            ``validity.by_level``) and the expected rates' ``source``.
        reference: the Brier score of giving everybody the observed base rate.
        skill: ``1 - brier / reference`` (``None`` when the reference is 0).
        mean_probability: the mean probability given.
        observed_rate: the share with the outcome.
        in_the_large: ``observed_rate - mean_probability`` (calibration in the large).
    """

    brier: float
    n: int
    source: Literal["expected", "in-sample"]
    description: Message
    reference: float
    skill: float | None
    mean_probability: float
    observed_rate: float
    in_the_large: float

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return attrs.asdict(self, recurse=False) | {"description": self.description.to_dict()}


def brier(probabilities: npt.ArrayLike, outcomes: npt.ArrayLike) -> float:
    """The Brier score: the mean squared difference between probability and outcome.

    Raises:
        InvalidArgumentError: lengths differ, fewer than two rows, a probability
            outside [0, 1] or an outcome that is not 0/1.
    """
    p = as_scores(probabilities, "probabilities")
    y = as_outcomes(outcomes)
    if len(p) != len(y):
        raise InvalidArgumentError("len(outcomes)", len(y), f"{len(p)} (one per probability)")
    if len(p) < 2:
        raise InvalidArgumentError("len(probabilities)", len(p), "at least 2 rows")
    inside = (p >= 0) & (p <= 1)
    if not inside.all():
        i = int(np.argmin(inside))
        raise InvalidArgumentError(f"probabilities[{i}]", float(p[i]), "a probability from 0 to 1")
    return float(np.mean((p - y) ** 2))


def probabilities_of(
    score_values: FloatArray,
    score_index: IntArray,
    outcomes: BoolArray,
    levels: tuple[tuple[str, ...], IntArray] | None,
    expected: Expected | None,
) -> tuple[FloatArray, Literal["expected", "in-sample"], Message]:
    """Each person's probability: the expected rate of their score or level, else in-sample.

    Raises:
        InvalidArgumentError: a score or level present in the data has no expected rate.
    """
    if expected is None:
        totals = np.bincount(score_index, minlength=len(score_values))
        events = np.bincount(score_index[outcomes], minlength=len(score_values))
        observed = events / np.maximum(totals, 1)
        return observed[score_index], "in-sample", IN_SAMPLE
    if expected.by == "score":
        keys: Sequence[str | float] = score_values.tolist()
        index = score_index
    else:
        assert levels is not None
        keys, index = levels
    table = np.empty(len(keys), dtype=np.float64)
    for i, key in enumerate(keys):
        rate = expected.rate(key)
        if rate is None:
            known = ", ".join(str(plain(k)) for k in expected.rates)
            raise InvalidArgumentError(
                "expected.rates",
                plain(key),
                f"a rate for every {expected.by} present (given: {known})",
            )
        table[i] = rate
    by = Message(f"validity.by_{expected.by}")
    description = Message("validity.expected_source", {"by": by, "source": expected.source})
    return table[index], "expected", description


def brier_of(
    p: FloatArray, y: BoolArray, source: Literal["expected", "in-sample"], description: Message
) -> BrierResult:
    """The :class:`BrierResult` of probabilities ``p`` for outcomes ``y`` (at least one row)."""
    observed = float(y.mean())
    score = float(np.mean((p - y) ** 2))
    reference = observed * (1 - observed)
    skill = None if reference == 0 else 1 - score / reference
    mean_p = float(p.mean())
    return BrierResult(
        score, len(p), source, description, reference, skill, mean_p, observed, observed - mean_p
    )


def brier_score(
    scores: npt.ArrayLike,
    outcomes: npt.ArrayLike,
    *,
    risk_levels: Sequence[str] | None = None,
    expected: Expected | None = None,
) -> BrierResult:
    """The Brier score of the expected rates (or, without them, of the in-sample rates).

    Args:
        scores: one number per person.
        outcomes: one 0/1 per person.
        risk_levels: each person's level, needed for expected rates by level.
        expected: expected rates by score or by level; every score (or level)
            present needs one.

    Returns:
        The Brier score, labelled ``expected`` or ``in-sample``.

    Raises:
        InvalidArgumentError: see :func:`calibration`; a score or level with no expected rate.

    >>> r = brier_score([0, 0, 1, 1], [0, 1, 1, 1])
    >>> r.brier, r.source
    (0.125, 'in-sample')
    """
    _, y, levels, values, index = prepare(scores, outcomes, risk_levels, expected)
    p, source, description = probabilities_of(values, index, y, levels, expected)
    return brier_of(p, y, source, description)
