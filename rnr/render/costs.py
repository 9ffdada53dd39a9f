"""What plans, caseloads, results and policy changes cost, in words and charts.

The words are the ``costs`` area of the message catalogue; amounts are
whole pesos (:func:`rnr.costs._money.pesos`), programmes and components are
named by their cost file's titles and documents by their citations, never by
an id or a file name.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from rnr.costs._money import pesos
from rnr.costs.plan import plan_cost
from rnr.definitions.costs import CostBook, PriceIndex, ProgrammeCosts, shipped
from rnr.render.charts import bar_chart
from rnr.render.environment import environment
from rnr.render.messages import Catalogue, catalogue, number
from rnr.render.names import sanction_name

if TYPE_CHECKING:
    from rnr.costs.caseload import CaseloadCosts
    from rnr.costs.plan import PlanCost
    from rnr.costs.whatif import PricedWhatIf
    from rnr.plan.draft import PlanDraft

__all__ = [
    "book_lines",
    "caseload_html",
    "caseload_lines",
    "caseload_section",
    "in_force",
    "plan_cost_section",
    "whatif_cost_lines",
]


def _money(amount: Decimal | None, w: Catalogue) -> str:
    value = pesos(amount)
    return w("costs.none") if value is None else w("costs.money", amount=value)


def _span(low: Decimal | None, high: Decimal | None, w: Catalogue) -> str:
    lo, hi = pesos(low), pesos(high)
    if lo is None or hi is None:
        return w("costs.none")
    return w("costs.money", amount=lo) if lo == hi else w("costs.money_range", low=lo, high=hi)


def _years(value: Fraction, w: Catalogue) -> str:
    shown = number(float(value), w.lang, 0 if value.denominator == 1 else 2)
    return w("costs.plan.years", count=int(value) if value.denominator == 1 else shown)


def plan_cost_lines(
    cost: PlanCost, lang: str = "es", prices: PriceIndex | None = None
) -> tuple[list[str], list[str]]:
    """The plan's cost as list items and the notes under them.

    ``prices``: the price index the cost was converted with (default: the shipped one).
    """
    w = catalogue(lang)
    source = cost.source.get(lang, "")
    if not cost.priced:
        return [], [w("costs.plan.no_published_cost", source=source)]
    items = []
    for c in cost.components:
        key = "costs.plan.component_hours" if c.hours else "costs.plan.component"
        items.append(
            w(
                key,
                title=c.title.get(lang, c.id),
                per_year=pesos(c.unit_cost) or 0,
                amount=_span(c.low, c.high, w),
                hours=c.hours,
            )
        )
    items.append(
        w(
            "costs.plan.administrative",
            amount=_span(cost.administrative_low, cost.administrative_high, w),
        )
    )
    items.append(w("costs.plan.total", amount=_span(cost.low, cost.high, w)))
    low, high = cost.years
    years = (
        _years(low, w) if low == high else w("costs.span", low=_years(low, w), high=_years(high, w))
    )
    notes = [
        w("costs.plan.period", years=years) if cost.from_period else w("costs.plan.one_year"),
        w("costs.plan.prices", year=cost.prices_of, source=source, table=cost.table.get(lang, "")),
    ]
    if cost.prices_of != cost.base_year:
        notes += _converted(cost.base_year, cost.prices_of, prices or shipped().prices, w)
    notes.append(w("costs.plan.not_by_hours"))
    return items, notes


def plan_cost_section(
    plan: PlanDraft, lang: str = "es", book: CostBook | None = None
) -> dict[str, Any] | None:
    """The plan template's ``cost``: a heading, lines and notes (None without a cost file)."""
    cost = plan_cost(plan, book or shipped())
    if cost.status == "no_costs":
        return None
    items, notes = plan_cost_lines(cost, lang, (book or shipped()).prices)
    return {"heading": catalogue(lang)("costs.plan.heading"), "lines": items, "notes": notes}


def _converted(base: int | None, year: int | None, prices: PriceIndex, w: Catalogue) -> list[str]:
    """The note on figures moved from pesos of ``base`` to pesos of ``year`` with ``prices``."""
    source = prices.source.get(w.lang, "")
    notes = [w("costs.plan.converted", base=base, year=year, source=source)]
    if prices.status != "validated":
        notes.append(w("costs.caseload.prices_unverified"))
    return notes


