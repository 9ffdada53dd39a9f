"""The instrument: frozen values built from an ``rnr.instrument/1`` file.

Every item, whatever its kind, maps a valid answer to one *outcome*, and each
outcome carries its points per scale. That single idea serves single scoring,
provisional bounds and the compiled lookup tables of batch scoring.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Any, Literal

import attrs

from rnr._frozen import frozen_map
from rnr.definitions.conditions import Condition, Value
from rnr.errors import ScoringInputError

__all__ = [
    "Band",
    "Domain",
    "Instrument",
    "Item",
    "Outcome",
    "Reliability",
    "Scale",
    "Term",
]

Kind = Literal["boolean", "rating", "count", "categorical", "age"]
Factor = Literal["static", "dynamic"]
Status = Literal["validated", "unverified", "structure-only", "retired"]
KINDS: tuple[Kind, ...] = ("boolean", "rating", "count", "categorical", "age")
STATUSES: tuple[Status, ...] = ("validated", "unverified", "structure-only", "retired")
#: The values ``population.sex`` may list (a case's ``person.sex`` is compared with them).
SEXES = ("female", "male")
#: What scoring a case outside the declared population gives (``population.outside``).
OUTSIDE = ("warning", "error")


@attrs.frozen
class Outcome:
    """One scoring outcome of an item: an answer, a rating, a band or a category.

    ``lo``/``hi`` bound the integer answers of a numeric outcome (``hi`` is
    ``None`` when open-ended); ``value`` is the answer of a boolean or
    categorical outcome.
    """

    key: str
    points: Mapping[str, int] = attrs.field(converter=frozen_map)
    lo: int | None = None
    hi: int | None = None
    value: bool | str | None = None

    def covers(self, answer: int) -> bool:
        """Return whether the integer ``answer`` falls in this outcome."""
        assert self.lo is not None
        return self.lo <= answer and (self.hi is None or answer <= self.hi)


@attrs.frozen
class Item:
    """An answered item: its kind, factor, domain and scoring outcomes."""

    id: str
    domain: str
    factor: Factor
    kind: Kind
    outcomes: tuple[Outcome, ...]
    strength: bool = False
    source: str | None = None
    valid_range: tuple[int, int | None] | None = None
    age_at: str | None = None

    @property
    def scales(self) -> frozenset[str]:
        """Scales on which some outcome of this item scores."""
        return frozenset(s for o in self.outcomes for s, p in o.points.items() if p)

    def min_points(self, scale: str) -> int:
        """Fewest points this item can give on ``scale``."""
        return min(o.points.get(scale, 0) for o in self.outcomes)

    def max_points(self, scale: str) -> int:
        """Most points this item can give on ``scale``."""
        return max(o.points.get(scale, 0) for o in self.outcomes)

    def expected(self) -> str:
        """Describe the answers this item accepts."""
        if self.kind == "boolean":
            return "true or false"
        if self.kind == "categorical":
            return "one of " + ", ".join(str(o.value) for o in self.outcomes)
        assert self.valid_range is not None
        lo, hi = self.valid_range
        unit = "years" if self.kind == "age" else "an integer"
        return f"{unit} from {lo} to {hi}" if hi is not None else f"{unit} >= {lo}"

    def normalize(self, answer: object) -> Value:
        """Check an answer and return it in canonical form.

        Raises:
            ScoringInputError: the answer has the wrong type or is out of range.
        """
        if type(answer).__module__ == "numpy" and hasattr(answer, "item"):
            answer = answer.item()  # numpy scalars (np.int64, np.bool_) as Python values
        if self.kind == "boolean":
            if isinstance(answer, bool):
                return answer
        elif self.kind == "categorical":
            if isinstance(answer, str) and any(o.value == answer for o in self.outcomes):
                return answer
        elif isinstance(answer, int) and not isinstance(answer, bool):
            assert self.valid_range is not None
            lo, hi = self.valid_range
            if answer >= lo and (hi is None or answer <= hi):
                return answer
        msg = f"item {self.id}: got {answer!r}, expected {self.expected()}"
        kind = {"boolean": bool, "categorical": str}.get(self.kind, int)
        right_type = isinstance(answer, kind) and isinstance(answer, bool) == (kind is bool)
        code = "case.value.range" if right_type else "case.value.type"
        raise ScoringInputError(
            msg, item=self.id, value=answer, expected=self.expected(), code=code
        )

    def outcome_index(self, answer: Value) -> int:
        """Index of the outcome a *normalized* answer falls in."""
        if self.kind in {"boolean", "categorical"}:
            for i, o in enumerate(self.outcomes):
                if o.value == answer:
                    return i
        else:
            assert isinstance(answer, int)
            for i, o in enumerate(self.outcomes):
                if o.covers(answer):
                    return i
        msg = f"item {self.id}: no outcome for {answer!r}"  # pragma: no cover - loader forbids gaps
        raise AssertionError(msg)

    def representatives(self, thresholds: tuple[int, ...] = ()) -> tuple[Value, ...]:
        """One answer from every class of answers that score alike.

        ``thresholds`` adds the integers where a term's condition on this item
        changes truth, so the classes are fine enough for terms too.
        """
        if self.kind in {"boolean", "categorical"}:
            return tuple(o.value for o in self.outcomes if o.value is not None)
        assert self.valid_range is not None
        lo, hi = self.valid_range
        cuts = {lo}
        cuts.update(o.lo for o in self.outcomes if o.lo is not None)
        cuts.update(thresholds)
        return tuple(sorted(c for c in cuts if c >= lo and (hi is None or c <= hi)))


@attrs.frozen
class Term:
    """Points awarded when a condition over answers holds."""

    id: str
    domain: str
    factor: Factor
    when: Condition
    points: Mapping[str, int] = attrs.field(converter=frozen_map)
    source: str | None = None

    @cached_property
    def items(self) -> tuple[str, ...]:
        """Item ids the condition reads, in order of first mention."""
        return tuple(dict.fromkeys(a.item for a in self.when.atoms()))

    def min_points(self, scale: str) -> int:
        """Fewest points: 0 when the condition fails, unless points are negative."""
        return min(0, self.points.get(scale, 0))

    def max_points(self, scale: str) -> int:
        """Most points the term can give on ``scale``."""
        return max(0, self.points.get(scale, 0))


@attrs.frozen
class Band:
    """A closed interval of totals mapped to a level."""

    min: int
    max: int
    level: str
    norm_group: str | None = None
    source: str | None = None

    def covers(self, total: int) -> bool:
        """Return whether ``total`` falls in the band."""
        return self.min <= total <= self.max

    @property
    def span(self) -> str:
        """``"11-19"`` or ``"4"``."""
        return str(self.min) if self.min == self.max else f"{self.min}-{self.max}"


@attrs.frozen
class Reliability:
    """Figures the Reliable Change Index needs (Jacobson & Truax 1991)."""

    sd: float
    r: float
    source: str
    status: str = "validated"


@attrs.frozen
class Scale:
    """A sum of item and term points, with levels, scaled scores and a flag."""

    id: str
    range: tuple[int, int]
    source: str
    max_omitted: int = 0
    levels: tuple[str, ...] = ()
    bands: tuple[Band, ...] = ()
    scaled: tuple[int, ...] | None = None
    flag_min: int | None = None
    reliability: Reliability | None = None

    def bands_for(self, norm_group: str | None) -> tuple[Band, ...]:
        """Bands that apply to ``norm_group`` (bands without a group apply to all)."""
        return tuple(b for b in self.bands if b.norm_group in (None, norm_group))

    def band(self, raw: int, norm_group: str | None) -> Band | None:
        """The band ``raw`` falls in, or ``None`` when the scale has no levels."""
        for b in self.bands_for(norm_group):
            if b.covers(raw):
                return b
        return None

    def level(self, raw: int, norm_group: str | None) -> str | None:
        """The level of ``raw``, or ``None`` when the scale has no levels."""
        b = self.band(raw, norm_group)
        return None if b is None else b.level

    def scaled_score(self, raw: int) -> int | None:
        """The scaled score of ``raw``, or ``None`` when the scale has none."""
        if self.scaled is None:
            return None
        return self.scaled[raw - self.range[0]]

    def flag(self, raw: int) -> bool | None:
        """Whether ``raw`` raises the flag, or ``None`` when the scale has none."""
        return None if self.flag_min is None else raw >= self.flag_min

    def level_rank(self, level: str) -> int:
        """Position of ``level`` among the scale's levels, lowest first."""
        return self.levels.index(level)


