"""What Ley 18.216 requires of a PII, on the shipped catalogue and policies.

- an LVI for domestic violence (``vif``) or a sexual offence gets an objective
  on the offence, the victim-protection conditions and the monitoring;
- an LV or LVI plan always holds an individualised intervention: never 0
  hours, even at the minimum the risk principle allows (the catalogue's
  ``[[minimums]]``, cited to arts. 14, 16 and 17 quáter);
- the decision's warnings, its monitoring and the intervention period appear
  in the plan;
- a juvenile plan has a signature line for the responsible adult.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs
import pytest

from rnr import default_library
from rnr.cases.parse import Case, read_cases
from rnr.definitions.catalogue import load_catalogue, shipped
from rnr.definitions.library import policy_library
from rnr.errors import DefinitionError
from rnr.plan.assemble import at_least_one, draft_plan
from rnr.plan.draft import PlanDraft
from rnr.policy.decision import Decision
from rnr.policy.engine import decide
from rnr.render.plan import render_plan, words

CASES = Path(__file__).parent / "data" / "plans" / "cases"
POLICY = {"adult": "cl-adultos-18216", "juvenile": "cl-juvenil-20084"}
CATALOGUE, RULES = shipped()
#: Very low risk (LS/CMI total 4), LVI for an offence in a domestic-violence context.
VIF = "prueba-adulto-02-vif"


def case_of(name: str, **legal: Any) -> Case:
    """A test case, its legal section changed by ``legal``."""
    case = next(read_cases(CASES / f"{name}.json"))
    assert case.legal is not None
    if "offences" in legal:
        legal["offences"] = frozenset(legal["offences"])
    return attrs.evolve(case, legal=attrs.evolve(case.legal, **legal))


def decided(case: Case) -> tuple[PlanDraft, Decision]:
    """Score, decide under the shipped policy of its regime, draft with the shipped catalogue."""
    assert case.legal is not None
    result = case.score(default_library())
    policy = policy_library().get(POLICY[case.legal.regime], on=case.legal.sentence_date)
    decision = decide(result, case.legal, policy, case_id=case.case_id)
    return draft_plan(result, decision, responsivity=case.responsivity), decision


@pytest.mark.parametrize(
    ("offence", "objective"),
    [("vif", "adu-lvi-vif-proteccion-victima"), ("sexual", "adu-lvi-sexual-proteccion-victima")],
)
def test_lvi_for_vif_or_sexual_offence_has_the_offence_objective_first(
    offence: str, objective: str
) -> None:
    """The objective names the offence, the victim-protection conditions and the monitoring."""
    plan, decision = decided(case_of(VIF, offences=[offence]))
    first = plan.objectives[0]
    assert (first.id, first.kind, first.offences) == (objective, "offence", (offence,))
    assert first.hours > 0
    title = first.title("es")
    assert "víctima" in title
    assert "monitoreo" in title
    assert any("monitoreo telemático" in c for c in first.components)
    assert plan.offences == (offence,)
    assert plan.telematic_monitoring is decision.telematic_monitoring
    text = render_plan(plan)
    named = words("es")["offence_names"][offence]
    assert f"- Por qué: libertad vigilada intensiva (LVI) por {named}\n" in text


def test_both_offences_give_both_objectives() -> None:
    """A VIF sexual offence gets both offence objectives, within the plan's hours."""
    plan, _ = decided(case_of(VIF, offences=["vif", "sexual"]))
    kinds = [o.kind for o in plan.objectives]
    assert kinds[:2] == ["offence", "offence"]
    assert sum(o.hours for o in plan.objectives) == plan.treatment_hours


@pytest.mark.parametrize(
    ("sanction", "offences"),
    [("LV", ["vif"]), ("LVI", []), ("LVI", ["drugs_art4"]), ("RC", ["vif"])],
)
def test_no_offence_objective_outside_its_legal_context(sanction: str, offences: list[str]) -> None:
    """Only an LVI for vif or sexual selects an offence objective."""
    plan, _ = decided(case_of(VIF, sanction=sanction, offences=offences, sentence_days=1200))
    assert all(o.kind != "offence" for o in plan.objectives)


@pytest.mark.parametrize("sanction", ["LV", "LVI"])
def test_lv_and_lvi_never_have_zero_hours(sanction: str) -> None:
    """Very low risk: the policy gives 0 hours, the plan holds the legal minimum, cited."""
    plan, decision = decided(case_of(VIF, sanction=sanction, offences=[], sentence_days=1000))
    assert decision.risk_level == "very_low"
    assert decision.intensity.treatment_hours == 0
    minimum = CATALOGUE.minimum(sanction)
    assert minimum is not None
    assert minimum.hours > 0
    assert "17 quáter" in minimum.source
    assert plan.treatment_hours == minimum.hours
    assert plan.hours_floor is not None
    assert (plan.hours_floor.decided, plan.hours_floor.hours) == (0, minimum.hours)
    assert plan.objectives
    assert all(o.hours > 0 for o in plan.objectives)
    assert sum(o.hours for o in plan.objectives) == minimum.hours
    for lang in ("es", "en"):
        for fmt in ("md", "html"):
            text = render_plan(plan, format=fmt, lang=lang)
            floor = words(lang)["hours_floor"].split("{")[0]
            assert floor in text
            assert words(lang)["no_objectives"] not in text


