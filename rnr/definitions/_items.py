"""Parse the items and terms of an instrument file (see :mod:`rnr.definitions.instrument_loader`).

Every answered item becomes a tuple of :class:`~rnr.definitions.instrument.Outcome`;
terms become parsed, checked conditions (never code).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from rnr.definitions._toml import ID_PATTERN, Checker
from rnr.definitions.conditions import OPERATORS, AllOf, AnyOf, Atom, Condition, Operator, Value
from rnr.definitions.instrument import KINDS, Factor, Item, Kind, Outcome, Term

__all__ = ["FACTORS", "ItemParser"]

FACTORS = ("static", "dynamic")
ITEM_COMMON = ("id", "domain", "factor", "kind")
ITEM_OPTIONAL = ("strength", "source")
KIND_KEYS: Mapping[str, tuple[str, ...]] = {
    "boolean": ("points",),
    "rating": ("range", "points"),
    "count": ("bands", "max"),
    "categorical": ("categories",),
    "age": ("age_at", "range", "bands"),
}


class ItemParser(Checker):
    """Reads ``[[items]]`` and ``[[terms]]`` tables; knows the declared scale ids."""

    def __init__(self) -> None:
        super().__init__()
        self.scale_ids: tuple[str, ...] = ()

    # -- points ----------------------------------------------------------
    def _points(self, value: object, path: str) -> dict[str, int] | None:
        if not isinstance(value, dict):
            self.fail(path, value, "a table of scale = points")
            return None
        points: dict[str, int] = {}
        for scale, pts in value.items():
            if scale not in self.scale_ids:
                self.fail(
                    f"{path}.{scale}", scale, "a declared scale: " + ", ".join(self.scale_ids)
                )
            elif not isinstance(pts, int) or isinstance(pts, bool):
                self.fail(f"{path}.{scale}", pts, "an integer number of points")
            else:
                points[scale] = pts
        return points

    def _numeric_bands(self, bands: object, path: str, lo: int, hi: int | None) -> list[Outcome]:
        if not isinstance(bands, list) or not bands:
            self.fail(path, bands, "a non-empty array of { min, max, points } bands")
            return []
        outcomes: list[Outcome] = []
        expected_min = lo
        for i, band in enumerate(bands):
            where = f"{path}[{i}]"
            table = self.table(band, where, required=("points",), optional=("min", "max"))
            if table is None:
                return []
            bmin = self.want_int(table, "min", where)
            bmax = self.want_int(table, "max", where)
            points = self._points(table.get("points"), f"{where}.points")
            if bmin is None:
                bmin = expected_min if i == 0 else None
                if bmin is None:
                    self.note(f"{where}.min", "missing: only the first band may leave out min")
                    return []
            if bmin != expected_min:
                kind = "gap" if bmin > expected_min else "overlap"
                self.fail(
                    f"{where}.min", bmin, f"{expected_min} (bands must follow each other: {kind})"
                )
                return []
            last = i == len(bands) - 1
            if bmax is None and not last:
                self.note(f"{where}.max", "missing: only the last band may be open-ended")
                return []
            if bmax is not None and bmax < bmin:
                self.fail(f"{where}.max", bmax, f"an integer >= min ({bmin})")
                return []
            if points is None:
                return []
            key = f"{bmin}+" if bmax is None else (str(bmin) if bmin == bmax else f"{bmin}-{bmax}")
            if bmax is None and hi is not None:
                bmax = hi  # an open last band ends where the valid range ends
            outcomes.append(Outcome(key=key, points=points, lo=bmin, hi=bmax))
            expected_min = (bmax + 1) if bmax is not None else expected_min
        last_max = outcomes[-1].hi if outcomes else None
        if outcomes and last_max != hi:
            upper = "no max (open-ended)" if hi is None else str(hi)
            self.fail(
                f"{path}[{len(bands) - 1}].max",
                last_max,
                f"{upper}: the bands must reach the end of the valid range",
            )
            return []
        return outcomes

    # -- items -----------------------------------------------------------
    def _item(self, doc: dict[str, Any], path: str, domains: set[str]) -> Item | None:
        kind = doc.get("kind")
        if kind not in KINDS:
            self.fail(f"{path}.kind", kind, "one of " + ", ".join(KINDS))
            self.table(
                doc,
                path,
                required=ITEM_COMMON,
                optional=ITEM_OPTIONAL + tuple(k for ks in KIND_KEYS.values() for k in ks),
            )
            return None
        strength = bool(doc.get("strength", False))
        kind_keys = KIND_KEYS[kind]
        if strength:
            kind_keys = ()
        table = self.table(
            doc,
            path,
            required=ITEM_COMMON
            + (() if strength or kind == "count" else tuple(k for k in kind_keys if k != "max")),
            optional=ITEM_OPTIONAL + kind_keys,
        )
        if table is None:
            return None
        before = len(self.problems)
        ident = self.want_str(doc, "id", path, pattern=ID_PATTERN, what="an id like 'prior_felony'")
        domain = self.want_str(doc, "domain", path)
        if domain is not None and domain not in domains:
            self.fail(f"{path}.domain", domain, "a declared domain: " + ", ".join(sorted(domains)))
        factor = self.want_str(doc, "factor", path, choices=FACTORS)
        self.want_bool(doc, "strength", path)
        item_source = self.want_str(doc, "source", path)
        outcomes, valid_range, age_at = self._outcomes(doc, path, kind, strength=strength)
        if len(self.problems) > before or not outcomes:
            return None
        return Item(
            id=cast(str, ident),
            domain=cast(str, domain),
            factor=cast(Factor, factor),
            kind=cast(Kind, kind),
            outcomes=tuple(outcomes),
            strength=strength,
            source=item_source,
            valid_range=valid_range,
            age_at=age_at,
        )

    def _outcomes(
        self, doc: dict[str, Any], path: str, kind: str, *, strength: bool
    ) -> tuple[list[Outcome], tuple[int, int | None] | None, str | None]:
        """The outcomes of an item by kind, its valid answer range and its age date."""
        valid_range: tuple[int, int | None] | None = None
        age_at = None
        outcomes: list[Outcome] = []
        if strength:
            if kind != "boolean":
                self.fail(f"{path}.kind", kind, "boolean (strength items are yes/no)")
            outcomes = [Outcome("false", {}, value=False), Outcome("true", {}, value=True)]
        elif kind == "boolean":
            points = self._points(doc.get("points"), f"{path}.points")
            outcomes = [
                Outcome("false", {}, value=False),
                Outcome("true", points or {}, value=True),
            ]
        elif kind == "rating":
            pair = self.want_pair(doc, "range", path)
            if pair is not None and pair[0] < 0:
                self.fail(f"{path}.range", list(pair), "ratings from 0 up")
                pair = None
            if pair is not None:
                valid_range = pair
                outcomes = self._rating(doc.get("points"), f"{path}.points", pair)
        elif kind == "count":
            hi = self.want_int(doc, "max", path, min_value=0)
            valid_range = (0, hi)
            outcomes = self._numeric_bands(doc.get("bands"), f"{path}.bands", 0, hi)
        elif kind == "categorical":
            cats = doc.get("categories")
            if not isinstance(cats, dict) or len(cats) < 2:
                self.fail(
                    f"{path}.categories",
                    cats,
                    "a table of at least two category = { scale = points }",
                )
            else:
                for name, pts in cats.items():
                    points = self._points(pts, f"{path}.categories.{name}")
                    outcomes.append(Outcome(name, points or {}, value=name))
        else:  # age
            age_at = self.want_str(
                doc, "age_at", path, pattern=ID_PATTERN, what="'assessed_on' or a case date name"
            )
            pair = self.want_pair(doc, "range", path)
            if pair is not None:
                valid_range = pair
                outcomes = self._numeric_bands(doc.get("bands"), f"{path}.bands", pair[0], pair[1])
        return outcomes, valid_range, age_at

    def _rating(self, value: object, path: str, pair: tuple[int, int]) -> list[Outcome]:
        n = pair[1] - pair[0] + 1
        if not isinstance(value, dict):
            self.fail(path, value, f"a table of scale = [{n} points, one per rating]")
            return []
        per_scale: dict[str, list[int]] = {}
        for scale, pts in value.items():
            where = f"{path}.{scale}"
            if scale not in self.scale_ids:
                self.fail(where, scale, "a declared scale: " + ", ".join(self.scale_ids))
            elif (
                not isinstance(pts, list)
                or len(pts) != n
                or any(not isinstance(p, int) or isinstance(p, bool) for p in pts)
            ):
                self.fail(where, pts, f"{n} integers, one per rating {pair[0]}..{pair[1]}")
            else:
                per_scale[scale] = pts
        return [
            Outcome(str(r), {s: pts[r - pair[0]] for s, pts in per_scale.items()}, lo=r, hi=r)
            for r in range(pair[0], pair[1] + 1)
        ]

    # -- terms -----------------------------------------------------------
    def _term(
        self, doc: dict[str, Any], path: str, domains: set[str], items: Mapping[str, Item]
    ) -> Term | None:
        if (
            self.table(
                doc,
                path,
                required=("id", "domain", "factor", "when", "points"),
                optional=("source",),
            )
            is None
        ):
            return None
        before = len(self.problems)
        ident = self.want_str(doc, "id", path, pattern=ID_PATTERN)
        domain = self.want_str(doc, "domain", path)
        if domain is not None and domain not in domains:
            self.fail(f"{path}.domain", domain, "a declared domain: " + ", ".join(sorted(domains)))
        factor = self.want_str(doc, "factor", path, choices=FACTORS)
        source = self.want_str(doc, "source", path)
        when = self._condition(doc.get("when"), f"{path}.when", items)
        points = self._points(doc.get("points"), f"{path}.points")
        if len(self.problems) > before or when is None or points is None:
            return None
        return Term(
            id=cast(str, ident),
            domain=cast(str, domain),
            factor=cast(Factor, factor),
            when=when,
            points=points,
            source=source,
        )

    def _condition(self, value: object, path: str, items: Mapping[str, Item]) -> Condition | None:
        if not isinstance(value, dict):
            self.fail(
                path,
                value,
                "a condition table: { all = [...] }, { any = [...] } or { item = ..., <op> = ... }",
            )
            return None
        if set(value) in ({"all"}, {"any"}):
            (combinator, parts) = next(iter(value.items()))
            if not isinstance(parts, list) or not parts:
                self.fail(f"{path}.{combinator}", parts, "a non-empty array of conditions")
                return None
            parsed = [
                self._condition(p, f"{path}.{combinator}[{i}]", items) for i, p in enumerate(parts)
            ]
            if any(p is None for p in parsed):
                return None
            done = tuple(cast(list[Condition], parsed))
            return AllOf(done) if combinator == "all" else AnyOf(done)
        ops = [k for k in value if k != "item"]
        if "item" not in value or len(ops) != 1 or ops[0] not in OPERATORS:
            self.fail(
                path,
                value,
                '{ item = "id", <op> = value } with one op of '
                + ", ".join(OPERATORS)
                + ", or all/any",
            )
            return None
        item_id, op = value["item"], cast(Operator, ops[0])
        item = items.get(item_id) if isinstance(item_id, str) else None
        if item is None:
            self.fail(f"{path}.item", item_id, "a declared item id")
            return None
        if item.strength:
            self.fail(f"{path}.item", item_id, "a scored item (strength items never score)")
            return None
        operand = value[op]
        atom_value = self._operand(item, op, operand, f"{path}.{op}")
        if atom_value is None:
            return None
        return Atom(item.id, op, atom_value)

    def _operand(
        self, item: Item, op: Operator, operand: object, path: str
    ) -> Value | tuple[Value, ...] | None:
        if op == "in":
            if not isinstance(operand, list) or not operand:
                self.fail(path, operand, "a non-empty array of answers")
                return None
            values = [self._operand(item, "is", v, f"{path}[{i}]") for i, v in enumerate(operand)]
            if any(v is None for v in values):
                return None
            return tuple(cast(list[Value], values))
        if op in ("lt", "le", "gt", "ge"):
            if item.kind not in ("count", "rating", "age"):
                self.fail(
                    path,
                    operand,
                    f"no ordering comparison on {item.kind} item {item.id} (use is / in)",
                )
                return None
            if not isinstance(operand, int) or isinstance(operand, bool):
                self.fail(path, operand, "an integer")
                return None
            return operand
        try:
            return item.normalize(operand)
        except Exception:
            self.fail(path, operand, f"an answer of item {item.id}: {item.expected()}")
            return None
