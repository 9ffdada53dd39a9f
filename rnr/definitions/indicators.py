"""Indicator and reinsertion-index definitions, read from ``plans/indicators``.

An ``rnr.indicators/2`` file lists the programme documents it cites, the
programme components it names, and the indicators: the programmes each
counts, its population (the denominator), its outcome (the numerator), the
document's formula and target, and the direction the document states beside
the one rnr reads. The kinds of population and outcome, and the parameters
each takes, are fixed here (:data:`POPULATIONS`, :data:`OUTCOMES`); their
values are data. Everything an indicator names by id is checked on load: a
document or component must be defined in the file, an objective must be in
the objective catalogue, a need domain must be a domain of an instrument of
the library, an event a kind of :data:`rnr.events.EVENT_KINDS`, a
responsivity value one the case format allows. An ``rnr.reinsertion/1``
file sets the weights of the reinsertion index. Both are validated on load
like instruments: every problem is reported with the file and dotted path.

>>> spec = load_indicators()
>>> [i.id for i in spec.indicators][:2]
['pla-ple-disminuyen-riesgo', 'pla-logro-70']
>>> attitudes = spec.component("actitudes-creencias-procriminales")
>>> attitudes.matches("actitudes y creencias prodelictivas"), attitudes.part_of
(True, 'intervencion-criminologica')
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
from rnr.definitions.catalogue import Catalogue
from rnr.definitions.catalogue import shipped as shipped_catalogue
from rnr.definitions.library import Library, data_dir, default_library
from rnr.definitions.responsivity import CHOICES as RESPONSIVITY
from rnr.events import EVENT_KINDS

__all__ = [
    "DIRECTIONS",
    "LEVELS",
    "OUTCOMES",
    "POPULATIONS",
    "PROGRAMMES",
    "Component",
    "Direction",
    "Document",
    "Indicator",
    "IndicatorSet",
    "ProgrammeComponent",
    "ReinsertionIndex",
    "load_indicators",
    "load_reinsertion",
    "shipped",
]

#: The programmes (sanctions) indicators count.
PROGRAMMES = ("LAS", "LAE", "LAEIP", "IRC", "LV", "LVI")
#: How a result is read against its target: ascending (at or above meets it) or descending.
DIRECTIONS = ("ascending", "descending")
#: The level of an indicator in its document (``rnr``: an rnr definition, no document).
LEVELS = ("purpose", "component", "rnr")

#: Population kinds and their parameters: name → (type, required).
POPULATIONS: Mapping[str, Mapping[str, tuple[type, bool]]] = {
    "discharged": {"year_offset": (int, False), "reason": (str, False)},
    "served": {
        "needs": (list, False),
        "min_days_since_entry": (int, False),
        "plan_older_than_days": (int, False),
        "took_part_in": (str, False),
    },
    "followed": {"needs": (list, False)},
}
#: Outcome kinds and their parameters.
OUTCOMES: Mapping[str, Mapping[str, tuple[type, bool]]] = {
    "risk_lowered": {},
    "attainment_at_least": {"percent": (int, True), "objectives": (list, False)},
    "objectives_met": {"objectives": (list, False)},
    "no_event_within": {"event": (str, True), "months": (int, True)},
    "attendance_at_least": {"component": (str, True), "percent": (int, True)},
    "sessions_at_least": {"component": (str, True), "sessions": (int, True)},
    "monthly_at_least": {
        "component": (str, True),
        "per_month": (int, True),
        "min_days_in_month": (int, False),
    },
    "component_objectives_at_least": {"component": (str, True), "percent": (int, True)},
    "coexistence_complied": {"after_plan_days": (int, False)},
    "insertion_conditions": {"at_least": (int, True), "favourable": (dict, True)},
    "not_recorded": {"what": (dict, True)},
}
#: Parameters that name a programme component (checked against the file's components).
COMPONENT_PARAMS = ("component", "took_part_in")
COMPONENTS = ("dynamic_change", "attainment", "schooling_or_employment", "no_new_offence")
#: The longest short label (the label column of ``rnr.render.charts.bar_chart``).
SHORT_MAX = 29
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
ID_WHAT = "an id of lowercase letters, digits and '-'"


@attrs.frozen
class Document:
    """A programme document the indicators come from, and how to cite it."""

    id: str
    citation: Mapping[str, str] = attrs.field(converter=frozen_map)
    programmes: tuple[str, ...] = ()


@attrs.frozen
class ProgrammeComponent:
    """A programme component (or an activity within one) that records name.

    Attributes:
        names: the other ways policies, the objective catalogue and stored
            records name it; a record counts when its ``component`` is the
            id or one of these.
        part_of: the component this activity belongs to, if any.
    """

    id: str
    title: Mapping[str, str] = attrs.field(converter=frozen_map)
    programmes: tuple[str, ...] = ()
    names: tuple[str, ...] = ()
    part_of: str | None = None

    def matches(self, recorded: object) -> bool:
        """Whether a record's ``component`` names this component."""
        return recorded == self.id or recorded in self.names


