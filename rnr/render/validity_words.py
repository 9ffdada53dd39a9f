"""The sentences and figures of the validity reports (text and HTML), in one place.

The words are the ``validity`` area of the message catalogue
(:mod:`rnr.render.messages`); :class:`StudyWords` puts a study's figures
into them, once for both reports, written the reader's way (in Spanish a
decimal comma, ``0,717``; an interval ``[0,493; 0,941]``, its bounds apart
by a semicolon because the comma is the decimal sign). What the columns
and values are called is :class:`~rnr.render.validity_names.StudyNames`:
the agency's own words for a CSV file, names for the ids of the case store.

>>> w = study_words("en")
>>> w("h_limits")
'What these figures cannot say'
>>> es = study_words("es")
>>> es.num(0.71234), es.pct(0.3214), es.pp(-0.021), es.signed(0.0213), es.confidence(0.95)
('0,712', '32,1 %', '-2,1 pp', '+0,021', '95 %')
>>> es.interval(es.num(0.493), es.num(0.941)), w.interval(w.num(0.493), w.num(0.941))
('[0,493; 0,941]', '[0.493, 0.941]')
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from rnr.render.messages import LOCALES, NONE, Catalogue, catalogue, localise
from rnr.render.validity_names import StudyNames
from rnr.validity.accuracy import BrierResult
from rnr.validity.calibrate import CalibrationRow, Expected
from rnr.validity.classification import RATES, Classification
from rnr.validity.discrimination import BootstrapResult
from rnr.validity.percentiles import Norms, Recalibration
from rnr.validity.reliability import Agreement
from rnr.validity.report import ValidityReport
from rnr.validity.study import Study
from rnr.validity.subgroups import Figures

__all__ = ["NONE", "StudyWords", "study_words"]


def study_words(lang: str, study: Study | None = None) -> StudyWords:
    """The validity reports' words in ``lang`` (Spanish for a language without its own).

    Args:
        lang: the reader's language.
        study: the study shown, when its columns come from the case store
            (their ids are then named); ``None`` shows columns as written.
    """
    words = catalogue(lang if lang in LOCALES else LOCALES[0])
    return StudyWords(words, StudyNames.of(study, words))


@attrs.frozen
class StudyWords:
    """A study's sentences in one language: ``w("key", **params)``, or a method per sentence.

    The methods are the sentences both reports print, filled from the
    study's figures; the text report wraps them into lines and the HTML
    template places them in the page.
    """

    catalogue: Catalogue
    names: StudyNames

    def __call__(self, key: str, /, **params: Any) -> str:
        """The sentence of ``validity.<key>`` with ``params`` filled in."""
        return self.catalogue(f"validity.{key}", **params)

    # -- figures ---------------------------------------------------------------------------

    def num(self, value: float | None, decimals: int = 3) -> str:
        """A figure with ``decimals`` decimals (an AUC, a Brier score), or a dash."""
        return self.catalogue.number(value, decimals)

    def count(self, value: int) -> str:
        """A count of people or cases: a whole number, thousands grouped."""
        return self.catalogue.number(value)

    def pct(self, share: float | None) -> str:
        """A share (0 to 1) as a percentage with one decimal, or a dash."""
        return self.catalogue.percent(share)

    def pp(self, difference: float | None) -> str:
        """A difference of shares in signed percentage points, or a dash."""
        if difference is None:
            return NONE
        return self("points", value=self.signed(100 * difference, 1))

    def signed(self, value: float | None, decimals: int = 3) -> str:
        """A signed figure (a difference of AUC or Brier scores), or a dash."""
        return NONE if value is None else localise(value, f"+.{decimals}f", self.catalogue.lang)

    def plain(self, value: float) -> str:
        """A score, a cut-off or a percentile as written, without trailing zeros (``12,5``)."""
        return localise(value, "g", self.catalogue.lang)

    def confidence(self, level: float) -> str:
        """A confidence level as a percentage: ``0.95`` → ``95 %``."""
        return f"{self.plain(100 * level)} %"

    def interval(self, low: str, high: str) -> str:
        """Two bounds already written, as an interval: ``[0,493; 0,941]`` in Spanish."""
        return self("interval", low=low, high=high)

    def key(self, key: object) -> str:
        """A calibration row's key: a score as written, or a level by its name."""
        return self.plain(key) if isinstance(key, float) else self.names.level(str(key))

    # -- sentences -------------------------------------------------------------------------

    def title(self, study: Study) -> str:
        """What was validated against what, from which file."""
        return self(
            "title",
            score=self.names.column(study.score or ""),
            outcome=self.names.column(study.outcome or ""),
            file=self.file(study),
        )

    def file(self, study: Study) -> str:
        """The data file's name, or the store and the selection taken from it."""
        if isinstance(study.file, str):
            return study.file
        return self.names.selection() or self.catalogue.say(study.file)

    def sample(self, figures: Figures) -> str:
        """How many people, how many with the outcome, the base rate."""
        return self(
            "sample",
            count=figures.n,
            pos=self.count(figures.positives),
            rate=self.pct(figures.base_rate),
        )

    def auc(self, figures: Figures, level: float) -> str:
        """The AUC with its DeLong interval, or why there is none."""
        a = figures.auc
        if a is None:
            return self(f"status_{figures.status}")
        if a.ci is None or a.se is None:
            return self("auc_no_ci", auc=self.num(a.auc))
        lo, hi = a.ci
        return self(
            "auc",
            auc=self.num(a.auc),
            lvl=self.confidence(level),
            ci=self.interval(self.num(lo), self.num(hi)),
            se=self.num(a.se),
        )

    def bootstrap(self, b: BootstrapResult) -> str:
        """The bootstrap interval of the AUC."""
        return self(
            "bootstrap",
            b=self.count(b.resamples),
            seed=b.seed,
            lvl=self.confidence(b.level),
            ci=self.interval(self.num(b.ci_low), self.num(b.ci_high)),
        )

    def cut_heading(self, cut: Classification) -> str:
        """The heading of the cut-off's figures."""
        return self("h_cut", cut=self.plain(cut.cut))

    def flagged(self, cut: Classification) -> str:
        """How many the cut flags, and the four counts."""
        return self(
            "flagged",
            flagged=self.count(cut.flagged),
            n=self.count(cut.n),
            rate=self.pct(cut.flagged_rate),
            tp=self.count(cut.tp),
            fp=self.count(cut.fp),
            tn=self.count(cut.tn),
            fn=self.count(cut.fn),
        )

    def rates(self, cut: Classification) -> list[list[str]]:
        """Each rate of the cut, named, as a percentage or why it is not computed."""
        rows = []
        for name in RATES:
            value = getattr(cut, name)
            if value is None:
                shown = self("undefined", why=self.catalogue.say(cut.notes[name]))
            else:
                shown = self.pct(value)
            rows.append([self(name), shown])
        return rows

    def expected_source(self, expected: Expected) -> str:
        """Where the expected rates come from."""
        return self("expected_source", by=self(f"by_{expected.by}"), source=expected.source)

    def calibration_chart(self, rows: Sequence[CalibrationRow], by: str, level: float) -> str:
        """The title of a calibration chart by ``by`` (``level`` or ``score``)."""
        with_expected = any(r.expected is not None for r in rows)
        key = "cal_chart" if with_expected else "cal_chart_plain"
        return self(key, by=self(by), lvl=self.confidence(level))

    def brier(self, b: BrierResult, expected_by: str | None) -> str:
        """The Brier score and what it scores."""
        if b.source == "expected" and expected_by is not None:
            what = self("brier_expected", by=self(f"by_{expected_by}"))
        else:
            what = self("brier_in_sample")
        return self("brier", b=self.num(b.brier), what=what)

    def brier_reference(self, b: BrierResult) -> str:
        """The reference Brier score and the skill."""
        return self("brier_reference", ref=self.num(b.reference), skill=self.pct(b.skill))

    def in_the_large(self, b: BrierResult) -> str:
        """Calibration in the large."""
        return self(
            "in_the_large",
            obs=self.pct(b.observed_rate),
            mean=self.pct(b.mean_probability),
            diff=self.pp(b.in_the_large),
        )

    def groups_heading(self, report: ValidityReport, column: str) -> str:
        """The heading of a group column, with its reference and why it is the reference."""
        return self(
            "h_groups",
            column=self.names.column(column),
            ref=self.reference(report, column),
            why=self(report.chosen[column]),
        )

    def reference(self, report: ValidityReport, column: str) -> str:
        """The reference group of ``column``, by its name."""
        return self.names.value(column, report.references[column])

    def limits(self, figures: Figures) -> list[str]:
        """What the figures cannot say."""
        local = self("limit_local", count=figures.n, pos=self.count(figures.positives))
        return [local, self("limit_ppv"), self("limit_fair"), self("limit_cause")]

    def raters_heading(self, a: Agreement) -> str:
        """The heading of the two raters' agreement."""
        first, second = a.raters
        return self("h_raters", a=first, b=second, count=a.icc.targets)

    def icc(self, a: Agreement) -> str:
        """ICC(2,1) with its interval, or why it is not computed."""
        i = a.icc
        if i.icc is None:
            return self("icc_none")
        if i.ci_low is None or i.ci_high is None:
            why = self.catalogue.say(i.note) if i.note is not None else self("none")
            return self("icc_no_ci", icc=self.num(i.icc), why=why)
        return self(
            "icc",
            icc=self.num(i.icc),
            lvl=self.confidence(i.level),
            ci=self.interval(self.num(i.ci_low), self.num(i.ci_high)),
        )

    def kappa(self, a: Agreement) -> str:
        """The weighted kappa, or why it is not computed."""
        k = a.kappa.kappa
        return self("kappa_none") if k is None else self("kappa", k=self.num(k))

    def mean_difference(self, a: Agreement) -> str:
        """The mean difference between the two raters."""
        first, second = a.raters
        return self("mean_difference", a=first, b=second, d=self.signed(a.mean_difference, 2))

    def norms_heading(self, n: Norms, score: str) -> str:
        """The heading of the local norms."""
        return self(
            "h_norms",
            score=self.names.column(score),
            count=n.n,
            mean=self.num(n.mean, 2),
            sd=self.num(n.sd, 2),
        )

    def recalibration_heading(self, r: Recalibration, score: str) -> str:
        """The heading of the recalibrated cut-offs."""
        return self("h_recal", score=self.names.column(score), count=r.n)
