"""Costs: the cost files as published, their checks, plans, caseloads and what-if priced.

The documents' own arithmetic is redone by the worked cases beside each cost
file (``plans/costs/<programme>/tests/*.toml``); here: the figures as FACTS.md
copies them, one broken file per check, properties of the arithmetic, and
the command line.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import Cli
from rnr.costs.caseload import caseload_costs, supervised_days
from rnr.costs.plan import period_years, plan_cost, plan_document
from rnr.costs.whatif import price_cases
from rnr.definitions.costs import CostBook, costs_dir, load_book, load_costs, load_prices, shipped
from rnr.definitions.library import data_dir, policy_library
from rnr.errors import DefinitionError, UnknownDefinitionError
from rnr.indicators.caseload import CaseSummary, EventSummary, PlanSummary
from rnr.testing.cost_cases import load_cost_cases, run_cost_case

ROOT = Path(__file__).parent.parent
LAEIP = costs_dir() / "laeip" / "2024.toml"
TINY = Decimal("1e-12")


class TestPublishedFigures:
    """The shipped files hold the documents' tables exactly (FACTS.md, unit costs)."""

    @pytest.mark.parametrize(
        "row",
        [
            (
                "laeip@2024",
                ["14167.36", "9286.00", "5921.98", "3416.89"],
                1220052,
                6565186,
                40277,
                163,
            ),
            (
                "irc@2026",
                ["13193.41", "13175.64", "3262.62", "17248.90"],
                3649679,
                28074460,
                53886,
                521,
            ),
            ("libertad-asistida@2026", ["5553.98", "5549.82"], 5893639, 45333876, 6381, 7105),
        ],
    )
    def test_figures(self, row: tuple[str, list[str], int, int, int, int]) -> None:
        """Unit costs, administrative spending, total, per beneficiary and people as published."""
        ref, unit_costs, admin, total, per, people = row
        programme, year = ref.split("@")
        costs = shipped().programme(programme, int(year))
        assert [Decimal(u) for u in unit_costs] == [c.unit_cost for c in costs.components]
        assert (admin, total, per, people) == (
            costs.administrative,
            costs.total,
            costs.per_beneficiary,
            costs.beneficiaries,
        )
        assert costs.status == "validated"
        assert "Servicio Nacional de Reinserción Social Juvenil" in costs.source["es"]

    def test_base_years(self) -> None:
        """LAEIP is in pesos of 2023, IRC and LAS/LAE in pesos of 2025."""
        book = shipped()
        assert {"laeip": 2023, "irc": 2025, "libertad-asistida": 2025} == {
            p.id: p.prices_of for p in book.programmes if p.priced
        }

    def test_adults_are_a_structure_without_figures(self) -> None:
        """LV and LVI: named components, no figure at all, status structure-only."""
        costs = shipped().for_sanction("LV", 2026)
        assert costs is not None
        assert ("structure-only", False) == (costs.status, costs.priced)
        assert costs.total is None
        assert all(c.unit_cost is None and c.spending is None for c in costs.components)
        assert costs.per_person_year("LVI") is None

    def test_price_index_is_validated_and_cited(self) -> None:
        """The IPC is built from INE's published December variations, and cites them."""
        prices = shipped().prices
        assert "validated" == prices.status
        assert "diciembre de 2020 = 100" == prices.base
        assert "Instituto Nacional de Estadísticas (INE)" in prices.source["es"]
        assert "boletines de diciembre" in prices.source["es"]

    def test_choice_by_year(self) -> None:
        """The newest file at or before the year, else the earliest later one."""
        book = shipped()
        assert "laeip@2024" == book.for_sanction("LAEIP", 2030).ref  # type: ignore[union-attr]
        assert "irc@2026" == book.for_sanction("IRC", 2024).ref  # type: ignore[union-attr]
        assert book.for_sanction("XYZ", 2026) is None


