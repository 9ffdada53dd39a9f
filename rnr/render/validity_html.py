"""The self-contained HTML report of a local study: inline CSS and SVG, no script, no network.

The page has the ROC curve (whole sample and per group), the calibration
plot (observed rate per level or score with its interval, and the expected
rate as a marker where given), every table of the readable report, and the
limits of the figures. Every value from the data is escaped.

>>> from rnr.validity import validate
>>> from rnr.validity.study import Study
>>> report = validate([1, 3, 4, 8, 9, 12], [0, 0, 1, 0, 1, 1], groups={"g": list("aabbab")})
>>> page = study_html(Study("<datos>.csv", 6, "total", "reincide", ("g",), report=report))
>>> page.startswith("<!DOCTYPE html>"), "<script" in page, "&lt;datos&gt;.csv" in page
(True, False, True)
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence

from rnr.render.charts import bar_chart, line_chart
from rnr.render.validity_text import GROUP_RATES, calibration_table, group_table
from rnr.render.validity_words import fmt, key_text, level_text, pct, pp, signed, vwords
from rnr.validity.calibrate import Calibration, CalibrationRow
from rnr.validity.classification import RATES
from rnr.validity.percentiles import Norms, Recalibration
from rnr.validity.reliability import Agreement
from rnr.validity.report import ValidityReport
from rnr.validity.study import Study
from rnr.validity.subgroups import Figures

__all__ = ["study_html"]

#: The most points drawn per ROC curve (evenly thinned beyond).
MAX_POINTS = 400

_CSS = """
body{font-family:system-ui,sans-serif;margin:2em auto;max-width:60em;padding:0 1em;color:#222}
h1{font-size:1.5em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.2em .6em;border-bottom:1px solid #eee}
th{text-align:left;background:#f4f4f4}td.n{text-align:right;font-variant-numeric:tabular-nums}
.note{color:#555;font-size:.92em}.charts{display:flex;flex-wrap:wrap;gap:1em}
footer{margin-top:3em;color:#666;font-size:.85em}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{_e(c)}</td>' if i else f"<td>{_e(c)}</td>" for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _p(text: str, cls: str = "") -> str:
    return f'<p class="{cls}">{_e(text)}</p>' if cls else f"<p>{_e(text)}</p>"


def _thin(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    if len(points) <= MAX_POINTS:
        return points
    step = (len(points) - 1) / (MAX_POINTS - 1)
    return [points[round(i * step)] for i in range(MAX_POINTS)]


def _roc(series: Mapping[str, Figures], title: str, w: Mapping[str, str]) -> str:
    curves = {name: _thin(f.roc.points()) for name, f in series.items() if f.roc is not None}
    if not curves:
        return ""
    return line_chart(curves, x_label=w["x_roc"], y_label=w["y_roc"], title=title, diagonal=True)


def _calibration_chart(
    rows: Sequence[CalibrationRow], by: str, level: float, w: Mapping[str, str]
) -> str:
    with_expected = any(r.expected is not None for r in rows)
    title = w["cal_chart" if with_expected else "cal_chart_plain"].format(
        by=w[by], lvl=level_text(level)
    )
    return bar_chart(
        [key_text(r.key) for r in rows],
        [100 * r.rate for r in rows],
        targets=[None if r.expected is None else 100 * r.expected for r in rows],
        intervals=[(100 * r.ci_low, 100 * r.ci_high) for r in rows],
        title=title,
        unit="%",
    )


def _calibration_table(
    rows: Sequence[CalibrationRow], by: str, level: float, w: Mapping[str, str]
) -> str:
    return _table(*calibration_table(rows, w, by, level))


def _calibration(cal: Calibration, w: Mapping[str, str]) -> str:
    parts = []
    if cal.expected is not None:
        by = w[f"by_{cal.expected.by}"]
        parts.append(_p(w["expected_source"].format(by=by, source=cal.expected.source)))
    charts = []
    if cal.by_level is not None:
        charts.append(_calibration_chart(cal.by_level, "level", cal.level, w))
    charts.append(_calibration_chart(cal.by_score, "score", cal.level, w))
    parts.append(f'<div class="charts">{"".join(charts)}</div>')
    if cal.by_level is not None:
        parts.append(f"<h3>{_e(w['h_cal_level'])}</h3>")
        parts.append(_calibration_table(cal.by_level, "level", cal.level, w))
    parts.append(f"<h3>{_e(w['h_cal_score'])}</h3>")
    parts.append(_calibration_table(cal.by_score, "score", cal.level, w))
    return "".join(parts)


def _auc_text(f: Figures, level: float, w: Mapping[str, str]) -> str:
    a = f.auc
    if a is None:
        return w[f"status_{f.status}"]
    if a.ci is None or a.se is None:
        return w["auc_no_ci"].format(auc=fmt(a.auc))
    return w["auc"].format(
        auc=fmt(a.auc), lvl=level_text(level), lo=fmt(a.ci[0]), hi=fmt(a.ci[1]), se=fmt(a.se)
    )


def _groups(report: ValidityReport, column: str, w: Mapping[str, str]) -> str:
    ref = report.references[column]
    parts = [
        f"<h2>{_e(w['h_groups'].format(column=column, ref=ref, why=w[report.chosen[column]]))}</h2>"
    ]
    with_cut = report.overall.cut is not None
    header, rows = group_table(report, column, w, RATES)
    parts.append(_table(header, rows))
    for value, f in report.groups[column].items():
        if f.status != "ok":
            parts.append(_p(f"{value}: {w['status_' + f.status]}", "note"))
    series = {w["all"]: report.overall, **report.groups[column]}
    parts.append(_roc(series, w["roc_groups"].format(column=column), w))
    parts.append(f"<h3>{_e(w['h_differences'].format(ref=ref))}</h3>")
    names = ["base_rate", "auc", *(GROUP_RATES if with_cut else ()), "brier"]
    diff_rows = []
    for value, comparison in report.differences[column].items():
        diff = comparison.vs_reference
        if diff is None:
            continue
        cells = [value]
        for name in names:
            number = diff[name]
            cells.append(signed(number) if name in ("auc", "brier") else pp(number))
        diff_rows.append(cells)
    labels = {"base_rate": w["base_rate"], "auc": "AUC", "brier": "Brier"}
    header = [w["group"], *(labels.get(n) or w[f"s_{n}"] for n in names)]
    parts.append(_table(header, diff_rows))
    return "".join(parts)


def _report(study: Study, report: ValidityReport, w: Mapping[str, str]) -> str:
    o = report.overall
    title = w["title"].format(score=study.score, outcome=study.outcome, file=study.file)
    parts = [
        f"<h1>{_e(title)}</h1>",
        _p(w["sample"].format(n=o.n, pos=o.positives, rate=pct(o.base_rate))),
        f"<h2>{_e(w['h_discrimination'])}</h2>",
        _p(_auc_text(o, report.level, w)),
    ]
    if report.bootstrap is not None:
        b = report.bootstrap
        text = w["bootstrap"].format(
            b=b.resamples, seed=b.seed, lvl=level_text(b.level), lo=fmt(b.ci_low), hi=fmt(b.ci_high)
        )
        parts.append(_p(text))
    if o.auc is not None and o.auc.se == 0:
        parts.append(_p(w["auc_separated"]))
    parts.append(_p(w["auc_meaning"], "note"))
    parts.append(_roc({w["all"]: o}, w["roc_title"], w))
    if o.cut is None:
        parts.append(_p(w["no_cut"], "note"))
    else:
        c = o.cut
        parts.append(f"<h2>{_e(w['h_cut'].format(cut=f'{c.cut:g}'))}</h2>")
        flagged = w["flagged"].format(
            flagged=c.flagged, n=c.n, rate=pct(c.flagged_rate), tp=c.tp, fp=c.fp, tn=c.tn, fn=c.fn
        )
        parts.append(_p(flagged))
        rows = []
        for name in RATES:
            value = getattr(c, name)
            shown = pct(value) if value is not None else w["undefined"].format(why=w[f"why_{name}"])
            rows.append([w[name], shown])
        parts.append(_table(["", ""], rows))
    if o.calibration is not None:
        parts.append(f"<h2>{_e(w['h_calibration'])}</h2>")
        parts.append(_calibration(o.calibration, w))
    if o.brier is not None:
        brier = o.brier
        by = None if report.expected is None else report.expected.by
        what = w["brier_expected"].format(by=w[f"by_{by}"]) if by else w["brier_in_sample"]
        parts.append(_p(w["brier"].format(b=fmt(brier.brier), what=what)))
        reference = w["brier_reference"].format(ref=fmt(brier.reference), skill=pct(brier.skill))
        parts.append(_p(reference))
        large = w["in_the_large"].format(
            obs=pct(brier.observed_rate),
            mean=pct(brier.mean_probability),
            diff=pp(brier.in_the_large),
        )
        parts.append(_p(large))
    for column in report.groups:
        parts.append(_groups(report, column, w))
    limits = [
        w["limit_local"].format(n=o.n, pos=o.positives),
        w["limit_ppv"],
        w["limit_fair"],
        w["limit_cause"],
    ]
    parts.append(f"<h2>{_e(w['h_limits'])}</h2><ul>")
    parts += [f"<li>{_e(text)}</li>" for text in limits]
    parts.append("</ul>")
    return "".join(parts)


def _agreement(a: Agreement, w: Mapping[str, str]) -> str:
    first, second = a.raters
    parts = [f"<h2>{_e(w['h_raters'].format(a=first, b=second, n=a.icc.targets))}</h2>"]
    i = a.icc
    if i.icc is None or i.ci_low is None or i.ci_high is None:
        parts.append(_p(w["icc_none"]))
    else:
        parts.append(
            _p(
                w["icc"].format(
                    icc=fmt(i.icc), lvl=level_text(i.level), lo=fmt(i.ci_low), hi=fmt(i.ci_high)
                )
            )
        )
    k = a.kappa.kappa
    parts.append(_p(w["kappa_none"] if k is None else w["kappa"].format(k=fmt(k))))
    parts.append(_p(w["mean_difference"].format(a=first, b=second, d=signed(a.mean_difference, 2))))
    return "".join(parts)


def _norms(n: Norms, score: str, w: Mapping[str, str]) -> str:
    shares = [100 * r.n / n.n for r in n.ranks]
    heading = w["h_norms"].format(score=score, n=n.n, mean=fmt(n.mean, 2), sd=fmt(n.sd, 2))
    return "".join(
        [
            f"<h2>{_e(heading)}</h2>",
            bar_chart(
                [f"{r.score:g}" for r in n.ranks],
                shares,
                title=w["distribution"],
                max_value=max(shares),
            ),
            _table(
                [w["percentile"], w["score"]],
                [[f"{p:g}", f"{s:g}"] for p, s in n.percentiles.items()],
            ),
            _table(
                [w["score"], "n", w["rank"], w["cumulative"]],
                [
                    [f"{r.score:g}", str(r.n), f"{r.percentile_rank:.1f}", f"{r.cumulative:.1f} %"]
                    for r in n.ranks
                ],
            ),
        ]
    )


def _recalibration(r: Recalibration, score: str, w: Mapping[str, str]) -> str:
    rows = [
        [name, f"{cut:g}", pct(t), pct(o), str(c)]
        for name, cut, t, o, c in zip(
            r.levels, r.cutoffs, r.targets, r.obtained, r.counts, strict=True
        )
    ]
    chart = bar_chart(
        list(r.levels),
        [100 * o for o in r.obtained],
        targets=[100 * t for t in r.targets],
        title=f"{w['obtained']} / {w['target']}",
    )
    return (
        f"<h2>{_e(w['h_recal'].format(score=score, n=r.n))}</h2>"
        + chart
        + _table([w["level"], w["from"], w["target"], w["obtained"], "n"], rows)
    )


def study_html(study: Study, lang: str = "es", *, version: str = "") -> str:
    """The whole study as one self-contained HTML page, in ``lang`` (``es`` or ``en``).

    Args:
        study: what was computed.
        lang: ``es`` or ``en``.
        version: rnr's version, for the footer.
    """
    w = vwords(lang)
    body = []
    if study.report is not None:
        body.append(_report(study, study.report, w))
    if study.agreement is not None:
        body.append(_agreement(study.agreement, w))
    if study.norms is not None:
        body.append(_norms(study.norms, study.score or "", w))
    if study.recalibration is not None:
        body.append(_recalibration(study.recalibration, study.score or "", w))
    footer = _e(w["sources"]) + (
        " " + _e(w["generated"].format(version=version)) if version else ""
    )
    return (
        f'<!DOCTYPE html>\n<html lang="{_e(lang)}"><head><meta charset="utf-8">'
        f"<title>{_e(w['html_title'])} · {_e(study.file)}</title><style>{_CSS}</style></head>"
        f"<body>{''.join(body)}<footer>{footer}</footer></body></html>\n"
    )