@attrs.frozen
class Direction:
    """The direction the document states and the one rnr reads (flagged when they differ)."""

    stated: str = "ascending"
    read: str = "ascending"

    @property
    def flagged(self) -> bool:
        """Whether rnr reads the indicator otherwise than its document states."""
        return self.stated != self.read


@attrs.frozen
class Indicator:
    """One indicator: programmes, population, outcome, formula, target, direction and source.

    Attributes:
        document: the programme document it comes from (``None``: an rnr definition).
        level: ``purpose`` or ``component`` in its document, ``rnr`` for rnr's own.
        short: a short label (charts, headings).
        formula: the document's formula in its own words (``numerator``, ``denominator``).
        note: how rnr reads what the formula leaves open, in both languages.
    """

    id: str
    programmes: tuple[str, ...]
    title: Mapping[str, str] = attrs.field(converter=frozen_map)
    population: str = "served"
    population_params: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict)
    outcome: str = "risk_lowered"
    outcome_params: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict)
    target: int | None = None
    target_year: int | None = None
    document: Document | None = None
    level: str = "rnr"
    short: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)
    formula: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)
    direction: Direction = attrs.field(factory=Direction)
    note: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)

    @property
    def components(self) -> tuple[str, ...]:
        """The component ids the indicator reads."""
        found = (self.population_params.get("took_part_in"), self.outcome_params.get("component"))
        return tuple(str(c) for c in found if c is not None)


@attrs.frozen
class IndicatorSet:
    """Every indicator of one file, dated and cited, with its documents and components."""

    id: str
    effective_from: dt.date
    references: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    path: str = ""
    documents: Mapping[str, Document] = attrs.field(converter=frozen_map, factory=dict)
    components: Mapping[str, ProgrammeComponent] = attrs.field(converter=frozen_map, factory=dict)

    def component(self, ident: str) -> ProgrammeComponent:
        """The component ``ident`` (``KeyError`` if none)."""
        return self.components[ident]

    def indicator(self, ident: str) -> Indicator:
        """The indicator ``ident`` (``KeyError`` if none)."""
        for i in self.indicators:
            if i.id == ident:
                return i
        raise KeyError(ident)


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


@attrs.frozen
class _Known:
    """The ids an indicator file may name, gathered once per load."""

    components: frozenset[str]
    objectives: frozenset[str]
    domains: frozenset[str]


