"""Worked-case files of both kinds: read alike, checked alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from rnr.definitions.library import data_dir
from rnr.errors import DefinitionError
from rnr.testing.worked import (
    PolicyCaseFile,
    WorkedCaseFile,
    load_policy_cases,
    load_worked_cases,
)

INSTRUMENT_HEAD = 'schema = "rnr.cases/1"\ninstrument = "psa@1.0.0"\n\n'
POLICY_HEAD = 'schema = "rnr.policy-cases/1"\npolicy = "cl-adultos-18216@2024-01-13"\n\n'
INSTRUMENT_CASE = (
    '[[cases]]\nname = "same"\nassessed_on = 2024-05-02\nresponses = {}\n'
    "expect = { provisional = true }\n"
)
POLICY_CASE = '[[cases]]\nname = "same"\nevent = "breach"\nexpect = { reassess = true }\n'


def write(folder: Path, text: str) -> Path:
    """A case file in ``folder/tests/``."""
    path = folder / "tests" / "cases.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


class TestReading:
    @pytest.mark.parametrize(
        ("load", "text"),
        [
            (load_worked_cases, INSTRUMENT_HEAD + INSTRUMENT_CASE * 2),
            (load_policy_cases, POLICY_HEAD + POLICY_CASE * 2),
        ],
        ids=["instrument", "policy"],
    )
    def test_a_repeated_name_is_refused_in_both_kinds(
        self, tmp_path: Path, load: Callable[[Path], object], text: str
    ) -> None:
        """Two cases with one name: the second is named, whatever the kind."""
        with pytest.raises(DefinitionError, match=r"cases\[1\]\.name: duplicate case name 'same'"):
            load(write(tmp_path, text))

    def test_instrument_cases_name_an_exact_version(self, tmp_path: Path) -> None:
        """An instrument case file names ``id@version``; a policy one may name a bare id."""
        text = INSTRUMENT_HEAD.replace("@1.0.0", "") + INSTRUMENT_CASE
        with pytest.raises(DefinitionError, match="worked cases name an exact version"):
            load_worked_cases(write(tmp_path, text))
        policy = load_policy_cases(
            write(tmp_path, POLICY_HEAD.replace("@2024-01-13", "") + POLICY_CASE)
        )
        assert "cl-adultos-18216" == policy.policy

    def test_the_wrong_schema_is_named(self, tmp_path: Path) -> None:
        """A policy case file read as instrument cases names the schema it should have."""
        with pytest.raises(DefinitionError, match="schema: got 'rnr.policy-cases/1'"):
            load_worked_cases(write(tmp_path, POLICY_HEAD + POLICY_CASE))


class TestChecks:
    def test_one_check_per_case_reading_the_definition_when_run(self, tmp_path: Path) -> None:
        """A broken definition fails the cases that run, not the reading of the file."""
        path = write(tmp_path, INSTRUMENT_HEAD + INSTRUMENT_CASE)
        (tmp_path / "1.0.0.toml").write_text("not toml [", encoding="utf-8")
        checks = list(load_worked_cases(path).checks())
        assert ["same"] == [name for name, _ in checks]
        with pytest.raises(DefinitionError, match="invalid TOML"):
            checks[0][1]()

    def test_the_shipped_cases_hold(self) -> None:
        """Every shipped case of one instrument and one policy holds through its check."""
        root = data_dir()
        files: list[WorkedCaseFile | PolicyCaseFile] = [
            load_worked_cases(root / "instruments" / "psa" / "tests" / "omissions.toml"),
            load_policy_cases(
                root / "plans" / "policies" / "cl-adultos-18216" / "tests" / "change.toml"
            ),
        ]
        for cases in files:
            for name, check in cases.checks():
                assert [] == check(), name
