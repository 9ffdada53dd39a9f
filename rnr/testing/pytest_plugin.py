"""A pytest plugin that runs worked-case files beside instruments and policies.

Any ``tests/*.toml`` file whose ``schema`` is ``rnr.cases/1`` (instrument
cases), ``rnr.policy-cases/1`` (policy cases) or ``rnr.cost-cases/1`` (a
cost file's arithmetic: :mod:`rnr.testing.cost_cases`) becomes one test per
case, in the manner of OpenFisca's YAML tests: a failure prints the file,
the case name and every mismatch. Registered as a ``pytest11`` entry point, so an
agency's repository gets it by installing rnr.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from rnr.testing.cost_cases import COST_CASES, CostCaseFile, load_cost_cases
from rnr.testing.worked import (
    INSTRUMENT_CASES,
    POLICY_CASES,
    PolicyCaseFile,
    WorkedCaseFile,
    load_policy_cases,
    load_worked_cases,
)

__all__ = ["pytest_collect_file"]

#: How each schema appears in the head of a case file.
INSTRUMENT_MARK = f'"{INSTRUMENT_CASES}"'.encode()
POLICY_MARK = f'"{POLICY_CASES}"'.encode()
COST_MARK = f'"{COST_CASES}"'.encode()


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    """Collect ``tests/*.toml`` files that declare a worked-case schema."""
    if file_path.suffix != ".toml" or file_path.parent.name != "tests":
        return None
    with file_path.open("rb") as fh:
        head = fh.read(4096)
    if INSTRUMENT_MARK in head or POLICY_MARK in head or COST_MARK in head:
        return WorkedCaseCollector.from_parent(parent, path=file_path)
    return None


class WorkedCaseCollector(pytest.File):
    """One worked-case file."""

    def collect(self) -> Iterator[pytest.Item]:
        """One item per case."""
        head = self.path.read_bytes()[:4096]
        cases: WorkedCaseFile | PolicyCaseFile | CostCaseFile
        if COST_MARK in head:
            cases = load_cost_cases(self.path)
        elif POLICY_MARK in head:
            cases = load_policy_cases(self.path)
        else:
            cases = load_worked_cases(self.path)
        for name, check in cases.checks():
            yield WorkedCaseItem.from_parent(self, name=name, check=check)


class WorkedCaseItem(pytest.Item):
    """One worked case."""

    def __init__(self, *, check: Callable[[], list[str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.check = check

    def runtest(self) -> None:
        """Run the case and fail on any mismatch."""
        problems = self.check()
        if problems:
            raise WorkedCaseMismatchError(problems)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: Any = None,  # noqa: ARG002 - pytest's signature
    ) -> str:
        """File, case name, then each mismatch indented."""
        if isinstance(excinfo.value, WorkedCaseMismatchError):
            lines = "\n".join(f"    {p}" for p in excinfo.value.problems)
            return f"{self.path}\n  case: {self.name}\n{lines}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the case lives."""
        return self.path, 0, f"worked case: {self.name}"


class WorkedCaseMismatchError(AssertionError):
    """A worked case disagreed with its expectations."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
