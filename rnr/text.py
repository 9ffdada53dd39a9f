"""Words as values: what core returns instead of sentences.

Core never writes a sentence. Where a person will read something, it
returns either a :class:`Message` (a catalogue key and its parameters, put
into words by :mod:`rnr.render.messages` in the reader's language) or a
:class:`Text`, a sentence that a definition file itself gives in Spanish and
English (a policy rule's note, an objective's title). Both live here, below
every layer, so that core can carry them without knowing any words.

>>> Message("change.reliability_missing", {"scale": "total"}).to_dict()
{'code': 'change.reliability_missing', 'params': {'scale': 'total'}}
>>> str(Message("verify.record_altered", {"record": 3}))
'verify.record_altered (record 3)'
>>> Text("Sí", "Yes")("en")
'Yes'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from rnr._frozen import frozen_map

__all__ = ["Message", "Text", "Words", "words_from_dict", "words_to_dict"]


@attrs.frozen
class Text:
    """A sentence a definition file gives in Spanish (the default) and English."""

    es: str
    en: str = ""

    def __call__(self, lang: str = "es") -> str:
        return self.en if lang == "en" and self.en else self.es

    def to_dict(self) -> dict[str, str]:
        """JSON-ready form: ``{"es": ..., "en": ...}``."""
        return {"es": self.es, "en": self.en}


@attrs.frozen
class Message:
    """A catalogue key (``area.name``) and the parameters its sentence names."""

    code: str
    params: Mapping[str, Any] = attrs.field(converter=frozen_map, factory=dict)

    def __str__(self) -> str:
        """The code and its parameters, for an error message (which is never translated)."""
        named = ", ".join(f"{k} {_plain(v)}" for k, v in self.params.items())
        return f"{self.code} ({named})" if named else self.code

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``{"code": ..., "params": {...}}``.

        A parameter that is itself words (a rule's note quoted in a warning)
        nests in its own JSON-ready form; a list or tuple becomes a list.
        """
        return {"code": self.code, "params": {k: _plain(v) for k, v in self.params.items()}}


def _plain(value: Any) -> Any:
    """A message parameter in JSON-ready form: nested words as dicts, sequences as lists."""
    if isinstance(value, Message | Text):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


#: What a reader is given: a coded message or a sentence from a definition file.
Words = Message | Text


def words_to_dict(words: Words) -> dict[str, Any]:
    """JSON-ready form of a :class:`Message` or a :class:`Text`."""
    return words.to_dict()


def words_from_dict(data: Mapping[str, Any]) -> Words:
    """Rebuild what :func:`words_to_dict` gave."""
    if "code" in data:
        params = data.get("params") or {}
        return Message(str(data["code"]), {k: _param(v) for k, v in params.items()})
    return Text(str(data.get("es", "")), str(data.get("en", "")))


def _param(value: Any) -> Any:
    """A message parameter read back: nested words become words again, lists tuples."""
    if isinstance(value, Mapping) and set(value) in ({"code", "params"}, {"es", "en"}):
        return words_from_dict(value)
    if isinstance(value, list):
        return tuple(_param(v) for v in value)
    return value
