"""The tables a simulated group produces: assessments, events, closings.

Rows are people's positions in their group and day numbers from the cohort's
start; :mod:`rnr.simulate.assemble` turns them into values.
"""

from __future__ import annotations

import attrs
import numpy as np
import numpy.typing as npt

__all__ = [
    "ATTENDANCE",
    "BREACH",
    "COEXISTENCE",
    "DISCHARGE",
    "KINDS",
    "NEVER",
    "OBJECTIVES",
    "OFFENCE",
    "REASONS",
    "REENTRY",
    "REVOCATION",
    "SANCTIONS",
    "Assessments",
    "Course",
    "EventLog",
    "Events",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
Int8Array = npt.NDArray[np.int8]

#: A day number later than any simulated day.
NEVER = 10**9
#: Event kinds by code, in the order events of one day are listed (closing last).
KINDS = (
    "attendance",
    "coexistence_review",
    "component_objectives",
    "breach",
    "new_offence",
    "reentry_harsher",
    "revocation",
    "discharge",
)
ATTENDANCE, COEXISTENCE, OBJECTIVES, BREACH, OFFENCE, REENTRY, REVOCATION, DISCHARGE = range(
    len(KINDS)
)
#: What led to a revocation (its data's ``reason``), by code.
REASONS = ("new_offence", "breach")
#: The harsher sentence of a re-entry (its data's ``sanction``), by code.
SANCTIONS = ("custodia", "IRC")


@attrs.frozen(eq=False)
class Assessments:
    """Every assessment of a group, one row each."""

    person: IntArray
    day: IntArray
    answers: Int8Array  # (rows, items)
    total: IntArray
    level: IntArray
    domains: IntArray  # (rows, domains)
    criminogenic: BoolArray  # (rows, domains)

    @classmethod
    def concat(cls, parts: list[Assessments], n_items: int, n_domains: int) -> Assessments:
        """All parts as one table (an empty one when there are none)."""
        if not parts:
            empty = np.zeros(0, dtype=np.int64)
            grid = np.zeros((0, n_domains), dtype=np.int64)
            items = np.zeros((0, n_items), dtype=np.int8)
            return cls(empty, empty, items, empty, empty, grid, grid.astype(bool))
        columns = [np.concatenate([getattr(p, f.name) for p in parts]) for f in attrs.fields(cls)]
        return cls(*columns)


@attrs.frozen(eq=False)
class Events:
    """Every event of a group: a kind code and three values (see ``assemble``).

    ``attendance``: scheduled, attended, component code; ``coexistence_review``:
    1 when complied; ``component_objectives``: objectives, met, component
    code; ``reentry_harsher``: the sanction's code; ``revocation``: the
    reason's code. Component codes index ``Parameters.components()``.
    """

    person: IntArray
    day: IntArray
    kind: IntArray
    a: IntArray
    b: IntArray
    c: IntArray


@attrs.frozen(eq=False)
class Course:
    """What happened to a group: assessments, events and how each case closed.

    ``discharge`` and ``revocation`` hold the closing day, or :data:`NEVER`
    when the case did not close that way within the simulated period.
    """

    assessments: Assessments
    events: Events
    discharge: IntArray
    revocation: IntArray

    @property
    def close(self) -> IntArray:
        """The day the case closed, or :data:`NEVER`."""
        out: IntArray = np.minimum(self.discharge, self.revocation)
        return out


class EventLog:
    """Chunks of events, appended month by month (``add``), then one table (``events``)."""

    def __init__(self) -> None:
        self.chunks: list[tuple[IntArray, IntArray, IntArray, IntArray, IntArray, IntArray]] = []

    def add(
        self,
        person: IntArray,
        day: IntArray,
        kind: int,
        a: IntArray | None = None,
        b: IntArray | None = None,
        *,
        c: IntArray | None = None,
    ) -> None:
        zeros = np.zeros(person.shape[0], dtype=np.int64)
        kinds = np.full(person.shape[0], kind, dtype=np.int64)
        first = zeros if a is None else a.astype(np.int64)
        second = zeros if b is None else b.astype(np.int64)
        third = zeros if c is None else c.astype(np.int64)
        self.chunks.append((person, day.astype(np.int64), kinds, first, second, third))

    def events(self) -> Events:
        if not self.chunks:
            empty = np.zeros(0, dtype=np.int64)
            return Events(empty, empty, empty, empty, empty, empty)
        return Events(*(np.concatenate([c[i] for c in self.chunks]) for i in range(6)))
