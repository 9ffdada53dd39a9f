"""Change between assessments: deltas, reliable change, versions, trends, signals.

:func:`compare` measures what changed from one assessment to the next (every
scale and domain, the level transition, the Reliable Change Index of
Jacobson & Truax 1991, static items whose points fell); across instrument
versions it compares the items both share, or those a crosswalk pairs.
:func:`compare_history` does it for a whole history, with the
:func:`trajectory` of the primary scale, and :func:`signals` reads desistance
signals and warnings from the steps and the case's events.
"""

from typing import TYPE_CHECKING

from rnr import _face as face

_EXPORTS = {
    "Basis": "rnr.change.delta",
    "CATEGORIES": "rnr.change.rci",
    "Category": "rnr.change.rci",
    "Change": "rnr.change.delta",
    "Crosswalk": "rnr.definitions.crosswalk",
    "DataError": "rnr.change.delta",
    "DomainChange": "rnr.change.delta",
    "HistoryChange": "rnr.change.history",
    "RciFigures": "rnr.change.rci",
    "ReliabilityFile": "rnr.definitions.reliability",
    "ScaleChange": "rnr.change.delta",
    "Signal": "rnr.change.desistance",
    "Signals": "rnr.change.desistance",
    "THRESHOLD": "rnr.change.rci",
    "Trajectory": "rnr.change.trend",
    "Transition": "rnr.change.delta",
    "compare": "rnr.change.between",
    "compare_history": "rnr.change.history",
    "find_crosswalk": "rnr.definitions.crosswalk",
    "load_crosswalk": "rnr.definitions.crosswalk",
    "load_reliability": "rnr.definitions.reliability",
    "parse_crosswalk": "rnr.definitions.crosswalk",
    "reliable_change": "rnr.change.rci",
    "reliable_change_index": "rnr.change.rci",
    "signals": "rnr.change.desistance",
    "trajectory": "rnr.change.trend",
}

__all__ = [
    "CATEGORIES",
    "THRESHOLD",
    "Basis",
    "Category",
    "Change",
    "Crosswalk",
    "DataError",
    "DomainChange",
    "HistoryChange",
    "RciFigures",
    "ReliabilityFile",
    "ScaleChange",
    "Signal",
    "Signals",
    "Trajectory",
    "Transition",
    "compare",
    "compare_history",
    "find_crosswalk",
    "load_crosswalk",
    "load_reliability",
    "parse_crosswalk",
    "reliable_change",
    "reliable_change_index",
    "signals",
    "trajectory",
]

__getattr__, __dir__ = face(__name__, _EXPORTS)


if TYPE_CHECKING:
    from rnr.change.between import compare as compare
    from rnr.change.delta import (
        Basis as Basis,
    )
    from rnr.change.delta import (
        Change as Change,
    )
    from rnr.change.delta import (
        DataError as DataError,
    )
    from rnr.change.delta import (
        DomainChange as DomainChange,
    )
    from rnr.change.delta import (
        ScaleChange as ScaleChange,
    )
    from rnr.change.delta import (
        Transition as Transition,
    )
    from rnr.change.desistance import Signal as Signal
    from rnr.change.desistance import Signals as Signals
    from rnr.change.desistance import signals as signals
    from rnr.change.history import (
        HistoryChange as HistoryChange,
    )
    from rnr.change.history import (
        compare_history as compare_history,
    )
    from rnr.change.rci import (
        CATEGORIES as CATEGORIES,
    )
    from rnr.change.rci import (
        THRESHOLD as THRESHOLD,
    )
    from rnr.change.rci import (
        Category as Category,
    )
    from rnr.change.rci import (
        RciFigures as RciFigures,
    )
    from rnr.change.rci import (
        reliable_change as reliable_change,
    )
    from rnr.change.rci import (
        reliable_change_index as reliable_change_index,
    )
    from rnr.change.trend import Trajectory as Trajectory
    from rnr.change.trend import trajectory as trajectory
    from rnr.definitions.crosswalk import (
        Crosswalk as Crosswalk,
    )
    from rnr.definitions.crosswalk import (
        find_crosswalk as find_crosswalk,
    )
    from rnr.definitions.crosswalk import (
        load_crosswalk as load_crosswalk,
    )
    from rnr.definitions.crosswalk import (
        parse_crosswalk as parse_crosswalk,
    )
    from rnr.definitions.reliability import (
        ReliabilityFile as ReliabilityFile,
    )
    from rnr.definitions.reliability import (
        load_reliability as load_reliability,
    )
