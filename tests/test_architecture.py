"""The house's walls: the public surface, lazy package faces and the import contracts."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import rnr
from rnr import errors

ROOT = Path(__file__).resolve().parent.parent

#: The whole pipeline, and nothing low-level: pinned, so a change is a decision.
PUBLIC = {
    # definitions
    "Instrument", "Labels", "Library", "Policy", "PolicyLibrary",
    "default_library", "load_instrument", "load_labels", "policy_library",
    # a case, scored
    "BatchResult", "Case", "ScoreResult", "parse_case", "read_cases", "score", "score_batch",
    "score_case",
    # decided, drafted, rendered, explained
    "Decision", "PlanDraft", "decide", "draft_plan", "explain", "render_plan",
    # change
    "Change", "compare", "compare_history",
    # the store and the case history
    "CaseHistory", "MemoryStore", "SQLiteStore", "Store", "case_change", "open_case",
    "read_history", "reassess",
    "__version__",
}  # fmt: skip
PACKAGES = ["rnr", *sorted(m.name for m in pkgutil.walk_packages(rnr.__path__, "rnr.") if m.ispkg)]


def _loaded_after(statement: str) -> list[str]:
    """The modules loaded by a fresh interpreter running ``statement``."""
    code = f"import sys; {statement}; import json; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    loaded: list[str] = json.loads(out.stdout)
    return loaded


def test_the_public_surface_is_the_pipeline_and_every_exception() -> None:
    """rnr.__all__ is the pipeline plus every exception of rnr.errors, exactly."""
    exceptions = {
        name
        for name in errors.__all__
        if isinstance(getattr(errors, name), type) and issubclass(getattr(errors, name), Exception)
    }
    assert sorted(PUBLIC | exceptions) == sorted(rnr.__all__)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_exported_name_resolves(package: str) -> None:
    """Each face's __all__ and dir() agree, and every name imports from its module."""
    face = importlib.import_module(package)
    assert sorted(face.__all__) == dir(face)
    for name in face.__all__:
        assert getattr(face, name) is not None, name


@pytest.mark.parametrize("package", PACKAGES)
def test_faces_only_re_export(package: str) -> None:
    """A package's __init__ defines nothing: it names where each export lives.

    The top face alone holds ``_face``, the lazy mechanism every face uses.
    """
    source = (ROOT / package.replace(".", "/") / "__init__.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    defined = [n.name for n in tree.body if isinstance(n, ast.FunctionDef | ast.ClassDef)]
    assert (["_face"] if package == "rnr" else []) == defined


def test_subpackages_are_attributes_when_named() -> None:
    """After ``import rnr``, ``rnr.plan.draft`` resolves, as after an eager import."""
    assert "PlanDraft" in dir(rnr.plan)
    assert rnr.plan.draft.PlanDraft is rnr.PlanDraft


def test_unknown_names_raise_attribute_error() -> None:
    """A name no face exports is an AttributeError, as for any module."""
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        rnr.nothing  # noqa: B018


def test_importing_the_errors_loads_nothing_else() -> None:
    """``import rnr.errors`` loads no other rnr module, no numpy, jinja2 or sqlite3."""
    loaded = _loaded_after("import rnr.errors")
    assert [m for m in loaded if m.startswith("rnr")] == ["rnr", "rnr.errors"]
    assert not {"numpy", "jinja2", "sqlite3"} & set(loaded)


def test_importing_rnr_loads_no_heavy_dependency() -> None:
    """``import rnr`` loads neither numpy, jinja2 nor sqlite3 until they are used."""
    loaded = set(_loaded_after("import rnr"))
    assert not {"numpy", "jinja2", "sqlite3"} & loaded


def test_scoring_one_case_loads_no_template_nor_store() -> None:
    """Scoring and deciding do not load Jinja or SQLite: those are other layers."""
    loaded = set(_loaded_after("import rnr; rnr.score; rnr.decide; rnr.parse_case"))
    assert not {"jinja2", "sqlite3"} & loaded
    assert not any(m.startswith(("rnr.store", "rnr.history", "rnr.render")) for m in loaded)


def test_import_contracts_hold() -> None:
    """The layers of docs/architecture.md, as import-linter contracts in pyproject.toml."""
    code = "import sys, importlinter.cli as c; sys.exit(c.lint_imports(no_cache=True))"
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert 0 == result.returncode, result.stdout + result.stderr
