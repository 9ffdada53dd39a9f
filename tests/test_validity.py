"""Local validation statistics (rnr.validity) against hand-computed values and published examples.

Hand computations are written out beside each test; published figures come
from Newcombe (1998, Wilson intervals), Shrout & Fleiss (1979, ICC) and
standard F tables.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnr.errors import InvalidArgumentError
from rnr.render.messages import say
from rnr.text import Message
from rnr.validity._fdist import betainc, f_cdf, f_quantile
from rnr.validity.accuracy import IN_SAMPLE, brier, brier_score
from rnr.validity.calibrate import Expected, calibration, wilson
from rnr.validity.classification import classify
from rnr.validity.discrimination import auc, bootstrap_auc, roc_curve
from rnr.validity.percentiles import norms, recalibrate
from rnr.validity.reliability import agreement, icc, weighted_kappa
from rnr.validity.report import validate

# Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges.
SHROUT_FLEISS = [
    [9, 2, 5, 8],
    [6, 1, 3, 2],
    [8, 4, 6, 8],
    [7, 1, 2, 6],
    [10, 5, 6, 9],
    [6, 2, 4, 7],
]


def delong_by_pairs(scores: np.ndarray, outcomes: np.ndarray) -> tuple[float, float]:
    """AUC and DeLong variance from every pair (O(n²)): DeLong et al. (1988), eqs. 3-5."""
    x, y = scores[outcomes == 1], scores[outcomes == 0]
    psi = (x[:, None] > y[None, :]) + 0.5 * (x[:, None] == y[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    variance = v10.var(ddof=1) / len(x) + v01.var(ddof=1) / len(y)
    return float(psi.mean()), float(variance)


def midranks(values: np.ndarray) -> np.ndarray:
    """1-based ranks, ties sharing their mean rank, by the definition (O(n²))."""
    return np.array([(values < v).sum() + ((values == v).sum() + 1) / 2 for v in values])


# -- strategies -------------------------------------------------------------------

totals = st.integers(0, 43)


@st.composite
def samples(
    draw: st.DrawFn, min_per_class: int = 1, max_size: int = 40
) -> tuple[list[int], list[int]]:
    """Scores 0-43 with outcomes holding at least ``min_per_class`` of each class."""
    positives = draw(st.lists(totals, min_size=min_per_class, max_size=max_size))
    negatives = draw(st.lists(totals, min_size=min_per_class, max_size=max_size))
    order = draw(st.permutations(range(len(positives) + len(negatives))))
    pooled = [(s, 1) for s in positives] + [(s, 0) for s in negatives]
    mixed = [pooled[i] for i in order]
    return [s for s, _ in mixed], [y for _, y in mixed]


# -- discrimination -----------------------------------------------------------------


class TestAuc:
    def test_hand_computed_auc_and_delong_variance(self) -> None:
        """Positives 3, 5, 5 and negatives 1, 3, 4, 2, worked by hand.

        psi rows (3; 5; 5) against (1, 3, 4, 2): (1, .5, 0, 1), (1, 1, 1, 1), (1, 1, 1, 1).
        AUC = 10.5/12 = 0.875. V10 = (.625, 1, 1): S10 = 3/64. V01 = (1, 5/6, 2/3, 1):
        S01 = 11/432. Var = S10/3 + S01/4 = 1/64 + 11/1728 = 19/864.
        """
        result = auc([3, 1, 5, 3, 4, 5, 2], [1, 0, 1, 0, 0, 1, 0])
        assert 0.875 == result.auc
        assert result.se is not None
        assert float(Fraction(19, 864)) == pytest.approx(result.se**2, rel=1e-12)
        z = 1.959963984540054
        assert (0.875 - z * math.sqrt(19 / 864)) == pytest.approx(result.ci_low, rel=1e-9)
        assert 1.0 == result.ci_high  # 0.875 + 0.29 clipped to 1
        assert (3, 4) == (result.positives, result.negatives)

    def test_mann_whitney_counts_ties_one_half(self) -> None:
        """Two people tied at one score, one with the outcome: AUC one half."""
        assert 0.5 == auc([2, 2], [1, 0]).auc

    def test_delong_equals_the_pairwise_structural_components(self) -> None:
        """On random data with many ties, the fast path equals the O(n²) definition."""
        rng = np.random.default_rng(7)
        for size in (10, 57, 400):
            scores = rng.integers(0, 12, size=size).astype(float)
            outcomes = (rng.random(size) < 0.4).astype(int)
            outcomes[:2] = [0, 1]
            area, variance = delong_by_pairs(scores, outcomes)
            result = auc(scores, outcomes)
            assert area == pytest.approx(result.auc, abs=1e-14)
            assert result.se is not None
            assert variance == pytest.approx(result.se**2, rel=1e-10)

    def test_continuous_scores_take_the_sort_path_and_agree(self) -> None:
        """Non-integer scores (sorted, not counted) give the pairwise AUC and variance."""
        rng = np.random.default_rng(3)
        scores = np.round(rng.normal(size=300), 1) + 0.05
        outcomes = (rng.random(300) < 0.3).astype(int)
        area, variance = delong_by_pairs(scores, outcomes)
        result = auc(scores, outcomes)
        assert area == pytest.approx(result.auc, abs=1e-14)
        assert result.se is not None
        assert variance == pytest.approx(result.se**2, rel=1e-10)

    def test_sun_and_xu_midrank_formulation(self) -> None:
        """V10 = (tz - tx)/n and V01 = 1 - (tz - ty)/m (Sun & Xu 2014) give the same variance."""
        rng = np.random.default_rng(11)
        scores = rng.integers(0, 8, size=80).astype(float)
        outcomes = (rng.random(80) < 0.5).astype(int)
        x, y = scores[outcomes == 1], scores[outcomes == 0]
        m, n = len(x), len(y)
        tz = midranks(np.concatenate([x, y]))
        v10 = (tz[:m] - midranks(x)) / n
        v01 = 1 - (tz[m:] - midranks(y)) / m
        result = auc(scores, outcomes)
        assert (tz[:m].sum() / m / n - (m + 1) / (2 * n)) == pytest.approx(result.auc)
        assert result.se is not None
        expected = v10.var(ddof=1) / m + v01.var(ddof=1) / n
        assert expected == pytest.approx(result.se**2, rel=1e-12)

    def test_one_person_in_a_class_has_no_interval(self) -> None:
        """DeLong's variance needs two per class: the AUC comes with a note instead."""
        result = auc([1, 2, 3], [0, 0, 1])
        assert 1.0 == result.auc
        assert (None, None) == (result.se, result.ci)
        assert Message("validity.note_auc_few") == result.note
        assert "at least two people" in say(result.note, "en")

    def test_separated_classes_have_a_zero_variance_note(self) -> None:
        """No overlap: DeLong's variance is 0, the interval [1, 1], and a note says so."""
        result = auc([1, 2, 3, 4], [0, 0, 1, 1])
        assert (1.0, 0.0, (1.0, 1.0)) == (result.auc, result.se, result.ci)
        assert Message("validity.note_auc_separated") == result.note
        assert "variance is 0" in say(result.note, "en")
        assert {"code": "validity.note_auc_separated", "params": {}} == result.to_dict()["note"]

    def test_to_dict_is_json_ready(self) -> None:
        """AucResult.to_dict() round-trips through JSON with its interval as a list."""
        data = json.loads(json.dumps(auc([1, 2, 3, 4], [0, 1, 0, 1]).to_dict()))
        assert 0.75 == data["auc"]
        assert 2 == len(data["ci"])

    @pytest.mark.parametrize(
        ("scores", "outcomes", "match"),
        [
            ([1, 2, 3], [0, 1], r"len\(outcomes\): got 2, expected 3"),
            ([1], [1], r"len\(scores\): got 1, expected at least 2"),
            ([1, float("nan"), 3], [0, 1, 1], r"scores\[1\]: got nan, expected a finite number"),
            ([1, "x", 3], [0, 1, 1], r"scores\[1\]: got 'x', expected a finite number"),
            ([1, 2, 3], [0, 2, 1], r"outcomes\[1\]: got 2, expected 0 or 1"),
            ([1, 2, 3], [1, 1, 1], r"outcomes: got 'all 1 \(3 rows\)', expected both 0 and 1"),
            ([1, 2, 3], [0, 0, 0], r"outcomes: got 'all 0"),
            ([[1, 2], [3, 4]], [0, 1], r"scores: got 'shape \(2, 2\)'"),
        ],
    )
    def test_bad_input_names_the_argument_value_and_expectation(
        self, scores: list[object], outcomes: list[object], match: str
    ) -> None:
        """Each bad input raises InvalidArgumentError naming the argument and position."""
        with pytest.raises(InvalidArgumentError, match=match):
            auc(scores, outcomes)  # type: ignore[arg-type]

    @given(samples(), st.sampled_from(["affine", "cubic", "exp"]))
    def test_unchanged_by_a_strictly_increasing_transform(
        self, sample: tuple[list[int], list[int]], kind: str
    ) -> None:
        """The AUC depends on the order of the scores only."""
        scores, outcomes = sample
        s = np.asarray(scores, dtype=float)
        transformed = {"affine": 3 * s - 7, "cubic": 2 * s**3 + s + 5, "exp": np.exp(s / 4)}[kind]
        assert auc(scores, outcomes).auc == auc(transformed, outcomes).auc

    @given(samples())
    def test_a_perfect_score_has_auc_one(self, sample: tuple[list[int], list[int]]) -> None:
        """Everyone with the outcome scoring above everyone without it: AUC = 1."""
        scores, outcomes = sample
        perfect = [s + 100 * y for s, y in zip(scores, outcomes, strict=True)]
        assert 1.0 == auc(perfect, outcomes).auc

    @given(samples())
    def test_swapping_outcomes_gives_one_minus_auc(
        self, sample: tuple[list[int], list[int]]
    ) -> None:
        """Reversing which class is 'the outcome' reflects the AUC around one half."""
        scores, outcomes = sample
        swapped = [1 - y for y in outcomes]
        assert 1 - auc(scores, outcomes).auc == pytest.approx(auc(scores, swapped).auc, abs=1e-12)

    @given(samples(min_per_class=2))
    def test_delong_interval_contains_the_auc_within_zero_one(
        self, sample: tuple[list[int], list[int]]
    ) -> None:
        """0 <= low <= AUC <= high <= 1, and the SE equals the pairwise definition."""
        scores, outcomes = sample
        result = auc(scores, outcomes)
        assert result.ci is not None
        assert 0 <= result.ci[0] <= result.auc <= result.ci[1] <= 1
        _, variance = delong_by_pairs(np.asarray(scores, float), np.asarray(outcomes))
        assert result.se is not None
        assert variance == pytest.approx(result.se**2, rel=1e-9, abs=1e-15)


