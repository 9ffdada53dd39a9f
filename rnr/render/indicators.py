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

Numbers follow the reader's conventions (:mod:`rnr.render.messages`): in
Spanish, a decimal comma and a thousands point (43,2; 1.234), counts as
whole numbers and dates as dd-mm-aaaa. The store is named by its file name.
A programme document's indicator name is its own wording, quoted as written
(in Spanish), like its formula.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from rnr.definitions.costs import shipped as shipped_costs
from rnr.definitions.indicators import Indicator, shipped
from rnr.definitions.labels import load_labels
from rnr.definitions.library import default_library
from rnr.errors import RnrError
from rnr.indicators.compute import IndicatorResult
from rnr.indicators.reinsertion_index import ReinsertionReport
from rnr.render.charts import bar_chart
from rnr.render.costs import caseload_section
from rnr.render.environment import environment
from rnr.render.messages import NONE, Catalogue, catalogue
from rnr.render.names import component_name

if TYPE_CHECKING:
    from rnr.history.overrides import OverrideReport
    from rnr.history.programme import ProgrammeReport

__all__ = ["report_html", "report_lines"]

#: The bands of the reinsertion index's distribution (points from 0 to 100).
BANDS = ("0-20", "20-40", "40-60", "60-80", "80-100")


def _percent(value: float | None, w: Catalogue) -> str:
    """A percentage (0 to 100) with one decimal: ``43,2 %``; a dash for none."""
    return w.percent(None if value is None else value / 100)


def _figure(result: IndicatorResult, w: Catalogue) -> tuple[str, str, str, str]:
    """The result, the fraction, the target and whether it is met, as shown."""
    if not result.computable:
        return w("indicators.not_computable"), NONE, _target(result, w), NONE
    met = NONE if result.met is None else w("indicators.yes" if result.met else "indicators.no")
    fraction = f"{w.number(result.numerator)} / {w.number(result.denominator)}"
    return _percent(result.percent, w), fraction, _target(result, w), met


def _target(result: IndicatorResult, w: Catalogue) -> str:
    i = result.indicator
    if i.target is None:
        return NONE
    decimals = 0 if float(i.target).is_integer() else 1
    return w("indicators.target_value", target=w.number(i.target, decimals), year=i.target_year)


def _title(indicator: Indicator, w: Catalogue) -> str:
    """An indicator's name: a document's own, quoted as written; rnr's, as its definition."""
    title = indicator.title.get(w.lang, indicator.id)
    if indicator.document is None:
        return title
    return w("indicators.document_title", title=title)


def _store(report: ProgrammeReport) -> str:
    """The store by its file name (the folders it sits in are the reader's own business)."""
    return PurePath(report.store).name or report.store


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
            out.setdefault(domain.id, _in_sentence(labels.domain(domain.id)))
    return out


def _in_sentence(label: str) -> str:
    """A label as it reads inside a sentence: ``Educación y empleo`` → ``educación y empleo``.

    An abbreviation (``PII``) keeps its capitals.
    """
    return label[0].lower() + label[1:] if label[1:2].islower() else label


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
        component = component_name(str(took_part), w.lang)
        text = w("indicators.populations.took_part_in", population=text, component=component)
    days = params.get("min_days_since_entry")
    if days is not None:
        text = w("indicators.populations.min_days", population=text, days=days)
    older = params.get("plan_older_than_days")
    if older is not None:
        text = w("indicators.populations.plan_older", population=text, days=older)
    return text


def _subtitle(report: ProgrammeReport, w: Catalogue) -> str:
    return w(
        "indicators.subtitle",
        db=_store(report),
        as_of=report.as_of,
        programme=report.programme or w("indicators.all"),
    )


def report_lines(report: ProgrammeReport, lang: str = "es") -> list[str]:
    """The report as readable lines."""
    w = catalogue(lang)
    lines = [w("indicators.title", period=report.period), _subtitle(report, w), ""]
    for n, result in enumerate(report.indicators, start=1):
        i = result.indicator
        percent, fraction, target, met = _figure(result, w)
        lines.append(f"── {n}. {i.short.get(lang, i.id)} · {', '.join(result.programmes)}")
        lines.append(f"   {_title(i, w)}")
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


def _reinsertion_summary(rep: ReinsertionReport, w: Catalogue) -> str:
    """How many people the index scored, its mean and median, the share at or above the mark."""
    if not rep.n:
        return w("indicators.reinsertion_none", period=rep.period)
    return w(
        "indicators.reinsertion_line",
        count=rep.n,
        period=rep.period,
        mean=w.number(rep.mean, 1),
        median=w.number(rep.median, 1),
        share=_percent(rep.favourable_share, w),
        at=int(rep.favourable_at),
    )


