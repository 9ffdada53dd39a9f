"""Programme indicators and the reinsertion index, computed from caseload summaries.

The programme documents' indicators are data (``plans/indicators``);
:func:`compute_indicators` computes every one the summaries can support,
with its numerator, denominator, exclusions and source beside the target,
and gives the others as not computable with a coded reason. The case
history builds the summaries (:class:`CaseSummary`) from a store:
:func:`rnr.history.programme.programme_report` does the whole year.
"""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "CaseSummary": "rnr.indicators.caseload",
    "Due": "rnr.indicators.caseload",
    "Indicator": "rnr.definitions.indicators",
    "IndicatorResult": "rnr.indicators.compute",
    "IndicatorSet": "rnr.definitions.indicators",
    "PROGRAMMES": "rnr.definitions.indicators",
    "Period": "rnr.indicators.compute",
    "ReinsertionIndex": "rnr.definitions.indicators",
    "ReinsertionReport": "rnr.indicators.reinsertion_index",
    "compute_indicators": "rnr.indicators.compute",
    "load_indicators": "rnr.definitions.indicators",
    "load_reinsertion": "rnr.definitions.indicators",
    "reinsertion": "rnr.indicators.reinsertion_index",
}

__all__ = [
    "PROGRAMMES",
    "CaseSummary",
    "Due",
    "Indicator",
    "IndicatorResult",
    "IndicatorSet",
    "Period",
    "ReinsertionIndex",
    "ReinsertionReport",
    "compute_indicators",
    "load_indicators",
    "load_reinsertion",
    "reinsertion",
]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.definitions.indicators import (
        PROGRAMMES as PROGRAMMES,
    )
    from rnr.definitions.indicators import (
        Indicator as Indicator,
    )
    from rnr.definitions.indicators import (
        IndicatorSet as IndicatorSet,
    )
    from rnr.definitions.indicators import (
        ReinsertionIndex as ReinsertionIndex,
    )
    from rnr.definitions.indicators import (
        load_indicators as load_indicators,
    )
    from rnr.definitions.indicators import (
        load_reinsertion as load_reinsertion,
    )
    from rnr.indicators.caseload import CaseSummary as CaseSummary
    from rnr.indicators.caseload import Due as Due
    from rnr.indicators.compute import (
        IndicatorResult as IndicatorResult,
    )
    from rnr.indicators.compute import (
        Period as Period,
    )
    from rnr.indicators.compute import (
        compute_indicators as compute_indicators,
    )
    from rnr.indicators.reinsertion_index import (
        ReinsertionReport as ReinsertionReport,
    )
    from rnr.indicators.reinsertion_index import (
        reinsertion as reinsertion,
    )
