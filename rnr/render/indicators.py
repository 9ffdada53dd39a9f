"""The programme report of a year, presented: text lines and a self-contained HTML page.

:func:`rnr.history.programme.programme_report` computes the report from a
store; :func:`report_lines` and :func:`report_html` present it (Spanish by
default; the HTML page has inline SVG charts and loads nothing). Every word
comes from the ``indicators`` area of the message catalogue; indicator and
component titles from the indicator files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rnr.definitions.indicators import Indicator, shipped
from rnr.indicators.compute import IndicatorResult
from rnr.indicators.reinsertion_index import ReinsertionReport
from rnr.render.charts import bar_chart
from rnr.render.environment import environment
from rnr.render.messages import Catalogue, catalogue

if TYPE_CHECKING:
    from rnr.history.overrides import OverrideReport
    from rnr.history.programme import ProgrammeReport

__all__ = ["report_html", "report_lines"]


def _figure(result: IndicatorResult, w: Catalogue) -> tuple[str, str, str, str]:
    """The result, the fraction, the target and whether it is met, as shown."""
    none = w("indicators.none")
    if not result.computable:
        return w("indicators.not_computable"), none, _target(result, w), none
    percent = (
        none if result.percent is None else w("indicators.percent_value", percent=result.percent)
    )
    met = none if result.met is None else w("indicators.yes" if result.met else "indicators.no")
    return percent, f"{result.numerator} / {result.denominator}", _target(result, w), met


def _target(result: IndicatorResult, w: Catalogue) -> str:
    i = result.indicator
    if i.target is None:
        return w("indicators.none")
    return w("indicators.target_value", target=i.target, year=i.target_year)


def _exclusion(code: str, w: Catalogue) -> str:
    """An exclusion code in words (the code itself when the catalogue has none)."""
    key = f"indicators.exclusion.{code}"
    return w(key) if key in w else code


def _population(indicator: Indicator, w: Catalogue) -> str:
    """An indicator's population (its kind and parameters) in words."""
    params = indicator.population_params
    if indicator.population == "discharged":
        previous = "_previous" if int(str(params.get("year_offset", 0))) else ""
        end = "_end" if params.get("reason") else ""
        return w(f"indicators.populations.discharged{previous}{end}")
    followed = indicator.population == "followed"
    text = w(f"indicators.populations.{'followed' if followed else 'served'}")
    needs = params.get("needs")
    if isinstance(needs, list) and needs:
        needs = ", ".join(map(str, needs))
        text = w("indicators.populations.with_needs", population=text, needs=needs)
    days = params.get("min_days_since_entry")
    if days is not None:
        text = w("indicators.populations.min_days", population=text, days=days)
    return text


def report_lines(report: ProgrammeReport, lang: str = "es") -> list[str]:
    """The report as readable lines."""
    w = catalogue(lang)
    lines = [
        w("indicators.title", period=report.period),
        w(
            "indicators.subtitle",
            db=report.store,
            as_of=report.as_of,
            programme=report.programme or w("indicators.all"),
        ),
        "",
    ]
    for result in report.indicators:
        i = result.indicator
        percent, fraction, target, met = _figure(result, w)
        lines.append(f"── {i.id} · {', '.join(result.programmes)}")
        lines.append(f"   {i.title.get(lang, i.id)}")
        figures = w(
            "indicators.line_figures", percent=percent, fraction=fraction, target=target, met=met
        )
        lines.append("   " + figures)
        if result.not_computable is not None:
            lines.append("   " + w("indicators.line_why", why=w.say(result.not_computable)))
        lines.append("   " + w("indicators.line_population", population=_population(i, w)))
        for code, n in result.exclusions.items():
            lines.append("   " + w("indicators.line_exclusion", n=n, exclusion=_exclusion(code, w)))
        lines.append("   " + w("indicators.line_source", source=i.source))
        lines.append("")
    lines += _reinsertion_lines(report.reinsertion, w)
    lines += ["", *_override_lines(report.overrides, w)]
    return lines


def _reinsertion_lines(rep: ReinsertionReport, w: Catalogue) -> list[str]:
    lines = [w("indicators.reinsertion")]
    if not rep.n:
        return [*lines, "  " + w("indicators.reinsertion_none", period=rep.period)]
    lines.append(
        "  "
        + w(
            "indicators.reinsertion_line",
            n=rep.n,
            period=rep.period,
            mean=rep.mean,
            median=rep.median,
            share=rep.favourable_share,
            at=int(rep.favourable_at),
        )
    )
    _, index = shipped()
    for ident, (n, mean) in rep.components.items():
        title = index.component(ident).title.get(w.lang, ident)
        lines.append("  " + w("indicators.line_component", component=title, mean=mean, n=n))
    return lines


def _override_lines(rep: OverrideReport, w: Catalogue) -> list[str]:
    none = w("indicators.none")
    total = rep.total
    lines = [
        w("indicators.overrides"),
        "  "
        + w(
            "indicators.overrides_line",
            overrides=total.overrides,
            assessments=total.assessments,
            period=rep.period,
            percent=total.percent if total.percent is not None else none,
        ),
    ]
    if rep.by_reason:
        shown = ", ".join(f"{k} {n}" for k, n in rep.by_reason.items())
        lines.append("  " + w("indicators.line_by_reason", counts=shown))
    if rep.by_direction:
        shown = ", ".join(f"{k} {n}" for k, n in rep.by_direction.items())
        lines.append("  " + w("indicators.line_by_direction", counts=shown))
    lines.append("  " + w("indicators.line_outcomes", months=rep.window_months))
    for key, rate in rep.outcomes.items():
        percent = (
            none if rate.percent is None else w("indicators.percent_value", percent=rate.percent)
        )
        line = w(
            "indicators.line_outcome",
            group=w(f"indicators.{key}"),
            percent=percent,
            with_offence=rate.with_offence,
            followed=rate.followed,
        )
        lines.append("    " + line)
    return lines


def report_html(report: ProgrammeReport, lang: str = "es") -> str:
    """A self-contained HTML page (inline CSS and SVG, nothing loaded)."""
    w = catalogue(lang)
    computable = [r for r in report.indicators if r.computable]
    chart = (
        bar_chart(
            [r.indicator.id for r in computable],
            [r.percent for r in computable],
            targets=[r.indicator.target for r in computable],
            title=w("indicators.chart"),
            max_value=100.0,
        )
        if computable
        else ""
    )
    bands = ["0-20", "20-40", "40-60", "60-80", "80-100"]
    distribution = (
        bar_chart(
            bands,
            [float(n) for n in report.reinsertion.distribution],
            title=w("indicators.distribution"),
            unit="",
        )
        if report.reinsertion.n
        else ""
    )
    _, index = shipped()
    template = environment("html").get_template("indicators.html.j2")
    return template.render(
        report=report,
        lang=lang,
        w=w.section("indicators"),
        say=w.say,
        figure=lambda r: _figure(r, w),
        population=lambda i: _population(i, w),
        exclusion=lambda code: _exclusion(code, w),
        component=lambda ident: index.component(ident).title.get(lang, ident),
        chart=chart,
        distribution=distribution,
    )