#: One broken copy of laeip/2024.toml per check: (name, text replaced, by, fragments).
BROKEN = [
    ("unit_cost_off", "unit_cost = 14167.36", "unit_cost = 14167.37", ["unit_cost", "14167.36"]),
    ("total_off", "total = 6565186", "total = 6565187", ["total", "6565186"]),
    ("per_beneficiary_off", "per_beneficiary = 40277", "per_beneficiary = 40000", ["40277"]),
    ("admin_share_off", "administrative_percent = 19", "administrative_percent = 13", ["19"]),
    ("negative_spending", "spending = 2309280", "spending = -1", ["spending", ">= 0"]),
    (
        "zero_production",
        'production = 163\nproduced = { es = "jóvenes con',
        'production = 0\nproduced = { es = "jóvenes con',
        ["production", ">= 1"],
    ),
    (
        "text_unit_cost",
        "unit_cost = 9286.00",
        'unit_cost = "9.286,00"',
        ["unit_cost", "a non-negative number"],
    ),
    (
        "unknown_key",
        "beneficiaries = 163",
        "beneficiaries = 163\nbeneficiarios = 163",
        ["beneficiarios", "unknown key"],
    ),
    ("missing_total", "total = 6565186\n", "", ["total", "missing required key"]),
    ("bad_status", 'status = "validated"', 'status = "published"', ["status", "validated"]),
    ("wrong_schema", 'schema = "rnr.costs/1"', 'schema = "rnr.costs/9"', ["schema"]),
    ("year_not_file", "year = 2024", "year = 2025", ["year", "2024"]),
    (
        "foreign_sanction",
        'names = ["acompañamiento personalizado"]',
        'sanctions = ["LAS"]\nnames = ["acompañamiento personalizado"]',
        ["sanctions", "LAEIP"],
    ),
    (
        "figure_in_structure",
        'status = "validated"',
        'status = "structure-only"',
        ["structure-only"],
    ),
]


