"""Programme indicators, the reinsertion index and override monitoring.

Each indicator kind is checked on hand-made case summaries whose numerator,
denominator and exclusions are counted by hand; the shipped definitions load
and every broken definition names its field; the report runs on a store.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnr import default_library
from rnr.cases.overrides import Override
from rnr.cases.parse import parse_case
from rnr.cli import main
from rnr.definitions.catalogue import shipped as shipped_catalogue
from rnr.definitions.indicators import (
    Direction,
    Indicator,
    IndicatorSet,
    load_indicators,
    load_reinsertion,
)
from rnr.definitions.library import policy_library
from rnr.definitions.policy import Policy
from rnr.definitions.responsivity import Responsivity
from rnr.errors import DefinitionError, HistoryError, InvalidArgumentError
from rnr.events import FOLLOW_UP_KINDS
from rnr.history.amend import record_event
from rnr.history.caseindex import settled_cases
from rnr.history.costs import caseload_report
from rnr.history.definitions import Definitions
from rnr.history.overrides import override_report
from rnr.history.programme import programme_report
from rnr.history.read import read_history
from rnr.history.schedule import next_due
from rnr.history.write import add_override, open_case
from rnr.indicators.caseload import CaseSummary, EventSummary, PlanSummary
from rnr.indicators.compute import IndicatorResult, compute_indicators
from rnr.indicators.reinsertion_index import case_components, reinsertion, score_of
from rnr.render.indicators import report_html, report_lines
from rnr.render.messages import say
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.memory import MemoryStore
from rnr.store.sqlite import SQLiteStore

if TYPE_CHECKING:
    from conftest import Cli

LIBRARY = default_library()
SPEC = load_indicators()
INDEX = load_reinsertion()
DAY = dt.date


def plan(achieved: int, counted: int, reviewed: tuple[dt.date, ...] = ()) -> PlanSummary:
    """A plan with ``counted`` objectives, ``achieved`` of them achieved."""
    objectives = tuple(
        (f"o{n}", "education_employment", "achieved" if n < achieved else "not_achieved")
        for n in range(counted)
    )
    percent = round(100.0 * achieved / counted, 1) if counted else 0.0
    return PlanSummary(
        2, "closing", DAY(2025, 5, 1), objectives, reviewed, achieved, counted, percent, 70
    )


def case(
    case_id: str,
    sanction: str,
    *,
    levels: tuple[str, ...] = ("high", "moderate"),
    closed: dt.date | None = None,
    reason: str | None = None,
    events: tuple[EventSummary, ...] = (),
    **changes: Any,
) -> CaseSummary:
    """A young person's case summary (YLS/CMI), discharged on ``closed`` if given."""
    own = events
    if closed is not None:
        data = {"reason": reason} if reason else {}
        own = (*events, EventSummary("discharge", closed, data))
    fields: dict[str, Any] = {
        "case_id": case_id,
        "regime": "juvenile",
        "sanction": sanction,
        "entry_date": DAY(2024, 2, 1),
        "opened_on": DAY(2024, 2, 1),
        "closed_on": closed,
        "closed_by": "discharge" if closed else None,
        "instrument": "ylscmi@1.0.0",
        "assessed_on": tuple(
            DAY(2024, 2, 1) + dt.timedelta(days=180 * n) for n in range(len(levels))
        ),
        "totals": tuple(20 - 5 * n for n in range(len(levels))),
        "levels": levels,
        "dynamic": tuple(16 - 4 * n for n in range(len(levels))),
        "risk_level": levels[-1],
        "needs": {"education_employment": "moderate"},
        "criminogenic": frozenset({"education_employment"}),
        "plan": plan(2, 3, (DAY(2025, 3, 1),)),
        "events": own,
    }
    fields.update(changes)
    return CaseSummary(**fields)


def _component_words(policy: Policy) -> set[str]:
    """Every component a policy's intensity and components tables give, as words."""
    words = set()
    for name in ("intensity", "components"):
        table = policy.tables.get(name)
        for rule in table.rules if table is not None else ():
            words.update(str(c) for c in rule.then.get("components", ()))
    return words


def only(ident: str) -> IndicatorSet:
    """The shipped set with just one indicator."""
    return attrs.evolve(SPEC, indicators=tuple(i for i in SPEC.indicators if i.id == ident))


def sessions(component: str, *pairs: tuple[int, int], year: int = 2025) -> tuple[EventSummary, ...]:
    """Monthly attendance records of ``component`` from January: (scheduled, attended) each."""
    return tuple(
        EventSummary(
            "attendance",
            DAY(year, n + 1, 28),
            {"component": component, "scheduled": s, "attended": a},
        )
        for n, (s, a) in enumerate(pairs)
    )


def one(ident: str, cases: list[CaseSummary], period: int = 2025) -> IndicatorResult:
    """The result of one shipped indicator on ``cases``."""
    (result,) = compute_indicators(cases, only(ident), period=period, library=LIBRARY)
    return result


def figures(result: IndicatorResult) -> tuple[int, int, dict[str, int], dict[str, int]]:
    """Numerator, denominator, exclusions and unmeasured, as plain values."""
    return (
        result.numerator,
        result.denominator,
        dict(result.exclusions),
        dict(result.unmeasured),
    )


