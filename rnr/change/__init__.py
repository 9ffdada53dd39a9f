"""Change between assessments: deltas, reliable change, versions, trends, signals.

:func:`compare` measures what changed from one assessment to the next (every
scale and domain, the level transition, the Reliable Change Index of
Jacobson & Truax 1991, static items whose points fell); across instrument
versions it compares the items both share, or those a crosswalk pairs.
:func:`compare_history` does it for a whole history, with the
:func:`trajectory` of the primary scale, and :func:`signals` reads desistance
signals and warnings from the steps and the case's events.
"""

from rnr.change.compare import compare
from rnr.change.crosswalk import Crosswalk, find_crosswalk, load_crosswalk, parse_crosswalk
from rnr.change.figures import ReliabilityFile, load_reliability
from rnr.change.history import HistoryChange, compare_history
from rnr.change.model import Basis, Change, DataError, DomainChange, ScaleChange, Transition
from rnr.change.rci import (
    CATEGORIES,
    THRESHOLD,
    Category,
    RciFigures,
    reliable_change,
    reliable_change_index,
)
from rnr.change.signals import Signal, Signals, signals
from rnr.change.trajectory import Trajectory, trajectory

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
