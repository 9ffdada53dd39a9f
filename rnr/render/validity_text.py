"""The readable report of a local study (``rnr validate``), in Spanish or English.

The sentences are :class:`~rnr.render.validity_words.StudyWords` (the
catalogue's ``validity`` area); this module wraps them into lines and pads
the tables into columns. The tables are shared with the HTML report.

>>> from rnr.validity import validate
>>> from rnr.validity.study import Study
>>> report = validate([1, 3, 4, 8, 9, 12], [0, 0, 1, 0, 1, 1], cut=8)
>>> lines = study_lines(Study("datos.csv", 6, "total", "reincide", report=report), "es")
>>> lines[0]
'Validez de «total» para predecir «reincide» · datos.csv'
>>> lines[1]
'  6 personas; 3 con el resultado (tasa base 50,0 %)'
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from rnr.render.validity_words import StudyWords, study_words
from rnr.validity.accuracy import BrierResult
from rnr.validity.calibrate import Calibration, CalibrationRow
from rnr.validity.classification import Classification
from rnr.validity.percentiles import Norms, Recalibration
from rnr.validity.reliability import Agreement
from rnr.validity.report import ValidityReport
from rnr.validity.study import Study

__all__ = [
    "GROUP_RATES",
    "calibration_table",
    "group_table",
    "percentile_table",
    "rank_table",
    "recalibration_table",
    "study_lines",
    "table",
]

#: The classification rates shown per group (with a cut).
GROUP_RATES = ("fpr", "fnr", "ppv")

WIDTH = 100

Table = tuple[list[str], list[list[str]]]


def _wrap(text: str, first: str = "  ", indent: str = "    ") -> list[str]:
    return textwrap.wrap(
        text, width=WIDTH, initial_indent=first, subsequent_indent=indent, break_on_hyphens=False
    )


def table(header: Sequence[str], rows: Sequence[Sequence[str]], indent: str = "  ") -> list[str]:
    """Rows padded into columns: the first left-aligned, the others right-aligned.

    >>> table(["a", "bb"], [["x", "1"], ["yy", "22"]])
    ['  a   bb', '  x    1', '  yy  22']
    """
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = []
    for r in [header, *rows]:
        cells = [r[0].ljust(widths[0])] + [
            c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)
        ]
        out.append((indent + "  ".join(cells)).rstrip())
    return out


def calibration_table(
    rows: Sequence[CalibrationRow], w: StudyWords, key: str, level: float
) -> Table:
    """The header and rows of a calibration table by ``key`` (``level`` or ``score``)."""
    header = [w(key), w("n"), w("events"), w("observed"), w("ci", lvl=w.confidence(level))]
    with_expected = any(r.expected is not None for r in rows)
    if with_expected:
        header += [w("expected"), w("difference")]
    body = []
    for r in rows:
        cells = [
            w.key(r.key),
            w.count(r.n),
            w.count(r.events),
            w.pct(r.rate),
            w.interval(w.pct(r.ci_low), w.pct(r.ci_high)),
        ]
        if with_expected:
            cells += [w.pct(r.expected), w.pp(r.difference)]
        body.append(cells)
    return header, body


def group_table(report: ValidityReport, column: str, w: StudyWords, rates: Sequence[str]) -> Table:
    """The header and rows of the table of one group column, with ``rates`` (with a cut)."""
    with_cut = report.overall.cut is not None
    header = [w("group"), w("n"), w("base_rate"), w("auc_ci")]
    if with_cut:
        header += [w(f"s_{name}") for name in rates]
    header += [w("brier_name"), w("d_auc")]
    rows = []
    for value, f in report.groups[column].items():
        a = f.auc
        auc = (
            w("none")
            if a is None
            else w.num(a.auc) + (f" {w.interval(w.num(a.ci[0]), w.num(a.ci[1]))}" if a.ci else "")
        )
        cells = [w.names.value(column, value), w.count(f.n), w.pct(f.base_rate), auc]
        if with_cut:
            cells += [w.pct(f.value(name)) for name in rates]
        diff = report.differences[column][value].vs_reference
        d_auc = w("ref") if diff is None else w.signed(diff["auc"])
        if diff is not None and diff.auc_ci is not None:
            d_auc += f" {w.interval(w.signed(diff.auc_ci[0]), w.signed(diff.auc_ci[1]))}"
        cells += [w.num(None if f.brier is None else f.brier.brier), d_auc]
        rows.append(cells)
    return header, rows


def percentile_table(n: Norms, w: StudyWords) -> Table:
    """The score at each percentile of the local norms."""
    rows = [[w.plain(p), w.plain(s)] for p, s in n.percentiles.items()]
    return [w("percentile"), w("score")], rows


def rank_table(n: Norms, w: StudyWords) -> Table:
    """How many people have each score, its percentile rank and the cumulative share."""
    header = [w("score"), w("n"), w("rank"), w("cumulative")]
    rows = [
        [w.plain(r.score), w.count(r.n), w.num(r.percentile_rank, 1), w.pct(r.cumulative / 100)]
        for r in n.ranks
    ]
    return header, rows


def recalibration_table(r: Recalibration, w: StudyWords) -> Table:
    """Each level's recalibrated cut-off, its target share and the share obtained."""
    header = [w("level"), w("from"), w("target"), w("obtained"), w("n")]
    rows = [
        [name, w.plain(cut), w.pct(t), w.pct(o), w.count(c)]
        for name, cut, t, o, c in zip(
            r.levels, r.cutoffs, r.targets, r.obtained, r.counts, strict=True
        )
    ]
    return header, rows