@pytest.mark.parametrize(("name", "old", "new", "fragments"), BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_cost_file(
    name: str, old: str, new: str, fragments: list[str], tmp_path: Path
) -> None:
    """A cost file that breaks a check is refused (costs.invalid) naming the file and field."""
    text = LAEIP.read_text(encoding="utf-8")
    assert old in text, name
    target = tmp_path / "laeip" / "2024.toml"
    target.parent.mkdir()
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(DefinitionError) as info:
        load_costs(target)
    assert "costs.invalid" == info.value.code
    message = str(info.value)
    assert message.startswith(str(target))
    for fragment in fragments:
        assert fragment in message, message


def test_broken_price_index(tmp_path: Path) -> None:
    """A price index with a bad year or a non-positive figure is refused."""
    source = costs_dir() / "ipc" / "ipc.toml"
    target = tmp_path / "ipc.toml"
    text = source.read_text(encoding="utf-8")
    target.write_text(text.replace("2021 = 107.2", "2021 = 0").replace("2022 =", "20x2 =", 1))
    with pytest.raises(DefinitionError) as info:
        load_prices(target)
    assert "costs.invalid" == info.value.code
    assert "index.2021" in str(info.value)
    assert "index.20x2" in str(info.value)


def test_unknown_years_and_files() -> None:
    """A year the index lacks and a cost file that does not exist have their own codes."""
    book = shipped()
    with pytest.raises(UnknownDefinitionError) as info:
        book.prices.factor(2023, 2031)
    assert "costs.prices.unknown" == info.value.code
    with pytest.raises(UnknownDefinitionError) as info:
        book.programme("laeip", 2019)
    assert "costs.unknown" == info.value.code


def test_book_needs_a_price_index(tmp_path: Path) -> None:
    """A folder of cost files without ipc/ipc.toml is refused (costs.unknown)."""
    shutil.copytree(costs_dir() / "laeip", tmp_path / "laeip")
    with pytest.raises(UnknownDefinitionError) as info:
        load_book(tmp_path)
    assert "costs.unknown" == info.value.code


class TestWorkedCases:
    """The worked-case files run through the pytest plugin; their checks catch errors."""

    def test_a_wrong_expectation_is_reported(self) -> None:
        """A case whose figure disagrees with the recomputed one names both."""
        costs = load_costs(LAEIP)
        case = {"name": "x", "component": "apoyo-socioeducativo", "expect": {"unit_cost": 9287}}
        assert ["unit_cost: expected 9287, got 9286.00"] == run_cost_case(costs, case, LAEIP)

    def test_a_case_needs_exactly_one_input(self, tmp_path: Path) -> None:
        """A case with two inputs (or none) is refused, naming the case."""
        path = tmp_path / "laeip" / "tests" / "x.toml"
        path.parent.mkdir(parents=True)
        path.write_text(
            'schema = "rnr.cost-cases/1"\ncosts = "laeip@2024"\n'
            '[[cases]]\nname = "two"\nsums = true\ncomponent = "x"\nexpect = { total = 1 }\n',
            encoding="utf-8",
        )
        with pytest.raises(DefinitionError) as info:
            load_cost_cases(path)
        assert "cases[0]" in str(info.value)
        assert "costs.invalid" == info.value.code


# -- the cost of a plan ----------------------------------------------------------------------


def _plan(sanction: str, **changes: Any) -> Any:
    """A PII draft of a shipped example case, with another sanction and period."""
    import rnr  # noqa: PLC0415
    from rnr.cases.legal import parse_legal  # noqa: PLC0415

    example = data_dir() / "instruments" / "ylscmi" / "examples" / "ylscmi-02-custody.json"
    case = rnr.parse_case(json.loads(example.read_text("utf-8")), file=example.name)
    result = rnr.score_case(case, rnr.default_library())
    legal = parse_legal(
        {"regime": "juvenile", "sanction": "LAS", "sentence_days": 365, "age_at_offence": 16}
    )
    decision = rnr.decide(result, legal, policy_library().get("cl-juvenil-20084"))
    plan = rnr.draft_plan(result, decision)
    return attrs.evolve(plan, sanction=sanction, **changes)


class TestPlanCost:
    """A plan's cost: the sanction's components for its period, with the administrative share."""

    def test_a_year_of_las(self) -> None:
        """365 days of LAS cost the component and the administrative share: $ 6.383.486."""
        cost = plan_cost(_plan("LAS", period_days=(365, 365), period_months=None), shipped())
        assert ("priced", "libertad-asistida@2026", 2025) == (
            cost.status,
            cost.programme,
            cost.prices_of,
        )
        assert ["acompanamiento-las"] == [c.id for c in cost.components]
        assert cost.low == cost.high == Decimal("5553.98") + Decimal(5893639) / 7105
        assert (
            6383486
            == plan_document(_plan("LAS", period_days=(365, 365), period_months=None))["cost"][
                "low_pesos"
            ]
        )

    def test_a_legal_range_gives_a_lowest_and_highest_cost(self) -> None:
        """LAS of 6 to 18 months: half a year and a year and a half."""
        cost = plan_cost(_plan("LAS", period_days=None, period_months=(6, 18)), shipped())
        assert (Fraction(1, 2), Fraction(3, 2)) == cost.years
        assert cost.low is not None
        assert cost.high is not None
        assert abs(cost.high - 3 * cost.low) < TINY

    def test_no_period_is_one_year(self) -> None:
        """Without a period the cost is of one year, and says so."""
        cost = plan_cost(_plan("IRC", period_days=None, period_months=None), shipped())
        assert (False, (Fraction(1), Fraction(1))) == (cost.from_period, cost.years)
        # the published unit costs are rounded to the cent of a thousand: 8 pesos under
        # the document's total over its beneficiaries (53.885.720, the worked case's figure)
        assert 53885712 == cost.to_dict()["low_pesos"]

    def test_adults_have_no_cost_not_zero(self) -> None:
        """LV: no published unit cost, so no figure at all."""
        cost = plan_cost(_plan("LV"), shipped())
        assert ("no_published_cost", None, None) == (cost.status, cost.low, cost.high)
        assert cost.to_dict()["low_pesos"] is None

    def test_other_prices(self) -> None:
        """In pesos of 2023, with the index's ratio, and marked as converted with it."""
        plan = _plan("LAS", period_days=(365, 365), period_months=None)
        cost = plan_cost(plan, shipped(), prices_of=2023)
        base = plan_cost(plan, shipped())
        assert cost.low is not None
        assert base.low is not None
        ratio = Decimal("125.6375424") / Decimal("135.88642492128")  # 1 / (1.045 * 1.035)
        assert abs(cost.low - base.low * ratio) < TINY
        assert "validated" == cost.prices_status

    def test_period_years(self) -> None:
        """Days over 365, else months over 12, else nothing."""
        assert (Fraction(1), Fraction(2)) == period_years((365, 730), (6, 18))
        assert (Fraction(1, 2), Fraction(1, 2)) == period_years(None, (6,))
        assert period_years(None, None) is None

    @settings(max_examples=40, deadline=None)
    @given(st.integers(1, 3650), st.integers(1, 5))
    def test_cost_scales_linearly_with_the_period(self, days: int, k: int) -> None:
        """k times the period costs k times as much; never negative."""
        plan = _plan("LAEIP", period_months=None)
        one = plan_cost(attrs.evolve(plan, period_days=(days, days)), shipped())
        more = plan_cost(attrs.evolve(plan, period_days=(k * days, k * days)), shipped())
        assert one.low is not None
        assert more.low is not None
        assert one.low >= 0
        assert abs(more.low - k * one.low) < TINY


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(sorted(shipped().prices.index)),
    st.sampled_from(sorted(shipped().prices.index)),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False),
)
def test_price_conversion_round_trips(a: int, b: int, amount: Decimal) -> None:
    """Converting to another year and back gives the amount (to 1e-15 of it)."""
    prices = shipped().prices
    back = prices.convert(prices.convert(amount, a, b), b, a)
    assert abs(back - amount) <= amount * Decimal("1e-15")