class TestIndicators:
    def test_risk_lowered_counts_discharges_at_the_end_of_the_sentence(self) -> None:
        """Numerator: level fell. A single assessment stays in the denominator, not met;
        another discharge reason is left out."""
        cases = [
            case("a", "LAS", closed=DAY(2025, 6, 1)),
            case("b", "LAE", levels=("moderate", "high"), closed=DAY(2025, 7, 1)),
            case("c", "LAS", levels=("high",), closed=DAY(2025, 7, 1)),
            case("d", "LAS", closed=DAY(2025, 7, 1), reason="transfer"),
            case("e", "LAS", closed=DAY(2024, 7, 1)),
            case("f", "LAEIP", closed=DAY(2025, 7, 1)),
        ]
        result = one("pla-ple-disminuyen-riesgo", cases)
        assert (1, 3, {"other_discharge_reason": 1}, {"single_assessment": 1}) == figures(result)
        assert (33.3, False) == (result.percent, result.met)

    def test_attainment_of_the_people_followed_in_the_year(self) -> None:
        """Followed: a review in the year; a plan without objectives counts as not met."""
        cases = [
            case("a", "LAS", plan=plan(3, 4, (DAY(2025, 2, 1),))),
            case("b", "LAS", plan=plan(2, 4, (DAY(2025, 2, 1),))),
            case("c", "LAS", plan=plan(4, 4, (DAY(2024, 2, 1),))),
            case("d", "LAS", plan=plan(0, 0, (DAY(2025, 2, 1),))),
            case("e", "LAS", plan=plan(7, 10, (DAY(2025, 2, 1),))),  # exactly 70 %
        ]
        assert (2, 4, {}, {"no_objectives": 1}) == figures(one("pla-logro-70", cases))

    def test_no_reentry_within_twelve_months_of_a_discharge_the_year_before(self) -> None:
        """A re-entry inside the window counts against; an unfinished window is excluded."""
        reentry = (EventSummary("reentry_harsher", DAY(2025, 3, 1), {"sanction": "IRC"}),)
        cases = [
            case("a", "LAEIP", closed=DAY(2024, 5, 1)),
            case("b", "LAEIP", closed=DAY(2024, 5, 1), events=reentry),
            case("c", "LAEIP", closed=DAY(2025, 5, 1)),
        ]
        result = one("laeip-sin-reingreso-12m", cases)
        assert (1, 2) == (result.numerator, result.denominator)
        (indicator,) = only("laeip-sin-reingreso-12m").indicators
        same_year = attrs.evolve(indicator, population_params={"year_offset": 0})
        (later,) = compute_indicators(
            [case("c", "LAEIP", closed=DAY(2025, 3, 1))],
            attrs.evolve(SPEC, indicators=(same_year,)),
            period=2025,
            library=LIBRARY,
        )
        assert {"window_not_over": 1} == dict(later.exclusions)

    def test_attendance_share_among_those_with_the_need(self) -> None:
        """Attended over scheduled in the year; no session recorded: in the denominator,
        not met; no need in the year: outside."""
        social = "apoyo socioeducativo"  # a name of the component, as older records hold it
        cases = [
            case("a", "LAEIP", events=sessions(social, (8, 8), (8, 6))),  # 14/16 = 87.5 %
            case("b", "LAEIP", events=sessions("apoyo-socioeducativo", (8, 6), (8, 6))),  # 75 %
            case("c", "LAEIP"),  # none recorded
            case("d", "LAEIP", criminogenic=frozenset()),  # no need: outside
        ]
        result = one("laeip-asistencia-socioeducativa-85", cases)
        assert (1, 3, {}, {"no_sessions_recorded": 1}) == figures(result)

    def test_needs_of_any_assessment_in_force_during_the_year(self) -> None:
        """A need flagged at the assessment in force on 1 January counts, even when the
        latest assessment of the year no longer flags it; one gone before the year does not."""
        dates = (DAY(2024, 2, 1), DAY(2024, 8, 1), DAY(2025, 2, 1))
        need, none = frozenset({"attitudes_orientation"}), frozenset[str]()

        def person(ident: str, flags: tuple[frozenset[str], ...]) -> CaseSummary:
            return case(
                ident,
                "LAEIP",
                levels=("high", "high", "moderate"),
                assessed_on=dates,
                criminogenic=flags[-1],
                criminogenic_at=flags,
                events=sessions("actitudes-creencias-procriminales", *[(2, 2)] * 6),
            )

        cases = [person("a", (none, need, none)), person("b", (need, none, none))]
        result = one("laeip-sesiones-actitudes-10", cases)
        assert (1, 1) == (result.numerator, result.denominator)

    def test_attitude_sessions_count_every_name_of_the_component(self) -> None:
        """The document's 'pro delictivas' and the policy's 'procriminales' are one component."""
        attitudes = frozenset({"attitudes_orientation"})
        cases = [
            case(
                "a",
                "LAEIP",
                criminogenic=attitudes,
                events=sessions("actitudes y creencias prodelictivas", (6, 6))
                + sessions(
                    "intervención criminológica: al menos 10 sesiones en actitudes y creencias"
                    " procriminales",
                    (6, 5),
                ),
            ),
            case(
                "b",
                "LAEIP",
                criminogenic=attitudes,
                events=sessions("actitudes-creencias-procriminales", (6, 4)),
            ),
            case("c", "LAEIP", criminogenic=frozenset({"personality_behaviour"})),  # outside
        ]
        assert (1, 2, {}, {}) == figures(one("laeip-sesiones-actitudes-10", cases))

    def test_change_process_objectives_are_named_by_id(self) -> None:
        """Only the listed objectives count; a plan without any counts as not met."""

        def with_objectives(*objectives: tuple[str, str]) -> PlanSummary:
            rows = tuple((i, None, s) for i, s in objectives)
            done = sum(1 for _, s in objectives if s == "achieved")
            return PlanSummary(2, "review", DAY(2025, 5, 1), rows, (), done, len(rows), 0.0, None)

        cases = [
            case(
                "a",
                "LAEIP",
                plan=with_objectives(
                    ("jov-act-cambiar-ideas-delito", "achieved"),
                    ("jov-edu-volver-y-asistir", "not_achieved"),  # not of the change process
                ),
            ),
            case(
                "b",
                "LAEIP",
                plan=with_objectives(
                    ("jov-per-controlar-rabia", "achieved"),
                    ("jov-sus-tratamiento", "in_progress"),
                ),
            ),
            case("c", "LAEIP", plan=with_objectives(("jov-edu-volver-y-asistir", "achieved"))),
        ]
        result = one("laeip-objetivos-proceso-cambio", cases)
        assert (1, 3, {}, {"no_objectives": 1}) == figures(result)

    def test_coexistence_plan_activities(self) -> None:
        """At least one activity of the Plan de Convivencia attended in the year."""
        cases = [
            case("a", "LAEIP", events=sessions("convivencia-bienestar", (4, 1))),
            case("b", "LAEIP", events=sessions("convivencia-bienestar", (4, 0))),
            case("c", "LAEIP"),
        ]
        result = one("laeip-plan-convivencia", cases)
        assert (1, 3, {}, {"no_sessions_recorded": 1}) == figures(result)

    def test_conditions_for_insertion_from_the_responsivity_section(self) -> None:
        """3 of 4 dimensions favourable at the last assessment; none recorded: not met."""
        good = Responsivity(
            motivation="action", schooling="enrolled", mental_health="severe",
            substance_dependence=False,
        )  # fmt: skip
        poor = attrs.evolve(good, motivation="precontemplation", schooling="dropped_out")
        cases = [
            case("a", "IRC", closed=DAY(2025, 6, 1), responsivity=good),
            case("b", "IRC", closed=DAY(2025, 6, 1), responsivity=poor),
            case("c", "IRC", closed=DAY(2025, 6, 1)),
        ]
        result = one("irc-condiciones-insercion", cases)
        assert (1, 3, {}, {"no_responsivity": 1}) == figures(result)

    def test_accompaniment_every_month_of_attention(self) -> None:
        """Two events in every month with 15 or more days open; entry 15 days before the
        end of the year is needed to count at all."""
        component = "irc-motivacion-desistimiento"
        entered = {"entry_date": DAY(2024, 2, 1), "opened_on": DAY(2024, 2, 1)}
        cases = [
            case("a", "IRC", events=sessions(component, *[(3, 2)] * 12), **entered),
            case("b", "IRC", events=sessions(component, *[(3, 2)] * 11 + [(3, 1)]), **entered),
            # closed on 10 June: June has 10 days of attention and does not count
            case(
                "c", "IRC", events=sessions(component, *[(3, 2)] * 5), closed=DAY(2025, 6, 10),
                **entered,
            ),
            # entered on 20 December: 12 days, fewer than 15
            case("d", "IRC", entry_date=DAY(2025, 12, 20), opened_on=DAY(2025, 12, 20)),
        ]  # fmt: skip
        result = one("irc-acompanamiento-2-mes", cases)
        assert (2, 3, {"too_few_days_since_entry": 1}, {}) == figures(result)

    def test_a_monthly_health_assessment(self) -> None:
        """At least one assessment in every month counted; a month without fails."""
        component = "irc-evaluacion-salud-biopsicosocial"
        cases = [
            case("a", "IRC", events=sessions(component, *[(1, 1)] * 12)),
            case("b", "IRC", events=sessions(component, *[(1, 1)] * 11 + [(1, 0)])),
        ]
        assert (1, 2, {}, {}) == figures(one("irc-evaluacion-salud-mensual", cases))

    def test_socio_educational_objectives_of_those_taking_part(self) -> None:
        """The year's last record of the component's objectives: 70 % met or more;
        only those who attended a socio-educational session are in the denominator."""
        component = "irc-apoyo-socioeducativo"

        def objectives(total: int, met: int, on: dt.date) -> EventSummary:
            return EventSummary(
                "component_objectives",
                on,
                {"component": component, "objectives": total, "met": met},
            )

        attending = sessions(component, (16, 12))
        cases = [
            case("a", "IRC", events=(*attending, objectives(5, 2, DAY(2025, 6, 30)),
                                     objectives(5, 4, DAY(2025, 12, 31)))),
            case("b", "IRC", events=(*attending, objectives(4, 2, DAY(2025, 12, 31)))),
            case("c", "IRC", events=attending),
            case("d", "IRC", events=(objectives(4, 4, DAY(2025, 12, 31)),)),  # took no part
        ]  # fmt: skip
        result = one("irc-objetivos-socioeducativos-70", cases)
        assert (1, 3, {}, {"no_objectives_recorded": 1}) == figures(result)

    def test_coexistence_rules_after_ninety_days_of_the_plan(self) -> None:
        """Every review after the plan's 90 days says complied; a plan under 90 days old on
        31 December is left out; a review within the 90 days does not count."""

        def review(on: dt.date, result: str) -> EventSummary:
            return EventSummary("coexistence_review", on, {"result": result})

        def drafted(on: dt.date) -> PlanSummary:
            return attrs.evolve(plan(2, 3), drafted_on=on)

        early = DAY(2025, 1, 10)
        cases = [
            case("a", "IRC", plan=drafted(early),
                 events=(review(DAY(2025, 2, 28), "not_complied"),
                         review(DAY(2025, 6, 30), "complied"))),
            case("b", "IRC", plan=drafted(early),
                 events=(review(DAY(2025, 6, 30), "complied"),
                         review(DAY(2025, 7, 31), "not_complied"))),
            case("c", "IRC", plan=drafted(early)),
            case("d", "IRC", plan=drafted(DAY(2025, 11, 1)),
                 events=(review(DAY(2025, 11, 30), "complied"),)),
        ]  # fmt: skip
        result = one("irc-convivencia-90d", cases)
        assert (1, 3, {"plan_too_recent": 1}, {"no_review": 1}) == figures(result)

    def test_what_cannot_be_computed_says_why(self) -> None:
        """No case of the programme, a component never recorded in the year."""
        results = {
            r.indicator.id: r
            for r in compute_indicators([case("a", "LAEIP")], SPEC, period=2025, library=LIBRARY)
        }
        reasons = {k: r.not_computable for k, r in results.items() if r.not_computable}
        assert "no case of programme IRC" in say(reasons["irc-logro-70"], "en")
        assert "no hay casos del programa IRC en el registro de casos" == say(
            reasons["irc-logro-70"]
        )
        assert (
            "no se registró asistencia al componente «Intervención especializada en actitudes y"
            " creencias procriminales» en 2025" == say(reasons["laeip-sesiones-actitudes-10"])
        )
        coded = results["irc-logro-70"].to_dict()["not_computable"]
        assert {"code": "indicators.why_not.no_cases", "params": {"programmes": ["IRC"]}} == coded
        assert results["laeip-objetivos-conducta"].percent is None
        irc = [case("b", "IRC", plan=attrs.evolve(plan(2, 3), drafted_on=DAY(2024, 3, 1)))]
        nothing = one("irc-convivencia-90d", irc)
        assert "no se registraron revisiones de las normas de convivencia en 2025" == say(
            nothing.not_computable  # type: ignore[arg-type]
        )

    def test_a_descending_reading_meets_at_or_below_the_target(self) -> None:
        """rnr reads every shipped indicator ascending; the data may say otherwise."""
        indicator = SPEC.indicator("laeip-objetivos-conducta")
        assert ("descending", "ascending", True) == (
            indicator.direction.stated,
            indicator.direction.read,
            indicator.direction.flagged,
        )
        low = IndicatorResult(indicator, 2025, ("LAEIP",), 1, 4)
        assert (25.0, False) == (low.percent, low.met)
        turned = attrs.evolve(indicator, direction=Direction("descending", "descending"))
        assert IndicatorResult(turned, 2025, ("LAEIP",), 1, 4).met is True
        assert {"stated": "descending", "read": "ascending", "flagged": True} == low.to_dict()[
            "direction"
        ]

    def test_programme_filter(self) -> None:
        """--programme keeps the indicators of that programme and counts only its cases."""
        results = compute_indicators(
            [case("a", "LAS")], SPEC, period=2025, library=LIBRARY, programme="LAE"
        )
        assert {"pla-ple-disminuyen-riesgo", "ple-logro-60"} == {r.indicator.id for r in results}
        assert all(r.programmes == ("LAE",) for r in results)
        with pytest.raises(InvalidArgumentError, match="programme: got 'XYZ'"):
            compute_indicators([], SPEC, period=2025, library=LIBRARY, programme="XYZ")


