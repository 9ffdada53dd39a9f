"""The words of the case-history commands as one table, for the command line.

The words live in the message catalogue (``rnr/render/messages/<lang>/history.toml``);
:func:`hwords` gives the area as a mapping keyed without ``history.``, for the
command modules that read it (``case``, ``due``, ``store``, ``simulate``).
"""

from __future__ import annotations

from collections.abc import Mapping

from rnr.render.messages import catalogue

__all__ = ["hwords"]


def hwords(lang: str) -> Mapping[str, str]:
    """The ``history`` area of the catalogue of ``lang`` (``es`` or ``en``).

    Raises:
        RenderError: an unknown locale.
    """
    return catalogue(lang).section("history")
