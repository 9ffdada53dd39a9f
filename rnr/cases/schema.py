"""The case schema of one instrument version: the rnr case with that instrument's items.

:func:`case_schema` builds it from the instrument's definition and the
generic case schema (``rnr/schemas/case.schema.json``, which also holds the
words it uses: ``$defs.instrument_case``). ``responses`` has exactly the
instrument's items, each with the JSON type of its kind, its range or
choices, ``null`` where it may be omitted, and its labels; ``instrument`` is
the instrument's id or ``id@version``; ``norm_group`` and ``person.sex``
follow the instrument's norm groups. What JSON Schema cannot say (omission
limits of scales and domains, the population by age and sex, ages computed
from dates, the order of those dates) is listed under ``x-rnr-limits`` and
checked by rnr when it scores.

>>> from rnr import default_library
>>> schema = case_schema(default_library().get("psa@1.0.0"))
>>> schema["properties"]["instrument"]["enum"]
['psa', 'psa@1.0.0', None]
>>> schema["properties"]["responses"]["properties"]["prior_fta_past_2y"]["minimum"]
0
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rnr.cases._formats import MAX_INTEGER
from rnr.definitions.instrument import Instrument, Item
from rnr.definitions.labels import load_labels
from rnr.schemas import schema

__all__ = ["case_schema", "required_items"]

#: Where a case's fields point in the generic schema.
_DATE = {"$ref": "#/$defs/date"}


def required_items(instrument: Instrument) -> tuple[str, ...]:
    """The items no omission may touch: each is in a scale or domain with ``max_omitted = 0``.

    The other items may be omitted within the limits of :func:`omission_limits`
    (strength items, never counted, always may).
    """
    return tuple(
        item.id
        for item in instrument.scored_items
        if any(limit == 0 and item.id in items for _, limit, items in _scopes(instrument))
    )


def _scopes(instrument: Instrument) -> list[tuple[str, int, tuple[str, ...]]]:
    """Every omission limit: its scope (``scale fta``, ``domain family``), limit and items."""
    scored = instrument.scored_items
    scopes = [
        (f"scale {sid}", scale.max_omitted, tuple(i.id for i in scored if instrument.feeds(i, sid)))
        for sid, scale in instrument.scales.items()
    ]
    scopes += [
        (f"domain {d.id}", d.max_omitted, tuple(i.id for i in scored if i.domain == d.id))
        for d in instrument.domains
        if d.max_omitted is not None
    ]
    return scopes


def omission_limits(instrument: Instrument) -> list[dict[str, Any]]:
    """The omission limits a JSON Schema cannot say: those that allow some omissions, not all."""
    return [
        {"scope": scope, "max_omitted": limit, "items": list(items)}
        for scope, limit, items in _scopes(instrument)
        if 0 < limit < len(items)
    ]


def case_schema(instrument: Instrument) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a case scored with ``instrument``.

    A document it accepts is parsed and scored by rnr
    (:func:`rnr.cases.parse.parse_case` then
    :func:`~rnr.cases.parse.score_case` with this version), and one it
    refuses is refused by rnr, except for the limits listed under
    ``x-rnr-limits`` (see the schema's description and
    ``docs/case-format.md``).

    Raises:
        DefinitionError: a label file beside the instrument is malformed.
    """
    base = schema("case")
    words = base["$defs"].pop("instrument_case")
    ref = instrument.ref

    def say(text: str) -> str:
        return text.replace("{ref}", ref)

    properties: dict[str, Any] = dict(base["properties"])
    for name, part in words["properties"].items():
        properties[name] = {**properties[name], "description": say(part["description"])}
    properties["instrument"] = {
        "description": properties["instrument"]["description"],
        "enum": [instrument.id, ref, None],
    }
    properties["norm_group"] = _norm_group(instrument, properties["norm_group"]["description"])
    properties["responses"] = _responses(instrument, properties["responses"]["description"])
    at = _age_dates(instrument)
    if at:
        properties["dates"] = {**properties["dates"], "properties": at}
    rules = _norm_group_rule(instrument) + _computed_age_rules(instrument)
    out: dict[str, Any] = {
        "$schema": base["$schema"],
        "$id": base["$id"].replace("case.schema.json", f"instruments/{ref}/case.schema.json"),
        "title": say(words["title"]),
        "description": say(words["description"]),
        "type": base["type"],
        "required": base["required"],
        "additionalProperties": base["additionalProperties"],
        "properties": properties,
    }
    if rules:
        out["allOf"] = rules
    out["$defs"] = base["$defs"]
    out["x-rnr-instrument"] = {
        "id": instrument.id,
        "version": instrument.version,
        "sha256": instrument.sha256,
    }
    out["x-rnr-limits"] = _limits(instrument)
    return out


