"""The figures of one set of people, and the differences between groups.

A :class:`Figures` holds everything :func:`rnr.validity.validate` reports
for the whole sample or for one group (sex, age group, region…):
discrimination, classification at the cut, calibration and Brier. An empty
group, or one whose people all had (or all lacked) the outcome, is reported
with its ``status`` and a ``note`` instead of the figures it cannot have.

A :class:`Difference` sets a group against the whole sample or against a
reference group. Against the reference, the two groups are independent, so
the AUC difference gets an interval from the two DeLong variances
(``ΔAUC ± z·√(SE₁² + SE₂²)``); against the whole sample, which contains the
group, only the difference is given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

import attrs
import numpy as np

from rnr._frozen import frozen_map
from rnr.text import Message
from rnr.validity._checks import BoolArray, FloatArray, IntArray, z_value
from rnr.validity.accuracy import BrierResult, brier_of
from rnr.validity.calibrate import Calibration, Expected, calibration_of
from rnr.validity.classification import RATES, Classification, classification_of
from rnr.validity.discrimination import (
    AucResult,
    RocCurve,
    auc_from_tally,
    roc_from_tally,
    tally_index,
)

__all__ = ["COMPARED", "Difference", "Figures", "difference", "figures_of"]

Status = Literal["ok", "empty", "single-class"]

#: The figures a :class:`Difference` compares (besides the AUC).
COMPARED = ("base_rate", *RATES, "flagged_rate", "brier", "in_the_large")


@attrs.frozen
class Figures:
    """Everything reported for one set of people.

    Attributes:
        n: people.
        positives: people with the outcome.
        base_rate: ``positives / n`` (``None`` for an empty group).
        status: ``"ok"``, ``"empty"`` or ``"single-class"``.
        note: what is missing and why, when the status is not ``ok``
            (``validity.status_empty``, ``validity.note_all_had`` or
            ``validity.note_none_had``).
        auc: discrimination, when both outcomes are present.
        roc: the ROC curve, when both outcomes are present.
        cut: classification at the cut, when a cut was given.
        calibration: observed (and expected) rates per score and level.
        brier: the Brier score of each person's probability.
    """

    n: int
    positives: int
    base_rate: float | None
    status: Status
    note: Message | None
    auc: AucResult | None
    roc: RocCurve | None
    cut: Classification | None
    calibration: Calibration | None
    brier: BrierResult | None

    def value(self, name: str) -> float | None:
        """One figure by name: ``auc``, ``base_rate``, ``brier``, ``in_the_large``
        or a rate of the classification (``fpr``, ``ppv``…)."""
        if name == "auc":
            return None if self.auc is None else self.auc.auc
        if name == "base_rate":
            return self.base_rate
        if name in ("brier", "in_the_large"):
            return None if self.brier is None else getattr(self.brier, name)
        if self.cut is None or self.n == 0:
            return None
        found: float | None = getattr(self.cut, name)
        return found

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: the headline figures at the top, the details below."""
        out: dict[str, Any] = {
            "n": self.n,
            "positives": self.positives,
            "base_rate": self.base_rate,
            "status": self.status,
            "note": None if self.note is None else self.note.to_dict(),
            "auc": None if self.auc is None else self.auc.auc,
            "auc_ci": None if self.auc is None or self.auc.ci is None else list(self.auc.ci),
            "discrimination": None if self.auc is None else self.auc.to_dict(),
            "roc": None if self.roc is None else self.roc.to_dict(),
        }
        if self.cut is not None:
            out |= {name: self.value(name) for name in RATES}
        out["cut"] = None if self.cut is None else self.cut.to_dict()
        out["calibration"] = None if self.calibration is None else self.calibration.to_dict()
        out["brier"] = None if self.brier is None else self.brier.brier
        out["brier_detail"] = None if self.brier is None else self.brier.to_dict()
        return out


def figures_of(
    values: FloatArray,
    index: IntArray,
    y: BoolArray,
    p: FloatArray,
    *,
    scores: FloatArray,
    levels: tuple[tuple[str, ...], IntArray] | None,
    expected: Expected | None,
    cut: float | None,
    level: float,
    source: Literal["expected", "in-sample"],
    description: Message,
) -> Figures:
    """The :class:`Figures` of people indexed by score (no checks).

    ``p`` is each person's probability, computed once on the whole sample,
    so that every group is measured against the same predictions.
    """
    n = len(y)
    if n == 0:
        empty = Message("validity.status_empty")
        return Figures(0, 0, None, "empty", empty, None, None, None, None, None)
    positives = int(np.count_nonzero(y))
    counts = tally_index(values, index, y)
    status: Status = "ok"
    note = None
    auc = roc = None
    if positives in (0, n):
        status = "single-class"
        note = Message("validity.note_all_had" if positives else "validity.note_none_had")
    else:
        auc = auc_from_tally(counts, level)
        roc = roc_from_tally(counts)
    return Figures(
        n=n,
        positives=positives,
        base_rate=positives / n,
        status=status,
        note=note,
        auc=auc,
        roc=roc,
        cut=None if cut is None else classification_of(scores, y, cut),
        calibration=calibration_of(
            values, index, y, levels=levels, expected=expected, level=level, scores=scores
        ),
        brier=brier_of(p, y, source, description),
    )


@attrs.frozen
class Difference:
    """A group's figures minus another set's (the whole sample, or the reference group).

    Attributes:
        against: ``"all"`` or the reference group's value.
        values: figure name → this group's value - the other's (``None``
            when either is missing): ``auc`` and every name in :data:`COMPARED`.
        auc_ci: the interval of the AUC difference (against the reference only).
        level: the confidence level of ``auc_ci``.
        note: what could not be compared, when something could not
            (``validity.note_reference_empty``, ``validity.note_no_auc_difference``
            or ``validity.note_no_difference_interval``).
    """

    against: str
    values: Mapping[str, float | None] = attrs.field(converter=frozen_map)
    auc_ci: tuple[float, float] | None
    level: float
    note: Message | None = None

    def __getitem__(self, name: str) -> float | None:
        return self.values[name]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "against": self.against,
            **dict(self.values),
            "auc_ci": None if self.auc_ci is None else list(self.auc_ci),
            "level": self.level,
            "note": None if self.note is None else self.note.to_dict(),
        }


def difference(
    group: Figures, other: Figures, *, against: str, independent: bool, level: float
) -> Difference:
    """``group`` minus ``other``, figure by figure.

    Args:
        group: the group's figures.
        other: the whole sample's or the reference group's.
        against: ``"all"`` or the reference group's value, for the record.
        independent: whether the two sets share no one (then the AUC
            difference gets an interval).
        level: the confidence level of that interval.
    """
    values: dict[str, float | None] = {}
    for name in ("auc", *COMPARED):
        a, b = group.value(name), other.value(name)
        values[name] = None if a is None or b is None else a - b
    ci = None
    note = None
    if other.status == "empty":
        note = Message("validity.note_reference_empty")
    elif group.auc is None or other.auc is None:
        note = Message("validity.note_no_auc_difference")
    elif independent:
        if group.auc.se is None or other.auc.se is None:
            note = Message("validity.note_no_difference_interval")
        else:
            delta = group.auc.auc - other.auc.auc
            half = z_value(level) * math.hypot(group.auc.se, other.auc.se)
            ci = (delta - half, delta + half)
    return Difference(against, values, ci, level, note)
