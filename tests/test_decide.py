"""Deciding one case end to end: score → legal context → decision, with overrides.

Uses the every-kind test instrument (levels low/medium/high) and the small
test policy in ``tests/data/policies/demo-policy``; expectations by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import attrs
import pytest

import rnr
from rnr.cases.legal import parse_legal
from rnr.cases.overrides import Override
from rnr.definitions.policy_loader import load_policy
from rnr.errors import DecisionInputError
from rnr.policy.decision import Decision
from rnr.policy.engine import decide, decide_facts
from rnr.policy.many import CohortCase, compare_policies, decide_many
from rnr.render.conditions import condition_words
from rnr.render.messages import say
from rnr.text import Message, Text

DATA = Path(__file__).parent / "data"
KINDS = rnr.load_instrument(DATA / "kinds" / "1.0.0.toml")
POLICY = load_policy(DATA / "policies" / "demo-policy" / "2024-01-01.toml")
DAY = dt.date(2024, 2, 1)
# age 40, no priors, stable housing, peers 1, work: risk 2 (low for men, 0-3)
LOW = {"age": 40, "priors": 0, "weapon": False, "housing": "stable", "peers": 1, "work": True}
LEGAL = parse_legal(
    {
        "regime": "adult",
        "sanction": "B",
        "sentence_days": 300,
        "offences": ["vif"],
        "entry_date": "2024-03-01",
    }
)


def score(answers: dict[str, object]) -> rnr.ScoreResult:
    """Score with the test instrument, male norms."""
    return rnr.score(KINDS, answers, assessed_on=DAY, norm_group="male", case_id="c-1")


class TestDecision:
    def test_eligibility_with_reasons(self) -> None:
        """300 days: A (≤ 365) and B (≤ 365 with VIF); without VIF, B is not available."""
        decision = decide(score(LOW), LEGAL, POLICY)
        assert ("A", "B") == decision.eligible_sanctions
        plain = attrs.evolve(LEGAL, offences=frozenset())
        other = decide(score(LOW), plain, POLICY)
        assert ("A",) == other.eligible_sanctions
        assert "Pena de un año o menos sin VIF." == other.ineligible["B"].es
        assert "sanction_not_eligible" in [w.code for w in other.warnings]

    def test_the_engine_writes_its_own_warning_as_a_code(self) -> None:
        """``sanction_not_eligible`` is a coded message quoting the rule's note, said in words."""
        legal = attrs.evolve(LEGAL, offences=frozenset())
        decision = decide(score(LOW), legal, POLICY)
        warning = next(w for w in decision.warnings if w.code == "sanction_not_eligible")
        reason = decision.ineligible["B"]
        assert isinstance(reason, Text)
        params = {"sanction": "B", "reason": reason}
        assert Message("policy.warning.sanction_not_eligible", params) == warning.message
        expected = f"No se cumplen los requisitos legales de la B: {reason.es}"
        assert expected == say(warning.message, "es")
        assert f"The legal requirements of B are not met: {reason.en}" == say(warning.message, "en")

    def test_intensity_monitoring_deadlines(self) -> None:
        """Low risk: 1 contact, 0 hours; VIF adds a component; B with VIF is monitored."""
        decision = decide(score(LOW), LEGAL, POLICY)
        assert (1, 0) == (decision.intensity.contacts_per_month, decision.intensity.treatment_hours)
        assert ("control", "vif programme") == decision.intensity.components
        assert decision.telematic_monitoring
        assert dt.date(2024, 4, 15) == decision.deadlines["pii_due"].date  # 2024-03-01 + 45
        assert dt.date(2024, 9, 1) == decision.deadlines["next_reassessment"].date  # + 6 months
        assert (300, 300) == decision.period_days

    def test_mismatch_is_reported_not_corrected(self) -> None:
        """B for a low-risk person: more than the risk calls for; the sanction stays B."""
        decision = decide(score(LOW), LEGAL, POLICY)
        assert "B" == decision.sanction
        assert "more_than_risk" == decision.fit
        assert "Intensidad mayor que el riesgo." == decision.fit_message.es
        assert ["intensive_for_low_risk"] == [w.code for w in decision.warnings]

    def test_trace_names_every_rule_and_source(self) -> None:
        """The trace lists the rules that fired, with their sources and conditions."""
        decision = decide(score(LOW), LEGAL, POLICY)
        fired = {(f.table, f.rule) for f in decision.trace}
        assert {
            ("eligibility_a", "a-range"),
            ("intensity", "low"),
            ("monitoring", "b-vif"),
        } <= fired
        monitoring = next(f for f in decision.trace if f.table == "monitoring")
        assert "invented art. 3" == monitoring.source
        assert "sanction = B and offences any of sexual, vif" == monitoring.condition
        vif_or_sexual = frozenset({"vif", "sexual"})
        assert (
            ("sanction", (("eq", "B"),)),
            ("offences", (("any_of", vif_or_sexual),)),
        ) == monitoring.when

    def test_a_rule_condition_in_words(self) -> None:
        """The condition names facts and values; of a set, the case's own values that matched."""
        decision = decide(score(LOW), LEGAL, POLICY)
        monitoring = next(f for f in decision.trace if f.table == "monitoring")
        vif = "contexto de violencia intrafamiliar (Ley 20.066; Ley 18.216 art. 15 bis b)"
        sexual = "delito sexual de los que enumera la Ley 18.216 art. 15 bis b)"
        words = condition_words(monitoring.when, POLICY, "es", values=decision.inputs)
        assert f"pena sustitutiva: B; delitos: con {vif}" == words
        assert f"pena sustitutiva: B; delitos: con {vif} o {sexual}" == condition_words(
            monitoring.when, POLICY, "es"
        )
        assert "substitute sentence: B; offences: including domestic-violence" in condition_words(
            monitoring.when, POLICY, "en"
        )
        assert "siempre" == condition_words((), POLICY, "es")

    def test_nearest_change(self) -> None:
        """From 2 (low, 0-3): 2 more points give medium risk, 2 contacts and 100 hours."""
        decision = decide(score(LOW), LEGAL, POLICY)
        up = next(n for n in decision.nearest if n.direction == "up")
        assert (2, "medium") == (up.points, up.level)
        expected = {
            "contacts_per_month": (1, 2),
            "treatment_hours": (0, 100),
            "fit": ("more_than_risk", "matches"),
        }
        assert expected == dict(up.changes)
        assert Message("policy.nearest_up", {"n": 2, "level": "medium"}) == up.message
        assert "If the score rises by 2, the risk would be medium" == say(up.message, "en")
        assert "Si el puntaje sube 2, el riesgo sería medium" == say(up.message, "es")

    def test_exam_suspension_extends_the_pii_deadline_up_to_its_limit(self) -> None:
        """Up to 60 days of exams extend the deadline (45 + 60 = 105 days); 61 is refused."""
        suspended = attrs.evolve(LEGAL, exam_suspension_days=60)
        assert (
            dt.date(2024, 6, 14) == decide(score(LOW), suspended, POLICY).deadlines["pii_due"].date
        )
        too_long = attrs.evolve(LEGAL, exam_suspension_days=61)
        with pytest.raises(DecisionInputError, match="expected at most 60"):
            decide(score(LOW), too_long, POLICY)

    def test_json_round_trip(self) -> None:
        """A decision read back from JSON equals the original."""
        decision = decide(score(LOW), LEGAL, POLICY)
        assert decision == Decision.from_json(decision.to_json())
        refused = decide(score(LOW), attrs.evolve(LEGAL, offences=frozenset()), POLICY)
        assert refused == Decision.from_json(refused.to_json())
        assert any(f.when for f in decision.trace)
        data = decision.to_dict()
        assert {
            "eligible_sanctions",
            "ineligible",
            "intensity",
            "telematic_monitoring",
            "deadlines",
            "warnings",
            "trace",
        } <= set(data)

    def test_json_keeps_rule_notes_and_codes_the_engines_messages(self) -> None:
        """A policy's note stays ``{es, en}``; the engine's own message is ``{code, params}``."""
        legal = attrs.evolve(LEGAL, offences=frozenset())
        data = decide(score(LOW), legal, POLICY).to_dict()
        note = {"es": "Pena de un año o menos sin VIF.", "en": data["ineligible"]["B"]["en"]}
        assert note == data["ineligible"]["B"]
        warning = next(w for w in data["warnings"] if w["code"] == "sanction_not_eligible")
        assert {
            "code": "policy.warning.sanction_not_eligible",
            "params": {"sanction": "B", "reason": note},
        } == warning["message"]
        up = next(n for n in data["nearest"] if n["direction"] == "up")
        assert {"code": "policy.nearest_up", "params": {"n": 2, "level": "medium"}} == up["message"]

    def test_json_keeps_each_rule_condition_as_data(self) -> None:
        """``when`` lists each input and its tests; a trace stored without it still reads."""
        decision = decide(score(LOW), LEGAL, POLICY)
        data = decision.to_dict()
        monitoring = next(f for f in data["trace"] if f["table"] == "monitoring")
        assert [
            {"input": "sanction", "tests": [{"op": "eq", "value": "B"}]},
            {"input": "offences", "tests": [{"op": "any_of", "value": {"set": ["sexual", "vif"]}}]},
        ] == monitoring["when"]
        for fired in data["trace"]:
            del fired["when"]
        older = Decision.from_dict(data)
        assert all(f.when == () for f in older.trace)
        assert [f.condition for f in decision.trace] == [f.condition for f in older.trace]