class TestBootstrap:
    def test_percentile_interval_is_near_delong_on_a_larger_sample(self) -> None:
        """2,000 rows: the bootstrap SE is within 15 % of DeLong's."""
        rng = np.random.default_rng(5)
        scores = rng.integers(0, 44, size=2000)
        outcomes = rng.random(2000) < 1 / (1 + np.exp(-(scores - 22) / 6))
        delong = auc(scores, outcomes)
        boot = bootstrap_auc(scores, outcomes, n=500, seed=3)
        assert delong.auc == boot.auc
        assert delong.se is not None
        assert delong.se == pytest.approx(boot.se, rel=0.15)
        assert boot.ci_low < boot.auc < boot.ci_high
        assert (500, 3, 0.95) == (boot.resamples, boot.seed, boot.level)

    @given(samples(), st.integers(0, 2**32))
    def test_deterministic_per_seed(self, sample: tuple[list[int], list[int]], seed: int) -> None:
        """The same seed gives the same interval, bit for bit."""
        scores, outcomes = sample
        first = bootstrap_auc(scores, outcomes, n=50, seed=seed)
        assert first == bootstrap_auc(scores, outcomes, n=50, seed=seed)

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"n": 1}, r"n: got 1, expected an integer of at least 2"),
            ({"seed": -1}, r"seed: got -1"),
            ({"level": 1.5}, r"level: got 1.5"),
        ],
    )
    def test_bad_arguments(self, kwargs: dict[str, float], match: str) -> None:
        """Resamples, seed and level are checked."""
        with pytest.raises(InvalidArgumentError, match=match):
            bootstrap_auc([1, 2, 3], [0, 1, 1], **kwargs)  # type: ignore[arg-type]


