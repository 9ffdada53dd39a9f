"""The readable report of a local study (``rnr validate``), in Spanish or English.

>>> from rnr.validity import validate
>>> from rnr.validity.study import Study
>>> report = validate([1, 3, 4, 8, 9, 12], [0, 0, 1, 0, 1, 1], cut=8)
>>> lines = study_lines(Study("datos.csv", 6, "total", "reincide", report=report), "es")
>>> lines[0]
'Validez de «total» para predecir «reincide» · datos.csv'
>>> lines[1]
'  6 personas; 3 con el resultado (tasa base 50.0 %)'
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

from rnr.render.validity_words import fmt, key_text, level_text, pct, pp, signed, vwords
from rnr.validity.accuracy import BrierResult
from rnr.validity.calibrate import Calibration, CalibrationRow
from rnr.validity.classification import RATES, Classification
from rnr.validity.percentiles import Norms, Recalibration
from rnr.validity.reliability import Agreement
from rnr.validity.report import ValidityReport
from rnr.validity.study import Study
from rnr.validity.subgroups import Figures

__all__ = ["GROUP_RATES", "calibration_table", "group_table", "study_lines", "table"]

#: The classification rates shown per group (with a cut).
GROUP_RATES = ("fpr", "fnr", "ppv")

WIDTH = 100


def _wrap(text: str, first: str = "  ", indent: str = "    ") -> list[str]:
    return textwrap.wrap(
        text, width=WIDTH, initial_indent=first, subsequent_indent=indent, break_on_hyphens=False
    )


def table(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Rows padded into columns: the first left-aligned, the others right-aligned.

    >>> table(["a", "bb"], [["x", "1"], ["yy", "22"]])
    ['  a    bb', '  x     1', '  yy   22']
    """
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = []
    for r in [header, *rows]:
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)
        ]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def _auc_text(figures: Figures, w: Mapping[str, str], level: float) -> str:
    a = figures.auc
    if a is None:
        return w[f"status_{figures.status}"]
    if a.ci is None or a.se is None:
        return w["auc_no_ci"].format(auc=fmt(a.auc))
    return w["auc"].format(
        auc=fmt(a.auc), lvl=level_text(level), lo=fmt(a.ci[0]), hi=fmt(a.ci[1]), se=fmt(a.se)
    )


def _cut_lines(cut: Classification, w: Mapping[str, str]) -> list[str]:
    lines = [
        w["h_cut"].format(cut=f"{cut.cut:g}"),
        "  "
        + w["flagged"].format(
            flagged=cut.flagged,
            n=cut.n,
            rate=pct(cut.flagged_rate),
            tp=cut.tp,
            fp=cut.fp,
            tn=cut.tn,
            fn=cut.fn,
        ),
    ]
    for name in RATES:
        value = getattr(cut, name)
        shown = pct(value) if value is not None else w["undefined"].format(why=w[f"why_{name}"])
        lines.append(f"  {w[name]}: {shown}")
    return lines


def calibration_table(
    rows: Sequence[CalibrationRow], w: Mapping[str, str], key: str, level: float
) -> tuple[list[str], list[list[str]]]:
    """The header and rows of a calibration table (the text and HTML reports)."""
    header = [w[key], "n", w["events"], w["observed"], w["ci"].format(lvl=level_text(level))]
    with_expected = any(r.expected is not None for r in rows)
    if with_expected:
        header += [w["expected"], w["difference"]]
    body = []
    for r in rows:
        cells = [
            key_text(r.key),
            str(r.n),
            str(r.events),
            pct(r.rate),
            f"[{pct(r.ci_low)}, {pct(r.ci_high)}]",
        ]
        if with_expected:
            cells += [pct(r.expected), pp(r.difference)]
        body.append(cells)
    return header, body


def _calibration_rows(
    rows: Sequence[CalibrationRow], w: Mapping[str, str], key: str, level: float
) -> list[str]:
    return table(*calibration_table(rows, w, key, level))