class TestOverrides:
    def test_override_changes_the_decision_and_keeps_the_computed_level(self) -> None:
        """Up to high: 4 contacts; the computed level stays visible."""
        override = Override("high", "up", "victim_safety", "jefatura", dt.date(2024, 2, 2))
        decision = decide(score(LOW), LEGAL, POLICY, override=override)
        assert ("high", "low", True) == (
            decision.risk_level,
            decision.computed_risk_level,
            decision.override_changed,
        )
        assert 4 == decision.intensity.contacts_per_month
        assert "B" == decision.sanction  # what the court imposed is untouched

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"reason": "because"}, "override.reason: got 'because'"),
            ({"reason": "other"}, "reason 'other' needs one"),
            ({"approved_by": " "}, "override.approved_by"),
        ],
    )
    def test_bad_override_records(self, kwargs: dict[str, str], match: str) -> None:
        """A reason code from the list; 'other' with text; who approved."""
        fields = {
            "to_level": "high",
            "direction": "up",
            "reason": "victim_safety",
            "approved_by": "x",
        }
        with pytest.raises(DecisionInputError, match=match):
            Override(**(fields | kwargs), approved_on=DAY)  # type: ignore[arg-type]

    def test_override_direction_must_match(self) -> None:
        """'down' to a higher level is refused."""
        override = Override("high", "down", "victim_safety", "x", DAY)
        with pytest.raises(DecisionInputError, match="override.direction: got 'down'"):
            decide(score(LOW), LEGAL, POLICY, override=override)

    def test_override_level_must_exist(self) -> None:
        """A level the policy does not know is refused."""
        override = Override("extreme", "up", "victim_safety", "x", DAY)
        with pytest.raises(DecisionInputError, match="override.to_level: got 'extreme'"):
            decide(score(LOW), LEGAL, POLICY, override=override)