class TestRoc:
    def test_hand_computed_curve(self) -> None:
        """Scores 0, 1, 1, 2 with outcomes 0, 0, 1, 1: one point per distinct score."""
        roc = roc_curve([0, 1, 1, 2], [0, 0, 1, 1])
        assert [2.0, 1.0, 0.0] == roc.thresholds.tolist()
        assert [0.0, 0.5, 1.0] == roc.fpr.tolist()
        assert [0.5, 1.0, 1.0] == roc.tpr.tolist()
        assert [(0.0, 0.0), (0.0, 0.5), (0.5, 1.0), (1.0, 1.0)] == roc.points()

    @given(samples())
    def test_area_under_the_curve_is_the_auc(self, sample: tuple[list[int], list[int]]) -> None:
        """The trapezoidal area of the ROC curve equals the Mann-Whitney AUC."""
        scores, outcomes = sample
        assert auc(scores, outcomes).auc == pytest.approx(roc_curve(scores, outcomes).area())


# -- calibration --------------------------------------------------------------------


class TestCalibration:
    @pytest.mark.parametrize(
        ("events", "n", "low", "high"),
        [
            (81, 263, 0.2553, 0.3662),  # Newcombe (1998), Table I, method 3 (Wilson)
            (15, 148, 0.0624, 0.1605),
            (0, 20, 0.0000, 0.1611),
            (1, 29, 0.0061, 0.1718),
            (5, 10, 0.2366, 0.7634),
        ],
    )
    def test_wilson_matches_published_values(
        self, events: int, n: int, low: float, high: float
    ) -> None:
        """Wilson (1927) intervals as tabulated by Newcombe (1998)."""
        got = wilson(events, n)
        assert (low, high) == (round(got[0], 4), round(got[1], 4))

    def test_wilson_edges_and_errors(self) -> None:
        """All or none with the outcome reach 1 or 0 exactly; n must be positive."""
        assert 1.0 == wilson(7, 7)[1]
        assert 0.0 == wilson(0, 7)[0]
        with pytest.raises(InvalidArgumentError, match=r"n: got 0"):
            wilson(0, 0)
        with pytest.raises(InvalidArgumentError, match=r"events: got 8"):
            wilson(8, 7)

    def test_rows_per_score_and_level_with_expected(self) -> None:
        """Counts per score and per level (ordered by lowest score), against expected rates."""
        scores = [1, 1, 2, 2, 2, 8, 9, 9]
        outcomes = [0, 1, 0, 0, 1, 1, 1, 0]
        levels = ["bajo", "bajo", "bajo", "bajo", "bajo", "alto", "alto", "alto"]
        expected = Expected({"bajo": 0.2, "alto": 0.5}, by="level", source="manual, tabla 2")
        cal = calibration(scores, outcomes, risk_levels=levels, expected=expected)
        assert [(1.0, 2, 1), (2.0, 3, 1), (8.0, 1, 1), (9.0, 2, 1)] == [
            (r.key, r.n, r.events) for r in cal.by_score
        ]
        assert cal.by_level is not None
        low, high = cal.by_level
        assert ("bajo", 5, 2, 0.4, 0.2) == (low.key, low.n, low.events, low.rate, low.expected)
        assert 0.4 - 0.2 == pytest.approx(low.difference)
        assert ("alto", 3, 2) == (high.key, high.n, high.events)
        assert all(r.expected is None for r in cal.by_score)  # expected rates are by level
        assert (low.ci_low, low.ci_high) == wilson(2, 5)

    def test_expected_by_score(self) -> None:
        """Expected rates keyed by score compare per score."""
        expected = Expected({1: 0.25, 2: 0.5}, by="score", source="estudio 2023")
        cal = calibration([1, 1, 2, 2], [0, 0, 1, 1], expected=expected)
        assert [0.25, 0.5] == [r.expected for r in cal.by_score]
        assert [-0.25, 0.5] == [r.difference for r in cal.by_score]

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"rates": {"a": 1.5}, "by": "level", "source": "x"}, r"expected.rates\['a'\]"),
            ({"rates": {"a": 0.5}, "by": "group", "source": "x"}, r"expected.by"),
            ({"rates": {"a": 0.5}, "by": "level", "source": " "}, r"expected.source"),
            ({"rates": {}, "by": "level", "source": "x"}, r"expected.rates"),
        ],
    )
    def test_expected_is_checked(self, kwargs: dict[str, object], match: str) -> None:
        """Rates in [0, 1], 'score' or 'level', and a source are required."""
        with pytest.raises(InvalidArgumentError, match=match):
            Expected(**kwargs)  # type: ignore[arg-type]

    def test_brier_by_hand(self) -> None:
        """(0.01 + 0.01 + 0.25 + 0.25) / 4 = 0.13."""
        assert 0.13 == pytest.approx(brier([0.1, 0.9, 0.5, 0.5], [0, 1, 1, 0]))
        with pytest.raises(InvalidArgumentError, match=r"probabilities\[0\]: got 1.2"):
            brier([1.2, 0.5], [0, 1])

    def test_brier_in_sample_is_labelled(self) -> None:
        """Without expected rates each person gets their score's observed rate, labelled so."""
        result = brier_score([0, 0, 1, 1], [0, 1, 1, 1])
        assert (0.125, "in-sample") == (result.brier, result.source)
        assert IN_SAMPLE == result.description
        assert "in-sample" in say(result.description, "en")
        assert 0.75 * 0.25 == result.reference
        assert 1 - 0.125 / 0.1875 == pytest.approx(result.skill)
        assert 0.0 == pytest.approx(result.in_the_large)

    def test_brier_of_expected_rates(self) -> None:
        """Expected rates by level mapped onto each person: (.04+.04+.64+.25+.25)/5."""
        expected = Expected({"bajo": 0.2, "alto": 0.5}, by="level", source="s")
        result = brier_score(
            [1, 2, 3, 8, 9],
            [0, 0, 1, 1, 0],
            risk_levels=["bajo", "bajo", "bajo", "alto", "alto"],
            expected=expected,
        )
        assert 1.22 / 5 == pytest.approx(result.brier)
        assert "expected" == result.source
        assert "tasas esperadas por nivel: s" == say(result.description)
        assert 0.4 - (0.2 * 3 + 0.5 * 2) / 5 == pytest.approx(result.in_the_large)

    def test_a_level_without_expected_rate_is_an_error(self) -> None:
        """Every level present needs an expected rate; the error lists those given."""
        expected = Expected({"bajo": 0.2}, by="level", source="s")
        with pytest.raises(InvalidArgumentError, match=r"got 'alto'.*given: bajo"):
            brier_score([1, 9], [0, 1], risk_levels=["bajo", "alto"], expected=expected)


