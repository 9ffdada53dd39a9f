"""Which item of the earlier version is compared with which item of the later one.

Within one version every scored item and term is compared with itself.
Across versions an item is compared when both versions have it with the same
id, the same factor and kind, and identical outcomes and points; a crosswalk
adds pairs of items whose ids differ (or whose scoring changed). Everything
else is *left out*, with the reason.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from rnr._frozen import frozen_map
from rnr.change.delta import Basis
from rnr.definitions.crosswalk import Crosswalk
from rnr.definitions.instrument import Instrument, Item, Term
from rnr.errors import ChangeError

__all__ = ["Pairing", "pair_items", "same_item", "same_term"]


@attrs.frozen
class Pairing:
    """Compared ``(previous id, current id)`` pairs, and what was left out and why."""

    basis: Basis
    pairs: tuple[tuple[str, str], ...]
    left_out: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)
    renamed: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)

    @property
    def previous_ids(self) -> frozenset[str]:
        """Ids of the earlier version that are compared."""
        return frozenset(p for p, _ in self.pairs)

    @property
    def current_ids(self) -> frozenset[str]:
        """Ids of the later version that are compared."""
        return frozenset(c for _, c in self.pairs)


def same_item(a: Item, b: Item) -> bool:
    """Whether two items score every answer alike (same factor, kind and outcomes)."""
    return (
        a.factor == b.factor
        and a.kind == b.kind
        and a.strength == b.strength
        and a.valid_range == b.valid_range
        and a.age_at == b.age_at
        and a.outcomes == b.outcomes
    )


def same_term(a: Term, b: Term) -> bool:
    """Whether two terms give the same points under the same condition."""
    return a.factor == b.factor and a.when == b.when and a.points == b.points


def _units(instrument: Instrument) -> dict[str, Item | Term]:
    """Scored items and terms by id (strength items carry no points)."""
    units: dict[str, Item | Term] = {i.id: i for i in instrument.scored_items}
    units.update({t.id: t for t in instrument.terms})
    return units


def _alike(a: Item | Term, b: Item | Term) -> bool:
    if isinstance(a, Item) and isinstance(b, Item):
        return same_item(a, b)
    if isinstance(a, Term) and isinstance(b, Term):
        return same_term(a, b)
    return False


def pair_items(old: Instrument, new: Instrument, crosswalk: Crosswalk | None) -> Pairing:
    """Pair the items of two instrument versions.

    Args:
        old: the version of the earlier assessment.
        new: the version of the later assessment.
        crosswalk: a checked crosswalk from ``old`` to ``new``, if any.

    Returns:
        The pairs and the items left out.

    Raises:
        ChangeError: the instruments differ and no crosswalk relates them, or
            nothing is shared.
    """
    if old.sha256 == new.sha256 and old.ref == new.ref:
        ids = tuple(_units(new))
        return Pairing("same_version", tuple((i, i) for i in ids))
    if old.id != new.id and crosswalk is None:
        msg = (
            f"cannot compare {old.ref} with {new.ref}: they are different instruments and no"
            f" crosswalk maps one to the other; a rnr.crosswalk/1 file from {old.ref} to"
            f" {new.ref} in instruments/{new.id}/crosswalks/ (or passed as crosswalk=) would"
            " make the comparison possible"
        )
        raise ChangeError(msg, previous=old.ref, current=new.ref)
    before, after = _units(old), _units(new)
    explicit = dict(crosswalk.items) if crosswalk is not None else {}
    targets = set(explicit.values())
    pairs: list[tuple[str, str]] = []
    left_out: dict[str, str] = {}
    for ident, unit in before.items():
        if ident in explicit:
            pairs.append((ident, explicit[ident]))
        elif ident in after and ident not in targets:
            if _alike(unit, after[ident]):
                pairs.append((ident, ident))
            else:
                left_out[ident] = "scored_differently"
        else:
            left_out[ident] = "only_previous"
    paired = {c for _, c in pairs}
    for ident in after:
        if ident not in paired and ident not in left_out:
            left_out[ident] = "only_current"
    if not pairs:
        msg = (
            f"cannot compare {old.ref} with {new.ref}: the versions share no item (same id,"
            f" factor and scoring); a rnr.crosswalk/1 file mapping the items of {old.ref} to"
            f" {new.ref} in instruments/{new.id}/crosswalks/ would make the comparison possible"
        )
        raise ChangeError(msg, previous=old.ref, current=new.ref)
    order = {ident: n for n, ident in enumerate(after)}
    pairs.sort(key=lambda p: order[p[1]])
    return Pairing(
        "crosswalk" if crosswalk is not None else "shared_items",
        tuple(pairs),
        left_out,
        {p: c for p, c in pairs if p != c},
    )
