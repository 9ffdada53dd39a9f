"""The programme report of a year, presented: text lines and a self-contained HTML page.

:func:`rnr.history.programme.programme_report` computes the report from a
store; :func:`report_lines` and :func:`report_html` present it (Spanish by
default; the HTML page has inline SVG charts and loads nothing).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rnr.definitions.indicators import shipped
from rnr.indicators.compute import IndicatorResult
from rnr.indicators.reinsertion_index import ReinsertionReport
from rnr.render.charts import bar_chart
from rnr.render.indicators_words import WORDS, exclusion, population_words
from rnr.render.plan import environment

if TYPE_CHECKING:
    from rnr.history.overrides import OverrideReport
    from rnr.history.programme import ProgrammeReport

__all__ = ["report_html", "report_lines"]


def _figure(result: IndicatorResult, lang: str) -> tuple[str, str, str, str]:
    w = WORDS[lang]
    if not result.computable:
        return w["not_computable"], w["none"], _target(result, lang), w["none"]
    percent = f"{result.percent} %" if result.percent is not None else w["none"]
    met = w["none"] if result.met is None else w["yes" if result.met else "no"]
    return percent, f"{result.numerator} / {result.denominator}", _target(result, lang), met


def _target(result: IndicatorResult, lang: str) -> str:
    i = result.indicator
    if i.target is None:
        return WORDS[lang]["none"]
    return f"{i.target} % ({i.target_year})"


def report_lines(report: ProgrammeReport, lang: str = "es") -> list[str]:
    """The report as readable lines."""
    w = WORDS[lang]
    lines = [
        w["title"].format(period=report.period),
        w["subtitle"].format(
            db=report.store, as_of=report.as_of, programme=report.programme or w["all"]
        ),
        "",
    ]
    for result in report.indicators:
        i = result.indicator
        percent, fraction, target, met = _figure(result, lang)
        lines.append(f"── {i.id} · {', '.join(result.programmes)}")
        lines.append(f"   {i.title.get(lang, i.id)}")
        figures = f"{percent} · {fraction} · {w['target']}: {target} · {w['met']}: {met}"
        lines.append(f"   {w['result']}: {figures}")
        if result.not_computable is not None:
            lines.append(f"   {w['why']}: {result.not_computable(lang)}")
        lines.append(
            f"   {w['population']}: {population_words(i.population, i.population_params, lang)}"
        )
        for code, n in result.exclusions.items():
            lines.append(f"   {w['exclusions']}: {n} · {exclusion(code, lang)}")
        lines.append(f"   {w['source']}: {i.source}")
        lines.append("")
    lines += _reinsertion_lines(report.reinsertion, lang)
    lines += ["", *_override_lines(report.overrides, lang)]
    return lines


def _reinsertion_lines(rep: ReinsertionReport, lang: str) -> list[str]:
    w = WORDS[lang]
    lines = [w["reinsertion"]]
    if not rep.n:
        return [*lines, "  " + w["reinsertion_none"].format(period=rep.period)]
    lines.append(
        "  "
        + w["reinsertion_line"].format(
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
        title = index.component(ident).title.get(lang, ident)
        lines.append(f"  {title}: {w['mean']} {mean} ({w['measured']} {n})")
    return lines


def _override_lines(rep: OverrideReport, lang: str) -> list[str]:
    w = WORDS[lang]
    total = rep.total
    lines = [
        w["overrides"],
        "  "
        + w["overrides_line"].format(
            overrides=total.overrides,
            assessments=total.assessments,
            period=rep.period,
            percent=total.percent if total.percent is not None else w["none"],
        ),
    ]
    if rep.by_reason:
        shown = ", ".join(f"{k} {n}" for k, n in rep.by_reason.items())
        lines.append(f"  {w['by_reason']}: {shown}")
    if rep.by_direction:
        shown = ", ".join(f"{k} {n}" for k, n in rep.by_direction.items())
        lines.append(f"  {w['by_direction']}: {shown}")
    lines.append("  " + w["outcomes"].format(months=rep.window_months) + ":")
    for key, rate in rep.outcomes.items():
        percent = f"{rate.percent} %" if rate.percent is not None else w["none"]
        lines.append(f"    {w[key]}: {percent} ({rate.with_offence} / {rate.followed})")
    return lines


def report_html(report: ProgrammeReport, lang: str = "es") -> str:
    """A self-contained HTML page (inline CSS and SVG, nothing loaded)."""
    w = WORDS[lang]
    computable = [r for r in report.indicators if r.computable]
    chart = (
        bar_chart(
            [r.indicator.id for r in computable],
            [r.percent for r in computable],
            targets=[r.indicator.target for r in computable],
            title=w["chart"],
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
            title=w["distribution"],
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
        w=w,
        figure=lambda r: _figure(r, lang),
        population=lambda i: population_words(i.population, i.population_params, lang),
        exclusion=lambda code: exclusion(code, lang),
        component=lambda ident: index.component(ident).title.get(lang, ident),
        chart=chart,
        distribution=distribution,
    )
