"""What a caseload cost in a year, and what each result cost.

From the caseload summaries of 31 December of a year (what the store
recorded: when each case was open, its sanction, its attendance records,
its plan and its reassessments) and the cost files:

- **Spending attributed** to each person: for each component their sanction
  receives, the published unit cost times the share of the year they were
  under supervision (from the later of entry and opening to the earlier of
  closing and 31 December, both days counted, over the days of the year:
  a whole year is one person-year, leap or not), plus the
  administrative spending per beneficiary for the same time. Summed by
  programme, sanction and component: every figure is a sum of people's
  figures, so any grouping adds up to the total.
- **Real spending per person** (the attributed spending over the people
  served) beside the **budgeted** spending per beneficiary the document
  publishes, in the same pesos.
- **Delivered sessions**: the sessions scheduled and attended that the
  attendance records give for each component, and the cost of an attended
  session.
- **Cost of results**: the year's spending divided by the PII objectives
  achieved (plans in force at the end of the year), by the people whose
  latest reassessment shows a reliable improvement, and the spending of the
  year before on the people discharged then divided by those without a new
  offence or a re-entry into a harsher sentence within 12 months.

People under a sanction whose programme publishes no unit cost (adults on
LV or LVI) are counted as *unpriced*, never as costing nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import attrs

from rnr._frozen import frozen_map
from rnr.costs._money import exact_sum, of_year, pesos, plain
from rnr.dates import add_months

if TYPE_CHECKING:
    from rnr.definitions.costs import CostBook, CostComponent, ProgrammeCosts
    from rnr.indicators.caseload import CaseSummary

__all__ = [
    "RESULTS",
    "CaseloadCosts",
    "CostGroup",
    "CostTally",
    "PersonCost",
    "ProgrammeUse",
    "ResultCost",
    "caseload_costs",
    "person_cost",
    "supervised_days",
]

#: The results priced, in the order shown.
RESULTS = ("objective_achieved", "reliable_improvement", "no_reentry_12_months")
#: Events that end the 12 months without re-entry.
REENTRY = ("new_offence", "reentry_harsher")
ZERO = Decimal(0)
#: Thousands of pesos of a file's base year → of the target year.
Convert = Callable[[Decimal], Decimal]


@attrs.frozen
class PersonCost:
    """One person's attributed spending in a year (thousands of pesos, target prices)."""

    case_id: str
    sanction: str
    programme: str
    days: int
    components: Mapping[str, Decimal] = attrs.field(converter=frozen_map)
    administrative: Decimal = ZERO
    #: The unit (office) the case was opened under, when the store says.
    unit: str | None = None
    #: Components and the administrative share (computed, never given).
    total: Decimal = attrs.field(init=False)

    @total.default
    def _total(self) -> Decimal:
        return sum(self.components.values(), self.administrative)


@attrs.frozen
class CostGroup:
    """The spending of a group of people (a programme, a sanction or a component)."""

    key: str
    people: int
    days: int
    spending: Decimal

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "key": self.key,
            "people": self.people,
            "days": self.days,
            "spending_pesos": pesos(self.spending),
        }


@attrs.frozen
class ProgrammeUse:
    """A cost file used, and the real spending per person beside the budgeted one."""

    programme: str
    status: str
    year: int
    base_year: int | None
    source: Mapping[str, str] = attrs.field(converter=frozen_map)
    table: Mapping[str, str] = attrs.field(converter=frozen_map)
    people: int = 0
    spending: Decimal = ZERO
    budgeted_per_person: Decimal | None = None

    @property
    def real_per_person(self) -> Decimal | None:
        """The attributed spending over the people served."""
        return self.spending / self.people if self.people else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "programme": self.programme,
            "status": self.status,
            "year": self.year,
            "base_year": self.base_year,
            "source": dict(self.source),
            "table": dict(self.table),
            "people": self.people,
            "spending_pesos": pesos(self.spending),
            "real_per_person_pesos": pesos(self.real_per_person),
            "budgeted_per_person_pesos": pesos(self.budgeted_per_person),
        }


