"""Worked cases: hand-computed expectations that travel with an instrument.

A file ``instruments/<id>/tests/<name>.toml`` (schema ``rnr.cases/1``) names
an instrument version and lists cases, each with its answers and what the
score must be. :func:`run_case` scores one and returns every mismatch, so the
test suite, ``rnr instruments check`` and an agency's own CI can all run them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from rnr import errors
from rnr._frozen import frozen_map
from rnr.definitions._toml import Checker, read_toml
from rnr.definitions.instrument import Instrument
from rnr.definitions.instrument_loader import load_instrument
from rnr.definitions.library import split_ref
from rnr.errors import DefinitionError, RnrError
from rnr.scoring.result import ScoreResult
from rnr.scoring.single import score

__all__ = ["WorkedCase", "WorkedCaseFile", "load_worked_cases", "run_case"]

CASE_KEYS = ("name", "assessed_on", "responses", "expect", "norm_group", "birth_date", "dates")
EXPECT_KEYS = ("scales", "domains", "bounds", "provisional", "strengths", "error", "error_contains")


@attrs.frozen
class WorkedCase:
    """One named case and its expectations."""

    name: str
    assessed_on: dt.date
    responses: Mapping[str, Any] = attrs.field(converter=frozen_map)
    expect: Mapping[str, Any] = attrs.field(converter=frozen_map)
    norm_group: str | None = None
    birth_date: dt.date | None = None
    dates: Mapping[str, dt.date] = attrs.field(converter=frozen_map, factory=dict)


@attrs.frozen
class WorkedCaseFile:
    """A parsed ``rnr.cases/1`` file."""

    path: Path
    instrument: str
    cases: tuple[WorkedCase, ...]

    def load_instrument(self) -> Instrument:
        """The instrument version the cases name, read from beside the file.

        The file sits in ``<instrument folder>/tests/``, so the definition is
        ``<instrument folder>/<version>.toml``.
        """
        _, version = split_ref(self.instrument)
        folder = self.path.parent.parent
        return load_instrument(folder / f"{version}.toml")


def load_worked_cases(path: str | Path) -> WorkedCaseFile:
    """Read and check a worked-case file.

    Raises:
        DefinitionError: naming the file, the case and the field.
    """
    path = Path(path)
    doc = read_toml(path)
    check = Checker()
    check.table(doc, "", required=("schema", "instrument", "cases"))
    if doc.get("schema") != "rnr.cases/1":
        check.fail("schema", doc.get("schema"), "'rnr.cases/1'")
    ref = check.want_str(doc, "instrument", "", what="'id@version'")
    if ref is not None and split_ref(ref)[1] is None:
        check.fail("instrument", ref, "'id@version' (worked cases name an exact version)")
    cases = []
    raw_cases = doc.get("cases")
    if not isinstance(raw_cases, list) or not raw_cases:
        check.fail("cases", raw_cases, "a non-empty array of [[cases]]")
        raw_cases = []
    names: set[str] = set()
    for i, case in enumerate(raw_cases):
        where = f"cases[{i}]"
        required = ("name", "assessed_on", "responses", "expect")
        if check.table(case, where, required=required, optional=CASE_KEYS) is None:
            continue
        name = check.want_str(case, "name", where)
        if name in names:
            check.note(f"{where}.name", f"duplicate case name {name!r}")
        names.add(name or "")
        assessed_on = check.want_date(case, "assessed_on", where)
        birth_date = check.want_date(case, "birth_date", where)
        expect = check.table(case.get("expect"), f"{where}.expect", optional=EXPECT_KEYS)
        responses = case.get("responses")
        if not isinstance(responses, dict):
            check.fail(f"{where}.responses", responses, "a table of item id = answer")
            responses = None
        dates = case.get("dates", {})
        if not isinstance(dates, dict) or any(not isinstance(v, dt.date) for v in dates.values()):
            check.fail(f"{where}.dates", dates, "a table of name = date")
            dates = {}
        if name is None or assessed_on is None or expect is None or responses is None:
            continue
        cases.append(
            WorkedCase(
                name=name,
                assessed_on=assessed_on,
                responses=responses,
                expect=expect,
                norm_group=case.get("norm_group"),
                birth_date=birth_date,
                dates=dates,
            )
        )
    if check.problems:
        raise DefinitionError(str(path), check.problems)
    return WorkedCaseFile(path=path, instrument=str(ref), cases=tuple(cases))


def run_case(instrument: Instrument, case: WorkedCase) -> list[str]:
    """Score ``case`` and return every way the result differs from its expectations."""
    expect = case.expect
    try:
        result = score(
            instrument,
            case.responses,
            assessed_on=case.assessed_on,
            norm_group=case.norm_group,
            birth_date=case.birth_date,
            dates=case.dates,
        )
    except RnrError as exc:
        return _check_error(exc, expect)
    if "error" in expect:
        return [f"expected {expect['error']}, but scoring succeeded"]
    return _check_result(result, expect)


def _check_error(exc: RnrError, expect: Mapping[str, Any]) -> list[str]:
    wanted = expect.get("error")
    if wanted is None:
        return [f"unexpected {type(exc).__name__}: {exc}"]
    cls = getattr(errors, str(wanted), None)
    problems = []
    if not (isinstance(cls, type) and isinstance(exc, cls)):
        problems.append(f"expected {wanted}, got {type(exc).__name__}: {exc}")
    for text in expect.get("error_contains", []):
        if str(text) not in str(exc):
            problems.append(f"error message lacks {text!r}: {exc}")
    return problems


def _check_result(result: ScoreResult, expect: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []

    def compare(what: str, want: object, got: object) -> None:
        if want != got:
            problems.append(f"{what}: expected {want!r}, got {got!r}")

    for sid, fields in expect.get("scales", {}).items():
        if sid not in result.scales:
            problems.append(f"scales.{sid}: no such scale")
            continue
        scale = result.scales[sid]
        for key, want in fields.items():
            compare(f"scales.{sid}.{key}", want, getattr(scale, key, f"<no field {key}>"))
    for did, fields in expect.get("domains", {}).items():
        if did not in result.domains:
            problems.append(f"domains.{did}: no such domain")
            continue
        domain = result.domains[did]
        for key, want in fields.items():
            compare(f"domains.{did}.{key}", want, getattr(domain, key, f"<no field {key}>"))
    for sid, fields in expect.get("bounds", {}).items():
        bounds = result.scales[sid].bounds if sid in result.scales else None
        if bounds is None:
            problems.append(f"bounds.{sid}: the result has no bounds (not provisional)")
            continue
        for key, want in fields.items():
            compare(f"bounds.{sid}.{key}", want, getattr(bounds, key, f"<no field {key}>"))
    if "provisional" in expect:
        compare("provisional", expect["provisional"], result.provisional)
    if "strengths" in expect:
        compare("strengths", sorted(expect["strengths"]), sorted(result.strengths))
    return problems