class TestFollowUpRecords:
    """The records the indicators need are events, checked when written like the others."""

    def opened(self) -> MemoryStore:
        store = MemoryStore()
        doc = {**ADULT, "case_id": "c-1", "assessed_on": "2024-03-01"}
        open_case(store, parse_case(doc, file="<t>"), by="t")
        return store

    def test_follow_up_records_are_stored_and_never_call_for_a_reassessment(self) -> None:
        """A coexistence review and a component's objectives are written and read back; the
        next reassessment stays the scheduled one."""
        store = self.opened()
        before = read_history(store, "c-1")
        due = next_due(before)
        record_event(
            store, "c-1", "coexistence_review", DAY(2024, 3, 31), by="t",
            data={"result": "not_complied", "infractions": 2},
        )  # fmt: skip
        record_event(
            store, "c-1", "component_objectives", DAY(2024, 12, 31), by="t",
            data={"component": "irc-apoyo-socioeducativo", "objectives": 5, "met": 4},
        )  # fmt: skip
        history = read_history(store, "c-1")
        assert ["coexistence_review", "component_objectives"] == [e.kind for e in history.events]
        assert {"result": "not_complied", "infractions": 2} == dict(history.events[0].data)
        assert due == next_due(history)
        assert set(FOLLOW_UP_KINDS) == {"coexistence_review", "component_objectives"}

    @pytest.mark.parametrize(
        ("kind", "data", "message"),
        [
            ("coexistence_review", {}, "event.result: missing"),
            (
                "coexistence_review",
                {"result": "ok"},
                "event.result: got 'ok', expected one of complied, not_complied",
            ),
            (
                "coexistence_review",
                {"result": "complied", "infractions": -1},
                "event.infractions: got -1, expected 0 or more",
            ),
            (
                "component_objectives",
                {"component": "irc-apoyo-socioeducativo", "objectives": 3, "met": 4},
                "event.met: got 4, expected 0 to 3",
            ),
            (
                "component_objectives",
                {"component": "irc-apoyo-socioeducativo", "objectives": 0, "met": 0},
                "event.objectives: got 0, expected at least 1",
            ),
            (
                "component_objectives",
                {"objectives": 3, "met": 1},
                "event.component: missing",
            ),
            (
                "component_objectives",
                {"component": "x", "objectives": 3, "met": 1, "year": 2025},
                "event.year: unknown for a component_objectives event",
            ),
        ],
    )
    def test_a_bad_follow_up_record_is_refused(
        self, kind: str, data: dict[str, Any], message: str
    ) -> None:
        """Each field is checked on write, and nothing is stored."""
        store = self.opened()
        count = len(list(store.records()))
        with pytest.raises(HistoryError, match=re.escape(message)):
            record_event(store, "c-1", kind, DAY(2024, 4, 1), by="t", data=data)
        assert count == len(list(store.records()))