@attrs.frozen
class Domain:
    """A group of items with its own total and need level."""

    id: str
    items: tuple[str, ...]
    factor: Factor
    range: tuple[int, int]
    max_omitted: int | None = None
    need_bands: tuple[Band, ...] = ()
    source: str | None = None

    def need(self, total: int) -> str | None:
        """The need level of ``total``, or ``None`` without need bands."""
        for b in self.need_bands:
            if b.covers(total):
                return b.level
        return None


@attrs.frozen(eq=False)
class Instrument:
    """A loaded, validated instrument version.

    Two instruments are equal when their content hashes are equal.

    ``population`` is who the instrument was built and normed for: ``kind``
    (``adult`` or ``juvenile``), ``min_age`` and ``max_age`` (``None`` when
    open) in whole years at the assessment, ``sex`` (the sexes of
    :data:`SEXES` it applies to; empty when any), ``outside`` (what scoring a
    case outside it gives, one of :data:`OUTSIDE`: a coded warning in the
    result, or a :class:`~rnr.errors.ScoringInputError`) and ``source`` (the
    manual that says so).
    """

    id: str
    version: str
    status: Status
    effective_from: dt.date
    effective_until: dt.date | None
    title: Mapping[str, str] = attrs.field(converter=frozen_map)
    population: Mapping[str, Any] = attrs.field(converter=frozen_map)
    license: str = ""
    references: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    primary_scale: str = ""
    norm_groups: tuple[str, ...] = ()
    need_levels: tuple[str, ...] = ()
    criminogenic_from: str | None = None
    domains: tuple[Domain, ...] = ()
    items: tuple[Item, ...] = ()
    terms: tuple[Term, ...] = ()
    scales: Mapping[str, Scale] = attrs.field(converter=frozen_map, factory=dict)
    document: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict, repr=False)
    sha256: str = ""
    path: str | None = None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Instrument) and other.sha256 == self.sha256

    def __hash__(self) -> int:
        return hash(self.sha256)

    @property
    def ref(self) -> str:
        """``id@version``."""
        return f"{self.id}@{self.version}"

    @cached_property
    def _items(self) -> Mapping[str, Item]:
        return {i.id: i for i in self.items}

    @cached_property
    def _domains(self) -> Mapping[str, Domain]:
        return {d.id: d for d in self.domains}

    def item(self, item_id: str) -> Item:
        """The item with id ``item_id`` (``KeyError`` if none)."""
        return self._items[item_id]

    def has_item(self, item_id: str) -> bool:
        """Return whether the instrument declares ``item_id``."""
        return item_id in self._items

    def domain(self, domain_id: str) -> Domain:
        """The domain with id ``domain_id`` (``KeyError`` if none)."""
        return self._domains[domain_id]

    @property
    def scored_items(self) -> tuple[Item, ...]:
        """Items that carry points (every item except strength items)."""
        return tuple(i for i in self.items if not i.strength)

    @cached_property
    def contributors(self) -> Mapping[str, tuple[str, ...]]:
        """Per scale, the ids of the scored items, then the terms, that give it points."""
        scales = {s for i in self.scored_items for s in i.scales}
        scales |= {s for t in self.terms for s, p in t.points.items() if p}
        return {
            scale: tuple(i.id for i in self.scored_items if scale in i.scales)
            + tuple(t.id for t in self.terms if t.points.get(scale, 0))
            for scale in sorted(scales)
        }

    @cached_property
    def thresholds(self) -> Mapping[str, tuple[int, ...]]:
        """Per item, the integers where some term's condition changes truth."""
        found: dict[str, set[int]] = {}
        for term in self.terms:
            for atom in term.when.atoms():
                found.setdefault(atom.item, set()).update(atom.thresholds())
        return {k: tuple(sorted(v)) for k, v in found.items()}

    def feeds(self, item: Item, scale: str) -> bool:
        """Whether ``item`` can change ``scale`` (directly or through a term)."""
        if scale in item.scales:
            return True
        return any(item.id in t.items and t.points.get(scale, 0) for t in self.terms)

    def applies_on(self, day: dt.date) -> bool:
        """Whether this version is in force on ``day``."""
        if day < self.effective_from:
            return False
        return self.effective_until is None or day < self.effective_until

    def levels(self) -> Iterator[str]:
        """Every level name of every scale, without repeats."""
        seen: set[str] = set()
        for scale in self.scales.values():
            for level in scale.levels:
                if level not in seen:
                    seen.add(level)
                    yield level