def _calibration_lines(cal: Calibration, w: Mapping[str, str]) -> list[str]:
    lines = [w["h_cal_level" if cal.by_level is not None else "h_cal_score"]]
    if cal.expected is not None:
        by = w[f"by_{cal.expected.by}"]
        lines += _wrap(w["expected_source"].format(by=by, source=cal.expected.source))
    if cal.by_level is not None:
        lines += _calibration_rows(cal.by_level, w, "level", cal.level)
        lines.append("  " + w["by_score_elsewhere"])
    else:
        lines += _calibration_rows(cal.by_score, w, "score", cal.level)
    return lines


def _brier_lines(b: BrierResult, expected_by: str | None, w: Mapping[str, str]) -> list[str]:
    if b.source == "expected" and expected_by is not None:
        what = w["brier_expected"].format(by=w[f"by_{expected_by}"])
    else:
        what = w["brier_in_sample"]
    return [
        *_wrap(w["brier"].format(b=fmt(b.brier), what=what), ""),
        "  " + w["brier_reference"].format(ref=fmt(b.reference), skill=pct(b.skill)),
        "  "
        + w["in_the_large"].format(
            obs=pct(b.observed_rate), mean=pct(b.mean_probability), diff=pp(b.in_the_large)
        ),
    ]


def group_table(
    report: ValidityReport, column: str, w: Mapping[str, str], rates: Sequence[str]
) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the table of one group column (the text and HTML reports)."""
    with_cut = report.overall.cut is not None
    header = [w["group"], "n", w["base_rate"], w["auc_ci"]]
    if with_cut:
        header += [w[f"s_{name}"] for name in rates]
    header += ["Brier", w["d_auc"]]
    rows = []
    for value, f in report.groups[column].items():
        a = f.auc
        auc = (
            "—"
            if a is None
            else fmt(a.auc) + (f" [{fmt(a.ci[0])}, {fmt(a.ci[1])}]" if a.ci else "")
        )
        cells = [value, str(f.n), pct(f.base_rate), auc]
        if with_cut:
            cells += [pct(f.value(name)) for name in rates]
        diff = report.differences[column][value].vs_reference
        d_auc = "ref." if diff is None else signed(diff["auc"])
        if diff is not None and diff.auc_ci is not None:
            d_auc += f" [{signed(diff.auc_ci[0])}, {signed(diff.auc_ci[1])}]"
        cells += [fmt(None if f.brier is None else f.brier.brier), d_auc]
        rows.append(cells)
    return header, rows


def _group_lines(report: ValidityReport, column: str, w: Mapping[str, str]) -> list[str]:
    ref = report.references[column]
    lines = [w["h_groups"].format(column=column, ref=ref, why=w[report.chosen[column]])]
    with_cut = report.overall.cut is not None
    lines += table(*group_table(report, column, w, GROUP_RATES))
    lines += [
        f"  {value}: {w['status_' + f.status]}"
        for value, f in report.groups[column].items()
        if f.status != "ok"
    ]
    lines.append("  " + w["h_differences"].format(ref=ref))
    for value, comparison in report.differences[column].items():
        diff = comparison.vs_reference
        if diff is None:
            continue
        parts = [f"{w['base_rate']} {pp(diff['base_rate'])}", f"AUC {signed(diff['auc'])}"]
        if with_cut:
            parts += [f"{w['s_' + name]} {pp(diff[name])}" for name in GROUP_RATES]
        parts.append(f"Brier {signed(diff['brier'])}")
        lines.append("    " + w["d_line"].format(value=value, parts=" · ".join(parts)))
    return lines


def _report_lines(study: Study, report: ValidityReport, w: Mapping[str, str]) -> list[str]:
    o = report.overall
    lines = [
        w["title"].format(score=study.score, outcome=study.outcome, file=study.file),
        "  " + w["sample"].format(n=o.n, pos=o.positives, rate=pct(o.base_rate)),
        w["h_discrimination"],
        "  " + _auc_text(o, w, report.level),
    ]
    if report.bootstrap is not None:
        b = report.bootstrap
        lines.append(
            "  "
            + w["bootstrap"].format(
                b=b.resamples,
                seed=b.seed,
                lvl=level_text(b.level),
                lo=fmt(b.ci_low),
                hi=fmt(b.ci_high),
            )
        )
    if o.auc is not None and o.auc.se == 0:
        lines += _wrap(w["auc_separated"])
    lines += _wrap(w["auc_meaning"])
    lines += _cut_lines(o.cut, w) if o.cut is not None else [w["no_cut"]]
    if o.calibration is not None:
        lines += _calibration_lines(o.calibration, w)
    if o.brier is not None:
        expected_by = None if report.expected is None else report.expected.by
        lines += _brier_lines(o.brier, expected_by, w)
    for column in report.groups:
        lines += _group_lines(report, column, w)
    lines.append(w["h_limits"])
    for text in (
        w["limit_local"].format(n=o.n, pos=o.positives),
        w["limit_ppv"],
        w["limit_fair"],
        w["limit_cause"],
    ):
        lines += _wrap(text, "  - ", "    ")
    return lines


def _agreement_lines(a: Agreement, w: Mapping[str, str]) -> list[str]:
    first, second = a.raters
    lines = [w["h_raters"].format(a=first, b=second, n=a.icc.targets)]
    i = a.icc
    if i.icc is None or i.ci_low is None or i.ci_high is None:
        lines.append("  " + w["icc_none"])
    else:
        text = w["icc"].format(
            icc=fmt(i.icc), lvl=level_text(i.level), lo=fmt(i.ci_low), hi=fmt(i.ci_high)
        )
        lines += _wrap(text)
    k = a.kappa.kappa
    lines.append("  " + (w["kappa_none"] if k is None else w["kappa"].format(k=fmt(k))))
    lines.append(
        "  " + w["mean_difference"].format(a=first, b=second, d=signed(a.mean_difference, 2))
    )
    return lines


def _norms_lines(n: Norms, score: str, w: Mapping[str, str]) -> list[str]:
    lines = [w["h_norms"].format(score=score, n=n.n, mean=fmt(n.mean, 2), sd=fmt(n.sd, 2))]
    lines += table(
        [w["percentile"], w["score"]], [[f"{p:g}", f"{s:g}"] for p, s in n.percentiles.items()]
    )
    lines += table(
        [w["score"], "n", w["rank"], w["cumulative"]],
        [
            [f"{r.score:g}", str(r.n), f"{r.percentile_rank:.1f}", f"{r.cumulative:.1f} %"]
            for r in n.ranks
        ],
    )
    return lines


def _recalibration_lines(r: Recalibration, score: str, w: Mapping[str, str]) -> list[str]:
    lines = [w["h_recal"].format(score=score, n=r.n)]
    lines += table(
        [w["level"], w["from"], w["target"], w["obtained"], "n"],
        [
            [name, f"{cut:g}", pct(t), pct(o), str(c)]
            for name, cut, t, o, c in zip(
                r.levels, r.cutoffs, r.targets, r.obtained, r.counts, strict=True
            )
        ],
    )
    return lines


def study_lines(study: Study, lang: str = "es") -> list[str]:
    """Every section of ``study`` as readable lines, in ``lang`` (``es`` or ``en``)."""
    w = vwords(lang)
    sections: list[list[str]] = []
    if study.report is not None:
        sections.append(_report_lines(study, study.report, w))
    if study.agreement is not None:
        sections.append(_agreement_lines(study.agreement, w))
    if study.norms is not None:
        sections.append(_norms_lines(study.norms, study.score or "", w))
    if study.recalibration is not None:
        sections.append(_recalibration_lines(study.recalibration, study.score or "", w))
    lines: list[str] = []
    for section in sections:
        lines += ([""] if lines else []) + section
    return lines
