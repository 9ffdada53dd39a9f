"""Indicator and reinsertion-index definitions, read from ``plans/indicators``.

An ``rnr.indicators/1`` file lists indicators: the programmes they count,
their population (the denominator), their outcome (the numerator), the
seed's target and the source. The kinds of population and outcome, and the
parameters each takes, are fixed here (:data:`POPULATIONS`,
:data:`OUTCOMES`); their values are data. An ``rnr.reinsertion/1`` file sets
the weights of the reinsertion index. Both are validated on load like
instruments: every problem is reported with the file and dotted path.

>>> spec = load_indicators()
>>> [i.id for i in spec.indicators][:2]
['pla-ple-disminuyen-riesgo', 'pla-logro-70']
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.definitions._toml import Checker, a_type, read_definition
from rnr.definitions.library import data_dir
from rnr.events import EVENT_KINDS

__all__ = [
    "OUTCOMES",
    "POPULATIONS",
    "PROGRAMMES",
    "Component",
    "Indicator",
    "IndicatorSet",
    "ReinsertionIndex",
    "load_indicators",
    "load_reinsertion",
    "shipped",
]

#: The programmes (sanctions) indicators count.
PROGRAMMES = ("LAS", "LAE", "LAEIP", "IRC", "LV", "LVI")

#: Population kinds and their parameters: name → (type, required).
POPULATIONS: Mapping[str, Mapping[str, tuple[type, bool]]] = {
    "discharged": {"year_offset": (int, False), "reason": (str, False)},
    "served": {"needs": (list, False), "min_days_since_entry": (int, False)},
    "followed": {"needs": (list, False)},
}
#: Outcome kinds and their parameters.
OUTCOMES: Mapping[str, Mapping[str, tuple[type, bool]]] = {
    "risk_lowered": {},
    "attainment_at_least": {"percent": (int, True)},
    "objectives_met": {},
    "no_event_within": {"event": (str, True), "months": (int, True)},
    "attendance_at_least": {"component": (str, True), "percent": (int, True)},
    "sessions_at_least": {"component": (str, True), "sessions": (int, True)},
    "monthly_at_least": {"component": (str, True), "per_month": (int, True)},
    "not_recorded": {"what": (dict, True)},
}
COMPONENTS = ("dynamic_change", "attainment", "schooling_or_employment", "no_new_offence")
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ID_WHAT = "an id of lowercase letters, digits and '-'"


@attrs.frozen
class Indicator:
    """One indicator: programmes, population, outcome, target and source."""

    id: str
    programmes: tuple[str, ...]
    title: Mapping[str, str] = attrs.field(converter=frozen_map)
    population: str = "served"
    population_params: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict)
    outcome: str = "risk_lowered"
    outcome_params: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict)
    target: int | None = None
    target_year: int | None = None
    source: str = ""
    note: str = ""


@attrs.frozen
class IndicatorSet:
    """Every indicator of one file, dated and cited."""

    id: str
    effective_from: dt.date
    references: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    path: str = ""


@attrs.frozen
class Component:
    """One component of the reinsertion index."""

    id: str
    weight: float
    title: Mapping[str, str] = attrs.field(converter=frozen_map)
    source: str = ""
    params: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict)


@attrs.frozen
class ReinsertionIndex:
    """The reinsertion index: its components, weights and favourable threshold."""

    id: str
    effective_from: dt.date
    favourable_at: float
    components: tuple[Component, ...]
    references: tuple[str, ...] = ()
    path: str = ""

    def component(self, ident: str) -> Component:
        """The component named ``ident`` (``KeyError`` if none)."""
        for c in self.components:
            if c.id == ident:
                return c
        raise KeyError(ident)


def _params(
    check: Checker,
    value: object,
    where: str,
    kinds: Mapping[str, Mapping[str, tuple[type, bool]]],
) -> tuple[str, dict[str, Any]] | None:
    if not isinstance(value, dict) or "kind" not in value:
        check.fail(where, value, "a table with a kind: " + ", ".join(kinds))
        return None
    kind = value["kind"]
    if kind not in kinds:
        check.fail(f"{where}.kind", kind, "one of " + ", ".join(kinds))
        return None
    allowed = kinds[kind]
    out: dict[str, Any] = {}
    for name, given in value.items():
        if name == "kind":
            continue
        if name not in allowed:
            check.note(
                f"{where}.{name}",
                f"unknown for {kind}; allowed: {', '.join(allowed) or 'nothing else'}",
            )
            continue
        typ, _ = allowed[name]
        if not isinstance(given, typ) or isinstance(given, bool):
            check.fail(f"{where}.{name}", given, a_type(typ))
            continue
        out[name] = given
    for name, (typ, required) in allowed.items():
        if required and name not in out and name not in value:
            check.note(f"{where}.{name}", f"missing: {kind} needs {a_type(typ)}")
    event = out.get("event")
    if event is not None and event not in EVENT_KINDS:
        check.fail(f"{where}.event", event, "one of " + ", ".join(EVENT_KINDS))
    return kind, out


def _head(check: Checker, doc: Mapping[str, Any]) -> tuple[str, dt.date | None, tuple[str, ...]]:
    """The id, first date and references every indicator and index file starts with."""
    ident = check.want_str(doc, "id", "", pattern=ID, what=ID_WHAT) or ""
    start = check.want_date(doc, "effective_from", "")
    references = tuple(check.want_list(doc, "references", "", of=str) or ())
    return ident, start, references


def load_indicators(path: str | Path | None = None) -> IndicatorSet:
    """Read and check an ``rnr.indicators/1`` file (default: the shipped one).

    Raises:
        DefinitionError: every problem, by file and dotted path.
    """
    path = (
        Path(path) if path is not None else data_dir() / "plans" / "indicators" / "programas.toml"
    )
    check, doc = read_definition(
        path,
        "rnr.indicators/1",
        required=("schema", "id", "effective_from", "references", "indicators"),
    )
    ident, start, references = _head(check, doc)
    found: list[Indicator] = []
    seen: set[str] = set()
    for where, entry in check.entries(
        doc,
        "indicators",
        required=("id", "programmes", "title", "population", "outcome", "source"),
        optional=("target", "note"),
    ):
        before = len(check.problems)
        name = check.want_str(entry, "id", where, pattern=ID, what=ID_WHAT) or ""
        if name in seen:
            check.fail(f"{where}.id", name, "an id not used by another indicator")
        seen.add(name)
        programmes = tuple(check.want_list(entry, "programmes", where, of=str) or ())
        for p in programmes:
            if p not in PROGRAMMES:
                check.fail(f"{where}.programmes", p, "one of " + ", ".join(PROGRAMMES))
        population = _params(check, entry.get("population"), f"{where}.population", POPULATIONS)
        outcome = _params(check, entry.get("outcome"), f"{where}.outcome", OUTCOMES)
        target = (
            check.table(entry["target"], f"{where}.target", required=("value", "year"))
            if "target" in entry
            else None
        )
        value = year = None
        if target is not None:
            value = check.want_int(target, "value", f"{where}.target", min_value=0)
            year = check.want_int(target, "year", f"{where}.target", min_value=2000)
        title = check.want_text(entry, "title", where)
        source = check.want_str(entry, "source", where) or ""
        note = check.want_str(entry, "note", where) or ""
        if len(check.problems) > before or population is None or outcome is None:
            continue
        found.append(
            Indicator(
                id=name,
                programmes=programmes,
                title=title,
                population=population[0],
                population_params=population[1],
                outcome=outcome[0],
                outcome_params=outcome[1],
                target=value,
                target_year=year,
                source=source,
                note=note,
            )
        )
    if not found and not check.problems:
        check.note("indicators", "missing: at least one [[indicators]]")
    indicators = (
        None if start is None else IndicatorSet(ident, start, references, tuple(found), str(path))
    )
    return check.checked(indicators, str(path))


def load_reinsertion(path: str | Path | None = None) -> ReinsertionIndex:
    """Read and check an ``rnr.reinsertion/1`` file (default: the shipped one).

    Raises:
        DefinitionError: every problem, by file and dotted path (unknown or
            missing components, weights that are not positive, scores outside 0 to 1).
    """
    default = data_dir() / "plans" / "indicators" / "reinsercion.toml"
    path = Path(path) if path is not None else default
    check, doc = read_definition(
        path,
        "rnr.reinsertion/1",
        required=("schema", "id", "effective_from", "favourable_at", "references", "components"),
    )
    ident, start, references = _head(check, doc)
    favourable = check.want_number(doc, "favourable_at", "")
    if favourable is not None and not 0 <= favourable <= 100:
        check.fail("favourable_at", favourable, "a score from 0 to 100")
    components = []
    table = doc.get("components") if isinstance(doc.get("components"), dict) else {}
    assert isinstance(table, dict)
    for name in COMPONENTS:
        if name not in table:
            check.note(f"components.{name}", "missing: the index has four components")
    for name, entry in table.items():
        where = f"components.{name}"
        if name not in COMPONENTS:
            check.fail(where, name, "one of " + ", ".join(COMPONENTS))
            continue
        optional = {
            "schooling_or_employment": ("domain", "scores"),
            "no_new_offence": ("months",),
        }.get(name, ())
        if check.table(entry, where, required=("weight", "title", "source", *optional)) is None:
            continue
        weight = check.want_number(entry, "weight", where)
        if weight is not None and weight <= 0:
            check.fail(f"{where}.weight", weight, "a positive weight")
        params: dict[str, Any] = {}
        if name == "schooling_or_employment":
            params["domain"] = check.want_str(entry, "domain", where) or ""
            scores = entry.get("scores")
            if not isinstance(scores, dict) or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and 0 <= v <= 1
                for v in scores.values()
            ):
                check.fail(f"{where}.scores", scores, "need level = a score from 0 to 1")
            else:
                params["scores"] = {str(k): float(v) for k, v in scores.items()}
        if name == "no_new_offence":
            params["months"] = check.want_int(entry, "months", where, min_value=1) or 12
        components.append(
            Component(
                name,
                float(weight or 0),
                check.want_text(entry, "title", where),
                check.want_str(entry, "source", where) or "",
                params,
            )
        )
    index = None
    if start is not None and favourable is not None:
        index = ReinsertionIndex(ident, start, favourable, tuple(components), references, str(path))
    return check.checked(index, str(path))


@cache
def shipped() -> tuple[IndicatorSet, ReinsertionIndex]:
    """The shipped indicators and reinsertion index (loaded once; immutable)."""
    return load_indicators(), load_reinsertion()