def _params(
    check: Checker,
    value: object,
    where: str,
    kinds: Mapping[str, Mapping[str, tuple[type, bool]]],
    known: _Known,
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
    _check_ids(check, out, where, known)
    return kind, out


def _check_ids(check: Checker, out: Mapping[str, Any], where: str, known: _Known) -> None:
    """Refuse every id a population or outcome names that does not exist."""
    event = out.get("event")
    if event is not None and event not in EVENT_KINDS:
        check.fail(f"{where}.event", event, "one of " + ", ".join(EVENT_KINDS))
    for name in COMPONENT_PARAMS:
        component = out.get(name)
        if component is not None and component not in known.components:
            check.fail(
                f"{where}.{name}",
                component,
                "a component defined in [components]: " + ", ".join(sorted(known.components)),
            )
    for i, objective in enumerate(out.get("objectives") or ()):
        if objective not in known.objectives:
            check.fail(f"{where}.objectives[{i}]", objective, "an objective id of the catalogue")
    for i, domain in enumerate(out.get("needs") or ()):
        if domain not in known.domains:
            check.fail(f"{where}.needs[{i}]", domain, "a domain id of an instrument")
    for name in ("percent",):
        if name in out and not 0 <= out[name] <= 100:
            check.fail(f"{where}.{name}", out[name], "a percentage from 0 to 100")
    for name in ("months", "sessions", "per_month", "at_least"):
        if name in out and out[name] < 1:
            check.fail(f"{where}.{name}", out[name], "an integer >= 1")
    for name in ("min_days_since_entry", "plan_older_than_days", "after_plan_days"):
        if name in out and out[name] < 0:
            check.fail(f"{where}.{name}", out[name], "an integer >= 0")
    if "min_days_in_month" in out and not 1 <= out["min_days_in_month"] <= 28:
        check.fail(f"{where}.min_days_in_month", out["min_days_in_month"], "1 to 28 days")
    favourable = out.get("favourable")
    if favourable is not None:
        _check_favourable(check, favourable, f"{where}.favourable", int(out.get("at_least", 1)))


def _check_favourable(check: Checker, table: Mapping[str, Any], where: str, least: int) -> None:
    """Each dimension a responsivity field, each value one the case format allows."""
    fields = [k for k, v in RESPONSIVITY.items() if v is bool or isinstance(v, tuple)]
    for field, values in table.items():
        allowed = RESPONSIVITY.get(field)
        if field not in fields or allowed is None:
            check.fail(f"{where}.{field}", field, "a responsivity field: " + ", ".join(fields))
            continue
        if not isinstance(values, list) or not values:
            check.fail(f"{where}.{field}", values, "a non-empty array of values")
            continue
        for i, v in enumerate(values):
            if allowed is bool and not isinstance(v, bool):
                check.fail(f"{where}.{field}[{i}]", v, "true or false")
            elif isinstance(allowed, tuple) and v not in allowed:
                check.fail(f"{where}.{field}[{i}]", v, "one of " + ", ".join(allowed))
    if table and least > len(table):
        check.fail(f"{where}", len(table), f"at least {least} dimensions (at_least)")


def _head(check: Checker, doc: Mapping[str, Any]) -> tuple[str, dt.date | None, tuple[str, ...]]:
    """The id, first date and references every indicator and index file starts with."""
    ident = check.want_str(doc, "id", "", pattern=ID, what=ID_WHAT) or ""
    start = check.want_date(doc, "effective_from", "")
    references = tuple(check.want_list(doc, "references", "", of=str) or ())
    return ident, start, references


def _programmes(check: Checker, table: Mapping[str, Any], where: str) -> tuple[str, ...]:
    programmes = tuple(check.want_list(table, "programmes", where, of=str) or ())
    for p in programmes:
        if p not in PROGRAMMES:
            check.fail(f"{where}.programmes", p, "one of " + ", ".join(PROGRAMMES))
    return programmes


def _ids_table(check: Checker, doc: Mapping[str, Any], key: str) -> dict[str, dict[str, Any]]:
    """The ``[key.<id>]`` tables of the file, their ids checked."""
    value = doc.get(key)
    if not isinstance(value, dict):
        check.fail(key, value, f"a table of [{key}.<id>]")
        return {}
    out = {}
    for name, entry in value.items():
        if not ID.match(name):
            check.fail(f"{key}.{name}", name, ID_WHAT)
            continue
        if isinstance(entry, dict):
            out[name] = entry
        else:
            check.fail(f"{key}.{name}", entry, "a table")
    return out


def _documents(check: Checker, doc: Mapping[str, Any]) -> dict[str, Document]:
    out = {}
    for name, entry in _ids_table(check, doc, "documents").items():
        where = f"documents.{name}"
        check.table(entry, where, required=("citation", "programmes"))
        out[name] = Document(
            name, check.want_text(entry, "citation", where), _programmes(check, entry, where)
        )
    return out


def _components(check: Checker, doc: Mapping[str, Any]) -> dict[str, ProgrammeComponent]:
    tables = _ids_table(check, doc, "components")
    out = {}
    for name, entry in tables.items():
        where = f"components.{name}"
        check.table(entry, where, required=("title", "programmes"), optional=("names", "part_of"))
        part_of = check.want_str(entry, "part_of", where)
        if part_of is not None and (part_of not in tables or part_of == name):
            check.fail(f"{where}.part_of", part_of, "another component of [components]")
        out[name] = ProgrammeComponent(
            name,
            check.want_text(entry, "title", where),
            _programmes(check, entry, where),
            tuple(check.want_list(entry, "names", where, of=str) or ()),
            part_of,
        )
    return out


def _direction(check: Checker, entry: Mapping[str, Any], where: str) -> Direction | None:
    table = check.table(entry.get("direction"), f"{where}.direction", required=("stated", "read"))
    if table is None:
        return None
    stated = check.want_str(table, "stated", f"{where}.direction", choices=DIRECTIONS)
    read = check.want_str(table, "read", f"{where}.direction", choices=DIRECTIONS)
    return Direction(stated, read) if stated and read else None


def load_indicators(
    path: str | Path | None = None,
    *,
    catalogue: Catalogue | None = None,
    library: Library | None = None,
) -> IndicatorSet:
    """Read and check an ``rnr.indicators/2`` file (default: the shipped one).

    Args:
        path: the file.
        catalogue: the objective catalogue objective ids are checked against
            (default: the shipped one).
        library: the instruments need domains are checked against (default: the shipped ones).

    Raises:
        DefinitionError: every problem, by file and dotted path, among them
            every component, objective, domain or event named that does not exist.
    """
    path = (
        Path(path) if path is not None else data_dir() / "plans" / "indicators" / "programas.toml"
    )
    check, doc = read_definition(
        path,
        "rnr.indicators/2",
        required=(
            "schema",
            "id",
            "effective_from",
            "references",
            "documents",
            "components",
            "indicators",
        ),
    )
    ident, start, references = _head(check, doc)
    documents = _documents(check, doc)
    components = _components(check, doc)
    library = library if library is not None else default_library()
    known = _Known(
        frozenset(components),
        frozenset(
            o.id
            for o in (catalogue if catalogue is not None else shipped_catalogue()[0]).objectives
        ),
        frozenset(d.id for instrument in library for d in instrument.domains),
    )
    found: list[Indicator] = []
    seen: set[str] = set()
    for where, entry in check.entries(
        doc,
        "indicators",
        required=("id", "programmes", "title", "short", "level", "population", "outcome", "note"),
        optional=("target", "document", "formula", "direction"),
    ):
        before = len(check.problems)
        name = check.want_str(entry, "id", where, pattern=ID, what=ID_WHAT) or ""
        if name in seen:
            check.fail(f"{where}.id", name, "an id not used by another indicator")
        seen.add(name)
        programmes = _programmes(check, entry, where)
        population = _params(
            check, entry.get("population"), f"{where}.population", POPULATIONS, known
        )
        outcome = _params(check, entry.get("outcome"), f"{where}.outcome", OUTCOMES, known)
        target = (
            check.table(entry["target"], f"{where}.target", required=("value", "year"))
            if "target" in entry
            else None
        )
        value = year = None
        if target is not None:
            value = check.want_int(target, "value", f"{where}.target", min_value=0)
            year = check.want_int(target, "year", f"{where}.target", min_value=2000)
        level = check.want_str(entry, "level", where, choices=LEVELS)
        document = _document_of(check, entry, where, level, documents)
        formula: dict[str, str] = {}
        direction: Direction | None = Direction()
        if level != "rnr":
            table = check.table(
                entry.get("formula"), f"{where}.formula", required=("numerator", "denominator")
            )
            if table is not None:
                formula = {
                    k: check.want_str(table, k, f"{where}.formula") or ""
                    for k in ("numerator", "denominator")
                }
            direction = _direction(check, entry, where)
        title = check.want_text(entry, "title", where)
        short = check.want_text(entry, "short", where)
        for lang, label in short.items():
            if len(label) > SHORT_MAX:
                check.fail(
                    f"{where}.short.{lang}",
                    label,
                    f"a label of at most {SHORT_MAX} characters (charts show it whole)",
                )
        note = check.want_text(entry, "note", where)
        if len(check.problems) > before or population is None or outcome is None:
            continue
        assert level is not None
        assert direction is not None
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
                document=document,
                level=level,
                short=short,
                formula=formula,
                direction=direction,
                note=note,
            )
        )
    if not found and not check.problems:
        check.note("indicators", "missing: at least one [[indicators]]")
    indicators = (
        None
        if start is None
        else IndicatorSet(ident, start, references, tuple(found), str(path), documents, components)
    )
    return check.checked(indicators, str(path))


def _document_of(
    check: Checker,
    entry: Mapping[str, Any],
    where: str,
    level: str | None,
    documents: Mapping[str, Document],
) -> Document | None:
    """The indicator's document: required for a document's indicator, refused for rnr's own."""
    name = check.want_str(entry, "document", where)
    if level == "rnr":
        if name is not None:
            check.note(f"{where}.document", "an rnr definition (level = 'rnr') cites no document")
        if "formula" in entry or "direction" in entry:
            check.note(f"{where}", "an rnr definition has no document formula or direction")
        return None
    if name is None:
        check.note(f"{where}.document", "missing: a document's indicator names its document")
        return None
    if name not in documents:
        check.fail(f"{where}.document", name, "a document of [documents]: " + ", ".join(documents))
        return None
    for key in ("formula", "direction", "target"):
        if key not in entry:
            check.note(f"{where}.{key}", f"missing: a document's indicator gives its {key}")
    return documents[name]


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
