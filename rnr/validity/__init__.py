"""Does an instrument work, and fairly, on an agency's own population?

Local validation of a score against an outcome (e.g. reoffending within the
follow-up): discrimination (AUC with DeLong and bootstrap intervals, ROC),
calibration (observed rates with Wilson intervals, expected against
observed, Brier), classification at a cut-off, all of it by subgroup with
the differences between groups; inter-rater reliability (ICC(2,1), weighted
kappa); local norms and recalibrated cut-offs. numpy only; every function is
pure and checks its arguments (:class:`~rnr.errors.InvalidArgumentError`).

>>> from rnr import validity
>>> report = validity.validate([1, 3, 4, 8, 9, 12], [0, 0, 1, 0, 1, 1], cut=8)
>>> round(report.auc.auc, 3), report.to_dict()["ppv"]
(0.889, 0.6666666666666666)

See ``docs/validity.md``.
"""

from rnr.validity.brier import BrierResult, brier, brier_score
from rnr.validity.calibration import Calibration, CalibrationRow, Expected, calibration, wilson
from rnr.validity.classification import Classification, classify
from rnr.validity.csvfile import Table, read_table
from rnr.validity.discrimination import (
    AucResult,
    BootstrapResult,
    RocCurve,
    auc,
    bootstrap_auc,
    roc_curve,
)
from rnr.validity.norms import Norms, Recalibration, ScoreRank, norms, recalibrate
from rnr.validity.reliability import (
    Agreement,
    IccResult,
    KappaResult,
    agreement,
    icc,
    weighted_kappa,
)
from rnr.validity.report import GroupComparison, ValidityReport, validate
from rnr.validity.subgroups import Difference, Figures

__all__ = [
    "Agreement",
    "AucResult",
    "BootstrapResult",
    "BrierResult",
    "Calibration",
    "CalibrationRow",
    "Classification",
    "Difference",
    "Expected",
    "Figures",
    "GroupComparison",
    "IccResult",
    "KappaResult",
    "Norms",
    "Recalibration",
    "RocCurve",
    "ScoreRank",
    "Table",
    "ValidityReport",
    "agreement",
    "auc",
    "bootstrap_auc",
    "brier",
    "brier_score",
    "calibration",
    "classify",
    "icc",
    "norms",
    "read_table",
    "recalibrate",
    "roc_curve",
    "validate",
    "weighted_kappa",
    "wilson",
]
