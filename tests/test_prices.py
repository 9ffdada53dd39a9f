"""The price index: INE's December variations as published, their check, and what is said.

``plans/costs/ipc/ipc.toml`` is December 2020 = 100 times INE's twelve-month
variations to December; its ``[variation]`` table is checked against
``[index]`` when the file is read. The conversion round-trip property lives
in ``test_costs.py``.
"""

from __future__ import annotations

import tempfile
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rnr.costs.plan import PlanCost
from rnr.definitions.costs import costs_dir, load_prices, shipped
from rnr.errors import DefinitionError
from rnr.render.costs import book_lines, plan_cost_lines
from rnr.render.messages import catalogue

SHIPPED = costs_dir() / "ipc" / "ipc.toml"

#: INE, boletín IPC de diciembre of each year: "variación a doce meses en diciembre", as
#: published (one decimal), copied here apart from the file.
INE_DECEMBER = {2021: "7.2", 2022: "12.8", 2023: "3.9", 2024: "4.5", 2025: "3.5"}


class TestShippedIndex:
    """The shipped index reproduces INE's published figures exactly."""

    def test_years(self) -> None:
        """December 2020 = 100 to December 2025: every base year of a cost file."""
        prices = shipped().prices
        assert [2020, 2021, 2022, 2023, 2024, 2025] == list(prices.index)
        assert Decimal(100) == prices.index[2020]
        assert {p.prices_of for p in shipped().programmes if p.prices_of} <= set(prices.index)

    @pytest.mark.parametrize(("year", "percent"), sorted(INE_DECEMBER.items()))
    def test_each_published_variation(self, year: int, percent: str) -> None:
        """index[year] / index[year - 1] is 1 + INE's variation / 100, exactly."""
        index = shipped().prices.index
        assert Decimal(1) + Decimal(percent) / 100 == index[year] / index[year - 1]

    def test_worked_values(self) -> None:
        """The products, by hand: 100 times 1.072, 1.128, 1.039, 1.045 and 1.035."""
        assert {
            2020: Decimal("100"),
            2021: Decimal("107.2"),
            2022: Decimal("120.9216"),
            2023: Decimal("125.6375424"),
            2024: Decimal("131.291231808"),
            2025: Decimal("135.88642492128"),
        } == dict(shipped().prices.index)

    def test_a_figure_of_2023_in_pesos_of_2025(self) -> None:
        """LAEIP's 40,277 thousand of 2023 are 40,277 * 1.045 * 1.035 thousand of 2025."""
        assert Decimal("43562.596275") == shipped().prices.convert(Decimal(40277), 2023, 2025)

    def test_the_file_lists_the_published_variations(self) -> None:
        """The [variation] table is INE's figures, and the loader checked it."""
        text = SHIPPED.read_text(encoding="utf-8")
        table = text[text.index("[variation]") :]
        for year, percent in INE_DECEMBER.items():
            assert f"\n{year} = {percent}\n" in table + "\n"


def _tampered(tmp_path: Path, old: str, new: str) -> Path:
    text = SHIPPED.read_text(encoding="utf-8")
    assert old in text
    target = tmp_path / "ipc.toml"
    target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("old", "new", "fragments"),
    [
        (
            "2021 = 7.2",
            "2021 = 7.3",
            ["variation.2021: got 7.3", "100 * (1 + 7.3 / 100) = 107.3", "index.2021 = 107.2"],
        ),
        (
            "2023 = 125.6375424",
            "2023 = 125.64",
            ["variation.2023: got 3.9", "= 125.6375424", "index.2023 = 125.64", "variation.2024"],
        ),
        ("2024 = 4.5", '2024 = "4,5"', ["variation.2024: got '4,5'", "a percentage"]),
        ("2025 = 3.5", "2025 = -100", ["variation.2025: got -100", "above -100"]),
        ("2022 = 12.8", "2022 = true", ["variation.2022: got true"]),
        ("2025 = 3.5", "2025 = 3.5\n2026 = 3.0", ["variation.2026", "index.2026 missing"]),
        ("2021 = 7.2", "2021 = 7.2\n2020 = 3.0", ["variation.2020", "index.2019 missing"]),
        ("2021 = 7.2", "2021 = 7.2\n20x5 = 1.0", ["variation.20x5", "a year such as 2025"]),
        ("\n[variation]\n", "\n[variation.nested]\n", ["variation.nested"]),
        ("2025 = 3.5", "2025 = nan", ["variation.2025: got NaN"]),
        ("2025 = 135.88642492128", "2025 = inf", ["index.2025: got Infinity", "a positive number"]),
        ("2021 = 107.2", "2021 = 1e99", ["index.2021", "at most 60 digits"]),
    ],
)
def test_a_tampered_variation_is_refused(
    tmp_path: Path, old: str, new: str, fragments: list[str]
) -> None:
    """A variation that does not take the year before's index to the year's: costs.invalid."""
    target = _tampered(tmp_path, old, new)
    with pytest.raises(DefinitionError) as info:
        load_prices(target)
    assert "costs.invalid" == info.value.code
    message = str(info.value)
    assert message.startswith(str(target))
    for fragment in fragments:
        assert fragment in message, message