def _norm_group(instrument: Instrument, description: str) -> dict[str, Any]:
    if not instrument.norm_groups:
        return {"description": description, "type": "null"}
    return {"description": description, "enum": [*instrument.norm_groups, None]}


def _norm_group_rule(instrument: Instrument) -> list[dict[str, Any]]:
    """A norm group given, or a ``person.sex`` that names one (when the instrument has them)."""
    groups = list(instrument.norm_groups)
    if not groups:
        return []
    given = {"required": ["norm_group"], "properties": {"norm_group": {"type": "string"}}}
    sex = {
        "required": ["person"],
        "properties": {
            "person": {
                "type": "object",
                "required": ["sex"],
                "properties": {"sex": {"enum": groups}},
            }
        },
    }
    return [{"anyOf": [given, sex]}]


def _responses(instrument: Instrument, description: str) -> dict[str, Any]:
    labels = {locale: load_labels(instrument, locale) for locale in ("es", "en")}
    required = set(required_items(instrument))
    items: dict[str, Any] = {}
    for item in instrument.items:
        named = "; ".join(f"{locale}: {labels[locale].item(item.id)}" for locale in labels)
        answered = item.id in required and item.kind != "age"
        items[item.id] = {
            "title": item.id,
            "description": f"{item.kind}; {named}",
            "x-rnr-kind": item.kind,
            **_answer(item, nullable=not answered),
        }
    out: dict[str, Any] = {
        "description": description,
        "type": "object",
        "additionalProperties": False,
        "properties": items,
    }
    must = [i.id for i in instrument.items if i.id in required and i.kind != "age"]
    if must:
        out["required"] = must
    return out


def _answer(item: Item, *, nullable: bool) -> dict[str, Any]:
    """The answers ``item`` takes, as JSON Schema keywords (``null`` too when it may be omitted)."""
    none: list[None] = [None] if nullable else []
    if item.kind == "boolean":
        return {"type": ["boolean", "null"] if nullable else "boolean"}
    if item.kind == "categorical":
        return {"enum": [o.value for o in item.outcomes if o.value is not None] + none}
    assert item.valid_range is not None
    lo, hi = item.valid_range
    return {
        "type": ["integer", "null"] if nullable else "integer",
        "minimum": lo,
        "maximum": MAX_INTEGER if hi is None else hi,
    }


def _age_items(instrument: Instrument) -> list[Item]:
    return [i for i in instrument.items if i.kind == "age"]


def _age_dates(instrument: Instrument) -> dict[str, Any]:
    """The ``dates`` the age items are computed at, each titled with its items."""
    named: dict[str, list[str]] = {}
    for item in _age_items(instrument):
        if item.age_at and item.age_at != "assessed_on":
            named.setdefault(item.age_at, []).append(item.id)
    return {name: {"title": ", ".join(ids), **_DATE} for name, ids in named.items()}


def _computed_age_rules(instrument: Instrument) -> list[dict[str, Any]]:
    """A required age item: answered, or computable from ``person.birth_date`` and its date."""
    required = set(required_items(instrument))
    rules = []
    for item in _age_items(instrument):
        if item.id not in required:
            continue
        answered = {
            "properties": {
                "responses": {"required": [item.id], "properties": {item.id: {"type": "integer"}}}
            }
        }
        born: dict[str, Any] = {
            "type": "object",
            "required": ["birth_date"],
            "properties": {"birth_date": {"type": "string"}},
        }
        computed: dict[str, Any] = {"required": ["person"], "properties": {"person": born}}
        if item.age_at and item.age_at != "assessed_on":
            computed["required"].append("dates")
            computed["properties"]["dates"] = {"type": "object", "required": [item.age_at]}
        rules.append({"anyOf": [answered, computed]})
    return rules


def _limits(instrument: Instrument) -> dict[str, Any]:
    """What rnr checks when it scores and JSON Schema cannot say."""
    pop: Mapping[str, Any] = instrument.population
    return {
        "omissions": omission_limits(instrument),
        "population": {
            "outside": pop.get("outside", "warning"),
            "min_age": pop.get("min_age"),
            "max_age": pop.get("max_age"),
            "sex": list(pop.get("sex") or ()),
        },
        "computed_ages": [
            {
                "item": item.id,
                "at": "assessed_on"
                if item.age_at in (None, "assessed_on")
                else f"dates.{item.age_at}",
                "minimum": item.valid_range[0] if item.valid_range else None,
                "maximum": item.valid_range[1] if item.valid_range else None,
            }
            for item in _age_items(instrument)
        ],
    }