class TestReinsertion:
    def test_components_and_index_by_hand(self) -> None:
        """Dynamic points 16 → 8, 2 of 3 objectives, moderate need, no offence: 0.5, 2/3, 0.5, 1."""
        one = case(
            "a",
            "LAS",
            levels=("high", "moderate", "moderate"),
            dynamic=(16, 12, 8),
            closed=DAY(2025, 6, 1),
        )
        parts = case_components(one, INDEX)
        assert {
            "dynamic_change": 0.5,
            "attainment": 2 / 3,
            "schooling_or_employment": 0.5,
            "no_new_offence": 1.0,
        } == parts
        assert round(100 * (0.3 * 0.5 + 0.3 * 2 / 3 + 0.2 * 0.5 + 0.2 * 1.0), 1) == score_of(
            parts, INDEX
        )

    def test_unmeasured_components_renormalise(self) -> None:
        """With one assessment and no objectives, the other two components carry the index."""
        one = case(
            "a", "LAS", levels=("high",), dynamic=(16,), plan=plan(0, 0), closed=DAY(2025, 6, 1)
        )
        parts = case_components(one, INDEX)
        assert (None, None) == (parts["dynamic_change"], parts["attainment"])
        assert round(100 * (0.2 * 0.5 + 0.2 * 1.0) / 0.4, 1) == score_of(parts, INDEX)

    def test_report_over_discharges(self) -> None:
        """Mean, median, favourable share and bands over the people discharged in the year."""
        cases = [
            case(
                "a",
                "LAS",
                dynamic=(16, 0),
                plan=plan(3, 3),
                closed=DAY(2025, 6, 1),
                needs={"education_employment": "low"},
            ),
            case(
                "b",
                "LAS",
                dynamic=(16, 16),
                plan=plan(0, 3),
                closed=DAY(2025, 6, 1),
                events=(EventSummary("new_offence", DAY(2025, 1, 1)),),
                needs={"education_employment": "high"},
            ),
            case("c", "LAS", closed=None),
        ]
        rep = reinsertion(cases, INDEX, period=2025, programmes=("LAS",))
        assert (2, 50.0, 1, (1, 0, 0, 0, 1)) == (rep.n, rep.mean, rep.favourable, rep.distribution)

    @given(
        first=st.integers(0, 40),
        last=st.integers(0, 40),
        achieved=st.integers(0, 5),
        need=st.sampled_from(["low", "moderate", "high"]),
        offence=st.booleans(),
    )
    def test_index_is_bounded_and_rises_with_attainment(
        self, first: int, last: int, achieved: int, need: str, offence: bool
    ) -> None:
        """The index lies in [0, 100] and never falls when one more objective is achieved."""
        events = (EventSummary("new_offence", DAY(2025, 2, 1)),) if offence else ()

        def index(done: int) -> float | None:
            one = case(
                "a",
                "LAS",
                dynamic=(first, last),
                plan=plan(done, 5),
                closed=DAY(2025, 6, 1),
                needs={"education_employment": need},
                events=events,
            )
            return score_of(case_components(one, INDEX), INDEX)

        low, high = index(achieved), index(min(5, achieved + 1))
        assert low is not None
        assert high is not None
        assert 0 <= low <= high <= 100


