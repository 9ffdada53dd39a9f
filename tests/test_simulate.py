"""The synthetic cohort: determinism, argument checks, the case-file format and the model.

Most checks run on one cohort of 2,000 people over 18 months (built once);
a Hypothesis property checks the structural invariants on small cohorts of
any seed, size, period and share of young people.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import rnr
import rnr.simulate as simulation
from rnr.cases.parse import parse_case, score_case
from rnr.definitions.library import Library, policy_library
from rnr.definitions.responsivity import CHOICES
from rnr.errors import InvalidArgumentError
from rnr.events import CLOSING_EVENTS, EVENT_KINDS
from rnr.policy.engine import decide, decide_facts, months_to_days
from rnr.scoring.single import age_in_years
from rnr.simulate.engine import simulate
from rnr.simulate.parameters import PARAMETERS
from rnr.simulate.people import Cohort, Event, Person, Review

DOCS = Path(__file__).resolve().parent.parent / "docs" / "simulation.md"
LIBRARY = rnr.default_library()
POLICIES = {"adult": "cl-adultos-18216", "juvenile": "cl-juvenil-20084"}
STATIC_DOMAINS = {"lscmi": "criminal_history", "ylscmi": "prior_current_offences"}
AFTER_CLOSING = {"new_offence", "reentry_harsher"}
PROGRESS = {"in_progress", "achieved", "not_achieved"}


@cache
def cohort() -> Cohort:
    """The shared cohort: 2,000 people over 18 months."""
    return simulate(2000, 1.5, seed=11)


def day(text: str) -> dt.date:
    """A date from its ISO text."""
    return dt.date.fromisoformat(text)


def sample(people: tuple[Person, ...], n: int) -> tuple[Person, ...]:
    """Every k-th person, about ``n`` of them."""
    return people[:: max(1, len(people) // n)]


def instrument(person: Person) -> rnr.Instrument:
    """The instrument version the person's documents name."""
    return LIBRARY.get(person.assessments[0]["instrument"])


def totals(person: Person, domain: str | None = None) -> list[int]:
    """The primary total (or a domain's total) of each of the person's assessments."""
    inst = instrument(person)
    ids = [i.id for i in inst.items]
    rows = np.array([[d["responses"][i] for i in ids] for d in person.assessments], dtype=np.int16)
    groups = [person.sex] * len(rows) if inst.norm_groups else None
    result = rnr.score_batch(inst, rows, norm_group=groups)
    if domain is None:
        return result.raw(inst.primary_scale).tolist()
    column = result.compiled.targets.index(f"domain:{domain}")
    out: list[int] = result.totals[:, column].tolist()
    return out


def dynamic_totals(person: Person) -> list[int]:
    """Points from dynamic items at each assessment."""
    inst = instrument(person)
    dynamic = [i.id for i in inst.items if i.factor == "dynamic" and not i.strength]
    return [sum(d["responses"][i] for i in dynamic) for d in person.assessments]


def baseline_level(person: Person) -> str:
    """The level of the baseline assessment, scored by the engine."""
    return score_case(parse_case(person.assessments[0], file="<sim>"), LIBRARY).risk_level or ""


def check_invariants(c: Cohort) -> None:
    """Every structural rule of a cohort (see the tests below for each one)."""
    end = c.start + dt.timedelta(days=int(c.years * 365.25))
    ids = [p.case_id for p in c.people]
    assert [f"sim-{n:06d}" for n in range(1, len(c.people) + 1)] == ids
    for p in c.people:
        entry = day(p.legal["entry_date"])
        closed = p.closed_on
        on = [day(d["assessed_on"]) for d in p.assessments]
        assert sorted(set(on)) == on
        assert all(entry <= x <= end for x in on)
        if closed is not None:
            assert all(x < closed for x in on)
        kinds = [e.kind for e in p.events]
        assert sum(k in CLOSING_EVENTS for k in kinds) <= 1
        assert [e.on for e in p.events] == sorted(e.on for e in p.events)
        assert all(entry <= e.on <= end for e in p.events)
        if closed is not None:
            closing = next(n for n, e in enumerate(p.events) if e.kind in CLOSING_EVENTS)
            assert set(kinds[closing + 1 :]) <= AFTER_CLOSING
            if kinds[closing] == "revocation":
                assert [] == kinds[closing + 1 :]
        assert kinds.count("reentry_harsher") <= 1
        if "reentry_harsher" in kinds:
            assert "discharge" in kinds
            assert "reentry_harsher" == kinds[-1]
        reviews = [r.on for r in p.reviews]
        assert sorted(set(reviews)) == reviews
        assert all(entry < r <= end for r in reviews)
        for r in p.reviews:
            assert set(r.progress.values()) <= PROGRESS
            assert closed is None or r.on <= closed
        closings = [r for r in p.reviews if r.closing]
        if "discharge" in kinds:
            assert [p.reviews[-1]] == closings
            assert closed == closings[0].on
            assert "in_progress" not in closings[0].progress.values()
        else:
            assert [] == closings
        if len(p.assessments) > 1:
            static = totals(p, STATIC_DOMAINS[p.instrument])
            assert static == sorted(static)
        for d in p.assessments + p.double_scored:
            assert {"case_id", "instrument", "assessed_on", "person", "responses"} | {
                "legal",
                "responsivity",
            } == set(d)
            assert p.legal == d["legal"]
            assert p.responsivity == d["responsivity"]