# -- classification -----------------------------------------------------------------


class TestClassification:
    def test_hand_counted(self) -> None:
        """Cut 3 on scores 1-5 with outcomes 0,0,1,0,1: TP 2 (3, 5), FP 1 (4), TN 2, FN 0."""
        c = classify([1, 2, 3, 4, 5], [0, 0, 1, 0, 1], cut=3)
        assert (5, 2, 1, 2, 0) == (c.n, c.tp, c.fp, c.tn, c.fn)
        assert (0.8, 1.0, 2 / 3, 1 / 3, 0.0) == (
            c.accuracy,
            c.sensitivity,
            c.specificity,
            c.fpr,
            c.fnr,
        )
        assert (2 / 3, 1.0, 3, 0.6) == (c.ppv, c.npv, c.flagged, c.flagged_rate)
        assert {} == dict(c.notes)

    def test_zero_denominators_give_none_with_a_reason(self) -> None:
        """A cut above every score flags no one: PPV is None and says why."""
        c = classify([1, 2, 3], [0, 1, 1], cut=10)
        assert (None, 0.0, 1.0) == (c.ppv, c.sensitivity, c.fnr)
        assert {"ppv": Message("validity.why_ppv")} == dict(c.notes)
        assert "no one at or above the cut" == say(c.notes["ppv"], "en")
        everyone = classify([1, 2, 3], [1, 1, 1], cut=0)
        assert (None, None, 1.0) == (everyone.specificity, everyone.fpr, everyone.ppv)
        assert "no one without the outcome" == say(everyone.notes["fpr"], "en")
        assert {"code": "validity.why_fpr", "params": {}} == everyone.to_dict()["notes"]["fpr"]

    def test_cut_must_be_a_number(self) -> None:
        """A cut of NaN or text is refused."""
        with pytest.raises(InvalidArgumentError, match=r"cut: got nan"):
            classify([1, 2], [0, 1], cut=float("nan"))

    @given(samples(), totals)
    def test_counts_add_up_to_n(self, sample: tuple[list[int], list[int]], cut: int) -> None:
        """TP + FP + TN + FN = n, and the rates agree with the counts."""
        scores, outcomes = sample
        c = classify(scores, outcomes, cut=cut)
        assert len(scores) == c.tp + c.fp + c.tn + c.fn == c.n
        assert sum(outcomes) == c.tp + c.fn
        assert sum(s >= cut for s in scores) == c.flagged


