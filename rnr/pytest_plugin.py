"""A pytest plugin that runs worked-case files (``rnr.cases/1``).

Any ``tests/*.toml`` file whose ``schema`` is ``rnr.cases/1`` becomes one test
per case, in the manner of OpenFisca's YAML tests: a failure prints the file,
the case name and every mismatch. Registered as a ``pytest11`` entry point, so
an agency's repository gets it by installing rnr.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from rnr.worked import WorkedCase, WorkedCaseFile, load_worked_cases, run_case

__all__ = ["pytest_collect_file"]

MARKER = b"rnr.cases/1"


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    """Collect ``tests/*.toml`` files that declare ``schema = "rnr.cases/1"``."""
    if file_path.suffix != ".toml" or file_path.parent.name != "tests":
        return None
    with file_path.open("rb") as fh:
        head = fh.read(4096)
    if MARKER not in head:
        return None
    return WorkedCaseCollector.from_parent(parent, path=file_path)


class WorkedCaseCollector(pytest.File):
    """One worked-case file."""

    def collect(self) -> Iterator[pytest.Item]:
        """One item per case."""
        cases = load_worked_cases(self.path)
        for case in cases.cases:
            yield WorkedCaseItem.from_parent(self, name=case.name, cases=cases, case=case)


class WorkedCaseItem(pytest.Item):
    """One worked case."""

    def __init__(self, *, cases: WorkedCaseFile, case: WorkedCase, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cases = cases
        self.case = case

    def runtest(self) -> None:
        """Score the case and fail on any mismatch."""
        problems = run_case(self.cases.load_instrument(), self.case)
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
            return f"{self.path}\n  case: {self.case.name}\n{lines}"
        return str(super().repr_failure(excinfo))

    def reportinfo(self) -> tuple[Path, int, str]:
        """Where the case lives."""
        return self.path, 0, f"worked case: {self.case.name}"


class WorkedCaseMismatchError(AssertionError):
    """A worked case disagreed with its expectations."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))