class TestArguments:
    """simulate() checks every argument before drawing anything."""

    @pytest.mark.parametrize(
        ("kwargs", "argument"),
        [
            ({"people": 0}, "people"),
            ({"people": -3}, "people"),
            ({"people": 2.0}, "people"),
            ({"people": True}, "people"),
            ({"years": 0}, "years"),
            ({"years": -1.0}, "years"),
            ({"years": 20.5}, "years"),
            ({"years": math.nan}, "years"),
            ({"years": math.inf}, "years"),
            ({"years": "1"}, "years"),
            ({"seed": -1}, "seed"),
            ({"seed": 1.5}, "seed"),
            ({"juvenile_share": -0.1}, "juvenile_share"),
            ({"juvenile_share": 1.5}, "juvenile_share"),
            ({"juvenile_share": math.nan}, "juvenile_share"),
            ({"start": "2024-01-01"}, "start"),
            ({"start": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)}, "start"),
            ({"library": "shipped"}, "library"),
            ({"intake_years": -1}, "intake_years"),
            ({"intake_years": 1.0}, "intake_years"),
            ({"intake_years": math.nan}, "intake_years"),
            ({"intake_years": "2"}, "intake_years"),
        ],
    )
    def test_bad_argument_names_the_argument(self, kwargs: dict[str, Any], argument: str) -> None:
        """A bad argument raises InvalidArgumentError naming it, the value and what was expected."""
        args: dict[str, Any] = {"people": 5, "years": 1.0} | kwargs
        with pytest.raises(InvalidArgumentError, match=f"^{argument}: got ") as info:
            simulate(**args)
        assert argument == info.value.argument
        assert info.value.expected

    def test_library_without_the_instrument(self) -> None:
        """A library lacking the LS/CMI cannot simulate adults."""
        only_youth = Library((LIBRARY.get("ylscmi"),))
        with pytest.raises(InvalidArgumentError, match="^library: ") as info:
            simulate(5, 1.0, library=only_youth)
        assert "lscmi" == info.value.value
        assert 5 == len(simulate(5, 1.0, library=only_youth, juvenile_share=1.0).people)

    def test_library_with_an_instrument_the_model_cannot_answer(self) -> None:
        """Only yes/no and age items can be simulated: a count item is refused."""
        psa_as_lscmi = attrs.evolve(LIBRARY.get("psa"), id="lscmi")
        with pytest.raises(InvalidArgumentError, match="yes/no and age items"):
            simulate(5, 1.0, library=Library((psa_as_lscmi,)), juvenile_share=0.0)

    def test_limits_are_accepted(self) -> None:
        """One person, 20 years, a share of 0 or 1, integer years and numpy integers are fine."""
        assert 1 == len(simulate(1, 20, juvenile_share=0.0).people)
        assert {"juvenile"} == {p.regime for p in simulate(4, 1, juvenile_share=1).people}
        assert simulate(3, 1, seed=4) == simulate(np.int64(3), np.float64(1), seed=np.int32(4))


class TestDeterminism:
    """One generator seeded by the caller; no global state."""

    def test_same_seed_same_cohort(self) -> None:
        """The same arguments give an equal cohort, summary included."""
        a, b = simulate(60, 2.0, seed=5), simulate(60, 2.0, seed=5)
        assert a == b
        assert a.summary() == b.summary()

    def test_different_seeds_differ(self) -> None:
        """Another seed gives other people."""
        assert simulate(60, 2.0, seed=5).people != simulate(60, 2.0, seed=6).people

    def test_global_random_state_is_untouched(self) -> None:
        """numpy's global generator is neither used nor moved."""
        np.random.seed(1)
        before = np.random.random()
        np.random.seed(1)
        simulate(20, 1.0, seed=2)
        assert before == np.random.random()


