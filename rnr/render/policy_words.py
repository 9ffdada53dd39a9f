"""The ``policy`` area of the message catalogue as a dict, for code that indexes words.

The words themselves live in ``rnr/render/messages/<lang>/policy.toml``; new
code calls ``catalogue(lang)("policy.key", **params)``
(:mod:`rnr.render.messages`). This adapter keeps ``w["key"].format(...)``
call sites working until they move to the catalogue.

>>> pwords("en")["eligible"]
'Available sanctions'
"""

from __future__ import annotations

from rnr.render.messages import LOCALES, catalogue

__all__ = ["pwords"]


def pwords(lang: str) -> dict[str, str]:
    """The policy sentences of ``lang`` (Spanish when unknown), keyed without the area.

    Only the area's own sentences: its tables of coded messages
    (``policy.warning.*``) are said through the catalogue.
    """
    area = catalogue(lang if lang in LOCALES else LOCALES[0]).section("policy")
    return {key: value for key, value in area.items() if isinstance(value, str)}
