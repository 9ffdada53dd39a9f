"""The public surface, the installed package and the documentation's examples."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import rnr
from rnr import errors
from rnr.definitions.library import data_dir

DOCS = Path(__file__).resolve().parent.parent / "docs"
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


@pytest.mark.parametrize("page", sorted(DOCS.glob("*.md")), ids=lambda p: p.name)
def test_documentation_examples(page: Path) -> None:
    """Every ``>>>`` example in docs/ runs and prints what the page says."""
    failures, _ = doctest.testfile(
        str(page),
        module_relative=False,
        optionflags=FLAGS,
        report=True,
        globs={"__name__": "__main__", "__file__": str(page)},  # pages find tests/data from here
    )
    assert 0 == failures