class TestCaseFiles:
    """Every assessment is a self-contained case document that the engine accepts."""

    def test_documents_parse_score_and_decide(self) -> None:
        """A sample of ~200 people: each document parses, scores and decides without error.

        The person's own sanction is among the eligible ones (the sentence fits
        the law), and the decision's regime is the person's.
        """
        policies = {r: policy_library().get(ident) for r, ident in POLICIES.items()}
        checked = 0
        for person in sample(cohort().people, 200):
            for doc in person.assessments + person.double_scored:
                case = parse_case(doc, file="<sim>")
                result = score_case(case, LIBRARY)
                assert case.legal is not None
                decision = decide(result, case.legal, policies[person.regime])
                assert person.sanction in decision.eligible_sanctions
                assert not result.provisional
                checked += 1
        assert checked > 600

    def test_every_item_is_answered(self) -> None:
        """Responses hold every item of the instrument, as booleans (no item is omitted)."""
        for person in sample(cohort().people, 200):
            ids = {i.id for i in instrument(person).items}
            for doc in person.assessments:
                assert ids == set(doc["responses"])
                assert all(isinstance(v, bool) for v in doc["responses"].values())
                assert person.case_id == doc["case_id"]
                assert {"birth_date": person.birth_date.isoformat(), "sex": person.sex} == doc[
                    "person"
                ]

    def test_documents_are_fresh_copies(self) -> None:
        """Changing one document changes no other document and not the person."""
        person = next(p for p in cohort().people if len(p.assessments) > 1)
        first, second = person.assessments[0], person.assessments[1]
        assert first["legal"] is not second["legal"]
        assert first["legal"]["offences"] is not person.legal["offences"]
        assert first["responsivity"] is not person.responsivity

    def test_responsivity_has_every_field(self) -> None:
        """Every field of CHOICES is recorded with an allowed value."""
        for person in cohort().people:
            assert list(CHOICES) == list(person.responsivity)
            for field, allowed in CHOICES.items():
                value = person.responsivity[field]
                if allowed is bool:
                    assert isinstance(value, bool)
                elif isinstance(allowed, tuple):
                    assert value in allowed

    def test_trauma_is_more_frequent_among_young_people(self) -> None:
        """Trauma histories are recorded more often for young people than adults."""
        share = {
            regime: np.mean(
                [p.responsivity["trauma_history"] for p in cohort().people if p.regime == regime]
            )
            for regime in ("adult", "juvenile")
        }
        assert share["juvenile"] > share["adult"] + 0.1


