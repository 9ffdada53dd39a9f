"""Names a person reads for what the data calls by id: instruments, policies, levels.

A stored record or a decision names its instrument and policy by reference
(``lscmi@1.0.0``, ``cl-adultos-18216@2024-01-14``) and a risk level by id
(``very_high``). A document for a person names them instead: the
instrument's abbreviation and version, the policy's title and the date it
came into force, the level's label. A reference the shipped library does not
hold (an agency's own definition) keeps its id, the only name rnr has.

>>> instrument_name("lscmi@1.0.0")
'LS/CMI, versión 1.0.0'
>>> policy_name("cl-adultos-18216@2024-01-14")  # doctest: +ELLIPSIS
'Penas sustitutivas de adultos (Ley 18.216), vigente desde el 14-01-2024 (reglas no verificadas...)'
>>> level_name("lscmi@1.0.0", "very_high"), level_name("lscmi", None)
('Muy alto', '—')
"""

from __future__ import annotations

import re
from functools import cache

from rnr.definitions.labels import Labels, load_labels
from rnr.definitions.library import default_library, policy_library
from rnr.errors import RnrError
from rnr.render.messages import NONE, catalogue

__all__ = ["instrument_name", "instrument_title", "labels_of", "level_name", "policy_name"]

#: The abbreviation an instrument's title gives in brackets: "(LS/CMI)".
_ABBREVIATION = re.compile(r"\(([A-Z][A-Za-z0-9/\-]+)\)")


@cache
def labels_of(ref: str, lang: str = "es") -> Labels:
    """The shipped labels of instrument ``ref`` in ``lang``; its id as every label when unknown."""
    try:
        return load_labels(default_library().get(ref), lang)
    except (RnrError, LookupError):
        ident = ref.split("@", 1)[0]
        return Labels(ident, lang, ident)


def instrument_title(ref: str, lang: str = "es") -> str:
    """The instrument's full title (its id when the library does not hold it)."""
    return labels_of(ref, lang).title


@cache
def instrument_name(ref: str, lang: str = "es") -> str:
    """The instrument's abbreviation and version: ``LS/CMI, versión 1.0.0``."""
    version = ref.partition("@")[2]
    title = instrument_title(ref, lang)
    found = _ABBREVIATION.search(title)
    short = found.group(1) if found else title
    if not version:
        return short
    return catalogue(lang)("names.instrument_version", name=short, version=version)


@cache
def policy_name(ref: str, lang: str = "es") -> str:
    """The policy's title and the date it came into force (its reference when unknown)."""
    try:
        policy = policy_library().get(ref)
    except (RnrError, LookupError):
        return ref
    title = policy.title.get(lang) or policy.title.get("es") or policy.id
    words = catalogue(lang)
    name = words("names.policy_version", title=title, since=policy.effective_from)
    if policy.status != "validated":
        name += " " + words(f"names.policy_status.{policy.status}")
    return name


def level_name(instrument: str, level: str | None, lang: str = "es") -> str:
    """A risk level's label on ``instrument`` (a dash for none)."""
    return NONE if level is None else labels_of(instrument, lang).level(level)
