"""What scoring one case reads of an instrument, prepared once per instrument version.

:func:`rnr.scoring.single.build_result` scores one case at a time; most of
what it builds does not depend on the case but on the instrument: the score
of each item for each answer a yes/no or categorical item can take, the
score of each term when it holds, fails or is open, which items and terms
make each domain, and, for each scale, norm group and total, the level,
scaled score, flag, band and nearest change of score. :func:`prepared`
makes these once per instrument (held in a small cache keyed on the
instrument, which is frozen and hashed by its content), and the result of a
case is assembled from them. Property tests hold every prepared value equal
to what the per-case functions compute.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import cast

import attrs

from rnr.definitions.instrument import Instrument, Item, Scale
from rnr.scoring.result import ItemScore, Step, TermScore

__all__ = ["Marks", "Prepared", "prepare", "prepared"]

#: The types of answer whose item score is prepared (numeric answers are scored per case).
_FINITE = frozenset({bool, str, type(None)})


@attrs.frozen(eq=False)
class Marks:
    """What each total of one scale gives for one norm group, from the lowest total up.

    ``up[k]`` and ``down[k]`` are the nearest change of score from total
    ``lo + k``, as :func:`rnr.scoring.single.nearest_change` finds it.
    """

    lo: int
    hi: int
    level: tuple[str | None, ...]
    scaled: tuple[int | None, ...]
    flag: tuple[bool | None, ...]
    band: tuple[str | None, ...]
    up: tuple[Step | None, ...]
    down: tuple[Step | None, ...]

    @classmethod
    def of(cls, scale: Scale, norm_group: str | None) -> Marks:
        """The marks of every total in the scale's range."""
        lo, hi = scale.range
        totals = range(lo, hi + 1)
        bands = [scale.band(raw, norm_group) for raw in totals]
        level = tuple(None if b is None else b.level for b in bands)
        scaled = tuple(scale.scaled_score(raw) for raw in totals)
        flag = tuple(scale.flag(raw) for raw in totals)
        here = list(zip(level, scaled, flag, strict=True))
        size = len(here)
        # the first total above (below) each one whose marks differ: the same as
        # its neighbour's when the neighbour's marks are its own
        above: list[int | None] = [None] * size
        for k in range(size - 2, -1, -1):
            above[k] = k + 1 if here[k + 1] != here[k] else above[k + 1]
        below: list[int | None] = [None] * size
        for k in range(1, size):
            below[k] = k - 1 if here[k - 1] != here[k] else below[k - 1]

        def step(k: int, at: int | None) -> Step | None:
            if at is None:
                return None
            return Step(abs(at - k), lo + at, level[at], scaled[at], flag[at])

        return cls(
            lo,
            hi,
            level,
            scaled,
            flag,
            tuple(None if b is None else b.span for b in bands),
            tuple(step(k, at) for k, at in enumerate(above)),
            tuple(step(k, at) for k, at in enumerate(below)),
        )


def _item_score(item: Item, answer: bool | str | None) -> ItemScore:
    """The score of ``item`` for a normalized ``answer`` (``None``: omitted)."""
    key, points = (None, {}) if answer is None else _outcome(item, answer)
    return item_score(item, answer, key, points)


def item_score(
    item: Item, answer: bool | int | str | None, key: str | None, points: Mapping[str, int]
) -> ItemScore:
    """The score of ``item`` for ``answer``, whose outcome is ``key`` with ``points``."""
    return ItemScore(
        id=item.id,
        domain=item.domain,
        factor=item.factor,
        answer=answer,
        outcome=key,
        points=points,
        omitted=answer is None and not item.strength,
        strength=item.strength,
        source=item.source,
    )


def _outcome(item: Item, answer: bool | str) -> tuple[str, Mapping[str, int]]:
    outcome = item.outcomes[item.outcome_index(answer)]
    return outcome.key, outcome.points


@attrs.frozen(eq=False)
class Prepared:
    """An instrument's case-independent parts of a score.

    ``items[k]`` maps each answer item ``k`` can take, when there are finitely
    many (``True``/``False``, a category, and ``None`` for an omission), to
    its :class:`ItemScore`; ``terms[k]`` is term ``k``'s score when its
    condition holds, fails and is open; ``domain_items[d]`` and
    ``domain_terms[d]`` the positions of the items and terms domain ``d``
    lists; ``marks`` the :class:`Marks` of each scale and norm group
    (``None`` and each of the instrument's groups).
    """

    instrument: Instrument
    ids: frozenset[str]
    items: tuple[Mapping[bool | str | None, ItemScore], ...]
    terms: tuple[tuple[TermScore, TermScore, TermScore], ...]
    domain_items: tuple[tuple[int, ...], ...]
    domain_terms: tuple[tuple[int, ...], ...]
    marks: Mapping[tuple[str, str | None], Marks]

    def item_score(self, k: int, answer: object) -> ItemScore | None:
        """The prepared score of item ``k`` for ``answer``, ``None`` when it has none."""
        if type(answer) not in _FINITE:
            return None
        return self.items[k].get(cast("bool | str | None", answer))


def prepare(instrument: Instrument) -> Prepared:
    """The prepared parts of ``instrument`` (uncached; see :func:`prepared`)."""
    items = []
    for item in instrument.items:
        answers: tuple[bool | str | None, ...] = (None,)
        if item.kind in ("boolean", "categorical"):
            answers += tuple(o.value for o in item.outcomes if o.value is not None)
        items.append({a: _item_score(item, a) for a in answers})
    terms = []
    for term in instrument.terms:
        condition = term.when.describe()
        terms.append(
            tuple(
                TermScore(
                    id=term.id,
                    domain=term.domain,
                    factor=term.factor,
                    condition=condition,
                    holds=holds,
                    points=term.points if holds else {},
                    source=term.source,
                )
                for holds in (True, False, None)
            )
        )
    item_ids = [i.id for i in instrument.items]
    term_ids = [t.id for t in instrument.terms]
    domain_items, domain_terms = [], []
    for domain in instrument.domains:
        members = set(domain.items)
        domain_items.append(tuple(k for k, i in enumerate(item_ids) if i in members))
        domain_terms.append(tuple(k for k, t in enumerate(term_ids) if t in members))
    marks = {
        (sid, group): Marks.of(scale, group)
        for sid, scale in instrument.scales.items()
        for group in (None, *instrument.norm_groups)
    }
    return Prepared(
        instrument,
        frozenset(item_ids),
        tuple(items),
        tuple(terms),  # type: ignore[arg-type]
        tuple(domain_items),
        tuple(domain_terms),
        marks,
    )


@lru_cache(maxsize=64)
def _cached(instrument: Instrument) -> Prepared:
    return prepare(instrument)


def prepared(instrument: Instrument) -> Prepared:
    """The prepared parts of ``instrument``, made once per instrument version.

    The cache is keyed on the instrument, which is equal to another with the
    same content hash; an instrument that shares the hash of another but is
    not the object the parts were made from (``attrs.evolve`` of a loaded
    one, in tests) gets its own, uncached.
    """
    found = _cached(instrument)
    return found if found.instrument is instrument else prepare(instrument)
