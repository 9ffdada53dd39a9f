"""Words for people, kept apart from scoring.

Label files (``instruments/<id>/labels/<locale>.toml``, schema
``rnr.labels/1``) name an instrument's domains, items, scales and levels in
one language. rnr ships short neutral labels of its own; an agency holding a
licence loads the official wording with ``load_labels(..., path=...)``
without touching a score.

>>> from rnr import default_library, load_labels
>>> labels = load_labels(default_library().get("lscmi"), "es")
>>> labels.level("very_high")
'Muy alto'
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import attrs

from rnr._frozen import frozen_map
from rnr.definitions._toml import read_definition
from rnr.definitions.instrument import Instrument

__all__ = ["LOCALES", "Labels", "load_labels"]

LOCALES = ("es", "en")
SECTIONS = ("domains", "items", "scales", "levels", "need_levels", "categories")


@attrs.frozen
class Labels:
    """Labels of one instrument in one locale; anything unlabelled shows its id."""

    instrument: str
    locale: str
    title: str
    domains: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)
    items: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)
    scales: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)
    levels: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)
    need_levels: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)
    categories: Mapping[str, str] = attrs.field(converter=frozen_map, factory=dict)

    def domain(self, key: str) -> str:
        """Label of a domain."""
        return self.domains.get(key, key)

    def item(self, key: str) -> str:
        """Label of an item or term."""
        return self.items.get(key, key)

    def scale(self, key: str) -> str:
        """Label of a scale."""
        return self.scales.get(key, key)

    def level(self, key: str | None) -> str:
        """Label of a risk level (``—`` for none)."""
        return "—" if key is None else self.levels.get(key, key)

    def need(self, key: str | None) -> str:
        """Label of a need level (``—`` for none)."""
        return "—" if key is None else self.need_levels.get(key, key)


def load_labels(
    instrument: Instrument, locale: str = "es", *, path: str | Path | None = None
) -> Labels:
    """Load the labels of ``instrument`` in ``locale``.

    Without ``path``, the shipped file beside the instrument is read; if there
    is none, every label falls back to its id.

    Raises:
        DefinitionError: the file is malformed or labels something the
            instrument does not declare.
    """
    if path is None:
        if instrument.path is None:
            return Labels(instrument.id, locale, instrument.title.get(locale, instrument.id))
        path = Path(instrument.path).parent / "labels" / f"{locale}.toml"
        if not path.is_file():
            return Labels(instrument.id, locale, instrument.title.get(locale, instrument.id))
    path = Path(path)
    check, doc = read_definition(
        path,
        "rnr.labels/1",
        required=("schema", "instrument", "locale", "title"),
        optional=SECTIONS,
    )
    if doc.get("instrument") != instrument.id:
        check.fail("instrument", doc.get("instrument"), repr(instrument.id))
    if doc.get("locale") != locale:
        check.fail("locale", doc.get("locale"), repr(locale))
    title = check.want_str(doc, "title", "") or instrument.id
    known = {
        "domains": {d.id for d in instrument.domains},
        "items": {i.id for i in instrument.items} | {t.id for t in instrument.terms},
        "scales": set(instrument.scales),
        "levels": set(instrument.levels()),
        "need_levels": set(instrument.need_levels),
        "categories": {
            f"{i.id}.{o.value}"
            for i in instrument.items
            if i.kind == "categorical"
            for o in i.outcomes
        },
    }
    sections: dict[str, dict[str, str]] = {}
    for section in SECTIONS:
        table = doc.get(section, {})
        if not isinstance(table, dict):
            check.fail(section, table, "a table of id = label")
            continue
        flat = _flatten(table)
        for key, label in flat.items():
            if key not in known[section]:
                check.note(
                    f"{section}.{key}",
                    f"labels nothing: {instrument.ref} has no such {_singular(section)}",
                )
            elif not isinstance(label, str) or not label:
                check.fail(f"{section}.{key}", label, "a non-empty string")
        sections[section] = {k: v for k, v in flat.items() if isinstance(v, str)}
    return check.checked(Labels(instrument.id, locale, title, **sections), str(path))


def _singular(section: str) -> str:
    return "category" if section == "categories" else section[:-1].replace("_", " ")


def _flatten(table: Mapping[str, object], prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            out.update(_flatten(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out
