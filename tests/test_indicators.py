"""Programme indicators, the reinsertion index and override monitoring.

Each indicator kind is checked on hand-made case summaries whose numerator,
denominator and exclusions are counted by hand; the shipped definitions load
and every broken definition names its field; the report runs on a store.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rnr import default_library
from rnr.cases.overrides import Override
from rnr.cases.parse import parse_case
from rnr.cli import main
from rnr.definitions.indicators import Indicator, IndicatorSet, load_indicators, load_reinsertion
from rnr.errors import DefinitionError, InvalidArgumentError
from rnr.history.amend import record_event
from rnr.history.definitions import Definitions
from rnr.history.overrides import override_report
from rnr.history.programme import programme_report
from rnr.history.write import add_override, open_case
from rnr.indicators.caseload import CaseSummary, EventSummary, PlanSummary
from rnr.indicators.compute import compute_indicators
from rnr.indicators.reinsertion_index import case_components, reinsertion, score_of
from rnr.render.indicators import report_html, report_lines
from rnr.render.messages import say
from rnr.simulate.engine import simulate
from rnr.simulate.load import store_cohort
from rnr.store.memory import MemoryStore
from rnr.store.sqlite import SQLiteStore

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


def only(ident: str) -> IndicatorSet:
    """The shipped set with just one indicator."""
    return attrs.evolve(SPEC, indicators=tuple(i for i in SPEC.indicators if i.id == ident))


class TestIndicators:
    def test_risk_lowered_counts_discharges_at_the_end_of_the_sentence(self) -> None:
        """Numerator: level fell; excluded: one assessment, another discharge reason."""
        cases = [
            case("a", "LAS", closed=DAY(2025, 6, 1)),
            case("b", "LAE", levels=("moderate", "high"), closed=DAY(2025, 7, 1)),
            case("c", "LAS", levels=("high",), closed=DAY(2025, 7, 1)),
            case("d", "LAS", closed=DAY(2025, 7, 1), reason="transfer"),
            case("e", "LAS", closed=DAY(2024, 7, 1)),
            case("f", "LAEIP", closed=DAY(2025, 7, 1)),
        ]
        (result,) = compute_indicators(
            cases, only("pla-ple-disminuyen-riesgo"), period=2025, library=LIBRARY
        )
        assert (1, 2, 50.0, False) == (
            result.numerator,
            result.denominator,
            result.percent,
            result.met,
        )
        assert {"other_discharge_reason": 1, "single_assessment": 1} == dict(result.exclusions)

    def test_attainment_of_the_people_followed_in_the_year(self) -> None:
        """Followed: a review in the year; excluded: no objectives to count."""
        cases = [
            case("a", "LAS", plan=plan(3, 4, (DAY(2025, 2, 1),))),
            case("b", "LAS", plan=plan(2, 4, (DAY(2025, 2, 1),))),
            case("c", "LAS", plan=plan(4, 4, (DAY(2024, 2, 1),))),
            case("d", "LAS", plan=plan(0, 0, (DAY(2025, 2, 1),))),
        ]
        (result,) = compute_indicators(cases, only("pla-logro-70"), period=2025, library=LIBRARY)
        assert (1, 2, {"no_objectives": 1}) == (
            result.numerator,
            result.denominator,
            dict(result.exclusions),
        )

    def test_no_reentry_within_twelve_months_of_a_discharge_the_year_before(self) -> None:
        """A re-entry inside the window counts against; an unfinished window is excluded."""
        reentry = (EventSummary("reentry_harsher", DAY(2025, 3, 1), {"sanction": "IRC"}),)
        cases = [
            case("a", "LAEIP", closed=DAY(2024, 5, 1)),
            case("b", "LAEIP", closed=DAY(2024, 5, 1), events=reentry),
            case("c", "LAEIP", closed=DAY(2025, 5, 1)),
        ]
        (result,) = compute_indicators(
            cases, only("laeip-sin-reingreso-12m"), period=2025, library=LIBRARY
        )
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

    def test_attendance_share_and_sessions(self) -> None:
        """Attendance: attended over scheduled in the year; sessions: attended in the year."""

        def sessions(component: str, *pairs: tuple[int, int]) -> tuple[EventSummary, ...]:
            return tuple(
                EventSummary(
                    "attendance",
                    DAY(2025, n + 1, 28),
                    {"component": component, "scheduled": s, "attended": a},
                )
                for n, (s, a) in enumerate(pairs)
            )

        social = "apoyo socioeducativo"
        cases = [
            case("a", "LAEIP", events=sessions(social, (8, 8), (8, 6))),  # 14/16 = 87.5 %
            case("b", "LAEIP", events=sessions(social, (8, 6), (8, 6))),  # 75 %
            case("c", "LAEIP"),  # none recorded: excluded
            case("d", "LAEIP", criminogenic=frozenset()),  # no need: outside
        ]
        (result,) = compute_indicators(
            cases, only("laeip-asistencia-socioeducativa-85"), period=2025, library=LIBRARY
        )
        assert (1, 2, {"no_attendance_recorded": 1}) == (
            result.numerator,
            result.denominator,
            dict(result.exclusions),
        )
        attitudes = "actitudes y creencias prodelictivas"
        cases = [
            case(
                "a",
                "LAEIP",
                criminogenic=frozenset({"attitudes_orientation"}),
                events=sessions(attitudes, (6, 6), (6, 5)),
            ),
            case(
                "b",
                "LAEIP",
                criminogenic=frozenset({"personality_behaviour"}),
                events=sessions(attitudes, (6, 4)),
            ),
        ]
        (result,) = compute_indicators(
            cases, only("laeip-sesiones-actitudes-10"), period=2025, library=LIBRARY
        )
        assert (1, 2) == (result.numerator, result.denominator)

    def test_what_cannot_be_computed_says_why(self) -> None:
        """No case of the programme, a component never recorded, data rnr does not keep."""
        results = {
            r.indicator.id: r
            for r in compute_indicators([case("a", "LAEIP")], SPEC, period=2025, library=LIBRARY)
        }
        reasons = {k: r.not_computable for k, r in results.items() if r.not_computable}
        assert "no case of programme IRC" in say(reasons["irc-logro-70"], "en")
        assert "no hay casos del programa IRC en el almacén" == say(reasons["irc-logro-70"])
        assert "compliance with the coexistence rules" in say(reasons["irc-convivencia-90d"], "en")
        assert "actitudes y creencias prodelictivas" in say(reasons["laeip-sesiones-actitudes-10"])
        coded = results["irc-logro-70"].to_dict()["not_computable"]
        assert {"code": "indicators.why_not.no_cases", "params": {"programmes": ["IRC"]}} == coded
        assert results["laeip-objetivos-conducta"].percent is None

    def test_programme_filter(self) -> None:
        """--programme keeps the indicators of that programme and counts only its cases."""
        results = compute_indicators(
            [case("a", "LAS")], SPEC, period=2025, library=LIBRARY, programme="LAE"
        )
        assert {"pla-ple-disminuyen-riesgo", "ple-logro-60"} == {r.indicator.id for r in results}
        assert all(r.programmes == ("LAE",) for r in results)
        with pytest.raises(InvalidArgumentError, match="programme: got 'XYZ'"):
            compute_indicators([], SPEC, period=2025, library=LIBRARY, programme="XYZ")


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


class TestDefinitions:
    def test_shipped_definitions_load(self) -> None:
        """Every seed indicator of FACTS.md section 2 is defined, with its target."""
        targets = {i.id: i.target for i in SPEC.indicators}
        assert 56 == targets["pla-ple-disminuyen-riesgo"]
        assert 76 == targets["laeip-sin-reingreso-12m"]
        assert 54 == targets["irc-convivencia-90d"]
        assert 1.0 == pytest.approx(sum(c.weight for c in INDEX.components))

    @pytest.mark.parametrize(
        ("old", "new", "message"),
        [
            (
                'kind = "risk_lowered"',
                'kind = "vibes"',
                r"indicators\[0\].outcome.kind: got 'vibes'",
            ),
            (
                'programmes = ["LAS", "LAE"]',
                'programmes = ["LAS", "XYZ"]',
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
                'schema = "rnr.indicators/1"',
                'schema = "rnr.indicators/9"',
                "schema: got 'rnr.indicators/9'",
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


@pytest.fixture(scope="module")
def cohort_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A simulated cohort of 400 people over three years, in an SQLite store."""
    path = tmp_path_factory.mktemp("ind") / "rnr.sqlite3"
    with SQLiteStore(path) as store:
        store_cohort(store, simulate(400, 3.0, seed=5))
    return path