def _index_component(ident: str, w: Catalogue) -> str:
    """A reinsertion index component's title."""
    _, index = shipped()
    return index.component(ident).title.get(w.lang, ident)


def _reinsertion_lines(rep: ReinsertionReport, w: Catalogue) -> list[str]:
    lines = [w("indicators.reinsertion"), "  " + _reinsertion_summary(rep, w)]
    for ident, (n, mean) in rep.components.items():
        line = w(
            "indicators.line_component",
            component=_index_component(ident, w),
            mean=w.number(mean, 1),
            count=n,
        )
        lines.append("  " + line)
    return lines


def _codes(counts: Mapping[str, int], w: Catalogue, area: str) -> str:
    """Coded counts (``{code: n}``) in words: each code from the catalogue ``area``."""
    shown = []
    for code, n in counts.items():
        key = f"{area}.{code}"
        shown.append(f"{w(key) if key in w else code}: {w.number(n)}")
    return "; ".join(shown)


def _overrides_summary(rep: OverrideReport, w: Catalogue) -> str:
    """How many assessments of the year were overridden, of how many."""
    total = rep.total
    return w(
        "indicators.overrides_line",
        overrides=total.overrides,
        count=total.assessments,
        period=rep.period,
        percent=_percent(total.percent, w),
    )


def _outcome(key: str, rep: OverrideReport, w: Catalogue) -> str:
    """The rate of new offences of one group of assessments (overridden up, down, not)."""
    rate = rep.outcomes[key]
    return w(
        "indicators.line_outcome",
        group=w(f"indicators.{key}"),
        percent=_percent(rate.percent, w),
        with_offence=rate.with_offence,
        followed=rate.followed,
    )


def _override_lines(rep: OverrideReport, w: Catalogue) -> list[str]:
    lines = [w("indicators.overrides"), "  " + _overrides_summary(rep, w)]
    if rep.by_reason:
        shown = _codes(rep.by_reason, w, "cases.override_reasons")
        lines.append("  " + w("indicators.line_by_reason", counts=shown))
    if rep.by_direction:
        shown = _codes(rep.by_direction, w, "indicators.override_directions")
        lines.append("  " + w("indicators.line_by_direction", counts=shown))
    lines.append("  " + w("indicators.line_outcomes", months=rep.window_months))
    lines += ["    " + _outcome(key, rep, w) for key in rep.outcomes]
    return lines


def _charts(report: ProgrammeReport, w: Catalogue) -> tuple[str, str]:
    """The results against their targets, and the distribution of the reinsertion index."""
    computable = [r for r in report.indicators if r.computable]
    chart = (
        bar_chart(
            [r.indicator.short.get(w.lang, r.indicator.id) for r in computable],
            [r.percent for r in computable],
            targets=[r.indicator.target for r in computable],
            title=w("indicators.chart"),
            max_value=100.0,
            lang=w.lang,
        )
        if computable
        else ""
    )
    distribution = (
        bar_chart(
            BANDS,
            [float(n) for n in report.reinsertion.distribution],
            title=w("indicators.distribution"),
            unit="",
            decimals=0,
            lang=w.lang,
        )
        if report.reinsertion.n
        else ""
    )
    return chart, distribution


def report_html(report: ProgrammeReport, lang: str = "es") -> str:
    """A self-contained HTML page (inline CSS and SVG, nothing loaded)."""
    w = catalogue(lang)
    chart, distribution = _charts(report, w)
    template = environment("html").get_template("indicators.html.j2")
    return template.render(
        report=report,
        lang=lang,
        t=lambda key, **params: w(f"indicators.{key}", **params),
        say=w.say,
        subtitle=_subtitle(report, w),
        title=lambda i: _title(i, w),
        figure=lambda r: _figure(r, w),
        percent=lambda value: _percent(value, w),
        population=lambda i: _population(i, w),
        reading=lambda i: _reading(i, w),
        source=lambda i: _source(i, w),
        exclusion=lambda code: _exclusion(code, w),
        reasons=lambda counts: _codes(counts, w, "cases.override_reasons"),
        directions=lambda counts: _codes(counts, w, "indicators.override_directions"),
        component=lambda ident: _index_component(ident, w),
        reinsertion=_reinsertion_summary(report.reinsertion, w),
        overrides=_overrides_summary(report.overrides, w),
        outcome=lambda key: _outcome(key, report.overrides, w),
        chart=chart,
        distribution=distribution,
        costs=_costs(report, lang),
    )


def _costs(report: ProgrammeReport, lang: str) -> dict[str, Any] | None:
    """The costs section (docs/costs.md), when the year has someone with a published cost."""
    if report.costs is None or not report.costs.people:
        return None
    return caseload_section(report.costs, shipped_costs(), lang)
