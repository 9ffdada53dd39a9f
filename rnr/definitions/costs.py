"""Unit costs of the programmes and the price index, read from ``plans/costs``.

An ``rnr.costs/1`` file, ``plans/costs/<programme>/<year>.toml``, copies one
programme document's budget table as published: each component's annual
spending, production and unit cost, the administrative spending and its
share, the total and the spending per beneficiary, all in thousands of pesos
of the year ``prices_of``, with the document's citation and the table the
figures come from. A ``structure-only`` file (the adult sentences of Ley
18.216, where no unit cost is published) names its components and has no
figure at all: a cost under it is *absent*, never zero.

The loader checks the document's own arithmetic, within its rounding: each
unit cost is the spending divided by the production (to the cent of a
thousand), the components and the administrative spending add up to the
total, the total divided by the beneficiaries is the spending per
beneficiary (to the thousand) and the administrative share is the published
whole percentage. A file that breaks any of these is refused with every
problem (``costs.invalid``).

An ``rnr.prices/1`` file (``plans/costs/ipc/ipc.toml``) holds the consumer
price index by year, to express a figure in pesos of another year. Its
optional ``[variation]`` table gives, by year, the published percentage
variation the index is built from; the loader checks that each one takes the
year before's index exactly to the year's (``costs.invalid`` otherwise).

Money is exact: figures are :class:`~decimal.Decimal` (a TOML number is read
by its shortest written form, so ``14167.36`` is ``Decimal("14167.36")``).

>>> from decimal import Decimal
>>> book = shipped()
>>> book.programme("laeip", 2024).unit_cost("acompanamiento-personalizado")
Decimal('14167.36')
>>> book.for_sanction("LAS", 2026).per_person_year("LAS").quantize(Decimal("0.01"))
Decimal('6383.49')
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from functools import cache
from pathlib import Path
from typing import Any

import attrs

from rnr._frozen import frozen_map
from rnr.definitions._toml import Checker, read_definition
from rnr.definitions.library import data_dir
from rnr.errors import DefinitionError, UnknownDefinitionError

__all__ = [
    "COSTS_SCHEMA",
    "PRICES_SCHEMA",
    "STATUSES",
    "CostBook",
    "CostComponent",
    "PriceIndex",
    "ProgrammeCosts",
    "costs_dir",
    "load_book",
    "load_costs",
    "load_prices",
    "shipped",
]

COSTS_SCHEMA = "rnr.costs/1"
PRICES_SCHEMA = "rnr.prices/1"
#: ``validated``: figures as published; ``unverified``: figures not checked against
#: their source; ``structure-only``: components named, no figure.
STATUSES = ("validated", "unverified", "structure-only")
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")
YEAR = re.compile(r"(19|20|21)\d\d")
#: The most digits a figure of the price index may have: its years' exact products.
MAX_DIGITS = 60
#: A cent of a thousand pesos: the rounding of the documents' unit costs.
CENT = Decimal("0.01")
FIGURES = ("beneficiaries", "administrative", "administrative_percent", "total", "per_beneficiary")
COMPONENT_FIGURES = ("spending", "production", "unit_cost")
INVALID = "costs.invalid"


def _money(value: object) -> Decimal:
    """A TOML number as the decimal it was written as."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(int(str(value)))


@attrs.frozen
class CostComponent:
    """One component of a programme's budget table.

    Attributes:
        spending: annual spending, thousands of pesos (None in a structure).
        production: the people the component serves in the year.
        unit_cost: spending per person served, as published.
        sanctions: the sanctions whose people receive it.
        names: how policies and plans name the component.
    """

    id: str
    title: Mapping[str, str] = attrs.field(converter=frozen_map)
    sanctions: tuple[str, ...]
    produced: Mapping[str, str] = attrs.field(converter=frozen_map)
    spending: int | None = None
    production: int | None = None
    unit_cost: Decimal | None = None
    names: tuple[str, ...] = ()

    def matches(self, name: str) -> bool:
        """Whether a policy's or plan's component ``name`` is this component."""
        return name == self.id or name in self.names


