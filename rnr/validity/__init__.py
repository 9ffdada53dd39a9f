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

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "Agreement": "rnr.validity.reliability",
    "AucResult": "rnr.validity.discrimination",
    "BootstrapResult": "rnr.validity.discrimination",
    "BrierResult": "rnr.validity.accuracy",
    "Calibration": "rnr.validity.calibrate",
    "CalibrationRow": "rnr.validity.calibrate",
    "Classification": "rnr.validity.classification",
    "Difference": "rnr.validity.subgroups",
    "Expected": "rnr.validity.calibrate",
    "Figures": "rnr.validity.subgroups",
    "GroupComparison": "rnr.validity.report",
    "IccResult": "rnr.validity.reliability",
    "KappaResult": "rnr.validity.reliability",
    "Norms": "rnr.validity.percentiles",
    "Recalibration": "rnr.validity.percentiles",
    "RocCurve": "rnr.validity.discrimination",
    "ScoreRank": "rnr.validity.percentiles",
    "Table": "rnr.validity.csvfile",
    "ValidityReport": "rnr.validity.report",
    "agreement": "rnr.validity.reliability",
    "auc": "rnr.validity.discrimination",
    "bootstrap_auc": "rnr.validity.discrimination",
    "brier": "rnr.validity.accuracy",
    "brier_score": "rnr.validity.accuracy",
    "calibration": "rnr.validity.calibrate",
    "classify": "rnr.validity.classification",
    "icc": "rnr.validity.reliability",
    "norms": "rnr.validity.percentiles",
    "read_table": "rnr.validity.csvfile",
    "recalibrate": "rnr.validity.percentiles",
    "roc_curve": "rnr.validity.discrimination",
    "validate": "rnr.validity.report",
    "weighted_kappa": "rnr.validity.reliability",
    "wilson": "rnr.validity.calibrate",
}

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

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.validity.accuracy import (
        BrierResult as BrierResult,
    )
    from rnr.validity.accuracy import (
        brier as brier,
    )
    from rnr.validity.accuracy import (
        brier_score as brier_score,
    )
    from rnr.validity.calibrate import (
        Calibration as Calibration,
    )
    from rnr.validity.calibrate import (
        CalibrationRow as CalibrationRow,
    )
    from rnr.validity.calibrate import (
        Expected as Expected,
    )
    from rnr.validity.calibrate import (
        calibration as calibration,
    )
    from rnr.validity.calibrate import (
        wilson as wilson,
    )
    from rnr.validity.classification import Classification as Classification
    from rnr.validity.classification import classify as classify
    from rnr.validity.csvfile import Table as Table
    from rnr.validity.csvfile import read_table as read_table
    from rnr.validity.discrimination import (
        AucResult as AucResult,
    )
    from rnr.validity.discrimination import (
        BootstrapResult as BootstrapResult,
    )
    from rnr.validity.discrimination import (
        RocCurve as RocCurve,
    )
    from rnr.validity.discrimination import (
        auc as auc,
    )
    from rnr.validity.discrimination import (
        bootstrap_auc as bootstrap_auc,
    )
    from rnr.validity.discrimination import (
        roc_curve as roc_curve,
    )
    from rnr.validity.percentiles import (
        Norms as Norms,
    )
    from rnr.validity.percentiles import (
        Recalibration as Recalibration,
    )
    from rnr.validity.percentiles import (
        ScoreRank as ScoreRank,
    )
    from rnr.validity.percentiles import (
        norms as norms,
    )
    from rnr.validity.percentiles import (
        recalibrate as recalibrate,
    )
    from rnr.validity.reliability import (
        Agreement as Agreement,
    )
    from rnr.validity.reliability import (
        IccResult as IccResult,
    )
    from rnr.validity.reliability import (
        KappaResult as KappaResult,
    )
    from rnr.validity.reliability import (
        agreement as agreement,
    )
    from rnr.validity.reliability import (
        icc as icc,
    )
    from rnr.validity.reliability import (
        weighted_kappa as weighted_kappa,
    )
    from rnr.validity.report import (
        GroupComparison as GroupComparison,
    )
    from rnr.validity.report import (
        ValidityReport as ValidityReport,
    )
    from rnr.validity.report import (
        validate as validate,
    )
    from rnr.validity.subgroups import Difference as Difference
    from rnr.validity.subgroups import Figures as Figures