def test_variation_must_be_a_table(tmp_path: Path) -> None:
    """``variation = 3`` instead of a table of years."""
    target = _tampered(tmp_path, 'id = "ipc"', 'id = "ipc"\nvariation = 3')
    target.write_text(target.read_text("utf-8").split("\n# The twelve")[0], encoding="utf-8")
    with pytest.raises(DefinitionError, match=r"variation: got 3, expected a table"):
        load_prices(target)


def test_a_broken_index_is_not_reported_twice(tmp_path: Path) -> None:
    """A bad index year is its own problem, not also a variation whose index is missing."""
    target = _tampered(tmp_path, "2022 = 120.9216", "2022 = 0")
    with pytest.raises(DefinitionError) as info:
        load_prices(target)
    message = str(info.value)
    assert "index.2022: got 0" in message
    assert "missing" not in message


def test_variation_is_optional(tmp_path: Path) -> None:
    """An index without [variation] is read as before."""
    text = SHIPPED.read_text(encoding="utf-8")
    target = tmp_path / "ipc.toml"
    target.write_text(text.split("\n# The twelve")[0] + "\n", encoding="utf-8")
    assert shipped().prices.index == load_prices(target).index


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.integers(-50, 300).map(lambda n: Decimal(n) / 10), min_size=1, max_size=8),
    st.integers(0, 7),
)
def test_any_chain_of_published_variations_checks(variations: list[Decimal], k: int) -> None:
    """An index built from variations of one decimal passes; nudging one year fails."""
    index = [Decimal(100)]
    for v in variations:
        index.append(index[-1] * (1 + v / 100))

    def write(values: list[Decimal]) -> str:
        rows = "\n".join(f"{2020 + i} = {x}" for i, x in enumerate(values))
        moves = "\n".join(f"{2021 + i} = {v}" for i, v in enumerate(variations))
        return (
            'schema = "rnr.prices/1"\nid = "ipc"\nstatus = "validated"\nbase = "b"\n'
            'source = { es = "s", en = "s" }\n'
            f"[index]\n{rows}\n[variation]\n{moves}\n"
        )

    year = 1 + k % len(variations)
    nudged = [*index]
    nudged[year] += Decimal("0.0001")
    with tempfile.TemporaryDirectory() as folder:
        good, bad = Path(folder) / "good.toml", Path(folder) / "bad.toml"
        good.write_text(write(index), encoding="utf-8")
        assert index == list(load_prices(good).index.values())
        bad.write_text(write(nudged), encoding="utf-8")
        with pytest.raises(DefinitionError, match=rf"variation\.{2020 + year}"):
            load_prices(bad)


class TestWhatIsSaid:
    """A converted figure cites the index; an unverified index is still said to be one."""

    def test_converted_figures_cite_the_source(self) -> None:
        """The list of unit costs in pesos of another year names INE's bulletins."""
        lines = book_lines(shipped(), 2024, 2025, "es", "LAEIP")
        text = "\n".join(lines)
        assert "llevadas a pesos de 2025 con el IPC" in text
        assert "boletines de diciembre de cada año" in text
        assert catalogue("es")("costs.caseload.prices_unverified") not in text
        assert "sin verificar" not in text

    @pytest.mark.parametrize("lang", ["es", "en"])
    def test_an_unverified_index_says_so(self, lang: str) -> None:
        """Another agency's index marked unverified: the warning is still printed."""
        book = shipped()
        unverified = attrs.evolve(book, prices=attrs.evolve(book.prices, status="unverified"))
        warning = catalogue(lang)("costs.caseload.prices_unverified")
        assert "  " + warning in book_lines(unverified, 2024, 2025, lang, "LAEIP")
        cost = PlanCost("priced", "LAS", "libertad-asistida@2026", prices_of=2023, base_year=2025)
        _items, notes = plan_cost_lines(cost, lang, unverified.prices)
        assert warning in notes
        _items, notes = plan_cost_lines(cost, lang, book.prices)
        assert warning not in notes
        assert book.prices.source[lang] in notes[-2]  # converted, then "not by hours"