class TestLegal:
    """The legal section fits the law the policies encode."""

    def test_adult_sentences_fit_lv_and_lvi(self) -> None:
        """LV: > 730 and <= 1095 days, or > 540 for drugs/traffic; LVI: > 1095 and <= 1825,
        or > 540 for vif/sexual; no earlier conviction that counts."""
        ranges = {
            ("LV", ()): (730, 1095),
            ("LV", ("drugs_art4",)): (540, 1095),
            ("LV", ("traffic_196",)): (540, 1095),
            ("LVI", ()): (1095, 1825),
            ("LVI", ("vif",)): (540, 1825),
            ("LVI", ("sexual",)): (540, 1825),
        }
        seen = set()
        for p in cohort().people:
            if p.regime != "adult":
                continue
            key = (p.sanction, tuple(p.legal["offences"]))
            lo, hi = ranges[key]
            assert lo < p.legal["sentence_days"] <= hi
            assert 0 == p.legal["prior_convictions"]
            assert "lscmi" == p.instrument
            seen.add(key)
        assert set(ranges) == seen

    def test_juvenile_sentences_and_ages(self) -> None:
        """Young people: age at the offence 14-17; LAS 6-18 months; LAE longer; IRC more
        than 3 years (the juvenile policy's art. 23) and at most 5."""
        sanctions = Counter()
        for p in cohort().people:
            if p.regime != "juvenile":
                continue
            sanctions[p.sanction] += 1
            assert 14 <= p.legal["age_at_offence"] <= 17
            assert "ylscmi" == p.instrument
            lo, hi = PARAMETERS.sentence_months[p.sanction]
            days = {months_to_days(m): m for m in range(lo, hi + 1)}
            assert p.legal["sentence_days"] in days  # whole months, as the policies read them
            months = days[p.legal["sentence_days"]]
            if p.sanction == "LAS":
                assert 6 <= months <= 18
            elif p.sanction == "IRC":
                assert 1095 < p.legal["sentence_days"] <= 1825
            else:
                assert months >= 12
            sentenced = day(p.legal["sentence_date"])
            assert age_in_years(p.birth_date, sentenced) >= p.legal["age_at_offence"]
        assert {"LAS", "LAE", "LAEIP", "IRC"} == set(sanctions)

    def test_no_simulated_sentence_is_outside_its_legal_range(self) -> None:
        """Every young person's sentence lies within its sanction's legal range under the
        juvenile policy: no decision warns period_out_of_range (a 36-month LAE is 1095
        days, exactly the 3 years of art. 14)."""
        policy = policy_library().get(POLICIES["juvenile"])
        seen: set[int] = set()
        for p in cohort().people:
            if p.regime != "juvenile":
                continue
            legal = parse_case(p.assessments[0], file="<sim>").legal
            assert legal is not None
            assert legal.sentence_date is not None
            facts = {"risk_level": "moderate", "high_needs": 0, "criminogenic_needs": frozenset()}
            decision = decide_facts(policy, facts, legal, assessed_on=legal.sentence_date)
            assert "period_out_of_range" not in {w.code for w in decision.warnings}, p.case_id
            if p.sanction == "LAE":
                seen.add(p.legal["sentence_days"])
        assert 1095 in seen  # the longest LAE the parameters draw (36 months)

    def test_entry_follows_the_sentence(self) -> None:
        """The case enters the service days to weeks after the sentence, and no later than
        the baseline assessment."""
        for p in cohort().people:
            gap = (day(p.legal["entry_date"]) - day(p.legal["sentence_date"])).days
            assert 3 <= gap <= 42
            assert day(p.legal["entry_date"]) <= day(p.assessments[0]["assessed_on"])


