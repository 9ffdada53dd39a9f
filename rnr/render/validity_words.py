"""The sentences and number formats of the validity reports (text and HTML), in one place.

The words are the ``validity`` area of the message catalogue
(:mod:`rnr.render.messages`); :class:`StudyWords` puts a study's figures
into them, once for both reports. Column names and group values come from
the agency's data and are never translated.

>>> w = study_words("en")
>>> w("h_limits")
'What these figures cannot say'
>>> fmt(0.71234), pct(0.3214), pp(-0.021), signed(0.0213), level_text(0.95)
('0.712', '32.1 %', '-2.1 pp', '+0.021', '95 %')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from rnr.render.messages import LOCALES, Catalogue, catalogue
from rnr.validity.accuracy import BrierResult
from rnr.validity.calibrate import CalibrationRow, Expected
from rnr.validity.classification import RATES, Classification
from rnr.validity.discrimination import BootstrapResult
from rnr.validity.percentiles import Norms, Recalibration
from rnr.validity.reliability import Agreement
from rnr.validity.report import ValidityReport
from rnr.validity.study import Study
from rnr.validity.subgroups import Figures

__all__ = [
    "NONE",
    "StudyWords",
    "fmt",
    "key_text",
    "level_text",
    "pct",
    "pp",
    "signed",
    "study_words",
]

#: What a figure that cannot be computed prints as.
NONE = "—"


def fmt(value: float | None, decimals: int = 3) -> str:
    """A number with ``decimals`` decimals, or "—".

    >>> fmt(0.71234), fmt(None)
    ('0.712', '—')
    """
    return NONE if value is None else f"{value:.{decimals}f}"


def pct(value: float | None) -> str:
    """A share as a percentage with one decimal, or "—".

    >>> pct(0.3214)
    '32.1 %'
    """
    return NONE if value is None else f"{100 * value:.1f} %"


def pp(value: float | None) -> str:
    """A difference of shares in percentage points, signed, or "—".

    >>> pp(-0.021)
    '-2.1 pp'
    """
    return NONE if value is None else f"{100 * value:+.1f} pp"


def signed(value: float | None, decimals: int = 3) -> str:
    """A signed number, or "—".

    >>> signed(0.0213)
    '+0.021'
    """
    return NONE if value is None else f"{value:+.{decimals}f}"


def level_text(level: float) -> str:
    """A confidence level as a percentage: ``0.95`` → ``95 %``."""
    return f"{100 * level:g} %"


def key_text(key: object) -> str:
    """A calibration row's key: a score without trailing zeros, or a level name."""
    return f"{key:g}" if isinstance(key, float) else str(key)


def study_words(lang: str) -> StudyWords:
    """The validity reports' words in ``lang`` (Spanish for a language without its own)."""
    return StudyWords(catalogue(lang if lang in LOCALES else LOCALES[0]))


