"""Plan assembly and lifecycle on the test instrument, test policy and test catalogue."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import rnr
from rnr.cases.legal import parse_legal
from rnr.cases.parse import parse_case, score_case
from rnr.definitions.catalogue import load_catalogue, load_rules
from rnr.definitions.library import Library, data_dir, default_library, policy_library
from rnr.definitions.policy_loader import load_policy
from rnr.definitions.responsivity import parse_responsivity
from rnr.errors import DecisionInputError, DefinitionError
from rnr.plan.assemble import draft_plan, objective_cap, share_hours
from rnr.plan.draft import attainment, closing_summary, review
from rnr.policy.engine import decide, months_to_days
from rnr.text import Message

DATA = Path(__file__).parent / "data"
KINDS = rnr.load_instrument(DATA / "kinds" / "1.0.0.toml")
LIBRARY = Library((KINDS,))
CATALOGUE = load_catalogue(DATA / "plan_catalogue" / "objectives", library=LIBRARY)
RULES = load_rules(DATA / "plan_catalogue" / "responsivity")
POLICY = load_policy(DATA / "policies" / "demo-policy" / "2024-01-01.toml")
DAY = dt.date(2024, 2, 1)
# high risk (age 20, 3 priors, homeless, peers 0, work) → lifestyle need high
HIGH = {
    "age": 20,
    "priors": 3,
    "weapon": True,
    "housing": "homeless",
    "peers": 0,
    "work": True,
    "family_support": True,
}
LEGAL = parse_legal(
    {
        "regime": "adult",
        "sanction": "B",
        "sentence_days": 400,
        "offences": [],
        "entry_date": "2024-02-05",
    }
)


def plan_for(answers: dict[str, object], **kw: object) -> rnr.plan.PlanDraft:
    """Score, decide and draft with the test data."""
    result = rnr.score(KINDS, answers, assessed_on=DAY, norm_group="male", case_id="c-7")
    decision = decide(result, LEGAL, POLICY)
    return draft_plan(result, decision, catalogue=CATALOGUE, rules=RULES, **kw)  # type: ignore[arg-type]


class TestAssembly:
    def test_objectives_follow_the_needs_and_the_hours_add_up(self) -> None:
        """High risk with one high need: 200 h, cap 4, one objective with every hour."""
        plan = plan_for(HIGH)
        assert ["lifestyle-high"] == [o.id for o in plan.objectives]
        assert (200, 4) == (plan.treatment_hours, plan.cap)
        assert [200] == [o.hours for o in plan.objectives]

    def test_static_domains_never_produce_objectives(self) -> None:
        """history is static: no objective names it."""
        plan = plan_for(HIGH)
        assert all(o.domain != "history" for o in plan.objectives)

    def test_reasons_name_the_items_and_domain_score(self) -> None:
        """Each objective says which items and which domain score put it there."""
        reason = plan_for(HIGH).objectives[0].reason
        assert reason is not None
        assert ("lifestyle", 6, 6, "high") == (reason.domain, reason.total, reason.max, reason.need)
        assert ("housing", "peers", "work") == reason.items

    def test_strengths_are_named_and_attached(self) -> None:
        """family_support is a lifestyle strength: named and attached to its objective."""
        plan = plan_for(HIGH)
        assert ("family_support",) == plan.strengths
        assert ("family_support",) == plan.objectives[0].strengths

    def test_responsivity_adaptations_are_applied_and_explained(self) -> None:
        """Pre-contemplation puts motivational work first; low literacy is listed."""
        responsivity = parse_responsivity({"motivation": "precontemplation", "literacy": "low"})
        plan = plan_for(HIGH, responsivity=responsivity)
        assert ["precontemplation", "low-literacy"] == [a.rule for a in plan.adaptations]
        assert {"motivation": "precontemplation"} == dict(plan.adaptations[0].triggered_by)
        assert "entrevista motivacional" == plan.objectives[0].components[0]

    def test_supports_are_triggered_by_the_responsivity_section(self) -> None:
        """Out of school: the schooling support appears, with no treatment hours."""
        plan = plan_for(HIGH, responsivity=parse_responsivity({"schooling": "dropped_out"}))
        assert ["schooling-support"] == [s.id for s in plan.supports]
        assert 0 == plan.supports[0].hours

    def test_deadlines_and_reviews_come_from_the_decision(self) -> None:
        """PII due 45 days after entry; reviews every 3 months before the reassessment."""
        plan = plan_for(HIGH)
        names = {d.name: d.date for d in plan.deadlines}
        assert dt.date(2024, 3, 21) == names["pii_due"]
        assert all(r < names["next_reassessment"] for r in plan.reviews)

    def test_a_decision_from_another_score_is_refused(self) -> None:
        """The plan must come from the score the decision was made from."""
        result = rnr.score(KINDS, HIGH, assessed_on=DAY, norm_group="male")
        psa = rnr.default_library().get("psa")
        other = rnr.score(
            psa,
            {i.id: (False if i.kind == "boolean" else 0) for i in psa.items if i.kind != "age"}
            | {"age_at_arrest": 30},
            assessed_on=DAY,
        )
        with pytest.raises(DecisionInputError, match="decision: made from kinds@1.0.0"):
            draft_plan(other, decide(result, LEGAL, POLICY), catalogue=CATALOGUE, rules=RULES)


class TestHelpers:
    @pytest.mark.parametrize(
        ("hours", "cap"), [(0, 1), (10, 2), (50, 2), (100, 3), (200, 4), (300, 5), (900, 5)]
    )
    def test_cap_by_intensity(self, hours: int, cap: int) -> None:
        """One or two objectives for low intensity, more for high."""
        assert cap == objective_cap(hours)

    def test_hours_are_shared_exactly(self) -> None:
        """Largest remainder: the shares add up to the total."""
        assert [34, 33, 33] == share_hours(100, [1, 1, 1])
        assert 7 == sum(share_hours(7, [3, 5, 11]))


class TestLifecycle:
    def test_review_and_closing_with_attainment(self) -> None:
        """A review marks progress; the closing computes attainment against the threshold."""
        plan = plan_for(HIGH)
        first = plan.objectives[0].id
        reviewed = review(plan, dt.date(2024, 5, 1), {first: ("in_progress", "asiste")})
        assert (2, "review", "in_progress") == (
            reviewed.version,
            reviewed.kind,
            reviewed.objectives[0].status,
        )
        closed = review(
            reviewed, dt.date(2024, 9, 1), {first: ("achieved", "cumplido")}, closing=True
        )
        result = attainment(closed)
        assert (1, 1, 100.0) == (result.achieved, result.counted, result.percent)
        assert "closing" == closed.kind
        summary = closing_summary(closed)
        assert (plan.dated, dt.date(2024, 9, 1), 3) == (
            summary.opened_on,
            summary.closed_on,
            summary.versions,
        )
        assert ((first,), (), ()) == (summary.achieved, summary.not_achieved, summary.removed)
        assert result == summary.attainment
        assert (dt.date(2024, 9, 1) - plan.dated).days == summary.days

    def test_closing_summary_needs_a_closed_plan(self) -> None:
        """Only a closing version has a closing summary."""
        with pytest.raises(DecisionInputError, match="expected 'closing'"):
            closing_summary(plan_for(HIGH))

    def test_closing_with_open_objectives_is_refused(self) -> None:
        """Every objective must be settled before closing."""
        plan = plan_for(HIGH)
        with pytest.raises(DecisionInputError, match="objectives still open"):
            review(plan, dt.date(2024, 9, 1), {}, closing=True)

    def test_bad_reviews(self) -> None:
        """Unknown objective, unknown status, and a date before the plan are refused."""
        plan = plan_for(HIGH)
        with pytest.raises(DecisionInputError, match="objective 'nope': unknown"):
            review(plan, dt.date(2024, 5, 1), {"nope": ("achieved", "")})
        with pytest.raises(DecisionInputError, match="status got 'done'"):
            review(plan, dt.date(2024, 5, 1), {plan.objectives[0].id: ("done", "")})  # type: ignore[dict-item]
        with pytest.raises(DecisionInputError, match="review date: got 2023-01-01"):
            review(plan, dt.date(2023, 1, 1), {})


class TestCatalogueValidation:
    def test_a_need_without_objective_is_refused(self, tmp_path: Path) -> None:
        """Removing the moderate objective leaves a need level uncovered: an error names it."""
        text = (DATA / "plan_catalogue" / "objectives" / "kinds.toml").read_text(encoding="utf-8")
        (tmp_path / "kinds.toml").write_text(
            text.replace('need_levels = ["moderate"]', 'need_levels = ["high"]'), encoding="utf-8"
        )
        with pytest.raises(
            DefinitionError, match="kinds.lifestyle: no objective for need level 'moderate'"
        ):
            load_catalogue(tmp_path, library=LIBRARY)

    def test_objectives_for_static_domains_are_refused(self, tmp_path: Path) -> None:
        """A criminogenic objective on a static domain is an error naming the field."""
        text = (DATA / "plan_catalogue" / "objectives" / "kinds.toml").read_text(encoding="utf-8")
        (tmp_path / "kinds.toml").write_text(
            text.replace(
                'domain = "lifestyle"\nneed_levels = ["high"]',
                'domain = "history"\nneed_levels = ["high"]',
            ),
            encoding="utf-8",
        )
        with pytest.raises(
            DefinitionError,
            match=r"objectives\[0\].domain: got 'history', expected a dynamic domain",
        ):
            load_catalogue(tmp_path, library=LIBRARY)

    @pytest.mark.parametrize(
        ("old", "new", "message"),
        [
            (
                "sessions = 12",
                'sessions = 12\ncolour = "red"',
                r"objectives\[0\].colour: unknown key; allowed here",
            ),
            (
                'domain = "lifestyle"\nneed_levels = ["high"]',
                'domain = "nowhere"\nneed_levels = ["high"]',
                r"objectives\[0\].domain: got 'nowhere', expected a domain of kinds",
            ),
            (
                'instruments = ["kinds"]',
                'instruments = ["kinds", "nope"]',
                "instruments: got 'nope', expected a known instrument id",
            ),
            (
                'need_levels = ["moderate"]',
                'need_levels = ["moderate", "extreme"]',
                r"objectives\[1\].need_levels: got 'extreme', expected one of",
            ),
            ("sessions = 12", "sessions = 0", r"objectives\[0\].sessions"),
            (
                'schema = "rnr.objectives/1"',
                'schema = "rnr.objectives/2"',
                "schema: got 'rnr.objectives/2'",
            ),
            (
                'title = { es = "Estabilizar la vida cotidiana", en = "Stabilise daily life" }',
                'title = { es = "Estabilizar la vida cotidiana" }',
                r"objectives\[0\].title",
            ),
            (
                'triggers = { schooling = ["not_enrolled", "dropped_out"] }',
                'triggers = { schooling = ["expelled"] }',
                r"objectives\[2\].triggers.schooling: got 'expelled'",
            ),
            ('id = "lifestyle-moderate"', 'id = "lifestyle-high"', "duplicate objective id"),
        ],
        ids=[
            "unknown-key",
            "unknown-domain",
            "unknown-instrument",
            "unknown-need-level",
            "zero-sessions",
            "schema",
            "missing-language",
            "bad-trigger",
            "duplicate-id",
        ],
    )
    def test_malformed_catalogue_names_file_field_and_value(
        self, tmp_path: Path, old: str, new: str, message: str
    ) -> None:
        """Each broken catalogue is refused with the file, the dotted field and the value."""
        text = (DATA / "plan_catalogue" / "objectives" / "kinds.toml").read_text(encoding="utf-8")
        assert old in text
        (tmp_path / "kinds.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(DefinitionError, match=message) as info:
            load_catalogue(tmp_path, library=LIBRARY)
        assert str(tmp_path) in str(info.value)

    @pytest.mark.parametrize(
        ("old", "new", "message"),
        [
            (
                'when = { motivation = ["precontemplation"] }',
                'when = { mood = ["low"] }',
                r"rules\[0\].when.mood: got 'mood', expected a responsivity field",
            ),
            (
                'when = { literacy = ["low", "none"] }',
                'when = { literacy = ["poor"] }',
                r"rules\[1\].when.literacy: got 'poor'",
            ),
            (
                'source = "FACTS.md §6"',
                'source = "FACTS.md §6"\nweight = 2',
                r"rules\[1\].weight: unknown key; allowed here",
            ),
            (
                'when = { literacy = ["low", "none"] }',
                "when = { literacy = [] }",
                r"rules\[1\].when.literacy: got \[\], expected a non-empty list",
            ),
        ],
        ids=["unknown-field", "unknown-value", "unknown-key", "empty-values"],
    )
    def test_malformed_rules_name_file_field_and_value(
        self, tmp_path: Path, old: str, new: str, message: str
    ) -> None:
        """Each broken responsivity rule file is refused with the file and the dotted field."""
        text = (DATA / "plan_catalogue" / "responsivity" / "rules.toml").read_text(encoding="utf-8")
        assert old in text
        (tmp_path / "rules.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(DefinitionError, match=message) as info:
            load_rules(tmp_path)
        assert "rules.toml" in str(info.value)

    def test_bad_responsivity_values(self) -> None:
        """Unknown fields and values are named."""
        with pytest.raises(DecisionInputError, match="responsivity.motivation: got 'ready'"):
            parse_responsivity({"motivation": "ready"})
        with pytest.raises(DecisionInputError, match="responsivity.mood: unknown field"):
            parse_responsivity({"mood": "calm"})


class TestTheLawInThePlan:
    """The decision's legal warnings reach the PII draft (the templates print plan.warnings)."""

    YOUTH = data_dir() / "instruments" / "ylscmi" / "examples" / "ylscmi-02-custody.json"

    def _decided(self, sanction: str, days: int) -> tuple[rnr.ScoreResult, rnr.Decision]:
        """The shipped YLS/CMI example under the juvenile policy, with another sentence."""
        data = json.loads(self.YOUTH.read_text("utf-8"))
        data["legal"] = {**data["legal"], "sanction": sanction, "sentence_days": days}
        case = parse_case(data, file="<plan>")
        assert case.legal is not None
        result = score_case(case, default_library())
        policy = policy_library().get("cl-juvenil-20084@2024-01-14")
        return result, decide(result, case.legal, policy)

    def _plan(self, sanction: str, days: int) -> rnr.plan.PlanDraft:
        return draft_plan(*self._decided(sanction, days))

    def test_a_24_month_las_plan_holds_the_period_warning(self) -> None:
        """LAS lasts 6 to 18 months (Ley 20.084 art. 13): a 24-month LAS (730 days) is
        flagged in the decision, and the draft carries that very warning and the range."""
        result, decision = self._decided("LAS", months_to_days(24))
        plan = draft_plan(result, decision)
        assert decision.warnings == plan.warnings
        (warning,) = [w for w in plan.warnings if w.code == "period_out_of_range"]
        assert isinstance(warning.message, Message)
        assert "policy.warning.period_out_of_range" == warning.message.code
        params = dict(warning.message.params)
        assert ("LAS", 730, 6, 18) == tuple(
            params[k] for k in ("sanction", "days", "min_months", "max_months")
        )
        assert warning.source.startswith("Ley 20.084 art. 13")
        assert (6, 18) == plan.period_months
        assert (730, 730) == plan.period_days

    def test_the_warning_survives_reviews_and_serialisation(self) -> None:
        """A reviewed version keeps the warning, and the JSON form names it."""
        plan = self._plan("LAS", 730)
        again = review(plan, plan.dated + dt.timedelta(days=30), {})
        assert plan.warnings == again.warnings
        codes = [w["code"] for w in again.to_dict()["warnings"]]
        assert "period_out_of_range" in codes

    def test_an_18_month_las_plan_has_no_such_warning(self) -> None:
        """18 months (548 days) is within the range: no period warning in the draft."""
        plan = self._plan("LAS", months_to_days(18))
        assert "period_out_of_range" not in {w.code for w in plan.warnings}