def test_the_minimum_never_lowers_the_decided_hours() -> None:
    """At medium risk and above the decision's hours stand; no floor is recorded."""
    case = next(read_cases(CASES / "prueba-adulto-01.json"))
    plan, decision = decided(case)
    assert decision.intensity.treatment_hours >= 10
    assert plan.treatment_hours == decision.intensity.treatment_hours
    assert plan.hours_floor is None


def test_control_sanctions_get_no_minimum() -> None:
    """RC carries no intervention plan under the law: its 0 hours stand."""
    plan, decision = decided(case_of(VIF, sanction="RC", offences=[], sentence_days=700))
    assert decision.intensity.treatment_hours == 0
    assert plan.treatment_hours == 0
    assert plan.hours_floor is None


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("fmt", ["md", "html"])
def test_the_decisions_warnings_appear_in_the_plan(lang: str, fmt: str) -> None:
    """Intensive intervention at low risk is warned in the plan, in words, without its code."""
    plan, decision = decided(case_of(VIF))
    codes = [w.code for w in decision.warnings]
    assert "intensive_for_low_risk" in codes
    assert plan.warnings == decision.warnings
    text = render_plan(plan, format=fmt, lang=lang)
    assert words(lang)["warnings"] in text
    for warning in decision.warnings:
        shown = warning.message(lang)  # type: ignore[operator]
        assert (shown if fmt == "md" else shown.replace("&", "&amp;")) in text
        assert f"[{warning.code}]" not in text
        assert warning.code not in text


def test_a_plan_without_warnings_says_so() -> None:
    """The section is always there; without warnings it says none were recorded."""
    plan, decision = decided(next(read_cases(CASES / "prueba-juvenil-01.json")))
    assert not decision.warnings
    assert words("es")["no_warnings"] in render_plan(plan)


def test_monitoring_and_period_are_shown() -> None:
    """The plan says whether telematic monitoring applies, why, and the intervention period."""
    plan, decision = decided(case_of(VIF))
    assert plan.telematic_monitoring is True
    assert plan.period_days == decision.period_days == (800, 800)
    text = render_plan(plan)
    assert "| Monitoreo telemático | sí. " in text
    assert decision.monitoring_reason("es") in text
    assert "| Plazo de intervención | 800 días |" in text
    assert "| Intervention period | 1,000 days |" in render_plan(
        attrs.evolve(plan, period_days=(1000, 1000)), lang="en"
    )


@pytest.mark.parametrize(
    ("months", "es"),
    [
        ((6, 18), "entre 6 y 18 meses"),
        ((12,), "12 meses"),
        ((1,), "1 mes"),
    ],
)
def test_period_in_months_is_read_from_the_decision(months: tuple[int, ...], es: str) -> None:
    """A decision's period_months (a figure or the legal range) shows beside the sanction."""
    case = next(read_cases(CASES / "prueba-juvenil-01.json"))
    assert case.legal is not None
    result = case.score(default_library())
    policy = policy_library().get("cl-juvenil-20084", on=case.legal.sentence_date)
    decision = decide(result, case.legal, policy, case_id=case.case_id)
    figure: Any = months[0] if len(months) == 1 else months
    decision = attrs.evolve(decision, period_months=figure)
    plan = draft_plan(result, decision, responsivity=case.responsivity)
    assert plan.period_months == months
    assert es in render_plan(plan)


@pytest.mark.parametrize("fmt", ["md", "html"])
def test_a_juvenile_plan_has_a_line_for_the_responsible_adult(fmt: str) -> None:
    """Three signatures for a young person: the adolescent, the responsible adult, the officer."""
    w = words("es")
    juvenile, _ = decided(next(read_cases(CASES / "prueba-juvenil-01.json")))
    adult, _ = decided(case_of(VIF))
    text = render_plan(juvenile, format=fmt)
    for key in ("signature_adolescent", "signature_guardian", "signature_officer", "relationship"):
        assert w[key] in text
    assert w["signature_person"] not in text
    other = render_plan(adult, format=fmt)
    assert w["signature_person"] in other
    assert w["signature_guardian"] not in other


