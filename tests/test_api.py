"""The public surface, the installed package and the documentation's examples."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import rnr
from rnr import errors
from rnr.definitions.library import data_dir

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(rnr.__path__, "rnr.")
    if m.name not in {"rnr.testing.pytest_plugin", "rnr.cli.__main__"}
)
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


def test_every_error_is_an_rnr_error() -> None:
    """One exception tree: every rnr exception derives from RnrError."""
    for name in errors.__all__:
        cls = getattr(errors, name)
        if isinstance(cls, type) and issubclass(cls, Exception):
            assert issubclass(cls, rnr.RnrError)


def test_shipped_data_is_found_without_a_checkout() -> None:
    """The library finds its instruments wherever rnr is installed."""
    assert (data_dir() / "instruments").is_dir()
    assert {"lscmi", "psa", "static99r", "ylscmi"} <= set(rnr.default_library().ids())


@pytest.mark.parametrize("module", MODULES)
def test_module_doctests(module: str) -> None:
    """Every docstring example in the package runs."""
    mod = importlib.import_module(module)
    failures, _ = doctest.testmod(mod, optionflags=FLAGS, verbose=False, report=True)
    assert 0 == failures


# The documentation's examples (``>>>`` and every other block) run through Sybil: conftest.py.