class TestReport:
    def test_report_on_a_simulated_cohort(self, cohort_db: Path) -> None:
        """The seeds' indicators that the data support are computed; the rest say why not."""
        with SQLiteStore(cohort_db) as store:
            report = programme_report(store, period=2025)
        computed = {r.indicator.id for r in report.indicators if r.computable}
        assert {
            "pla-ple-disminuyen-riesgo",
            "pla-logro-70",
            "laeip-asistencia-socioeducativa-85",
        } <= computed
        assert not any(r.computable for r in report.indicators if "IRC" in r.programmes)
        assert report.reinsertion.n > 0
        lines = "\n".join(report_lines(report, "en"))
        assert "not computable" in lines
        page = report_html(report, "es")
        assert "<svg" in page
        assert "<script" not in page
        assert "http" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")

    def test_cli_text_json_html(
        self, cohort_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """rnr indicators prints the report, its JSON and writes the HTML page."""
        html = tmp_path / "report.html"
        assert 0 == main(
            ["indicators", "--period", "2025", "--db", str(cohort_db), "--html", str(html)]
        )
        out = capsys.readouterr().out
        assert "Indicadores de programa · 2025" in out
        assert html.read_text("utf-8").startswith("<!DOCTYPE html>")
        assert 0 == main(
            [
                "indicators",
                "--period",
                "2025",
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
        assert {"numerator", "denominator", "exclusions", "percent", "target", "source"} <= set(
            first
        )

    def test_cli_bad_period_and_bad_store(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A bad year is a usage error; a file that is not a store is one line."""
        assert 2 == main(["indicators", "--period", "20x5", "--db", str(tmp_path / "x.db")])
        assert "expected a year" in capsys.readouterr().err
        bad = tmp_path / "bad.db"
        bad.write_bytes(b"garbage" * 1000)
        assert 2 == main(["indicators", "--period", "2025", "--db", str(bad)])
        err = capsys.readouterr().err.splitlines()
        assert 1 == len(err)
        assert "not an rnr store" in err[0]


def test_indicator_fields_round_trip() -> None:
    """Indicators are frozen values with their parameters read-only."""
    indicator = SPEC.indicators[0]
    assert isinstance(indicator, Indicator)
    with pytest.raises(TypeError):
        indicator.outcome_params["x"] = 1  # type: ignore[index]