@attrs.frozen
class StudyWords:
    """A study's sentences in one language: ``w("key", **params)``, or a method per sentence.

    The methods are the sentences both reports print, filled from the
    study's figures; the text report wraps them into lines and the HTML
    template places them in the page.
    """

    catalogue: Catalogue

    def __call__(self, key: str, /, **params: Any) -> str:
        """The sentence of ``validity.<key>`` with ``params`` filled in."""
        return self.catalogue(f"validity.{key}", **params)

    def title(self, study: Study) -> str:
        """What was validated against what, from which file."""
        return self("title", score=study.score, outcome=study.outcome, file=self.file(study))

    def file(self, study: Study) -> str:
        """The data file's name, or the store and the selection taken from it."""
        return study.file if isinstance(study.file, str) else self.catalogue.say(study.file)

    def sample(self, figures: Figures) -> str:
        """How many people, how many with the outcome, the base rate."""
        return self("sample", n=figures.n, pos=figures.positives, rate=pct(figures.base_rate))

    def auc(self, figures: Figures, level: float) -> str:
        """The AUC with its DeLong interval, or why there is none."""
        a = figures.auc
        if a is None:
            return self(f"status_{figures.status}")
        if a.ci is None or a.se is None:
            return self("auc_no_ci", auc=fmt(a.auc))
        lo, hi = a.ci
        return self(
            "auc", auc=fmt(a.auc), lvl=level_text(level), lo=fmt(lo), hi=fmt(hi), se=fmt(a.se)
        )

    def bootstrap(self, b: BootstrapResult) -> str:
        """The bootstrap interval of the AUC."""
        return self(
            "bootstrap",
            b=b.resamples,
            seed=b.seed,
            lvl=level_text(b.level),
            lo=fmt(b.ci_low),
            hi=fmt(b.ci_high),
        )

    def cut_heading(self, cut: Classification) -> str:
        """The heading of the cut-off's figures."""
        return self("h_cut", cut=f"{cut.cut:g}")

    def flagged(self, cut: Classification) -> str:
        """How many the cut flags, and the four counts."""
        return self(
            "flagged",
            flagged=cut.flagged,
            n=cut.n,
            rate=pct(cut.flagged_rate),
            tp=cut.tp,
            fp=cut.fp,
            tn=cut.tn,
            fn=cut.fn,
        )

    def rates(self, cut: Classification) -> list[list[str]]:
        """Each rate of the cut, named, as a percentage or why it is not computed."""
        rows = []
        for name in RATES:
            value = getattr(cut, name)
            if value is None:
                shown = self("undefined", why=self.catalogue.say(cut.notes[name]))
            else:
                shown = pct(value)
            rows.append([self(name), shown])
        return rows

    def expected_source(self, expected: Expected) -> str:
        """Where the expected rates come from."""
        return self("expected_source", by=self(f"by_{expected.by}"), source=expected.source)

    def calibration_chart(self, rows: Sequence[CalibrationRow], by: str, level: float) -> str:
        """The title of a calibration chart by ``by`` (``level`` or ``score``)."""
        with_expected = any(r.expected is not None for r in rows)
        key = "cal_chart" if with_expected else "cal_chart_plain"
        return self(key, by=self(by), lvl=level_text(level))

    def brier(self, b: BrierResult, expected_by: str | None) -> str:
        """The Brier score and what it scores."""
        if b.source == "expected" and expected_by is not None:
            what = self("brier_expected", by=self(f"by_{expected_by}"))
        else:
            what = self("brier_in_sample")
        return self("brier", b=fmt(b.brier), what=what)

    def brier_reference(self, b: BrierResult) -> str:
        """The reference Brier score and the skill."""
        return self("brier_reference", ref=fmt(b.reference), skill=pct(b.skill))

    def in_the_large(self, b: BrierResult) -> str:
        """Calibration in the large."""
        return self(
            "in_the_large",
            obs=pct(b.observed_rate),
            mean=pct(b.mean_probability),
            diff=pp(b.in_the_large),
        )

    def groups_heading(self, report: ValidityReport, column: str) -> str:
        """The heading of a group column, with its reference and why it is the reference."""
        ref = report.references[column]
        return self("h_groups", column=column, ref=ref, why=self(report.chosen[column]))

    def limits(self, figures: Figures) -> list[str]:
        """What the figures cannot say."""
        local = self("limit_local", n=figures.n, pos=figures.positives)
        return [local, self("limit_ppv"), self("limit_fair"), self("limit_cause")]

    def raters_heading(self, a: Agreement) -> str:
        """The heading of the two raters' agreement."""
        first, second = a.raters
        return self("h_raters", a=first, b=second, n=a.icc.targets)

    def icc(self, a: Agreement) -> str:
        """ICC(2,1) with its interval, or why it is not computed."""
        i = a.icc
        if i.icc is None:
            return self("icc_none")
        if i.ci_low is None or i.ci_high is None:
            why = self.catalogue.say(i.note) if i.note is not None else self("none")
            return self("icc_no_ci", icc=fmt(i.icc), why=why)
        return self(
            "icc", icc=fmt(i.icc), lvl=level_text(i.level), lo=fmt(i.ci_low), hi=fmt(i.ci_high)
        )

    def kappa(self, a: Agreement) -> str:
        """The weighted kappa, or why it is not computed."""
        k = a.kappa.kappa
        return self("kappa_none") if k is None else self("kappa", k=fmt(k))

    def mean_difference(self, a: Agreement) -> str:
        """The mean difference between the two raters."""
        first, second = a.raters
        return self("mean_difference", a=first, b=second, d=signed(a.mean_difference, 2))

    def norms_heading(self, n: Norms, score: str) -> str:
        """The heading of the local norms."""
        return self("h_norms", score=score, n=n.n, mean=fmt(n.mean, 2), sd=fmt(n.sd, 2))

    def recalibration_heading(self, r: Recalibration, score: str) -> str:
        """The heading of the recalibrated cut-offs."""
        return self("h_recal", score=score, n=r.n)