class TestBadLegal:
    @pytest.mark.parametrize(
        ("legal", "match"),
        [
            ({"sanction": "B"}, "legal.regime: got None, expected adult or juvenile"),
            ({"regime": "adults"}, "legal.regime: got 'adults'"),
            ({"regime": "adult", "sentence_days": -3}, "legal.sentence_days: got -3"),
            ({"regime": "adult", "offences": ["theft"]}, "legal.offences: got 'theft'"),
            ({"regime": "adult", "entry_date": "2024-13-01"}, "legal.entry_date: got '2024-13-01'"),
            ({"regime": "adult", "judge": "x"}, "legal.judge: unknown field"),
        ],
    )
    def test_bad_legal_section(self, legal: dict[str, object], match: str) -> None:
        """Each bad field is named with its value and what was expected."""
        with pytest.raises(DecisionInputError, match=match):
            parse_legal(legal)

    def test_missing_fact_names_the_field(self) -> None:
        """No sentence length: the error names legal.sentence_days and the input."""
        legal = attrs.evolve(LEGAL, sentence_days=None)
        with pytest.raises(DecisionInputError, match="legal.sentence_days: missing"):
            decide(score(LOW), legal, POLICY)

    def test_wrong_regime(self) -> None:
        """A juvenile case under an adult policy is refused."""
        legal = attrs.evolve(LEGAL, regime="juvenile")
        with pytest.raises(
            DecisionInputError, match="legal.regime: got 'juvenile', expected 'adult'"
        ):
            decide(score(LOW), legal, POLICY)