@attrs.frozen
class ProgrammeCosts:
    """One programme's costs for one year, as its document publishes them."""

    id: str
    year: int
    effective_from: dt.date
    status: str
    sanctions: tuple[str, ...]
    title: Mapping[str, str] = attrs.field(converter=frozen_map)
    source: Mapping[str, str] = attrs.field(converter=frozen_map)
    table: Mapping[str, str] = attrs.field(converter=frozen_map)
    components: tuple[CostComponent, ...]
    prices_of: int | None = None
    beneficiaries: int | None = None
    administrative: int | None = None
    administrative_percent: int | None = None
    total: int | None = None
    per_beneficiary: int | None = None
    notes: tuple[str, ...] = ()
    file: str = ""

    @property
    def ref(self) -> str:
        """``<id>@<year>``."""
        return f"{self.id}@{self.year}"

    @property
    def priced(self) -> bool:
        """Whether the file carries figures (it is not a structure only)."""
        return self.status != "structure-only"

    def component(self, component_id: str) -> CostComponent:
        """The component with that id."""
        for c in self.components:
            if c.id == component_id:
                return c
        raise UnknownDefinitionError(
            f"{self.ref}: no component {component_id!r}",
            ref=component_id,
            known=[c.id for c in self.components],
            code="costs.unknown",
        )

    def unit_cost(self, component_id: str) -> Decimal | None:
        """The published unit cost of a component (thousands of pesos a person a year)."""
        return self.component(component_id).unit_cost

    def components_for(self, sanction: str) -> tuple[CostComponent, ...]:
        """The components a person under ``sanction`` receives."""
        return tuple(c for c in self.components if sanction in c.sanctions)

    def administrative_per_person(self) -> Decimal | None:
        """The administrative spending shared equally by every beneficiary, a year."""
        if self.administrative is None or not self.beneficiaries:
            return None
        return Decimal(self.administrative) / self.beneficiaries

    def per_person_year(self, sanction: str) -> Decimal | None:
        """A person-year under ``sanction``: its components' unit costs and the admin share."""
        admin = self.administrative_per_person()
        costs = [c.unit_cost for c in self.components_for(sanction)]
        if admin is None or any(c is None for c in costs):
            return None
        return sum((c for c in costs if c is not None), admin)


@attrs.frozen
class PriceIndex:
    """A consumer price index by year, to move a figure between years' pesos."""

    id: str
    status: str
    base: str
    source: Mapping[str, str] = attrs.field(converter=frozen_map)
    index: Mapping[int, Decimal] = attrs.field(converter=frozen_map)
    notes: tuple[str, ...] = ()
    file: str = ""

    def factor(self, from_year: int, to_year: int) -> Decimal:
        """What one peso of ``from_year`` is in pesos of ``to_year``.

        Raises:
            UnknownDefinitionError: ``costs.prices.unknown``, a year the index lacks.
        """
        for year in (from_year, to_year):
            if year not in self.index:
                known = [str(y) for y in sorted(self.index)]
                raise UnknownDefinitionError(
                    f"the price index {self.id} has no figure for {year};"
                    f" it has {', '.join(known)}",
                    ref=str(year),
                    known=known,
                    code="costs.prices.unknown",
                )
        return self.index[to_year] / self.index[from_year]

    def convert(self, amount: Decimal, from_year: int, to_year: int) -> Decimal:
        """``amount`` in pesos of ``from_year`` expressed in pesos of ``to_year``."""
        if from_year == to_year:
            return amount
        self.factor(from_year, to_year)  # both years known, or costs.prices.unknown
        return amount * self.index[to_year] / self.index[from_year]