#: Every indicator of the programme documents (FACTS.md section 2, in its order): id,
#: document, target and the direction the document states.
FIFTEEN = [
    ("pla-ple-disminuyen-riesgo", "ficha-libertad-asistida", 56, "ascending"),
    ("pla-logro-70", "ficha-libertad-asistida", 66, "ascending"),
    ("ple-logro-60", "ficha-libertad-asistida", 66, "ascending"),
    ("laeip-objetivos-conducta", "ficha-laeip", 51, "descending"),
    ("laeip-sin-reingreso-12m", "ficha-laeip", 76, "descending"),
    ("laeip-objetivos-proceso-cambio", "ficha-laeip", 80, "descending"),
    ("laeip-asistencia-socioeducativa-85", "ficha-laeip", 90, "descending"),
    ("laeip-sesiones-actitudes-10", "ficha-laeip", 89, "descending"),
    ("laeip-plan-convivencia", "ficha-laeip", 75, "descending"),
    ("irc-condiciones-insercion", "ficha-irc", 55, "ascending"),
    ("irc-logro-70", "ficha-irc", 35, "ascending"),
    ("irc-acompanamiento-2-mes", "ficha-irc", 85, "ascending"),
    ("irc-objetivos-socioeducativos-70", "ficha-irc", 70, "ascending"),
    ("irc-evaluacion-salud-mensual", "ficha-irc", 85, "ascending"),
    ("irc-convivencia-90d", "ficha-irc", 54, "ascending"),
]
BROKEN = Path(__file__).parent / "data" / "indicators"