def _cut_lines(cut: Classification, w: StudyWords) -> list[str]:
    lines = [w.cut_heading(cut), "  " + w.flagged(cut)]
    lines += [f"  {name}: {shown}" for name, shown in w.rates(cut)]
    return lines


def _calibration_lines(cal: Calibration, w: StudyWords) -> list[str]:
    lines = [w("h_cal_level" if cal.by_level is not None else "h_cal_score")]
    if cal.expected is not None:
        lines += _wrap(w.expected_source(cal.expected))
    if cal.by_level is not None:
        lines += table(*calibration_table(cal.by_level, w, "level", cal.level))
        lines.append("  " + w("by_score_elsewhere"))
    else:
        lines += table(*calibration_table(cal.by_score, w, "score", cal.level))
    return lines


def _brier_lines(b: BrierResult, expected_by: str | None, w: StudyWords) -> list[str]:
    return [
        *_wrap(w.brier(b, expected_by), ""),
        "  " + w.brier_reference(b),
        "  " + w.in_the_large(b),
    ]


def _group_lines(report: ValidityReport, column: str, w: StudyWords) -> list[str]:
    lines = [w.groups_heading(report, column)]
    with_cut = report.overall.cut is not None
    lines += table(*group_table(report, column, w, GROUP_RATES))
    lines += [
        f"  {w.names.value(column, value)}: {w('status_' + f.status)}"
        for value, f in report.groups[column].items()
        if f.status != "ok"
    ]
    lines.append("  " + w("h_differences", ref=w.reference(report, column)))
    for value, comparison in report.differences[column].items():
        diff = comparison.vs_reference
        if diff is None:
            continue
        parts = [
            f"{w('base_rate')} {w.pp(diff['base_rate'])}",
            f"{w('auc_name')} {w.signed(diff['auc'])}",
        ]
        if with_cut:
            parts += [f"{w('s_' + name)} {w.pp(diff[name])}" for name in GROUP_RATES]
        parts.append(f"{w('brier_name')} {w.signed(diff['brier'])}")
        shown = w.names.value(column, value)
        lines.append("    " + w("d_line", value=shown, parts=" · ".join(parts)))
    return lines


def _report_lines(study: Study, report: ValidityReport, w: StudyWords) -> list[str]:
    o = report.overall
    lines = [
        w.title(study),
        "  " + w.sample(o),
        w("h_discrimination"),
        "  " + w.auc(o, report.level),
    ]
    if report.bootstrap is not None:
        lines.append("  " + w.bootstrap(report.bootstrap))
    if o.auc is not None and o.auc.se == 0:
        lines += _wrap(w("auc_separated"))
    lines += _wrap(w("auc_meaning"))
    lines += _cut_lines(o.cut, w) if o.cut is not None else [w("no_cut")]
    if o.calibration is not None:
        lines += _calibration_lines(o.calibration, w)
    if o.brier is not None:
        expected_by = None if report.expected is None else report.expected.by
        lines += _brier_lines(o.brier, expected_by, w)
    for column in report.groups:
        lines += _group_lines(report, column, w)
    lines.append(w("h_limits"))
    for text in w.limits(o):
        lines += _wrap(text, "  - ", "    ")
    return lines


def _agreement_lines(a: Agreement, w: StudyWords) -> list[str]:
    lines = [w.raters_heading(a)]
    if a.icc.icc is None or a.icc.ci_low is None or a.icc.ci_high is None:
        lines.append("  " + w.icc(a))
    else:
        lines += _wrap(w.icc(a))
    lines.append("  " + w.kappa(a))
    lines.append("  " + w.mean_difference(a))
    return lines


def _norms_lines(n: Norms, score: str, w: StudyWords) -> list[str]:
    lines = [w.norms_heading(n, score)]
    lines += table(*percentile_table(n, w))
    lines += table(*rank_table(n, w))
    return lines


def _recalibration_lines(r: Recalibration, score: str, w: StudyWords) -> list[str]:
    return [w.recalibration_heading(r, score), *table(*recalibration_table(r, w))]


def study_lines(study: Study, lang: str = "es") -> list[str]:
    """Every section of ``study`` as readable lines, in ``lang`` (``es`` or ``en``)."""
    w = study_words(lang, study)
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
