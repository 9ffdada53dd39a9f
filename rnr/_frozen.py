"""Read-only containers for frozen attrs values, and how they are written as JSON."""

from __future__ import annotations

import datetime as dt
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


def json_default(value: object) -> Any:
    """``json.dumps``'s ``default``: a date as its ISO text, a read-only mapping as a dict.

    >>> import json
    >>> json.dumps({"on": dt.date(2025, 3, 2), "m": frozen_map({"a": 1})}, default=json_default)
    '{"on": "2025-03-02", "m": {"a": 1}}'
    """
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"not JSON serializable: {type(value).__name__}")