class TestDefinitions:
    def test_every_indicator_of_the_documents_is_defined(self) -> None:
        """The fifteen, in order, each with its document, target, stated direction and a
        reading rnr uses beside it; only the descending ones are flagged."""
        documents = [i for i in SPEC.indicators if i.document is not None]
        assert FIFTEEN == [
            (i.id, i.document.id, i.target, i.direction.stated)  # type: ignore[union-attr]
            for i in documents
        ]
        assert all(i.direction.read == "ascending" for i in SPEC.indicators)
        assert {i.id for i in documents if i.direction.flagged} == {
            ident for ident, _, _, stated in FIFTEEN if stated == "descending"
        }
        assert all(i.formula["numerator"] and i.formula["denominator"] for i in documents)
        assert 1.0 == pytest.approx(sum(c.weight for c in INDEX.components))

    def test_documents_are_cited_by_their_real_names(self) -> None:
        """No "seed" or FACTS.md in the files a reader's output quotes."""
        for path in (SPEC.path, INDEX.path):
            text = Path(path).read_text(encoding="utf-8")
            assert not re.search(r"\b(seed|seeds|Seed|FACTS)\b", text), path
        citations = {d.id: d.citation["es"] for d in SPEC.documents.values()}
        assert "«Libertad Asistida Especial con Internación Parcial»" in citations["ficha-laeip"]
        assert "«Internación en Régimen Cerrado" in citations["ficha-irc"]
        assert (
            "«Libertad Asistida para la Reinserción Juvenil»"
            in citations["ficha-libertad-asistida"]
        )

    def test_the_attitudes_component_is_the_one_the_policy_and_plans_name(self) -> None:
        """The component the LAEIP document calls 'pro delictivas' is named by id; the words
        the juvenile policy and the objective catalogue use are among its names."""
        attitudes = SPEC.component("actitudes-creencias-procriminales")
        policy_words = {
            word
            for version in policy_library().versions("cl-juvenil-20084")
            for word in _component_words(version)
        }
        catalogue, _ = shipped_catalogue()
        plan_words = {c for o in catalogue.objectives for c in o.components}
        assert set(attitudes.names) & policy_words
        assert set(attitudes.names) & plan_words
        assert attitudes.matches("actitudes y creencias pro delictivas")
        assert (
            "actitudes-creencias-procriminales"
            == SPEC.indicator("laeip-sesiones-actitudes-10").outcome_params["component"]
        )

    def test_the_irc_components_are_the_policys(self) -> None:
        """Each IRC component of the file is a component rule of the juvenile policy that
        decides IRC, by the same id (the id decisions, records and indicators share)."""
        deciding = [
            v for v in policy_library().versions("cl-juvenil-20084") if "IRC" in v.sanctions
        ]
        assert deciding, "a version of the juvenile policy decides IRC"
        rules = {r.id for r in deciding[-1].tables["components"].rules}
        mine = {
            c.id for c in SPEC.components.values() if c.programmes == ("IRC",) and not c.part_of
        }
        assert mine == {r for r in rules if r.startswith("irc-")}

    def test_an_indicator_naming_a_component_that_does_not_exist_is_refused(self) -> None:
        """The broken fixture names 'actitudes-creencias-prodelictivas', which no [components]
        table defines."""
        path = BROKEN / "componente-inexistente.toml"
        with pytest.raises(DefinitionError) as info:
            load_indicators(path)
        message = str(info.value)
        assert str(path) in message
        assert (
            "indicators[0].outcome.component: got 'actitudes-creencias-prodelictivas',"
            " expected a component defined in [components]: actitudes-creencias-procriminales"
        ) in message

    @pytest.mark.parametrize(
        ("old", "new", "message"),
        [
            (
                'kind = "risk_lowered"',
                'kind = "vibes"',
                r"indicators\[0\].outcome.kind: got 'vibes'",
            ),
            (
                'programmes = ["LAS", "LAE"]\ndocument',
                'programmes = ["LAS", "XYZ"]\ndocument',
                r"indicators\[0\].programmes: got 'XYZ'",
            ),
            (
                'outcome = { kind = "attainment_at_least", percent = 70 }',
                'outcome = { kind = "attainment_at_least" }',
                r"indicators\[1\].outcome.percent: missing",
            ),
            (
                'population = { kind = "followed" }',
                'population = { kind = "followed", colour = 1 }',
                r"indicators\[1\].population.colour: unknown for followed",
            ),
            (
                'event = "reentry_harsher"',
                'event = "party"',
                r"indicators\[4\].outcome.event: got 'party'",
            ),
            (
                "target = { value = 56, year = 2026 }",
                "target = { value = 56 }",
                r"indicators\[0\].target",
            ),
            (
                'id = "pla-logro-70"',
                'id = "pla-ple-disminuyen-riesgo"',
                r"indicators\[1\].id: got 'pla-ple-disminuyen-riesgo', expected an id not used",
            ),
            (
                'schema = "rnr.indicators/2"',
                'schema = "rnr.indicators/9"',
                "schema: got 'rnr.indicators/9'",
            ),
            (
                'component = "apoyo-socioeducativo", percent = 85',
                'component = "apoyo socioeducativo", percent = 85',
                (
                    r"indicators\[6\].outcome.component: got 'apoyo socioeducativo', expected a"
                    r" component defined in \[components\]"
                ),
            ),
            (
                'took_part_in = "irc-apoyo-socioeducativo"',
                'took_part_in = "socioeducativo"',
                r"indicators\[12\].population.took_part_in: got 'socioeducativo'",
            ),
            (
                '"jov-act-cambiar-ideas-delito",',
                '"jov-act-cambiar-ideas",',
                (
                    r"indicators\[5\].outcome.objectives\[4\]: got 'jov-act-cambiar-ideas',"
                    r" expected an objective id of the catalogue"
                ),
            ),
            (
                'needs = ["education_employment"]',
                'needs = ["education"]',
                r"indicators\[6\].population.needs\[0\]: got 'education', expected a domain id",
            ),
            (
                'document = "ficha-irc"',
                'document = "ficha-xyz"',
                (
                    r"indicators\[9\].document: got 'ficha-xyz', expected a document of"
                    r" \[documents\]"
                ),
            ),
            (
                'schooling = ["enrolled", "completed"]',
                'schooling = ["enrolled", "graduated"]',
                r"indicators\[9\].outcome.favourable.schooling\[1\]: got 'graduated'",
            ),
            (
                'part_of = "intervencion-criminologica"',
                'part_of = "intervencion"',
                r"components.actitudes-creencias-procriminales.part_of: got 'intervencion'",
            ),
            (
                'direction = { stated = "descending", read = "ascending" }',
                'direction = { stated = "descendente", read = "ascending" }',
                (
                    r"indicators\[3\].direction.stated: got 'descendente', expected one of"
                    r" ascending, descending"
                ),
            ),
            (
                'direction = { stated = "ascending", read = "ascending" }\nnote',
                "note",
                r"indicators\[0\].direction: missing",
            ),
            (
                'short = { es = "LAS y LAE: bajan su riesgo"',
                'short = { es = "LAS y LAE: egresados que bajan su riesgo"',
                (
                    r"indicators\[0\].short.es: got 'LAS y LAE: egresados que bajan su riesgo',"
                    r" expected a label of at most 29 characters"
                ),
            ),
            (
                'level = "rnr"\n',
                'level = "rnr"\ndocument = "ficha-laeip"\n',
                r"indicators\[15\].document: an rnr definition",
            ),
        ],
    )
    def test_broken_indicator_files(self, tmp_path: Path, old: str, new: str, message: str) -> None:
        """Each broken definition is refused naming the file and the dotted field."""
        text = Path(SPEC.path).read_text(encoding="utf-8")
        assert old in text
        path = tmp_path / "programas.toml"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(DefinitionError, match=message) as info:
            load_indicators(path)
        assert str(path) in str(info.value)

    @pytest.mark.parametrize(
        ("old", "new", "message"),
        [
            (
                'weight = 0.3\ntitle = { es = "Disminución',
                'weight = -1\ntitle = { es = "Disminución',
                r"components.dynamic_change.weight: got -1",
            ),
            (
                "scores = { low = 1.0, moderate = 0.5, high = 0.0 }",
                "scores = { low = 2.0 }",
                r"components.schooling_or_employment.scores",
            ),
            ("[components.no_new_offence]", "[components.luck]", r"components.luck: got 'luck'"),
            ("favourable_at = 60", "favourable_at = 160", "favourable_at: got 160"),
        ],
    )
    def test_broken_reinsertion_files(
        self, tmp_path: Path, old: str, new: str, message: str
    ) -> None:
        """Each broken index definition is refused naming the field."""
        text = Path(INDEX.path).read_text(encoding="utf-8")
        assert old in text
        path = tmp_path / "reinsercion.toml"
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        with pytest.raises(DefinitionError, match=message):
            load_reinsertion(path)