@attrs.frozen
class CostBook:
    """Every programme's cost files and the price index."""

    programmes: tuple[ProgrammeCosts, ...]
    prices: PriceIndex

    def programme(self, programme: str, year: int) -> ProgrammeCosts:
        """The cost file ``<programme>/<year>``.

        Raises:
            UnknownDefinitionError: ``costs.unknown``.
        """
        for p in self.programmes:
            if p.id == programme and p.year == year:
                return p
        raise UnknownDefinitionError(
            f"no cost file {programme}@{year}",
            ref=f"{programme}@{year}",
            known=[p.ref for p in self.programmes],
            code="costs.unknown",
        )

    def for_sanction(self, sanction: str | None, year: int) -> ProgrammeCosts | None:
        """The costs that apply to ``sanction`` in ``year``.

        The newest file of a year at or before ``year``; when every file is
        later (a programme documented only for a later year), the earliest
        one. None when no file names the sanction.
        """
        files = sorted((p for p in self.programmes if sanction in p.sanctions), key=_year)
        if not files:
            return None
        earlier = [p for p in files if p.year <= year]
        return earlier[-1] if earlier else files[0]

    def years(self) -> tuple[int, ...]:
        """Every year a cost file is for, ascending."""
        return tuple(sorted({p.year for p in self.programmes}))


def _year(p: ProgrammeCosts) -> int:
    return p.year


def costs_dir() -> Path:
    """The shipped ``plans/costs`` folder."""
    return data_dir() / "plans" / "costs"


def load_costs(path: Path) -> ProgrammeCosts:
    """Read and check one ``rnr.costs/1`` file.

    Raises:
        DefinitionError: ``costs.invalid``, with every problem found.
    """
    check, doc = read_definition(
        path,
        COSTS_SCHEMA,
        required=(
            "schema",
            "id",
            "title",
            "year",
            "effective_from",
            "status",
            "sanctions",
            "source",
            "table",
            "components",
        ),
        optional=(*FIGURES, "prices_of", "notes"),
    )
    return check.checked(_costs(check, doc, path), str(path), _CostError)


class _CostError(DefinitionError):
    default_code = INVALID


def _costs(check: Checker, doc: dict[str, Any], path: Path) -> ProgrammeCosts | None:
    if check.problems:
        return None
    ident = check.want_str(
        doc, "id", "", pattern=ID, what="an id of lowercase letters, digits and '-'"
    )
    check.in_folder(str(path), ident)
    year = check.want_int(doc, "year", "", min_value=1990)
    if year is not None and path.stem != str(year):
        check.fail("year", year, f"the file name's year {path.stem!r}")
    start = check.want_date(doc, "effective_from", "")
    status = check.want_str(doc, "status", "", choices=STATUSES)
    sanctions = check.want_list(doc, "sanctions", "", of=str)
    notes = check.want_list(doc, "notes", "", of=str) or []
    source, table = check.want_text(doc, "source", ""), check.want_text(doc, "table", "")
    title = check.want_text(doc, "title", "")
    priced = status != "structure-only"
    figures: dict[str, int | None] = {}
    for key in (*FIGURES, "prices_of"):
        if key in doc and not priced:
            check.note(
                key, "a structure-only file has no figures; remove it or mark the file validated"
            )
        figures[key] = check.want_int(doc, key, "", min_value=0)
        if priced and key not in doc:
            check.note(key, "missing required key (a file with figures gives every one)")
    components = [
        c
        for where, entry in check.entries(
            doc,
            "components",
            required=("id", "title", "produced", "names"),
            optional=(*COMPONENT_FIGURES, "sanctions"),
        )
        if (c := _component(check, entry, where, tuple(sanctions or ()), priced=priced))
    ]
    if not components and not check.problems:
        check.note("components", "at least one component is required")
    if check.problems or ident is None or year is None or start is None or status is None:
        return None
    result = ProgrammeCosts(
        id=ident,
        year=year,
        effective_from=start,
        status=status,
        sanctions=tuple(sanctions or ()),
        title=title,
        source=source,
        table=table,
        components=tuple(components),
        notes=tuple(notes),
        file=str(path),
        **figures,
    )
    if priced:
        _check_sums(check, result)
    return result