# -- the cost of a caseload ------------------------------------------------------------------

SANCTIONS = ("LAS", "LAE", "LAEIP", "IRC", "LV", "LVI")


@st.composite
def summaries(draw: st.DrawFn) -> CaseSummary:
    """A case summary of someone open some time from 2024 to 2026."""
    n = draw(st.integers(0, 10**6))
    opened = dt.date(2024, 1, 1) + dt.timedelta(days=draw(st.integers(0, 900)))
    closed = draw(st.one_of(st.none(), st.integers(0, 700)))
    closed_on = None if closed is None else opened + dt.timedelta(days=closed)
    achieved = draw(st.integers(0, 5))
    attended = draw(st.integers(0, 20))
    return CaseSummary(
        case_id=f"c-{n}",
        regime="juvenile",
        sanction=draw(st.sampled_from(SANCTIONS)),
        entry_date=opened,
        opened_on=opened,
        closed_on=closed_on,
        closed_by=None if closed_on is None else draw(st.sampled_from(("discharge", "revocation"))),
        instrument="ylscmi",
        assessed_on=(opened,),
        totals=(10,),
        levels=("moderate",),
        dynamic=(5,),
        risk_level="moderate",
        needs={},
        plan=PlanSummary(1, "initial", opened, (), (), achieved, 5, 0.0, None),
        events=(
            EventSummary(
                "attendance",
                opened,
                {"component": "apoyo socioeducativo", "scheduled": 20, "attended": attended},
            ),
        ),
    )


@settings(max_examples=50, deadline=None)
@given(st.lists(summaries(), max_size=12, unique_by=lambda s: s.case_id), st.integers(2024, 2026))
def test_caseload_costs_add_up_and_are_never_negative(
    cases: list[CaseSummary], period: int
) -> None:
    """Every grouping adds up to the total; no figure is negative; adults are unpriced."""
    units = {c.case_id: ("unidad-norte" if i % 2 else None) for i, c in enumerate(cases)}
    report = caseload_costs(cases, shipped(), period=period, units=units)
    total = report.total
    assert total >= 0
    for what in ("programme", "sanction", "component", "unit"):
        groups = report.by(what)
        assert all(g.spending >= 0 for g in groups)
        assert abs(sum(g.spending for g in groups) - total) < TINY
    served = [c for c in cases if supervised_days(c, period)]
    adults = sum(1 for c in served if c.sanction in ("LV", "LVI"))
    assert adults == sum(report.unpriced.values())
    assert len(served) - adults == len(report.people)
    assert all(r.spending >= 0 and r.count >= 0 for r in report.results)
    assert json.loads(json.dumps(report.to_dict()))["people"] == len(report.people)