ADULT = json.loads(
    (Path(__file__).parent / "data" / "plans" / "cases" / "prueba-adulto-01.json").read_text(
        "utf-8"
    )
)


class TestOverrides:
    def test_rates_by_assessor_reason_and_direction_and_outcomes(self) -> None:
        """Two of three assessments overridden; the overridden one with a new offence counts."""
        store = MemoryStore()
        defs = Definitions.shipped()
        for n, assessor in enumerate(("ana", "ana", "luis")):
            doc = {**ADULT, "case_id": f"c-{n}", "assessed_on": "2024-03-01"}
            open_case(store, parse_case(doc, file="<t>"), by="t", assessor=assessor, defs=defs)
        up = Override(
            to_level="high",
            direction="up",
            reason="victim_safety",
            approved_by="jefe",
            approved_on=DAY(2024, 3, 2),
        )
        down = Override(
            to_level="low",
            direction="down",
            reason="mitigating_not_captured",
            approved_by="jefe",
            approved_on=DAY(2024, 3, 2),
        )
        add_override(store, "c-0", up, by="t", defs=defs)
        add_override(store, "c-2", down, by="t", defs=defs)
        record_event(store, "c-0", "new_offence", DAY(2024, 9, 1), by="t")
        report = override_report(store, period=2024, as_of=DAY(2025, 6, 1))
        assert (3, 2) == (report.total.assessments, report.total.overrides)
        assert {"ana": (2, 1), "luis": (1, 1)} == {
            k: (r.assessments, r.overrides) for k, r in report.by_assessor.items()
        }
        assert {"victim_safety": 1, "mitigating_not_captured": 1} == dict(report.by_reason)
        assert {"down": 1, "up": 1} == dict(report.by_direction)
        assert (1, 1, 100.0) == (
            report.outcomes["overridden_up"].followed,
            report.outcomes["overridden_up"].with_offence,
            report.outcomes["overridden_up"].percent,
        )
        assert (1, 0) == (
            report.outcomes["not_overridden"].followed,
            report.outcomes["not_overridden"].with_offence,
        )
        early = override_report(store, period=2024, as_of=DAY(2024, 12, 31))
        assert 0 == early.outcomes["not_overridden"].followed  # the 12-month window is not over


#: The simulated store of the report tests: entries over four years, so that every
#: indicator has cases in YEAR (LAS discharges, LAEIP discharges the year before, IRC
#: discharges after sentences of more than three years).
PEOPLE, YEARS, INTAKE, SEED, YEAR = 700, 5.0, 4.0, 5, 2028
DOCS = Path(__file__).resolve().parent.parent / "docs" / "indicators.md"
TRANSCRIPT_BEGIN = "<!-- transcript: tests/test_indicators.py, TestReport -->"
TRANSCRIPT_END = "<!-- end of transcript -->"


@pytest.fixture(scope="module")
def cohort_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated caseload in an SQLite store."""
    path = tmp_path_factory.mktemp("ind") / "rnr.sqlite3"
    with SQLiteStore(path) as store:
        store_cohort(store, simulate(PEOPLE, YEARS, seed=SEED, intake_years=INTAKE))
    return path


def _row(n: int, r: IndicatorResult) -> str:
    """One indicator as a row of the documentation's table."""
    i = r.indicator
    target = "—" if i.target is None else f"{i.target} % ({i.target_year})"
    met = {True: "yes", False: "no", None: "—"}[r.met]
    direction = "—"
    if i.document is not None:
        direction = f"{i.direction.stated} → {i.direction.read}"
        direction += " ⚑" if i.direction.flagged else ""
    return (
        f"| {n} | `{i.id}` | {', '.join(r.programmes)} | {r.percent} % |"
        f" {r.numerator} / {r.denominator} | {target} | {met} | {direction} |"
    )