def _names(book: CostBook, lang: str) -> dict[str, str]:
    """Programme and component ids → their titles (a component with its programme's)."""
    w = catalogue(lang)
    out: dict[str, str] = {}
    for p in book.programmes:
        out[p.id] = p.title.get(lang, p.id)
        for c in p.components:
            out[c.id] = w(
                "costs.component_of",
                component=c.title.get(lang, c.id),
                programme=p.title.get(lang, p.id),
            )
    return out


def caseload_section(report: CaseloadCosts, book: CostBook, lang: str = "es") -> dict[str, Any]:
    """Headings and lines of a caseload's costs, for text and HTML alike."""
    w = catalogue(lang)
    names = _names(book, lang)
    names["administrative"] = w("costs.caseload.administrative")

    def name(key: str, what: str) -> str:
        if what == "sanction":
            return sanction_name(key, lang)
        if what == "unit":
            return key or w("costs.caseload.no_unit")
        return names.get(key, key)

    def groups(what: str) -> list[str]:
        return [
            w(
                "costs.caseload.group",
                name=name(g.key, what),
                count=g.people,
                days=g.days,
                amount=_money(g.spending, w),
            )
            for g in report.by(what)
        ]

    if report.people:
        head = w(
            "costs.caseload.people",
            count=len(report.people),
            period=report.period,
            amount=_money(report.total, w),
        )
    else:
        head = w("costs.caseload.nobody", period=report.period)
    real = []
    for use in report.programmes:
        programme = use.programme.partition("@")[0]
        if use.status == "structure-only":
            continue
        real.append(
            w(
                "costs.caseload.real",
                name=names.get(programme, programme),
                real=_money(use.real_per_person, w),
                budget=_money(use.budgeted_per_person, w),
                source=use.source.get(lang, ""),
                table=use.table.get(lang, ""),
            )
        )
        if use.year > report.period:
            real.append(
                w(
                    "costs.caseload.later_budget",
                    name=names.get(programme, programme),
                    year=use.year,
                )
            )
    sessions = [
        w(
            "costs.caseload.session_line",
            name=names.get(c, c),
            scheduled=s,
            attended=a,
            amount=_money(report.per_session(c), w),
        )
        for c, (s, a) in sorted(report.sessions.items())
    ]
    results = [
        w(
            f"costs.caseload.result_{r.id}",
            count=r.count,
            amount=_money(r.per_result, w),
            previous=report.period - 1,
        )
        for r in report.results
    ]
    unpriced = [
        w("costs.caseload.unpriced", name=sanction_name(s, lang), count=n)
        for s, n in sorted(report.unpriced.items())
    ]
    notes = [w("costs.caseload.how")]
    if not report.units_read:
        notes.append(w("costs.caseload.unit_note"))
    if report.prices_status != "validated":
        notes.append(w("costs.caseload.prices_unverified"))
    return {
        "title": w("costs.caseload.title", period=report.period),
        "subtitle": w("costs.caseload.subtitle", year=report.prices_of),
        "head": head,
        "sections": [
            (w("costs.caseload.by_programme"), groups("programme") + real),
            (w("costs.caseload.by_sanction"), groups("sanction")),
            (w("costs.caseload.by_component"), groups("component")),
            (w("costs.caseload.by_unit"), groups("unit") if report.units_read else []),
            (w("costs.caseload.sessions"), sessions),
            (w("costs.caseload.results"), results),
        ],
        "unpriced": unpriced,
        "notes": notes,
        "chart": _chart(report, book, w),
    }


def _chart(report: CaseloadCosts, book: CostBook, w: Catalogue) -> str:
    """Spending by programme; each bar named by the programme's sanctions (short labels)."""
    groups = report.by("programme")
    if not groups:
        return ""
    short = {p.id: ", ".join(p.sanctions) for p in book.programmes}
    return bar_chart(
        [short.get(g.key, g.key) for g in groups],
        [float(g.spending / 1000) for g in groups],
        title=w("costs.caseload.chart"),
        unit="",
        decimals=0,
        lang=w.lang,
    )


def caseload_lines(report: CaseloadCosts, book: CostBook, lang: str = "es") -> list[str]:
    """The caseload's costs as text lines (``rnr costs --db``)."""
    s = caseload_section(report, book, lang)
    lines = [s["title"], s["subtitle"], "", s["head"]]
    for heading, rows in s["sections"]:
        if rows:
            lines += ["", heading, *(f"  {row}" for row in rows)]
    if s["unpriced"]:
        lines += ["", *s["unpriced"]]
    return [*lines, "", *s["notes"]]