def _component(
    check: Checker, entry: dict[str, Any], where: str, sanctions: tuple[str, ...], *, priced: bool
) -> CostComponent | None:
    ident = check.want_str(
        entry, "id", where, pattern=ID, what="an id of lowercase letters, digits and '-'"
    )
    own = check.want_list(entry, "sanctions", where, of=str)
    if own is not None and not set(own) <= set(sanctions):
        check.fail(
            f"{where}.sanctions", own, "sanctions of the file's own list " + str(list(sanctions))
        )
    names = check.want_list(entry, "names", where, of=str) or []
    spending = check.want_int(entry, "spending", where, min_value=0)
    production = check.want_int(entry, "production", where, min_value=1)
    unit: Decimal | None = None
    if "unit_cost" in entry:
        value = entry["unit_cost"]
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            check.fail(f"{where}.unit_cost", value, "a non-negative number (thousands of pesos)")
        else:
            unit = _money(value)
    for key in COMPONENT_FIGURES:
        if priced and key not in entry:
            check.note(
                f"{where}.{key}", "missing required key (a file with figures gives every one)"
            )
        if not priced and key in entry:
            check.note(f"{where}.{key}", "a structure-only file has no figures")
    title, produced = (
        check.want_text(entry, "title", where),
        check.want_text(entry, "produced", where),
    )
    if ident is None:
        return None
    return CostComponent(
        id=ident,
        title=title,
        sanctions=tuple(own) if own is not None else sanctions,
        produced=produced,
        spending=spending,
        production=production,
        unit_cost=unit,
        names=tuple(names),
    )


def _check_sums(check: Checker, p: ProgrammeCosts) -> None:
    """The document's arithmetic, within its rounding."""
    spent = 0
    for i, c in enumerate(p.components):
        if c.spending is None or c.production is None or c.unit_cost is None:
            return
        spent += c.spending
        computed = (Decimal(c.spending) / c.production).quantize(CENT, ROUND_HALF_UP)
        if computed != c.unit_cost:
            check.fail(
                f"components[{i}].unit_cost",
                c.unit_cost,
                f"spending / production = {c.spending} / {c.production} = {computed}",
            )
    if p.administrative is None or p.total is None or not p.beneficiaries:
        return
    if spent + p.administrative != p.total:
        check.fail("total", p.total, f"components + administrative = {spent + p.administrative}")
    per = (Decimal(p.total) / p.beneficiaries).quantize(Decimal(1), ROUND_HALF_UP)
    if p.per_beneficiary is not None and per != p.per_beneficiary:
        check.fail("per_beneficiary", p.per_beneficiary, f"total / beneficiaries = {per}")
    share = (Decimal(100 * p.administrative) / p.total).quantize(Decimal(1), ROUND_HALF_UP)
    if p.administrative_percent is not None and share != p.administrative_percent:
        check.fail(
            "administrative_percent", p.administrative_percent, f"{share} (administrative / total)"
        )
    if check.problems:
        raise _CostError(p.file, check.problems)


def load_prices(path: Path) -> PriceIndex:
    """Read and check one ``rnr.prices/1`` file.

    Raises:
        DefinitionError: ``costs.invalid``, with every problem found.
    """
    check, doc = read_definition(
        path,
        PRICES_SCHEMA,
        required=("schema", "id", "status", "base", "source", "index"),
        optional=("notes", "variation"),
        parse_float=Decimal,
    )
    ident = check.want_str(
        doc, "id", "", pattern=ID, what="an id of lowercase letters, digits and '-'"
    )
    status = check.want_str(doc, "status", "", choices=STATUSES[:2])
    base = check.want_str(doc, "base", "")
    source = check.want_text(doc, "source", "")
    notes = check.want_list(doc, "notes", "", of=str) or []
    index: dict[int, Decimal] = {}
    problems = len(check.problems)
    table = doc.get("index")
    if not isinstance(table, dict):
        check.fail("index", table, "a table of years ([index] with 2021 = 107.2)")
        table = None
    for key, value in (table or {}).items():
        where = f"index.{key}"
        if not YEAR.fullmatch(key):
            check.fail(where, key, "a year such as 2025 as the key")
        elif (figure := _exact(value)) is None or figure <= 0:
            check.fail(where, value, f"a positive number of at most {MAX_DIGITS} digits")
        else:
            index[int(key)] = figure
    if table is not None and not index and not check.problems:
        check.note("index", "at least one year is required")
    if "variation" in doc:
        complete = len(check.problems) == problems
        _check_variations(check, doc["variation"], index, complete=complete)
    result = None
    if ident is not None and status is not None and base is not None:
        result = PriceIndex(
            ident, status, base, source, dict(sorted(index.items())), tuple(notes), str(path)
        )
    return check.checked(result, str(path), _CostError)


