"""Read-only containers for frozen attrs values."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def frozen_map(value: Mapping[K, V]) -> Mapping[K, V]:
    """Return a read-only copy of ``value`` that keeps its order."""
    if isinstance(value, MappingProxyType):
        return value
    return MappingProxyType(dict(value))