class TestReport:
    def test_cases_closed_before_the_years_read_are_not_read(self, cohort_db: Path) -> None:
        """The case index answers for them: the same reports as reading every timeline."""
        from storekit import WithoutIndex  # noqa: PLC0415

        with SQLiteStore(cohort_db) as store:
            cases = len(store.case_ids())
            before = dt.date(YEAR - 1, 1, 1)  # the costs read the year before
            settled = settled_cases(store, defs=Definitions.shipped(), before=before)
            assert 0 < len(settled.last) < cases
            for period in (YEAR - 2, YEAR):
                for programme in (None, "LAS", "LVI"):
                    read: list[int] = []
                    report = programme_report(
                        store, period=period, programme=programme, progress=read.append
                    )
                    plain: Any = WithoutIndex(store)
                    assert report == programme_report(plain, period=period, programme=programme)
                    assert cases == sum(read)
                    costs = caseload_report(store, period=period, programme=programme)
                    assert costs == caseload_report(plain, period=period, programme=programme)

    def test_every_indicator_is_computable_on_a_simulated_store(self, cohort_db: Path) -> None:
        """All fifteen indicators (and rnr's two for adults) have figures beside their targets."""
        with SQLiteStore(cohort_db) as store:
            report = programme_report(store, period=YEAR)
        results = {r.indicator.id: r for r in report.indicators}
        assert [ident for ident, *_ in FIFTEEN] == list(results)[:15]
        assert [] == [k for k, r in results.items() if not r.computable]
        assert all(r.denominator > 0 and r.percent is not None for r in results.values())
        assert report.reinsertion.n > 0
        lines = "\n".join(report_lines(report, "es"))
        assert "no calculable" not in lines
        assert lines.count("Meta: ") == 17
        assert "el documento declara «descendente" in lines
        assert lines.count("discrepancia señalada") == 6
        assert "Libertad Asistida Especial con Internación Parcial»" in lines
        assert not re.search(r"\b(seed|FACTS)\b", lines)
        assert not re.search(r"\d\.\d %", lines)  # decimal comma in Spanish
        assert f"Registro de casos rnr.sqlite3 · leído al 31-12-{YEAR} · programa: todos" in lines
        # rnr's own words are inclusive; the documents' names and formulas are quoted as written
        own = re.sub(r"«[^»]*»", "«»", lines)
        assert not re.search(r"\b(egresados|atendidos)\b", own)
        assert (
            "Población (denominador): personas egresadas en el año por término de la sanción"
            in lines
        )
        assert "   «Porcentaje de jóvenes egresados/as por término de sanción en Libertad" in lines
        assert re.search(r"\n  \d+ personas egresadas en \d{4}: media \d+,\d, mediana", lines)
        page = report_html(report, "es")
        assert "<svg" in page
        assert "<script" not in page
        assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "laeip-plan-convivencia</text>" not in page  # charts show labels, not ids
        assert ">LAEIP: Plan de Convivencia</text>" in page
        # the distribution of the index counts people: whole numbers
        distribution = page[page.index("Distribución del índice") :]
        counts = re.findall(r'<text x="[\d.]+" y="[\d.]+">([^<]*)</text>', distribution)
        assert counts
        assert all(c.isdigit() for c in counts), counts
        readable = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", page, flags=re.S))
        decimal_point = r"(?<![\w.])\d+\.\d{1,2}(?![\w.])"  # 43.2, not Ley 18.216
        assert not re.search(decimal_point, readable)  # every figure with a decimal comma
        assert not re.search(r"\d{4}-\d{2}-\d{2}", readable)  # dates dd-mm-aaaa
        english = "\n".join(report_lines(report, "en"))
        assert f"Case store rnr.sqlite3 · read on {YEAR}-12-31" in english
        assert "Population (denominator): people discharged in the year" in english
        assert re.search(r"Result: \d+\.\d %", english)

    def test_the_follow_up_records_depend_only_on_the_seed(self) -> None:
        """The same seed gives the same cohort, follow-up records included; another seed
        other records (the report is a function of the store)."""

        def follow_up(seed: int) -> list[tuple[str, str, dt.date, object]]:
            cohort = simulate(150, YEARS, seed=seed, intake_years=INTAKE)
            return [
                (p.case_id, e.kind, e.on, dict(e.data))
                for p in cohort.people
                for e in p.events
                if e.kind in ("attendance", "coexistence_review", "component_objectives")
            ]

        assert follow_up(3) == follow_up(3)
        assert follow_up(3) != follow_up(4)

    def test_the_transcript_in_the_documentation(self, cohort_db: Path) -> None:
        """docs/indicators.md shows this store's report as the command prints it.

        Set RNR_REGENERATE_DOCS=1 to write the transcript into the page.
        """
        with SQLiteStore(cohort_db) as store:
            report = programme_report(store, period=YEAR)
        lines = report_lines(report, "es")
        start = next(n for n, line in enumerate(lines) if "── 8. " in line)
        block = lines[start : lines.index("", start)]
        transcript = "\n".join(
            [
                TRANSCRIPT_BEGIN,
                (
                    "| # | indicator | programmes | result | numerator / denominator | target"
                    " | target met | direction stated → read |"
                ),
                "|---|---|---|---|---|---|---|---|",
                *(_row(n, r) for n, r in enumerate(report.indicators, start=1)),
                "",
                "```console",
                f"$ rnr indicators --period {YEAR} --db caseload.sqlite3",
                "…",
                *block,
                "…",
                "```",
                TRANSCRIPT_END,
            ]
        )
        text = DOCS.read_text(encoding="utf-8")
        begin, end = text.index(TRANSCRIPT_BEGIN), text.index(TRANSCRIPT_END) + len(TRANSCRIPT_END)
        if os.environ.get("RNR_REGENERATE_DOCS"):
            DOCS.write_text(text[:begin] + transcript + text[end:], encoding="utf-8")
        assert transcript == text[begin:end]

    def test_cli_text_json_html(
        self, cohort_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """rnr indicators prints the report, its JSON and writes the HTML page."""
        html = tmp_path / "report.html"
        assert 0 == main(
            ["indicators", "--period", str(YEAR), "--db", str(cohort_db), "--html", str(html)]
        )
        out = capsys.readouterr().out
        assert f"Indicadores de programa · {YEAR}" in out
        assert html.read_text("utf-8").startswith("<!DOCTYPE html>")
        assert 0 == main(
            [
                "indicators",
                "--period",
                str(YEAR),
                "--programme",
                "LAS",
                "--json",
                "--db",
                str(cohort_db),
            ]
        )
        data = json.loads(capsys.readouterr().out)
        assert {"pla-ple-disminuyen-riesgo", "pla-logro-70"} == {
            i["id"] for i in data["indicators"]
        }
        first = data["indicators"][0]
        assert {
            "numerator",
            "denominator",
            "exclusions",
            "unmeasured",
            "percent",
            "target",
            "direction",
            "document",
            "formula",
        } <= set(first)
        assert "ficha-libertad-asistida" == first["document"]["id"]

    def test_cli_bad_period_and_bad_store(self, tmp_path: Path, cli: Cli) -> None:
        """A bad year is a usage error; a file that is not a store cannot be used."""
        cli.refused("indicators", "--period", "20x5", "--db", tmp_path / "x.db", contains=["year"])
        bad = tmp_path / "bad.db"
        bad.write_bytes(b"garbage" * 1000)
        cli.error(
            "store.unavailable",
            "indicators",
            "--period",
            "2025",
            "--db",
            bad,
            contains=["not an rnr store"],
        )


def test_indicator_fields_round_trip() -> None:
    """Indicators are frozen values with their parameters read-only."""
    indicator = SPEC.indicators[0]
    assert isinstance(indicator, Indicator)
    with pytest.raises(TypeError):
        indicator.outcome_params["x"] = 1  # type: ignore[index]
