"""Classification at a cut-off: a score at or above the cut counts as predicting the outcome.

The four counts (true and false positives and negatives) give every rate an
agency asks about. A rate whose denominator is 0 is ``None``, and
:attr:`Classification.notes` says why (the code ``validity.why_<rate>``).

>>> c = classify([1, 2, 3, 4, 5], [0, 0, 1, 0, 1], cut=3)
>>> (c.tp, c.fp, c.tn, c.fn), c.ppv, c.sensitivity
((2, 1, 2, 0), 0.6666666666666666, 1.0)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
import numpy.typing as npt

from rnr._frozen import frozen_map
from rnr.errors import InvalidArgumentError
from rnr.text import Message
from rnr.validity._checks import BoolArray, FloatArray, check_pair, plain

__all__ = ["RATES", "Classification", "check_cut", "classify"]

#: The rates of a :class:`Classification`, in the order reports show them.
RATES = ("accuracy", "sensitivity", "specificity", "fpr", "fnr", "ppv", "npv")


@attrs.frozen
class Classification:
    """The counts and rates of predicting the outcome for scores at or above ``cut``.

    Attributes:
        cut: the cut-off score.
        n: people.
        tp: at or above the cut, with the outcome.
        fp: at or above the cut, without the outcome.
        tn: below the cut, without the outcome.
        fn: below the cut, with the outcome.
        accuracy: ``(tp + tn) / n``.
        sensitivity: ``tp / (tp + fn)`` (true-positive rate).
        specificity: ``tn / (tn + fp)``.
        fpr: false-positive rate, ``fp / (fp + tn)``.
        fnr: false-negative rate, ``fn / (fn + tp)``.
        ppv: positive predictive value, ``tp / (tp + fp)``.
        npv: negative predictive value, ``tn / (tn + fn)``.
        flagged: ``tp + fp``, people at or above the cut.
        flagged_rate: ``flagged / n``.
        notes: rate name → why it is ``None`` (``validity.why_<rate>``: no one
            with the outcome, without it, at or above the cut, or below it).
    """

    cut: float
    n: int
    tp: int
    fp: int
    tn: int
    fn: int
    accuracy: float
    sensitivity: float | None
    specificity: float | None
    fpr: float | None
    fnr: float | None
    ppv: float | None
    npv: float | None
    flagged: int
    flagged_rate: float
    notes: Mapping[str, Message] = attrs.field(converter=frozen_map, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        notes = {k: v.to_dict() for k, v in self.notes.items()}
        return attrs.asdict(self) | {"cut": plain(self.cut), "notes": notes}


def _ratio(top: int, bottom: int) -> float | None:
    return None if bottom == 0 else top / bottom


def classification_of(s: FloatArray, y: BoolArray, cut: float) -> Classification:
    """:func:`classify` without checks (``s`` may be empty only if never reported)."""
    flagged = s >= cut
    n = len(s)
    tp = int(np.count_nonzero(flagged & y))
    fp = int(np.count_nonzero(flagged)) - tp
    fn = int(np.count_nonzero(y)) - tp
    tn = n - tp - fp - fn
    rates = {
        "sensitivity": _ratio(tp, tp + fn),
        "fnr": _ratio(fn, tp + fn),
        "specificity": _ratio(tn, tn + fp),
        "fpr": _ratio(fp, tn + fp),
        "ppv": _ratio(tp, tp + fp),
        "npv": _ratio(tn, tn + fn),
    }
    return Classification(
        cut=float(cut),
        n=n,
        tp=tp,
        fp=fp,
        tn=tn,
        fn=fn,
        accuracy=(tp + tn) / n if n else 0.0,
        flagged=tp + fp,
        flagged_rate=(tp + fp) / n if n else 0.0,
        notes={k: Message(f"validity.why_{k}") for k, v in rates.items() if v is None},
        **rates,
    )


def check_cut(cut: object) -> float:
    """A cut-off: a finite number.

    Raises:
        InvalidArgumentError: anything else.
    """
    if isinstance(cut, bool) or not isinstance(cut, int | float | np.number):
        raise InvalidArgumentError("cut", cut, "a finite number (the lowest flagged score)")
    value = float(cut)
    if not np.isfinite(value):
        raise InvalidArgumentError("cut", cut, "a finite number (the lowest flagged score)")
    return value


def classify(scores: npt.ArrayLike, outcomes: npt.ArrayLike, *, cut: float) -> Classification:
    """Counts and rates of flagging everyone who scores ``cut`` or more.

    Args:
        scores: one number per person.
        outcomes: one 0/1 per person.
        cut: the lowest score that counts as predicting the outcome.

    Returns:
        The four counts, every rate (``None`` with a note when its denominator
        is 0), and how many were flagged.

    Raises:
        InvalidArgumentError: see :func:`rnr.validity.auc` (one outcome class
            is allowed here); a cut that is not a finite number.
    """
    value = check_cut(cut)
    s, y = check_pair(scores, outcomes, both=False)
    return classification_of(s, y, value)