# -- reliability --------------------------------------------------------------------


class TestReliability:
    def test_icc_on_the_shrout_fleiss_example(self) -> None:
        """ICC(2,1) = 0.29 (Shrout & Fleiss 1979); 95 % CI 0.019 to 0.76 (as psych::ICC)."""
        result = icc(SHROUT_FLEISS)
        assert result.icc is not None
        assert result.ci_low is not None
        assert result.ci_high is not None
        assert 0.29 == round(result.icc, 2)
        assert (0.019, 0.76) == (round(result.ci_low, 3), round(result.ci_high, 2))
        # Shrout & Fleiss, Table 2: BMS 11.24, JMS 32.49, EMS 1.02.
        assert (11.24, 32.49, 1.02) == (
            round(result.msr, 2),
            round(result.msc, 2),
            round(result.mse, 2),
        )
        assert (6, 4) == (result.targets, result.raters)

    def test_f_quantiles(self) -> None:
        """Table values, and closed forms: F(2, d) and F(1, 1) = Cauchy squared."""
        assert 3.5764 == round(f_quantile(0.975, 5, 15), 4)
        assert 2.9013 == round(f_quantile(0.95, 5, 15), 4)
        assert 6.4277 == round(f_quantile(0.975, 15, 5), 4)
        for q, d in [(0.9, 3.0), (0.975, 7.5), (0.5, 40.0)]:
            closed = d / 2 * ((1 - q) ** (-2 / d) - 1)
            assert closed == pytest.approx(f_quantile(q, 2, d), rel=1e-10)
        assert math.tan(math.pi * 0.95 / 2) ** 2 == pytest.approx(f_quantile(0.95, 1, 1), rel=1e-9)
        assert 1.0 == pytest.approx(f_quantile(0.5, 9.3, 9.3), rel=1e-12)
        assert 0.3 == pytest.approx(betainc(1, 1, 0.3))
        assert 0.95 == pytest.approx(f_cdf(f_quantile(0.95, 4.2, 17.9), 4.2, 17.9), abs=1e-12)

    def test_icc_of_identical_ratings_needs_variation(self) -> None:
        """Every rating equal: no variance to share out, so no ICC (and a note)."""
        result = icc([[3, 3], [3, 3], [3, 3]])
        assert result.icc is None
        assert Message("validity.note_icc_undefined") == result.note
        assert json.dumps(result.to_dict())

    def test_icc_errors(self) -> None:
        """One rater, one case or a missing rating is refused."""
        with pytest.raises(InvalidArgumentError, match=r"ratings: got 'shape \(3, 1\)'"):
            icc([[1], [2], [3]])
        with pytest.raises(InvalidArgumentError, match=r"ratings\[1, 0\]: got nan"):
            icc([[1, 2], [float("nan"), 3]])

    @given(
        st.lists(totals, min_size=2, max_size=30).filter(lambda r: len(set(r)) > 1),
        st.integers(2, 4),
    )
    def test_icc_of_identical_raters_is_one(self, ratings: list[int], raters: int) -> None:
        """Raters who agree exactly on cases that differ: ICC(2,1) = 1, interval [1, 1]."""
        result = icc(np.repeat(np.asarray(ratings)[:, None], raters, axis=1))
        assert (1.0, 1.0, 1.0) == (result.icc, result.ci_low, result.ci_high)

    @given(
        st.integers(2, 6).flatmap(
            lambda n: st.lists(
                st.lists(st.integers(0, 4), min_size=n, max_size=n), min_size=2, max_size=8
            )
        )
    )
    def test_icc_interval_brackets_the_coefficient(self, ratings: list[list[int]]) -> None:
        """Any table of whole ratings: no crash, and low <= ICC <= high whenever defined."""
        result = icc(ratings)
        if result.icc is not None and result.ci_low is not None:
            assert result.ci_high is not None
            assert result.ci_low <= result.icc + 1e-9
            assert result.icc <= result.ci_high + 1e-9

    def test_weighted_kappa_by_hand(self) -> None:
        """A 3x3 table worked by hand: unweighted 6/11, linear 28/43, quadratic 16/21.

        Rows a, columns b: [[2, 1, 0], [0, 2, 1], [0, 1, 3]], n = 10; row shares
        (.3, .3, .4), column shares (.2, .4, .4). Unweighted: po .7, pe .34.
        Linear: observed disagreement .15, chance .43. Quadratic: .075 and .315.
        """
        a = [0, 0, 1, 1, 2, 2, 2, 0, 1, 2]
        b = [0, 1, 1, 1, 2, 1, 2, 0, 2, 2]
        assert float(Fraction(6, 11)) == pytest.approx(weighted_kappa(a, b, weights="none").kappa)
        assert float(Fraction(28, 43)) == pytest.approx(weighted_kappa(a, b).kappa)
        quadratic = weighted_kappa(a, b, weights="quadratic")
        assert float(Fraction(16, 21)) == pytest.approx(quadratic.kappa)
        assert (0, 1, 2) == quadratic.categories

    def test_unweighted_kappa_is_cohens_kappa(self) -> None:
        """weights='none' is Cohen's (1960) kappa (po - pe) / (1 - pe); with two
        categories linear and quadratic weights give the same."""
        a = ["si", "si", "no", "no", "si", "no", "si", "si"]
        b = ["si", "no", "no", "no", "si", "si", "si", "si"]
        po = sum(x == y for x, y in zip(a, b, strict=True)) / 8
        pe = (5 / 8) * (5 / 8) + (3 / 8) * (3 / 8)
        cats = ["no", "si"]
        result = weighted_kappa(a, b, weights="none", categories=cats)
        assert (po - pe) / (1 - pe) == pytest.approx(result.kappa)
        assert result.kappa == pytest.approx(weighted_kappa(a, b, categories=cats).kappa)

    def test_kappa_categories_and_errors(self) -> None:
        """Whole-number ratings use every integer between; labels need categories."""
        assert (1, 2, 3, 4) == weighted_kappa([1, 4], [2, 4]).categories
        with pytest.raises(InvalidArgumentError, match=r"categories: got None"):
            weighted_kappa(["a", "b"], ["b", "a"])
        with pytest.raises(InvalidArgumentError, match=r"b\[1\]: got 'c'"):
            weighted_kappa(["a", "b"], ["b", "c"], categories=["a", "b"])
        with pytest.raises(InvalidArgumentError, match=r"weights: got 'cubic'"):
            weighted_kappa([1, 2], [1, 2], weights="cubic")  # type: ignore[arg-type]
        single = weighted_kappa([2, 2], [2, 2])
        assert single.kappa is None
        assert Message("validity.note_kappa_undefined") == single.note
        assert "validity.note_kappa_undefined" == single.to_dict()["note"]["code"]

    def test_agreement_of_two_columns(self) -> None:
        """agreement() gives ICC(2,1), quadratic kappa and the mean difference."""
        result = agreement([1, 2, 3, 4, 5], [1, 2, 3, 4, 6], raters=("a", "b"))
        assert 0.2 == pytest.approx(result.mean_difference)
        assert "quadratic" == result.kappa.weights
        assert 2 == result.icc.raters
        assert ["a", "b"] == result.to_dict()["raters"]


