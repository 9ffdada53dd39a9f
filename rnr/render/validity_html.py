"""The self-contained HTML report of a local study: inline CSS and SVG, no script, no network.

The page is the template ``rnr/render/templates/validity.html.j2``, rendered
in the autoescaped HTML environment (:mod:`rnr.render.environment`), so
every value from the data (a file name, a column, a group value) is escaped.
It has the ROC curve (whole sample and per group), the calibration plot
(observed rate per level or score with its interval, and the expected rate
as a marker where given), every table of the readable report, and the
limits of the figures. The sentences are
:class:`~rnr.render.validity_words.StudyWords`; the charts are
:mod:`rnr.render.charts`.

>>> from rnr.validity import validate
>>> from rnr.validity.study import Study
>>> report = validate([1, 3, 4, 8, 9, 12], [0, 0, 1, 0, 1, 1], groups={"g": list("aabbab")})
>>> page = study_html(Study("<datos>.csv", 6, "total", "reincide", ("g",), report=report))
>>> page.startswith("<!DOCTYPE html>"), "<script" in page, "&lt;datos&gt;.csv" in page
(True, False, True)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from rnr.render.charts import bar_chart, line_chart
from rnr.render.environment import environment
from rnr.render.validity_text import (
    GROUP_RATES,
    Table,
    calibration_table,
    group_table,
    percentile_table,
    rank_table,
    recalibration_table,
)
from rnr.render.validity_words import StudyWords, study_words
from rnr.validity.calibrate import CalibrationRow
from rnr.validity.classification import RATES
from rnr.validity.percentiles import Norms, Recalibration
from rnr.validity.report import ValidityReport
from rnr.validity.study import Study
from rnr.validity.subgroups import Figures

__all__ = ["study_html"]

#: The most points drawn per ROC curve (evenly thinned beyond).
MAX_POINTS = 400


def _thin(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    if len(points) <= MAX_POINTS:
        return points
    step = (len(points) - 1) / (MAX_POINTS - 1)
    return [points[round(i * step)] for i in range(MAX_POINTS)]


@attrs.frozen
class _StudyPage:
    """What the template asks of a study besides its sentences: tables and charts.

    Tables are ``(header, rows)`` of text; charts are ``<svg>`` elements,
    their labels already escaped.
    """

    w: StudyWords

    def roc(self, series: Mapping[str, Figures], title: str) -> str:
        """The ROC curves of ``series`` (name → figures), or "" when none has one."""
        curves = {name: _thin(f.roc.points()) for name, f in series.items() if f.roc is not None}
        if not curves:
            return ""
        return line_chart(
            curves,
            x_label=self.w("x_roc"),
            y_label=self.w("y_roc"),
            title=title,
            diagonal=True,
            lang=self.w.catalogue.lang,
        )

    def group_series(self, report: ValidityReport, column: str) -> dict[str, Figures]:
        """The whole sample, then each group of ``column`` by its name: a group chart's curves."""
        groups = report.groups[column].items()
        named = {self.w.names.value(column, value): f for value, f in groups}
        return {self.w("all"): report.overall, **named}

    def calibration_chart(self, rows: Sequence[CalibrationRow], by: str, level: float) -> str:
        """Observed rates by ``by`` (``level`` or ``score``) with intervals and expected rates."""
        return bar_chart(
            [self.w.key(r.key) for r in rows],
            [100 * r.rate for r in rows],
            targets=[None if r.expected is None else 100 * r.expected for r in rows],
            intervals=[(100 * r.ci_low, 100 * r.ci_high) for r in rows],
            title=self.w.calibration_chart(rows, by, level),
            unit="%",
            lang=self.w.catalogue.lang,
        )

    def calibration_table(self, rows: Sequence[CalibrationRow], by: str, level: float) -> Table:
        """The calibration table by ``by``."""
        return calibration_table(rows, self.w, by, level)

    def group_table(self, report: ValidityReport, column: str) -> Table:
        """The table of one group column, with every rate of the cut."""
        return group_table(report, column, self.w, RATES)

    def differences_table(self, report: ValidityReport, column: str) -> Table:
        """Each group's differences from the reference group."""
        names = [
            "base_rate",
            "auc",
            *(GROUP_RATES if report.overall.cut is not None else ()),
            "brier",
        ]
        labels = {"base_rate": "base_rate", "auc": "auc_name", "brier": "brier_name"}
        header = [self.w("group"), *(self.w(labels.get(n) or f"s_{n}") for n in names)]
        rows = []
        for value, comparison in report.differences[column].items():
            diff = comparison.vs_reference
            if diff is None:
                continue
            cells = [self.w.names.value(column, value)]
            for name in names:
                number = diff[name]
                cells.append(
                    self.w.signed(number) if name in ("auc", "brier") else self.w.pp(number)
                )
            rows.append(cells)
        return header, rows

    def norms_chart(self, n: Norms) -> str:
        """How many people have each score (whole numbers)."""
        return bar_chart(
            [self.w.plain(r.score) for r in n.ranks],
            [float(r.n) for r in n.ranks],
            title=self.w("distribution"),
            unit="",
            decimals=0,
            lang=self.w.catalogue.lang,
        )

    def percentile_table(self, n: Norms) -> Table:
        """The score at each percentile."""
        return percentile_table(n, self.w)

    def rank_table(self, n: Norms) -> Table:
        """Percentile rank and cumulative share of each score."""
        return rank_table(n, self.w)

    def recalibration_chart(self, r: Recalibration) -> str:
        """The share obtained at each level against its target."""
        return bar_chart(
            list(r.levels),
            [100 * o for o in r.obtained],
            targets=[100 * t for t in r.targets],
            title=self.w("recal_chart"),
            lang=self.w.catalogue.lang,
        )

    def recalibration_table(self, r: Recalibration) -> Table:
        """The recalibrated cut-offs."""
        return recalibration_table(r, self.w)


def study_html(study: Study, lang: str = "es", *, version: str = "") -> str:
    """The whole study as one self-contained HTML page, in ``lang`` (``es`` or ``en``).

    Args:
        study: what was computed.
        lang: ``es`` or ``en`` (Spanish for a language without its own words).
        version: rnr's version, for the footer.
    """
    w = study_words(lang, study)
    template = environment("html").get_template("validity.html.j2")
    return template.render(
        study=study,
        lang=lang,
        version=version,
        w=w,
        page=_StudyPage(w),
        score=study.score or "",
    )