@attrs.frozen
class ResultCost:
    """The cost of one kind of result: spending over the results counted."""

    id: str
    count: int
    spending: Decimal

    @property
    def per_result(self) -> Decimal | None:
        """Spending per result (None when there is no result)."""
        return self.spending / self.count if self.count else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "id": self.id,
            "count": self.count,
            "spending_pesos": pesos(self.spending),
            "per_result_pesos": pesos(self.per_result),
        }


@attrs.frozen
class CaseloadCosts:
    """The costs of a year's caseload, in pesos of ``prices_of``."""

    period: int
    prices_of: int
    prices_status: str
    people: tuple[PersonCost, ...]
    unpriced: Mapping[str, int] = attrs.field(converter=frozen_map)
    programmes: tuple[ProgrammeUse, ...] = ()
    results: tuple[ResultCost, ...] = ()
    sessions: Mapping[str, tuple[int, int]] = attrs.field(converter=frozen_map, factory=dict)
    #: Whether each person's unit was read (``rnr costs`` reads it; the indicators do not).
    units_read: bool = False

    @property
    def total(self) -> Decimal:
        """Every person's spending."""
        return exact_sum(p.total for p in self.people)

    def by(self, what: str) -> tuple[CostGroup, ...]:
        """Spending grouped by ``programme``, ``sanction``, ``component`` or ``unit``.

        By unit, people whose case has no unit are the group ``""``.
        """
        found: dict[str, list[Any]] = {}  # key -> [people, days, amounts]
        for p in self.people:
            if what == "component":
                items = [*p.components.items(), ("administrative", p.administrative)]
            elif what == "unit":
                items = [(p.unit or "", p.total)]
            else:
                items = [(str(getattr(p, what)), p.total)]
            for key, amount in items:
                row = found.get(key)
                if row is None:
                    found[key] = [1, p.days, [amount]]
                else:
                    row[0] += 1
                    row[1] += p.days
                    row[2].append(amount)
        return tuple(
            CostGroup(key, people, days, exact_sum(amounts))
            for key, (people, days, amounts) in sorted(found.items())
        )

    def per_session(self, component: str) -> Decimal | None:
        """The spending on a component over its attended sessions."""
        attended = self.sessions.get(component, (0, 0))[1]
        spent = exact_sum(p.components.get(component, ZERO) for p in self.people)
        return spent / attended if attended else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: pesos as integers, rounded half up from exact sums."""
        return {
            "period": self.period,
            "prices_of": self.prices_of,
            "prices_status": self.prices_status,
            "people": len(self.people),
            "spending_pesos": pesos(self.total),
            "unpriced": dict(self.unpriced),
            "programmes": [p.to_dict() for p in self.programmes],
            "by_programme": [g.to_dict() for g in self.by("programme")],
            "by_sanction": [g.to_dict() for g in self.by("sanction")],
            "by_component": [g.to_dict() for g in self.by("component")],
            "by_unit": [g.to_dict() for g in self.by("unit")] if self.units_read else [],
            "sessions": {
                c: {
                    "scheduled": s,
                    "attended": a,
                    "per_attended_session_pesos": pesos(self.per_session(c)),
                }
                for c, (s, a) in sorted(self.sessions.items())
            },
            "results": [r.to_dict() for r in self.results],
            "spending_thousands": plain(self.total),
        }


def supervised_days(case: CaseSummary, year: int) -> int:
    """The days of ``year`` the case was under supervision (both ends counted)."""
    start = max(case.entry_date or case.opened_on, case.opened_on, dt.date(year, 1, 1))
    end = min(case.closed_on or dt.date(year, 12, 31), dt.date(year, 12, 31))
    return max((end - start).days + 1, 0)


def person_cost(
    case: CaseSummary, costs: ProgrammeCosts, year: int, at: Convert | None = None
) -> PersonCost:
    """One person's attributed spending in ``year`` under a priced cost file.

    ``at`` converts thousands of pesos of the file's base year to the target
    prices (default: unchanged).
    """
    served = _Served(case.case_id, str(case.sanction), supervised_days(case, year))
    return _priced(served, costs.id, _rates(costs, str(case.sanction), at), year)


#: A programme's figures a person-year for one sanction: each component's, then the admin share.
Rates = tuple[tuple[tuple[str, Decimal], ...], Decimal]


def _same(amount: Decimal) -> Decimal:
    return amount


def _rates(costs: ProgrammeCosts, sanction: str, at: Convert | None = None) -> Rates:
    convert: Convert = at or _same
    components = tuple((c.id, convert(c.unit_cost or ZERO)) for c in costs.components_for(sanction))
    return components, convert(costs.administrative_per_person() or ZERO)


def _priced(
    served: _Served, programme: str, rates: Rates, year: int, unit: str | None = None
) -> PersonCost:
    components, admin = _money(rates, year, served.days)
    return PersonCost(
        served.case_id, served.sanction, programme, served.days, components, admin, unit
    )


def _money(rates: Rates, year: int, days: int) -> tuple[Mapping[str, Decimal], Decimal]:
    """Each component's spending and the administrative share of ``days`` of ``year``."""
    share = Fraction(days, (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days)
    return frozen_map({c: of_year(rate, share) for c, rate in rates[0]}), of_year(rates[1], share)


@attrs.frozen
class _Served:
    """What the costs keep of a case served in a year: the rest of its summary is not kept."""

    case_id: str
    sanction: str
    days: int
    #: Objectives achieved, a reliable improvement (the year); re-entry within 12 months
    #: of a discharge (the year before).
    achieved: int = 0
    improved: bool = False
    reentered: bool = False

    def order(self) -> tuple[str, str, int, int, bool, bool]:
        """Where the person goes among the people: by case id, then by every figure."""
        return self.case_id, self.sanction, self.days, self.achieved, self.improved, self.reentered


def caseload_costs(
    summaries: Iterable[CaseSummary],
    book: CostBook,
    *,
    period: int,
    prices_of: int | None = None,
    programme: str | None = None,
    units: Mapping[str, str | None] | None = None,
) -> CaseloadCosts:
    """The costs of the caseload of ``period`` (see the module docstring).

    Args:
        summaries: every case summarised on 31 December of ``period``.
        book: the cost files and the price index.
        period: the calendar year.
        prices_of: the year of the pesos (default: the latest base year of
            the cost files used, or ``period`` when none is priced).
        programme: only the cases of this sanction.
        units: each case's unit (office), when known: spending is then
            grouped by unit too (:meth:`CaseloadCosts.by`).

    Raises:
        UnknownDefinitionError: ``costs.prices.unknown``.
    """
    tally = CostTally(book, period, prices_of=prices_of, programme=programme)
    for case in summaries:
        tally.add(case)
    return tally.report(units)


@attrs.define
class CostTally:
    """The costs of a year's caseload, given one case summary at a time.

    It keeps, of each person served in the year or discharged the year
    before, the few figures the costs read (:func:`caseload_costs` is this
    over a sequence), and the sessions counted so far.
    """

    book: CostBook
    period: int
    prices_of: int | None = None
    programme: str | None = None
    #: Whether each person keeps the case id (a yearly report counts its people, and may
    #: count them from totals that have none: then every person's is empty).
    named: bool = True
    #: The cost file of each sanction seen, for the year.
    _files: dict[str, ProgrammeCosts | None] = attrs.field(init=False, factory=dict)
    #: Whether a sanction's cost file of a year publishes unit costs, by sanction and year.
    _pricing: dict[tuple[str, int], bool] = attrs.field(init=False, factory=dict)
    _served: list[_Served] = attrs.field(init=False, factory=list)
    _discharged: list[_Served] = attrs.field(init=False, factory=list)
    _unpriced: Counter[str] = attrs.field(init=False, factory=Counter)
    _sessions: dict[str, list[int]] = attrs.field(
        init=False, factory=lambda: defaultdict(lambda: [0, 0])
    )
    #: The cost components of each sanction seen, in the year's cost file.
    _by_sanction: dict[str, tuple[CostComponent, ...]] = attrs.field(init=False, factory=dict)

    def _priced(self, sanction: str, year: int) -> bool:
        key = (sanction, year)
        if key not in self._pricing:
            costs = self.book.for_sanction(sanction, year)
            self._pricing[key] = costs is not None and costs.priced
        return self._pricing[key]

    def seen(self, sanction: str) -> bool:
        """A case of ``sanction``, served or not: whether the costs count it (its programme)."""
        if not sanction or (self.programme is not None and sanction != self.programme):
            return False
        if sanction not in self._files:
            self._files[sanction] = self.book.for_sanction(sanction, self.period)
        return True

    def part(self, case: CaseSummary) -> dict[str, Any] | None:
        """What the costs read of a case (summarised on 31 December), whatever its programme.

        Its days supervised in the year, achieved objectives, reliable
        improvement and sessions by cost component; its days of the year
        before and whether it re-entered, if discharged then. ``None``
        without a sanction.
        """
        sanction, period = case.sanction, self.period
        if not sanction:
            return None
        sessions: dict[str, list[int]] = {}
        mine = self._components(sanction)
        for e in case.events:
            if e.kind != "attendance" or e.on.year != period:
                continue
            for c in mine:
                if c.matches(str(e.data.get("component", ""))):
                    counted = sessions.setdefault(c.id, [0, 0])
                    counted[0] += _count(e.data.get("scheduled"))
                    counted[1] += _count(e.data.get("attended"))
        closed = case.closed_on
        before = case.closed_by == "discharge" and closed is not None and closed.year == period - 1
        return {
            "days": supervised_days(case, period),
            "achieved": case.plan.achieved if case.plan is not None else 0,
            "improved": case.last_change is not None and case.last_change.reliable == "improvement",
            "sessions": sessions,
            "before": supervised_days(case, period - 1) if before else 0,
            "reentered": _reentered(case) if before else False,
        }

    def _components(self, sanction: str) -> tuple[CostComponent, ...]:
        """The cost components of ``sanction`` in the year's cost file (none without one)."""
        found = self._by_sanction.get(sanction)
        if found is None:
            costs = self.book.for_sanction(sanction, self.period)
            found = () if costs is None else costs.components_for(sanction)
            self._by_sanction[sanction] = found
        return found

    def take(self, case_id: str, sanction: str | None, part: Mapping[str, Any] | None) -> None:
        """Count a case of ``sanction`` by what the costs read of it (:meth:`part`)."""
        if part is None or not sanction or not self.seen(sanction):
            return
        days = int(part["days"])
        case_id = case_id if self.named else ""
        if days:
            achieved, improved = int(part["achieved"]), bool(part["improved"])
            self.served(case_id, sanction, days, achieved=achieved, improved=improved)
            for component, (scheduled, attended) in part["sessions"].items():
                self.sessions(sanction, component, scheduled, attended)
        before = int(part["before"])
        if before:
            self.discharged(case_id, sanction, before, bool(part["reentered"]))

    def served(
        self,
        case_id: str,
        sanction: str,
        days: int,
        *,
        achieved: int,
        improved: bool,
        times: int = 1,
    ) -> None:
        """Count ``times`` people served ``days`` in the year (of a sanction :meth:`seen`)."""
        if self._priced(sanction, self.period):
            self._served.extend([_Served(case_id, sanction, days, achieved, improved)] * times)
        else:
            self._unpriced[sanction] += times

    def sessions(self, sanction: str, component: str, scheduled: int, attended: int) -> None:
        """Count sessions of people served in the year (of a sanction :meth:`seen`)."""
        if self._priced(sanction, self.period):
            self._sessions[component][0] += scheduled
            self._sessions[component][1] += attended

    def discharged(
        self, case_id: str, sanction: str, days: int, reentered: bool, times: int = 1
    ) -> None:
        """Count ``times`` people discharged the year before, served ``days`` then (of a
        sanction :meth:`seen`)."""
        if self._priced(sanction, self.period - 1):
            person = _Served(case_id, sanction, days, reentered=reentered)
            self._discharged.extend([person] * times)

    def add(self, case: CaseSummary) -> None:
        """Count one case (summarised on 31 December of the year)."""
        self.take(case.case_id, case.sanction, self.part(case))

    def report(self, units: Mapping[str, str | None] | None = None) -> CaseloadCosts:
        """The costs, with each person's unit when ``units`` says.

        Raises:
            UnknownDefinitionError: ``costs.prices.unknown``.
        """
        book, period, files = self.book, self.period, self._files
        bases = [f.prices_of for f in files.values() if f is not None and f.priced and f.prices_of]
        target = self.prices_of or (max(bases) if bases else period)
        if bases or self.prices_of:
            for base in {*bases, target}:
                book.prices.factor(base, target)  # every year known, or costs.prices.unknown
        rates: dict[tuple[str, int], tuple[str, Rates]] = {}
        #: The figures of a number of days, by sanction and year (many people share them).
        money: dict[tuple[str, int, int], tuple[Mapping[str, Decimal], Decimal]] = {}

        #: The cost of each person made, by what the costs keep of it and year (people counted
        #: from totals, without case ids, are many of the same).
        made: dict[tuple[_Served, int], PersonCost] = {}

        def priced(served: _Served, year: int) -> PersonCost:
            found = made.get((served, year))
            if found is None:
                found = made[served, year] = person(served, year)
            return found

        def person(served: _Served, year: int) -> PersonCost:
            key = (served.sanction, year)
            if key not in rates:
                costs = book.for_sanction(served.sanction, year)
                assert costs is not None  # kept only when priced
                at = _converter(book, costs.prices_of or target, target)
                rates[key] = (costs.id, _rates(costs, served.sanction, at))
            programme, rate = rates[key]
            found = money.get((*key, served.days))
            if found is None:
                found = money[*key, served.days] = _money(rate, year, served.days)
            unit = None if units is None else units.get(served.case_id)
            return PersonCost(served.case_id, served.sanction, programme, served.days, *found, unit)

        # in case id order, however the cases came (a kept share, a case read, totals)
        people = [priced(s, period) for s in sorted(self._served, key=_Served.order)]
        previous = [priced(s, period - 1) for s in sorted(self._discharged, key=_Served.order)]
        without = sum(1 for s in self._discharged if not s.reentered)
        spending = exact_sum(p.total for p in people)
        return CaseloadCosts(
            period=period,
            prices_of=target,
            prices_status=book.prices.status,
            people=tuple(people),
            unpriced=dict(sorted(self._unpriced.items())),
            programmes=_uses(people, files, book, target),
            results=(
                ResultCost("objective_achieved", sum(s.achieved for s in self._served), spending),
                ResultCost("reliable_improvement", sum(s.improved for s in self._served), spending),
                ResultCost("no_reentry_12_months", without, exact_sum(p.total for p in previous)),
            ),
            sessions={k: (v[0], v[1]) for k, v in sorted(self._sessions.items())},
            units_read=units is not None,
        )


def _converter(book: CostBook, base: int, target: int) -> Convert:
    def convert(amount: Decimal) -> Decimal:
        return book.prices.convert(amount, base, target)

    return convert


def _uses(
    people: Sequence[PersonCost],
    files: Mapping[Any, ProgrammeCosts | None],
    book: CostBook,
    target: int,
) -> tuple[ProgrammeUse, ...]:
    uses = []
    used = {f.ref: f for f in files.values() if f is not None}
    for _, costs in sorted(used.items()):
        mine = [p for p in people if p.programme == costs.id]
        budget = None
        if costs.priced and costs.per_beneficiary is not None and costs.prices_of:
            budget = book.prices.convert(Decimal(costs.per_beneficiary), costs.prices_of, target)
        uses.append(
            ProgrammeUse(
                costs.ref,
                costs.status,
                costs.year,
                costs.prices_of,
                costs.source,
                costs.table,
                people=len(mine),
                spending=exact_sum(p.total for p in mine),
                budgeted_per_person=budget,
            )
        )
    return tuple(uses)


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _reentered(case: CaseSummary) -> bool:
    assert case.closed_on is not None
    until = add_months(case.closed_on, 12)
    return any(e.kind in REENTRY and case.closed_on < e.on <= until for e in case.events)