# -- norms and recalibration -------------------------------------------------------


class TestNorms:
    def test_percentiles_and_ranks_by_hand(self) -> None:
        """Scores 1, 2, 2, 3, 4: the median is 2 and 2's percentile rank is (1 + 1) / 5."""
        n = norms([1, 2, 2, 3, 4], at=(20, 50, 80, 100))
        assert {20.0: 1.0, 50.0: 2.0, 80.0: 3.0, 100.0: 4.0} == dict(n.percentiles)
        assert [10.0, 40.0, 70.0, 90.0] == [r.percentile_rank for r in n.ranks]
        assert [20.0, 60.0, 80.0, 100.0] == [r.cumulative for r in n.ranks]
        assert 60.0 == n.percentile_rank(2.5)

    def test_recalibration_by_hand(self) -> None:
        """Ten people scoring 1-10, targets 50/30/20 %: cut-offs 1, 6, 9, shares exact."""
        r = recalibrate(range(1, 11), {"bajo": 0.5, "medio": 0.3, "alto": 0.2})
        assert (1.0, 6.0, 9.0) == r.cutoffs
        assert ((5, 3, 2), (0.5, 0.3, 0.2)) == (r.counts, r.obtained)

    def test_recalibration_with_ties(self) -> None:
        """People with one score stay together: the nearest cumulative share wins.

        Scores 0 x4, 1 x2, 2 x4 (n = 10); 50 % below the second level is nearest
        4 (below score 1) or 6 (below score 2), a tie: the lower cut-off, 1.
        """
        r = recalibrate([0, 0, 0, 0, 1, 1, 2, 2, 2, 2], {"bajo": 0.5, "alto": 0.5})
        assert ((0.0, 1.0), (4, 6)) == (r.cutoffs, r.counts)

    def test_an_empty_top_level_gets_a_cut_above_every_score(self) -> None:
        """A 0 % target for the top level: its cut-off is the highest score + 1."""
        r = recalibrate([1, 2, 3, 4], {"bajo": 1.0, "alto": 0.0})
        assert ((1.0, 5.0), (4, 0)) == (r.cutoffs, r.counts)

    def test_shares_must_add_up_to_one(self) -> None:
        """Targets that do not add up to 1 are refused, naming their sum."""
        with pytest.raises(InvalidArgumentError, match=r"they add 0.9"):
            recalibrate([1, 2, 3], {"a": 0.5, "b": 0.4})

    @given(
        st.lists(totals, min_size=2, max_size=60),
        st.lists(st.integers(0, 10), min_size=1, max_size=5).filter(lambda w: sum(w) > 0),
    )
    def test_recalibrated_cutoffs_are_non_decreasing(
        self, scores: list[int], weights: list[int]
    ) -> None:
        """Cut-offs never decrease, counts add up to n and shares to 1."""
        total = sum(weights)
        shares = {f"l{i}": w / total for i, w in enumerate(weights)}
        r = recalibrate(scores, shares)
        assert list(r.cutoffs) == sorted(r.cutoffs)
        assert len(scores) == sum(r.counts)
        assert 1.0 == pytest.approx(sum(r.obtained))
        for cut, count, next_cut in zip(
            r.cutoffs, r.counts, [*r.cutoffs[1:], math.inf], strict=True
        ):
            assert count == sum(cut <= s < next_cut for s in scores)


