"""Lazy package faces: a name is imported from its module when first used.

Every ``__init__.py`` of rnr only re-exports, through :func:`face`, so
importing a package (``import rnr.errors``, ``import rnr``) loads nothing
else until a name is used, as attrs does for its own namespace. A
subpackage or module is an attribute too, imported when first named
(``rnr.plan.draft`` works after ``import rnr``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def face(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``__getattr__`` and ``__dir__`` for a package re-exporting ``exports``.

    Args:
        package: the package's ``__name__``.
        exports: each public name and the module that defines it.
    """

    def __getattr__(name: str) -> Any:  # noqa: N807 - the module hook Python calls
        module = exports.get(name)
        if module is not None:
            return getattr(importlib.import_module(module), name)
        if name.isidentifier() and not name.startswith("__"):
            try:  # a subpackage or module, as after an eager import (``rnr.plan.draft``)
                return importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as exc:
                if exc.name != f"{package}.{name}":
                    raise
        msg = f"module {package!r} has no attribute {name!r}"
        raise AttributeError(msg)

    def __dir__() -> list[str]:  # noqa: N807 - the module hook Python calls
        return sorted(exports)

    return __getattr__, __dir__
