"""Change over a whole history: each step, first to last, and the trend."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from rnr.change.between import compare
from rnr.change.delta import Change
from rnr.change.trend import Trajectory, check_history, trajectory
from rnr.definitions.crosswalk import Crosswalk
from rnr.definitions.instrument import Reliability
from rnr.definitions.library import Library
from rnr.scoring.result import ScoreResult

__all__ = ["HistoryChange", "compare_history"]


@attrs.frozen
class HistoryChange:
    """The steps between consecutive assessments, the overall change and the trend.

    ``trajectory`` is ``None`` with fewer than three assessments, or when
    they were made with different instruments (their totals are not on one
    scale).
    """

    steps: tuple[Change, ...]
    overall: Change
    trajectory: Trajectory | None = None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "steps": [s.to_dict() for s in self.steps],
            "overall": self.overall.to_dict(),
            "trajectory": self.trajectory.to_dict() if self.trajectory else None,
        }


def compare_history(
    results: Sequence[ScoreResult],
    *,
    library: Library | None = None,
    reliability: Mapping[str, Reliability] | None = None,
    crosswalk: Crosswalk | None = None,
) -> HistoryChange:
    """Compare every consecutive pair of assessments, and the first with the last.

    Args:
        results: two or more assessments of one person, in ascending date order.
        library: as for :func:`rnr.change.between`.
        reliability: as for :func:`rnr.change.between`.
        crosswalk: used for the comparisons between exactly its two
            versions; the others look for their own.

    Returns:
        The steps, the overall change and, from three assessments, the
        trajectory of the primary scale.

    Raises:
        InvalidArgumentError: fewer than two results or dates not ascending, and
            as for :func:`rnr.change.between`.
        ChangeError: as for :func:`rnr.change.between`.
    """
    check_history(results, minimum=2)

    def step(a: ScoreResult, b: ScoreResult) -> Change:
        refs = (str(a.instrument), str(b.instrument))
        own = crosswalk if crosswalk and (crosswalk.from_ref, crosswalk.to_ref) == refs else None
        return compare(a, b, library=library, reliability=reliability, crosswalk=own)

    steps = tuple(step(a, b) for a, b in itertools.pairwise(results))
    overall = steps[0] if len(results) == 2 else step(results[0], results[-1])
    trend = None
    if len(results) >= 3 and len({r.instrument.id for r in results}) == 1:
        trend = trajectory(results, scale=overall.primary_scale)
    return HistoryChange(steps, overall, trend)