# -- the whole report -----------------------------------------------------------------

SCORES = [2, 5, 9, 14, 20, 25, 31, 8, 17, 28, 11, 30]
OUTCOMES = [0, 0, 0, 1, 0, 1, 1, 0, 1, 1, 0, 1]
SEX = ["F", "M", "M", "F", "M", "M", "M", "F", "F", "M", "X", "X"]


class TestValidate:
    def test_headline_figures_at_the_top_of_the_json(self) -> None:
        """n, base rate, AUC with its interval and the rates at the cut, at the top level."""
        report = validate(SCORES, OUTCOMES, cut=15, groups={"sex": SEX})
        data = json.loads(json.dumps(report.to_dict()))
        for key in ("n", "base_rate", "auc", "auc_ci", "accuracy", "fpr", "fnr", "ppv"):
            assert key in data
        for key in ("cut", "calibration", "brier", "groups", "differences"):
            assert key in data
        assert (12, 0.5) == (data["n"], data["base_rate"])
        assert auc(SCORES, OUTCOMES).auc == data["auc"]
        c = classify(SCORES, OUTCOMES, cut=15)
        assert (c.fpr, c.ppv, c.accuracy) == (data["fpr"], data["ppv"], data["accuracy"])
        assert 15 == data["cut"]["cut"]
        assert "in-sample" == data["brier_detail"]["source"]

    def test_without_a_cut_there_are_no_classification_figures(self) -> None:
        """cut: null, and no accuracy or predictive values anywhere."""
        data = validate(SCORES, OUTCOMES, groups={"sex": SEX}).to_dict()
        assert data["cut"] is None
        assert "accuracy" not in data
        assert "ppv" not in data["groups"]["sex"]["F"]
        assert data["differences"]["sex"]["F"]["vs_all"]["ppv"] is None

    def test_groups_against_the_whole_sample_and_the_largest_group(self) -> None:
        """Each group's figures equal those of its people alone; differences are exact."""
        report = validate(SCORES, OUTCOMES, cut=15, groups={"sex": SEX})
        assert "M" == report.references["sex"]
        assert "largest" == report.chosen["sex"]
        women = [i for i, s in enumerate(SEX) if s == "F"]
        f_scores = [SCORES[i] for i in women]
        f_outcomes = [OUTCOMES[i] for i in women]
        f = report.groups["sex"]["F"]
        assert auc(f_scores, f_outcomes).auc == f.value("auc")
        assert classify(f_scores, f_outcomes, cut=15) == f.cut
        m = report.groups["sex"]["M"]
        d = report.differences["sex"]["F"]
        assert d.vs_reference is not None
        assert f.value("fpr") - m.value("fpr") == d.vs_reference["fpr"]  # type: ignore[operator]
        assert f.value("auc") - report.overall.value("auc") == d.vs_all["auc"]  # type: ignore[operator]
        assert d.vs_all.auc_ci is None  # the group is part of the whole sample
        assert report.differences["sex"]["M"].vs_reference is None

    def test_auc_difference_interval_from_two_delong_variances(self) -> None:
        """Against the reference: delta +- z * sqrt(se1^2 + se2^2)."""
        rng = np.random.default_rng(2)
        scores = rng.integers(0, 30, 300)
        outcomes = (rng.random(300) < 0.4).astype(int)
        groups = ["a" if i % 3 else "b" for i in range(300)]
        report = validate(scores, outcomes, groups={"g": groups}, reference="a")
        a, b = report.groups["g"]["a"].auc, report.groups["g"]["b"].auc
        assert a is not None
        assert b is not None
        assert a.se is not None
        assert b.se is not None
        diff = report.differences["g"]["b"].vs_reference
        assert diff is not None
        assert diff.auc_ci is not None
        half = 1.959963984540054 * math.hypot(a.se, b.se)
        assert (b.auc - a.auc - half) == pytest.approx(diff.auc_ci[0])
        assert "named" == report.chosen["g"]

    def test_single_class_and_empty_groups_are_reported(self) -> None:
        """Everyone in group 'solo' had the outcome (no AUC), and a named reference that
        nobody has is an empty group: both reported, neither crashes."""
        sex = list(SEX)
        sex[5] = sex[6] = "solo"  # scores 25 and 31, both with the outcome
        report = validate(SCORES, OUTCOMES, groups={"sex": sex}, reference={"sex": "Z"})
        solo = report.groups["sex"]["solo"]
        assert ("single-class", None) == (solo.status, solo.auc)
        assert "everyone in this group had the outcome" in say(solo.note, "en")
        empty = report.groups["sex"]["Z"]
        assert ("empty", 0, None) == (empty.status, empty.n, empty.base_rate)
        diff = report.differences["sex"]["F"].vs_reference
        assert diff is not None
        assert diff["auc"] is None
        assert Message("validity.note_reference_empty") == diff.note
        assert json.dumps(report.to_dict())

    def test_bootstrap_and_expected_in_the_report(self) -> None:
        """The bootstrap interval and the expected rates' source are carried."""
        levels = ["bajo" if s < 15 else "alto" for s in SCORES]
        expected = Expected({"bajo": 0.2, "alto": 0.7}, by="level", source="manual")
        report = validate(
            SCORES, OUTCOMES, risk_levels=levels, expected=expected, bootstrap=100, seed=4
        )
        data = report.to_dict()
        assert 100 == data["bootstrap"]["resamples"]
        assert "manual" == data["expected"]["source"]
        assert "expected" == data["brier_detail"]["source"]
        assert ["bajo", "alto"] == [r["key"] for r in data["calibration"]["by_level"]]

    @given(samples(), st.lists(st.sampled_from(["a", "b", "c"]), min_size=80, max_size=80))
    def test_any_grouping_reports_every_person_once(
        self, sample: tuple[list[int], list[int]], labels: list[str]
    ) -> None:
        """Random groups (some single-class): no crash, JSON-ready, groups add up to n."""
        scores, outcomes = sample
        groups = {"g": labels[: len(scores)]}
        report = validate(scores, outcomes, groups=groups, cut=20)
        data = json.loads(json.dumps(report.to_dict()))
        assert len(scores) == sum(f["n"] for f in data["groups"]["g"].values())
        assert set(groups["g"]) == set(data["groups"]["g"])

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"groups": {"sex": ["F"] * 11}}, r"len\(groups\['sex'\]\): got 11, expected 12"),
            ({"groups": {"sex": [*SEX[:-1], ""]}}, r"groups\['sex'\]\[11\]: got ''"),
            ({"groups": {"sex": [*SEX[:-1], None]}}, r"groups\['sex'\]\[11\]: got None"),
            ({"reference": "Q", "groups": {"sex": SEX}}, r"reference: got 'Q', expected a value"),
            ({"reference": {"age": "x"}, "groups": {"sex": SEX}}, r"reference: got 'age'"),
            ({"bootstrap": 1}, r"bootstrap: got 1"),
            ({"cut": "high"}, r"cut: got 'high'"),
            ({"risk_levels": ["a"] * 3}, r"len\(risk_levels\): got 3"),
            (
                {"expected": Expected({"a": 0.1}, by="level", source="s")},
                r"risk_levels: got None, expected each person's level",
            ),
        ],
    )
    def test_bad_arguments_name_what_is_wrong(self, kwargs: dict[str, object], match: str) -> None:
        """Every argument of validate() is checked, with the argument named."""
        with pytest.raises(InvalidArgumentError, match=match):
            validate(SCORES, OUTCOMES, **kwargs)  # type: ignore[arg-type]