class TestHistories:
    """Dates, closings and events follow the case's course."""

    def test_invariants_of_the_shared_cohort(self) -> None:
        """Dates ascend, nothing but new offences and re-entries follows a closing, static
        points never decrease, closing reviews settle every domain."""
        check_invariants(cohort())

    def test_reassessments_every_six_months_or_three_at_very_high(self) -> None:
        """Gaps between assessments are about 6 months, about 3 after a very high level."""
        gaps = Counter()
        for p in sample(cohort().people, 400):
            inst = instrument(p)
            scale = inst.scales[inst.primary_scale]
            group = p.sex if inst.norm_groups else None
            for total, a, b in zip(totals(p), p.assessments, p.assessments[1:], strict=False):
                gap = (day(b["assessed_on"]) - day(a["assessed_on"])).days
                very_high = scale.level(total, group) == "very_high"
                lo, hi = (75, 106) if very_high else (166, 199)
                assert lo <= gap <= hi
                gaps[very_high] += 1
        assert gaps[False] > 100

    def test_every_level_appears_at_baseline(self) -> None:
        """All levels of both instruments appear in a cohort of 2,000, with plausible shares."""
        shares = cohort().summary()["baseline_levels"]
        for ident, levels in shares.items():
            scale = LIBRARY.get(ident).scales["total"]
            assert list(scale.levels) == list(levels)
            assert all(share > 0 for share in levels.values())
            middle = max(levels, key=lambda lv: levels[lv])
            assert middle not in (scale.levels[0], scale.levels[-1])

    def test_higher_baseline_risk_more_new_offences(self) -> None:
        """People at the instruments' top levels reoffend more than those at the bottom."""
        groups: dict[str, list[int]] = {"top": [], "bottom": []}
        for p in cohort().people:
            levels = instrument(p).scales["total"].levels
            level = baseline_level(p)
            offences = sum(e.kind == "new_offence" for e in p.events)
            if level in levels[-2:]:
                groups["top"].append(offences)
            elif level == levels[0]:
                groups["bottom"].append(offences)
        assert min(len(g) for g in groups.values()) > 50
        assert np.mean(groups["top"]) > 2 * np.mean(groups["bottom"])

    def test_dynamic_totals_go_down_and_up(self) -> None:
        """Between assessments some people's dynamic points fall and some rise; on average
        they fall (treatment)."""
        changes = [b - a for p in cohort().people for a, b in itertools.pairwise(dynamic_totals(p))]
        assert sum(c < 0 for c in changes) > 0.3 * len(changes)
        assert sum(c > 0 for c in changes) > 0.15 * len(changes)
        assert np.mean(changes) < 0

    def test_event_data(self) -> None:
        """Attendance of the sanction's components, attended <= scheduled; coexistence
        reviews and yearly objectives in IRC only; in custody no breach nor revocation;
        re-entry and revocation carry their sanction and reason."""
        kinds = Counter()
        components = {c for table in PARAMETERS.attendance_sessions.values() for c in table}
        for p in cohort().people:
            for e in p.events:
                kinds[e.kind] += 1
                assert e.kind in EVENT_KINDS
                if e.kind == "attendance":
                    assert e.data["component"] in PARAMETERS.attendance_sessions[p.sanction]
                    assert 0 <= e.data["attended"] <= e.data["scheduled"]
                    components.discard(e.data["component"])
                elif e.kind == "coexistence_review":
                    assert "IRC" == p.sanction
                    assert e.data["result"] in ("complied", "not_complied")
                elif e.kind == "component_objectives":
                    assert "IRC" == p.sanction
                    assert "irc-apoyo-socioeducativo" == e.data["component"]
                    assert 0 <= e.data["met"] <= e.data["objectives"]
                elif e.kind == "reentry_harsher":
                    assert e.data["sanction"] in (
                        ("IRC", "custodia") if p.regime == "juvenile" else ("custodia",)
                    )
                elif e.kind == "revocation":
                    assert "IRC" != p.sanction
                    assert e.data["reason"] in ("new_offence", "breach")
                else:
                    assert {} == dict(e.data)
                    assert e.kind != "breach" or "IRC" != p.sanction
        assert set(EVENT_KINDS) == set(kinds)
        assert set() == components  # every component is recorded for someone

    def test_follow_up_records_fall_on_month_ends_while_open(self) -> None:
        """One attendance record per component and calendar month the case is open (every
        month, unless the component follows a need), on the month's last day, the day
        before the closing or the period's last day; never outside the case."""
        end = cohort().end
        for p in sample(cohort().people, 600):
            entry = day(p.legal["entry_date"])
            by_component: dict[str, list[dt.date]] = {}
            for e in p.events:
                if e.kind in ("attendance", "coexistence_review"):
                    key = e.data.get("component", e.kind)
                    by_component.setdefault(key, []).append(e.on)
            for component, dates in by_component.items():
                assert dates == sorted(set(dates)), component
                months = [d.year * 12 + d.month for d in dates]
                assert len(months) == len(set(months))
                if component not in PARAMETERS.attendance_needs:
                    assert months == list(range(months[0], months[-1] + 1)), component
                for d in dates:
                    assert entry <= d <= end
                    assert p.closed_on is None or d < p.closed_on
                    month_end = (d + dt.timedelta(days=1)).month != d.month
                    before_closing = p.closed_on is not None and d == p.closed_on - dt.timedelta(1)
                    assert month_end or before_closing or d == end, (component, d)

    def test_intake_over_years_spreads_the_entries(self) -> None:
        """With intake_years, entries spread over those years; the rest of the model holds."""
        spread = simulate(300, 3.0, seed=2, intake_years=2.0)
        entries = sorted(day(p.legal["entry_date"]) for p in spread.people)
        assert (entries[-1] - entries[0]).days > 600
        assert entries[-1] < dt.date(2024, 2, 1) + dt.timedelta(days=731)
        assert 2.0 == spread.intake_years
        check_invariants(spread)

    def test_reviews_every_three_months_while_open(self) -> None:
        """Reviews fall about every 3 months from the baseline; the plan lists the
        criminogenic needs of the latest assessment."""
        for p in sample(cohort().people, 300):
            regular = [r for r in p.reviews if not r.closing]
            start = day(p.assessments[0]["assessed_on"])
            for n, r in enumerate(regular, start=1):
                assert 89 * n <= (r.on - start).days <= 93 * n
                latest = [d for d in p.assessments if day(d["assessed_on"]) <= r.on][-1]
                result = score_case(parse_case(latest, file="<sim>"), LIBRARY)
                assert set(result.criminogenic_needs) == set(r.progress)

    def test_double_scored_documents_differ_in_a_few_dynamic_items(self) -> None:
        """About 10% of assessments have a second rater who disagrees on 1-3 dynamic items."""
        total = twice = 0
        for p in cohort().people:
            total += len(p.assessments)
            by_date = {d["assessed_on"]: d for d in p.assessments}
            for second in p.double_scored:
                twice += 1
                first = by_date[second["assessed_on"]]
                assert first["case_id"] + "-r2" == second["case_id"]
                inst = instrument(p)
                differ = [i for i, v in first["responses"].items() if second["responses"][i] != v]
                assert 1 <= len(differ) <= 3
                for item_id in differ:
                    item = inst.item(item_id)
                    assert ("dynamic", False) == (item.factor, item.strength)
                rest = {k: v for k, v in second.items() if k not in ("case_id", "responses")}
                assert {k: v for k, v in first.items() if k not in ("case_id", "responses")} == rest
        assert 0.07 < twice / total < 0.13

    def test_timeline_orders_assessments_reviews_events(self) -> None:
        """The timeline is in date order; on one day assessments, then reviews, then events."""
        rank = {"assessment": 0, "review": 1, "event": 2}
        for p in sample(cohort().people, 300):
            entries = list(p.timeline())
            keys = [(on, rank[kind]) for on, kind, _ in entries]
            assert sorted(keys) == keys
            assert len(p.assessments) + len(p.reviews) + len(p.events) == len(entries)
            for on, kind, payload in entries:
                if kind == "assessment":
                    assert on.isoformat() == payload["assessed_on"]
                else:
                    assert isinstance(payload, Review if kind == "review" else Event)
                    assert on == payload.on


