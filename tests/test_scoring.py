"""Single-case scoring on a test instrument that uses every response kind.

Expected values are computed by hand from ``tests/data/kinds/1.0.0.toml``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

import rnr
from rnr import OmissionError, ScoreResult, ScoringInputError
from rnr.scoring.single import age_in_years

DAY = dt.date(2024, 1, 1)
KINDS = rnr.load_instrument(Path(__file__).parent / "data" / "kinds" / "1.0.0.toml")
FULL = {
    "age": 20,
    "priors": 3,
    "weapon": True,
    "housing": "homeless",
    "peers": 0,
    "work": True,
    "family_support": True,
}


def kinds(answers: dict[str, object], group: str = "male", **kw: object) -> ScoreResult:
    """Score the test instrument."""
    return rnr.score(KINDS, answers, assessed_on=DAY, norm_group=group, **kw)  # type: ignore[arg-type]


class TestPoints:
    def test_every_kind_scores_its_outcome(self) -> None:
        """age 20 → 2, 3 priors → 2, homeless → 2, peers 0 → 2, work → 1, term → 1."""
        result = kinds(FULL)
        risk = result.scales["risk"]
        assert (10, 4, 6) == (risk.raw, risk.static, risk.dynamic)
        assert ("high", 6, "7-10") == (risk.level, risk.scaled, risk.band)
        assert {"risk": 2, "violence": 1} == dict(result.item("age").points)
        assert "3+" == result.item("priors").outcome

    def test_terms_use_kleene_logic_and_add_points(self) -> None:
        """weapon and age <= 21 adds one violence point; age 22 does not."""
        assert 5 == kinds(FULL).scales["violence"].raw
        older = kinds(FULL | {"age": 22})
        assert 4 == older.scales["violence"].raw
        assert older.terms[0].holds is False

    def test_flag_is_raised_at_its_threshold(self) -> None:
        """violence >= 3 raises the flag."""
        assert kinds(FULL | {"age": 40, "priors": 0}).scales["violence"].flag is False
        assert kinds(FULL | {"age": 40, "priors": 3}).scales["violence"].flag is True

    def test_norm_groups_have_their_own_bands(self) -> None:
        """A total of 4 is medium for men and low for women."""
        answers = FULL | {"age": 40, "priors": 0, "housing": "stable", "peers": 1, "work": True}
        assert 2 == kinds(answers).scales["risk"].raw
        answers["housing"] = "unstable"  # +1, and the 'any' term adds +1
        assert 4 == kinds(answers).scales["risk"].raw
        assert ("medium", "low") == (kinds(answers).risk_level, kinds(answers, "female").risk_level)
        answers["peers"] = 0  # +1 more
        assert ("medium", "medium") == (
            kinds(answers).risk_level,
            kinds(answers, "female").risk_level,
        )

    def test_domains_need_profile_and_strengths(self) -> None:
        """Static domains never enter the need profile; strengths are listed."""
        result = kinds(FULL)
        assert (4, None, False) == (
            result.domains["history"].total,
            result.domains["history"].need,
            result.domains["history"].criminogenic,
        )
        assert ("high", True) == (
            result.domains["lifestyle"].need,
            result.domains["lifestyle"].criminogenic,
        )
        assert ("lifestyle",) == result.need_profile
        assert ("family_support",) == result.strengths

    def test_nearest_change_in_both_directions(self) -> None:
        """From 4 (male medium 4-6, scaled 3): 1 point down gives low, 2 up scaled 4."""
        answers = FULL | {"age": 40, "priors": 0, "housing": "unstable", "peers": 1, "work": True}
        risk = kinds(answers).scales["risk"]
        assert (4, "medium", 3) == (risk.raw, risk.level, risk.scaled)
        assert risk.down is not None
        assert risk.up is not None
        assert (1, "low", 2) == (risk.down.points, risk.down.level, risk.down.scaled)
        assert (2, "medium", 4) == (risk.up.points, risk.up.level, risk.up.scaled)


class TestAge:
    def test_age_is_computed_from_dates(self) -> None:
        """Born 2003-01-02, assessed 2024-01-01: 20 years old."""
        answers = {k: v for k, v in FULL.items() if k != "age"}
        result = kinds(answers, birth_date=dt.date(2003, 1, 2))
        assert 20 == result.item("age").answer
        assert not result.provisional

    def test_birthday_counts_on_the_day(self) -> None:
        """Born 2004-01-01 is 20 on 2024-01-01."""
        assert 20 == age_in_years(dt.date(2004, 1, 1), DAY)
        assert 19 == age_in_years(dt.date(2004, 1, 2), DAY)

    def test_birth_after_the_date_is_an_error(self) -> None:
        """A birth date after the assessment is refused, naming the item (dates out of order)."""
        answers = {k: v for k, v in FULL.items() if k != "age"}
        with pytest.raises(ScoringInputError, match="item age: birth date 2025-01-01") as info:
            kinds(answers, birth_date=dt.date(2025, 1, 1))
        assert "case.date.invalid" == info.value.code


class TestOmissions:
    def test_omission_gives_exact_bounds(self) -> None:
        """Age omitted: risk 8 + (0..2); violence 3 + age (0..1) + term (0..1)."""
        answers = {k: v for k, v in FULL.items() if k != "age"}
        result = kinds(answers, "female")
        assert result.provisional
        assert ("age",) == result.omitted
        risk, violence = result.scales["risk"], result.scales["violence"]
        assert risk.bounds is not None
        assert violence.bounds is not None
        assert (8, 10, "high", "high") == (
            risk.bounds.min,
            risk.bounds.max,
            risk.bounds.min_level,
            risk.bounds.max_level,
        )
        assert (3, 5) == (violence.bounds.min, violence.bounds.max)
        assert (2, 4) == result.domains["history"].bounds

    def test_an_omitted_term_part_may_still_settle_the_term(self) -> None:
        """housing omitted but priors >= 5: the 'any' term holds anyway."""
        answers = FULL | {"priors": 6}
        del answers["housing"]
        result = kinds(answers)
        assert result.terms[1].holds is True
        risk = result.scales["risk"]
        assert risk.bounds is not None
        assert (8, 10) == (risk.bounds.min, risk.bounds.max)

    def test_too_many_omissions_name_the_missing_items(self) -> None:
        """lifestyle allows one omission; two are refused, naming both."""
        answers = {k: v for k, v in FULL.items() if k not in ("peers", "work")}
        with pytest.raises(OmissionError) as info:
            kinds(answers)
        assert ("peers", "work") == info.value.missing
        assert "case.omissions" == info.value.code
        assert "peers" in str(info.value)
        assert "work" in str(info.value)

    def test_strength_items_are_never_omissions(self) -> None:
        """Leaving a strength unanswered is not a provisional result."""
        answers = {k: v for k, v in FULL.items() if k != "family_support"}
        result = kinds(answers)
        assert not result.provisional
        assert () == result.strengths


class TestBadInput:
    @pytest.mark.parametrize(
        ("item", "value", "expected", "code"),
        [
            ("weapon", "yes", "true or false", "case.value.type"),
            ("weapon", 1, "true or false", "case.value.type"),
            ("peers", 4, "an integer from 0 to 3", "case.value.range"),
            ("peers", True, "an integer from 0 to 3", "case.value.type"),
            ("priors", -1, "an integer >= 0", "case.value.range"),
            ("priors", 2.0, "an integer >= 0", "case.value.type"),
            ("housing", "street", "one of stable, unstable, homeless", "case.value.range"),
            ("housing", 1, "one of stable, unstable, homeless", "case.value.type"),
            ("age", 17, "years from 18 to 99", "case.value.range"),
            ("age", 30.5, "years from 18 to 99", "case.value.type"),
        ],
    )
    def test_a_bad_answer_names_item_value_and_expectation(
        self, item: str, value: object, expected: str, code: str
    ) -> None:
        """The error names the item, shows the value, says what was expected; its code, the kind
        of mistake: a wrong type (2.0 too: only a case file reads JSON's 2.0 as 2) or a value
        outside the range or choices."""
        with pytest.raises(ScoringInputError) as info:
            kinds(FULL | {item: value}, case_id="c-1")
        assert (item, value, expected) == (info.value.item, info.value.value, info.value.expected)
        assert str(info.value).startswith(f"case c-1: item {item}: got {value!r}")
        assert code == info.value.code

    def test_unknown_item(self) -> None:
        """An unknown item is refused, and computed terms are called out."""
        with pytest.raises(ScoringInputError, match="unknown item 'ghost'") as info:
            kinds(FULL | {"ghost": 1})
        assert "case.item.unknown" == info.value.code
        with pytest.raises(ScoringInputError, match="computed from other answers"):
            kinds(FULL | {"young_with_weapon": True})

    def test_norm_group_is_required_and_checked(self) -> None:
        """An instrument with norm groups needs one of them."""
        with pytest.raises(ScoringInputError, match="expected one of male, female") as info:
            rnr.score(KINDS, FULL, assessed_on=DAY)
        assert "case.value.invalid" == info.value.code
        with pytest.raises(ScoringInputError, match="got 'other'"):
            kinds(FULL, "other")

    def test_a_scope_allowing_no_omission_makes_its_items_required(self) -> None:
        """max_omitted = 0: an omission there is a missing required item, not a limit passed."""
        from rnr.scoring.single import omission_error  # noqa: PLC0415

        assert "case.item.missing" == omission_error("scale risk", ["age"], 0).code
        assert "case.omissions" == omission_error("scale risk", ["age", "priors"], 1).code

    def test_a_person_outside_a_refusing_population(self) -> None:
        """Static-99R 1.1.0 is for men only, and says so by refusing: case.population."""
        static = rnr.default_library().get("static99r@1.1.0")
        with pytest.raises(ScoringInputError, match="not to be scored") as info:
            rnr.score(static, {}, assessed_on=DAY, sex="female")
        assert ("case.population", "person.sex") == (info.value.code, info.value.item)


class TestSerialization:
    def test_json_round_trip_is_exact(self) -> None:
        """A result read back from JSON equals the original, provisional or not."""
        for answers in (FULL, {k: v for k, v in FULL.items() if k != "age"}):
            result = kinds(answers, case_id="c-9")
            assert result == ScoreResult.from_json(result.to_json())

    def test_json_names_the_instrument_exactly(self) -> None:
        """The JSON carries id, version and content hash."""
        data = kinds(FULL).to_dict()
        assert {"id": "kinds", "version": "1.0.0", "sha256": KINDS.sha256} == data["instrument"]
        assert {"raw", "level", "scaled", "flag"} <= set(data["scales"]["risk"])

    def test_malformed_json_is_a_clear_error(self) -> None:
        """Reading something that is not a result raises ScoringInputError."""
        with pytest.raises(ScoringInputError, match="not a serialized score result") as info:
            ScoreResult.from_dict({"scales": {}})
        assert "argument.invalid" == info.value.code


class TestExplain:
    def test_explanation_matches_the_numbers(self) -> None:
        """Every scored item appears with its points; Spanish by default."""
        lines = rnr.explain(kinds(FULL))
        text = "\n".join(lines)
        assert "risk: 10; nivel high (tramo 7-10)" in text
        assert "  priors = 3 [3+]: risk +2, violence +1" in text
        assert "1 punto menos daría puntaje escalado 5" in text
        assert "3 puntos menos darían alerta no" in text
        assert "  young_with_weapon = sí: violence +1" in text  # a term, without its condition
        assert "lifestyle: 6 de 6, necesidad high (criminógena)" in text
        assert "history: 4 de 4" in lines  # a domain without need levels

    def test_explanation_names_no_id_nor_hash_in_spanish(self) -> None:
        """The instrument's version and file fingerprint are named; ids stay in the JSON."""
        result = kinds(FULL)
        lines = rnr.explain(result)
        fingerprint = result.instrument.sha256[:12]
        expected = f"kinds, versión 1.0.0 (huella del archivo del instrumento: {fingerprint})"
        assert expected == lines[0]
        assert not any("(priors)" in line or "sha256" in line for line in lines)

    def test_english_on_request(self) -> None:
        """lang='en' gives English words."""
        text = "\n".join(rnr.explain(kinds(FULL), lang="en"))
        assert "risk: 10; level high (band 7-10)" in text
        assert "1 fewer point would give scaled score 5" in text
        assert "3 fewer points would give flag no" in text


class TestNumpyAnswers:
    def test_numpy_scalars_are_plain_answers(self) -> None:
        """np.int64 and np.bool_ (as pandas gives them) score like int and bool."""
        answers = {
            k: (np.bool_(v) if isinstance(v, bool) else np.int64(v) if isinstance(v, int) else v)
            for k, v in FULL.items()
        }
        assert kinds(FULL) == kinds(answers)

    def test_batch_refuses_a_boolean_for_a_count(self) -> None:
        """True is no count: batch refuses it, as single scoring does."""
        columns = {k: [v] for k, v in FULL.items()} | {"priors": [True]}
        with pytest.raises(ScoringInputError, match="row 0: item priors: got True") as info:
            rnr.score_batch(KINDS, columns, norm_group="male")
        assert "case.value.type" == info.value.code

    @pytest.mark.parametrize(
        ("column", "value", "code"),
        [("priors", -2, "case.value.range"), ("peers", 1.5, "case.value.type"),
         ("weapon", 2, "case.value.type"), ("housing", "street", "case.value.range")],
    )  # fmt: skip
    def test_batch_codes_say_the_kind_of_mistake(
        self, column: str, value: object, code: str
    ) -> None:
        """Batch scoring codes a bad answer as single scoring does."""
        columns = {k: [v] for k, v in FULL.items()} | {column: [value]}
        with pytest.raises(ScoringInputError) as info:
            rnr.score_batch(KINDS, columns, norm_group="male")
        assert (code, column) == (info.value.code, info.value.item)

    def test_batch_argument_mistakes_are_argument_errors(self) -> None:
        """Columns of different lengths, or too few case ids: argument.invalid."""
        with pytest.raises(ScoringInputError) as info:
            rnr.score_batch(KINDS, {"priors": [1, 2], "peers": [1]}, norm_group="male")
        assert "argument.invalid" == info.value.code
        columns = {k: [v] for k, v in FULL.items()}
        with pytest.raises(ScoringInputError) as info:
            rnr.score_batch(KINDS, columns, norm_group="male", case_ids=["a", "b"])
        assert "argument.invalid" == info.value.code
