"""What changed between two assessments: frozen values that serialize to JSON."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Literal

import attrs

from rnr._frozen import frozen_map
from rnr.change.rci import Category
from rnr.definitions.instrument import Reliability
from rnr.definitions.ref import Ref
from rnr.scoring.result import Answer
from rnr.text import Words, words_to_dict

__all__ = ["Basis", "Change", "DataError", "DomainChange", "ScaleChange", "Transition"]

Basis = Literal["same_version", "shared_items", "crosswalk"]
Transition = Literal["up", "down", "same"]


def level_transition(
    levels: tuple[str, ...], before: str | None, after: str | None
) -> Transition | None:
    """``up``, ``down`` or ``same`` from level ``before`` to ``after`` (``None`` off the scale).

    >>> level_transition(("low", "medium", "high"), "high", "medium")
    'down'
    """
    if before not in levels or after not in levels:
        return None
    rank = levels.index(str(after)) - levels.index(str(before))
    return "up" if rank > 0 else "down" if rank < 0 else "same"


@attrs.frozen
class ScaleChange:
    """A scale's totals at both assessments, their levels and the reliable change.

    ``previous`` and ``current`` are the totals compared: the results' own
    totals when both assessments used the same version, otherwise the totals
    recomputed on the items both versions share. The levels are always the
    results' own. ``levels`` is the order the transition was read in. ``why``
    says, as a coded message (``change.partial_scale``, ``change.provisional_*``,
    ``change.reliability_missing``), why there is no reliable change index.
    """

    scale: str
    previous: int
    current: int
    delta: int
    previous_level: str | None
    current_level: str | None
    transition: Transition | None
    rci: float | None
    reliable: Category
    reliability: Reliability | None = None
    sem: float | None = None
    s_diff: float | None = None
    why: Words | None = None
    levels: tuple[str, ...] = ()
    items_compared: int = 0
    items_total: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "scale": self.scale,
            "previous": self.previous,
            "current": self.current,
            "delta": self.delta,
            "previous_level": self.previous_level,
            "current_level": self.current_level,
            "transition": self.transition,
            "rci": self.rci,
            "reliable": self.reliable,
            "reliability": attrs.asdict(self.reliability) if self.reliability else None,
            "sem": self.sem,
            "s_diff": self.s_diff,
            "why": None if self.why is None else words_to_dict(self.why),
            "levels": list(self.levels),
            "items_compared": self.items_compared,
            "items_total": self.items_total,
        }


@attrs.frozen
class DomainChange:
    """A domain's totals (points on the primary scale) and need levels at both assessments."""

    domain: str
    factor: str
    previous: int
    current: int
    delta: int
    previous_need: str | None
    current_need: str | None

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return attrs.asdict(self)


@attrs.frozen
class DataError:
    """A static item whose points fell: the history cannot improve, so a record is wrong.

    ``points`` gives, per scale that fell, the points before and after;
    ``message`` says so as the coded message ``change.static_fell``.
    """

    item: str
    previous: Answer
    current: Answer
    message: Words
    points: Mapping[str, tuple[int, int]] = attrs.field(converter=frozen_map, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "item": self.item,
            "previous": self.previous,
            "current": self.current,
            "message": words_to_dict(self.message),
            "points": {k: list(v) for k, v in self.points.items()},
        }


@attrs.frozen
class Change:
    """Everything that changed between two assessments of one person.

    ``items_compared`` lists the item (and term) ids of the current version
    that were compared; ``renamed`` maps a previous id to its current id when
    a crosswalk paired them; ``items_left_out`` gives each item that was not
    compared with the reason: ``only_previous``, ``only_current``,
    ``scored_differently`` (same id, other factor or points).
    """

    previous: Ref
    current: Ref
    previous_on: dt.date
    current_on: dt.date
    basis: Basis
    items_compared: tuple[str, ...]
    scales: Mapping[str, ScaleChange] = attrs.field(converter=frozen_map)
    domains: Mapping[str, DomainChange] = attrs.field(converter=frozen_map)
    primary_scale: str = ""
    data_errors: tuple[DataError, ...] = ()
    items_left_out: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)
    renamed: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)
    crosswalk: str | None = None
    case_id: str | None = None

    @property
    def days(self) -> int:
        """Days between the two assessments."""
        return (self.current_on - self.previous_on).days

    @property
    def primary(self) -> ScaleChange:
        """The change of the primary scale (the risk level's scale)."""
        return self.scales[self.primary_scale]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        return {
            "case_id": self.case_id,
            "previous": attrs.asdict(self.previous),
            "current": attrs.asdict(self.current),
            "previous_on": self.previous_on.isoformat(),
            "current_on": self.current_on.isoformat(),
            "days": self.days,
            "basis": self.basis,
            "crosswalk": self.crosswalk,
            "items_compared": list(self.items_compared),
            "items_left_out": dict(self.items_left_out),
            "renamed": dict(self.renamed),
            "primary_scale": self.primary_scale,
            "scales": {k: v.to_dict() for k, v in self.scales.items()},
            "domains": {k: v.to_dict() for k, v in self.domains.items()},
            "data_errors": [e.to_dict() for e in self.data_errors],
        }
