"""Names a person reads for what the data calls by id: instruments, policies, levels.

A stored record or a decision names its instrument and policy by reference
(``lscmi@1.0.0``, ``cl-adultos-18216@2024-01-14``) and a risk level by id
(``very_high``). A document for a person names them instead: the
instrument's abbreviation and version, the policy's title and the date it
came into force, the level's label; a sanction in its regime's words, a
programme component and a PII objective by their titles. A reference the
shipped library does not hold (an agency's own definition) keeps its id, the
only name rnr has.

>>> instrument_name("lscmi@1.0.0")
'LS/CMI, versión 1.0.0'
>>> policy_name("cl-adultos-18216@2024-01-14")  # doctest: +ELLIPSIS
'Penas sustitutivas de adultos (Ley 18.216), vigente desde el 14-01-2024 (reglas no verificadas...)'
>>> level_name("lscmi@1.0.0", "very_high"), level_name("lscmi", None)
('Muy alto', '—')
>>> policy_title("cl-adultos-18216@2024-01-14"), component_name("irc-apoyo-socioeducativo")
('Penas sustitutivas de adultos (Ley 18.216)', 'Apoyo socioeducativo en régimen cerrado')
>>> sanction_name("RC"), sanction_in_regime("LVI", "adult"), sanction_in_regime("LAS", "juvenile")
('remisión condicional (RC)', 'pena sustitutiva LVI', 'sanción LAS')
>>> objective_name("adu-ee-empleo-o-capacitacion")
'Conseguir y mantener un trabajo, una capacitación o un estudio'
"""

from __future__ import annotations

import re
from functools import cache

from rnr.definitions.catalogue import shipped as shipped_catalogue
from rnr.definitions.indicators import shipped as shipped_indicators
from rnr.definitions.instrument import Instrument
from rnr.definitions.labels import Labels, load_labels
from rnr.definitions.library import default_library, policy_library
from rnr.definitions.policy import Policy
from rnr.errors import RnrError
from rnr.render.messages import NONE, catalogue

__all__ = [
    "component_name",
    "definition_title",
    "instrument_name",
    "instrument_title",
    "labels_of",
    "level_name",
    "objective_name",
    "policy_name",
    "policy_title",
    "sanction_in_regime",
    "sanction_name",
]

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


def _policy(ref: str) -> Policy | None:
    """The shipped policy ``ref`` names (``None`` when the library does not hold it)."""
    try:
        return policy_library().get(ref)
    except (RnrError, LookupError):
        return None


def definition_title(definition: Instrument | Policy, lang: str = "es") -> str:
    """A definition's title in ``lang``, else in Spanish, else its id."""
    return definition.title.get(lang) or definition.title.get("es") or definition.id


@cache
def policy_title(ref: str, lang: str = "es") -> str:
    """The policy's title alone, for a line that cannot hold more (its reference when unknown)."""
    policy = _policy(ref)
    return ref if policy is None else definition_title(policy, lang)


@cache
def policy_name(ref: str, lang: str = "es") -> str:
    """The policy's title and the date it came into force (its reference when unknown)."""
    policy = _policy(ref)
    if policy is None:
        return ref
    words = catalogue(lang)
    name = words(
        "names.policy_version", title=definition_title(policy, lang), since=policy.effective_from
    )
    if policy.status != "validated":
        name += " " + words(f"names.policy_status.{policy.status}")
    return name


def level_name(instrument: str, level: str | None, lang: str = "es") -> str:
    """A risk level's label on ``instrument`` (a dash for none)."""
    return NONE if level is None else labels_of(instrument, lang).level(level)


@cache
def component_name(ident: str, lang: str = "es") -> str:
    """A programme component's title (the indicator files'), or ``ident`` as recorded."""
    found = shipped_indicators()[0].components.get(ident)
    if found is None:
        return ident
    return found.title.get(lang) or found.title.get("es") or ident


def sanction_name(code: str, lang: str = "es", policy: Policy | None = None) -> str:
    """``remisión condicional (RC)``: the sanction's name and its code.

    A code the catalogue does not name keeps the description of its
    eligibility table in ``policy`` (an agency's own sanction), else the code.
    """
    w = catalogue(lang)
    key = f"policy.sanctions.{code}"
    if key in w:
        return f"{w(key)} ({code})"
    table = policy.tables.get(f"eligibility_{code.lower()}") if policy is not None else None
    return f"{table.description} ({code})" if table is not None and table.description else code


def sanction_in_regime(sanction: str | None, regime: str, lang: str = "es") -> str:
    """A sanction's code in its regime's words: a *pena sustitutiva* or a *sanción*.

    A regime the catalogue does not name keeps the bare code.
    """
    words = catalogue(lang)
    key = f"names.sanction.{regime}" if sanction else f"names.sanction.{regime}_none"
    if key not in words:
        return sanction or NONE
    return words(key, sanction=sanction) if sanction else words(key)


@cache
def objective_name(ident: str, lang: str = "es") -> str:
    """A PII objective's title (the shipped catalogue's), or ``ident`` when it holds none."""
    found = next((o for o in shipped_catalogue()[0].objectives if o.id == ident), None)
    if found is None:
        return ident
    return found.title.get(lang) or found.title.get("es") or ident
