"""Worked cases beside a cost file: the document's own arithmetic, redone.

An ``rnr.cost-cases/1`` file in ``plans/costs/<programme>/tests/`` names the
cost file (``costs = "laeip@2024"``, read from ``../2024.toml``) and lists
cases, each with a ``name``, one input and an ``expect`` table:

- ``component = "<id>"`` with ``expect = { unit_cost = 14167.36 }``: the
  component's spending divided by its production, to the cent, is the
  published unit cost;
- ``sums = true`` with ``expect = { total = …, per_beneficiary = …,
  administrative_percent = … }``: the components and the administrative
  spending add up to the published total, which over the beneficiaries is
  the published spending per beneficiary (to the thousand) and of which the
  administrative spending is the published whole percentage;
- ``person = { sanction = "LAS", months = 12 }`` with ``expect = { pesos =
  … }``: the components of the sanction and the administrative share for that
  time, in whole pesos of the file's base year;
- ``convert = { thousands = 1000, from = 2023, to = 2025 }`` with
  ``expect = { thousands = 1080.8 }``: the price index, to the cent.

Each figure is recomputed from the file's spending and production, not read
back from its unit costs, so a case fails when the copied figures disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs

from rnr.costs._money import of_year, pesos
from rnr.definitions._toml import read_definition
from rnr.definitions.costs import CENT, ProgrammeCosts, load_costs, load_prices
from rnr.errors import DefinitionError

__all__ = ["COST_CASES", "CostCaseFile", "load_cost_cases"]

COST_CASES = "rnr.cost-cases/1"
INPUTS = ("component", "sums", "person", "convert")
EXPECT = ("unit_cost", "total", "per_beneficiary", "administrative_percent", "pesos", "thousands")


@attrs.frozen
class CostCaseFile:
    """A parsed ``rnr.cost-cases/1`` file."""

    path: Path
    costs: str
    cases: tuple[dict[str, Any], ...]

    def load(self) -> ProgrammeCosts:
        """The cost file named, ``../<year>.toml``."""
        return load_costs(self.path.parent.parent / f"{self.costs.partition('@')[2]}.toml")

    def checks(self) -> Iterator[tuple[str, Callable[[], list[str]]]]:
        """Each case's name and its check."""
        for case in self.cases:
            yield str(case["name"]), _deferred(self, case)


def _deferred(cases: CostCaseFile, case: dict[str, Any]) -> Callable[[], list[str]]:
    def check() -> list[str]:
        return run_cost_case(cases.load(), case, cases.path)

    return check


def load_cost_cases(path: str | Path) -> CostCaseFile:
    """Read a cost file's worked cases.

    Raises:
        DefinitionError: ``costs.invalid``, naming the file and the case.
    """
    path = Path(path)
    check, doc = read_definition(path, COST_CASES, required=("schema", "costs", "cases"))
    cases: list[dict[str, Any]] = []
    for where, entry in check.entries(doc, "cases", required=("name", "expect"), optional=INPUTS):
        given = [k for k in INPUTS if k in entry]
        if len(given) != 1:
            check.note(where, f"give exactly one of {', '.join(INPUTS)} (got {given or 'none'})")
        elif check.table(entry["expect"], f"{where}.expect", optional=EXPECT) is not None:
            cases.append(entry)
    ref = check.want_str(doc, "costs", "", what="'<programme>@<year>'")
    if ref is not None and "@" not in ref:
        check.fail("costs", ref, "'<programme>@<year>'")
    if check.problems or ref is None:
        raise DefinitionError(str(path), check.problems, code="costs.invalid")
    return CostCaseFile(path, ref, tuple(cases))


def _figure(value: object) -> Decimal:
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(str(value))


def run_cost_case(costs: ProgrammeCosts, case: dict[str, Any], path: Path) -> list[str]:
    """The mismatches between a case's expectations and the recomputed figures."""
    got: dict[str, Decimal | int | None] = {}
    if "component" in case:
        c = costs.component(str(case["component"]))
        if c.spending is not None and c.production:
            got["unit_cost"] = (Decimal(c.spending) / c.production).quantize(CENT, ROUND_HALF_UP)
    elif "sums" in case:
        spent = sum(c.spending or 0 for c in costs.components)
        total = spent + (costs.administrative or 0)
        got["total"] = total
        if costs.beneficiaries:
            per = Decimal(total) / costs.beneficiaries
            got["per_beneficiary"] = per.quantize(Decimal(1), ROUND_HALF_UP)
        if total:
            share = Decimal(100 * (costs.administrative or 0)) / total
            got["administrative_percent"] = share.quantize(Decimal(1), ROUND_HALF_UP)
    elif "person" in case:
        person = case["person"]
        sanction = str(person["sanction"])
        person_year = sum(
            (
                Decimal(c.spending or 0) / (c.production or 1)
                for c in costs.components_for(sanction)
            ),
            Decimal(costs.administrative or 0) / (costs.beneficiaries or 1),
        )
        got["pesos"] = pesos(of_year(person_year, Fraction(int(person["months"]), 12)))
    else:
        conv = case["convert"]
        prices = load_prices(path.parent.parent.parent / "ipc" / "ipc.toml")
        amount = prices.convert(_figure(conv["thousands"]), int(conv["from"]), int(conv["to"]))
        got["thousands"] = amount.quantize(CENT, ROUND_HALF_UP)
    problems = []
    for key, want in case["expect"].items():
        have = got.get(key)
        if have is None or _figure(want) != have:
            problems.append(f"{key}: expected {want}, got {have}")
    return problems
