"""Read-only containers for frozen attrs values."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

#: The one read-only empty mapping (immutable: every empty one is this one).
EMPTY: Mapping[Any, Any] = MappingProxyType({})


def frozen_map(value: Mapping[Any, Any]) -> Mapping[Any, Any]:
    """Return a read-only copy of ``value`` that keeps its order (an attrs converter)."""
    if isinstance(value, MappingProxyType):
        return value
    return MappingProxyType(dict(value)) if value else EMPTY
