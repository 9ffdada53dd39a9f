"""Programme indicators, the reinsertion index and override monitoring, from a case store.

The seeds' indicators (FACTS.md section 2) are data (``plans/indicators``);
:func:`programme_report` computes every one the stored data can support, with
its numerator, denominator, exclusions and source beside the seed's target,
and lists the others as not computable with the reason.
"""

from typing import TYPE_CHECKING

from rnr._lazy import face

_EXPORTS = {
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
