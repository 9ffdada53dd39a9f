"""The objective catalogue and the responsivity rules, read from ``plans/``.

>>> catalogue = load_catalogue()
>>> [o.id for o in catalogue.for_need("lscmi", "alcohol_drug", "high")][:1]  # doctest: +ELLIPSIS
['...']
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

import attrs

from rnr._frozen import frozen_map
from rnr.definitions._toml import ID_PATTERN, Checker, read_definition
from rnr.definitions.library import Library, data_dir, default_library
from rnr.definitions.responsivity import CHOICES, Responsivity

__all__ = [
    "Catalogue",
    "HoursMinimum",
    "Objective",
    "ResponsivityRule",
    "RuleSet",
    "load_catalogue",
    "load_rules",
]

OBJECTIVE_KEYS = (
    "id",
    "kind",
    "sessions",
    "components",
    "title",
    "indicator",
    "source",
)
#: ``need_levels`` is required of criminogenic and support objectives; ``legal``
#: of offence objectives (and of them only).
OBJECTIVE_OPTIONAL = ("domain", "need_levels", "triggers", "legal")
KINDS = ("criminogenic", "support", "offence")
MINIMUM_KEYS = ("sanctions", "hours", "source")
PLAIN_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
PLAIN_WHAT = "an id of lowercase letters, digits, '-' and '_'"


@attrs.frozen
class HoursMinimum:
    """The fewest treatment hours a plan under one of ``sanctions`` may hold, and why.

    The law requires an individualised intervention under these sanctions
    (Ley 18.216 arts. 14, 16, 17 quáter for LV and LVI), so a plan never holds
    fewer hours than this, even where the risk principle would give none.
    """

    sanctions: tuple[str, ...]
    hours: int
    source: str


@attrs.frozen
class Objective:
    """One objective of the catalogue, written by rnr in Spanish and English.

    ``kind`` is ``criminogenic`` (a dynamic need, counted against the cap),
    ``support`` (a non-criminogenic support) or ``offence`` (an objective the
    legal context requires: ``legal`` names the sanctions and offence
    categories that select it, e.g. an LVI for domestic violence).
    """

    id: str
    kind: Literal["criminogenic", "support", "offence"]
    instruments: tuple[str, ...]
    domain: str | None
    need_levels: tuple[str, ...]
    sessions: int
    components: tuple[str, ...]
    title: Mapping[str, str] = attrs.field(converter=frozen_map)
    indicator: Mapping[str, str] = attrs.field(converter=frozen_map)
    source: str = ""
    triggers: Mapping[str, tuple[Any, ...]] = attrs.field(converter=frozen_map, factory=dict)
    legal: Mapping[str, tuple[str, ...]] = attrs.field(converter=frozen_map, factory=dict)

    def selected_by(self, sanction: str | None, offences: Collection[str]) -> bool:
        """Whether an offence objective applies to ``sanction`` and ``offences``."""
        return (
            self.kind == "offence"
            and sanction in self.legal.get("sanctions", ())
            and any(o in offences for o in self.legal.get("offences", ()))
        )

    def triggered_by(self, responsivity: Responsivity) -> bool:
        """Whether every trigger field has one of its values (no triggers: never)."""
        return bool(self.triggers) and all(
            responsivity.get(field) in values for field, values in self.triggers.items()
        )


@attrs.frozen
class Catalogue:
    """Every objective, in file order, and the minimum hours by sanction."""

    objectives: tuple[Objective, ...]
    minimums: tuple[HoursMinimum, ...] = ()

    def for_offence(
        self, instrument: str, sanction: str | None, offences: Collection[str]
    ) -> list[Objective]:
        """Offence objectives the legal context selects, in catalogue order."""
        return [
            o
            for o in self.objectives
            if instrument in o.instruments and o.selected_by(sanction, offences)
        ]

    def minimum(self, sanction: str | None) -> HoursMinimum | None:
        """The highest minimum of hours set for ``sanction`` (``None`` without one)."""
        found = [m for m in self.minimums if sanction in m.sanctions]
        return max(found, key=lambda m: m.hours) if found else None

    def for_need(self, instrument: str, domain: str, need: str | None) -> list[Objective]:
        """Criminogenic objectives for ``domain`` at ``need`` level, in catalogue order."""
        return [
            o
            for o in self.objectives
            if o.kind == "criminogenic"
            and instrument in o.instruments
            and o.domain == domain
            and need in o.need_levels
        ]

    def supports(self, instrument: str) -> list[Objective]:
        """Support objectives usable with ``instrument``."""
        return [o for o in self.objectives if o.kind == "support" and instrument in o.instruments]


@attrs.frozen
class ResponsivityRule:
    """A documented adaptation, applied when its conditions hold."""

    id: str
    when: Mapping[str, tuple[Any, ...]] = attrs.field(converter=frozen_map)
    adaptation: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)
    source: str = ""
    first_component: str | None = None

    def applies_to(self, responsivity: Responsivity) -> bool:
        """Whether every named field has one of the listed values."""
        return all(responsivity.get(field) in values for field, values in self.when.items())


@attrs.frozen
class RuleSet:
    """Every responsivity rule, in file order."""

    rules: tuple[ResponsivityRule, ...]


def _conditions(check: Checker, value: object, where: str) -> dict[str, tuple[Any, ...]]:
    if not isinstance(value, dict) or not value:
        check.fail(where, value, "a table of responsivity field = [values]")
        return {}
    out: dict[str, tuple[Any, ...]] = {}
    for field, values in value.items():
        if field not in CHOICES:
            check.fail(f"{where}.{field}", field, "a responsivity field: " + ", ".join(CHOICES))
            continue
        if not isinstance(values, list) or not values:
            check.fail(f"{where}.{field}", values, "a non-empty list of values")
            continue
        allowed = CHOICES[field]
        for v in values:
            if (allowed is bool and not isinstance(v, bool)) or (
                isinstance(allowed, tuple) and v not in allowed
            ):
                expected = "true or false" if allowed is bool else "one of " + ", ".join(allowed)
                check.fail(f"{where}.{field}", v, expected)
        out[field] = tuple(values)
    return out


def parse_objectives(path: Path, library: Library) -> list[Objective]:
    """The objectives of one ``rnr.objectives/1`` file, domains checked against ``library``."""
    return parse_catalogue_file(path, library)[0]


def parse_catalogue_file(
    path: Path, library: Library
) -> tuple[list[Objective], list[HoursMinimum]]:
    """Read one ``rnr.objectives/1`` file: its objectives and its minimums of hours."""
    check, doc = read_definition(
        path,
        "rnr.objectives/1",
        required=("schema", "id", "instruments", "references", "objectives"),
        optional=("minimums",),
    )
    instruments = tuple(check.want_list(doc, "instruments", "", of=str) or ())
    known = {}
    for ident in instruments:
        try:
            known[ident] = library.get(ident)
        except LookupError:
            check.fail("instruments", ident, "a known instrument id: " + ", ".join(library.ids()))
    out = []
    for where, entry in check.entries(
        doc, "objectives", required=OBJECTIVE_KEYS, optional=OBJECTIVE_OPTIONAL
    ):
        before = len(check.problems)
        ident = check.want_str(entry, "id", where, pattern=PLAIN_ID, what=PLAIN_WHAT)
        kind = check.want_str(entry, "kind", where, choices=KINDS)
        domain = check.want_str(entry, "domain", where, pattern=ID_PATTERN)
        if kind in ("criminogenic", "support") and "need_levels" not in entry:
            check.note(f"{where}.need_levels", "missing required key")
        if kind == "offence" and "legal" not in entry:
            check.note(f"{where}.legal", "missing: an offence objective names its legal context")
        if kind != "offence" and "legal" in entry:
            check.note(
                f"{where}.legal", "only offence objectives are selected by the legal context"
            )
        legal = _legal(check, entry["legal"], f"{where}.legal") if "legal" in entry else {}
        if kind == "criminogenic" and domain is None:
            check.note(f"{where}.domain", "missing: a criminogenic objective targets a need domain")
        for ident_i, inst in known.items():
            if domain is not None and all(d.id != domain for d in inst.domains):
                check.fail(f"{where}.domain", domain, f"a domain of {ident_i}")
            elif (
                domain is not None
                and kind == "criminogenic"
                and inst.domain(domain).factor != "dynamic"
            ):
                check.fail(
                    f"{where}.domain",
                    domain,
                    "a dynamic domain (static factors never produce objectives)",
                )
        levels = tuple(check.want_list(entry, "need_levels", where, of=str) or ())
        for inst in known.values():
            for level in levels:
                if level not in inst.need_levels:
                    check.fail(
                        f"{where}.need_levels", level, "one of " + ", ".join(inst.need_levels)
                    )
        sessions = check.want_int(entry, "sessions", where, min_value=1)
        components = tuple(check.want_list(entry, "components", where, of=str) or ())
        title = check.want_text(entry, "title", where)
        indicator = check.want_text(entry, "indicator", where)
        source = check.want_str(entry, "source", where) or ""
        triggers = (
            _conditions(check, entry["triggers"], f"{where}.triggers")
            if "triggers" in entry
            else {}
        )
        if kind == "criminogenic" and triggers:
            check.note(f"{where}.triggers", "only support objectives have triggers")
        if len(check.problems) > before or ident is None or kind is None or sessions is None:
            continue
        out.append(
            Objective(
                id=ident,
                kind="support"
                if kind == "support"
                else "offence"
                if kind == "offence"
                else "criminogenic",
                instruments=instruments,
                domain=domain,
                need_levels=levels,
                sessions=sessions,
                components=components,
                title=title,
                indicator=indicator,
                source=source,
                triggers=triggers,
                legal=legal,
            )
        )
    minimums = []
    for where, entry in check.entries(doc, "minimums", required=MINIMUM_KEYS):
        sanctions = tuple(check.want_list(entry, "sanctions", where, of=str) or ())
        if not sanctions:
            check.fail(
                f"{where}.sanctions", entry.get("sanctions"), "a non-empty list of sanctions"
            )
        hours = check.want_int(entry, "hours", where, min_value=1)
        source = check.want_str(entry, "source", where) or ""
        if sanctions and hours is not None:
            minimums.append(HoursMinimum(sanctions, hours, source))
    return check.checked((out, minimums), str(path))


def _legal(check: Checker, value: object, where: str) -> dict[str, tuple[str, ...]]:
    """``legal = { sanctions = [...], offences = [...] }``: both non-empty lists of ids."""
    table = check.table(value, where, required=("sanctions", "offences"))
    if table is None:
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for key in ("sanctions", "offences"):
        values = check.want_list(table, key, where, of=str)
        if values is None:
            continue
        if not values:
            check.fail(f"{where}.{key}", values, "a non-empty list")
            continue
        out[key] = tuple(values)
    return out


def load_catalogue(folder: Path | None = None, *, library: Library | None = None) -> Catalogue:
    """Every objective under ``folder`` (default: the shipped ``plans/objectives``).

    Raises:
        DefinitionError: a malformed file, a duplicate id, or a criminogenic
            need level of a dynamic domain without any objective.
    """
    folder = folder or data_dir() / "plans" / "objectives"
    library = library or default_library()
    objectives: list[Objective] = []
    minimums: list[HoursMinimum] = []
    for path in sorted(folder.glob("*.toml")):
        found, limits = parse_catalogue_file(path, library)
        objectives += found
        minimums += limits
    check = Checker()
    seen: set[str] = set()
    for o in objectives:
        if o.id in seen:
            check.note(f"objectives.{o.id}", "duplicate objective id across the catalogue")
        seen.add(o.id)
    catalogue = Catalogue(tuple(objectives), tuple(minimums))
    for ident in sorted({i for o in objectives for i in o.instruments}):
        inst = library.get(ident)
        start = inst.need_levels.index(inst.criminogenic_from) if inst.criminogenic_from else 0
        for domain in inst.domains:
            if domain.factor != "dynamic":
                continue
            for level in inst.need_levels[start:]:
                if not catalogue.for_need(ident, domain.id, level):
                    check.note(f"{ident}.{domain.id}", f"no objective for need level {level!r}")
    return check.checked(catalogue, str(folder))


def load_rules(folder: Path | None = None) -> RuleSet:
    """Every responsivity rule under ``folder`` (default: ``plans/responsivity``)."""
    folder = folder or data_dir() / "plans" / "responsivity"
    rules: list[ResponsivityRule] = []
    for path in sorted(folder.glob("*.toml")):
        rules += _parse_rules(path)
    return RuleSet(tuple(rules))


def _parse_rules(path: Path) -> list[ResponsivityRule]:
    check, doc = read_definition(
        path, "rnr.responsivity/1", required=("schema", "id", "references", "rules")
    )
    out = []
    for where, entry in check.entries(
        doc, "rules", required=("id", "when", "adaptation", "source"), optional=("first_component",)
    ):
        ident = check.want_str(entry, "id", where, pattern=PLAIN_ID, what=PLAIN_WHAT)
        when = _conditions(check, entry.get("when"), f"{where}.when")
        text = check.want_text(entry, "adaptation", where)
        source = check.want_str(entry, "source", where) or ""
        first = check.want_str(entry, "first_component", where)
        if ident:
            out.append(ResponsivityRule(ident, when, text, source, first))
    return check.checked(out, str(path))


@cache
def shipped() -> tuple[Catalogue, RuleSet]:
    """The shipped catalogue and rules (loaded once; immutable)."""
    return load_catalogue(), load_rules()