class TestCohort:
    """The cohort value: summary, parameters, documentation."""

    def test_summary_counts(self) -> None:
        """The summary counts what the people hold."""
        c = cohort()
        s = c.summary()
        assert 2000 == s["people"]
        assert 2000 == sum(s["regime"].values())
        assert s["regime"] == {r: sum(v.values()) for r, v in s["sanction"].items()}
        assert sum(len(p.assessments) for p in c.people) == s["assessments"]
        assert sum(len(p.reviews) for p in c.people) == s["reviews"]
        assert list(EVENT_KINDS) == list(s["events"])
        assert sum(len(p.events) for p in c.people) == sum(s["events"].values())
        for levels in s["baseline_levels"].values():
            assert math.isclose(1.0, sum(levels.values()))

    def test_baseline_levels_agree_with_single_scoring(self) -> None:
        """The summary's baseline shares equal scoring each baseline document on its own."""
        c = simulate(150, 0.5, seed=9)
        counts: dict[str, Counter[str]] = {}
        for p in c.people:
            counts.setdefault(p.instrument, Counter())[baseline_level(p)] += 1
        for ident, shares in c.summary()["baseline_levels"].items():
            n = sum(counts[ident].values())
            assert {lv: counts[ident][lv] / n for lv in shares} == shares

    def test_parameters_are_read_only_and_documented(self) -> None:
        """Every model parameter is in the cohort's read-only mapping and in docs/simulation.md."""
        params = cohort().parameters
        assert dict(PARAMETERS.as_mapping()) == dict(params)
        with pytest.raises(TypeError):
            params["rho_domain"] = 0.0  # type: ignore[index]
        text = DOCS.read_text(encoding="utf-8")
        missing = [name for name in params if f"`{name}`" not in text]
        assert [] == missing

    def test_estimated_reliability_names_its_source_in_the_readers_language(self) -> None:
        """The figures' source comes from the catalogue: Spanish by default, English asked."""
        c = cohort()
        es = simulation.estimated_reliability(c, "lscmi")
        en = simulation.estimated_reliability(c, "lscmi", lang="en")
        assert (es.sd, es.r) == (en.sd, en.r)
        assert es.source.startswith("cohorte simulada (semilla 11): DE de ")
        assert es.source.endswith(" No es una cifra publicada.")
        assert en.source.startswith("simulated cohort (seed 11): SD of ")
        assert en.source.endswith(" Not a published figure.")

    def test_public_names(self) -> None:
        """rnr.simulate exports simulate, its value types, the loader and the figures."""
        expected = ["Cohort", "Event", "Person", "Review", "estimated_reliability", "simulate"]
        assert [*expected, "store_cohort"] == sorted(simulation.__all__)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**32 - 1),
    people=st.integers(1, 12),
    years=st.floats(0.02, 4.0, allow_nan=False),
    share=st.one_of(st.sampled_from([0.0, 0.35, 1.0]), st.floats(0.0, 1.0)),
)
def test_invariants_hold_for_any_seed_and_size(
    seed: int, people: int, years: float, share: float
) -> None:
    """For any seed, size, period and share, every structural invariant holds."""
    c = simulate(people, years, seed=seed, juvenile_share=share)
    assert people == len(c.people)
    check_invariants(c)