class TestCohort:
    def cohort(self) -> list[CohortCase]:
        """Forty cases over every risk level and both offence sets."""
        cases = []
        for i in range(40):
            level = ("low", "medium", "high")[i % 3]
            legal = attrs.evolve(
                LEGAL,
                offences=frozenset({"vif"}) if i % 2 else frozenset(),
                entry_date=dt.date(2024, 3, 1) + dt.timedelta(days=i),
                sentence_days=200 + 10 * i,
            )
            cases.append(
                CohortCase(f"c-{i}", {"risk_level": level, "high_needs": i % 4}, legal, DAY)
            )
        return cases

    def test_many_equals_one_by_one(self) -> None:
        """Shared decisions equal deciding each case alone, deadlines included."""
        cases = self.cohort()
        many = decide_many(POLICY, cases)
        for case, decision in zip(cases, many, strict=True):
            alone = decide_facts(
                POLICY, case.facts, case.legal, assessed_on=case.assessed_on, case_id=case.case_id
            )
            assert alone == decision

    def test_whatif_lists_who_changes(self, tmp_path: Path) -> None:
        """Raising the A limit to 500 days makes A available to cases 17 to 30."""
        text = (DATA / "policies" / "demo-policy" / "2024-01-01.toml").read_text(encoding="utf-8")
        folder = tmp_path / "demo-policy"
        folder.mkdir()
        (folder / "2025-01-01.toml").write_text(
            text.replace("effective_from = 2024-01-01", "effective_from = 2025-01-01").replace(
                "sentence_days = { le = 365 } }\nthen = { eligible = true }",
                "sentence_days = { le = 500 } }\nthen = { eligible = true }",
            ),
            encoding="utf-8",
        )
        newer = load_policy(folder / "2025-01-01.toml")
        report = compare_policies(POLICY, newer, self.cohort())
        changed = {c.case_id for c in report.changed}
        # sentence 200 + 10 i is in (365, 500] for i = 17 .. 30
        assert {f"c-{i}" for i in range(17, 31)} == changed
        assert 14 == report.counts["eligible_sanctions"]
        assert 40 == report.to_dict()["total"]


class TestAudit:
    def test_decision_names_the_instrument_that_scored(self) -> None:
        """A decision carries the instrument id, version and hash, and keeps it in JSON."""
        decision = decide(score(LOW), LEGAL, POLICY)
        assert decision.instrument is not None
        assert (KINDS.id, KINDS.version, KINDS.sha256) == (
            decision.instrument.id,
            decision.instrument.version,
            decision.instrument.sha256,
        )
        assert decision == Decision.from_json(decision.to_json())

    def test_an_expired_override_is_refused(self) -> None:
        """An override expires at the next reassessment; after that it does not apply."""
        override = Override(
            "high", "up", "victim_safety", "x", dt.date(2023, 6, 1), expires_on=dt.date(2024, 1, 1)
        )
        with pytest.raises(DecisionInputError, match="override.expires_on: got 2024-01-01"):
            decide(score(LOW), LEGAL, POLICY, override=override)

    @pytest.mark.parametrize("value", ["20240301", 20240301, "2024-3-1"])
    def test_dates_must_be_written_in_full(self, value: object) -> None:
        """Only YYYY-MM-DD is a date; compact or partial forms are refused."""
        with pytest.raises(DecisionInputError, match="legal.entry_date: got"):
            parse_legal({"regime": "adult", "entry_date": value})