def _exact(value: object) -> Decimal | None:
    """A number of the prices file (floats read as decimals) with every digit written.

    None for anything else: text, a boolean, an infinite or NaN value, more than
    :data:`MAX_DIGITS` digits or a magnitude outside 1e-20 to 1e20.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = Decimal(value)
    if not isinstance(value, Decimal) or not value.is_finite():
        return None
    if value and (len(value.as_tuple().digits) > MAX_DIGITS or abs(value.adjusted()) > 20):
        return None
    return value


def _check_variations(
    check: Checker, table: object, index: Mapping[int, Decimal], *, complete: bool
) -> None:
    """Each ``[variation]`` (percent, as published) takes the year before's index to the year's.

    Exactly: ``index[year] == index[year - 1] * (1 + variation / 100)``, in decimals.
    ``complete``: the ``[index]`` table was read without a problem (else a year
    missing from it is not reported again here).
    """
    if not isinstance(table, dict):
        check.fail("variation", table, "a table of years ([variation] with 2025 = 3.5)")
        return
    for key, value in table.items():
        where = f"variation.{key}"
        if not YEAR.fullmatch(key):
            check.fail(where, key, "a year such as 2025 as the key")
        elif (percent := _exact(value)) is None or percent <= -100:
            check.fail(where, value, "a percentage above -100, such as 3.5")
        elif int(key) not in index or int(key) - 1 not in index:
            if not complete:
                continue
            missing = [f"index.{y}" for y in (int(key) - 1, int(key)) if y not in index]
            check.fail(
                where,
                value,
                f"a year whose index and the year before's are given"
                f" ({', '.join(missing)} missing)",
            )
        else:
            year = int(key)
            before, after = index[year - 1], index[year]
            if Fraction(after) != Fraction(before) * (1 + Fraction(percent) / 100):
                with localcontext() as exact:
                    exact.prec = 100
                    moved = before * (1 + percent / 100)
                check.fail(
                    where,
                    value,
                    f"the variation from index.{year - 1} to index.{year}:"
                    f" {before} * (1 + {percent} / 100) = {moved.normalize():f},"
                    f" but index.{year} = {after}",
                )


def load_book(folder: Path) -> CostBook:
    """Every ``<programme>/<year>.toml`` of ``folder`` and its ``ipc/ipc.toml``.

    Raises:
        DefinitionError: ``costs.invalid``, a malformed file.
        UnknownDefinitionError: ``costs.unknown``, no price index in the folder.
    """
    prices_file = folder / "ipc" / "ipc.toml"
    if not prices_file.is_file():
        raise UnknownDefinitionError(
            f"{folder}: no price index ipc/ipc.toml", ref=str(prices_file), code="costs.unknown"
        )
    files = sorted(p for p in folder.glob("*/*.toml") if p.parent.name != "ipc")
    programmes = tuple(load_costs(p) for p in files)
    prices = load_prices(prices_file)
    problems = [
        f"{p.file}: prices_of {p.prices_of} is not a year of the price index"
        for p in programmes
        if p.prices_of is not None and p.prices_of not in prices.index
    ]
    if problems:
        raise UnknownDefinitionError(
            "; ".join(problems),
            ref="prices_of",
            known=[str(y) for y in prices.index],
            code="costs.prices.unknown",
        )
    return CostBook(programmes, prices)


@cache
def shipped() -> CostBook:
    """The cost files rnr ships (read once)."""
    return load_book(costs_dir())
