"""Programme indicators, the reinsertion index and override monitoring, from a case store.

The seeds' indicators (FACTS.md section 2) are data (``plans/indicators``);
:func:`programme_report` computes every one the stored data can support, with
its numerator, denominator, exclusions and source beside the seed's target,
and lists the others as not computable with the reason.
"""

from rnr.indicators.compute import IndicatorResult, Period, compute_indicators
from rnr.indicators.overrides import OverrideReport, override_report
from rnr.indicators.reinsertion import ReinsertionReport, reinsertion
from rnr.indicators.report import ProgrammeReport, programme_report, report_html, report_lines
from rnr.indicators.spec import (
    PROGRAMMES,
    Indicator,
    IndicatorSet,
    ReinsertionIndex,
    load_indicators,
    load_reinsertion,
)

__all__ = [
    "PROGRAMMES",
    "Indicator",
    "IndicatorResult",
    "IndicatorSet",
    "OverrideReport",
    "Period",
    "ProgrammeReport",
    "ReinsertionIndex",
    "ReinsertionReport",
    "compute_indicators",
    "load_indicators",
    "load_reinsertion",
    "override_report",
    "programme_report",
    "reinsertion",
    "report_html",
    "report_lines",
]