def caseload_html(report: CaseloadCosts, book: CostBook, lang: str = "es") -> str:
    """A self-contained HTML page of the caseload's costs (inline CSS and SVG)."""
    template = environment("html").get_template("costs.html.j2")
    return template.render(lang=lang, s=caseload_section(report, book, lang))


def book_lines(
    book: CostBook,
    period: int,
    prices_of: int | None,
    lang: str = "es",
    programme: str | None = None,
) -> list[str]:
    """The published unit costs that apply in ``period`` (``rnr costs`` without a store).

    ``programme``: only the cost file of that sanction.
    """
    w = catalogue(lang)
    lines = [w("costs.book.title", period=period), ""]
    for costs in in_force(book, period, programme):
        name = costs.title.get(lang, costs.id)
        if not costs.priced:
            lines += [w("costs.book.structure", name=name), ""]
            continue
        base = costs.prices_of or period
        target = prices_of or base

        def at(amount: Decimal, base: int = base, target: int = target) -> Decimal:
            return book.prices.convert(amount, base, target)

        lines.append(
            w(
                "costs.book.programme",
                name=name,
                people=costs.beneficiaries or 0,
                total=_money(at(Decimal(costs.total or 0)), w),
                per=_money(at(Decimal(costs.per_beneficiary or 0)), w),
                admin=_money(at(Decimal(costs.administrative or 0)), w),
                percent=costs.administrative_percent,
            )
        )
        for c in costs.components:
            lines.append(
                "  "
                + w(
                    "costs.book.component",
                    name=c.title.get(lang, c.id),
                    amount=_money(at(c.unit_cost or Decimal(0)), w),
                    production=c.production or 0,
                )
            )
        source, table = costs.source.get(lang, ""), costs.table.get(lang, "")
        lines.append("  " + w("costs.book.source", source=source, table=table, base=base))
        if target != base:
            lines += ["  " + line for line in _converted(base, target, book.prices, w)]
        lines.append("")
    return lines[:-1] if lines[-1] == "" else lines


def in_force(book: CostBook, period: int, programme: str | None = None) -> list[ProgrammeCosts]:
    """The cost files that apply in ``period``, one per programme (of one sanction's, if given)."""
    sanctions = sorted({s for p in book.programmes for s in p.sanctions})
    chosen = {
        f.ref: f
        for s in sanctions
        if programme in (None, s) and (f := book.for_sanction(s, period)) is not None
    }
    return [chosen[ref] for ref in sorted(chosen)]


def whatif_cost_lines(priced: PricedWhatIf, lang: str = "es") -> list[str]:
    """The cost lines ``rnr whatif --costs`` adds after the comparison."""
    w = catalogue(lang)
    unpriced = [
        w("costs.caseload.unpriced", name=sanction_name(s, lang), count=n)
        for s, n in sorted(priced.unpriced.items())
    ]
    if not priced.priced:
        return ["", w("costs.whatif.heading"), w("costs.whatif.nobody"), *unpriced]
    lines = [
        "",
        w("costs.whatif.heading"),
        w(
            "costs.whatif.people",
            priced=priced.priced,
            count=priced.people,
            year=priced.prices_of or "—",
        ),
        w("costs.whatif.line_a", amount=_span(priced.low_a, priced.high_a, w)),
        w("costs.whatif.line_b", amount=_span(priced.low_b, priced.high_b, w)),
        w("costs.whatif.difference", amount=_signed(priced, w)),
    ]
    if priced.no_longer_eligible:
        lines.append(
            w(
                "costs.whatif.lost",
                count=priced.no_longer_eligible,
                amount=_span(priced.at_stake_low, priced.at_stake_high, w),
            )
        )
    lines += unpriced
    lines.append(w("costs.whatif.note"))
    if priced.prices_status != "validated" and priced.prices_of is not None:
        lines.append(w("costs.caseload.prices_unverified"))
    return lines


def _signed(priced: PricedWhatIf, w: Catalogue) -> str:
    def one(value: int) -> str:
        if value == 0:
            return w("costs.money_same")
        key = "costs.money_less" if value < 0 else "costs.money_more"
        return w(key, amount=abs(value))

    lo, hi = pesos(priced.difference_low) or 0, pesos(priced.difference_high) or 0
    return one(lo) if lo == hi else w("costs.span", low=one(lo), high=one(hi))
