"""The programme report of a year, presented: text lines and a self-contained HTML page.

:func:`rnr.history.programme.programme_report` computes the report from a
store; :func:`report_lines` and :func:`report_html` present it (Spanish by
default; the HTML page has inline SVG charts and loads nothing). Every word
comes from the ``indicators`` area of the message catalogue; indicator and
component titles, the documents' citations, formulas and notes from the
indicator files. Each indicator shows its result beside its target, the
direction its document states beside the one rnr reads (flagged when they
differ), its population, the cases excluded and those counted as not met
because their outcome could not be measured, and its source.

Numbers follow the reader's conventions: in Spanish, a decimal comma and a
thousands point (43,2; 1.234) and dates as dd-mm-aaaa.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from functools import cache
from typing import TYPE_CHECKING

from rnr.definitions.indicators import Indicator, shipped
from rnr.definitions.labels import load_labels
from rnr.definitions.library import default_library
from rnr.errors import RnrError
from rnr.indicators.compute import IndicatorResult
from rnr.indicators.reinsertion_index import ReinsertionReport
from rnr.render.charts import bar_chart
from rnr.render.environment import environment
from rnr.render.messages import Catalogue, catalogue

if TYPE_CHECKING:
    from rnr.history.overrides import OverrideReport
    from rnr.history.programme import ProgrammeReport

__all__ = ["number", "report_html", "report_lines"]


def number(value: float | None, lang: str, decimals: int = 1) -> str:
    """A number as the reader writes it: ``1.234,5`` in Spanish, ``1,234.5`` in English.

    >>> number(43.25, "es"), number(1234, "es", 0), number(1234.5, "en")
    ('43,2', '1.234', '1,234.5')
    """
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    if lang == "es":
        return text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def _day(day: dt.date, lang: str) -> str:
    """A date as the reader writes it (dd-mm-aaaa in Spanish)."""
    return day.strftime("%d-%m-%Y") if lang == "es" else day.isoformat()


def _figure(result: IndicatorResult, w: Catalogue) -> tuple[str, str, str, str]:
    """The result, the fraction, the target and whether it is met, as shown."""
    none = w("indicators.none")
    if not result.computable:
        return w("indicators.not_computable"), none, _target(result, w), none
    percent = (
        none
        if result.percent is None
        else w("indicators.percent_value", percent=number(result.percent, w.lang))
    )
    met = none if result.met is None else w("indicators.yes" if result.met else "indicators.no")
    fraction = f"{number(result.numerator, w.lang, 0)} / {number(result.denominator, w.lang, 0)}"
    return percent, fraction, _target(result, w), met


def _target(result: IndicatorResult, w: Catalogue) -> str:
    i = result.indicator
    if i.target is None:
        return w("indicators.none")
    return w("indicators.target_value", target=number(i.target, w.lang, 0), year=i.target_year)


def _reading(indicator: Indicator, w: Catalogue) -> str:
    """The direction the document states beside the one rnr reads (flagged when they differ)."""
    direction = indicator.direction
    read = w(f"indicators.directions.{direction.read}")
    if indicator.document is None:
        return w("indicators.reading_rnr", read=read)
    if not direction.flagged:
        return w("indicators.reading_same", read=read)
    stated = w(f"indicators.direction_words.{direction.stated}")
    return w("indicators.reading_flagged", stated=stated, read=read)


def _source(indicator: Indicator, w: Catalogue) -> str:
    """The document an indicator comes from, by its real name, and its level there."""
    document = indicator.document
    if document is None:
        return w("indicators.source_rnr")
    return w(
        "indicators.source_value",
        citation=document.citation.get(w.lang, document.citation.get("es", document.id)),
        level=w(f"indicators.levels.{indicator.level}"),
    )


def _exclusion(code: str, w: Catalogue) -> str:
    """An exclusion or unmeasured code in words (the code itself when the catalogue has none)."""
    key = f"indicators.exclusion.{code}"
    return w(key) if key in w else code


@cache
def _domain_names(lang: str) -> dict[str, str]:
    """Every need domain's label in ``lang``, from the shipped instruments' label files."""
    out: dict[str, str] = {}
    for instrument in default_library():
        try:
            labels = load_labels(instrument, lang)
        except RnrError:  # pragma: no cover - every shipped instrument has labels
            continue
        for domain in instrument.domains:
            out.setdefault(domain.id, labels.domain(domain.id))
    return out


def _component(ident: str, lang: str) -> str:
    spec, _ = shipped()
    found = spec.components.get(ident)
    return found.title.get(lang, ident) if found is not None else ident


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
    if isinstance(needs, list | tuple) and needs:
        names = _domain_names(w.lang)
        shown = w("indicators.or").join(names.get(str(n), str(n)) for n in needs)
        text = w("indicators.populations.with_needs", population=text, needs=shown)
    took_part = params.get("took_part_in")
    if took_part is not None:
        component = _component(str(took_part), w.lang)
        text = w("indicators.populations.took_part_in", population=text, component=component)
    days = params.get("min_days_since_entry")
    if days is not None:
        text = w("indicators.populations.min_days", population=text, days=days)
    older = params.get("plan_older_than_days")
    if older is not None:
        text = w("indicators.populations.plan_older", population=text, days=older)
    return text


def report_lines(report: ProgrammeReport, lang: str = "es") -> list[str]:
    """The report as readable lines."""
    w = catalogue(lang)
    lines = [
        w("indicators.title", period=report.period),
        w(
            "indicators.subtitle",
            db=report.store,
            as_of=_day(report.as_of, lang),
            programme=report.programme or w("indicators.all"),
        ),
        "",
    ]
    for n, result in enumerate(report.indicators, start=1):
        i = result.indicator
        percent, fraction, target, met = _figure(result, w)
        lines.append(f"── {n}. {i.short.get(lang, i.id)} · {', '.join(result.programmes)}")
        lines.append(f"   {i.title.get(lang, i.id)}")
        figures = w(
            "indicators.line_figures", percent=percent, fraction=fraction, target=target, met=met
        )
        lines.append("   " + figures)
        lines.append("   " + w("indicators.line_reading", reading=_reading(i, w)))
        if result.not_computable is not None:
            lines.append("   " + w("indicators.line_why", why=w.say(result.not_computable)))
        lines.append("   " + w("indicators.line_population", population=_population(i, w)))
        for code, count in result.exclusions.items():
            lines.append(
                "   " + w("indicators.line_exclusion", n=count, exclusion=_exclusion(code, w))
            )
        for code, count in result.unmeasured.items():
            lines.append(
                "   " + w("indicators.line_unmeasured", n=count, reason=_exclusion(code, w))
            )
        if i.formula:
            lines.append(
                "   "
                + w(
                    "indicators.line_formula",
                    numerator=i.formula.get("numerator", ""),
                    denominator=i.formula.get("denominator", ""),
                )
            )
        if i.note:
            lines.append("   " + w("indicators.line_note", note=i.note.get(lang, "")))
        lines.append("   " + w("indicators.line_source", source=_source(i, w)))
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
            count=rep.n,
            period=rep.period,
            mean=number(rep.mean, w.lang),
            median=number(rep.median, w.lang),
            share=number(rep.favourable_share, w.lang),
            at=int(rep.favourable_at),
        )
    )
    _, index = shipped()
    for ident, (n, mean) in rep.components.items():
        title = index.component(ident).title.get(w.lang, ident)
        lines.append(
            "  "
            + w("indicators.line_component", component=title, mean=number(mean, w.lang), count=n)
        )
    return lines


def _codes(counts: Mapping[str, int], w: Catalogue, area: str) -> str:
    """Coded counts (``{code: n}``) in words: each code from the catalogue ``area``."""
    shown = []
    for code, n in counts.items():
        key = f"{area}.{code}"
        shown.append(f"{w(key) if key in w else code}: {n}")
    return "; ".join(shown)


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
            percent=number(total.percent, w.lang) if total.percent is not None else none,
        ),
    ]
    if rep.by_reason:
        shown = _codes(rep.by_reason, w, "cases.override_reasons")
        lines.append("  " + w("indicators.line_by_reason", counts=shown))
    if rep.by_direction:
        shown = _codes(rep.by_direction, w, "indicators.override_directions")
        lines.append("  " + w("indicators.line_by_direction", counts=shown))
    lines.append("  " + w("indicators.line_outcomes", months=rep.window_months))
    for key, rate in rep.outcomes.items():
        percent = (
            none
            if rate.percent is None
            else w("indicators.percent_value", percent=number(rate.percent, w.lang))
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
    decimal = "," if lang == "es" else "."
    computable = [r for r in report.indicators if r.computable]
    chart = (
        bar_chart(
            [r.indicator.short.get(lang, r.indicator.id) for r in computable],
            [r.percent for r in computable],
            targets=[r.indicator.target for r in computable],
            title=w("indicators.chart"),
            max_value=100.0,
            decimal=decimal,
            lang=lang,
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
            decimals=0,
            decimal=decimal,
            lang=lang,
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
        number=lambda value, decimals=1: number(value, lang, decimals),
        as_of=_day(report.as_of, lang),
        figure=lambda r: _figure(r, w),
        population=lambda i: _population(i, w),
        reading=lambda i: _reading(i, w),
        source=lambda i: _source(i, w),
        exclusion=lambda code: _exclusion(code, w),
        reasons=lambda counts: _codes(counts, w, "cases.override_reasons"),
        directions=lambda counts: _codes(counts, w, "indicators.override_directions"),
        component=lambda ident: index.component(ident).title.get(lang, ident),
        chart=chart,
        distribution=distribution,
    )