def test_plan_to_dict_holds_the_legal_context() -> None:
    """The draft's JSON form carries offences, warnings, monitoring and the hours floor."""
    plan, _ = decided(case_of(VIF))
    data = plan.to_dict()
    assert data["offences"] == ["vif"]
    assert data["telematic_monitoring"] is True
    assert data["hours_floor"]["hours"] == 10
    assert data["warnings"][0]["code"] == "intensive_for_low_risk"
    json.dumps(data)
    other, decision = decided(next(read_cases(CASES / "prueba-adulto-01.json")))
    coded = [w for w in decision.warnings if w.code == "sanction_not_eligible"]
    assert coded  # a coded message whose reason is a rule's note (a Text)
    assert json.loads(json.dumps(other.to_dict()))["warnings"][-1]["message"]["params"]["reason"]


def test_at_least_one_hour_per_objective() -> None:
    """Sharing few hours never leaves an objective at 0 when each can have one."""
    assert at_least_one([10, 0]) == [9, 1]
    assert at_least_one([0, 0]) == [0, 0]
    assert sum(at_least_one([7, 2, 0, 0])) == 9


# -- the catalogue's legal parts ------------------------------------------------

OFFENCE = """
[[objectives]]
id = "x-offence"
kind = "offence"
legal = { sanctions = ["LVI"], offences = ["vif"] }
sessions = 4
components = ["c"]
title = { es = "t", en = "t" }
indicator = { es = "i", en = "i" }
source = "s"
"""
MINIMUM = """
[[minimums]]
sanctions = ["LV", "LVI"]
hours = 10
source = "s"
"""


def catalogue_with(tmp_path: Path, extra: str) -> Path:
    """The shipped adult catalogue with ``extra`` appended to a file of its own."""
    folder = tmp_path / "objectives"
    folder.mkdir()
    shipped_dir = Path(__file__).parents[1] / "plans" / "objectives"
    (folder / "adultos.toml").write_text(
        (shipped_dir / "adultos.toml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    head = 'schema = "rnr.objectives/1"\nid = "x"\ninstruments = ["lscmi"]\nreferences = ["r"]\n'
    (folder / "x.toml").write_text(head + extra, encoding="utf-8")
    return folder


def test_a_well_formed_legal_catalogue_loads(tmp_path: Path) -> None:
    """Offence objectives and minimums load and are found by sanction and offence."""
    catalogue = load_catalogue(catalogue_with(tmp_path, OFFENCE + MINIMUM))
    assert [o.id for o in catalogue.for_offence("lscmi", "LVI", {"vif"})] == ["x-offence"]
    assert catalogue.for_offence("lscmi", "LV", {"vif"}) == []
    assert catalogue.for_offence("lscmi", "LVI", {"sexual"}) == []
    minimum = catalogue.minimum("LV")
    assert minimum is not None
    assert minimum.hours == 10
    assert catalogue.minimum("RC") is None


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ('legal = { sanctions = ["LVI"], offences = ["vif"] }\n', "", r"x-offence|legal: missing"),
        (
            'kind = "offence"',
            'kind = "criminogenic"\ndomain = "companions"',
            r"legal: only offence",
        ),
        ('offences = ["vif"]', "offences = []", r"legal.offences: got \[\], expected a non-empty"),
        ('offences = ["vif"] }', 'offences = ["vif"], court = "x" }', r"legal.court: unknown key"),
        ("hours = 10", "hours = 0", r"minimums\[0\].hours: got 0, expected an integer >= 1"),
        ('sanctions = ["LV", "LVI"]\nhours', "sanctions = []\nhours", r"minimums\[0\].sanctions"),
        ('source = "s"\n', "", r"minimums\[0\].source: missing required key"),
    ],
    ids=[
        "offence-without-legal",
        "legal-on-criminogenic",
        "no-offences",
        "unknown-legal-key",
        "zero-hours",
        "no-sanctions",
        "minimum-without-source",
    ],
)
def test_malformed_legal_catalogue_is_refused(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    """Each broken legal part is refused naming the file, the field and the value."""
    text = OFFENCE + MINIMUM
    index = text.rindex(old) if old.startswith("source") else text.index(old)
    text = text[:index] + new + text[index + len(old) :]
    with pytest.raises(DefinitionError, match=message) as info:
        load_catalogue(catalogue_with(tmp_path, text))
    assert "x.toml" in str(info.value)


def test_plan_dates_are_unchanged_by_the_law() -> None:
    """The legal context changes objectives and hours, not the deadlines or reviews."""
    plan, decision = decided(case_of(VIF))
    assert plan.deadlines == tuple(sorted(decision.deadlines.values(), key=lambda d: d.date))
    assert all(r > plan.dated for r in plan.reviews)
    assert plan.dated == dt.date(2024, 9, 10)