def test_a_full_year_costs_the_spending_per_beneficiary() -> None:
    """A person in LAEIP all of 2024 costs what the document says a beneficiary costs.

    Within the document's rounding: the unit costs are published to the cent
    of a thousand pesos.
    """
    (case,) = [
        CaseSummary(
            case_id="c-1",
            regime="juvenile",
            sanction="LAEIP",
            entry_date=dt.date(2023, 12, 1),
            opened_on=dt.date(2023, 12, 1),
            closed_on=None,
            closed_by=None,
            instrument="ylscmi",
            assessed_on=(dt.date(2023, 12, 1),),
            totals=(10,),
            levels=("moderate",),
            dynamic=(5,),
            risk_level="moderate",
            needs={},
        )
    ]
    report = caseload_costs([case], shipped(), period=2024, prices_of=2023)
    assert 366 == report.people[0].days  # 2024 is a leap year, and still one person-year
    costs = shipped().programme("laeip", 2024)
    per_year = sum((c.unit_cost or 0 for c in costs.components), Decimal(1220052) / 163)
    assert report.total == per_year  # the published unit costs, rounded to the cent
    assert abs(report.total - Decimal(6565186) / 163) < Decimal("0.01")
    (use,) = report.programmes
    assert 40277000 == use.to_dict()["budgeted_per_person_pesos"]


# -- what-if priced --------------------------------------------------------------------------


def test_whatif_priced_over_the_juvenile_cohort() -> None:
    """The example cohort priced under two versions: same sanctions and periods, same cost."""
    from rnr.cases.parse import read_cases  # noqa: PLC0415
    from rnr.definitions.library import default_library  # noqa: PLC0415

    policies = policy_library()
    a = policies.get("cl-juvenil-20084@2024-01-13")
    b = policies.get("cl-juvenil-20084@2024-01-14")
    cases = list(read_cases(str(ROOT / "examples" / "cohort-juvenil.jsonl")))
    priced = price_cases(cases, lambda _ref: default_library(), a, b, shipped())
    assert (5, 5, 2025) == (priced.people, priced.priced, priced.prices_of)
    assert priced.low_a == priced.low_b > 0
    assert 0 == priced.difference_low


# -- the command line ------------------------------------------------------------------------


class TestCommandLine:
    """``rnr costs`` and ``rnr whatif --costs``."""

    def test_book(self, cli: Cli) -> None:
        """Without a store: the published unit costs of the year, in Spanish, cited."""
        status, out, err = cli("costs", "--period", "2026")
        assert (0, "") == (status, err)
        assert "Acompañamiento personalizado: $ 14.167.360 por persona al año" in out
        assert "«Internación en Régimen Cerrado con Programa de Reinserción Social Juvenil»" in out
        assert "sin costo unitario publicado" in out
        assert not re.search(r"\b(beneficiarios|atendidos|egresados)\b", out)  # inclusive
        assert "laeip" not in out
        assert ".toml" not in out

    def test_book_json(self, cli: Cli) -> None:
        """--json: the files in force, exact figures as published."""
        _status, out, _ = cli("costs", "--period", "2024", "--json")
        doc = json.loads(out)
        laeip = next(p for p in doc["programmes"] if p["programme"] == "laeip")
        assert "14167.36" == laeip["components"][0]["unit_cost_thousands"]
        assert "validated" == doc["prices"]["status"]
        assert "100" == doc["prices"]["index"]["2020"]

    def test_bad_input(self, cli: Cli, tmp_path: Path) -> None:
        """A bad period, an unknown year of prices, a malformed cost folder, --html alone."""
        cli.refused("costs", "--period", "año")
        cli.refused("costs", "--period", "1850")
        cli.error("costs.prices.unknown", "costs", "--period", "2026", "--prices-of", "2031",
                  contains=["2031"])  # fmt: skip
        shutil.copytree(costs_dir(), tmp_path / "costs")
        broken = tmp_path / "costs" / "laeip" / "2024.toml"
        broken.write_text(broken.read_text("utf-8").replace("total = 6565186", "total = 1"))
        cli.error("costs.invalid", "costs", "--period", "2026", "--costs-dir", tmp_path / "costs",
                  contains=["total"], lines=3)  # fmt: skip
        cli.error("usage.invalid", "costs", "--period", "2026", "--html", tmp_path / "x.html")
        cli.error("usage.file.missing", "costs", "--period", "2026", "--costs-dir",
                  tmp_path / "nope")  # fmt: skip

    def test_caseload(self, cli: Cli, tmp_path: Path) -> None:
        """With a store: spending by programme, results, the unpriced adults; JSON and HTML."""
        db = tmp_path / "s.sqlite3"
        status, _, err = cli(
            "simulate", "--people", "30", "--years", "2", "--start", "2025-01-06",
            "--seed", "5", "--db", db,
        )  # fmt: skip
        assert 0 == status, err
        html = tmp_path / "costs.html"
        status, out, err = cli("costs", "--period", "2025", "--db", db, "--html", html)
        assert (0, "") == (status, err)
        assert "Costos de la población atendida en 2025" in out
        assert "Por objetivo del PII logrado" in out
        assert "Por unidad\n  sin unidad registrada: " in out
        assert not re.search(r"\b(beneficiarios|atendidos|egresados)\b", out)
        assert not re.search(r"(?<![\w.])\d+\.\d{1,2}(?![\w.])", out)  # decimal comma
        page = html.read_text("utf-8")
        assert page.startswith("<!DOCTYPE html>")
        assert "<svg" in page
        status, out, _ = cli("costs", "--period", "2025", "--db", db, "--json")
        doc = json.loads(out)
        by = sum(g["spending_pesos"] for g in doc["by_programme"])
        assert abs(by - doc["spending_pesos"]) <= len(doc["by_programme"])
        assert {"objective_achieved", "reliable_improvement", "no_reentry_12_months"} == {
            r["id"] for r in doc["results"]
        }
        # simulated cases are opened without a unit: one group, named as such in the text
        assert [""] == [g["key"] for g in doc["by_unit"]]
        assert sum(g["people"] for g in doc["by_unit"]) == doc["people"]
        # the indicators report carries the same costs, and a section in its HTML page
        report = tmp_path / "informe.html"
        status, out, _ = cli("indicators", "--period", "2025", "--db", db, "--json")
        assert [] == json.loads(out)["costs"]["by_unit"]  # the indicators do not read units
        assert {**doc, "by_unit": []} == json.loads(out)["costs"]
        assert 0 == cli("indicators", "--period", "2025", "--db", db, "--html", report)[0]
        page = report.read_text("utf-8")
        assert '<section id="costs">' in page
        assert "Costos de la población atendida en 2025</h2>" in page

    def test_whatif_costs(self, cli: Cli) -> None:
        """--costs adds the cohort's cost under each policy; --json a "costs" object."""
        argv = (
            "whatif", "--policy", "cl-juvenil-20084@2024-01-13",
            "--against", "cl-juvenil-20084@2024-01-14", ROOT / "examples" / "cohort-juvenil.jsonl",
        )  # fmt: skip
        status, out, err = cli(*argv, "--costs")
        assert (0, "") == (status, err)
        assert "Costo de la población comparada" in out
        assert "Diferencia: sin diferencia" in out
        status, out, _ = cli(*argv, "--costs", "--json")
        assert 5 == json.loads(out)["costs"]["priced"]
        status, out, _ = cli(*argv, "--json")
        assert "costs" not in json.loads(out)
        cli.error("usage.invalid", *argv, "--prices-of", "2024")

    def test_whatif_costs_of_adults(self, cli: Cli) -> None:
        """Adults have no published unit cost: no figure, each sanction counted apart."""
        status, out, _ = cli(
            "whatif", "--policy", "cl-adultos-18216@2024-01-14",
            "--against", ROOT / "examples" / "policies" / "cl-adultos-18216" / "2025-01-01.toml",
            ROOT / "examples" / "cohort.jsonl", "--costs",
        )  # fmt: skip
        assert 0 == status
        assert "Nadie en la población comparada tiene una sanción con costo unitario" in out
        assert "libertad vigilada (LV): 2 personas sin costo unitario publicado" in out
        assert "$ 0" not in out


def test_shipped_book_is_the_folder() -> None:
    """shipped() reads plans/costs: every programme folder with a year file."""
    assert isinstance(shipped(), CostBook)
    folders = {p.parent.name for p in costs_dir().glob("*/*.toml")} - {"ipc"}
    assert folders == {p.id for p in shipped().programmes}
